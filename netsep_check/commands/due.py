"""``due``: every date that lapses (issue 11 §3)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from netsep_check.commands._shared import (
    LANG,
    _refuse_inputs,
    _report_problems,
    _write,
    as_of_option,
    dash_is_stdout,
    guarded,
    pack_option,
)
from netsep_check.errors import EXIT_FAIL, EXIT_INPUT, EXIT_OK, InputError


@click.command()
@click.argument("profiles", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--within", "within_days", type=click.IntRange(min=0), default=None,
              metavar="DAYS", help="Only what falls due within DAYS (overdue and undated "
                                   "items are always shown).")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "ics"]), default="text",
              show_default=True, help="ics: an iCalendar file to import into a calendar.")
@as_of_option("Judge on DATE (default: today).")
@click.option("--lang", type=LANG, default="ko", show_default=True)
@click.option("--waivers", "waivers_file", type=click.Path(path_type=Path, dir_okay=False),
              metavar="FILE", help="Waivers file: list each waiver's expiry too.")
@click.option("--tenant-facts", "tenant_facts", multiple=True,
              type=click.Path(path_type=Path, dir_okay=False), metavar="FILE",
              help="Tenant facts (or a ScubaGear results file): when each goes stale "
                   "(tenant_facts_max_age_days after it was collected); repeatable.")
@pack_option("Pack whose intervals apply (default: the pack of each profile's regime).")
@click.option("--output", "-o", type=click.Path(path_type=Path, dir_okay=False),
              callback=dash_is_stdout,
              help="Write to FILE instead of standard output.")
@guarded
def due(profiles: tuple[Path, ...], within_days: int | None, fmt: str, as_of: dt.date | None,
        lang: str, waivers_file: Path | None, tenant_facts: tuple[Path, ...],
        pack_ref: str | None, output: Path | None) -> int:
    """List every date that will lapse for PROFILE files (designation end, provider
    evaluations, self-assessment, training, upload scans, waiver expiries, tenant facts going
    stale), per firm, overdue first. Exit 1 when something is already overdue."""
    from netsep_check.api import Checker
    from netsep_check.batch import expand_inputs
    from netsep_check.evaluate.deadlines import firm_deadlines, waiver_deadlines, within
    from netsep_check.rules import pack_for_regime

    day = as_of or dt.date.today()
    checker = Checker(pack_ref)
    inputs = expand_inputs(profiles)
    _refuse_inputs([output], [*inputs.paths, waivers_file, *tenant_facts])
    problems = list(inputs.problems)
    groups = []
    for path in inputs.paths:
        try:
            document, profile = checker.load(path)
            pack = checker.pack(pack_ref or pack_for_regime(profile["regime"]))
        except InputError as exc:
            problems.extend(exc.problems)
            continue
        groups.append(firm_deadlines(document.file, profile, pack.parameters, day))
    if waivers_file is not None:
        from netsep_check.evaluate.waivers import load_waivers

        waivers = load_waivers(waivers_file)
        groups.append(waiver_deadlines(waivers.file, waivers, day))
    if tenant_facts:
        from netsep_check.evaluate.crosscheck import max_age_days
        from netsep_check.evaluate.deadlines import facts_deadlines
        from netsep_check.facts import load_facts

        pack = checker.pack(pack_ref or "sandbox-2024")
        max_age = max_age_days(pack.parameters, pack.id)
        groups.append(facts_deadlines([load_facts(path) for path in tenant_facts], max_age, day))
    if problems:
        _report_problems(InputError(problems))
    groups = [within(group, within_days) for group in groups]
    if groups:
        if fmt == "ics":
            from netsep_check.report.ics import render_ics

            text = render_ics(groups, lang)
        else:
            from netsep_check.report import deadlines_text

            render = deadlines_text.render_json if fmt == "json" else deadlines_text.render_text
            text = render(groups, lang, within_days)
        _write(text, output)
    if problems:
        return EXIT_INPUT
    return EXIT_FAIL if any(group.overdue for group in groups) else EXIT_OK
