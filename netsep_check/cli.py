"""The ``netsep-check`` command: a thin click layer over :mod:`netsep_check.api`.

Exit codes: 0 no failing finding, 1 at least one failing finding, 2 invalid input or usage,
3 internal error. Reports go to standard output (or ``--output``); all else to standard error.
"""

from __future__ import annotations

import datetime as dt
import functools
import sys
from collections.abc import Callable
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


def _report_problems(error: InputError) -> None:
    count = len(error.problems)
    for problem in error.problems:
        _err(f"error: {problem}")
    if count > 1:
        _err(f"{count} problems found")


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
@guarded
def check(profiles: tuple[Path, ...], pack_ref: str | None, policy_dirs: tuple[Path, ...],
          fmts: tuple[str, ...], outputs: tuple[Path, ...], lang: str, as_of: dt.date | None,
          max_size: int | None, fail_on: str, waivers_file: Path | None,
          baseline_file: Path | None, jobs: int | None, evidence_root: Path | None,
          no_evidence_check: bool) -> int:
    """Check PROFILE files (YAML or JSON), folders of them or glob patterns, and print a
    pass/fail report (several profiles: one report each, then a firms × areas matrix)."""
    from netsep_check.api import Checker
    from netsep_check.load import DEFAULT_MAX_BYTES

    targets = _targets(fmts, outputs)
    checker = Checker(pack_ref, policy_dirs, as_of, max_size or DEFAULT_MAX_BYTES,
                      evidence_root=evidence_root, verify_evidence=not no_evidence_check)
    return _run_check(checker, profiles, targets, lang, fail_on, waivers_file, baseline_file,
                      jobs)


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


def _run_check(checker: Any, profiles: tuple[Path, ...], targets: list[tuple[str, Path | None]],
               lang: str, fail_on: str, waivers_file: Path | None, baseline_file: Path | None,
               jobs: int | None) -> int:
    """Evaluate, apply waivers and baseline, write every report, and decide the exit code."""
    from netsep_check.batch import Outcome, expand_inputs, run_with_progress
    from netsep_check.evaluate.gate import below_gate, gating_findings

    waivers = baseline = None  # their modules are imported only when asked for
    if waivers_file:
        from netsep_check.evaluate.waivers import apply_waivers, check_rules, load_waivers
        waivers = load_waivers(waivers_file, checker.max_bytes)
    if baseline_file:
        from netsep_check.evaluate.diff import load_baseline
        baseline = load_baseline(baseline_file, checker.max_bytes)
    inputs = expand_inputs(profiles)
    for file, kind in inputs.skipped:
        _err(f"note: {file} skipped: it is {kind}, not a profile")
    if inputs.batch:
        outcomes = run_with_progress(checker, inputs.paths, jobs)
    else:  # one profile: its problems are the command's problems
        outcomes = [Outcome(str(inputs.paths[0]), report=checker.check(inputs.paths[0]))]
    invalid = [Outcome(p.file, problems=[p]) for p in inputs.problems]
    invalid += [o for o in outcomes if o.report is None]
    reports = [o.report for o in outcomes if o.report is not None]
    for outcome in invalid:  # one bad profile must not hide the others' verdicts
        _report_problems(InputError(outcome.problems))
    if waivers is not None:
        check_rules(waivers, (report.pack for report in reports),
                    (finding.rule for report in reports for finding in report.findings))
        for waiver in apply_waivers(reports, waivers):
            _err(f"note: {waiver.describe()} matched no failing finding")
    if baseline is not None:
        for report in reports:
            baseline.annotate(report)
    if reports:
        _refuse_inputs([output for _, output in targets],
                       [*profiles, *inputs.paths, waivers_file, baseline_file,
                        *(path for report in reports
                          for path in (*report.pack.meta_paths, *report.pack.rule_paths))])
        _write([(output, _render(fmt, reports, invalid, lang, inputs.batch,
                                 color=output is None and sys.stdout.isatty()))
                for fmt, output in targets])
    tripped = quiet = 0
    for report in reports:
        excused = baseline.excused(report) if baseline is not None else set()
        tripped += len(gating_findings(report, fail_on, excused))
        quiet += len(below_gate(report, fail_on, excused))
    if quiet:
        why = [f"below --fail-on {fail_on}"] if fail_on != "low" else []
        why += ["already failing in the baseline"] if baseline is not None else []
        _err(f"note: {quiet} failing finding(s) do not fail the run ({' or '.join(why)}); "
             f"{tripped} do")
    if invalid:
        return EXIT_INPUT
    return EXIT_FAIL if tripped else EXIT_OK


def _render(fmt: str, reports: list[Any], invalid: list[Any], lang: str, batch: bool,
            color: bool) -> str:
    """One format's text; a batch adds the matrix (text) or is a batch document (json)."""
    from netsep_check.batch import batch_document, matrix, render_matrix_text
    from netsep_check.report import renderer

    if batch and fmt == "json":
        from netsep_check.report.json_report import dumps

        return dumps(batch_document(reports, invalid, lang))
    render = renderer(fmt)
    if fmt != "text":
        return render(reports, lang)
    text = render(reports, lang, color=color)
    if batch:
        text += "\n" + render_matrix_text(matrix(reports), invalid, lang, color=color)
    return text


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
@guarded
def diff(base: Path, head: Path, pack_ref: str | None, policy_dirs: tuple[Path, ...],
         lang: str, fmt: str) -> int:
    """Compare BASE and HEAD (two profiles, or two JSON reports of check --format json):
    rules that newly fail, newly pass and still fail. Exit 1 only when a rule newly fails."""
    from netsep_check.api import Checker
    from netsep_check.evaluate.diff import compare, load_side, render_diff

    checker = Checker(pack_ref, policy_dirs)
    sides, problems = [], []
    for path in (base, head):
        try:
            sides.append(load_side(path, checker))
        except InputError as exc:
            problems.extend(exc.problems)
    if problems:
        raise InputError(problems)
    result = compare(*sides)
    _write(render_diff(result, fmt, lang), None)
    return EXIT_FAIL if result.failing else EXIT_OK


@main.command()
@click.argument("profiles", nargs=-1, required=True, type=click.Path(path_type=Path))
@guarded
def validate(profiles: tuple[Path, ...]) -> int:
    """Validate PROFILE files against the profile schema only (no rules)."""
    from netsep_check.api import Checker

    checker = Checker()
    code = EXIT_OK
    for path in profiles:
        try:
            checker.load(path)
            _err(f"{path}: valid profile")
        except InputError as exc:
            _report_problems(exc)
            code = EXIT_INPUT
    return code


@main.command()
@click.argument("name", type=click.Choice(["profile", "rules", "pack", "report", "waivers"]))
@guarded
def schema(name: str) -> int:
    """Print a JSON Schema: profile, rules (rule files), pack (pack.yaml), report or waivers
    (check --waivers FILE)."""
    if name == "profile":
        from netsep_check.validate import profile_schema
        document = profile_schema()
    elif name == "rules":
        from netsep_check.rules.schema import rules_schema
        document = rules_schema()
    elif name == "pack":
        from netsep_check.rules.schema import pack_schema
        document = pack_schema()
    else:
        from netsep_check.validate.schema_errors import packaged_schema
        document = packaged_schema(name)
    import json  # here, not at start-up: --version should cost little more than click

    _write(json.dumps(document, ensure_ascii=False, indent=2) + "\n", None)
    return EXIT_OK


@main.command()
@click.option("--service", type=click.Choice(["m365", "pulse"]), required=True)
@click.option("--regime", type=click.Choice(["sandbox"]), default="sandbox", show_default=True)
@click.option("--output", "-o", type=click.Path(path_type=Path, dir_okay=False),
              help="Write the template to FILE (refuses to overwrite).")
@guarded
def init(service: str, regime: str, output: Path | None) -> int:
    """Print a complete profile template, every control listed and commented (ko/en)."""
    from importlib import resources

    text = resources.files("netsep_check.templates").joinpath(
        f"profile-{service}.yaml").read_text(encoding="utf-8")
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
    """Explain RULE_ID: rationale, legal basis and strength, what is checked, examples."""
    from netsep_check.authoring.explain import explain_rule
    from netsep_check.rules import builtin_pack_ids, load_pack

    for ref in [pack_ref] if pack_ref else builtin_pack_ids():
        pack = load_pack(ref, policy_dirs)
        rule = pack.rule(rule_id.upper())
        if rule is not None:
            _write(explain_rule(rule, pack, lang), None)
            return EXIT_OK
    raise InputError.one(rule_id, "no such rule (list them with: netsep-check rules)")


@main.group()
def policy() -> None:
    """Tools for policy authors: lint, test, docs."""


@policy.command("lint")
@click.argument("target", type=click.Path(path_type=Path))
@click.option("--pack", "base_pack", default=None, metavar="PACK",
              help="Pack that a folder of plain rule files is added to (default sandbox-2024).")
@guarded
def policy_lint(target: Path, base_pack: str | None) -> int:
    """Lint a pack folder (or a folder of rule files): schema, ids, operators, field paths."""
    from netsep_check.authoring.lint import lint

    pack, problems = lint(target, base_pack)
    if problems:
        raise InputError(problems)
    assert pack is not None
    _err(f"{target}: {len(pack.rules)} rules of pack {pack.id} are clean")
    return EXIT_OK


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
    """Run the test cases every rule carries; exit 1 on any mismatch."""
    from netsep_check.authoring.cases import run_cases
    from netsep_check.rules import load_pack
    from netsep_check.rules.packs import display_name, rule_files_in

    only = None
    if (target / "pack.yaml").is_file() or target.name == "pack.yaml" or not target.exists():
        pack = load_pack(target)
        if pack.extends and not inherited:  # the base pack's cases are the base pack's to run
            base_ids = {rule.id for rule in load_pack(pack.extends).rules}
            only = {rule.id for rule in pack.rules if rule.id not in base_ids}
    else:  # test only the rules of the folder, on top of the base pack
        pack = load_pack(base_pack or "sandbox-2024", (target,))
        files = {display_name(path) for path in rule_files_in(target)}
        only = {rule.id for rule in pack.rules if rule.file in files}
    results, coverage = run_cases(pack, only)
    bad = [r for r in results if not r.ok]
    lines = []
    for result in results:
        if verbose or not result.ok:
            mark = "ok  " if result.ok else "FAIL"
            lines.append(f"{mark} {result.rule.id} [{result.name}] expected {result.expected}, "
                         f"got {result.actual}" + (f" — {result.detail}" if not result.ok
                                                   and result.detail else ""))
    lacking = [c for c in coverage if not c.complete]
    for c in lacking:
        missing = [w for w, has in (("passing", c.has_pass), ("failing", c.has_fail)) if not has]
        lines.append(f"WARN {c.rule.id} ({c.rule.file}) has no {' and no '.join(missing)} case")
    rules_run = len(coverage)
    lines.append(f"{len(results) - len(bad)} passed, {len(bad)} failed "
                 f"({len(results)} cases over {rules_run} rules of pack {pack.id}; "
                 f"{len(lacking)} rules lack a passing or failing case)")
    _write("\n".join(lines) + "\n", None)
    return EXIT_FAIL if bad else EXIT_OK


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
