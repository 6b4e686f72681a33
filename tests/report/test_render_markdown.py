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


def _copies(tmp_path, examples, n: int):
    import shutil

    shutil.copytree(examples / "evidence", tmp_path / "evidence")
    text = (examples / "pulse-noncompliant-controls.yaml").read_text(encoding="utf-8")
    old = next(line for line in text.splitlines() if line.startswith("  name: "))
    for i in range(n):
        (tmp_path / f"p{i:03}.yaml").write_text(text.replace(old, f"  name: 회사{i:03}", 1),
                                                encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_a_big_batch_fits_a_github_comment(run, tmp_path, examples, lang) -> None:
    from netsep_check.report.markdown import COMMENT_LIMIT

    folder = _copies(tmp_path, examples, 30)
    result = run("check", folder, "--format", "markdown", "--lang", lang)
    assert result.exit_code == 1, result.stderr
    out = result.stdout
    assert len(out) <= COMMENT_LIMIT < 30 * 5000
    for i in range(30):  # the summary lists every profile
        assert f"| 회사{i:03} |" in out
    note = "GitHub 댓글 길이 제한" if lang == "ko" else "Shortened to fit a GitHub comment"
    assert note in out
    shown = out.count("### netsep-check — 회사")
    assert 3 <= shown < 30  # the names of the others' failing rules take room too (below)
    missing = [f"회사{i:03}" for i in range(30) if f"### netsep-check — 회사{i:03}" not in out]
    tail = out[out.index(note):]
    assert all(name in tail for name in missing[:20])
    assert out.count("<details>") == out.count("</details>")
    assert out.rstrip().endswith("</sub>")
    # every failing rule of every profile is named: in its section, or in the list of those
    # not shown in full (rule id, status, title)
    listed = out[out.index("### " + ("세부 내용을 생략한" if lang == "ko" else "Failing and error")):]
    failing = ["PROV-RATED", "SAAS-LOG-RETENTION", "SAAS-SHARING-NOT-OPEN", "NET-MFA-ALL-USERS"]
    for name in missing:
        entry = listed[listed.index(f"- {name} "):].split("\n- ")[0]
        word = "위반" if lang == "ko" else "fail"
        assert all(f"  - `{rule}` — {word}: " in entry for rule in failing), entry


def test_a_small_report_is_not_shortened(run, examples) -> None:
    out = run("check", examples / "pulse-noncompliant-controls.yaml", "--format",
              "markdown").stdout
    assert "GitHub 댓글 길이 제한" not in out and len(out) < 65_536


def test_even_the_summary_is_cut_to_fit() -> None:
    from netsep_check.report.markdown import _fit, _Profile

    head = ["## batch", "", "| a | b |", "| --- | --- |"]
    rows = [f"| firm {i} | {'x' * 80} |" for i in range(2000)]
    profiles = [_Profile.fixed(f"firm {i}", ["### firm", "", "details " * 50, ""])
                for i in range(2000)]
    lines = _fit(head, rows, profiles, ["<sub>end</sub>"], "en", 65_536)
    text = "\n".join(lines) + "\n"
    assert len(text) <= 65_536
    assert "more profile(s), not listed" in text and "details of 2000 profile(s)" in text
    assert text.rstrip().endswith("<sub>end</sub>")


# --- a shortened comment never drops a waiver (who approved it, until when and why) ---------

WHY = "Logs are exported daily to the on-premises log server for five years. " * 3


def _waived_batch(tmp_path, examples, n: int, why: str = WHY):
    folder = _copies(tmp_path, examples, n)
    waivers = ["waivers:"]
    for i in range(n):
        waivers += ["  - rule: SAAS-LOG-RETENTION", f"    firm: 회사{i:03}",
                    f"    justification: \"{why.strip()} ({i:03})\"",
                    f"    approved_by: CISO 김정호 {i:03}", "    approved_on: 2025-01-10",
                    f"    ticket: RISK-2025-{i:04}", "    expires_on: 2025-12-31"]
    path = tmp_path / "waivers.yml.txt"
    path.write_text("\n".join(waivers) + "\n", encoding="utf-8")
    return folder, path


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_a_shortened_batch_keeps_every_waiver(run, tmp_path, examples, lang) -> None:
    from netsep_check.report.markdown import COMMENT_LIMIT

    folder, waivers = _waived_batch(tmp_path, examples, 30)
    result = run("check", folder, "--waivers", waivers, "--format", "markdown", "--lang", lang)
    assert result.exit_code == 1, result.stderr
    out = result.stdout
    assert len(out) <= COMMENT_LIMIT
    assert ("GitHub 댓글 길이 제한" if lang == "ko" else "Shortened to fit") in out
    for i in range(30):  # each waiver, shown in full details or in the table of those left out
        row = next(line for line in out.splitlines()
                   if f"RISK-2025-{i:04}" in line and "SAAS-LOG-RETENTION" in line)
        assert f"CISO 김정호 {i:03}" in row and "2025-12-31" in row, row
        assert "Logs are exported daily" in row and (f"({i:03})" in row or "…" in row), row
    assert out.rstrip().endswith("</sub>")


def test_a_justification_too_long_for_the_comment_is_cut_visibly(run, tmp_path, examples):
    from netsep_check.report.markdown import COMMENT_LIMIT

    folder, waivers = _waived_batch(tmp_path, examples, 1, why="Compensating control. " * 4000)
    profile = next(folder.glob("p*.yaml"))
    result = run("check", profile, "--waivers", waivers, "--format", "markdown", "--lang", "en")
    out = result.stdout
    assert len(out) <= COMMENT_LIMIT
    row = next(line for line in out.splitlines() if "RISK-2025-0000" in line)
    assert "CISO 김정호 000" in row and "2025-12-31" in row and "2025-01-10" in row
    assert "Compensating control." in row and "characters in full" in row


def test_waivers_take_room_before_the_summary_rows_and_the_details() -> None:
    """Many waivers with long justifications: every one listed (approver, dates, ticket, the
    justification's beginning with a marker), the rows and details yield, the limit holds."""
    from netsep_check.report.markdown import _fit, _Profile

    n = 120
    head = ["## batch", "", "| a | b |", "| --- | --- |"]
    rows = [f"| firm {i} | {'x' * 80} |" for i in range(n)]
    why = "because " * 400
    sections = [["### firm", "", "details " * 100, "",  # its own waiver table, in full
                 f"| `SAAS-LOG-RETENTION` | {why} | CISO {i} (2025-01-10) | RISK-{i:04} | "
                 "2025-12-31 |", ""] for i in range(n)]
    names = [f"firm {i}" for i in range(n)]
    waivers = [[(f"firm {i} (p{i}.yaml)", "SAAS-LOG-RETENTION", f"CISO {i}", "2025-01-10",
                 f"RISK-{i:04}", "2025-12-31", why)] for i in range(n)]
    profiles = [_Profile.fixed(name, section, waived)
                for name, section, waived in zip(names, sections, waivers, strict=True)]
    lines = _fit(head, rows, profiles, ["<sub>end</sub>"], "en", 65_536)
    text = "\n".join(lines) + "\n"
    assert len(text) <= 65_536
    for i in range(n):
        row = next(line for line in lines if f"RISK-{i:04}" in line)
        assert f"CISO {i}" in row and "2025-12-31" in row
        assert "characters in full" in row or why.strip() in row
    assert text.rstrip().endswith("<sub>end</sub>")
    # beyond anything a comment can hold, the count of those not listed is said
    many = [[(f"f{i}", "SAAS-LOG-RETENTION", "x" * 300, "2025-01-10", f"T-{i}", "2025-12-31",
              "why")] for i in range(400)]
    lines = _fit(head, rows[:1] * 400, [_Profile.fixed(names[0], sections[0], waived)
                                        for waived in many], [], "en", 65_536)
    text = "\n".join(lines)
    assert len(text) <= 65_536 and "more waiver(s) that do not fit" in text
