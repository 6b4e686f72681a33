"""SARIF 2.1.0: valid against the official schema, one result per failing (or waived) finding,
with the profile file and the line and column of the offending field, and full rule metadata."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from jsonschema import Draft4Validator, FormatChecker

from netsep_check.api import result_of
from netsep_check.report import FORMATS, renderer
from netsep_check.report.messages import finding_message
from netsep_check.report.sarif import LEVEL, SECURITY_SEVERITY, artifact_uri, render_sarif

EXAMPLES_DIR = Path(__file__).resolve().parents[2] / "examples"
# the shared folder sits beside the repository folder
SARIF_SCHEMA = (Path(__file__).resolve().parents[3]
                / "shared/reference/schemas/sarif-schema-2.1.0.json")
REPORTED = ("fail", "error", "waived")


@pytest.fixture(scope="module")
def validator() -> Draft4Validator:
    if not SARIF_SCHEMA.is_file():
        pytest.skip(f"official SARIF schema not found at {SARIF_SCHEMA} "
                    "(expected in the shared folder beside the repository)")
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    return Draft4Validator(schema, format_checker=FormatChecker())


def assert_valid(validator: Draft4Validator, document: dict) -> None:
    errors = sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path))
    assert not errors, "\n".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:10])


def test_registered() -> None:
    assert "sarif" in FORMATS
    assert renderer("sarif") is render_sarif


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_noncompliant_profile(validator, report_of, lang) -> None:
    report = report_of("pulse-noncompliant-controls")
    document = json.loads(render_sarif(result_of([report]), lang))
    assert_valid(validator, document)
    assert document["version"] == "2.1.0"
    assert len(document["runs"]) == 1
    run = document["runs"][0]

    failing = [f for f in report.findings if f.status in REPORTED]
    assert len(failing) >= 4
    assert len(run["results"]) == len(failing)
    assert {r["ruleId"] for r in run["results"]} >= {"PROV-RATED", "SAAS-LOG-RETENTION",
                                                     "SAAS-SHARING-NOT-OPEN"}
    rules = run["tool"]["driver"]["rules"]
    for finding, result in zip(failing, run["results"], strict=True):
        assert result["ruleId"] == finding.rule.id
        assert rules[result["ruleIndex"]]["id"] == finding.rule.id
        assert result["level"] == ("error" if finding.status == "error"
                                   else LEVEL[finding.rule.severity])
        assert result["message"]["text"] == finding_message(finding, lang)
        location = result["locations"][0]["physicalLocation"]
        assert location["artifactLocation"]["uri"] == "examples/pulse-noncompliant-controls.yaml"
        assert location["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
        assert finding.line and finding.column
        assert location["region"] == {"startLine": finding.line, "startColumn": finding.column}
        assert "suppressions" not in result
    assert run["artifacts"][0]["location"]["uri"] == "examples/pulse-noncompliant-controls.yaml"
    assert run["artifacts"][0]["hashes"]["sha-256"] == report.profile_sha256


def test_relative_path_kept_as_given(validator, checker, monkeypatch) -> None:
    """Run from the repository as CI does: the URI is the path given, relative to the repo."""
    monkeypatch.chdir(EXAMPLES_DIR.parent)
    report = checker.check("examples/pulse-noncompliant-controls.yaml")
    document = json.loads(render_sarif(result_of([report]), "en"))
    assert_valid(validator, document)
    run = document["runs"][0]
    assert run["artifacts"][0]["location"]["uri"] == "examples/pulse-noncompliant-controls.yaml"
    assert {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            for r in run["results"]} == {"examples/pulse-noncompliant-controls.yaml"}


def test_the_line_is_the_offending_field(validator, report_of) -> None:
    """PROV-RATED points at ``result: pending`` in the profile, not at the section."""
    report = report_of("pulse-noncompliant-controls")
    document = json.loads(render_sarif(result_of([report]), "en"))
    result = next(r for r in document["runs"][0]["results"] if r["ruleId"] == "PROV-RATED")
    region = result["locations"][0]["physicalLocation"]["region"]
    lines = Path(report.profile_file).read_text(encoding="utf-8").splitlines()
    line = lines[region["startLine"] - 1]
    assert line[region["startColumn"] - 1:].startswith("result:")
    assert "pending" in line


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_rule_metadata(validator, report_of, lang) -> None:
    report = report_of("pulse-noncompliant-controls")
    document = json.loads(render_sarif(result_of([report]), lang))
    driver = document["runs"][0]["tool"]["driver"]
    assert driver["name"] == "netsep-check"
    assert driver["version"]
    assert "informationUri" not in driver
    assert [r["id"] for r in driver["rules"]] == [rule.id for rule in report.pack.rules]
    for descriptor, rule in zip(driver["rules"], report.pack.rules, strict=True):
        assert descriptor["name"]
        assert descriptor["shortDescription"]["text"] == rule.title[lang]
        assert descriptor["fullDescription"]["text"] == rule.rationale[lang]
        assert descriptor["help"]["text"] == rule.remediation[lang]
        assert rule.remediation[lang].split()[0] in descriptor["help"]["markdown"]
        props = descriptor["properties"]
        assert props["severity"] == rule.severity
        assert props["area"] == rule.area
        assert props["strength"] == rule.basis["strength"]
        assert props["security-severity"] == SECURITY_SEVERITY[rule.severity]
        assert rule.area in props["tags"] and "security" in props["tags"]
        assert descriptor["defaultConfiguration"]["level"] == LEVEL[rule.severity]
    derived = next(r for r in driver["rules"] if r["properties"]["strength"] == "derived")
    note = "자체 해석" if lang == "ko" else "not law"
    assert note in derived["help"]["markdown"]


def test_severity_mapping() -> None:
    assert LEVEL == {"critical": "error", "high": "error", "medium": "warning", "low": "note"}
    assert SECURITY_SEVERITY == {"critical": "9.5", "high": "8.0", "medium": "5.5",
                                 "low": "3.0"}


def test_compliant_profile_has_no_results(validator, report_of) -> None:
    report = report_of("pulse-compliant")
    document = json.loads(render_sarif(result_of([report]), "en"))
    assert_valid(validator, document)
    run = document["runs"][0]
    assert run["results"] == []
    assert len(run["tool"]["driver"]["rules"]) == len(report.pack.rules)


def test_waived_and_error_findings(validator, mixed_report) -> None:
    document = json.loads(render_sarif(result_of([mixed_report]), "en"))
    assert_valid(validator, document)
    results = {r["ruleId"]: r for r in document["runs"][0]["results"]}
    assert len(results) == sum(f.status in REPORTED for f in mixed_report.findings)
    waived = results["SAAS-LOG-RETENTION"]
    assert waived["suppressions"][0]["kind"] == "external"
    assert waived["suppressions"][0]["justification"].startswith("Logs are exported daily")
    assert waived["suppressions"][0]["properties"]["ticket"] == "RISK-2025-0042"
    assert waived["properties"]["status"] == "waived"
    error = results["PROV-RATED"]
    assert error["properties"]["status"] == "error"
    assert error["message"]["text"].startswith("cannot be judged")
    assert "suppressions" not in error


def test_a_finding_not_judged_is_an_error_whatever_the_severity(validator, mixed_report) -> None:
    """It fails the gate at any --fail-on, so a code-scanning view must not show it as a note."""
    import dataclasses

    low = next(f for f in mixed_report.findings if f.rule.severity == "low")
    changed = dataclasses.replace(low, status="error")
    report = dataclasses.replace(mixed_report, findings=tuple(
        changed if f is low else f for f in mixed_report.findings))
    document = json.loads(render_sarif(result_of([report]), "en"))
    assert_valid(validator, document)
    levels = {r["ruleId"]: r["level"] for r in document["runs"][0]["results"]}
    assert levels[low.rule.id] == "error"


def test_batch_one_run_per_pack(validator, all_reports) -> None:
    document = json.loads(render_sarif(result_of(all_reports), "en"))
    assert_valid(validator, document)
    packs = list(dict.fromkeys(r.pack.id for r in all_reports))
    assert [run["tool"]["driver"]["properties"]["pack"]["id"] for run in document["runs"]] \
        == packs
    ids = [run["automationDetails"]["id"] for run in document["runs"]]
    assert len(set(ids)) == len(ids)
    total = sum(f.status in REPORTED for r in all_reports for f in r.findings)
    assert sum(len(run["results"]) for run in document["runs"]) == total
    for run in document["runs"]:
        uris = [a["location"]["uri"] for a in run["artifacts"]]
        for result in run["results"]:
            location = result["locations"][0]["physicalLocation"]["artifactLocation"]
            assert uris[location["index"]] == location["uri"]


def test_deterministic_and_offline(report_of) -> None:
    reports = [report_of("pulse-noncompliant-controls"), report_of("m365-noncompliant-scope")]
    first, second = render_sarif(result_of(reports), "ko"), render_sarif(result_of(reports), "ko")
    assert first == second
    assert "http://" not in first and "https://" not in first


def test_artifact_uri() -> None:
    assert artifact_uri("examples/a.yaml") == "examples/a.yaml"
    assert artifact_uri("profiles/a b#1.yaml") == "profiles/a%20b%231.yaml"
    assert artifact_uri("profiles/예시.yaml") == "profiles/%EC%98%88%EC%8B%9C.yaml"
    assert artifact_uri("/srv/p.yaml") == "file:///srv/p.yaml"
    assert artifact_uri("dir\\p.yaml") == "dir/p.yaml"


def _uris(document: dict) -> set[str]:
    found = set()
    for run in document["runs"]:
        found |= {a["location"]["uri"] for a in run["artifacts"]}
        found |= {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                  for r in run["results"]}
    return found


def test_uris_relative_to_the_repository_root_from_anywhere(run, tmp_path, monkeypatch) -> None:
    """Run from a subfolder with ``../`` in the path: still relative to the repository root,
    normalised, never ``../``."""
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    (repo / "profiles" / "a").mkdir(parents=True)
    (repo / "tools").mkdir()
    shutil.copytree(EXAMPLES_DIR / "evidence", repo / "profiles" / "a" / "evidence")
    shutil.copy(EXAMPLES_DIR / "pulse-noncompliant-controls.yaml", repo / "profiles" / "a")
    monkeypatch.chdir(repo / "tools")
    result = run("check", "../profiles/./a/../a/pulse-noncompliant-controls.yaml",
                 "--format", "sarif")
    assert result.exit_code == 1, result.stderr
    document = json.loads(result.stdout)
    assert _uris(document) == {"profiles/a/pulse-noncompliant-controls.yaml"}
    location = document["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
    assert "../" not in result.stdout and str(tmp_path) not in result.stdout


def test_sarif_root_option_and_files_outside_it(run, tmp_path) -> None:
    """(Schema validity of these locations: test_relative_path_kept_as_given, which needs
    the official SARIF schema; this test runs without it.)"""
    shutil.copytree(EXAMPLES_DIR / "evidence", tmp_path / "evidence")
    shutil.copy(EXAMPLES_DIR / "pulse-noncompliant-controls.yaml", tmp_path)
    profile = tmp_path / "pulse-noncompliant-controls.yaml"
    inside = run("check", profile, "--format", "sarif", "--sarif-root", tmp_path)
    assert _uris(json.loads(inside.stdout)) == {"pulse-noncompliant-controls.yaml"}
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    outside = run("check", profile, "--format", "sarif", "--sarif-root", elsewhere)
    document = json.loads(outside.stdout)
    assert _uris(document) == {profile.as_uri()}
    location = document["runs"][0]["results"][0]["locations"][0]["physicalLocation"]
    assert "uriBaseId" not in location["artifactLocation"]
    assert "../" not in outside.stdout
    assert run("check", profile, "--format", "sarif", "--sarif-root",
               tmp_path / "nope").exit_code == 2


def test_artifact_uri_normalises() -> None:
    root = Path("/repo")
    assert artifact_uri("/repo/a/./b/../p.yaml", root) == "a/p.yaml"
    assert artifact_uri("/elsewhere/p.yaml", root) == "file:///elsewhere/p.yaml"
    assert artifact_uri("/repo/예시 1.yaml", root) == "%EC%98%88%EC%8B%9C%201.yaml"
    assert artifact_uri("<stdin>", root) == "%3Cstdin%3E"
