"""Done-when: check --tenant-facts with the real ScubaGear 1.8.0 sample, end to end."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from tests.conftest import copy_evidence

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "tests" / "data" / "scubagear" / "ScubaResults_fa5589b7-d528-4f80.json"
PROFILE = ROOT / "examples" / "m365-tenant-measured.yaml"
FACTS = ROOT / "examples" / "tenant" / "scubagear-facts.json"


def _json(run, *args) -> tuple[int, dict]:
    result = run("check", *args, "--format", "json", "--lang", "en")
    assert result.exit_code in (0, 1), result.stderr
    return result.exit_code, json.loads(result.stdout)


def _findings(document: dict, rule_id: str) -> list[dict]:
    return [f for f in document["findings"] if f["rule_id"] == rule_id]


def test_declared_third_party_apps_fails_naming_the_refuting_policies(run):
    code, document = _json(run, PROFILE, "--tenant-facts", SAMPLE)
    assert code == 1
    (finding,) = _findings(document, "TENANT-THIRD-PARTY-APPS")
    assert finding["status"] == "fail" and finding["severity"] == "high"
    assert finding["area"] == "saas_management"
    assert finding["paths"] == ["security_measures.saas_management.third_party_apps.status"]
    assert finding["line"] is not None
    refuting = {m["fact"] for m in finding["actual"]}
    assert {"MS.AAD.5.1v1", "MS.AAD.5.2v1"} <= refuting
    assert "MS.AAD.5.3v1" not in refuting  # it passed: not named as refuting
    for words in ("MS.AAD.5.1v1", "MS.AAD.5.2v1", "fa5589b7-d528-4f80-8e7d-5c20eda7b6d8",
                  "2026-05-04T17:15:48.307Z", "ScubaGear 1.8.0"):
        assert words in finding["message"]
    # the declaration alone passes that control: the measurement is what fails it
    declared = run("check", PROFILE, "--format", "json")
    assert declared.exit_code == 0


def test_supported_claims_pass_with_the_measurement_shown(run):
    _, document = _json(run, PROFILE, "--tenant-facts", FACTS)
    for rule in ("TENANT-SHARING-CONTROLS", "TENANT-SHARING-CONTROLS-LEVEL",
                 "TENANT-FILE-MALWARE-PROTECTION", "TENANT-AUDIT-LOGGING"):
        (finding,) = _findings(document, rule)
        assert finding["status"] == "pass", finding
        assert finding["actual"], finding  # the measurement is in the report
    (level,) = _findings(document, "TENANT-SHARING-CONTROLS-LEVEL")
    assert {"fact": "sharepoint.sharing_capability", "value": "disabled", "check": "automated",
            "confidence": "high"} in level["actual"]
    assert "sharepoint.sharing_capability=disabled" in level["message"]
    (sharing,) = _findings(document, "TENANT-SHARING-CONTROLS")
    passing = {m["fact"] for m in sharing["actual"]}
    assert {"MS.SHAREPOINT.1.1v1", "MS.SHAREPOINT.1.2v1"} <= passing
    assert "MS.SHAREPOINT.1.3v1" not in passing  # a not-applicable Pass is no evidence
    (record,) = document["tenant_evidence"]
    assert record["report_id"] == "fa5589b7-d528-4f80-8e7d-5c20eda7b6d8"
    assert record["collected_at"] == "2026-05-04T17:15:48.307Z"
    assert record["sha256"] == json.loads(json.dumps(record))["sha256"]
    assert "saas_management.sharing_controls" in record["confirmed"]
    assert "saas_management.third_party_apps" in record["contradicted"]
    schema = json.loads((ROOT / "netsep_check/schemas/report.schema.json").read_text())
    assert not list(Draft202012Validator(schema).iter_errors(document))


def test_facts_file_and_results_file_give_the_same_digest(run):
    _, from_facts = _json(run, PROFILE, "--tenant-facts", FACTS)
    _, from_results = _json(run, PROFILE, "--tenant-facts", SAMPLE)
    assert from_facts["tenant_evidence"][0]["sha256"] == from_results["tenant_evidence"][0]["sha256"]


def test_sharepoint_anyone_contradicts_external_sharing_disabled(run, tmp_path):
    sample = json.loads(SAMPLE.read_text(encoding="utf-8-sig"))
    sample["Raw"]["SPO_tenant"][0]["SharingCapability"] = 2  # Anyone
    anyone = tmp_path / "ScubaResults_anyone.json"
    anyone.write_text(json.dumps(sample), encoding="utf-8")
    shutil.copy(PROFILE, tmp_path / "profile.yaml")
    copy_evidence(tmp_path)
    code, document = _json(run, tmp_path / "profile.yaml", "--tenant-facts", anyone)
    assert code == 1
    (finding,) = _findings(document, "TENANT-SHARING-CONTROLS-LEVEL")
    assert finding["status"] == "fail" and finding["severity"] == "high"
    assert finding["expected"] == "disabled"
    assert "level=open" in finding["message"]
    assert finding["paths"] == ["security_measures.saas_management.sharing_controls."
                                "external_sharing"]


def test_text_report_shows_tenant_evidence(run):
    result = run("check", PROFILE, "--tenant-facts", FACTS, "--lang", "ko")
    assert result.exit_code == 1
    assert "테넌트 측정 근거" in result.stdout and "fa5589b7" in result.stdout
    assert "신고와 불일치" in result.stdout and "확인됨" in result.stdout
    english = run("check", PROFILE, "--tenant-facts", FACTS, "--lang", "en")
    assert "tenant evidence" in english.stdout and "contradicted" in english.stdout


def test_facts_of_another_tenant_are_exit_2(run, tmp_path):
    text = PROFILE.read_text(encoding="utf-8").replace(
        "id: ca08493a-c9c8-4db0-a9e8-d3b4bafac269", "id: 00000000-0000-0000-0000-000000000001")
    (tmp_path / "p.yaml").write_text(text, encoding="utf-8")
    copy_evidence(tmp_path)
    result = run("check", tmp_path / "p.yaml", "--tenant-facts", FACTS)
    assert result.exit_code == 2 and "another tenant" in result.stderr


def test_old_facts_are_a_finding(run, tmp_path):
    text = PROFILE.read_text(encoding="utf-8")
    (tmp_path / "p.yaml").write_text(text, encoding="utf-8")
    copy_evidence(tmp_path)
    _, document = _json(run, tmp_path / "p.yaml", "--tenant-facts", FACTS, "--as-of",
                        "2026-09-20")
    (age,) = _findings(document, "TENANT-FACTS-AGE")
    assert age["status"] == "fail" and "139 days" in age["message"]
    assert not [f for f in document["findings"] if f["rule_id"].startswith("TENANT-")
                and f["status"] == "pass"]  # old facts confirm nothing
    assert document["tenant_evidence"][0]["stale"] is True


@pytest.mark.parametrize("bad, words", [
    (b"not json at all", "neither a tenant-facts file"),
    (b'{"format": "netsep-check-tenant-facts", "format_version": 2}', "format_version"),
])
def test_bad_facts_are_exit_2(run, tmp_path, bad, words):
    path = tmp_path / "facts.json"
    path.write_bytes(bad)
    result = run("check", PROFILE, "--tenant-facts", path)
    assert result.exit_code == 2 and words in result.stderr, result.stderr


@pytest.mark.parametrize("fmt", ["text", "json", "markdown", "html", "sarif", "junit"])
def test_every_format_names_the_tenant_evidence(run, fmt):
    result = run("check", PROFILE, "--tenant-facts", FACTS, "--format", fmt, "--lang", "en")
    assert result.exit_code == 1
    out = " ".join(result.stdout.split())
    assert "fa5589b7-d528-4f80-8e7d-5c20eda7b6d8" in out and "TENANT-THIRD-PARTY-APPS" in out
    if fmt != "junit":  # junit carries the findings (with the report id), not the record
        facts_sha = run("check", PROFILE, "--tenant-facts", FACTS, "--format", "json")
        digest = json.loads(facts_sha.stdout)["tenant_evidence"][0]["sha256"]
        assert digest in out.replace(" ", "") or digest in result.stdout.replace("\n", "")


def test_a_firms_pack_sets_the_facts_age(run, tmp_path):
    pack = tmp_path / "pack"
    pack.mkdir()
    (pack / "pack.yaml").write_text(
        "pack:\n  id: firm-pack\n  version: '1'\n  extends: sandbox-2024\n"
        "  title: {ko: 자체 기준, en: Own baseline}\n"
        "  parameters:\n    tenant_facts_max_age_days: {value: 200}\n", encoding="utf-8")
    _, strict = _json(run, PROFILE, "--tenant-facts", FACTS, "--as-of", "2026-09-20")
    assert _findings(strict, "TENANT-FACTS-AGE")
    _, lenient = _json(run, PROFILE, "--tenant-facts", FACTS, "--as-of", "2026-09-20",
                       "--pack", pack)
    assert not _findings(lenient, "TENANT-FACTS-AGE")
    assert _findings(lenient, "TENANT-SHARING-CONTROLS")[0]["status"] == "pass"


def test_a_batch_judges_each_firm_against_its_own_tenant(run, tmp_path):
    """Several facts files in one run: each profile is checked against the facts of the
    tenant it names (issue 10: per firm in a batch)."""
    from netsep_check.facts.model import tenant_hash

    ours = ROOT / "examples" / "m365-tenant-measured.yaml"
    other_facts = json.loads(FACTS.read_text(encoding="utf-8"))
    other_facts["tenant"]["id_sha256"] = tenant_hash("11111111-2222-3333-4444-555555555555")
    for fact in other_facts["facts"]:  # the other tenant lets no user consent to apps
        if fact.get("id") in ("MS.AAD.5.1v1", "MS.AAD.5.2v1"):
            fact["value"] = "pass"
    other = tmp_path / "other-facts.json"
    other.write_text(json.dumps(other_facts), encoding="utf-8")
    theirs = tmp_path / "theirs.yaml"
    theirs.write_text(ours.read_text(encoding="utf-8").replace(
        "id: ca08493a-c9c8-4db0-a9e8-d3b4bafac269", "id: 11111111-2222-3333-4444-555555555555").replace(
        "name: 예시은행", "name: 다른은행"), encoding="utf-8")
    result = run("check", ours, theirs, "--tenant-facts", FACTS, "--tenant-facts", other,
                 "--format", "json", "--no-evidence-check", "--jobs", "1")
    assert result.exit_code in (0, 1), result.stderr
    reports = {r["profile"]["firm"]: r for r in json.loads(result.stdout)["reports"]}
    shas = {firm: {e["sha256"] for e in r.get("tenant_evidence", [])}
            for firm, r in reports.items()}
    assert len(shas["예시은행"]) == 1 and shas["예시은행"] != shas["다른은행"]
    unnamed = tmp_path / "unnamed.yaml"
    unnamed.write_text(ours.read_text(encoding="utf-8").replace(
        "tenant:\n  id: ca08493a-c9c8-4db0-a9e8-d3b4bafac269\n", ""), encoding="utf-8")
    ambiguous = run("check", unnamed, "--tenant-facts", FACTS, "--tenant-facts", other,
                    "--no-evidence-check", "--lang", "en")
    assert ambiguous.exit_code == 2 and "name its tenant" in ambiguous.stderr
