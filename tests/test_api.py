"""The library entry point (netsep_check/api.py): ``run(inputs, options) -> RunResult``, used
directly, as a caller other than the CLI would."""

from __future__ import annotations

import dataclasses
import datetime as dt
import pickle

import pytest

from netsep_check.api import Options, RunResult, run
from netsep_check.errors import EXIT_FAIL, EXIT_INPUT, EXIT_OK, InputError
from netsep_check.report import FORMATS, renderer
from tests.conftest import EXAMPLES, variant


def test_the_readme_example():
    result = run([EXAMPLES / "m365-compliant.yaml"], Options())
    assert isinstance(result, RunResult)
    assert (result.verdict, result.exit_code) == ("pass", EXIT_OK)
    assert [f.rule.id for f in result.reports[0].failing] == []


def test_a_failing_profile_decides_fail_and_exit_1():
    result = run([EXAMPLES / "m365-noncompliant-scope.yaml"])
    assert (result.verdict, result.exit_code) == ("fail", EXIT_FAIL)
    failing = {f.rule.id for f in result.reports[0].failing}
    assert {"SCOPE-PRODUCTS", "SCOPE-TASKS", "DATA-M365-TRANSACTION"} <= failing
    assert result.gate.tripped == len(result.reports[0].failing)


def test_the_result_is_frozen_and_pickles_as_it_is():
    result = run([EXAMPLES / "pulse-noncompliant-controls.yaml"])
    with pytest.raises(dataclasses.FrozenInstanceError):
        result.exit_code = 0  # type: ignore[misc]
    report = result.reports[0]
    with pytest.raises(dataclasses.FrozenInstanceError):
        report.findings[0].status = "pass"  # type: ignore[misc]
    assert isinstance(report.findings, tuple) and isinstance(result.reports, tuple)
    assert pickle.loads(pickle.dumps(result)) == result


def test_an_invalid_profile_is_listed_not_raised(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("profile_version: 1\nfirm: [not closed\n", encoding="utf-8")
    result = run([bad, EXAMPLES / "m365-compliant.yaml"], Options(jobs=1))
    assert [i.file for i in result.invalid] == [str(bad)]
    assert result.invalid[0].problems[0].line in (2, 3)  # where libyaml notices
    assert len(result.reports) == 1 and result.reports[0].verdict == "pass"
    # an input that could not be read: never a green run
    assert (result.verdict, result.exit_code, result.given) == ("undetermined", EXIT_INPUT, 2)


def test_inputs_that_make_the_run_meaningless_raise(tmp_path):
    with pytest.raises(InputError):
        run([EXAMPLES / "m365-compliant.yaml"], Options(pack="no-such-pack"))
    waivers = tmp_path / "w.yaml"
    waivers.write_text("waivers: nope\n", encoding="utf-8")
    with pytest.raises(InputError):
        run([EXAMPLES / "m365-compliant.yaml"], Options(waivers=waivers))


def test_every_format_renders_the_one_result():
    result = run([EXAMPLES / "pulse-noncompliant-controls.yaml"])
    for fmt in FORMATS:
        text = renderer(fmt)(result, "en")
        assert text.strip(), fmt


def test_waivers_and_the_day_of_the_run(tmp_path):
    profile = EXAMPLES / "pulse-noncompliant-controls.yaml"
    options = Options(waivers=EXAMPLES / "waivers.yaml", today=dt.date(2025, 6, 30))
    waived = run([profile], options).reports[0]
    assert {f.rule.id: f.status for f in waived.findings}["SAAS-LOG-RETENTION"] == "waived"
    # the same waiver on a day after its expiry: expired, whatever as_of says
    later = run([profile], dataclasses.replace(options, today=dt.date(2026, 1, 1))).reports[0]
    finding = next(f for f in later.findings if f.rule.id == "SAAS-LOG-RETENTION")
    assert finding.status == "fail" and finding.waiver is not None
    assert finding.waiver.state == "expired"


def test_as_of_and_no_evidence_check(tmp_path):
    profile = variant(tmp_path, "m365-compliant.yaml", "m.yaml")
    result = run([profile], Options(as_of=dt.date(2027, 1, 1), verify_evidence=False))
    report = result.reports[0]
    assert report.as_of == dt.date(2027, 1, 1) and report.as_of_overridden
    assert not report.evidence_verified
    statuses = {f.rule.id: f.status for f in report.findings}
    assert statuses["DESIG-IN-FORCE"] == "fail"  # the designation ended 2026-12-17
    assert statuses["EVID-FILE-PRESENT"] == "not_applicable"
