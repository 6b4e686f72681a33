"""The Markdown report: a summary fit for a pull-request comment (GitHub-flavoured Markdown).

Per profile: a verdict line, a counts table per area, a table of the failing findings (rule id,
severity, title, ``file:line``, message), the waived ones with their justification, and collapsed
``<details>`` lists of the passing and not-applicable rules. Rules whose basis is ``derived`` are
marked as our reading, not law. A batch opens with one line per profile. Every value from a
profile or a pack is escaped, so a profile cannot inject Markdown or HTML into the comment.
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
                           md_escape(ui("fmt_expires_on", lang))]))
        lines.append(_row(["---"] * 6))
        for finding in waived:
            waiver = finding.waiver
            assert waiver is not None  # a waived finding carries its waiver
            lines.append(_row([md_code(finding.rule.id),
                               md_escape(ui(finding.rule.severity, lang)),
                               _title_cell(finding, lang),
                               md_code(location(report, finding)),
                               md_escape(waiver.justification),
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


def _invalid(result: RunResult, lang: str) -> list[str]:
    lines = [f"### {md_escape(ui('invalid_inputs', lang))}", ""]
    for file, problems in problem_lines(result, lang):
        lines.append(f"- {md_code(file)} — {md_escape(ui('problems_n', lang, n=len(problems)))}")
        lines += [f"  - {md_escape(p)}" for p in problems]
    for file, kind in result.skipped:
        lines.append(f"- {md_code(file)}: {md_escape(kind)}")
    return [*lines, ""]


def render_markdown(result: RunResult, lang: str) -> str:
    reports = list(result.reports)
    lines: list[str] = []
    heading = "##"
    if result.batch or result.invalid:
        heading = "###"
        lines += [f"## netsep-check — {md_escape(run_counts_text(result, lang))}", "",
                  f"**{_ICON[result.verdict]} {md_escape(run_verdict_text(result, lang))}**", ""]
    if result.invalid or result.skipped:
        lines += _invalid(result, lang)
    if len(reports) > 1:
        lines.append(_row([md_escape(ui("fmt_firm", lang)), md_escape(ui("profile", lang)),
                           md_escape(ui("fmt_verdict", lang)), md_escape(ui("fail", lang)),
                           md_escape(ui("error", lang)), md_escape(ui("waived", lang))]))
        lines.append(_row(["---", "---", "---", "---:", "---:", "---:"]))
        for report in reports:
            counts = report.counts()
            lines.append(_row([md_escape(report.firm), md_code(report.profile_file),
                               f"{_ICON[verdict(report)]} {md_escape(verdict_text(report, lang))}",
                               str(counts["fail"]), str(counts["error"]),
                               str(counts["waived"])]))
        lines.append("")
    for report in reports:
        lines += _one(report, lang, heading)
    lines.append(f"<sub>{html.escape(ui('fmt_generated_by', lang, version=__version__))}</sub>")
    return "\n".join(lines) + "\n"
