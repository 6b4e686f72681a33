"""The text report: a rich table per area, failing findings first, and a summary."""

from __future__ import annotations

import io
import shutil

from netsep_check.evaluate.findings import STATUSES, Report
from netsep_check.i18n import ui
from netsep_check.rules.model import SEVERITIES

_STYLE = {"fail": "bold red", "error": "bold magenta", "waived": "yellow", "pass": "green",
          "not_applicable": "dim"}
_ORDER = {status: i for i, status in enumerate(STATUSES)}
_SEV = {severity: i for i, severity in enumerate(SEVERITIES)}


def _one(report: Report, lang: str, console: object) -> None:
    from rich.table import Table
    from rich.text import Text

    pack = report.pack
    console.print(Text(f"netsep-check — {report.firm}", style="bold"))
    console.print(Text(f"{ui('profile', lang)}: {report.profile_file}  "
                       f"sha256 {report.profile_sha256}"))
    console.print(f"{ui('pack', lang)}: {pack.id} {pack.version}  digest {pack.digest[:16]}…")
    overridden = " (--as-of)" if report.as_of_overridden else ""
    console.print(f"{ui('as_of', lang)}: {report.as_of.isoformat()}{overridden}")
    for disabled in pack.disabled:
        console.print(Text(f"disabled {disabled.rule} by {disabled.by_pack}: {disabled.reason}",
                           style="dim"))
    for note in report.notes:
        console.print(Text(f"note: {note}", style="yellow"))
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
        rows = sorted(by_area[area], key=lambda f: (_ORDER[f.status], _SEV[f.rule.severity]))
        for finding in rows:
            text = Text(finding.rule.title.get(lang, finding.rule.title["en"]))
            if finding.message.get(lang):
                text.append("\n" + finding.message[lang], style=_STYLE[finding.status])
            if finding.waiver:
                text.append(f"\nwaiver: {finding.waiver.get('justification', '')}", style="yellow")
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


def render_text(reports: list[Report], lang: str, color: bool = False, width: int = 120) -> str:
    from rich.console import Console

    buffer = io.StringIO()
    console = Console(file=buffer, force_terminal=color, no_color=not color,
                      width=shutil.get_terminal_size((width, 24)).columns if color else width,
                      highlight=False, emoji=False, markup=False)
    for index, report in enumerate(reports):
        if index:
            console.print()
        _one(report, lang, console)
    return buffer.getvalue()
