"""``report committee``: the committee report, a document for people (issue 11 §1)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from netsep_check.commands._shared import (
    FOLDER,
    LANG,
    _err,
    _refuse_inputs,
    _write,
    as_of_option,
    dash_is_stdout,
    guarded,
    pack_option,
    parse_day,
)
from netsep_check.errors import InputError


def _period(ctx: click.Context, param: click.Parameter,
            value: str | None) -> tuple[dt.date, dt.date] | None:
    if value is None:
        return None
    start, sep, end = value.partition("..")
    try:
        if not sep:
            raise ValueError
        period = parse_day(start.strip()), parse_day(end.strip())
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a period FROM..TO "
                                 "(e.g. 2025-01-01..2025-06-30)") from None
    if period[0] > period[1]:
        raise click.BadParameter(f"{value!r}: the period ends before it starts")
    return period


@click.group("report")
def report_group() -> None:
    """Documents for people, built from a check: the committee report."""


@report_group.command("committee")
@click.argument("profile", type=click.Path(path_type=Path))
@click.option("--period", callback=_period, metavar="FROM..TO",
              help="Evaluation period, e.g. 2025-01-01..2025-06-30. Default: the six months "
                   "ending on the evaluation date.")
@click.option("--previous", "previous_file", type=click.Path(path_type=Path, dir_okay=False),
              metavar="REPORT.json",
              help="JSON report of the previous evaluation (check --format json): the report "
                   "lists the rules that changed since.")
@click.option("--prepared-by", "prepared_by", metavar="TEXT",
              help="Department and name of the author, printed in the sign-off block.")
@click.option("--waivers", "waivers_file", type=click.Path(path_type=Path, dir_okay=False),
              metavar="FILE", help="Waivers file: active waivers are listed with approver "
                                   "and expiry.")
@pack_option()
@as_of_option()
@click.option("--evidence-root", type=FOLDER,
              default=None, metavar="DIR",
              help="Folder that evidence[].path is relative to (default: the profile's folder).")
@click.option("--lang", type=LANG, default="ko", show_default=True, help="Report language.")
@click.option("--output", "-o", type=click.Path(path_type=Path, dir_okay=False),
              callback=dash_is_stdout,
              help="Write the HTML to FILE (default: standard output).")
@guarded
def report_committee(profile: Path, period: tuple[dt.date, dt.date] | None,
                     previous_file: Path | None, prepared_by: str | None,
                     waivers_file: Path | None, pack_ref: str | None, as_of: dt.date | None,
                     evidence_root: Path | None, lang: str, output: Path | None) -> int:
    """Write the semiannual report to the information-protection committee (정보보호위원회)
    for PROFILE: one printable, self-contained HTML file (A4). Exit 1 when a rule fails."""
    from netsep_check.api import Options, run
    from netsep_check.report.committee import render_committee

    _refuse_inputs([output], [profile, previous_file, waivers_file])
    previous = None
    if previous_file is not None:
        from netsep_check.evaluate.diff import load_report_sides
        previous = load_report_sides(previous_file)
    result = run([profile], Options(pack_ref, (), as_of, evidence_root, waivers=waivers_file))
    if result.invalid:  # no report for the committee on a profile that cannot be read
        raise InputError([p for item in result.invalid for p in item.problems])
    root = evidence_root if evidence_root is not None else profile.parent
    _refuse_inputs([output], [root / record.file for report in result.reports
                              for record in report.evidence_checked if record.file])
    from netsep_check.i18n import ui
    from netsep_check.report.messages import unmatched_waiver_text

    for waiver in result.unmatched_waivers:
        _err(ui("note", lang, text=unmatched_waiver_text(waiver.describe(), lang)))
    _write(render_committee(result, lang, period=period, previous=previous,
                            previous_source=previous_file.name if previous_file else "",
                            prepared_by=prepared_by), output)
    return result.exit_code
