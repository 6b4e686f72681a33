"""Evidence integrity: cited files exist inside the evidence root and match their sha256."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from netsep_check.api import Checker
from netsep_check.cli import main
from netsep_check.evaluate.evidence import verify_files
from netsep_check.load import load_document
from netsep_check.report import FORMATS
from netsep_check.report.messages import finding_message, report_notes
from netsep_check.rules import load_pack
from netsep_check.validate import validate_profile

EVID = ("EVID-FILE-PRESENT", "EVID-SHA256-MATCH", "EVID-IMPLEMENTED-BACKED")
RULES = tuple(load_pack("sandbox-2024").rule(rule_id) for rule_id in EVID)
ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
M365 = "m365-compliant.yaml"
MINUTES = "evidence/committee-minutes-2024-08-30.txt"  # EV-50, the only evidence of
# governance.risk_assessment; EV-01 and EV-02 are the other two entries with a path


def bundle(tmp_path: Path, *replacements: tuple[str, str]) -> Path:
    """A copy of the m365 example with its evidence folder; returns the profile's path."""
    folder = tmp_path / "bundle"
    shutil.copytree(EXAMPLES / "evidence", folder / "evidence")
    text = (EXAMPLES / M365).read_text(encoding="utf-8")
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new)
    profile = folder / M365
    profile.write_text(text, encoding="utf-8")
    return profile


def evidence_findings(report) -> dict[str, object]:
    return {f.rule.id: f for f in report.findings if f.rule.id in {r.id for r in RULES}}


def statuses(report) -> dict[str, str]:
    return {rule_id: f.status for rule_id, f in evidence_findings(report).items()}


def records(report) -> dict[str, dict]:
    return {r.id: r.as_dict() for r in report.evidence_checked}


def json_report(*args: object) -> tuple[int, dict]:
    result = CliRunner().invoke(main, ["check", *map(str, args), "--format", "json", "--lang", "en"],
                                catch_exceptions=False)
    return result.exit_code, json.loads(result.stdout) if result.stdout else {}


# --- the examples carry their evidence ----------------------------------------------------------

def test_examples_verify_and_the_report_lists_what_was_verified():
    report = Checker().check(EXAMPLES / M365)
    assert statuses(report) == {"EVID-FILE-PRESENT": "pass", "EVID-SHA256-MATCH": "pass",
                                "EVID-IMPLEMENTED-BACKED": "pass"}
    assert [(r.id, r.status, r.file) for r in report.evidence_checked] == [
        ("EV-01", "ok", "evidence/fsi-evaluation-microsoft-2024.txt"),
        ("EV-02", "ok", "evidence/designation-notice-2024-09-27.txt"),
        ("EV-50", "ok", MINUTES)]
    assert all(r.sha256 == r.expected_sha256 for r in report.evidence_checked)
    assert any(note.startswith("evidence: 3 file(s)") and "ok 3" in note
               for note in report_notes(report, "en"))
    assert any("프로파일 폴더 아래에서" in note and "파일 존재, SHA-256 일치 3건" in note
               and "profile folder" not in note for note in report_notes(report, "ko"))


def test_json_report_carries_evidence_checked_and_fits_its_schema():
    import jsonschema

    code, document = json_report(EXAMPLES / M365)
    assert code == 0
    assert [r["status"] for r in document["evidence_checked"]] == ["ok", "ok", "ok"]
    schema = json.loads((ROOT / "netsep_check/schemas/report.schema.json").read_text("utf-8"))
    jsonschema.Draft202012Validator(schema).validate(document)


def test_built_in_checks_are_rules_like_any_other():
    for rule in RULES:
        assert rule.area == "evidence" and rule.basis["strength"] == "derived"
        for text in (rule.title, rule.rationale, rule.remediation, rule.meaning["check"]):
            assert text["ko"] and text["en"]
        assert not rule.waivable


def test_profile_without_paths_is_not_applicable():
    report = Checker().check(EXAMPLES / "standing-compliant.yaml")
    assert set(statuses(report).values()) == {"not_applicable"}
    assert report.evidence_checked == ()


# --- missing, altered, escaping ----------------------------------------------------------------

def test_missing_file_fails_with_its_line(tmp_path):
    profile = bundle(tmp_path)
    (profile.parent / MINUTES).unlink()
    report = Checker().check(profile)
    found = evidence_findings(report)
    assert found["EVID-FILE-PRESENT"].status == "fail"
    assert found["EVID-FILE-PRESENT"].paths == ("evidence[12].path",)
    text = profile.read_text(encoding="utf-8")
    assert found["EVID-FILE-PRESENT"].line == text[:text.index(f"path: {MINUTES}")].count("\n") + 1
    assert "no such file" in finding_message(found["EVID-FILE-PRESENT"], "en")
    # EV-50 is all that governance.risk_assessment cites: the claim has nothing left
    assert found["EVID-IMPLEMENTED-BACKED"].status == "fail"
    assert found["EVID-IMPLEMENTED-BACKED"].paths == ("governance.risk_assessment.evidence",)
    assert found["EVID-SHA256-MATCH"].status == "pass"  # the two files still there match
    assert records(report)["EV-50"]["status"] == "missing"


def test_mismatch_fails_and_names_both_digests(tmp_path):
    profile = bundle(tmp_path)
    (profile.parent / MINUTES).write_bytes(b"minutes, edited after approval\n")
    report = Checker().check(profile)
    found = evidence_findings(report)
    assert found["EVID-SHA256-MATCH"].status == "fail"
    assert found["EVID-SHA256-MATCH"].paths == ("evidence[12].sha256",)
    record = records(report)["EV-50"]
    assert record["status"] == "sha256_mismatch" and record["sha256"] != record["expected_sha256"]
    assert record["sha256"] in finding_message(found["EVID-SHA256-MATCH"], "en")
    assert found["EVID-FILE-PRESENT"].status == "pass"
    assert found["EVID-IMPLEMENTED-BACKED"].status == "fail"


def test_mismatch_fails_the_command(tmp_path):
    profile = bundle(tmp_path)
    (profile.parent / MINUTES).write_bytes(b"swapped\n")
    code, document = json_report(profile)
    assert code == 1 and document["summary"]["verdict"] == "fail"
    failing = {f["rule_id"] for f in document["findings"] if f["status"] == "fail"}
    assert failing == {"EVID-SHA256-MATCH", "EVID-IMPLEMENTED-BACKED"}


def test_dot_dot_escape_is_refused_even_when_the_file_exists(tmp_path):
    profile = bundle(tmp_path, (f"path: {MINUTES}", "path: ../secret.txt"))
    secret = tmp_path / "secret.txt"
    secret.write_bytes((EXAMPLES / MINUTES).read_bytes())  # same bytes, same digest
    report = Checker().check(profile)
    record = records(report)["EV-50"]
    assert record["status"] == "outside_root" and "'..'" in record["reason"]
    assert record["sha256"] is None  # never read
    assert evidence_findings(report)["EVID-FILE-PRESENT"].status == "fail"


def test_dot_dot_that_comes_back_inside_is_still_refused(tmp_path):
    profile = bundle(tmp_path, (f"path: {MINUTES}", f"path: evidence/../{MINUTES}"))
    assert records(Checker().check(profile))["EV-50"]["status"] == "outside_root"


def test_absolute_path_is_refused(tmp_path):
    absolute = (tmp_path / "bundle" / MINUTES).as_posix()
    profile = bundle(tmp_path, (f"path: {MINUTES}", f"path: {absolute}"))
    record = records(Checker().check(profile))["EV-50"]
    assert record["status"] == "outside_root" and "absolute" in record["reason"]


@pytest.mark.parametrize("path", ["C:\\\\evidence\\\\minutes.txt", "//server/share/minutes.txt"])
def test_windows_absolute_paths_are_refused(tmp_path, path):
    profile = bundle(tmp_path, (f"path: {MINUTES}", f'path: "{path}"'))
    assert records(Checker().check(profile))["EV-50"]["status"] == "outside_root"


def test_symlink_escaping_the_root_is_refused(tmp_path):
    profile = bundle(tmp_path)
    outside = tmp_path / "outside.txt"
    outside.write_bytes((EXAMPLES / MINUTES).read_bytes())  # the digest would match
    link = profile.parent / MINUTES
    link.unlink()
    link.symlink_to(outside)
    report = Checker().check(profile)
    record = records(report)["EV-50"]
    assert record["status"] == "outside_root" and "symbolic link" in record["reason"]
    assert evidence_findings(report)["EVID-FILE-PRESENT"].status == "fail"


def test_symlinked_folder_escaping_the_root_is_refused(tmp_path):
    profile = bundle(tmp_path)
    elsewhere = tmp_path / "elsewhere"
    shutil.move(profile.parent / "evidence", elsewhere)
    (profile.parent / "evidence").symlink_to(elsewhere, target_is_directory=True)
    report = Checker().check(profile)
    assert {r.status for r in report.evidence_checked} == {"outside_root"}


def test_symlink_inside_the_root_is_followed(tmp_path):
    profile = bundle(tmp_path)
    target = profile.parent / "evidence" / "archive" / "minutes.txt"
    target.parent.mkdir()
    shutil.move(profile.parent / MINUTES, target)
    (profile.parent / MINUTES).symlink_to(target)
    assert records(Checker().check(profile))["EV-50"]["status"] == "ok"


def test_symlink_loop_is_missing_not_a_crash(tmp_path):
    profile = bundle(tmp_path)
    link = profile.parent / MINUTES
    link.unlink()
    other = profile.parent / "evidence" / "other.txt"
    link.symlink_to(other)
    other.symlink_to(link)
    report = Checker().check(profile)
    assert records(report)["EV-50"]["status"] == "missing"
    assert evidence_findings(report)["EVID-FILE-PRESENT"].status == "fail"


def test_folder_and_fifo_are_not_files_and_nothing_hangs(tmp_path):
    profile = bundle(tmp_path, (f"path: {MINUTES}", "path: evidence"),
                     ("path: evidence/designation-notice-2024-09-27.txt", "path: evidence/pipe"))
    os.mkfifo(profile.parent / "evidence" / "pipe")
    report = Checker().check(profile)
    assert records(report)["EV-50"]["status"] == "not_a_file"
    assert records(report)["EV-02"]["status"] == "not_a_file"


def test_nul_and_overlong_paths_are_missing_not_crashes(tmp_path):
    profile = bundle(tmp_path)
    data = load_document(profile).data
    data["evidence"][12]["path"] = "evidence/a\u0000b.txt"
    data["evidence"][1]["path"] = "x" * 5000
    as_json = profile.with_suffix(".json")
    as_json.write_text(json.dumps(data), encoding="utf-8")
    report = Checker().check(as_json)
    assert records(report)["EV-50"]["status"] == "missing"
    assert records(report)["EV-02"]["status"] == "missing"


def test_present_without_sha256_is_recorded_as_present(tmp_path):
    profile = bundle(tmp_path, ('    sha256: "52e69194bafd63fb37caa9ac1044c0cb100c0bcd2a95a2045340e06e'
                                'df8c9e31"\n', ""))
    report = Checker().check(profile)
    record = records(report)["EV-50"]
    assert record["status"] == "present" and record["expected_sha256"] is None
    assert set(statuses(report).values()) == {"pass"}


def test_a_control_with_one_good_item_left_is_still_backed(tmp_path):
    profile = bundle(tmp_path, ("risk_assessment: {status: implemented, approved_on: 2024-08-30, "
                                "evidence: [EV-50]}",
                                "risk_assessment: {status: implemented, approved_on: 2024-08-30, "
                                "evidence: [EV-50, EV-02]}"))
    (profile.parent / MINUTES).unlink()
    found = evidence_findings(Checker().check(profile))
    assert found["EVID-FILE-PRESENT"].status == "fail"
    assert found["EVID-IMPLEMENTED-BACKED"].status == "pass"


def test_a_planned_control_on_missing_evidence_is_not_a_backing_failure(tmp_path):
    profile = bundle(tmp_path, ("risk_assessment: {status: implemented,",
                                "risk_assessment: {status: planned,"))
    (profile.parent / MINUTES).unlink()
    assert statuses(Checker().check(profile))["EVID-IMPLEMENTED-BACKED"] == "pass"


# --- the evidence root ---------------------------------------------------------------------

def test_evidence_root_option(tmp_path):
    profile_dir = tmp_path / "profiles"
    profile_dir.mkdir()
    profile = profile_dir / M365
    shutil.copy(EXAMPLES / M365, profile)
    code, document = json_report(profile)  # default root: the profile's folder, no evidence
    assert code == 1
    assert {r["status"] for r in document["evidence_checked"]} == {"missing"}
    code, document = json_report(profile, "--evidence-root", EXAMPLES)
    assert code == 0
    assert {r["status"] for r in document["evidence_checked"]} == {"ok"}
    assert any("verified under" in note for note in document["notes"])


def test_evidence_root_must_be_a_folder(tmp_path):
    result = CliRunner().invoke(main, ["check", str(EXAMPLES / M365), "--evidence-root",
                                       str(tmp_path / "nope")])
    assert result.exit_code == 2 and "Traceback" not in result.output


def test_no_evidence_check(tmp_path):
    profile = tmp_path / M365
    shutil.copy(EXAMPLES / M365, profile)
    code, document = json_report(profile, "--no-evidence-check")
    assert code == 0 and document["evidence_checked"] == []
    assert {f["rule_id"]: f["status"] for f in document["findings"]
            if f["rule_id"] in EVID} == dict.fromkeys(EVID, "not_applicable")
    assert not document["evidence_verified"]
    assert set(statuses(Checker(verify_evidence=False).check(profile)).values()) == {
        "not_applicable"}


def test_verify_evidence_directly(tmp_path):
    profile = bundle(tmp_path)
    document = load_document(profile)
    checked = verify_files(validate_profile(document), profile.parent)
    assert [r.status for r in checked] == ["ok", "ok", "ok"]
    assert len(checked) == 3


# --- every renderer, and the batch mode, carry the built-in findings -----------------------

@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_renders_evidence_failures(tmp_path, fmt):
    profile = bundle(tmp_path)
    (profile.parent / MINUTES).write_bytes(b"swapped\n")
    result = CliRunner().invoke(main, ["check", str(profile), "--format", fmt, "--lang", "en"],
                                catch_exceptions=False)
    assert result.exit_code == 1, result.output
    assert "EVID-SHA256-MATCH" in result.stdout


def test_batch_mode_carries_evidence_findings(tmp_path):
    profile = bundle(tmp_path)
    (profile.parent / MINUTES).unlink()
    shutil.copy(EXAMPLES / "pulse-compliant.yaml", profile.parent / "pulse-compliant.yaml")
    result = CliRunner().invoke(main, ["check", str(profile.parent), "--format", "json",
                                       "--jobs", "2"], catch_exceptions=False)
    assert result.exit_code == 1
    reports = json.loads(result.stdout)["reports"]
    found = {r["profile"]["file"]: {f["rule_id"]: f["status"] for f in r["findings"]}
             for r in reports}
    assert found[str(profile)]["EVID-FILE-PRESENT"] == "fail"
    assert found[str(profile.parent / "pulse-compliant.yaml")]["EVID-FILE-PRESENT"] == "pass"
