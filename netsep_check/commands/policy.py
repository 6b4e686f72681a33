"""Tools for policy authors: ``policy lint``, ``policy test`` and ``policy docs``."""

from __future__ import annotations

from pathlib import Path

import click

from netsep_check.commands._shared import _err, _write, dash_is_stdout, guarded
from netsep_check.errors import EXIT_OK, InputError


@click.group()
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
              callback=dash_is_stdout,
              help="Write to FILE (e.g. docs/rules.md) instead of standard output.")
@guarded
def policy_docs(output: Path | None) -> int:
    """Generate the rule reference of every built-in pack (Markdown)."""
    from netsep_check.authoring.explain import reference_markdown
    from netsep_check.rules import builtin_pack_ids, load_pack
    from netsep_check.rules.packs import is_builtin

    if output is not None and is_builtin(output.absolute()):
        raise click.UsageError(f"--output {output} is inside the built-in packs' folder, the "
                               "input of this command; refusing to write there")
    _write(reference_markdown([load_pack(ref) for ref in builtin_pack_ids()]), output)
    return EXIT_OK
