"""The text batch summary: the firms × areas matrix, the run's counts and verdict, and the
inputs that could not be judged."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, Any

from netsep_check.i18n import T, ui
from netsep_check.report._common import run_counts_text, run_verdict_text, skipped_lines
from netsep_check.report._safe import visible
from netsep_check.report.problems import problem_line
from netsep_check.vocabulary import STATUSES

if TYPE_CHECKING:
    from netsep_check.evaluate.result import RunResult

_STYLE = {"fail": "bold red", "error": "bold magenta", "waived": "yellow", "pass": "green",
          "not_applicable": "dim"}
_VERDICT_STYLE = {"fail": "bold red", "undetermined": "bold magenta", "pass": "bold green"}
_TITLE = T("Batch matrix: worst status per firm and area",
           "일괄 점검 매트릭스: 회사·영역별로 가장 심각한 결과")
_PROFILES = T("Profiles", "프로파일")
_OVERALL = T("Overall", "종합")
MAX_FIRM_CELLS = 40  # a longer firm name is cut in the matrix (output stays proportional)


def _cut(name: str, limit: int = MAX_FIRM_CELLS) -> str:
    from rich.cells import cell_len

    if cell_len(name) <= limit:
        return name
    out, used = [], 0
    for ch in name:
        used += cell_len(ch)
        if used > limit - 1:
            break
        out.append(ch)
    return "".join(out) + "…"


def _console(color: bool, width: int) -> tuple[Any, io.StringIO]:
    from rich.console import Console

    buffer = io.StringIO()
    return Console(file=buffer, force_terminal=color, no_color=not color, width=width,
                   highlight=False, emoji=False), buffer


def render_invalid_text(result: RunResult, lang: str, color: bool = False,
                        width: int = 120) -> str:
    from rich.text import Text

    console, buffer = _console(color, width)
    if result.invalid:
        console.print(Text(ui("invalid_inputs", lang), style="bold magenta"))
        for item in result.invalid:  # every problem, with its line and field
            count = ui("problems_n", lang, n=len(item.problems))
            console.print(Text(f"  {visible(item.file)}: {count}"))
            for problem in item.problems:
                console.print(Text(f"    - {problem_line(problem, lang)}"))
    if result.skipped:
        console.print(Text(ui("skipped_inputs", lang), style="dim"))
        for line in skipped_lines(result, lang):
            console.print(Text(f"  {line}", style="dim"))
    console.print(Text(run_counts_text(result, lang)))
    console.print(Text(run_verdict_text(result, lang), style=_VERDICT_STYLE[result.verdict]))
    return buffer.getvalue()


def render_matrix_text(result: RunResult, lang: str, color: bool = False,
                       width: int = 120) -> str:
    from rich.cells import cell_len
    from rich.table import Table
    from rich.text import Text

    table = result.matrix
    console, buffer = _console(color, width)
    grid = Table(title=_TITLE(lang), title_justify="left", show_lines=False)
    grid.add_column(ui("fmt_firm", lang), no_wrap=True)
    grid.add_column(_PROFILES(lang), justify="right", no_wrap=True)
    statuses = max(cell_len(ui(status, lang)) for status in STATUSES)
    for header in [*(ui(area, lang) for area in table.areas), _OVERALL(lang)]:
        words = header.split()  # one word a line: the column is as wide as its longest word
        size = max(max(cell_len(word) for word in words), statuses)
        grid.add_column("\n".join(words), justify="center", no_wrap=True, min_width=size,
                        max_width=size)

    def cell(status: str | None) -> Text:
        return Text(ui(status, lang), style=_STYLE[status]) if status else Text("·", style="dim")

    for row in table.rows:
        grid.add_row(Text(_cut(visible(row.firm))), str(len(row.profiles)),
                     *(cell(row.cells[area]) for area in table.areas), cell(row.worst))
    firms = max((cell_len(_cut(visible(row.firm))) for row in table.rows), default=0)
    widths = [max(firms, cell_len(ui("fmt_firm", lang))), cell_len(_PROFILES(lang)),
              *(column.min_width or 0 for column in grid.columns[2:])]
    console.width = max(width, sum(w + 3 for w in widths) + 1)
    if table.rows:
        console.print(grid)
    return buffer.getvalue() + render_invalid_text(result, lang, color, width)
