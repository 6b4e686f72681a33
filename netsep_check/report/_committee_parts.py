"""Parts of the committee report (:mod:`netsep_check.report.committee`) shared by its chapters:
tables, the notes of a report and the section on the inputs not judged."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from netsep_check.i18n import ui
from netsep_check.report._committee_text import say
from netsep_check.report._common import (
    disabled_text,
    notes,
    run_counts_text,
    run_verdict_text,
    skipped_lines,
    tenant_lines,
)
from netsep_check.report.html import esc

if TYPE_CHECKING:
    from netsep_check.evaluate.findings import Report
    from netsep_check.evaluate.result import RunResult


def table(head: Sequence[str], rows: Sequence[Sequence[str]], widths: Sequence[str],
          cls: str = "", centred: Sequence[int] = ()) -> str:
    cols = "".join(f'<col style="width:{w}">' for w in widths)
    th = "".join(f"<th>{esc(h)}</th>" for h in head)
    body = "".join("<tr>" + "".join(
        f'<td{" class=c" if i in centred else ""}>{cell}</td>' for i, cell in enumerate(row))
        + "</tr>" for row in rows)
    return (f'<table class="{cls}"><colgroup>{cols}</colgroup><thead><tr>{th}</tr></thead>'
            f"<tbody>{body}</tbody></table>")


def remarks(report: Report, lang: str) -> str:
    """What the report says besides its findings (notes, unmatched waivers among them) and the
    rules its pack disabled, each with the pack's reason: said in every format."""
    said = [esc(n) for n in notes(report, lang)]
    said += [esc(line) for line in tenant_lines(report, lang)]
    said += [esc(disabled_text(d, lang)) for d in report.pack.disabled]
    if not said:
        return ""
    return (f'<h3>{esc(say("s_remarks", lang))}</h3><ul class="points remarks">'
            + "".join(f"<li>{item}</li>" for item in said) + "</ul>")


def inputs_section(result: RunResult, lang: str) -> str:
    """The inputs not judged, each with every problem found in it (file, line, field), and the
    files skipped as not profiles: a section of the document, before the reports."""
    if not result.invalid and not result.skipped:
        return ""
    from netsep_check.report.problems import problem_line

    parts = [f'<section class="inputs"><h2>{esc(say("s_inputs", lang))}</h2>',
             f'<p><strong>{esc(run_counts_text(result, lang))}</strong> — '
             f'{esc(run_verdict_text(result, lang))}</p>']
    if result.invalid:
        parts.append(f"<p>{esc(say('inputs_note', lang))}</p>")
        rows = [[esc(item.file), esc(ui("problems_n", lang, n=len(item.problems))),
                 "<ul>" + "".join(f"<li>{esc(problem_line(p, lang))}</li>"
                                  for p in item.problems) + "</ul>"]
                for item in result.invalid]
        parts.append(table([say("input_file", lang), say("input_count", lang),
                             say("input_problems", lang)], rows, ["24%", "12%", "64%"],
                            cls="inputs-invalid"))
    if result.skipped:
        parts.append(f'<h3>{esc(ui("skipped_inputs", lang))}</h3><ul class="points">'
                     + "".join(f"<li>{esc(line)}</li>" for line in skipped_lines(result, lang))
                     + "</ul>")
    return "".join(parts) + "</section>"
