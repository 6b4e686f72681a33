"""``bundle``: sealed submissions (issue 11 §4), and the bundles ``check`` accepts among its
inputs."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click

from netsep_check.commands._shared import (
    FOLDER,
    LANG,
    _err,
    _refuse_inputs,
    _write,
    as_of_option,
    guarded,
    pack_option,
)
from netsep_check.errors import EXIT_FAIL, EXIT_OK


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
def bundle_inputs(profiles: tuple[Path, ...], evidence_root: Path | None
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


def shown_as(result: Any, shown: dict[str, str]) -> Any:
    """The result with extracted bundle profiles named as the user knows them."""
    if not shown:
        return result
    import dataclasses

    reports = tuple(dataclasses.replace(r, profile_file=shown.get(r.profile_file, r.profile_file))
                    for r in result.reports)
    invalid = tuple(dataclasses.replace(i, file=shown.get(i.file, i.file), problems=tuple(
        dataclasses.replace(p, file=shown.get(p.file, p.file)) for p in i.problems))
        for i in result.invalid)  # each problem too: never the private folder's path
    return dataclasses.replace(result, reports=reports, invalid=invalid)


@click.group()
def bundle() -> None:
    """Sealed submissions: the profile, its evidence and its report in one verifiable zip."""


@bundle.command("create")
@click.argument("profile", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--output", "-o", type=click.Path(path_type=Path, dir_okay=False),
              required=True, help="The bundle to write (a .zip).")
@click.option("--evidence-root", type=FOLDER,
              default=None, metavar="DIR",
              help="Folder that evidence[].path is relative to (default: the profile's).")
@pack_option()
@as_of_option()
@guarded
def bundle_create(profile: Path, output: Path, evidence_root: Path | None,
                  pack_ref: str | None, as_of: dt.date | None) -> int:
    """Seal PROFILE, every evidence file it cites, its JSON report and a manifest (sha256 of
    every member) into one zip. SOURCE_DATE_EPOCH makes the bundle reproducible."""
    from netsep_check.api import Checker
    from netsep_check.bundle.seal import create_bundle

    if str(output) == "-":  # not standard output (a zip on a terminal), nor a file named '-'
        raise click.UsageError("--output - : a bundle is written to a file (a .zip), not to "
                               "standard output")
    _refuse_inputs([output], [profile])  # and the evidence it cites: create_bundle
    created = create_bundle(profile, output, Checker(pack_ref, (), as_of,
                                                     evidence_root=evidence_root))
    _err(f"bundle written to {created.output}: {created.members} members, sealed verdict "
         f"{created.verdict} (pack {created.pack})")
    if created.regime_mismatch:
        _err(f"note: the profile's regime is {created.regime_mismatch}; it was judged against "
             f"pack {created.pack}, as asked (--pack), not its own regime's")
    for evidence_id in created.missing_evidence:
        _err(f"note: evidence {evidence_id} is cited with a path but its file could not be "
             "bundled (missing or outside the evidence root); the sealed report says so")
    _err(f"manifest sha256 {created.manifest_sha256} (record it outside the bundle; "
         "bundle verify --expect checks it)")
    _write(f"{created.bundle_sha256}  {created.output}\n", None)
    return EXIT_OK


@bundle.command("verify")
@click.argument("path", type=click.Path(path_type=Path, dir_okay=False))
@pack_option("Pack to re-check with (default: the built-in pack the bundle names).")
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
