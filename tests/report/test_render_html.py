"""The HTML report: one self-contained, offline file with the findings, in Korean or English."""

from __future__ import annotations

import dataclasses

import pytest

from netsep_check.api import result_of
from netsep_check.evaluate.findings import STATUSES
from netsep_check.i18n import ui
from netsep_check.report import FORMATS, renderer
from netsep_check.report.html import render_html
from netsep_check.report.messages import finding_message
from netsep_check.rules.model import AREAS
from netsep_check.rules.operators.base import Failure

FORBIDDEN = ("http://", "https://", "<link", "<script", "<iframe", "<img", "<object", "<embed",
             "@import", "url(", "src=", "//fonts", "srcset")


def assert_self_contained(text: str, document, needles: tuple[str, ...] = FORBIDDEN) -> None:
    """No URL, no external resource: in the text (``needles``) and in the parsed structure."""
    lowered = text.lower()
    for needle in needles:
        assert needle not in lowered, f"{needle!r} in the HTML report"
    ids = {node.attrs["id"] for node in document.iter() if "id" in node.attrs}
    for node in document.iter():
        for name, value in node.attrs.items():
            assert name not in ("src", "srcset", "action", "formaction", "poster", "data"), \
                (node.tag, name, value)
            if name in ("href", "xlink:href"):
                assert value.startswith("#"), (node.tag, name, value)
                assert value[1:] in ids, f"dangling link {value}"


def test_registered() -> None:
    assert "html" in FORMATS
    assert renderer("html") is render_html


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_noncompliant_profile(report_of, parse_html, lang) -> None:
    report = report_of("pulse-noncompliant-controls")
    text = render_html(result_of([report]), lang)
    document = parse_html(text)
    assert_self_contained(text, document)
    assert text.startswith("<!DOCTYPE html>")
    assert document.find("html").attrs["lang"] == lang
    assert "@media print" in text and "@page" in text
    csp = next(m for m in document.iter("meta") if m.attrs.get("http-equiv"))
    assert "default-src 'none'" in csp.attrs["content"]

    page = document.text
    verdict = {"en": "NOT COMPLIANT", "ko": "부적합"}[lang]
    assert verdict in document.find(cls="verdict").text
    cards = {node.attrs["id"].removeprefix("report-1-"): node
             for node in document.find_all("article", "finding")}
    failing = [f for f in report.findings if f.failing]
    assert set(cards) == {f.rule.id for f in failing}
    assert {"PROV-RATED", "SAAS-LOG-RETENTION", "SAAS-SHARING-NOT-OPEN"} <= set(cards)
    for finding in failing:
        card = cards[finding.rule.id]
        assert f"st-{finding.status}" in card.classes
        card_text = card.text
        assert finding.rule.title[lang] in card_text
        assert finding_message(finding, lang) in card_text
        assert f"{report.profile_file}:{finding.line}" in card_text
        assert finding.rule.basis["clause"] in card_text
        assert finding.rule.remediation[lang] in card_text
        strength = card.find(cls="strength")
        assert f"str-{finding.rule.basis['strength']}" in strength.classes
        if finding.rule.basis["strength"] == "derived":
            assert {"en": "not law", "ko": "법령 아님"}[lang] in strength.text
    # every passing rule is listed too, with its basis
    for finding in report.findings:
        assert finding.rule.id in page
    # the other language is not mixed in
    other = "ko" if lang == "en" else "en"
    assert report.findings[0].rule.title[other] not in page


def test_grouped_by_area_failing_first(report_of, parse_html) -> None:
    report = report_of("pulse-noncompliant-controls")
    document = parse_html(render_html(result_of([report]), "en"))
    areas = document.find_all("section", "area")
    assert [a.attrs["id"].removeprefix("report-1-area-") for a in areas] \
        == list(report.counts_by_area())
    order = {status: i for i, status in enumerate(STATUSES)}
    for area in areas:
        statuses = [next(c[3:] for c in node.classes if c.startswith("st-"))
                    for node in area.iter() if node.tag in ("article", "tr")
                    and any(c.startswith("st-") for c in node.classes)]
        assert statuses == sorted(statuses, key=order.__getitem__)
        assert len(statuses) == sum(report.counts_by_area()[area.attrs["id"][len(
            "report-1-area-"):]].values())


def test_chart_draws_the_counts(report_of, parse_html) -> None:
    report = report_of("pulse-noncompliant-controls")
    document = parse_html(render_html(result_of([report]), "ko"))
    svg = document.find("svg")
    assert svg is not None and svg.attrs.get("role") == "img"
    bars = svg.find_all("rect")
    expected = sum(1 for row in report.counts_by_area().values() for s in STATUSES if row[s])
    assert len(bars) == expected
    drawn = {}
    for bar in bars:
        label = bar.find("title").text  # "<area> — <status>: <n>"
        drawn[label.rsplit(": ", 1)[0]] = int(label.rsplit(": ", 1)[1])
    assert drawn["SaaS 관리 — 위반"] == report.counts_by_area()["saas_management"]["fail"]
    tiles = {node.classes[1][3:]: int(node.find(cls="n").text)
             for node in document.find_all(cls="tile")}
    assert tiles == report.counts()


def test_waived_and_error(mixed_report, parse_html) -> None:
    text = render_html(result_of([mixed_report]), "en")
    document = parse_html(text)
    assert_self_contained(text, document)
    waived = document.by_id("report-1-SAAS-LOG-RETENTION")
    assert "st-waived" in waived.classes
    assert "Logs are exported daily" in waived.text and "RISK-2025-0042" in waived.text
    assert "2025-12-31" in waived.text
    error = document.by_id("report-1-PROV-RATED")
    assert "st-error" in error.classes and "cannot be judged" in error.text
    assert "NOT COMPLIANT" in document.find(cls="verdict").text


def test_everything_is_escaped(report_of, parse_html) -> None:
    report = report_of("pulse-noncompliant-controls")
    findings = []
    for finding in report.findings:
        if finding.rule.id == "PROV-RATED":
            finding = dataclasses.replace(finding, status="error", failures=(Failure(
                None, "error", 'see https://evil.example/x "><script>alert(1)</script>'),))
        findings.append(finding)
    hostile = dataclasses.replace(report, firm='<script>alert("x")</script>',
                                  profile_file='a"><img src=x>.yaml', findings=findings)
    text = render_html(result_of([hostile]), "en")
    document = parse_html(text)
    # the hostile text is there, escaped: no tag, no attribute, no URL comes out of it
    assert_self_contained(text, document, ("http://", "https://", "<script", "<img"))
    assert not document.find("script") and not document.find("img")
    assert '<script>alert("x")</script>' in document.find("h2").text
    card = document.by_id("report-1-PROV-RATED")
    assert 'see https://evil.example/x "><script>alert(1)</script>' in card.text


def test_batch_matrix(all_reports, parse_html) -> None:
    text = render_html(result_of(all_reports), "ko")
    document = parse_html(text)
    assert_self_contained(text, document)
    matrix = document.by_id("matrix")
    assert matrix is not None
    sections = document.find_all("section", "report")
    assert len(sections) == len(all_reports)
    rows = matrix.find("tbody").find_all("tr")
    table = result_of(all_reports).matrix  # one row per firm: the run's one matrix
    assert len(rows) == len(table.rows) == len({r.firm for r in all_reports})
    headers = [th.text for th in matrix.find("thead").find_all("th")][2:]
    label_to_area = {ui(area, "ko"): area for area in AREAS}
    anchors = {s.attrs["id"] for s in sections}
    for row, expected in zip(rows, table.rows, strict=True):
        assert expected.firm in row.find("strong").text
        for link in row.find_all("a"):
            assert link.attrs["href"][1:] in anchors
        for profile in expected.profiles:
            assert profile in row.text
        cells = row.find_all("td")[2:]
        assert len(cells) == len(headers)
        for header, cell in zip(headers, cells, strict=True):
            area = label_to_area[header]
            badge = cell.find(cls="badge")
            if expected.cells.get(area):
                assert f"st-{expected.cells[area]}" in badge.classes
            else:
                assert badge is None
    # at least one firm fails somewhere, and the matrix shows it
    assert matrix.find(cls="st-fail") is not None


def test_deterministic(all_reports) -> None:
    assert render_html(result_of(all_reports), "en") == render_html(result_of(all_reports), "en")
