"""Waivers (netsep_check/evaluate/waivers.py): loading, checking against the pack, applying,
and what the CLI makes of them (exit codes, JSON status, notes)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import jsonschema
import pytest
import yaml

from netsep_check.errors import EXIT_FAIL, EXIT_INPUT, EXIT_OK, InputError
from netsep_check.evaluate.waivers import (
    apply_waivers,
    check_rules,
    load_waivers,
    one_year_after,
    path_covers,
)
from netsep_check.report.messages import report_notes
from tests.conftest import variant


@pytest.fixture
def log_gap(tmp_path, examples) -> Path:
    """pulse-compliant with 180-day log retention: SAAS-LOG-RETENTION (medium) is its only
    failure. as_of 2025-03-31."""
    return variant(tmp_path, "pulse-compliant.yaml", "log-gap.yaml",
                   ("retention_days: 730", "retention_days: 180"))


def waivers_file(tmp_path: Path, *entries: dict, name: str = "waivers.yaml") -> Path:
    base = {"justification": "Compensating control: daily export to the on-premises log "
                             "server, kept 5 years.",
            "approved_by": "Information Protection Committee", "ticket": "RISK-1",
            "approved_on": "2025-01-10", "expires_on": "2025-12-31"}
    path = tmp_path / name
    full = [{**e, **{k: v for k, v in base.items() if k not in e}} for e in entries]
    path.write_text(yaml.safe_dump({"waivers": full},
                                   sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def finding(document: dict, rule_id: str) -> dict:
    return next(f for f in document["findings"] if f["rule_id"] == rule_id)


# --- the CLI: exit codes and what the report shows -------------------------------------------

def test_active_waiver_exit_0_and_status_waived_in_json(run, log_gap, examples):
    assert run("check", log_gap).exit_code == EXIT_FAIL  # without the waiver
    result = run("check", log_gap, "--waivers", examples / "waivers.yaml", "--format", "json")
    assert result.exit_code == EXIT_OK, result.stderr
    document = json.loads(result.stdout)
    waived = finding(document, "SAAS-LOG-RETENTION")
    assert waived["status"] == "waived"
    assert "SIEM archive connector" in waived["waiver"]["justification"]
    assert waived["waiver"]["ticket"] == "RISK-2025-0042"
    assert waived["waiver"]["expires_on"] == "2025-12-31"
    assert waived["waiver"]["state"] == "active"
    assert waived["waiver"]["line"] == 14 and waived["waiver"]["file"].endswith("waivers.yaml")
    assert document["summary"]["counts"]["waived"] == 1
    assert document["summary"]["verdict"] == "pass"


def test_example_waiver_on_the_noncompliant_example(run, examples):
    result = run("check", examples / "pulse-noncompliant-controls.yaml", "--waivers",
                 examples / "waivers.yaml", "--format", "json")
    assert result.exit_code == EXIT_FAIL  # the other failures still fail
    document = json.loads(result.stdout)
    assert finding(document, "SAAS-LOG-RETENTION")["status"] == "waived"
    assert finding(document, "SAAS-SHARING-NOT-OPEN")["status"] == "fail"
    assert not [n for n in document["notes"] if "예외 승인" in n]  # no unmatched waiver


def test_waived_finding_visible_with_justification_in_every_format(run, log_gap, examples,
                                                                    tmp_path):
    from netsep_check.report import FORMATS

    for fmt in FORMATS:
        out = tmp_path / f"report.{fmt}"
        result = run("check", log_gap, "--waivers", examples / "waivers.yaml", "--lang", "en",
                     "--format", fmt, "--output", out)
        assert result.exit_code == EXIT_OK, (fmt, result.stderr)
        text = out.read_text(encoding="utf-8")
        assert "SAAS-LOG-RETENTION" in text, fmt
        assert "SIEM archive connector" in " ".join(text.replace("│", " ").split()), fmt


def test_expired_waiver_exit_1_with_note_in_both_languages(run, log_gap, tmp_path):
    waivers = waivers_file(tmp_path, {"rule": "SAAS-LOG-RETENTION", "approved_on": "2024-04-01",
                                      "expires_on": "2025-03-30"})  # as_of is 2025-03-31
    result = run("check", log_gap, "--waivers", waivers, "--format", "json", "--lang", "en")
    assert result.exit_code == EXIT_FAIL
    failed = finding(json.loads(result.stdout), "SAAS-LOG-RETENTION")
    assert failed["status"] == "fail"
    assert "expired on 2025-03-30" in failed["message"] and "counts again" in failed["message"]
    assert "is 180; expected at least 365" in failed["message"]  # the failure itself stays
    assert failed["waiver"]["state"] == "expired"
    ko = json.loads(run("check", log_gap, "--waivers", waivers, "--format", "json").stdout)
    assert "만료" in finding(ko, "SAAS-LOG-RETENTION")["message"]
    text = run("check", log_gap, "--waivers", waivers, "--lang", "en").stdout
    assert "expired on 2025-03-30" in " ".join(text.replace("│", " ").split())


def test_waiver_applies_on_its_expiry_day_and_not_after(run, log_gap, examples):
    waivers = examples / "waivers.yaml"
    on_the_day = run("check", log_gap, "--waivers", waivers, "--as-of", "2025-12-31",
                     "--format", "json")
    assert finding(json.loads(on_the_day.stdout), "SAAS-LOG-RETENTION")["status"] == "waived"
    day_after = run("check", log_gap, "--waivers", waivers, "--as-of", "2026-01-01",
                    "--format", "json", "--lang", "en")
    assert day_after.exit_code == EXIT_FAIL
    assert "expired on 2025-12-31" in finding(json.loads(day_after.stdout),
                                              "SAAS-LOG-RETENTION")["message"]


def test_waiver_approved_after_as_of_does_not_apply(run, log_gap, tmp_path):
    waivers = waivers_file(tmp_path, {"rule": "SAAS-LOG-RETENTION", "approved_on": "2025-04-15",
                                      "expires_on": "2025-12-31"})
    result = run("check", log_gap, "--waivers", waivers, "--format", "json", "--lang", "en")
    assert result.exit_code == EXIT_FAIL
    failed = finding(json.loads(result.stdout), "SAAS-LOG-RETENTION")
    assert failed["status"] == "fail"
    assert "approved on 2025-04-15, after the assessment date" in failed["message"]
    assert failed["waiver"]["state"] == "not_yet_approved"


@pytest.mark.parametrize("rule", ["PROV-RATED", "SCOPE-TASKS", "DATA-PULSE-EXCLUDED",
                                  "DESIG-IN-FORCE"])
def test_non_waivable_rule_is_an_input_error_naming_the_waiver_line(run, log_gap, tmp_path,
                                                                    rule):
    waivers = waivers_file(tmp_path, {"rule": "SAAS-LOG-RETENTION"}, {"rule": rule})
    result = run("check", log_gap, "--waivers", waivers, "--lang", "en")
    assert result.exit_code == EXIT_INPUT
    assert result.stdout == ""
    line = next(i for i, text in enumerate(waivers.read_text().splitlines(), 1) if rule in text)
    assert f"{waivers}:{line}:" in result.stderr
    assert f"rule {rule} cannot be waived" in result.stderr and "waivable: false" in result.stderr
    assert "Traceback" not in result.stderr


def test_unknown_rule_is_an_input_error(run, log_gap, tmp_path):
    waivers = waivers_file(tmp_path, {"rule": "SAAS-LOG-RETENTON"})
    result = run("check", log_gap, "--waivers", waivers, "--lang", "en")
    assert result.exit_code == EXIT_INPUT and result.stdout == ""
    assert f"{waivers}:2:" in result.stderr and "unknown rule 'SAAS-LOG-RETENTON'" in result.stderr
    korean = run("check", log_gap, "--waivers", waivers)
    assert "알 수 없는 규칙 'SAAS-LOG-RETENTON'입니다" in korean.stderr


def test_expiry_more_than_a_year_after_approval_is_an_input_error(run, log_gap, tmp_path):
    waivers = waivers_file(tmp_path, {"rule": "SAAS-LOG-RETENTION", "approved_on": "2025-01-10",
                                      "expires_on": "2026-01-11"})
    result = run("check", log_gap, "--waivers", waivers, "--lang", "en")
    assert result.exit_code == EXIT_INPUT and result.stdout == ""
    line = next(i for i, text in enumerate(waivers.read_text().splitlines(), 1)
                if "expires_on" in text)
    assert f"{waivers}:{line}:" in result.stderr and "waivers[0].expires_on" in result.stderr
    assert "more than one year after approved_on" in result.stderr
    exactly = waivers_file(tmp_path, {"rule": "SAAS-LOG-RETENTION", "approved_on": "2025-01-10",
                                      "expires_on": "2026-01-10"}, name="ok.yaml")
    assert run("check", log_gap, "--waivers", exactly).exit_code == EXIT_OK


def test_expiry_before_approval_and_schema_errors_all_reported(run, log_gap, tmp_path):
    waivers = waivers_file(tmp_path,
                           {"rule": "SAAS-LOG-RETENTION", "expires_on": "2024-12-31"},
                           {"rule": "SAAS-LOG-RETENTION", "approved_on": "2025-02-30"},
                           {"rule": "SAAS-LOG-RETENTION", "surprise": True})
    result = run("check", log_gap, "--waivers", waivers, "--lang", "en")
    assert result.exit_code == EXIT_INPUT
    assert "waivers[0].expires_on: expires_on 2024-12-31 is before approved_on" in result.stderr
    assert "waivers[1].approved_on" in result.stderr and "calendar date" in result.stderr
    assert "unknown key 'surprise'" in result.stderr and "3 problems found" in result.stderr


def test_missing_fields_and_bad_files_are_input_errors(run, log_gap, tmp_path):
    partial = tmp_path / "partial.yaml"
    partial.write_text("waivers:\n  - rule: SAAS-LOG-RETENTION\n    expires_on: 2025-12-31\n",
                       encoding="utf-8")
    result = run("check", log_gap, "--waivers", partial, "--lang", "en")
    assert result.exit_code == EXIT_INPUT
    for key in ("justification", "approved_by", "approved_on", "ticket"):
        assert f"missing required key '{key}'" in result.stderr
    assert run("check", log_gap, "--waivers", tmp_path / "nope.yaml").exit_code == EXIT_INPUT
    listing = tmp_path / "list.yaml"
    listing.write_text("- rule: X\n", encoding="utf-8")
    assert run("check", log_gap, "--waivers", listing).exit_code == EXIT_INPUT


def test_unmatched_waiver_is_reported_in_notes_and_on_stderr(run, log_gap, tmp_path):
    waivers = waivers_file(tmp_path, {"rule": "SAAS-LOG-RETENTION"},
                           {"rule": "SAAS-SHARING-NOT-OPEN", "ticket": "RISK-2"})
    result = run("check", log_gap, "--waivers", waivers, "--format", "json", "--lang", "en")
    assert result.exit_code == EXIT_OK
    assert "RISK-2 for SAAS-SHARING-NOT-OPEN matched no failing finding" in result.stderr
    assert f"{waivers}:" in result.stderr and "RISK-1" not in result.stderr
    notes = [n for n in json.loads(result.stdout)["notes"] if "matched no failing" in n]
    assert len(notes) == 1 and "SAAS-SHARING-NOT-OPEN" in notes[0]


def test_path_decides_what_a_waiver_covers(run, tmp_path, examples):
    # log retention, not sharing: sharing stated open also fails MEAS-SAAS-MANAGEMENT, which no
    # waiver can set aside
    short = variant(tmp_path, "pulse-compliant.yaml", "short.yaml",
                    ("retention_days: 730", "retention_days: 180"))
    parent = waivers_file(tmp_path, {"rule": "SAAS-LOG-RETENTION",
                                     "path": "security_measures.saas_management.audit_logging"},
                          name="parent.yaml")
    assert run("check", short, "--waivers", parent).exit_code == EXIT_OK
    exact = waivers_file(tmp_path, {
        "rule": "SAAS-LOG-RETENTION",
        "path": "security_measures.saas_management.audit_logging.retention_days"},
        name="exact.yaml")
    assert run("check", short, "--waivers", exact).exit_code == EXIT_OK
    elsewhere = waivers_file(tmp_path, {"rule": "SAAS-LOG-RETENTION",
                                        "path": "security_measures.saas_management.sharing_controls"},
                             name="elsewhere.yaml")
    result = run("check", short, "--waivers", elsewhere)  # Korean, the default language
    assert result.exit_code == EXIT_FAIL
    assert ("예외 승인 RISK-1(SAAS-LOG-RETENTION, 경로 security_measures.saas_management."
            "sharing_controls)에 해당하는 위반 사항이 없습니다") in result.stderr
    english = run("check", short, "--waivers", elsewhere, "--lang", "en", "--format", "json")
    assert ("waiver RISK-1 for SAAS-LOG-RETENTION at security_measures.saas_management."
            "sharing_controls matched no failing finding") in english.stderr
    assert any("matched no failing finding" in text
               for text in json.loads(english.stdout)["notes"])


def test_schema_command_prints_the_waivers_schema(run, examples):
    result = run("schema", "waivers")
    assert result.exit_code == EXIT_OK
    schema = json.loads(result.stdout)
    jsonschema.Draft202012Validator.check_schema(schema)
    data = yaml.safe_load((examples / "waivers.yaml").read_text(encoding="utf-8"))
    for entry in data["waivers"]:  # safe_load makes dates; the project's loader does not
        for key in ("approved_on", "expires_on"):
            entry[key] = entry[key].isoformat()
    jsonschema.Draft202012Validator(schema).validate(data)


# --- the module ------------------------------------------------------------------------------

def test_path_covers():
    assert path_covers("a.b", "a.b")
    assert path_covers("a.b", "a.b.c")
    assert path_covers("a.b", "a.b[2].c")
    assert not path_covers("a.b", "a.bc")
    assert not path_covers("a.b.c", "a.b")
    assert path_covers("providers[]", "providers[0].security_evaluation.result")
    assert path_covers("providers[0]", "providers[0].id")
    assert not path_covers("providers[1]", "providers[0].id")
    assert not path_covers("providers[0]", "providers[].id")  # a static path: every item


def test_one_year_after():
    assert one_year_after(dt.date(2025, 1, 10)) == dt.date(2026, 1, 10)
    assert one_year_after(dt.date(2024, 2, 29)) == dt.date(2025, 2, 28)


def test_load_check_apply_without_the_cli(examples):
    from netsep_check.api import Checker

    waivers = load_waivers(examples / "waivers.yaml")
    assert len(waivers) == 1 and waivers.waivers[0].line == 14
    checker = Checker()
    report = checker.check(examples / "pulse-noncompliant-controls.yaml")
    check_rules(waivers, [report.pack])
    (applied,), unmatched = apply_waivers([report], waivers)
    assert unmatched == ()
    assert {f.rule.id: f.status for f in report.findings}["SAAS-LOG-RETENTION"] == "fail"  # untouched
    report = applied
    statuses = {f.rule.id: f.status for f in report.findings}
    assert statuses["SAAS-LOG-RETENTION"] == "waived"
    assert sum(1 for f in report.failing) == 7
    other = checker.check(examples / "pulse-compliant.yaml")  # nothing fails there
    (other,), unmatched = apply_waivers([other], waivers)
    assert [w.rule for w in unmatched] == ["SAAS-LOG-RETENTION"]
    assert any("RISK-2025-0042" in n and "matched no failing finding" in n
               for n in report_notes(other, "en"))


def test_check_rules_reports_every_bad_waiver_at_once(tmp_path, examples):
    from netsep_check.api import Checker

    path = waivers_file(tmp_path, {"rule": "PROV-RATED"}, {"rule": "NOPE-1"},
                        {"rule": "SAAS-LOG-RETENTION"})
    waivers = load_waivers(path)
    pack = Checker().pack("sandbox-2024")
    with pytest.raises(InputError) as caught:
        check_rules(waivers, [pack])
    paths = [p.path for p in caught.value.problems]
    assert paths == ["waivers[0].rule", "waivers[1].rule"]
    assert all(p.line for p in caught.value.problems)


def test_built_in_rules_outside_the_pack_are_known_and_not_waivable(run, examples, tmp_path):
    """The evidence-file checks are judged outside any pack; a waiver for one is refused as
    non-waivable, not as unknown."""
    waivers = waivers_file(tmp_path, {"rule": "EVID-FILE-PRESENT"})
    result = run("check", examples / "pulse-compliant.yaml", "--waivers", waivers, "--lang", "en")
    assert result.exit_code == EXIT_INPUT
    assert "rule EVID-FILE-PRESENT cannot be waived" in result.stderr
