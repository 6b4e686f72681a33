"""``import``: tenant facts from a measurement tool (issue 10)."""

from __future__ import annotations

from pathlib import Path

import click

from netsep_check.commands._shared import _err, _refuse_inputs, _write, dash_is_stdout, guarded
from netsep_check.errors import EXIT_OK
from netsep_check.report._safe import visible


@click.group("import")
def import_group() -> None:
    """Import a tool's measurement of the tenant as tenant facts (netsep-check schema
    tenant-facts), for check --tenant-facts."""


@import_group.command("scubagear")
@click.argument("results", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--output", "-o", type=click.Path(path_type=Path, dir_okay=False),
              callback=dash_is_stdout,
              help="Write the facts to FILE (default: standard output).")
@click.option("--max-size", type=click.IntRange(min=1), default=None, metavar="BYTES",
              help="Largest results file accepted (default 64 MiB).")
@guarded
def import_scubagear(results: Path, output: Path | None, max_size: int | None) -> int:
    """Read a ScubaGear results file (ScubaResults_*.json) and write tenant facts: policy
    results and the few settings the mapping uses; the tenant id hashed, no names, no Raw."""
    from netsep_check.facts import dumps, import_file

    _refuse_inputs([output], [results])
    facts = import_file("scubagear", results, max_size)
    for policy in facts.unknown_policies:  # the results file's text: shown inert
        _err(visible(f"note: {results}: unknown policy id {policy} (kept, mapped to nothing)"))
    text = dumps(facts)
    if output is None:
        _write(text, None)
        return EXIT_OK
    from netsep_check.output import write_all

    write_all([(output, text)])  # atomically; through links; a device written to, not replaced
    _err(visible(f"{len(facts.facts)} facts from {facts.source.tool} "
                 f"{facts.source.tool_version} report {facts.source.report_id} written to "
                 f"{output}"))
    return EXIT_OK
