"""The Markdown report: a summary fit for a pull-request comment (GitHub-flavoured Markdown).

Per profile: a verdict line, a counts table per area, a table of the failing findings (rule id,
severity, title, ``file:line``, message), the waived ones with their justification, approver,
approval date, ticket and expiry, and collapsed
``<details>`` lists of the passing and not-applicable rules. Rules whose basis is ``derived`` are
marked as our reading, not law. A batch opens with one line per profile. Every value from a
profile or a pack is escaped, so a profile cannot inject Markdown or HTML into the comment.

A GitHub comment holds at most 65,536 characters. A longer report spends them in this order:

1. every failing and error finding of every profile is named (rule id, status, title) before
   anything else is spent, in a list of the findings of the profiles not shown in full; when
   even the names do not fit (thousands of profiles), a line says exactly how many findings of
   how many profiles, from which to which, are not listed;
2. the waivers of every profile not shown in full: who approved each, when, under which
   ticket, until when and why (a justification too long is shortened with a visible marker,
   never dropped);
3. the one-line-per-profile summary of a batch (as many rows as fit, and how many were cut);
4. the details of as many profiles as fit, in order, with the long messages shortened, longest
   first: a message keeps its first sentences and says how many of its failing elements are
   not listed (``… (and 169 more of 600; see --format json)``). A profile whose details do not
   fit keeps what of its head (verdict, notes, counts) fits, and its findings stay in the list.

A note at the end says what was shortened and left out, and that ``--format json`` has it all.
Messages are worded only as far as they are shown: a finding of 300,000 failing elements costs
the comment the few hundred it lists, not all of them.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass, field
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
from netsep_check.report.messages import finding_remarks, leaf_sentences
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


Cell = Callable[[Finding], str]  # a failing finding's message, as a table cell


def _one(report: Report, lang: str, heading: str, cell: Cell | None = None) -> list[str]:
    """A profile's section; ``cell`` words each failing finding's message (whole by default)."""
    top, rest = _parts(report, lang, heading, cell)
    return top + rest


def _parts(report: Report, lang: str, heading: str,
           cell: Cell | None = None) -> tuple[list[str], list[str]]:
    """A profile's section in two: its head (heading, verdict, notes, counts per area) and the
    rest (the failing, waived, passing and not-applicable findings)."""
    if cell is None:
        def cell(finding: Finding) -> str:
            return md_escape(message(finding, lang))
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
    top, lines = lines, []

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
                               cell(finding)]))
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
    return top, lines


# GitHub refuses a comment (issue, pull request) longer than this many characters.
COMMENT_LIMIT = 65_536

_ROWS_LEFT_OUT = {
    "en": "_… and {n} more profile(s), not listed to fit the comment limit._",
    "ko": "_… 외 프로파일 {n}개는 댓글 길이 제한 때문에 목록에서 생략했습니다._",
}


_INPUTS_MORE = {
    "en": ("_… and {n:,} more problem(s) of {m:,} input(s) not judged ({which}) are not listed "
           "to fit the comment limit; see `--format json`._"),
    "ko": ("_… 외 점검하지 못한 입력 {m:,}개({which})의 문제 {n:,}건은 댓글 길이 제한 때문에 "
           "목록에서 생략했습니다. `--format json`으로 확인하십시오._"),
}
_SKIPPED_MORE = {"en": "_… and {n:,} more file(s) that are not profiles, not listed to fit the "
                       "comment limit._",
                 "ko": "_… 외 프로파일이 아닌 파일 {n:,}개는 댓글 길이 제한 때문에 목록에서 "
                       "생략했습니다._"}


def _invalid(result: RunResult, lang: str, room: int | None = None) -> list[str]:
    """The inputs not judged, each with its problems, and the files skipped; with ``room``, as
    many as fit in it and lines saying how many more problems of which inputs, and how many
    more skipped files, are not listed (thousands of broken files must not burst the
    comment)."""
    lines = [f"### {md_escape(ui('invalid_inputs', lang))}", ""]
    inputs = problem_lines(result, lang)
    blocks = [[f"- {md_code(file)} — {md_escape(ui('problems_n', lang, n=len(problems)))}",
               *(f"  - {md_escape(p)}" for p in problems)] for file, problems in inputs]
    skipped = [f"- {md_escape(line)}" for line in skipped_lines(result, lang)]
    said = ["", f"**{md_escape(ui('skipped_inputs', lang))}**", ""]
    whole = [*lines, *(line for block in blocks for line in block),
             *([*said, *skipped] if skipped else []), ""]
    if room is None or _size(whole) <= room:
        return whole
    template = _INPUTS_MORE.get(lang, _INPUTS_MORE["en"])
    used = _size(lines) + 1 + len(template) + 40 + 2 * (_CLIP + 4) + 2  # the line counting
    if skipped:
        used += _size(said) + len(_SKIPPED_MORE.get(lang, _SKIPPED_MORE["en"])) + 20
    hidden: list[tuple[str, int]] = []  # (input, problems of it not listed)
    for (file, problems), block in zip(inputs, blocks, strict=True):
        shown, named = 0, not hidden and used + len(block[0]) + 1 <= room
        if named:
            used += len(block[0]) + 1
            lines.append(block[0])
            for line in block[1:]:
                if used + len(line) + 1 > room:
                    break
                used += len(line) + 1
                lines.append(line)
                shown += 1
        if shown < len(problems) or not named:
            hidden.append((_file(file), len(problems) - shown))
    if hidden:
        which = hidden[0][0] if len(hidden) == 1 else f"{hidden[0][0]} … {hidden[-1][0]}"
        lines += ["", template.format(n=sum(n for _, n in hidden), m=len(hidden), which=which)]
    if skipped:
        lines += said
        kept = 0
        for line in skipped:
            if used + len(line) + 1 > room:
                break
            used += len(line) + 1
            lines.append(line)
            kept += 1
        if kept < len(skipped):
            lines.append(_SKIPPED_MORE.get(lang, _SKIPPED_MORE["en"]).format(
                n=len(skipped) - kept))
    return [*lines, ""]


def _summary(result: RunResult, lang: str,
             limit: int = COMMENT_LIMIT) -> tuple[list[str], list[str]]:
    """What is always shown: the run's counts and verdict, the invalid inputs and the table
    head; and one table row per profile (a batch)."""
    reports = list(result.reports)
    head: list[str] = []
    if result.batch or result.invalid:
        head += [f"## netsep-check — {md_escape(run_counts_text(result, lang))}", "",
                 f"**{_ICON[result.verdict]} {md_escape(run_verdict_text(result, lang))}**", ""]
    if result.invalid or result.skipped:
        head += _invalid(result, lang, limit // 3 if result.reports else limit - 1000)
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


# --- a message too long for the comment: its first sentences and how many more ---------------

# A message cell is never shortened below this many characters: a profile whose details need
# that is left out in full instead (its findings named in the list of those not shown in full).
_MIN_CELL = 200
_BRIEF_CELL = 160  # a message standing in for a missing title in that list
_CLIP = 80  # a firm's name or a file's when it names a profile in a note or in that list

_MORE = {"en": "… _(and {n:,} more of {total:,}; see `--format json`)_",
         "ko": "… _(외 {n:,}건, 전체 {total:,}건 — `--format json` 참조)_"}
_CUT_SHORT = {"en": "… _(shortened; see `--format json`)_",
              "ko": "… _(이하 생략 — `--format json` 참조)_"}


def _cut(escaped: str, room: int) -> str:
    """The beginning of an escaped text in at most ``room`` characters, never ending inside a
    backslash escape."""
    cut = escaped[:max(room, 0)]
    if (len(cut) - len(cut.rstrip("\\"))) % 2:  # an escape's backslash without its character
        cut = cut[:-1]
    return cut


def _clip(escaped: str, room: int) -> str:
    """An escaped text, or its beginning and "…" in at most ``room`` characters."""
    return escaped if len(escaped) <= room else _cut(escaped, room - 1) + "…"


def _file(path: object) -> str:
    """A file named in a note or a list, as a code span; a long path keeps its end (the file's
    own name) after "…"."""
    flat = " ".join(str(path).split())
    return md_code(flat if len(flat) <= _CLIP else "…" + flat[-(_CLIP - 1):])


def _cell(finding: Finding, lang: str, cap: int) -> tuple[str, bool]:
    """A failing finding's message as a table cell of at most ``cap`` characters (``cap`` at
    least ``_BRIEF_CELL``), and whether it was shortened: the whole message when it fits; else
    its first sentences, a marker saying how many of its failing elements are not listed (all
    are in ``--format json``), then its remarks (a waiver that does not apply, a finding known
    in the baseline). Sentences are worded only as far as they are shown."""
    remarks = finding_remarks(finding, lang)
    whole: list[str] = []
    size = -2
    for _, sentence in leaf_sentences(finding, lang):
        size += 2 + (len(sentence) if len(sentence) > 4 * cap else len(md_escape(sentence)))
        if size > cap:
            break
        whole.append(sentence)
    else:
        text = md_escape("; ".join([*whole, *remarks]))
        if len(text) <= cap:
            return text, False
    total = len(finding.failures)
    tail = _clip("; ".join(md_escape(r) for r in remarks), cap // 3)
    mark = _MORE.get(lang, _MORE["en"])
    room = cap - len(mark.format(n=total, total=total)) - 1 - (len(tail) + 2 if tail else 0)
    kept: list[str] = []
    size, read = -2, total
    for number, sentence in leaf_sentences(finding, lang):
        piece = md_escape(sentence[:4 * cap])
        if len(sentence) > 4 * cap or size + 2 + len(piece) > room:
            read = number - 1
            if not kept and room > 0:  # not even the first sentence: its beginning
                kept.append(_cut(piece, room))
                read = number
            break
        kept.append(piece)
        size += 2 + len(piece)
    more = total - read
    marker = mark.format(n=more, total=total) if more else _CUT_SHORT.get(lang, _CUT_SHORT["en"])
    text = "; ".join(kept) + (" " if kept else "") + marker + ("; " + tail if tail else "")
    return text, True


# --- the findings of the profiles not shown in full, named ----------------------------------

_BRIEF = {"en": "Failing and error findings of the profiles not shown in full",
          "ko": "세부 내용을 생략한 프로파일의 위반·판정 불가 사항"}
_NOT_LISTED = {
    "en": ("_… and {n:,} more failing or error finding(s) of {m:,} profile(s) ({which}) are not "
           "listed to fit the comment limit; see `--format json`._"),
    "ko": ("_… 외 위반·판정 불가 사항 {n:,}건(프로파일 {m:,}개: {which})은 댓글 길이 제한 때문에 "
           "목록에서 생략했습니다. `--format json`으로 확인하십시오._"),
}


def _label(report: Report) -> str:
    """A profile named in a list or a note: its firm and its file, each clipped."""
    return f"{_clip(md_escape(report.firm), _CLIP)} ({_file(report.profile_file)})"


def _brief(report: Report, failing: list[Finding], lang: str) -> list[str]:
    """A profile's failing and error findings in brief: a line naming the profile and its
    verdict, then one per finding: rule id, status and title (a short message when the rule
    has no title)."""
    if not failing:
        return []
    lines = [f"- {_label(report)}: {_ICON[verdict(report)]} "
             f"{md_escape(verdict_text(report, lang))}"]
    for finding in failing:
        said = _clip(md_escape(title(finding, lang)), _BRIEF_CELL) or _cell(
            finding, lang, _BRIEF_CELL)[0]
        lines.append(f"  - {md_code(finding.rule.id)} — "
                     f"{md_escape(ui(finding.status, lang))}: {said}")
    return lines


@dataclass
class _Profile:
    """One profile as the fitting sees it."""

    name: str  # for the note: which profiles' details were left out
    render: Callable[[int | None], list[str]]  # its section, messages cut to that many chars
    top: list[str]  # its section's head (what is kept of it "in part")
    base: int  # the size of its section with every message cell empty
    lengths: list[int]  # each message cell's size whole (more than the limit: too long)
    brief: list[str] = field(default_factory=list)  # its findings named (see _brief)
    waivers: list[WaiverRow] = field(default_factory=list)
    label: str = ""  # for the line counting the findings not named

    @classmethod
    def fixed(cls, name: str, section: list[str],
              waivers: list[WaiverRow] | None = None) -> _Profile:
        """A section that cannot be shortened (the tests of the fitting use these)."""
        return cls(name, lambda cap: section, section, _size(section), [], [], waivers or [],
                   name)

    def size(self, cap: int | None) -> int:
        """At most the size of its section with messages cut to ``cap`` characters."""
        return self.base + sum(n if cap is None or n <= cap else cap for n in self.lengths)


def _profile(report: Report, lang: str, heading: str, limit: int) -> _Profile:
    failing = ordered(f for f in report.findings if f.failing)
    whole: dict[int, str] = {}  # the whole cell of each message that could fit a comment
    lengths = []
    for finding in failing:
        text, shortened = _cell(finding, lang, limit + 1)
        if not shortened:
            whole[id(finding)] = text
        lengths.append(len(text) if not shortened else limit + 1)
    top, rest = _parts(report, lang, heading, lambda finding: "")

    def render(cap: int | None) -> list[str]:
        def cell(finding: Finding) -> str:
            text = whole.get(id(finding))
            if text is not None and (cap is None or len(text) <= cap):
                return text
            return _cell(finding, lang, cap or limit)[0]
        return _one(report, lang, heading, cell)

    return _Profile(_clip(md_escape(report.firm), _CLIP), render, top, _size(top + rest),
                    lengths, _brief(report, failing, lang), waiver_rows(report),
                    _label(report))


def _findings_listed(profiles: list[_Profile], lang: str,
                     room: int | None = None) -> tuple[list[str], int]:
    """The list naming the failing and error findings of ``profiles``; with ``room``, as many
    as fit in it and a line saying how many more there are, of which profiles. Also how many
    findings are not listed."""
    entries = [p for p in profiles if p.brief]
    if not entries:
        return [], 0
    lines = [f"### {md_escape(_BRIEF.get(lang, _BRIEF['en']))}", ""]
    body = [line for p in entries for line in p.brief]
    if room is None or _size([*lines, *body, ""]) <= room:
        return [*lines, *body, ""], 0
    template = _NOT_LISTED.get(lang, _NOT_LISTED["en"])
    worst = max(len(p.label) for p in entries)
    used = _size(lines) + 1 + len(template) + 40 + 2 * worst + 8  # the line counting the rest
    hidden: list[tuple[_Profile, int]] = []  # (profile, findings of it not listed)
    for p in entries:
        if hidden:
            hidden.append((p, len(p.brief) - 1))
            continue
        shown = 0
        for line in p.brief[1:]:
            if used + len(line) + 1 + (0 if shown else len(p.brief[0]) + 1) > room:
                break
            used += len(line) + 1 + (0 if shown else len(p.brief[0]) + 1)
            shown += 1
        if shown:
            lines += p.brief[:shown + 1]
        if shown < len(p.brief) - 1:
            hidden.append((p, len(p.brief) - 1 - shown))
    n = sum(count for _, count in hidden)
    first, last = hidden[0][0].label, hidden[-1][0].label
    which = first if len(hidden) == 1 else f"{first} … {last}"
    return [*lines, "", template.format(n=n, m=len(hidden), which=which), ""], n


# --- the note saying what was shortened -----------------------------------------------------

_NOTE = {
    "en": {"head": "**Shortened to fit a GitHub comment ({limit:,} characters):**",
           "cells": " the messages of {n:,} failing finding(s) are shortened, longest first "
                    "(each says how many of its failing elements are not listed);",
           "left": " the details of {n} profile(s) are left out{names}; their failing and "
                   "error findings are named under “{brief}”;",
           "hidden": " {n:,} failing or error finding(s) could not even be named (their "
                     "number and profiles are said above);",
           "rows": " the summary above lists every profile;",
           "end": " run `netsep-check check --format json` (or `--format html`) for the full "
                  "report."},
    "ko": {"head": "**GitHub 댓글 길이 제한({limit:,}자)에 맞추어 줄였습니다:**",
           "cells": " 위반 사항 {n:,}건의 내용은 긴 것부터 줄였습니다(줄인 내용마다 나열하지 "
                    "않은 위반 항목의 수를 적었습니다).",
           "left": " 프로파일 {n}개{names}의 세부 내용을 생략했습니다. 그 위반·판정 불가 "
                   "사항은 “{brief}”에 나열했습니다.",
           "hidden": " 위반·판정 불가 사항 {n:,}건은 규칙 ID조차 싣지 못했습니다(그 건수와 "
                     "해당 프로파일은 위에 적었습니다).",
           "rows": " 위 요약에는 모든 프로파일이 있습니다.",
           "end": " 전체 보고서는 `netsep-check check --format json` 또는 `--format html`로 "
                  "확인하십시오."},
}


def _note(lang: str, limit: int, cells: int, left_out: list[str], hidden: int,
          every_row: bool) -> list[str]:
    words = _NOTE.get(lang, _NOTE["en"])
    room = 21  # twenty wholly left out, and the one shown in part
    shown = ", ".join(left_out[:room]) + (", …" if len(left_out) > room else "")
    parts = [words["head"].format(limit=limit)]
    if cells:
        parts.append(words["cells"].format(n=cells))
    if left_out:
        parts.append(words["left"].format(n=len(left_out), names=f" ({shown})" if shown else "",
                                          brief=_BRIEF.get(lang, _BRIEF["en"])))
    if hidden:
        parts.append(words["hidden"].format(n=hidden))
    if every_row:
        parts.append(words["rows"])
    parts.append(words["end"])
    return ["".join(parts), ""]


def _fit(head: list[str], rows: list[str], profiles: list[_Profile], footer: list[str],
         lang: str, limit: int) -> list[str]:
    """The whole document if it fits in ``limit`` characters; else, in this order of what is
    kept: the names of every failing and error finding (or, beyond what a comment can hold,
    how many are not named, of which profiles), the waivers of the profiles not shown in
    full, the summary rows, then the details of as many profiles as fit (in order), their
    long messages shortened longest first; and a note saying what was shortened."""
    whole = _size(head) + _size(rows) + (1 if head else 0) + _size(footer) + sum(
        p.size(None) for p in profiles)
    if whole <= limit:
        return head + rows + ([""] if head else []) + [
            x for p in profiles for x in p.render(None)] + footer
    worst = [f"{'x' * _CLIP} {_PARTLY.get(lang, _PARTLY['en'])}"] * 22  # names in the note
    budget = limit - _size(head) - _size(footer) - _size(
        _note(lang, limit, 10**9, worst, 10**9, True))
    every = [w for p in profiles for w in p.waivers]
    # 1. every failing and error finding named (room kept for the waivers' table and its count)
    least = _size(_waiver_table(every, lang, _CUTS[-1], 0)) if every else 0
    listed, hidden = _findings_listed(profiles, lang, budget - least)
    budget -= _size(listed)
    # 2. the waivers of the profiles not shown in full
    _, waiver_room = _waiver_cut(every, lang, budget // 2)
    if waiver_room > budget // 2:  # even shortened they need more: the rows and details yield
        _, waiver_room = _waiver_cut(every, lang, max(budget, 0))
    budget -= waiver_room
    # 3. the summary rows
    kept_rows = rows
    if rows and _size(rows) > budget:
        more = _ROWS_LEFT_OUT.get(lang, _ROWS_LEFT_OUT["en"])
        room = budget - len(more.format(n=len(rows))) - 1
        kept_rows = []
        for row in rows:
            if _size(kept_rows) + len(row) + 1 > room:
                break
            kept_rows.append(row)
        kept_rows = [*kept_rows, more.format(n=len(rows) - len(kept_rows))]
    lines = head + kept_rows + ([""] if head else [])
    budget -= _size(lines) - _size(head)
    # 4. the details of the first profiles, as many as fit: each shown in full leaves the list
    budget += _size(listed)
    shown, cap = 0, _MIN_CELL
    if not hidden:
        left = [_size(p.brief) for p in profiles]
        heading_size = _size(listed) - sum(left)  # the list's heading and its last blank line
        after, used = sum(left), 0
        for p, mine in zip(profiles, left, strict=True):
            after -= mine
            used += p.size(cap)
            if used + (heading_size + after if after else 0) > budget:
                break
            shown += 1
        listed, _ = _findings_listed(profiles[shown:], lang)
        low, high = _MIN_CELL, max([_MIN_CELL, *(n for p in profiles[:shown] for n in p.lengths)])
        while low < high:  # the longest cut that fits: the longest messages are cut first
            middle = (low + high + 1) // 2
            if sum(p.size(middle) for p in profiles[:shown]) + _size(listed) <= budget:
                low = middle
            else:
                high = middle - 1
        cap = low
    cells = 0
    for p in profiles[:shown]:
        lines += p.render(cap)
        cells += sum(1 for n in p.lengths if n > cap)
    budget -= _size(lines) - _size(head + kept_rows + ([""] if head else [])) + _size(listed)
    left_out = [p.name for p in profiles[shown:]]
    if shown < len(profiles):  # the first not shown in full: what of its head fits
        part = _head_of(profiles[shown].top, budget)
        lines += part
        if part:
            left_out[0] += " " + _PARTLY.get(lang, _PARTLY["en"])
    lines += listed
    lines += _note(lang, limit, cells, left_out, hidden, bool(head) and kept_rows is rows)
    not_whole = [w for p in profiles[shown:] for w in p.waivers]
    cut, _ = _waiver_cut(not_whole, lang, waiver_room)
    return lines + _waiver_table(not_whole, lang, cut, waiver_room) + footer


def render_markdown(result: RunResult, lang: str, limit: int = COMMENT_LIMIT) -> str:
    """The comment; beyond ``limit`` characters, shortened as :func:`_fit` says."""
    reports = list(result.reports)
    heading = "###" if result.batch or result.invalid else "##"
    head, rows = _summary(result, lang, limit)
    profiles = [_profile(report, lang, heading, limit) for report in reports]
    footer = [f"<sub>{html.escape(ui('fmt_generated_by', lang, version=__version__))}</sub>"]
    return "\n".join(_fit(head, rows, profiles, footer, lang, limit)) + "\n"
