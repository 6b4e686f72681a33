"""Importing a real ScubaGear 1.8.0 results file, and refusing what is not one."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from netsep_check.errors import InputError
from netsep_check.facts import import_file, load_facts, tenant_hash
from netsep_check.facts.scubagear import normalise_id, parse

DATA = Path(__file__).resolve().parents[1] / "data" / "scubagear"
SAMPLE = DATA / "ScubaResults_fa5589b7-d528-4f80.json"


@pytest.fixture(scope="module")
def facts():
    return import_file("scubagear", SAMPLE)


@pytest.fixture(scope="module")
def sample() -> dict:
    return json.loads(SAMPLE.read_text(encoding="utf-8-sig"))


def _bytes(document: dict) -> bytes:
    return b"\xef\xbb\xbf" + json.dumps(document).encode()


def test_source_and_tenant(facts):
    assert facts.source.tool == "ScubaGear" and facts.source.tool_version == "1.8.0"
    assert facts.source.report_id == "fa5589b7-d528-4f80-8e7d-5c20eda7b6d8"
    assert facts.source.collected_at == "2026-05-04T17:15:48.307Z"
    assert facts.tenant_id_sha256 == tenant_hash("CA08493A-c9c8-4db0-a9e8-d3b4bafac269")
    assert facts.unknown_policies == ()


def test_policies_manual_and_not_applicable(facts):
    assert facts.get("MS.AAD.5.1v1").value == "fail"
    assert facts.get("MS.AAD.5.1v1").check == "automated"
    assert facts.get("MS.AAD.4.1v1").check == "manual"  # Shall/Not-Implemented, N/A
    assert facts.get("MS.SHAREPOINT.1.3v1").check == "not_applicable"  # a Pass that is n/a
    assert facts.get("MS.SHAREPOINT.1.1v1").check == "automated"
    assert facts.get("MS.TEAMS.5.2v2").value == "warning"


def test_moved_ids_are_normalised(facts):
    moved = facts.get("MS.SECURITYSUITE.5.1v1")  # was MS.DEFENDER.6.1v1
    assert moved.reported_id == "MS.DEFENDER.6.1v1" and moved.value == "pass"
    assert facts.get("MS.DEFENDER.6.1v1") is None
    assert facts.get("MS.DEFENDER.1.1v1") is not None  # a range in the table: kept as is
    assert normalise_id("ms.aad.3.2v1") == "MS.AAD.3.2v2"
    assert normalise_id("not an id") is None


def test_raw_settings_only(facts):
    assert facts.get("sharepoint.sharing_capability").value == "disabled"
    assert facts.get("onedrive.sharing_capability").value == "disabled"
    assert facts.get("licence.advanced_auditing").value is True
    assert facts.get("apps.risky_applications").value == 2
    assert "Credit Card Number" in facts.get("dlp.content_types").value
    assert facts.get("conditional_access.session_limited").value is True
    assert facts.get("conditional_access.device_required").value is False


def test_no_names_and_no_raw_in_the_facts(tmp_path, run):
    out = tmp_path / "facts.json"
    result = run("import", "scubagear", SAMPLE, "-o", out)
    assert result.exit_code == 0, result.stderr
    text = out.read_text(encoding="utf-8")
    for secret in ("tqhjy", "Jane Doe", "John Public", "ca08493a", "Test Application",
                   "Raw", "DisplayName", "@"):
        assert secret not in text
    again = load_facts(out)
    assert again.sha256 == import_file("scubagear", SAMPLE).sha256  # one digest either way
    assert again.facts == import_file("scubagear", SAMPLE).facts


def test_unknown_ids_are_reported_not_fatal(sample, tmp_path, run):
    doc = json.loads(json.dumps(sample))
    doc["Results"]["AAD"][0]["Controls"].append(
        {"Control ID": "MS.AAD.99.1v1", "Result": "Pass", "Criticality": "Shall"})
    doc["Results"]["NewProduct"] = []
    doc["Extra"] = {"anything": 1}
    path = tmp_path / "ScubaResults_x.json"
    path.write_bytes(_bytes(doc))
    facts = parse(path.read_bytes(), str(path))
    assert facts.unknown_policies == ("MS.AAD.99.1v1",)
    result = run("import", "scubagear", path)
    assert result.exit_code == 0 and "MS.AAD.99.1v1" in result.stderr


def test_renamed_product_keys(sample):
    doc = json.loads(json.dumps(sample))
    doc["Results"]["SecuritySuite"] = doc["Results"].pop("Defender")
    doc["MetaData"]["ProductAbbreviationMapping"] = {"Security Suite": "SecuritySuite"}
    facts = parse(_bytes(doc), "x.json")
    assert facts.get("MS.SECURITYSUITE.5.1v1").value == "pass"


def _hostile(sample):
    doc = json.loads(json.dumps(sample))
    wrong_tool = json.loads(json.dumps(sample))
    wrong_tool["MetaData"]["Tool"] = "Maester"
    wrong_type = json.loads(json.dumps(sample))
    wrong_type["Results"]["AAD"][0]["Controls"][0]["Result"] = 7
    wrong_sharing = json.loads(json.dumps(sample))
    wrong_sharing["Raw"]["SPO_tenant"][0]["SharingCapability"] = "sometimes"
    text = json.dumps(doc).encode()
    return {
        "truncated": (text[: len(text) // 2], "truncated"),
        "not json": (b"<html>hello</html>", "JSON syntax error"),
        "a list": (b"[1, 2]", "not a ScubaGear results file"),
        "wrong tool": (json.dumps(wrong_tool).encode(), "MetaData.Tool"),
        "profile": (b'{"profile_version": 1}', "not a ScubaGear results file"),
        "wrong type": (json.dumps(wrong_type).encode(), "Result"),
        "wrong sharing": (json.dumps(wrong_sharing).encode(), "SharingCapability"),
        "deep": (b'{"MetaData": ' + b"[" * 5000 + b"]" * 5000 + b"}", "nest"),
        "nan": (b'{"MetaData": NaN}', "NaN"),
        "utf16": ("{}".encode("utf-16"), "UTF-16"),
    }


@pytest.mark.parametrize("case", ["truncated", "not json", "a list", "wrong tool", "profile",
                                  "wrong type", "wrong sharing", "deep", "nan", "utf16"])
def test_hostile_input_is_exit_2_and_writes_nothing(case, sample, tmp_path, run):
    data, words = _hostile(sample)[case]
    path = tmp_path / "ScubaResults_bad.json"
    path.write_bytes(data)
    out = tmp_path / "facts.json"
    result = run("import", "scubagear", path, "-o", out)
    assert result.exit_code == 2, (case, result.stderr)
    assert words.lower() in result.stderr.lower(), result.stderr
    assert "Traceback" not in result.stderr
    assert not out.exists() and not list(tmp_path.glob("facts.json*"))


def test_size_limit(tmp_path, run):
    path = tmp_path / "big.json"
    path.write_bytes(b" " * 2000 + b"{}")
    result = run("import", "scubagear", path, "--max-size", "1000")
    assert result.exit_code == 2 and "larger than the limit" in result.stderr


def test_schema_is_printed_and_checks_facts(run, tmp_path):
    result = run("schema", "tenant-facts")
    assert result.exit_code == 0 and "netsep-check-tenant-facts" in result.stdout
    bad = tmp_path / "facts.json"
    bad.write_text('{"format": "netsep-check-tenant-facts", "format_version": 1}')
    with pytest.raises(InputError) as caught:
        load_facts(bad)
    assert "source" in str(caught.value)


def test_key_order_does_not_matter_for_check(sample, tmp_path):
    doc = {"Raw": sample["Raw"], "Results": sample["Results"], "MetaData": sample["MetaData"]}
    path = tmp_path / "ScubaResults_reordered.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    assert load_facts(path).get("MS.AAD.5.1v1").value == "fail"


def test_too_many_policy_results_is_exit_2(sample, tmp_path, run):
    doc = json.loads(json.dumps(sample))
    doc["Results"]["AAD"][0]["Controls"] = [
        {"Control ID": f"MS.AAD.{i}.1v1", "Result": "Pass", "Criticality": "Shall"}
        for i in range(4001)]
    path = tmp_path / "ScubaResults_many.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    result = run("import", "scubagear", path, "-o", tmp_path / "f.json")
    assert result.exit_code == 2 and "more than 4000 policy results" in result.stderr
