"""Diff gating (netsep_check/evaluate/diff.py): ``netsep-check diff`` and ``check --baseline``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from netsep_check.errors import EXIT_FAIL, EXIT_INPUT, EXIT_OK, InputError
from netsep_check.evaluate.diff import Side, compare, is_report_document, load_baseline, side_from_report
from tests.conftest import copy_evidence, variant

NONCOMPLIANT_FAILS = {"PROV-RATED", "PROV-COVERS-PRODUCTS", "MEAS-SAAS-MANAGEMENT",
                      "CTRL-SAAS-LOG-MONITORING", "NET-MFA-ALL-USERS", "SAAS-LOG-RETENTION",
                      "SAAS-SHARING-NOT-OPEN", "OPS-TRAINING-CURRENT"}
# anti-malware only planned fails its item rule and the seed's area condition
REGRESSED_FAILS = {"CTRL-EP-ANTI-MALWARE", "MEAS-ENDPOINT"}


def report_file(run, tmp_path: Path, *profiles: Path, name: str = "report.json") -> Path:
    out = tmp_path / name
    result = run("check", *profiles, "--format", "json", "--output", out, "--jobs", "1")
    assert result.exit_code in (EXIT_OK, EXIT_FAIL), result.stderr
    return out


def diff_json(run, base: Path, head: Path, *extra: str):
    result = run("diff", base, head, "--format", "json", "--lang", "en", *extra)
    return result, (json.loads(result.stdout) if result.stdout else None)


def ids(changes: list[dict]) -> set[str]:
    return {c["rule_id"] for c in changes}


@pytest.fixture
def compliant(examples) -> Path:
    return examples / "pulse-compliant.yaml"


@pytest.fixture
def noncompliant(examples) -> Path:
    return examples / "pulse-noncompliant-controls.yaml"


@pytest.fixture
def improved(tmp_path, examples) -> Path:
    """The noncompliant example with its log retention fixed."""
    return variant(tmp_path, "pulse-noncompliant-controls.yaml", "improved.yaml",
                   ("retention_days: 180", "retention_days: 400"))


@pytest.fixture
def regressed(tmp_path, examples) -> Path:
    """The noncompliant example with one more failure: anti-malware only planned (high)."""
    return variant(tmp_path, "pulse-noncompliant-controls.yaml", "regressed.yaml",
                   ("anti_malware: {status: implemented, evidence: [EV-10]}",
                    "anti_malware: {status: planned}"))


# --- diff -----------------------------------------------------------------------------------

def test_diff_exit_1_only_when_something_newly_fails(run, compliant, noncompliant):
    result, document = diff_json(run, compliant, noncompliant)
    assert result.exit_code == EXIT_FAIL
    assert ids(document["newly_failing"]) == NONCOMPLIANT_FAILS
    assert document["newly_passing"] == [] and document["still_failing"] == []
    assert document["summary"] == {"verdict": "fail", "newly_failing": 8, "newly_passing": 0,
                                   "still_failing": 0, "dropped": 0}
    result, document = diff_json(run, noncompliant, compliant)  # the other way: all fixed
    assert result.exit_code == EXIT_OK
    assert ids(document["newly_passing"]) == NONCOMPLIANT_FAILS
    assert document["newly_failing"] == []
    result, document = diff_json(run, noncompliant, noncompliant)  # nothing new
    assert result.exit_code == EXIT_OK
    assert ids(document["still_failing"]) == NONCOMPLIANT_FAILS


def test_diff_lists_newly_failing_newly_passing_and_still_failing(run, noncompliant, improved,
                                                                  regressed):
    result, document = diff_json(run, noncompliant, improved)
    assert result.exit_code == EXIT_OK
    assert ids(document["newly_passing"]) == {"SAAS-LOG-RETENTION"}
    assert ids(document["still_failing"]) == NONCOMPLIANT_FAILS - {"SAAS-LOG-RETENTION"}
    result, document = diff_json(run, noncompliant, regressed)
    assert result.exit_code == EXIT_FAIL
    newly = document["newly_failing"]
    assert ids(newly) == REGRESSED_FAILS
    assert newly[0]["base"] == "pass" and newly[0]["head"] == "fail"
    assert newly[0]["severity"] and newly[0]["title"]
    assert ids(document["still_failing"]) == NONCOMPLIANT_FAILS


def test_diff_text_output(run, noncompliant, regressed):
    result = run("diff", noncompliant, regressed, "--lang", "en")
    assert result.exit_code == EXIT_FAIL
    assert "Newly failing (2)" in result.stdout and "CTRL-EP-ANTI-MALWARE" in result.stdout
    assert "Still failing (8)" in result.stdout
    assert "NEW FAILURES: 2 rule(s) newly fail" in result.stdout
    ko = run("diff", noncompliant, regressed)
    assert "새로 위반 (2)" in ko.stdout and "신규 위반" in ko.stdout


def test_diff_reads_json_reports_by_content(run, tmp_path, noncompliant, regressed):
    base = report_file(run, tmp_path, noncompliant, name="base.json")
    head = report_file(run, tmp_path, regressed, name="head.json")
    renamed = tmp_path / "head-report.yaml"  # told by content, not by name
    renamed.write_bytes(head.read_bytes())
    for b, h in ((base, head), (base, regressed), (noncompliant, renamed)):
        result, document = diff_json(run, b, h)
        assert result.exit_code == EXIT_FAIL, (b, h, result.stderr)
        assert ids(document["newly_failing"]) == REGRESSED_FAILS
    _, document = diff_json(run, base, head)
    assert document["base"]["kind"] == "report" and document["head"]["kind"] == "report"
    assert document["base"]["profile_file"] == str(noncompliant)


def test_diff_counts_waived_as_not_failing(run, tmp_path, noncompliant, examples):
    waived = tmp_path / "waived.json"
    run("check", noncompliant, "--waivers", examples / "waivers.yaml", "--format", "json",
        "-o", waived)
    result, document = diff_json(run, waived, noncompliant)
    assert result.exit_code == EXIT_FAIL
    assert ids(document["newly_failing"]) == {"SAAS-LOG-RETENTION"}
    assert document["newly_failing"][0]["base"] == "waived"


def test_diff_notes_a_different_pack(run, examples, tmp_path):
    m365 = examples / "m365-compliant.yaml"
    result, document = diff_json(run, m365, m365, "--pack", examples / "custom-pack")
    assert result.exit_code == EXIT_OK
    base = report_file(run, tmp_path, m365)
    result, document = diff_json(run, base, m365, "--pack", examples / "custom-pack")
    assert result.exit_code == EXIT_FAIL  # the custom pack is stricter
    assert any("different packs" in note for note in document["notes"])


def test_diff_bad_input_exit_2(run, tmp_path, compliant, noncompliant):
    missing = tmp_path / "nope.yaml"
    result = run("diff", "--lang", "en", missing, compliant)
    assert result.exit_code == EXIT_INPUT and "no such file" in result.stderr
    batch = report_file(run, tmp_path, compliant, noncompliant, name="batch.json")
    result = run("diff", "--lang", "en", batch, compliant)
    assert result.exit_code == EXIT_INPUT and "holds 2 profiles' reports" in result.stderr
    korean = run("diff", batch, compliant)
    assert korean.exit_code == EXIT_INPUT and "프로파일 2건의 판정이 있습니다" in korean.stderr
    broken = tmp_path / "broken.json"
    document = json.loads(report_file(run, tmp_path, compliant).read_text(encoding="utf-8"))
    document["findings"][3]["status"] = "great"
    broken.write_text(json.dumps(document, indent=2), encoding="utf-8")
    result = run("diff", "--lang", "en", broken, compliant)
    assert result.exit_code == EXIT_INPUT
    assert "findings[3].status" in result.stderr and f"{broken}:" in result.stderr
    bad_profile = tmp_path / "bad.yaml"
    bad_profile.write_text("profile_version: 1\n", encoding="utf-8")
    result = run("diff", "--lang", "en", bad_profile, missing)  # both sides' problems at once
    assert result.exit_code == EXIT_INPUT
    assert "missing required key 'firm'" in result.stderr and "no such file" in result.stderr
    other = tmp_path / "other.json"
    other.write_text('{"format": "netsep-check-diff", "format_version": 1}', encoding="utf-8")
    result = run("diff", other, compliant)
    assert result.exit_code == EXIT_INPUT and "not a netsep-check JSON report" in result.stderr
    assert "Traceback" not in result.stderr


def test_compare_on_sides_directly(examples):
    from netsep_check.api import Checker

    checker = Checker()
    base = side_from_report(checker.check(examples / "pulse-compliant.yaml"))
    head = side_from_report(checker.check(examples / "pulse-noncompliant-controls.yaml"))
    assert isinstance(base, Side) and base.failing == set()
    diff = compare(base, head)
    assert diff.failing and {c.rule_id for c in diff.newly_failing} == NONCOMPLIANT_FAILS
    shrunk = Side(**{**head.__dict__, "rules": {k: v for k, v in head.rules.items()
                                                 if k != "PROV-RATED"}})
    dropped = compare(head, shrunk)
    assert [c.rule_id for c in dropped.dropped] == ["PROV-RATED"] and not dropped.failing
    assert is_report_document({"format": "netsep-check-report"})
    assert not is_report_document({"profile_version": 1, "findings": []})


# --- check --baseline -------------------------------------------------------------------------

def test_baseline_fails_only_on_new_failures(run, tmp_path, noncompliant, improved, regressed):
    baseline = report_file(run, tmp_path, noncompliant, name="baseline.json")
    assert run("check", noncompliant).exit_code == EXIT_FAIL
    same = run("check", noncompliant, "--baseline", baseline, "--format", "json", "--lang", "en")
    assert same.exit_code == EXIT_OK
    assert "8 failing finding(s) do not fail the run (already failing in the baseline)" in (
        same.stderr)
    notes = json.loads(same.stdout)["notes"]
    assert any("8 failing finding(s) were already failing there" in n for n in notes)
    assert run("check", improved, "--baseline", baseline).exit_code == EXIT_OK
    worse = run("check", regressed, "--baseline", baseline, "--lang", "en")
    assert worse.exit_code == EXIT_FAIL
    assert "8 failing finding(s) do not fail the run" in worse.stderr and "; 2 do" in worse.stderr


def test_baseline_with_fail_on(run, tmp_path, noncompliant, regressed):
    baseline = report_file(run, tmp_path, noncompliant)
    # CTRL-EP-ANTI-MALWARE and MEAS-ENDPOINT are new; with --fail-on critical below the gate too
    result = run("check", regressed, "--baseline", baseline, "--fail-on", "critical",
                 "--lang", "en")
    assert result.exit_code == EXIT_OK
    assert "below --fail-on critical, already failing in the baseline" in result.stderr


def test_baseline_batch_matches_by_profile_file_name(run, tmp_path, examples):
    before = tmp_path / "before"
    before.mkdir()
    for name in ("pulse-compliant.yaml", "pulse-noncompliant-controls.yaml"):
        (before / name).write_bytes((examples / name).read_bytes())
    copy_evidence(before)
    baseline = report_file(run, tmp_path, before, name="baseline.json")
    after = tmp_path / "after"
    after.mkdir()
    variant(after, "pulse-compliant.yaml", "pulse-compliant.yaml",
            ("retention_days: 730", "retention_days: 180"))
    variant(after, "pulse-noncompliant-controls.yaml",
            "pulse-noncompliant-controls.yaml")
    # the noncompliant one fails as before: its own baseline excuses it
    result = run("check", after / "pulse-noncompliant-controls.yaml", "--baseline", baseline)
    assert result.exit_code == EXIT_OK
    # the compliant one newly fails SAAS-LOG-RETENTION, which was failing only in the *other*
    # profile of the baseline
    result = run("check", after / "pulse-compliant.yaml", "--baseline", baseline)
    assert result.exit_code == EXIT_FAIL
    both = run("check", after, "--baseline", baseline, "--jobs", "1")
    assert both.exit_code == EXIT_FAIL
    unknown = variant(tmp_path, "pulse-noncompliant-controls.yaml", "elsewhere.yaml")
    result = run("check", unknown, "--baseline", baseline, "--format", "json", "--lang", "en")
    assert result.exit_code == EXIT_FAIL  # no baseline for it: every failure is new
    assert any("holds no report for this profile" in n
               for n in json.loads(result.stdout)["notes"])


def test_baseline_must_be_a_json_report_or_another_profile(run, tmp_path, noncompliant):
    result = run("check", noncompliant, "--baseline", noncompliant, "--lang", "en")
    assert result.exit_code == EXIT_INPUT
    assert "the baseline is a profile this run judges" in result.stderr
    assert run("check", noncompliant, "--baseline", tmp_path / "nope.json").exit_code == (
        EXIT_INPUT)
    with pytest.raises(InputError):
        load_baseline(noncompliant)  # the library's report reader reads reports only
