"""JUnit XML: parseable, one suite per profile and one case per rule, counts that add up."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from netsep_check.api import result_of
from netsep_check.report import FORMATS, renderer
from netsep_check.report.junit import render_junit
from netsep_check.report.messages import finding_message

KINDS = ("failure", "error", "skipped")


def parse(text: str) -> ET.Element:
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>')
    return ET.fromstring(text.encode("utf-8"))


def outcome(case: ET.Element) -> str | None:
    found = [child.tag for child in case if child.tag in KINDS]
    assert len(found) <= 1, found
    return found[0] if found else None


def check_counts(suite: ET.Element) -> None:
    cases = suite.findall("testcase")
    outcomes = [outcome(case) for case in cases]
    assert int(suite.get("tests")) == len(cases)
    assert int(suite.get("failures")) == outcomes.count("failure")
    assert int(suite.get("errors")) == outcomes.count("error")
    assert int(suite.get("skipped")) == outcomes.count("skipped")


def test_registered() -> None:
    assert "junit" in FORMATS
    assert renderer("junit") is render_junit


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_noncompliant_profile(report_of, lang) -> None:
    report = report_of("pulse-noncompliant-controls")
    root = parse(render_junit(result_of([report]), lang))
    assert root.tag == "testsuites"
    suites = root.findall("testsuite")
    assert len(suites) == 1
    suite = suites[0]
    check_counts(suite)
    counts = report.counts()
    # the pack's rules, then the built-in evidence-file checks (judged outside any pack)
    assert int(suite.get("tests")) == len(report.findings) == (len(report.pack.rules)
                                                               )
    assert int(suite.get("failures")) == counts["fail"] >= 4
    assert int(suite.get("errors")) == counts["error"] == 0
    assert int(suite.get("skipped")) == counts["not_applicable"] + counts["waived"]
    for key in ("tests", "failures", "errors"):
        assert root.get(key) == suite.get(key)

    cases = suite.findall("testcase")
    for finding, case in zip(report.findings, cases, strict=True):
        assert case.get("classname") == f"netsep.{finding.rule.area}"
        assert case.get("name") == f"{finding.rule.id} {finding.rule.title['en']}"
        expected = {"fail": "failure", "error": "error", "not_applicable": "skipped",
                    "waived": "skipped", "pass": None}[finding.status]
        assert outcome(case) == expected
        if finding.status == "fail":
            failure = case.find("failure")
            where = f"{report.profile_file}:{finding.line}"
            assert finding_message(finding, lang) in failure.get("message")
            assert where in failure.get("message")
            assert where in failure.text
            assert finding.rule.remediation[lang] in failure.text
            assert failure.get("type") == finding.rule.severity
    names = {case.get("name").split()[0] for case in cases if outcome(case) == "failure"}
    assert names >= {"PROV-RATED", "SAAS-LOG-RETENTION", "SAAS-SHARING-NOT-OPEN"}


def test_waived_and_error(mixed_report) -> None:
    root = parse(render_junit(result_of([mixed_report]), "en"))
    suite = root.find("testsuite")
    check_counts(suite)
    cases = {case.get("name").split()[0]: case for case in suite.findall("testcase")}
    error = cases["PROV-RATED"].find("error")
    assert error is not None and "cannot be judged" in error.get("message")
    skipped = cases["SAAS-LOG-RETENTION"].find("skipped")
    assert skipped is not None
    assert skipped.get("message").startswith("waived: Logs are exported daily")
    assert "2025-12-31" in skipped.get("message")
    na = next(f for f in mixed_report.findings if f.status == "not_applicable")
    assert cases[na.rule.id].find("skipped").get("message") == "not applicable to this profile"
    assert int(suite.get("errors")) == 1


def test_batch(all_reports) -> None:
    root = parse(render_junit(result_of(all_reports), "ko"))
    suites = root.findall("testsuite")
    assert len(suites) == len(all_reports)
    for suite, report in zip(suites, all_reports, strict=True):
        check_counts(suite)
        assert report.profile_file in suite.get("name")
        props = {p.get("name"): p.get("value") for p in suite.iter("property")}
        assert props["profile_sha256"] == report.profile_sha256
        assert props["pack"].startswith(report.pack.id)
    for key in ("tests", "failures", "errors"):
        assert int(root.get(key)) == sum(int(s.get(key)) for s in suites)
    assert int(root.get("failures")) == sum(r.counts()["fail"] for r in all_reports)


def test_deterministic(report_of) -> None:
    report = report_of("m365-noncompliant-scope")
    assert render_junit(result_of([report]), "en") == render_junit(result_of([report]), "en")


XSD = Path(__file__).resolve().parents[1] / "data" / "junit" / "junit-10.xsd"


def _schema():
    xmlschema = pytest.importorskip("xmlschema")
    return xmlschema.XMLSchema(str(XSD))


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_valid_against_the_xunit_schema(run, tmp_path, examples, lang) -> None:
    """Jenkins' xUnit plugin rejects what junit-10.xsd rejects: single, batch, waived."""
    schema = _schema()
    single = run("check", examples / "pulse-noncompliant-controls.yaml", "--format", "junit",
                 "--lang", lang)
    schema.validate(single.stdout)
    batch = run("check", examples, "--format", "junit", "--lang", lang)
    assert batch.stdout.count("<testsuite ") >= 5
    schema.validate(batch.stdout)
    waived = run("check", examples / "pulse-noncompliant-controls.yaml", "--waivers",
                 examples / "waivers.yaml", "--format", "junit", "--lang", lang)
    schema.validate(waived.stdout)


def test_case_names_do_not_change_with_lang(run, examples) -> None:
    def names(lang: str) -> list[str]:
        result = run("check", examples / "pulse-noncompliant-controls.yaml", "--format",
                     "junit", "--lang", lang)
        root = parse(result.stdout)
        return [(c.get("classname"), c.get("name")) for c in root.iter("testcase")]

    korean, english = names("ko"), names("en")
    assert korean == english and len(korean) > 10
    assert not any(re.search("[\uac00-\ud7a3]", name) for _, name in korean)
