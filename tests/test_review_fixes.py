"""Regressions found in review: each once let a verdict, a waiver or an output go wrong."""

from __future__ import annotations

import datetime as dt
import json
import xml.etree.ElementTree as ET

import pytest

from netsep_check.api import Checker
from netsep_check.errors import EXIT_INPUT, EXIT_OK, InputError
from netsep_check.evaluate.waivers import Waiver
from netsep_check.rules.compiler import compile_condition
from netsep_check.rules.operators.base import Ctx, Env, Failure, RuleSyntaxError
from netsep_check.validate.fast import compile_schema
from tests.conftest import variant


@pytest.mark.parametrize(("condition", "holds"), [
    ({"in": {"path": "flag", "value": [1]}}, False),       # true is not 1
    ({"not_in": {"path": "flag", "value": [1]}}, True),
    ({"subset": {"path": "flags", "value": [1]}}, False),
    ({"disjoint": {"path": "flags", "value": [1]}}, True),
    ({"contains": {"path": "flags", "value": 1}}, False),
    ({"eq": {"path": "ratio", "value": 1}}, True),          # 1.0 is 1
    ({"ne": {"path": "ratio", "value": 1}}, False),
])
def test_every_operator_uses_json_equality(condition, holds):
    compiled = compile_condition(condition, Env({}))
    profile = {"flag": True, "flags": [True], "ratio": 1.0}
    assert (compiled.test(Ctx(profile, dt.date(2025, 1, 1))) is None) is holds


def test_day_counts_are_bounded_at_load_time():
    with pytest.raises(RuleSyntaxError):
        compile_condition({"within_days": {"path": "a", "days": 10**9}}, Env({}))
    with pytest.raises(RuleSyntaxError):
        compile_condition({"date_le": {"path": "a", "value": {"as_of": -(10**9)}}}, Env({}))


def test_a_date_at_the_edge_of_the_calendar_is_an_input_error_not_a_crash(tmp_path):
    """Once an error finding; since 2026-12-01 dates are reckoned in the years 1000 to 8999
    (a deadline from 9999-12-31 crashed `due` and the committee report), so such a date is an
    input error naming the field."""
    path = variant(tmp_path, "m365-compliant.yaml", "early.yaml",
                   ("as_of: 2025-03-31", "as_of: 0001-01-02"))
    with pytest.raises(InputError) as caught:
        Checker().check(path)
    (problem,) = caught.value.problems
    assert problem.path == "assessment.as_of" and "1000 to 8999" in problem.message


def test_a_waiver_path_does_not_cover_a_failure_located_nowhere():
    waiver = Waiver(index=0, rule="R-1", path="usage", firm=None, justification="j", approved_by="a",
                    approved_on=dt.date(2025, 1, 1), ticket="t", expires_on=dt.date(2025, 6, 1),
                    file="w.yaml", line=1)
    finding = type("F", (), {})()
    finding.rule = type("R", (), {"id": "R-1"})()
    finding.paths = ["usage.tasks"]
    finding.unlisted = 0  # every failing leaf listed
    finding.failures = [Failure(("usage", "tasks"), "eq"), Failure(None, "not")]
    assert not waiver.covers(finding)
    finding.failures = [Failure(("usage", "tasks"), "eq")]
    assert waiver.covers(finding)


def test_a_baseline_never_excuses_another_firm(run, tmp_path, examples):
    baseline = tmp_path / "baseline.json"
    run("check", examples / "m365-noncompliant-scope.yaml", "--format", "json", "-o", baseline)
    other = variant(tmp_path, "m365-noncompliant-scope.yaml", "other.yaml",
                    ("name: 예시은행", "name: 다른은행"))
    refused = run("check", other, "--baseline", baseline, "--lang", "en")
    assert refused.exit_code == EXIT_INPUT  # another firm's baseline is an input error
    assert "a baseline must be an earlier report of the same firm" in refused.stderr
    same = variant(tmp_path, "m365-noncompliant-scope.yaml", "m365-noncompliant-scope.yaml")
    assert run("check", same, "--baseline", baseline).exit_code == EXIT_OK


def test_profile_text_is_never_read_as_terminal_markup(run, tmp_path):
    path = variant(tmp_path, "pulse-compliant.yaml", "p[red]x.yaml", ("name: 예시증권", "name: A [/b]"))
    result = run("check", path, "--lang", "en")
    assert result.exit_code == EXIT_OK
    assert "p[red]x.yaml" in result.stdout and "A [/b]" in result.stdout


def test_junit_stays_well_formed_with_control_characters(run, tmp_path):
    path = variant(tmp_path, "pulse-compliant.yaml", "p.yaml", ("name: 예시증권", 'name: "A\\x0bB"'))
    result = run("check", path, "--format", "junit")
    ET.fromstring(result.stdout.split("\n", 1)[1])


@pytest.mark.parametrize("schema", [
    {"$defs": {"s": {"$anchor": "s", "type": "string"}}, "$ref": "#s"},
    {"properties": {"a": {"$id": "urn:x", "type": "string"}}},
    {"$ref": "#/%24defs/s", "$defs": {"s": {"type": "string"}}},
])
def test_fast_check_hands_references_it_cannot_follow_to_jsonschema(schema):
    assert compile_schema(schema) is None


def test_json_report_is_unchanged_by_the_review_fixes(run, examples):
    document = json.loads(run("check", examples / "m365-compliant.yaml", "--format", "json").stdout)
    assert document["summary"]["verdict"] == "pass"


def test_a_misspelt_path_in_a_firms_rule_is_an_input_error_at_check_time(run, tmp_path, examples):
    folder = tmp_path / "rules"
    folder.mkdir()
    (folder / "r.yaml").write_text(
        (examples / "custom-pack" / "rules.yaml").read_text(encoding="utf-8").replace(
            "encryption_in_transit.min_tls_version, value", "encryption_in_transit.min_tls_versoin, "
            "value"), encoding="utf-8")
    result = run("check", examples / "m365-compliant.yaml", "--policy", folder)
    assert result.exit_code == 2 and "did you mean 'min_tls_version'" in result.stderr


def test_a_figure_is_not_judged_for_a_control_that_is_not_implemented(tmp_path):
    path = variant(tmp_path, "pulse-compliant.yaml", "p.yaml",
                   ("audit_logging: {status: implemented", "audit_logging: {status: not_implemented"))
    report = Checker().check(path)
    status = {f.rule.id: f.status for f in report.findings}
    assert status["SAAS-LOG-RETENTION"] == "not_applicable"
    assert status["CTRL-SAAS-AUDIT-LOG"] == "fail" and status["MEAS-SAAS-MANAGEMENT"] == "fail"
