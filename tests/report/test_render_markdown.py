"""Markdown for a pull-request comment: verdict, counts per area, failing findings, details."""

from __future__ import annotations

import dataclasses
import re

import pytest

from netsep_check.api import result_of
from netsep_check.report import FORMATS, renderer
from netsep_check.report.markdown import render_markdown


def test_registered() -> None:
    assert "markdown" in FORMATS
    assert renderer("markdown") is render_markdown


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_noncompliant_profile(report_of, lang) -> None:
    report = report_of("pulse-noncompliant-controls")
    text = render_markdown(result_of([report]), lang)
    counts = report.counts()
    verdict = {"en": "NOT COMPLIANT", "ko": "부적합"}[lang]
    assert re.search(rf"^\*\*❌ {verdict}\b.*{counts['fail']}", text, re.MULTILINE)

    failing = [f for f in report.findings if f.failing]
    table = [line for line in text.splitlines() if line.startswith("| `")]
    assert len(table) == len(failing)
    for finding in failing:
        row = next(r for r in table if r.startswith(f"| `{finding.rule.id}` |"))
        assert f"`{report.profile_file}:{finding.line}`" in row
        assert finding.rule.title[lang].split()[0] in row
    for rule_id in ("PROV-RATED", "SAAS-LOG-RETENTION", "SAAS-SHARING-NOT-OPEN"):
        assert f"| `{rule_id}` |" in text
    # critical first
    assert table[0].startswith("| `PROV-RATED` |")

    # counts table: one row per area plus the total
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("| ---"))
    end = lines.index("", start)
    area_rows = lines[start + 1:end]
    assert len(area_rows) == len(report.counts_by_area()) + 1  # areas, total
    assert area_rows[-1].endswith(" | ".join(f"**{counts[s]}**" for s in counts) + " |")

    mark = {"en": "_(our reading, not law)_", "ko": "_(netsep-check 자체 해석(법령 아님))_"}[lang]
    derived_row = next(row for row in table if "`NET-MFA-ALL-USERS`" in row)
    assert mark in derived_row
    passing = {"en": f"Passing rules ({counts['pass']})",
               "ko": f"통과한 규칙 ({counts['pass']}건)"}[lang]
    assert f"<details>\n<summary>{passing}</summary>" in text
    passing_ids = [f.rule.id for f in report.findings if f.status == "pass"]
    details = text.split(f"<summary>{passing}</summary>")[1].split("</details>")[0]
    assert all(f"`{rule_id}`" in details for rule_id in passing_ids)


def test_compliant_profile(report_of) -> None:
    text = render_markdown(result_of([report_of("m365-compliant")]), "en")
    assert "**✅ COMPLIANT: no failing rule**" in text
    assert "No failing findings." in text


def test_waived_and_error(mixed_report) -> None:
    text = render_markdown(result_of([mixed_report]), "en")
    assert "| `PROV-RATED` (error) |" in text
    assert "### Waived findings" in text
    waived_row = next(line for line in text.splitlines() if "`SAAS-LOG-RETENTION`" in line)
    assert "Logs are exported daily" in waived_row and "2025-12-31" in waived_row


def test_profile_text_is_escaped(report_of) -> None:
    report = report_of("pulse-noncompliant-controls")
    hostile = dataclasses.replace(report, firm="<img src=x onerror=alert(1)> A|B *x*")
    text = render_markdown(result_of([hostile]), "en")
    assert not re.search(r"(?<!\\)<img", text)
    assert "\\<img src=x onerror=alert(1)\\> A\\|B \\*x\\*" in text


def test_batch(all_reports) -> None:
    text = render_markdown(result_of(all_reports), "en")
    assert f"{len(all_reports)} profile(s) given, {len(all_reports)} judged, 0 invalid" in text
    assert text.count("### netsep-check — ") == len(all_reports)
    for report in all_reports:
        assert f"`{report.profile_file}`" in text
        for finding in report.findings:
            if finding.failing:
                assert f"`{finding.rule.id}`" in text
