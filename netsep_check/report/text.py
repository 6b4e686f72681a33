"""The text report: a rich table per area, failing findings first, and a summary; a batch
ends with the firms × areas matrix and the inputs that could not be judged."""

from __future__ import annotations

import io
import shutil
from typing import TYPE_CHECKING

from netsep_check.evaluate.findings import Report
from netsep_check.i18n import ui
from netsep_check.report._common import message, notes, ordered, waiver_terms
from netsep_check.report._safe import visible
from netsep_check.vocabulary import STATUSES

if TYPE_CHECKING:
    from rich.console import Console

    from netsep_check.evaluate.result import RunResult

MAX_NAME_CHARS = 300  # a longer firm name is cut in a report's heading

_STYLE = {"fail": "bold red", "error": "bold magenta", "waived": "yellow", "pass": "green",
          "not_applicable": "dim"}


def _one(report: Report, lang: str, console: Console) -> None:
    from rich.table import Table
    from rich.text import Text

    pack = report.pack
    # the name on its one line, cut (the JSON report holds it whole): rich lays out each line
    # and word of a text as an object (a name of 5 million line breaks, 15 MB, took more than
    # 1 GB and ended in MemoryError, exit 3; on one line, 14 s of word wrapping)
    name = str(report.firm)
    if len(name) > MAX_NAME_CHARS:
        name = name[:MAX_NAME_CHARS - 1] + "…"
    firm = visible(name).replace("\n", " ")
    console.print(Text(f"netsep-check — {firm}", style="bold"))
    console.print(Text(f"{ui('profile', lang)}: {visible(report.profile_file)}  "
                       f"sha256 {report.profile_sha256}"))
    console.print(Text(f"{ui('pack', lang)}: {visible(pack.id)} {visible(pack.version)}  "
                       f"digest {pack.digest[:16]}…"))
    overridden = " (--as-of)" if report.as_of_overridden else ""
    console.print(f"{ui('as_of', lang)}: {report.as_of.isoformat()}{overridden}")
    for disabled in pack.disabled:
        console.print(Text(f"{ui('fmt_disabled', lang)}: {disabled.rule} ({disabled.by_pack}): "
                           f"{visible(disabled.reason)}", style="dim"))
    for note in notes(report, lang):
        console.print(Text(f"{ui('fmt_notes', lang)}: {visible(note)}", style="yellow"))
    if report.tenant_evidence:
        from netsep_check.report.tenant import evidence_lines

        for line in evidence_lines(report, lang):
            console.print(Text(visible(line), style="cyan"))
    by_area: dict[str, list] = {}
    for finding in report.findings:
        by_area.setdefault(finding.rule.area, []).append(finding)
    for area in report.counts_by_area():
        table = Table(title=f"{ui(area, lang)} ({area})", title_justify="left", expand=True,
                      show_lines=False)
        table.add_column(ui("status", lang), no_wrap=True)
        table.add_column(ui("severity", lang), no_wrap=True)
        table.add_column(ui("rule", lang), no_wrap=True)
        table.add_column(ui("finding", lang), ratio=1, overflow="fold")
        table.add_column(ui("line", lang), justify="right", no_wrap=True)
        for finding in ordered(by_area[area]):
            text = Text(visible(finding.rule.title.get(lang, finding.rule.title["en"])))
            said = message(finding, lang)
            if said:
                text.append("\n" + visible(said), style=_STYLE[finding.status])
            if finding.waiver:  # why, who approved it, when, under which ticket, until when
                text.append(f"\n{ui('fmt_waiver', lang)}: "
                            f"{visible(finding.waiver.justification)}\n"
                            f"{waiver_terms(finding, lang)}", style="yellow")
            if finding.rule.basis["strength"] == "derived":
                text.append(f"\n[{ui('derived', lang)}]", style="dim")
            table.add_row(Text(ui(finding.status, lang), style=_STYLE[finding.status]),
                          ui(finding.rule.severity, lang), Text(finding.rule.id), text,
                          str(finding.line) if finding.line else "")
        console.print(table)
    summary = Table(title=ui("summary", lang), title_justify="left")
    summary.add_column(ui("area", lang))
    for status in STATUSES:
        summary.add_column(ui(status, lang), justify="right")
    for area, counts in report.counts_by_area().items():
        summary.add_row(ui(area, lang), *(str(counts[s]) if counts[s] else "·" for s in STATUSES))
    totals = report.counts()
    summary.add_row(Text(ui("total", lang), style="bold"), *(str(totals[s]) for s in STATUSES))
    console.print(summary)
    fails, errors = totals["fail"], totals["error"]
    if fails:
        console.print(Text(ui("verdict_fail", lang, n=fails + errors), style="bold red"))
    elif errors:
        console.print(Text(ui("verdict_error", lang, n=errors), style="bold magenta"))
    else:
        console.print(Text(ui("verdict_pass", lang), style="bold green"))


def render_text(result: RunResult, lang: str, color: bool = False, width: int = 120) -> str:
    from rich.console import Console

    buffer = io.StringIO()
    console = Console(file=buffer, force_terminal=color, no_color=not color,
                      width=shutil.get_terminal_size((width, 24)).columns if color else width,
                      highlight=False, emoji=False, markup=False)
    for index, report in enumerate(result.reports):
        if index:
            console.print()
        _one(report, lang, console)
    text = buffer.getvalue()
    if result.batch:
        from netsep_check.report.text_matrix import render_matrix_text

        text += ("\n" if text else "") + render_matrix_text(result, lang, color=color)
    elif result.invalid:
        from netsep_check.report.text_matrix import render_invalid_text

        text += render_invalid_text(result, lang, color=color)
    return text
