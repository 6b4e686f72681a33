"""The ``netsep-check`` command: a thin click layer over :mod:`netsep_check.api`.

Exit codes: 0 no failing finding, 1 at least one failing finding, 2 invalid input or usage,
3 internal error. Reports go to standard output (or ``--output``); all else to standard error.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import click

from netsep_check import __version__
from netsep_check.errors import EXIT_FAIL, EXIT_INPUT, EXIT_INTERNAL, EXIT_OK, InputError
from netsep_check.report import FORMATS
from netsep_check.rules.vocabulary import AREAS, SEVERITIES

LANG = click.Choice(["ko", "en"])


def _err(message: str) -> None:
    click.echo(message, err=True)


def _lang() -> str:
    """The running command's --lang (Korean when it has none, or outside a command)."""
    context = click.get_current_context(silent=True)
    lang = context.params.get("lang") if context is not None else None
    return lang if lang in ("ko", "en") else "ko"


def _report_problems(error: InputError, lang: str | None = None) -> None:
    """Every problem on standard error, in the command's --lang, profile text made inert."""
    from netsep_check.report.problems import problems_text

    for line in problems_text(error.problems, lang or _lang()):
        _err(line)


def guarded(func: Callable[..., int]) -> Callable[..., None]:
    """Turn results and errors into exit codes; no traceback for bad input."""
    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> None:
        try:
            code = func(*args, **kwargs)
        except InputError as exc:
            _report_problems(exc)
            code = EXIT_INPUT
        except click.exceptions.ClickException:
            raise
        except KeyboardInterrupt as exc:  # Ctrl-C, or SIGTERM in a batch (exit_code 143)
            code = getattr(exc, "exit_code", 130)
            _err("terminated" if code == 143 else "interrupted")
        except Exception as exc:  # a defect of ours: say so, exit 3
            import os
            import traceback

            if os.environ.get("NETSEP_DEBUG"):
                traceback.print_exc()
            _err(f"internal error: {type(exc).__name__}: {exc}\n"
                 "This is a bug in netsep-check, not in your input. Run again with "
                 "NETSEP_DEBUG=1 for details and report it.")
            code = EXIT_INTERNAL
        sys.exit(code)
    return wrapper


def _date(ctx: click.Context, param: click.Parameter, value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date (YYYY-MM-DD)") from None


def _write(text: str | list[tuple[Path | None, str]], output: Path | None = None) -> None:
    """Write one text, or every ``(output, text)`` of a run, through
    :func:`netsep_check.output.write_all`: atomically, all or nothing."""
    from netsep_check.output import write_all

    made = [(output, text)] if isinstance(text, str) else text
    write_all(made)
    for path, _ in made:
        if path is not None:
            _err(f"report written to {path}")


def _refuse_inputs(outputs: list[Path | None], inputs: list[Any]) -> None:
    """``--output`` naming an input of the run (however spelt) is a usage error."""
    from netsep_check.output import output_clash

    clash = output_clash(outputs, inputs)
    if clash is not None:
        raise click.UsageError(f"--output {clash[0]} is {clash[1]}, an input of this run; "
                               "refusing to overwrite it")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="netsep-check")
def main() -> None:
    """Check a SaaS usage profile against the conditions of Korea's network-separation
    (망분리) exception: the 2024 sandbox designations and the 2026 standing exception.

    \b
    Exit codes: 0 compliant (no failing rule), 1 at least one failing rule,
                2 invalid input or usage, 3 internal error.
    """


@main.command()
@click.argument("profiles", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--pack", "pack_ref", metavar="PACK",
              help="Built-in pack id or pack folder. Default: the pack of the profile's regime.")
@click.option("--policy", "policy_dirs", multiple=True, type=click.Path(path_type=Path),
              metavar="DIR", help="Extra rule files (a folder or a file); repeatable.")
@click.option("--format", "fmts", type=click.Choice(FORMATS), multiple=True,
              help="Report format (default text); repeatable, paired by position with "
                   "--output: --format json -o r.json --format sarif -o r.sarif.")
@click.option("--output", "-o", "outputs", multiple=True,
              type=click.Path(path_type=Path, dir_okay=False),
              help="Write the report of the --format in the same position to FILE; a format "
                   "without one goes to standard output (at most one may).")
@click.option("--lang", type=LANG, default="ko", show_default=True, help="Report language.")
@click.option("--as-of", "as_of", callback=_date, metavar="DATE",
              help="Judge on DATE instead of the profile's assessment.as_of.")
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
@click.option("--evidence-root", type=click.Path(exists=True, file_okay=False, path_type=Path),
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
              type=click.Path(exists=True, file_okay=False, path_type=Path), default=None,
              metavar="DIR", help="Folder SARIF artifact URIs are relative to (default: the "
                                  "repository holding the working directory); files outside "
                                  "it get absolute file: URIs.")
@guarded
def check(profiles: tuple[Path, ...], pack_ref: str | None, policy_dirs: tuple[Path, ...],
          fmts: tuple[str, ...], outputs: tuple[Path, ...], lang: str, as_of: dt.date | None,
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
                      tenant_facts=tuple(tenant_facts), egress_logs=tuple(egress_logs))
    _refuse_inputs([output for _, output in targets],
                   [*profiles, waivers_file, baseline_file, *policy_dirs, *tenant_facts,
                    *egress_logs])
    with _bundles(profiles, evidence_root) as (paths, shown):
        result = _shown_as(run(paths, options), shown)
    for item in result.invalid:  # one bad profile must not hide the others' verdicts
        _report_problems(InputError(list(item.problems)), lang)
    for file, kind in result.skipped:
        _err(f"note: {file} skipped: it is {kind}, not a profile")
    for waiver in result.unmatched_waivers:
        _err(f"note: {waiver.describe()} matched no failing finding")
    _refuse_inputs([output for _, output in targets],  # and the files the run read
                   [*(r.profile_file for r in result.reports), *(i.file for i in result.invalid),
                    *(p for r in result.reports for p in (*r.pack.meta_paths, *r.pack.rule_paths))])
    _write([(output, _render(fmt, result, lang, color=output is None and sys.stdout.isatty(),
                             sarif_root=sarif_root))
            for fmt, output in targets])  # written only once every format could be made
    gate = result.gate
    quiet = gate.below + gate.known
    if quiet:
        from netsep_check.i18n import ui

        why = [ui("gate_below", lang, fail_on=gate.fail_on)] if gate.below else []
        why += [ui("gate_known", lang)] if gate.known else []
        _err(ui("gate_quiet", lang, quiet=quiet, why=", ".join(why), tripped=gate.tripped))
    return result.exit_code


def _targets(fmts: tuple[str, ...], outputs: tuple[Path, ...]) -> list[tuple[str, Path | None]]:
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
    return pairs


def _render(fmt: str, result: Any, lang: str, color: bool,
            sarif_root: Path | None = None) -> str:
    """One format's text of the run's one result."""
    from netsep_check.report import renderer

    render = renderer(fmt)
    if fmt == "text":
        return render(result, lang, color=color)
    if fmt == "sarif":
        return render(result, lang, root=sarif_root)
    return render(result, lang)


@main.command()
@click.argument("base", type=click.Path(path_type=Path))
@click.argument("head", type=click.Path(path_type=Path))
@click.option("--pack", "pack_ref", metavar="PACK",
              help="Pack for sides that are profiles. Default: the pack of each one's regime.")
@click.option("--policy", "policy_dirs", multiple=True, type=click.Path(path_type=Path),
              metavar="DIR", help="Extra rule files (a folder or a file); repeatable.")
@click.option("--lang", type=LANG, default="ko", show_default=True, help="Report language.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True)
@click.option("--as-of", "as_of", callback=_date, metavar="DATE",
              help="Judge profile sides on DATE instead of their assessment.as_of.")
@click.option("--evidence-root", type=click.Path(exists=True, file_okay=False, path_type=Path),
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


@main.command()
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


@main.command()
@click.argument("name", type=click.Choice(["profile", "rules", "pack", "parameters", "report",
                                           "waivers", "diff", "rule-list", "tenant-facts",
                                           "tenant-mapping", "egress-hosts"]))
@guarded
def schema(name: str) -> int:
    """Print a JSON Schema: profile, rules (rule files), pack (pack.yaml), parameters (a pack's
    parameter_files), report (check --format json; also --baseline), waivers (check --waivers
    FILE), diff (diff --format json), rule-list (rules --format json), tenant-facts (import ...
    -o FILE), tenant-mapping or egress-hosts (policies/tenant-mapping/)."""
    if name == "profile":
        from netsep_check.validate import profile_schema
        document = profile_schema()
    elif name == "rules":
        from netsep_check.rules.schema import rules_schema
        document = rules_schema()
    elif name == "pack":
        from netsep_check.rules.schema import pack_schema
        document = pack_schema()
    elif name == "parameters":
        from netsep_check.rules.schema import parameters_schema
        document = parameters_schema()
    else:
        from netsep_check.validate.schema_errors import packaged_schema
        document = packaged_schema(name)
    import json  # here, not at start-up: --version should cost little more than click

    _write(json.dumps(document, ensure_ascii=False, indent=2) + "\n", None)
    return EXIT_OK


@main.command()
@click.option("--service", type=click.Choice(["m365", "pulse"]), default=None,
              help="The designated service (sandbox: required). The standing-exception template "
                   "shows M365 products.")
@click.option("--regime", type=click.Choice(["sandbox", "standing_exception"]), default="sandbox",
              show_default=True)
@click.option("--output", "-o", type=click.Path(path_type=Path, dir_okay=False),
              help="Write the template to FILE (refuses to overwrite).")
@guarded
def init(service: str | None, regime: str, output: Path | None) -> int:
    """Print a complete profile template, every control listed and commented (ko/en)."""
    from importlib import resources

    if regime == "sandbox" and service is None:
        raise click.UsageError("--service m365|pulse is required for --regime sandbox")
    name = "profile-standing.yaml" if regime == "standing_exception" else f"profile-{service}.yaml"
    text = resources.files("netsep_check.templates").joinpath(name).read_text(encoding="utf-8")
    if output is not None and output.exists():
        raise InputError.one(str(output), "already exists; refusing to overwrite it")
    _write(text, output)
    return EXIT_OK


@main.command("rules")
@click.option("--pack", "pack_ref", default="sandbox-2024", show_default=True, metavar="PACK")
@click.option("--policy", "policy_dirs", multiple=True, type=click.Path(path_type=Path),
              metavar="DIR", help="Extra rule files; repeatable.")
@click.option("--area", type=click.Choice(AREAS))
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True)
@click.option("--lang", type=LANG, default="ko", show_default=True)
@guarded
def rules_command(pack_ref: str, policy_dirs: tuple[Path, ...], area: str | None, fmt: str,
                  lang: str) -> int:
    """List a pack's rules: id, area, severity, basis strength, title."""
    from netsep_check.rules import load_pack

    pack = load_pack(pack_ref, policy_dirs)
    rows = [rule for rule in pack.rules if area is None or rule.area == area]
    if fmt == "json":
        document = {"pack": {"id": pack.id, "version": pack.version, "digest": pack.digest},
                    "rules": [{"id": r.id, "area": r.area, "severity": r.severity,
                               "strength": r.basis["strength"], "waivable": r.waivable,
                               "title": dict(r.title), "file": r.file, "line": r.line}
                              for r in rows]}
        import json

        _write(json.dumps(document, ensure_ascii=False, indent=2) + "\n", None)
        return EXIT_OK
    from netsep_check.i18n import ui

    width = max((len(r.id) for r in rows), default=4)
    lines = [f"{pack.id} {pack.version} — {pack.title[lang]}"]
    for r in rows:
        lines.append(f"{r.id:<{width}}  {r.area:<16} {r.severity:<8} "
                     f"{r.basis['strength']:<9} {r.title[lang]}")
    lines.append(f"({len(rows)} {ui('rule', lang).lower()})")
    _write("\n".join(lines) + "\n", None)
    return EXIT_OK


@main.command()
@click.argument("rule_id")
@click.option("--pack", "pack_ref", default=None, metavar="PACK",
              help="Pack to look in. Default: every built-in pack, first match.")
@click.option("--policy", "policy_dirs", multiple=True, type=click.Path(path_type=Path),
              metavar="DIR")
@click.option("--lang", type=LANG, default="ko", show_default=True)
@guarded
def explain(rule_id: str, pack_ref: str | None, policy_dirs: tuple[Path, ...], lang: str) -> int:
    """Explain RULE_ID: rationale, legal basis and strength, what is checked, examples, and
    which tenant measurements bear on its controls. A control key (area.control) lists just
    those measurements."""
    from netsep_check.authoring.explain import explain_rule
    from netsep_check.authoring.tenant import controls_of, tenant_section
    from netsep_check.facts.mapping import load_mapping
    from netsep_check.rules import builtin_pack_ids, load_pack

    for ref in [pack_ref] if pack_ref else builtin_pack_ids():
        pack = load_pack(ref, policy_dirs)
        rule = pack.rule(rule_id.upper())
        if rule is not None:
            mapping = load_mapping()
            tenant = tenant_section(controls_of(rule, mapping), lang, mapping)
            _write(explain_rule(rule, pack, lang) + ("\n" + tenant if tenant else ""), None)
            return EXIT_OK
    tenant = tenant_section([rule_id], lang)  # a control key: saas_management.third_party_apps
    if tenant:
        _write(tenant, None)
        return EXIT_OK
    raise InputError.one(rule_id, "no such rule or mapped control (list them with: "
                         "netsep-check rules)")


@main.group()
def policy() -> None:
    """Tools for policy authors: lint, test, docs."""


@policy.command("lint")
@click.argument("target", type=click.Path(path_type=Path))
@click.option("--pack", "base_pack", default=None, metavar="PACK",
              help="Pack that a folder of plain rule files is added to (default sandbox-2024).")
@guarded
def policy_lint(target: Path, base_pack: str | None) -> int:
    """Lint a pack, a folder of rule files, or a folder of packs (each in turn): schema, ids,
    operators, field paths."""
    from netsep_check.authoring.commands import run_lint

    outcome = run_lint(target, base_pack)
    for line in outcome.lines:
        _err(line)
    if outcome.problems:
        raise InputError(list(outcome.problems))
    return outcome.code


@policy.command("test")
@click.argument("target", type=click.Path(path_type=Path))
@click.option("--pack", "base_pack", default=None, metavar="PACK",
              help="Pack that a folder of plain rule files is added to (default sandbox-2024).")
@click.option("--verbose", "-v", is_flag=True, help="List every case, not only mismatches.")
@click.option("--inherited", is_flag=True,
              help="For a pack that extends another, also run the base pack's cases (under "
                   "this pack's parameters, so overrides may flip them).")
@guarded
def policy_test(target: Path, base_pack: str | None, verbose: bool, inherited: bool) -> int:
    """Run the test cases every rule carries (each pack of a folder of packs in turn); exit 1
    on any mismatch, 2 when no case ran."""
    from netsep_check.authoring.commands import run_tests

    outcome = run_tests(target, base_pack, verbose, inherited)
    _write("\n".join(outcome.lines) + "\n", None)
    if outcome.problems:
        raise InputError(list(outcome.problems))
    return outcome.code


@policy.command("docs")
@click.option("--output", "-o", type=click.Path(path_type=Path, dir_okay=False),
              help="Write to FILE (e.g. docs/rules.md) instead of standard output.")
@guarded
def policy_docs(output: Path | None) -> int:
    """Generate the rule reference of every built-in pack (Markdown)."""
    from netsep_check.authoring.explain import reference_markdown
    from netsep_check.rules import builtin_pack_ids, load_pack

    _write(reference_markdown([load_pack(ref) for ref in builtin_pack_ids()]), output)
    return EXIT_OK


# --- due: every date that lapses (issue 11 §3) ----------------------------------------------

@main.command()
@click.argument("profiles", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--within", "within_days", type=click.IntRange(min=0), default=None,
              metavar="DAYS", help="Only what falls due within DAYS (overdue and undated "
                                   "items are always shown).")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "ics"]), default="text",
              show_default=True, help="ics: an iCalendar file to import into a calendar.")
@click.option("--as-of", "as_of", callback=_date, metavar="DATE",
              help="Judge on DATE (default: today).")
@click.option("--lang", type=LANG, default="ko", show_default=True)
@click.option("--waivers", "waivers_file", type=click.Path(path_type=Path, dir_okay=False),
              metavar="FILE", help="Waivers file: list each waiver's expiry too.")
@click.option("--pack", "pack_ref", metavar="PACK",
              help="Pack whose intervals apply (default: the pack of each profile's regime).")
@click.option("--output", "-o", type=click.Path(path_type=Path, dir_okay=False),
              help="Write to FILE instead of standard output.")
@guarded
def due(profiles: tuple[Path, ...], within_days: int | None, fmt: str, as_of: dt.date | None,
        lang: str, waivers_file: Path | None, pack_ref: str | None,
        output: Path | None) -> int:
    """List every date that will lapse for PROFILE files (designation end, provider
    evaluations, self-assessment, training, upload scans, waiver expiries), per firm,
    overdue first. Exit 1 when something is already overdue."""
    from netsep_check.api import Checker
    from netsep_check.batch import expand_inputs
    from netsep_check.evaluate.deadlines import firm_deadlines, waiver_deadlines, within
    from netsep_check.rules import pack_for_regime

    day = as_of or dt.date.today()
    checker = Checker(pack_ref)
    inputs = expand_inputs(profiles)
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


# --- bundle: sealed submissions (issue 11 §4) -----------------------------------------------

def _has_bundle(profiles: tuple[Path, ...]) -> bool:
    """Whether any argument is a zip (by name or by its first bytes): a bundle. Only a
    regular file is opened (a named pipe would block the read)."""
    import os
    import stat

    for path in profiles:
        if path.suffix.lower() == ".zip":
            return True
        try:
            if not stat.S_ISREG(os.stat(path).st_mode):
                continue
            with open(path, "rb") as handle:
                if handle.read(4) in (b"PK\x03\x04", b"PK\x05\x06"):
                    return True
        except (OSError, ValueError):
            continue
    return False


@contextlib.contextmanager
def _bundles(profiles: tuple[Path, ...], evidence_root: Path | None
             ) -> Iterator[tuple[list[Path], dict[str, str]]]:
    """Bundles among the inputs: each extracted into a private folder (removed afterwards)
    and replaced by its profile, judged with its bundled evidence."""
    if not _has_bundle(profiles):
        yield list(profiles), {}
        return
    from netsep_check.bundle.seal import opened_bundles

    if evidence_root is not None:
        raise click.UsageError("--evidence-root does not apply to a bundle: a bundle is "
                               "judged with the evidence sealed in it")
    with opened_bundles(profiles) as (paths, shown, notes):
        for note in notes:
            _err(f"note: {note}")
        yield paths, shown


def _shown_as(result: Any, shown: dict[str, str]) -> Any:
    """The result with extracted bundle profiles named as the user knows them."""
    if not shown:
        return result
    import dataclasses

    reports = tuple(dataclasses.replace(r, profile_file=shown.get(r.profile_file, r.profile_file))
                    for r in result.reports)
    invalid = tuple(dataclasses.replace(i, file=shown.get(i.file, i.file)) for i in result.invalid)
    return dataclasses.replace(result, reports=reports, invalid=invalid)


@main.group()
def bundle() -> None:
    """Sealed submissions: the profile, its evidence and its report in one verifiable zip."""


@bundle.command("create")
@click.argument("profile", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--output", "-o", type=click.Path(path_type=Path, dir_okay=False),
              required=True, help="The bundle to write (a .zip).")
@click.option("--evidence-root", type=click.Path(exists=True, file_okay=False, path_type=Path),
              default=None, metavar="DIR",
              help="Folder that evidence[].path is relative to (default: the profile's).")
@click.option("--pack", "pack_ref", metavar="PACK",
              help="Built-in pack id or pack folder. Default: the pack of the profile's regime.")
@click.option("--as-of", "as_of", callback=_date, metavar="DATE",
              help="Judge on DATE instead of the profile's assessment.as_of.")
@guarded
def bundle_create(profile: Path, output: Path, evidence_root: Path | None,
                  pack_ref: str | None, as_of: dt.date | None) -> int:
    """Seal PROFILE, every evidence file it cites, its JSON report and a manifest (sha256 of
    every member) into one zip. SOURCE_DATE_EPOCH makes the bundle reproducible."""
    from netsep_check.api import Checker
    from netsep_check.bundle.seal import create_bundle

    created = create_bundle(profile, output, Checker(pack_ref, (), as_of,
                                                     evidence_root=evidence_root))
    _err(f"bundle written to {created.output}: {created.members} members, sealed verdict "
         f"{created.verdict}")
    for evidence_id in created.missing_evidence:
        _err(f"note: evidence {evidence_id} is cited with a path but its file could not be "
             "bundled (missing or outside the evidence root); the sealed report says so")
    _err(f"manifest sha256 {created.manifest_sha256} (record it outside the bundle; "
         "bundle verify --expect checks it)")
    _write(f"{created.bundle_sha256}  {created.output}\n", None)
    return EXIT_OK


@bundle.command("verify")
@click.argument("path", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--pack", "pack_ref", metavar="PACK",
              help="Pack to re-check with (default: the built-in pack the bundle names).")
@click.option("--expect", metavar="SHA256",
              help="The manifest digest recorded when the bundle was made.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True)
@click.option("--lang", type=LANG, default="ko", show_default=True)
@guarded
def bundle_verify(path: Path, pack_ref: str | None, expect: str | None, fmt: str,
                  lang: str) -> int:
    """Re-hash every member of the bundle at PATH and re-check its profile with this
    netsep-check. Exit 0 intact, 1 any member added, missing or altered or any verdict that
    differs, 2 a bundle that is not one or is refused (hostile)."""
    from netsep_check.bundle.seal import verify_bundle
    from netsep_check.report.bundle_text import render_verified

    result = verify_bundle(path, pack_ref, expect=expect)
    _write(render_verified(result, fmt, lang), None)
    return EXIT_OK if result.intact else EXIT_FAIL


# --- documents for people: the committee report (issue 11 §1) ---------------------------------

def _period(ctx: click.Context, param: click.Parameter,
            value: str | None) -> tuple[dt.date, dt.date] | None:
    if value is None:
        return None
    start, sep, end = value.partition("..")
    try:
        if not sep:
            raise ValueError
        period = dt.date.fromisoformat(start.strip()), dt.date.fromisoformat(end.strip())
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a period FROM..TO "
                                 "(e.g. 2025-01-01..2025-06-30)") from None
    if period[0] > period[1]:
        raise click.BadParameter(f"{value!r}: the period ends before it starts")
    return period


@main.group("report")
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
@click.option("--pack", "pack_ref", metavar="PACK",
              help="Built-in pack id or pack folder. Default: the pack of the profile's regime.")
@click.option("--as-of", "as_of", callback=_date, metavar="DATE",
              help="Judge on DATE instead of the profile's assessment.as_of.")
@click.option("--evidence-root", type=click.Path(exists=True, file_okay=False, path_type=Path),
              default=None, metavar="DIR",
              help="Folder that evidence[].path is relative to (default: the profile's folder).")
@click.option("--lang", type=LANG, default="ko", show_default=True, help="Report language.")
@click.option("--output", "-o", type=click.Path(path_type=Path, dir_okay=False),
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

    previous = None
    if previous_file is not None:
        from netsep_check.evaluate.diff import load_report_sides
        previous = load_report_sides(previous_file)
    result = run([profile], Options(pack_ref, (), as_of, evidence_root, waivers=waivers_file))
    if result.invalid:  # no report for the committee on a profile that cannot be read
        raise InputError([p for item in result.invalid for p in item.problems])
    for waiver in result.unmatched_waivers:
        _err(f"note: {waiver.describe()} matched no failing finding")
    _write(render_committee(result, lang, period=period, previous=previous,
                            previous_source=previous_file.name if previous_file else "",
                            prepared_by=prepared_by), output)
    return result.exit_code


# --- import: tenant facts from a measurement tool (issue 10) --------------------------------

@main.group("import")
def import_group() -> None:
    """Import a tool's measurement of the tenant as tenant facts (netsep-check schema
    tenant-facts), for check --tenant-facts."""


@import_group.command("scubagear")
@click.argument("results", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--output", "-o", type=click.Path(path_type=Path, dir_okay=False),
              help="Write the facts to FILE (default: standard output).")
@click.option("--max-size", type=click.IntRange(min=1), default=None, metavar="BYTES",
              help="Largest results file accepted (default 64 MiB).")
@guarded
def import_scubagear(results: Path, output: Path | None, max_size: int | None) -> int:
    """Read a ScubaGear results file (ScubaResults_*.json) and write tenant facts: policy
    results and the few settings the mapping uses; the tenant id hashed, no names, no Raw."""
    from netsep_check.facts import dumps, import_file

    facts = import_file("scubagear", results, max_size)
    for policy in facts.unknown_policies:
        _err(f"note: {results}: unknown policy id {policy} (kept, mapped to nothing)")
    text = dumps(facts)
    if output is None:
        _write(text, None)
        return EXIT_OK
    tmp = output.with_name(output.name + ".tmp")
    try:
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(output)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise InputError.one(str(output), f"cannot write facts: {exc.strerror or exc}") from None
    _err(f"{len(facts.facts)} facts from {facts.source.tool} {facts.source.tool_version} "
         f"report {facts.source.report_id} written to {output}")
    return EXIT_OK
