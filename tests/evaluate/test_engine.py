"""Stage 4: verdicts of the examples, error status, --as-of, and located findings."""

from __future__ import annotations

import datetime as dt
import textwrap

import pytest

from netsep_check.api import Checker
from netsep_check.report.messages import finding_message, report_notes

VERDICTS = {
    "m365-compliant.yaml": ("sandbox-2024", set()),
    "pulse-compliant.yaml": ("sandbox-2024", set()),
    "standing-compliant.yaml": ("standing-exception-2026", set()),
    "m365-noncompliant-scope.yaml": ("sandbox-2024", {"SCOPE-TASKS", "SCOPE-DATA",
                                                      "SCOPE-PRODUCTS", "DATA-M365-TRANSACTION"}),
    "pulse-noncompliant-controls.yaml": ("sandbox-2024", {
        "PROV-RATED", "CTRL-SAAS-MANAGEMENT", "NET-MFA-ALL-USERS", "SAAS-LOG-RETENTION",
        "SAAS-SHARING-NOT-OPEN", "OPS-TRAINING-CURRENT", "GOV-SELF-ASSESSMENT"}),
}


@pytest.mark.parametrize("name", sorted(VERDICTS))
def test_every_example_gives_the_verdict_its_name_promises(examples, name):
    pack_id, failing = VERDICTS[name]
    report = Checker().check(examples / name)
    assert report.pack.id == pack_id
    assert {f.rule.id for f in report.findings if f.status == "fail"} == failing
    assert not [f for f in report.findings if f.status == "error"]
    assert ("noncompliant" in name) == bool(failing)


def test_failing_finding_points_at_the_offending_line(examples):
    report = Checker().check(examples / "m365-noncompliant-scope.yaml")
    finding = next(f for f in report.findings if f.rule.id == "SCOPE-PRODUCTS")
    text = (examples / "m365-noncompliant-scope.yaml").read_text(encoding="utf-8").splitlines()
    assert "copilot" in text[finding.line - 1]
    assert finding.paths == ("usage.saas_products[4]",)
    assert finding.actual == "copilot"
    assert "copilot" in finding_message(finding, "en") and "copilot" in finding_message(finding, "ko")


def test_as_of_override_is_used_and_recorded(examples):
    report = Checker(as_of=dt.date(2026, 9, 27)).check(examples / "m365-compliant.yaml")
    assert report.as_of == dt.date(2026, 9, 27) and report.as_of_overridden
    failing = {f.rule.id for f in report.findings if f.status == "fail"}
    assert "DESIG-IN-FORCE" in failing


def test_migration_readiness_ignores_the_designation(examples):
    report = Checker(pack_ref="standing-exception-2026", as_of=dt.date(2026, 5, 1)).check(
        examples / "m365-compliant.yaml")
    assert report.pack.id == "standing-exception-2026"
    assert not [f for f in report.findings if f.status == "error"]
    assert any("judged against pack standing-exception-2026" in n
               for n in report_notes(report, "en"))


def test_a_rule_that_cannot_be_judged_is_an_error_not_a_pass(tmp_path, examples):
    folder = tmp_path / "rules"
    folder.mkdir()
    (folder / "r.yaml").write_text(textwrap.dedent("""\
        rules:
          - id: FIRM-OPTIONAL
            area: evidence
            severity: low
            title: {ko: 제목, en: title}
            rationale: {ko: 취지, en: why}
            remediation: {ko: 조치, en: fix}
            basis: {source: a custom source, clause: c, strength: derived}
            check: {eq: {path: usage.x_custom_flag, value: true}}
        """), encoding="utf-8")
    report = Checker(policy_dirs=(folder,)).check(examples / "pulse-compliant.yaml")
    finding = next(f for f in report.findings if f.rule.id == "FIRM-OPTIONAL")
    assert finding.status == "error" and finding.failing
    assert "not in the profile" in finding_message(finding, "en")
