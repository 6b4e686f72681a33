"""The gate (netsep_check/evaluate/gate.py, check --fail-on) and several --format/--output
pairs in one run."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from netsep_check.errors import EXIT_FAIL, EXIT_INPUT, EXIT_OK
from netsep_check.evaluate.gate import gate, gating_findings
from netsep_check.vocabulary import at_or_above
from tests.conftest import variant


@pytest.fixture
def medium_only(tmp_path, examples) -> Path:
    """Only SAAS-LOG-RETENTION (medium) fails."""
    return variant(tmp_path, "pulse-compliant.yaml", "medium.yaml",
                   ("retention_days: 730", "retention_days: 180"))


@pytest.fixture
def high_only(tmp_path, examples) -> Path:
    """Only high rules fail: SAAS-SHARING-NOT-OPEN, and MEAS-SAAS-MANAGEMENT (sharing stated
    open is not sharing controlled)."""
    return variant(tmp_path, "pulse-compliant.yaml", "high.yaml",
                   ("external_sharing: disabled", "external_sharing: open"))


def failing(run, path: Path) -> dict[str, str]:
    document = json.loads(run("check", path, "--format", "json").stdout)
    return {f["rule_id"]: f["severity"] for f in document["findings"] if f["status"] == "fail"}


def test_fixtures_fail_as_described(run, medium_only, high_only):
    assert failing(run, medium_only) == {"SAAS-LOG-RETENTION": "medium"}
    assert failing(run, high_only) == {"SAAS-SHARING-NOT-OPEN": "high",
                                       "MEAS-SAAS-MANAGEMENT": "high"}


def test_fail_on_high_passes_a_profile_whose_only_failures_are_medium(run, medium_only):
    assert run("check", medium_only).exit_code == EXIT_FAIL  # default: low, any failure fails
    assert run("check", medium_only, "--fail-on", "low").exit_code == EXIT_FAIL
    assert run("check", medium_only, "--fail-on", "medium").exit_code == EXIT_FAIL
    result = run("check", medium_only, "--fail-on", "high", "--lang", "en")
    assert result.exit_code == EXIT_OK
    assert "SAAS-LOG-RETENTION" in result.stdout  # still reported
    assert "1 failing finding(s) do not fail the run (below --fail-on high)" in result.stderr
    assert run("check", medium_only, "--fail-on", "critical").exit_code == EXIT_OK


def test_fail_on_thresholds_for_high_and_critical(run, high_only, examples):
    assert run("check", high_only, "--fail-on", "high").exit_code == EXIT_FAIL
    assert run("check", high_only, "--fail-on", "critical").exit_code == EXIT_OK
    noncompliant = examples / "pulse-noncompliant-controls.yaml"  # PROV-RATED is critical
    assert run("check", noncompliant, "--fail-on", "critical").exit_code == EXIT_FAIL


def test_fail_on_does_not_change_the_report(run, medium_only):
    low = run("check", medium_only, "--format", "json").stdout
    high = run("check", medium_only, "--format", "json", "--fail-on", "high").stdout
    assert low == high


def test_fail_on_rejects_unknown_severities(run, medium_only):
    result = run("check", medium_only, "--fail-on", "severe")
    assert result.exit_code == EXIT_INPUT and "Traceback" not in result.stderr


def test_gate_functions(examples):
    from netsep_check.api import Checker

    report = Checker().check(examples / "pulse-noncompliant-controls.yaml")
    everything = {f.rule.id for f in gating_findings(report)}
    assert len(everything) == 8
    assert {f.rule.id for f in gating_findings(report, "critical")} == {"PROV-RATED"}
    high = {f.rule.id for f in gating_findings(report, "high")}
    assert high == {"PROV-RATED", "PROV-COVERS-PRODUCTS", "MEAS-SAAS-MANAGEMENT",
                    "NET-MFA-ALL-USERS", "SAAS-SHARING-NOT-OPEN"}
    standing = gate([report], "high")
    assert (standing.tripped, standing.below, standing.known) == (
        len(high), len(everything) - len(high), 0)
    import dataclasses

    known = dataclasses.replace(report, findings=tuple(
        dataclasses.replace(f, known=True) if f.rule.id == "PROV-RATED" else f
        for f in report.findings))
    assert {f.rule.id for f in gating_findings(known, "low")} == everything - {"PROV-RATED"}
    assert at_or_above("critical", "low") and not at_or_above("low", "high")


# --- several formats and outputs ---------------------------------------------------------------

def test_format_output_pairs_by_position(run, examples, tmp_path):
    profile = examples / "pulse-noncompliant-controls.yaml"
    json_out, sarif_out = tmp_path / "r.json", tmp_path / "r.sarif"
    result = run("check", profile, "--format", "json", "--output", json_out,
                 "--format", "sarif", "--output", sarif_out)
    assert result.exit_code == EXIT_FAIL and result.stdout == ""
    assert json.loads(json_out.read_text(encoding="utf-8"))["format"] == "netsep-check-report"
    assert "runs" in json.loads(sarif_out.read_text(encoding="utf-8"))
    assert f"보고서를 썼습니다: {json_out}" in result.stderr  # in --lang (Korean by default)
    assert f"보고서를 썼습니다: {sarif_out}" in result.stderr
    english = run("check", profile, "--format", "json", "--output", json_out, "--lang", "en")
    assert f"report written to {json_out}" in english.stderr


def test_one_format_without_output_goes_to_stdout(run, examples, tmp_path):
    profile = examples / "pulse-compliant.yaml"
    out = tmp_path / "r.json"
    result = run("check", profile, "--format", "json", "--output", out, "--format", "text",
                 "--lang", "en")
    assert result.exit_code == EXIT_OK
    assert "COMPLIANT" in result.stdout and out.is_file()
    only = run("check", profile, "--format", "json")
    assert json.loads(only.stdout)["summary"]["verdict"] == "pass"
    text_file = tmp_path / "r.txt"
    plain = run("check", profile, "--output", text_file, "--lang", "en")  # text by default
    assert plain.stdout == "" and "COMPLIANT" in text_file.read_text(encoding="utf-8")


@pytest.mark.parametrize("args", [
    ["--format", "json", "--format", "text"],  # two formats to stdout
    ["--format", "json", "-o", "{tmp}/a", "--format", "text", "--format", "markdown"],
    ["--output", "{tmp}/a", "--output", "{tmp}/b"],  # more outputs than formats
    ["--format", "json", "-o", "{tmp}/a", "--format", "sarif", "-o", "{tmp}/a"],  # same file
    ["--format", "pdf"],
])
def test_format_output_usage_errors(run, examples, tmp_path, args):
    args = [a.replace("{tmp}", str(tmp_path)) for a in args]
    result = run("check", examples / "pulse-compliant.yaml", *args)
    assert result.exit_code == EXIT_INPUT
    assert result.stdout == "" and "Traceback" not in result.stderr
    assert not list(tmp_path.iterdir())  # nothing written before the usage error
