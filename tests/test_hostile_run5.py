"""Classes found by the fifth independent hostile run (2026-12-01), each now an input error
(exit 2) or a bounded, inert output — never exit 3, never a hang:

- a hexadecimal or octal integer longer than ``int()`` writes (read without a digit limit,
  then fatal in the first message or report that showed it; one such file ended a batch);
- tenant facts collected late in year 9999, and a pack's ``tenant_facts_max_age_days`` of any
  size, carried ``due`` past the calendar;
- a damaged deflate stream in a bundle (zlib.error), and a sealed verdict that is a list;
- a bundle's manifest shown on a terminal with its escapes working, and the ``import``
  confirmation likewise;
- an error message quoting 15 MB of the input, which the text renderer wrapped in 46 s;
- a custom pack's one rule of 200,000 alternatives (10 s, 800 MB).
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
import yaml

from tests.test_bundle import create, rewrite
from tests.test_hostile_classes import (
    EXAMPLES,
    PROFILE_TEXT,
    WALL,
    _pack,
    assert_input_error,
    run_process,
)

FACTS = EXAMPLES / "tenant" / "scubagear-facts.json"
MEASURED = EXAMPLES / "m365-tenant-measured.yaml"
SCUBA = Path(__file__).parent / "data" / "scubagear" / "ScubaResults_fa5589b7-d528-4f80.json"


@pytest.mark.parametrize("literal", ["0x" + "f" * 5000, "0o" + "7" * 6000, "0x" + "f" * 3600])
@pytest.mark.parametrize("where", ["profile_version", "retention_days", "firm_name"])
def test_a_huge_hex_or_octal_number_is_an_input_error(tmp_path, literal, where):
    text = {"profile_version": PROFILE_TEXT.replace("profile_version: 1", f"profile_version: "
                                                                          f"{literal}"),
            "retention_days": PROFILE_TEXT.replace("retention_days: 730",
                                                   f"retention_days: {literal}"),
            "firm_name": PROFILE_TEXT.replace("name: 예시은행", f"name: {literal}")}[where]
    assert text != PROFILE_TEXT
    path = tmp_path / "hex.yaml"
    path.write_text(text, encoding="utf-8")
    for fmt in ("text", "json", "oscal-poam"):
        outcome = run_process("check", path, "--format", fmt, "--lang", "en")
        assert_input_error(outcome, "hex.yaml", "digits")


def test_one_huge_hex_number_does_not_end_a_batch(tmp_path):
    folder = tmp_path / "batch"
    folder.mkdir()
    (folder / "a.yaml").write_text(PROFILE_TEXT, encoding="utf-8")
    (folder / "b.yaml").write_text(PROFILE_TEXT.replace("profile_version: 1",
                                                        "profile_version: 0x" + "f" * 5000),
                                   encoding="utf-8")
    outcome = run_process("check", folder, "--format", "json", "--evidence-root", EXAMPLES,
                          "--jobs", "2")
    assert outcome.code == 2 and "Traceback" not in outcome.text
    document = json.loads(outcome.stdout)
    assert document["summary"]["judged"] == 1 and document["summary"]["invalid"] == 1


def test_huge_hex_numbers_in_waivers_and_packs_are_input_errors(tmp_path):
    waivers = tmp_path / "waivers.yaml"
    waivers.write_text("waivers:\n  - rule: 0x" + "f" * 5000 + "\n", encoding="utf-8")
    assert_input_error(run_process("check", EXAMPLES / "m365-compliant.yaml", "--waivers",
                                   waivers, "--lang", "en"), "waivers.yaml", "digits")
    pack = tmp_path / "pack"
    pack.mkdir()
    (pack / "pack.yaml").write_text(
        "pack:\n  id: firm\n  version: 0x" + "f" * 5000 + "\n  extends: sandbox-2024\n"
        "  title: {ko: t, en: t}\n", encoding="utf-8")
    assert_input_error(run_process("check", EXAMPLES / "m365-compliant.yaml", "--pack", pack,
                                   "--lang", "en"), "pack.yaml", "digits")


def _facts(tmp_path: Path, collected_at: str) -> Path:
    data = json.loads(FACTS.read_text(encoding="utf-8"))
    data["source"]["collected_at"] = collected_at
    path = tmp_path / "facts.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_facts_collected_at_the_end_of_the_calendar_are_dated_not_fatal(tmp_path):
    facts = _facts(tmp_path, "9999-12-31T00:00:00Z")
    outcome = run_process("due", MEASURED, "--tenant-facts", facts, "--format", "json",
                          "--as-of", "2025-06-30")
    assert outcome.code in (0, 1) and "Traceback" not in outcome.text, outcome.text[-2000:]
    items = [item for group in json.loads(outcome.stdout)["groups"]
             for item in group["deadlines"] if item.get("rule") == "TENANT-FACTS-AGE"]
    assert items and items[0]["due"] == "9999-12-31"


def test_a_pack_cannot_set_the_facts_age_beyond_a_century(tmp_path):
    pack = _pack(tmp_path / "pack", "  extends: sandbox-2024\n  parameters:\n"
                 "    tenant_facts_max_age_days: {value: 99999999}\n")
    for command, extra in (("due", ()), ("check", ("--evidence-root", EXAMPLES))):
        outcome = run_process(command, MEASURED, "--pack", pack, "--tenant-facts", FACTS,
                              "--lang", "en", *extra)
        assert_input_error(outcome, "firm", "tenant_facts_max_age_days", "36525")
    korean = run_process("due", MEASURED, "--pack", pack, "--tenant-facts", FACTS)
    assert_input_error(korean, "firm", "tenant_facts_max_age_days", "정수(일수)")


@pytest.fixture
def bundle(run, tmp_path) -> Path:
    return create(run, EXAMPLES / "m365-compliant.yaml", tmp_path / "sealed.zip")


def test_a_damaged_deflate_stream_is_an_input_error(tmp_path, bundle):
    damaged = tmp_path / "damaged.zip"
    with zipfile.ZipFile(bundle) as archive:
        infos = [(info, archive.read(info)) for info in archive.infolist()]
    with zipfile.ZipFile(damaged, "w") as archive:
        for info, data in infos:
            archive.writestr(info.filename, data, compress_type=zipfile.ZIP_DEFLATED)
    raw = bytearray(damaged.read_bytes())
    with zipfile.ZipFile(damaged) as archive:
        first = archive.infolist()[0]
    start = first.header_offset + 30 + len(first.filename.encode())
    raw[start:start + 4] = b"\xff\xff\xff\xff"  # an invalid block type where the data begins
    damaged.write_bytes(bytes(raw))
    for command in (("bundle", "verify"), ("check",)):
        outcome = run_process(*command, damaged, "--lang", "en")
        assert_input_error(outcome, "damaged.zip", "not a valid zip bundle")


@pytest.mark.parametrize("verdict", [["fail"], {"x": 1}, 3, "maybe"])
def test_a_sealed_verdict_of_another_shape_is_no_verdict(run, tmp_path, bundle, verdict):
    def forge(files: dict[str, bytes]) -> None:
        report = json.loads(files["report.json"])
        report["summary"]["verdict"] = verdict
        files["report.json"] = json.dumps(report).encode()

    forged = rewrite(bundle, tmp_path / "forged.zip", forge)
    for fmt in ("text", "json"):
        outcome = run_process("bundle", "verify", forged, "--format", fmt, "--lang", "en")
        assert outcome.code == 1 and "Traceback" not in outcome.text, outcome.text[-2000:]
        assert "NOT INTACT" in outcome.stdout or '"intact": false' in outcome.stdout


def test_a_manifest_is_shown_inert_on_one_line(tmp_path, bundle):
    def forge(files: dict[str, bytes]) -> None:
        manifest = json.loads(files["manifest.json"])
        manifest["firm"] = "\x1b]0;PWNED\x07\x1b[2J\u202eevil\nINTACT: forged" + "x" * 5000
        files["manifest.json"] = json.dumps(manifest).encode()

    forged = rewrite(bundle, tmp_path / "forged.zip", forge)
    outcome = run_process("bundle", "verify", forged, "--lang", "en")
    assert "Traceback" not in outcome.text
    assert "\x1b" not in outcome.stdout and "\u202e" not in outcome.stdout
    assert "\\x1b]0;PWNED" in outcome.stdout and "<U+202E>" in outcome.stdout
    assert not any(line.startswith("INTACT: forged") for line in outcome.stdout.splitlines())
    assert len(outcome.stdout) < 3000


def test_the_import_confirmation_is_shown_inert(tmp_path):
    data = json.loads(SCUBA.read_text(encoding="utf-8-sig"))
    data["MetaData"]["ReportUUID"] = "\x1b]0;PWN\x07"
    path = tmp_path / "ScubaResults.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    outcome = run_process("import", "scubagear", path, "-o", tmp_path / "facts.json")
    assert outcome.code == 0, outcome.text[-2000:]
    assert "\x1b" not in outcome.stderr and "\\x1b]0;PWN" in outcome.stderr


@pytest.mark.parametrize("kind", ["number", "tag"])
def test_a_message_quoting_megabytes_of_input_is_cut(tmp_path, kind):
    body = "0" * 8_000_000  # 730.000…1: read as a float it is 730, inexactly
    line = (f"retention_days: 730.{body}1" if kind == "number"
            else f"retention_days: !{'t' * 8_000_000} 730")
    text = PROFILE_TEXT.replace("retention_days: 730", line, 1)
    assert text != PROFILE_TEXT
    path = tmp_path / "long.yaml"
    path.write_text(text, encoding="utf-8")
    for fmt in ("text", "json"):
        outcome = run_process("check", path, "--format", fmt, "--lang", "en")
        assert outcome.code == 2 and "Traceback" not in outcome.text
        assert outcome.seconds < WALL, outcome.seconds
        assert len(outcome.text) < 20_000 and "characters)" in outcome.text


def _wide_rules(names: list[str], alternatives: int) -> dict[str, str]:
    """Rule files of one rule each, an ``any`` of ``alternatives`` comparisons."""
    branches = [{"eq": {"path": "firm.name", "value": f"v{i}"}} for i in range(alternatives)]
    return {name: yaml.safe_dump({"rules": [{
        "id": f"FIRM-WIDE-{n}", "area": "governance", "severity": "low",
        "title": {"ko": "t", "en": "t"}, "rationale": {"ko": "r", "en": "r"},
        "remediation": {"ko": "m", "en": "m"},
        "basis": {"source": "own", "clause": "c", "strength": "derived"},
        "check": {"any": branches}}]}) for n, name in enumerate(names)}


_OWN_SOURCE = "  sources:\n    - {id: own, title: own, issuer: me, strength: derived}\n"


def test_a_pack_rule_of_too_many_values_is_refused_before_compiling(tmp_path):
    pack = _pack(tmp_path / "pack", "  extends: sandbox-2024\n" + _OWN_SOURCE
                 + "  rule_files: [rules.yaml]\n", _wide_rules(["rules.yaml"], 60_000))
    outcome = run_process("check", EXAMPLES / "m365-compliant.yaml", "--pack", pack,
                          "--lang", "en")
    assert_input_error(outcome, "rules.yaml", "200000 values")
    assert outcome.seconds < 3, outcome.seconds


def test_two_rule_files_share_one_budget(tmp_path):
    names = [f"rules{n}.yaml" for n in range(3)]
    pack = _pack(tmp_path / "pack", "  extends: sandbox-2024\n" + _OWN_SOURCE
                 + f"  rule_files: [{', '.join(names)}]\n", _wide_rules(names, 20_000))
    outcome = run_process("check", EXAMPLES / "m365-compliant.yaml", "--pack", pack,
                          "--lang", "en")
    assert_input_error(outcome, "rules", "values in all")
    korean = run_process("check", EXAMPLES / "m365-compliant.yaml", "--pack", pack)
    assert_input_error(korean, "rules", "자체 규칙 파일")


@pytest.mark.parametrize("field", ["firm", "as_of"])
def test_a_manifest_that_disagrees_with_its_profile_is_not_intact(tmp_path, bundle, field):
    def forge(files: dict[str, bytes]) -> None:
        manifest = json.loads(files["manifest.json"])
        report = json.loads(files["report.json"])
        if field == "firm":
            manifest["firm"] = "다른은행"
        else:  # a year no rule can reckon, the sealed report moved with it
            manifest["as_of"] = report["as_of"] = "0001-01-01"
            files["report.json"] = json.dumps(report).encode()
        files["manifest.json"] = json.dumps(manifest).encode()

    forged = rewrite(bundle, tmp_path / "forged.zip", forge)
    outcome = run_process("bundle", "verify", forged, "--format", "json", "--lang", "en")
    assert outcome.code == 1 and "Traceback" not in outcome.text
    found = json.loads(outcome.stdout)
    assert not found["intact"]
    assert any(("firm" if field == "firm" else "outside the years") in problem
               for problem in found["recheck_problems"])


def test_common_input_errors_are_said_in_korean(tmp_path):
    """Under --lang ko (the default) these were English (the fifth run's language findings)."""
    profile = EXAMPLES / "m365-compliant.yaml"
    device = run_process("check", "/dev/null")
    assert_input_error(device, "/dev/null", "문자 장치이므로 일반 파일이 아닙니다")
    unwritable = run_process("check", profile, "--evidence-root", EXAMPLES, "-o",
                             tmp_path / "no-such-folder" / "r.json", "--format", "json")
    assert_input_error(unwritable, "r.json", "보고서를 쓸 수 없습니다")
    other = tmp_path / "other.json"
    report = run_process("check", EXAMPLES / "pulse-compliant.yaml", "--format", "json",
                         "--evidence-root", EXAMPLES)
    other.write_text(report.stdout, encoding="utf-8")
    baseline = run_process("check", profile, "--evidence-root", EXAMPLES, "--baseline", other)
    assert_input_error(baseline, "other.json", "같은 회사의 이전 판정이어야 합니다")
    not_zip = tmp_path / "not.zip"
    not_zip.write_text("profile_version: 1\n", encoding="utf-8")
    assert_input_error(run_process("bundle", "verify", not_zip), "not.zip",
                       "올바른 zip 제출 묶음이 아닙니다")
    assert_input_error(run_process("bundle", "verify", "/dev/null"), "/dev/null",
                       "제출 묶음은 일반 파일(.zip)이어야 합니다")
