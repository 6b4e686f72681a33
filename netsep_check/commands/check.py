"""Judging profiles: ``check``, ``diff`` and ``validate``."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import Any

import click

from netsep_check.commands._shared import (
    FOLDER,
    LANG,
    _err,
    _refuse_inputs,
    _report_problems,
    _write,
    as_of_option,
    dash_is_stdout,
    guarded,
    pack_option,
    policy_option,
)
from netsep_check.commands.bundle import bundle_inputs, shown_as
from netsep_check.errors import EXIT_FAIL, EXIT_INPUT, EXIT_OK, InputError
from netsep_check.report import FORMATS
from netsep_check.rules.vocabulary import SEVERITIES


@click.command()
@click.argument("profiles", nargs=-1, required=True, type=click.Path(path_type=Path))
@pack_option()
@policy_option()
@click.option("--format", "fmts", type=click.Choice(FORMATS), multiple=True,
              help="Report format (default text); repeatable, paired by position with "
                   "--output: --format json -o r.json --format sarif -o r.sarif.")
@click.option("--output", "-o", "outputs", multiple=True,
              type=click.Path(path_type=Path, dir_okay=False), callback=dash_is_stdout,
              help="Write the report of the --format in the same position to FILE; a format "
                   "without one goes to standard output (at most one may).")
@click.option("--lang", type=LANG, default="ko", show_default=True, help="Report language.")
@as_of_option()
@click.option("--max-size", type=click.IntRange(min=1), default=None, metavar="BYTES",
              help="Largest profile file accepted (default 16 MiB).")
@click.option("--fail-on", "fail_on", type=click.Choice(SEVERITIES), default="low",
              show_default=True,
              help="Exit 1 only for failing findings of this severity or above.")
@click.option("--waivers", "waivers_file", type=click.Path(path_type=Path, dir_okay=False),
              metavar="FILE", help="Waivers file (netsep-check schema waivers): approved, "
                                   "time-limited exceptions; waived findings do not fail.")
@click.option("--baseline", "baseline_file", type=click.Path(path_type=Path, dir_okay=False),
              metavar="REPORT", help="JSON report of an earlier run (check --format json): "
                                     "fail only on rules not already failing there.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None, metavar="N",
              help="Profiles checked in parallel (default: the number of CPUs).")
@click.option("--evidence-root", type=FOLDER,
              default=None, metavar="DIR",
              help="Folder that evidence[].path is relative to; files must lie inside it and "
                   "match their sha256. Default: each profile's folder.")
@click.option("--no-evidence-check", "no_evidence_check", is_flag=True,
              help="Do not verify evidence files (a profile reviewed without its evidence).")
@click.option("--tenant-facts", "tenant_facts", multiple=True,
              type=click.Path(path_type=Path, dir_okay=False), metavar="FILE",
              help="Tenant facts (netsep-check import ...) or a ScubaGear results file: "
                   "cross-check the declared controls against the measured tenant; repeatable.")
@click.option("--egress-log", "egress_logs", multiple=True,
              type=click.Path(path_type=Path, dir_okay=False), metavar="FILE",
              help="Proxy log (Squid access.log, or CSV host[,count]) of the SaaS terminals: "
                   "report destinations neither allowed nor of an approved product; repeatable.")
@click.option("--sarif-root", "sarif_root",
              type=FOLDER, default=None,
              metavar="DIR", help="Folder SARIF artifact URIs are relative to (default: the "
                                  "repository holding the working directory); files outside "
                                  "it get absolute file: URIs.")
@guarded
def check(profiles: tuple[Path, ...], pack_ref: str | None, policy_dirs: tuple[Path, ...],
          fmts: tuple[str, ...], outputs: tuple[Path | None, ...], lang: str, as_of: dt.date | None,
          max_size: int | None, fail_on: str, waivers_file: Path | None,
          baseline_file: Path | None, jobs: int | None, evidence_root: Path | None,
          no_evidence_check: bool, sarif_root: Path | None,
          tenant_facts: tuple[Path, ...] = (), egress_logs: tuple[Path, ...] = ()) -> int:
    """Check PROFILE files (YAML or JSON), folders of them or glob patterns, and print a
    pass/fail report (several profiles: one report each, then a firms × areas matrix)."""
    from netsep_check.api import Options, run
    from netsep_check.load import DEFAULT_MAX_BYTES

    targets = _targets(fmts, outputs)
    options = Options(pack_ref, tuple(policy_dirs), as_of, evidence_root,
                      not no_evidence_check, waivers_file, baseline_file, fail_on,
                      max_size or DEFAULT_MAX_BYTES, jobs, progress=True,
                      tenant_facts=tuple(tenant_facts), egress_logs=tuple(egress_logs),
                      json_lang=lang if "json" in fmts else None)
    _refuse_inputs([output for _, output in targets],
                   [*profiles, waivers_file, baseline_file, *policy_dirs, *tenant_facts,
                    *egress_logs])
    with bundle_inputs(profiles, evidence_root) as (paths, shown):
        result = shown_as(run(paths, options), shown)
    for item in result.invalid:  # one bad profile must not hide the others' verdicts
        _report_problems(InputError(list(item.problems)), lang)
    from netsep_check.i18n import ui
    from netsep_check.report._common import skipped_lines

    for line in skipped_lines(result, lang):
        _err(ui("note", lang, text=line))
    from netsep_check.report.messages import unmatched_waiver_text

    for waiver in result.unmatched_waivers:
        _err(ui("note", lang, text=unmatched_waiver_text(waiver.describe(), lang)))
    _refuse_inputs([output for _, output in targets],  # and the files the run read
                   [*(r.profile_file for r in result.reports), *(i.file for i in result.invalid),
                    *(p for pack in {id(r.pack): r.pack for r in result.reports}.values()
                      for p in (*pack.meta_paths, *pack.rule_paths)),
                    *((evidence_root or Path(r.profile_file).parent) / record.file
                      for r in result.reports for record in r.evidence_checked
                      if record.file)])
    try:
        made = [(output, _render(fmt, result, lang, color=output is None and _terminal(),
                                 sarif_root=sarif_root)) for fmt, output in targets]
    except InputError:
        if result.reports or not result.invalid:
            raise
        # a format that needs a judged profile (committee, OSCAL): its problems were printed
        # above, once; say why there is no report rather than print them again
        from netsep_check.i18n import ui

        _err(ui("no_report", lang, fmt=", ".join(fmt for fmt, _ in targets)))
        return EXIT_INPUT
    _write(made)  # written only once every format could be made
    gate = result.gate
    quiet = gate.below + gate.known
    if quiet:
        from netsep_check.i18n import ui

        why = [ui("gate_below", lang, fail_on=gate.fail_on)] if gate.below else []
        why += [ui("gate_known", lang)] if gate.known else []
        _err(ui("gate_quiet", lang, quiet=quiet, why=", ".join(why), tripped=gate.tripped))
    return result.exit_code


def _targets(fmts: tuple[str, ...], outputs: tuple[Path | None, ...]) -> list[tuple[str, Path | None]]:
    """Pair --format and --output by position; at most one format may go to standard output."""
    formats = list(fmts) or ["text"]
    if len(outputs) > len(formats):
        raise click.UsageError("more --output than --format options; they pair by position "
                               "(--format json --output r.json --format sarif --output r.sarif)")
    pairs = [(fmt, outputs[i] if i < len(outputs) else None) for i, fmt in enumerate(formats)]
    to_stdout = [fmt for fmt, output in pairs if output is None]
    if len(to_stdout) > 1:
        raise click.UsageError(f"{len(to_stdout)} formats would go to standard output "
                               f"({', '.join(to_stdout)}); give all but one an --output FILE")
    files = [str(output) for _, output in pairs if output is not None]
    repeated = sorted({f for f in files if files.count(f) > 1})
    if repeated:
        raise click.UsageError(f"--output {repeated[0]} is given more than once")
    from netsep_check.output import same_file

    for at, one in enumerate(files):  # one file under two names: one report would be lost
        for other in files[:at]:
            if same_file(Path(one), Path(other)):
                raise click.UsageError(f"--output {other} and --output {one} name the same "
                                       "file; one report would overwrite the other")
    return pairs


def _render(fmt: str, result: Any, lang: str, color: bool,
            sarif_root: Path | None = None) -> Any:
    """One format's text of the run's one result (JSON as UTF-8 parts: a batch's lines, as
    its workers spooled them, go into the file as they are)."""
    from netsep_check.report import renderer

    if fmt == "json":
        from netsep_check.report.json_report import render_json_parts

        return render_json_parts(result, lang)
    render = renderer(fmt)
    if fmt == "text":
        return render(result, lang, color=color)
    if fmt == "sarif":
        return render(result, lang, root=sarif_root)
    return render(result, lang)


@click.command()
@click.argument("base", type=click.Path(path_type=Path))
@click.argument("head", type=click.Path(path_type=Path))
@pack_option("Pack for sides that are profiles. Default: the pack of each one's regime.")
@policy_option()
@click.option("--lang", type=LANG, default="ko", show_default=True, help="Report language.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True)
@as_of_option("Judge profile sides on DATE instead of their assessment.as_of.")
@click.option("--evidence-root", type=FOLDER,
              default=None, metavar="DIR",
              help="Folder both sides' evidence[].path are relative to (default: each "
                   "profile's folder). Use the same root for both, so an evidence regression "
                   "shows.")
@click.option("--no-evidence-check", "no_evidence_check", is_flag=True,
              help="Do not verify evidence files on either side.")
@click.option("--waivers", "waivers_file", type=click.Path(path_type=Path, dir_okay=False),
              metavar="FILE", help="Waivers applied to both profile sides.")
@guarded
def diff(base: Path, head: Path, pack_ref: str | None, policy_dirs: tuple[Path, ...],
         lang: str, fmt: str, as_of: dt.date | None, evidence_root: Path | None,
         no_evidence_check: bool, waivers_file: Path | None) -> int:
    """Compare BASE and HEAD (two profiles, or two JSON reports of check --format json):
    findings that newly fail, newly pass and still fail. Exit 1 only when something newly
    fails (a rule, or a new failing element of a rule that already failed)."""
    from netsep_check.api import Options, diff_sides
    from netsep_check.report.diff import render_diff

    if str(base) == "-" and str(head) == "-":
        raise click.UsageError("only one of BASE and HEAD can be standard input (-)")
    options = Options(pack_ref, tuple(policy_dirs), as_of, evidence_root,
                      not no_evidence_check, waivers_file)
    result = diff_sides(base, head, options)
    _write(render_diff(result, fmt, lang), None)
    return EXIT_FAIL if result.failing else EXIT_OK


@click.command()
@click.argument("profiles", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--lang", type=LANG, default="ko", show_default=True, help="Message language.")
@guarded
def validate(profiles: tuple[Path, ...], lang: str) -> int:
    """Validate PROFILE files against the profile schema only (no rules)."""
    from netsep_check.api import Checker
    from netsep_check.report._safe import visible
    from netsep_check.report.problems import word

    checker = Checker()
    code = EXIT_OK
    for path in profiles:
        try:
            checker.load(path)
            _err(f"{visible(path)}: {word('valid', lang)}")
        except InputError as exc:
            _report_problems(exc, lang)
            code = EXIT_INPUT
    return code


def _terminal() -> bool:
    """Whether standard output is a terminal (it may be closed: ``>&-``)."""
    return sys.stdout is not None and sys.stdout.isatty()
