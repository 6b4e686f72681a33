"""The OSCAL renderers: both documents validate against the NIST OSCAL 1.2.1 JSON Schemas,
are byte-identical for the same inputs, and say what the report says.

The schemas (tests/data/oscal/, public domain) use ``\\p{L}``-style classes in ``pattern``;
Python's ``re`` cannot compile them, so ``pattern`` is checked here with the ``regex`` package
(a jsonschema keyword hook; test extra only). The patterns are used as NIST wrote them.
"""

from __future__ import annotations

import copy
import dataclasses
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import regex
from jsonschema import Draft7Validator, ValidationError

from netsep_check.api import Checker, result_of
from netsep_check.evaluate.findings import Report
from netsep_check.report import FORMATS, renderer
from netsep_check.report.oscal_ar import render_oscal_ar
from netsep_check.report.oscal_poam import render_oscal_poam

DATA = Path(__file__).resolve().parents[1] / "data" / "oscal"
ROOT = Path(__file__).resolve().parents[2]
UUID = regex.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$")


def _pattern(validator: Any, pattern: str, instance: Any, schema: Any) -> Any:
    if validator.is_type(instance, "string") and not regex.search(pattern, instance):
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


OscalValidator = jsonschema.validators.extend(Draft7Validator, {"pattern": _pattern})
SCHEMA_FORMATS = jsonschema.FormatChecker()  # the meta-schema's "regex" format, by `regex`


@SCHEMA_FORMATS.checks("regex", raises=regex.error)
def _is_regex(value: object) -> bool:
    return not isinstance(value, str) or regex.compile(value) is not None


@pytest.fixture(scope="module")
def validators() -> dict[str, Any]:
    out = {}
    for kind, name in (("ar", "oscal_assessment-results_schema.json"),
                       ("poam", "oscal_poam_schema.json")):
        schema = json.loads((DATA / name).read_text(encoding="utf-8"))
        OscalValidator.check_schema(schema, format_checker=SCHEMA_FORMATS)
        out[kind] = OscalValidator(schema)
    return out


def errors(validator: Any, document: dict) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message[:200]}"
            for e in validator.iter_errors(document)]


def test_formats_are_registered() -> None:
    assert {"oscal-ar", "oscal-poam"} <= set(FORMATS)
    assert renderer("oscal-ar") is render_oscal_ar
    assert renderer("oscal-poam") is render_oscal_poam


def test_the_validator_rejects_what_the_schema_forbids(validators, report_of) -> None:
    """The pattern hook really checks (a \\p{L} token, a UUID), so green below is not vacuous."""
    document = json.loads(render_oscal_ar(result_of([report_of("pulse-noncompliant-controls")]), "en"))
    assert errors(validators["ar"], document) == []
    bad = copy.deepcopy(document)
    result = bad["assessment-results"]["results"][0]
    result["findings"][0]["target"]["target-id"] = "has space"
    assert any("target-id" in e for e in errors(validators["ar"], bad))
    bad = copy.deepcopy(document)
    bad["assessment-results"]["uuid"] = "not-a-uuid"
    assert errors(validators["ar"], bad)
    bad = copy.deepcopy(document)
    bad["assessment-results"]["results"][0]["unknown"] = 1
    assert errors(validators["ar"], bad)
    korean_token = copy.deepcopy(document)  # \p{L} admits Hangul: re could not say so
    korean_token["assessment-results"]["results"][0]["findings"][0]["target"]["target-id"] = \
        "규칙-1"
    assert errors(validators["ar"], korean_token) == []


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_every_example_validates(validators, all_reports, mixed_report, lang) -> None:
    batches = [[r] for r in all_reports] + [all_reports, [mixed_report]]
    for reports in batches:
        ar = json.loads(render_oscal_ar(result_of(reports), lang))
        poam = json.loads(render_oscal_poam(result_of(reports), lang))
        assert errors(validators["ar"], ar) == [], [r.profile_file for r in reports]
        assert errors(validators["poam"], poam) == [], [r.profile_file for r in reports]


def test_byte_identical_and_uuid5(report_of) -> None:
    first = report_of("pulse-noncompliant-controls")
    again = Checker().check(ROOT / "examples/pulse-noncompliant-controls.yaml")
    for render in (render_oscal_ar, render_oscal_poam):
        assert render(result_of([first]), "ko") == render(result_of([again]), "ko")
        text = render(result_of([first]), "ko")
        uuids = regex.findall(r'"(?:uuid|[a-z-]+-uuid)": "([^"]+)"', text)
        assert uuids and all(UUID.match(u) for u in uuids)
    # another as_of (another assessment date) changes the times, never the clock
    later = dataclasses.replace(first, as_of=first.as_of.replace(year=first.as_of.year + 1))
    ar = json.loads(render_oscal_ar(result_of([later]), "ko"))["assessment-results"]
    assert ar["metadata"]["last-modified"].startswith(f"{later.as_of.isoformat()}T00:00:00")
    earlier = json.loads(render_oscal_ar(result_of([first]), "ko"))["assessment-results"]
    assert ar["uuid"] != earlier["uuid"]


def test_uuids_follow_firm_and_profile_digest(report_of) -> None:
    report = report_of("pulse-noncompliant-controls")
    other_firm = dataclasses.replace(report, firm="다른증권")
    other_profile = dataclasses.replace(report, profile_sha256="0" * 64)
    ids = [_result([r])["results"][0]["uuid"] for r in (report, other_firm, other_profile)]
    assert len(set(ids)) == 3


def _result(reports: list[Report], lang: str = "en") -> dict:
    return json.loads(render_oscal_ar(result_of(reports), lang))["assessment-results"]


def test_assessment_results_say_what_the_report_says(mixed_report) -> None:
    doc = _result([mixed_report])
    result = doc["results"][0]
    props = {p["name"]: p["value"] for p in result["props"]}
    assert props["pack-digest"] == mixed_report.pack.digest
    assert props["profile-sha256"] == mixed_report.profile_sha256
    assert props["verdict"] == "fail"
    by_rule = {f["target"]["target-id"]: f for f in result["findings"]}
    for finding in mixed_report.findings:
        if finding.status == "not_applicable":
            assert finding.rule.id not in by_rule
            continue
        state = by_rule[finding.rule.id]["target"]["status"]["state"]
        # a rule is satisfied only when it passed: never a silent green
        assert (state == "satisfied") == (finding.status == "pass"), finding.rule.id
    risks = {r["title"]: r for r in result["risks"]}
    assert len(risks) == sum(f.status in ("fail", "error", "waived")
                             for f in mixed_report.findings)
    waived = next(r for r in result["risks"]
                  if any(p["value"] == "SAAS-LOG-RETENTION" for p in r["props"]))
    assert waived["status"] == "deviation-approved"
    assert waived["deadline"].startswith("2025-12-31")
    error = next(r for r in result["risks"] if any(p["value"] == "PROV-RATED"
                                                    for p in r["props"]))
    assert error["status"] == "investigating"
    ap = doc["import-ap"]["href"].lstrip("#")
    assert ap in {r["uuid"] for r in doc["back-matter"]["resources"]}


def test_every_evidence_file_is_in_back_matter_with_its_sha256(report_of) -> None:
    report = report_of("m365-compliant")
    assert report.evidence_checked
    doc = _result([report])
    resources = doc["back-matter"]["resources"]
    hashes = {h["value"] for r in resources for link in r.get("rlinks", [])
              for h in link.get("hashes", [])}
    for record in report.evidence_checked:
        assert record.sha256 in hashes
    assert report.profile_sha256 in hashes
    # every href into the back-matter resolves
    ids = {r["uuid"] for r in resources}
    text = json.dumps(doc)
    for target in regex.findall(r'"href": "#([^"]+)"', text):
        assert target in ids
    # each observation points at the evidence its rule relied on
    obs = {o["props"][0]["value"]: o for o in doc["results"][0]["observations"]}
    evidence = [e["href"] for e in obs["PROV-RATED"]["relevant-evidence"]]
    fsi = next(r["uuid"] for r in resources if any(
        p["value"] == "EV-01" for p in r.get("props", [])))
    assert f"#{fsi}" in evidence


def test_profile_edited_after_the_check_gives_no_annotations(report_of, tmp_path) -> None:
    report = report_of("pulse-noncompliant-controls")
    copy_ = tmp_path / "p.yaml"
    copy_.write_text(Path(report.profile_file).read_text(encoding="utf-8") + "\n# edited\n",
                     encoding="utf-8")
    edited = dataclasses.replace(report, profile_file=str(copy_))
    doc = _result([edited])
    cited = [r for r in doc["back-matter"]["resources"]
             if any(p["value"] == "not-verified" for p in r.get("props", []))]
    assert cited == []  # nothing read from a file that is not what was checked
    assert _result([report])["back-matter"]["resources"]  # the unedited one has them


def _poam(reports: list[Report], lang: str = "en") -> dict:
    return json.loads(render_oscal_poam(result_of(reports), lang))["plan-of-action-and-milestones"]


def test_poam_items_for_failing_and_waived_with_deadlines(mixed_report, tmp_path) -> None:
    doc = _poam([mixed_report])
    wanted = {f.rule.id for f in mixed_report.findings if f.status in ("fail", "error", "waived")}
    items = {next(p["value"] for p in i["props"] if p["name"] == "rule-id"): i
             for i in doc["poam-items"]}
    assert set(items) == wanted
    risk = next(r for r in doc["risks"] if r["uuid"] ==
                items["SAAS-LOG-RETENTION"]["related-risks"][0]["risk-uuid"])
    assert risk["deadline"].startswith("2025-12-31")
    task = risk["remediations"][0]["tasks"][0]
    assert task["timing"]["on-date"]["date"].startswith("2025-12-31")
    # same identifiers as the assessment results
    ar = _result([mixed_report])["results"][0]
    assert {f["uuid"] for f in doc["findings"]} <= {f["uuid"] for f in ar["findings"]}


def test_poam_due_dates_and_owners_from_the_profile(tmp_path, validators) -> None:
    source = (ROOT / "examples/pulse-noncompliant-controls.yaml").read_text(encoding="utf-8")
    source = source.replace(
        "sharing_controls: {status: implemented, external_sharing: open, evidence: [EV-30]}",
        "sharing_controls: {status: implemented, external_sharing: open, evidence: [EV-30], "
        "x_owner: 정보보호팀 김민수, x_due: 2025-06-30}")
    profile = tmp_path / "profile.yaml"
    profile.write_text(source, encoding="utf-8")
    report = Checker(verify_evidence=False).check(profile)
    doc = _poam([report], "ko")
    assert errors(validators["poam"], {"plan-of-action-and-milestones": doc}) == []
    item = next(i for i in doc["poam-items"]
                if any(p["value"] == "SAAS-SHARING-NOT-OPEN" for p in i["props"]))
    props = {p["name"]: p["value"] for p in item["props"]}
    assert props["owner"] == "정보보호팀 김민수"
    assert props["due"] == "2025-06-30"
    risk = next(r for r in doc["risks"] if r["uuid"] == item["related-risks"][0]["risk-uuid"])
    assert risk["deadline"].startswith("2025-06-30T23:59:59+09:00")
    other = next(i for i in doc["poam-items"]
                 if any(p["value"] == "OPS-TRAINING-CURRENT" for p in i["props"]))
    assert "x_due" in other["remarks"]  # no date recorded: said, not invented


def test_poam_of_a_compliant_profile_is_still_valid(report_of, validators) -> None:
    doc = _poam([report_of("pulse-compliant")])
    assert len(doc["poam-items"]) == 1
    assert doc["poam-items"][0]["props"][0]["value"] == "no-open-items"
    assert errors(validators["poam"], {"plan-of-action-and-milestones": doc}) == []


def test_cli_writes_both(tmp_path, validators) -> None:
    from click.testing import CliRunner

    from netsep_check.cli import main

    ar, poam = tmp_path / "ar.json", tmp_path / "poam.json"
    result = CliRunner().invoke(main, [
        "check", str(ROOT / "examples/pulse-noncompliant-controls.yaml"),
        "--waivers", str(ROOT / "examples/waivers.yaml"),
        "--format", "oscal-ar", "-o", str(ar), "--format", "oscal-poam", "-o", str(poam)])
    assert result.exit_code == 1, result.output
    assert errors(validators["ar"], json.loads(ar.read_text(encoding="utf-8"))) == []
    assert errors(validators["poam"], json.loads(poam.read_text(encoding="utf-8"))) == []


def test_no_url_in_the_documents(all_reports) -> None:
    for render in (render_oscal_ar, render_oscal_poam):
        text = render(result_of(all_reports), "ko")
        assert "http://" not in text and "https://" not in text

