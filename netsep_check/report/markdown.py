"""The Markdown report: a summary fit for a pull-request comment (GitHub-flavoured Markdown).

Per profile: a verdict line, a counts table per area, a table of the failing findings (rule id,
severity, title, ``file:line``, message), the waived ones with their justification, approver,
approval date, ticket and expiry, and collapsed
``<details>`` lists of the passing and not-applicable rules. Rules whose basis is ``derived`` are
marked as our reading, not law. A batch opens with one line per profile. Every value from a
profile or a pack is escaped, so a profile cannot inject Markdown or HTML into the comment.

A GitHub comment holds at most 65,536 characters. A longer report keeps the one-line-per-profile
summary (a single profile gets its verdict and counts), then as many profiles' details as fit, in
order, and ends with a note naming the profiles whose details were left out (and, for a batch so
large that even the summary does not fit, how many summary rows were cut), and a table of the
waivers of every profile not shown in full: who approved each, when, under which ticket, until
when and why. Room for that table is kept before the summary rows and the details are fitted;
a justification too long for it is shortened with a visible marker, never dropped.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from netsep_check import __version__
from netsep_check.evaluate.findings import Finding, Report
from netsep_check.i18n import ui
from netsep_check.report._common import (
    derived,
    location,
    md_code,
    md_escape,
    message,
    notes,
    ordered,
    problem_lines,
    run_counts_text,
    run_verdict_text,
    skipped_lines,
    title,
    verdict,
    verdict_text,
)
from netsep_check.vocabulary import STATUSES

if TYPE_CHECKING:
    from netsep_check.evaluate.result import RunResult

_ICON = {"fail": "❌", "undetermined": "⚠️", "pass": "✅"}


def _row(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def _title_cell(finding: Finding, lang: str) -> str:
    cell = md_escape(title(finding, lang))
    if derived(finding):
        cell += f" _({md_escape(ui('fmt_derived_mark', lang))})_"
    return cell


def _one(report: Report, lang: str, heading: str) -> list[str]:
    pack = report.pack
    counts = report.counts()
    status = verdict(report)
    lines = [f"{heading} netsep-check — {md_escape(report.firm)}", "",
             f"**{_ICON[status]} {md_escape(verdict_text(report, lang))}**", ""]
    overridden = f" ({md_escape(ui('fmt_as_of_overridden', lang))})" \
        if report.as_of_overridden else ""
    lines.append(" · ".join([
        f"{md_escape(ui('profile', lang))} {md_code(report.profile_file)}",
        f"{md_escape(ui('pack', lang))} {md_code(pack.id + ' ' + pack.version + ' ' + pack.digest[:12])}",
        f"{md_escape(ui('as_of', lang))} {report.as_of.isoformat()}{overridden}",
        md_escape(ui("fmt_rules_checked", lang, n=len(report.findings)))]))
    lines.append("")
    said = notes(report, lang)
    for note in said:
        lines.append(f"> {md_escape(note)}")
    for disabled in pack.disabled:
        lines.append(f"> {md_escape(ui('fmt_disabled', lang))}: {md_code(disabled.rule)} "
                     f"({md_escape(disabled.by_pack)}): {md_escape(disabled.reason)}")
    if report.tenant_evidence:
        from netsep_check.report.tenant import evidence_lines

        lines.extend(f"> {md_escape(line.strip())}" for line in evidence_lines(report, lang))
    if said or pack.disabled or report.tenant_evidence:
        lines.append("")

    lines.append(_row([md_escape(ui("area", lang)),
                       *(md_escape(ui(s, lang)) for s in STATUSES)]))
    lines.append(_row(["---", *("---:" for _ in STATUSES)]))
    for area, row in report.counts_by_area().items():
        cells = [f"**{row[s]}**" if row[s] and s in ("fail", "error") else
                 (str(row[s]) if row[s] else "·") for s in STATUSES]
        lines.append(_row([md_escape(ui(area, lang)), *cells]))
    lines.append(_row([f"**{md_escape(ui('total', lang))}**",
                       *(f"**{counts[s]}**" for s in STATUSES)]))
    lines.append("")

    failing = ordered(f for f in report.findings if f.failing)
    lines += [f"{heading}# {md_escape(ui('fmt_failing', lang))}", ""]
    if failing:
        lines.append(_row([md_escape(ui("rule", lang)), md_escape(ui("severity", lang)),
                           md_escape(ui("fmt_title", lang)), md_escape(ui("fmt_location", lang)),
                           md_escape(ui("fmt_message", lang))]))
        lines.append(_row(["---"] * 5))
        for finding in failing:
            status_mark = "" if finding.status == "fail" else f" ({md_escape(ui('error', lang))})"
            lines.append(_row([md_code(finding.rule.id) + status_mark,
                               md_escape(ui(finding.rule.severity, lang)),
                               _title_cell(finding, lang),
                               md_code(location(report, finding)),
                               md_escape(message(finding, lang))]))
    else:
        lines.append(md_escape(ui("fmt_none_failing", lang)))
    lines.append("")

    waived = ordered(f for f in report.findings if f.status == "waived")
    if waived:
        lines += [f"{heading}# {md_escape(ui('fmt_waived', lang))}", ""]
        lines.append(_row([md_escape(ui("rule", lang)), md_escape(ui("severity", lang)),
                           md_escape(ui("fmt_title", lang)), md_escape(ui("fmt_location", lang)),
                           md_escape(ui("fmt_justification", lang)),
                           md_escape(ui("fmt_approved_by", lang)),
                           md_escape(ui("fmt_ticket", lang)),
                           md_escape(ui("fmt_expires_on", lang))]))
        lines.append(_row(["---"] * 8))
        for finding in waived:
            waiver = finding.waiver
            assert waiver is not None  # a waived finding carries its waiver
            lines.append(_row([md_code(finding.rule.id),
                               md_escape(ui(finding.rule.severity, lang)),
                               _title_cell(finding, lang),
                               md_code(location(report, finding)),
                               md_escape(waiver.justification),
                               md_escape(f"{waiver.approved_by} ({waiver.approved_on})"),
                               md_escape(waiver.ticket),
                               md_escape(waiver.expires_on)]))
        lines.append("")

    for status, key in (("pass", "fmt_passing"), ("not_applicable", "fmt_not_applicable")):
        found = [f for f in report.findings if f.status == status]
        if not found:
            continue
        lines += ["<details>",
                  f"<summary>{html.escape(ui(key, lang, n=len(found)))}</summary>", ""]
        for finding in found:
            lines.append(f"- {md_code(finding.rule.id)} {_title_cell(finding, lang)}")
        lines += ["", "</details>", ""]
    return lines


# GitHub refuses a comment (issue, pull request) longer than this many characters.
COMMENT_LIMIT = 65_536

_LEFT_OUT = {
    "en": ("**Shortened to fit a GitHub comment ({limit:,} characters):** the details of "
           "{n} profile(s) are left out{names}. The summary above lists every profile; run "
           "`netsep-check check --format html` or `--format json` for the full report."),
    "ko": ("**GitHub 댓글 길이 제한({limit:,}자)에 맞추어 줄였습니다:** 프로파일 {n}개의 세부 "
           "내용을 생략했습니다{names}. 위 요약에는 모든 프로파일이 있습니다. 전체 보고서는 "
           "`netsep-check check --format html` 또는 `--format json`으로 확인하십시오."),
}
_ROWS_LEFT_OUT = {
    "en": "_… and {n} more profile(s), not listed to fit the comment limit._",
    "ko": "_… 외 프로파일 {n}개는 댓글 길이 제한 때문에 목록에서 생략했습니다._",
}


def _invalid(result: RunResult, lang: str) -> list[str]:
    lines = [f"### {md_escape(ui('invalid_inputs', lang))}", ""]
    for file, problems in problem_lines(result, lang):
        lines.append(f"- {md_code(file)} — {md_escape(ui('problems_n', lang, n=len(problems)))}")
        lines += [f"  - {md_escape(p)}" for p in problems]
    if result.skipped:
        lines += ["", f"**{md_escape(ui('skipped_inputs', lang))}**", ""]
        lines += [f"- {md_escape(line)}" for line in skipped_lines(result, lang)]
    return [*lines, ""]


def _summary(result: RunResult, lang: str) -> tuple[list[str], list[str]]:
    """What is always shown: the run's counts and verdict, the invalid inputs and the table
    head; and one table row per profile (a batch)."""
    reports = list(result.reports)
    head: list[str] = []
    if result.batch or result.invalid:
        head += [f"## netsep-check — {md_escape(run_counts_text(result, lang))}", "",
                 f"**{_ICON[result.verdict]} {md_escape(run_verdict_text(result, lang))}**", ""]
    if result.invalid or result.skipped:
        head += _invalid(result, lang)
    rows: list[str] = []
    if len(reports) > 1:
        head.append(_row([md_escape(ui("fmt_firm", lang)), md_escape(ui("profile", lang)),
                          md_escape(ui("fmt_verdict", lang)), md_escape(ui("fail", lang)),
                          md_escape(ui("error", lang)), md_escape(ui("waived", lang))]))
        head.append(_row(["---", "---", "---", "---:", "---:", "---:"]))
        for report in reports:
            counts = report.counts()
            rows.append(_row([md_escape(report.firm), md_code(report.profile_file),
                              f"{_ICON[verdict(report)]} {md_escape(verdict_text(report, lang))}",
                              str(counts["fail"]), str(counts["error"]),
                              str(counts["waived"])]))
    return head, rows


_PARTLY = {"en": "(in part)", "ko": "(일부)"}


def _size(lines: list[str]) -> int:
    return sum(len(line) + 1 for line in lines)


def _head_of(section: list[str], budget: int) -> list[str]:
    """The lines of ``section`` that fit in ``budget``, cut before any ``<details>`` block
    (an open HTML block would swallow what follows)."""
    kept: list[str] = []
    used = 0
    for line in section:
        if line == "<details>" or used + len(line) + 1 > budget:
            break
        kept.append(line)
        used += len(line) + 1
    while kept and (not kept[-1] or kept[-1].startswith("#")
                    or set(kept[-1]) <= set("|-: ")):  # no heading or table head without rows
        if kept[-1] and set(kept[-1]) <= set("|-: "):
            kept.pop()  # the separator and the head row above it
        kept.pop()
    return [*kept, ""] if kept else kept


# A waiver of a profile whose details are left out: (profile, rule, approved by, approved on,
# ticket, expires on, justification), shown in a table of their own.
WaiverRow = tuple[str, str, str, str, str, str, str]
_WAIVERS_LEFT = {"en": "Waivers of the profiles not shown in full",
                 "ko": "세부 내용을 생략한 프로파일의 예외 승인"}
_PROFILE = {"en": "Profile", "ko": "프로파일"}
_SHORTENED = {"en": " … _(shortened: {n:,} characters in full; see `--format html` or "
                    "`--format json`)_",
              "ko": " … _(전체 {n:,}자 중 앞부분만 표시; 전체는 `--format html` 또는 "
                    "`--format json`으로 확인하십시오)_"}
_CUTS = (None, 2000, 600, 200, 80, 40)  # justification lengths tried, longest first


def waiver_rows(report: Report) -> list[WaiverRow]:
    """The waived findings of a report, for the table of waivers of profiles left out."""
    return [(f"{report.firm} ({report.profile_file})", f.rule.id, f.waiver.approved_by,
             f.waiver.approved_on, f.waiver.ticket, f.waiver.expires_on, f.waiver.justification)
            for f in ordered(report.findings) if f.status == "waived" and f.waiver]


def _shorten(text: str, cut: int | None, lang: str) -> str:
    """The justification, or its beginning and a visible marker saying it was shortened."""
    flat = " ".join(text.split())
    if cut is None or len(flat) <= cut:
        return md_escape(flat)
    return md_escape(flat[:cut].rstrip()) + _SHORTENED.get(lang, _SHORTENED["en"]).format(
        n=len(flat))


_WAIVERS_MORE = {"en": "_… and {n} more waiver(s) that do not fit in a comment even shortened: "
                       "see `--format html` or `--format json`._",
                 "ko": "_… 외 예외 승인 {n}건은 줄여도 댓글에 들어가지 않습니다. "
                       "`--format html` 또는 `--format json`으로 확인하십시오._"}


def _waiver_table(rows: list[WaiverRow], lang: str, cut: int | None,
                  room: int | None = None) -> list[str]:
    """The table of waivers; with ``room``, as many rows as fit in it and a line saying how
    many more there are (only when even the shortest justifications do not fit)."""
    if not rows:
        return []
    words = _WAIVERS_LEFT.get(lang, _WAIVERS_LEFT["en"])
    lines = [f"### {md_escape(words)}", "",
             _row([md_escape(_PROFILE.get(lang, _PROFILE["en"])), md_escape(ui("rule", lang)),
                   md_escape(ui("fmt_approved_by", lang)), md_escape(ui("fmt_approved_on", lang)),
                   md_escape(ui("fmt_ticket", lang)), md_escape(ui("fmt_expires_on", lang)),
                   md_escape(ui("fmt_justification", lang))]),
             _row(["---"] * 7)]
    body = [_row([md_escape(profile), md_code(rule), md_escape(by), md_escape(on),
                  md_escape(ticket), md_escape(expires), _shorten(why, cut, lang)])
            for profile, rule, by, on, ticket, expires, why in rows]
    if room is None or _size([*lines, *body, ""]) <= room:
        return [*lines, *body, ""]
    more = _WAIVERS_MORE.get(lang, _WAIVERS_MORE["en"])
    for index, line in enumerate(body):
        if _size([*lines, line, "", more, ""]) + 8 > room:
            return [*lines, "", more.format(n=len(rows) - index), ""]
        lines.append(line)
    return [*lines, ""]


def _waiver_cut(rows: list[WaiverRow], lang: str, room: int) -> tuple[int | None, int]:
    """The longest justification length at which the table fits in ``room`` (the shortest
    tried when none does), and the table's size."""
    for cut in _CUTS:
        size = _size(_waiver_table(rows, lang, cut))
        if size <= room:
            return cut, size
    return _CUTS[-1], _size(_waiver_table(rows, lang, _CUTS[-1], room))


def _fit(head: list[str], rows: list[str], sections: list[list[str]], names: list[str],
         footer: list[str], lang: str, limit: int,
         waivers: list[list[WaiverRow]] | None = None) -> list[str]:
    """The whole document if it fits in ``limit`` characters; else the summary (as many rows
    as fit), then as many profiles' details as fit, then a note saying what was left out and
    the waivers of the profiles not shown in full: who approved each, when, under which
    ticket, until when and why (a long justification shortened with a visible marker, never
    dropped; room for them is kept before the summary rows and the details)."""
    whole = head + rows + ([""] if head else []) + [x for s in sections for x in s] + footer
    if _size(whole) <= limit:
        return whole
    waivers = waivers or [[] for _ in sections]
    note_room = 600 + sum(len(n) + 2 for n in names[:21])  # the note, with up to 21 names
    budget = limit - _size(head) - _size(footer) - note_room
    every = [w for ws in waivers for w in ws]
    cut, waiver_room = _waiver_cut(every, lang, budget // 2)
    if waiver_room > budget // 2:  # even shortened they need more: the rows and details yield
        cut, waiver_room = _waiver_cut(every, lang, max(budget, 0))
    budget -= waiver_room
    kept_rows: list[str] = []
    for row in rows:
        if _size(kept_rows) + len(row) + 1 > budget:
            break
        kept_rows.append(row)
    lines = head + kept_rows
    if len(kept_rows) < len(rows):
        lines.append(_ROWS_LEFT_OUT.get(lang, _ROWS_LEFT_OUT["en"]).format(
            n=len(rows) - len(kept_rows)))
    if head:
        lines.append("")
    budget -= _size(lines) - _size(head)
    left_out: list[str] = []
    not_whole: list[WaiverRow] = []  # the waivers of the profiles not shown in full
    partly = 0
    for section, name, waived in zip(sections, names, waivers, strict=True):
        if not left_out and _size(section) <= budget:
            lines += section
            budget -= _size(section)
            continue
        not_whole += waived
        if not left_out:  # the first that does not fit: its head (verdict, counts, rows) that do
            part = _head_of(section, budget)
            lines += part
            budget -= _size(part)
            if part:
                name += " " + _PARTLY.get(lang, _PARTLY["en"])
                partly = 1
        left_out.append(name)  # keep the order: once one is left out, the rest are too
    room = 20 + partly  # twenty wholly left out, and the one shown in part
    shown = ", ".join(left_out[:room]) + (", …" if len(left_out) > room else "")
    names_part = f" ({shown})" if shown else ""
    lines += [_LEFT_OUT.get(lang, _LEFT_OUT["en"]).format(limit=limit, n=len(left_out),
                                                         names=names_part), ""]
    cut, _ = _waiver_cut(not_whole, lang, waiver_room)
    return lines + _waiver_table(not_whole, lang, cut, waiver_room) + footer


def render_markdown(result: RunResult, lang: str, limit: int = COMMENT_LIMIT) -> str:
    """The comment; beyond ``limit`` characters, a summary and a note of what was left out."""
    reports = list(result.reports)
    heading = "###" if result.batch or result.invalid else "##"
    head, rows = _summary(result, lang)
    sections = [_one(report, lang, heading) for report in reports]
    names = [md_escape(report.firm) for report in reports]
    footer = [f"<sub>{html.escape(ui('fmt_generated_by', lang, version=__version__))}</sub>"]
    waivers = [waiver_rows(report) for report in reports]
    return "\n".join(_fit(head, rows, sections, names, footer, lang, limit, waivers)) + "\n"
