"""Batch review: many profiles in one run, in parallel, ending with a firms × areas matrix.

Inputs are files, folders (every ``*.yaml``, ``*.yml`` and ``*.json`` directly inside,
sorted) and glob patterns (expanded here too, for shells that do not). Results keep the
input order whatever order the workers finish in. A profile that cannot be read or
validated is an :class:`Outcome` with problems; the others are still evaluated.

Parallel runs and pickling
--------------------------
A :class:`~netsep_check.evaluate.Report` cannot cross a process boundary as it is: each
finding holds its :class:`~netsep_check.rules.model.Rule`, and a rule holds compiled
conditions (closures), which do not pickle. Workers therefore never send rules back:

* The parent sends each worker, once, a copy of its :class:`~netsep_check.api.Checker`
  *configuration* (the dataclass with its compiled-pack cache emptied: only paths, refs and
  limits, all picklable). The pool initializer keeps it as the worker's checker, so each
  worker compiles a pack at most once, on first use, and reuses it for every profile of
  every chunk it is given.
* A worker evaluates a chunk of profiles and returns, per profile, a :class:`_Detached`
  report: every field of the report and of its findings (plain data: strings, dates,
  lists, :class:`Failure` records), with the pack replaced by the ref it was loaded from
  and its digest, and each finding's rule replaced by the rule id.
* The parent re-attaches: it loads each pack ref once (its own checker caches it), checks
  that the digest matches the worker's (the policy files did not change mid-run), and
  rebuilds the findings with the parent's ``Rule`` objects looked up by id: the pack's
  rules, and the built-in rules judged outside any pack (the evidence-file checks of
  :mod:`netsep_check.evaluate.evidence`, module-level objects, the same in every process).

The copy of fields is generic (``dataclasses.fields``), so a field added to ``Report`` or
``Finding`` later travels without changes here. With one job or one profile nothing is
pickled: the parent's checker evaluates in-process.
"""

from __future__ import annotations

import contextlib
import dataclasses
import glob
import math
import os
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from netsep_check.errors import InputError, Problem
from netsep_check.evaluate.findings import STATUSES, Finding, Report
from netsep_check.rules.model import AREAS

PROFILE_SUFFIXES = (".yaml", ".yml", ".json")
_GLOB_CHARS = set("*?[")


# --- inputs ---------------------------------------------------------------------------------

@dataclass
class Inputs:
    """The profile files to check, in order, and the arguments that named none."""

    paths: list[Path]
    problems: list[Problem]
    batch: bool  # more than one profile, or a folder or a pattern was given
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (file, what it is instead)

    @property
    def not_profiles(self) -> int:
        """How many files a folder or a pattern brought in that are not profiles."""
        return len(self.skipped)


def _other_schemas() -> list[tuple[str, dict[str, Any]]]:
    from netsep_check.rules.schema import pack_schema, parameters_schema, rules_schema
    from netsep_check.validate.schema_errors import packaged_schema

    return [("a waivers file", packaged_schema("waivers")), ("a pack file", pack_schema()),
            ("a rule file", rules_schema()), ("a parameter file", parameters_schema()),
            ("a netsep-check JSON report", packaged_schema("report"))]


def other_kind(path: Path) -> str | None:
    """What a file found in a folder or by a pattern is, when it is *valid* as another
    netsep-check document (waivers, pack, rule file, parameter file, JSON report) and as
    exactly one of them. ``None`` otherwise: the file is judged as a profile.

    Classified by schema, never by a text sniff that a key could steer: the file is read by
    the bounded loader and validated against each of those schemas. A file that cannot be
    read or parsed, that is not a mapping, that holds ``profile_version`` anywhere, or that
    is valid as none (or as several) of them is a profile, so a broken or disguised profile
    is still judged and reported. The one shortcut (the text holding ``profile_version``)
    can only lead to judging, never to skipping."""
    from netsep_check.load.document import parse_source
    from netsep_check.load.source import DEFAULT_MAX_BYTES, Source, decode, open_regular
    from netsep_check.validate.schema_errors import is_valid_fast, validator

    try:
        handle, _ = open_regular(path)
        with handle:
            data = handle.read(DEFAULT_MAX_BYTES + 1)
        if b"profile_version" in data or len(data) > DEFAULT_MAX_BYTES:
            return None  # judged (and refused, if too large, with the checker's own limit)
        data = parse_source(Source(str(path), decode(data, str(path)), "")).data
    except (InputError, OSError, RecursionError, MemoryError):
        return None
    if not isinstance(data, dict):
        return None
    kinds = [kind for kind, schema in _other_schemas()
             if is_valid_fast(schema, data) or validator(schema).is_valid(data)]
    return kinds[0] if len(kinds) == 1 else None


def expand_inputs(arguments: Sequence[str | Path]) -> Inputs:
    """Files as given, folders to their profile files, patterns to the files they match."""
    paths: list[Path] = []
    problems: list[Problem] = []
    skipped: list[tuple[str, str]] = []
    batch = False
    for argument in arguments:
        text = str(argument)
        path = Path(text)
        if text == "-" or path.is_file():
            paths.append(path)
        elif path.is_dir():
            batch = True
            found = sorted(p for p in path.iterdir()  # anything but a folder: a named
                           if p.suffix.lower() in PROFILE_SUFFIXES  # pipe, a link loop, a
                           and not p.is_dir())  # device is judged, so refused, not ignored
            found = _sift(found, skipped)
            if not found:
                problems.append(Problem(text, "folder holds no profile file "
                                        f"({', '.join('*' + s for s in PROFILE_SUFFIXES)})"))
            paths.extend(found)
        elif _GLOB_CHARS & set(text):
            batch = True
            found = sorted(Path(p) for p in glob.glob(text, recursive=True)
                           if not Path(p).is_dir())
            found = _sift(found, skipped)
            if not found:
                problems.append(Problem(text, "no file matches this pattern"))
            paths.extend(found)
        else:
            paths.append(path)  # reading it reports what is wrong ("no such file", ...)
    seen: set[str] = set()
    unique = []
    for path in paths:
        key = str(path) if str(path) == "-" else os.path.realpath(path)
        if key not in seen:
            seen.add(key)
            unique.append(path)
    return Inputs(unique, problems, batch or len(unique) > 1 or bool(problems), skipped)


def _sift(found: list[Path], skipped: list[tuple[str, str]]) -> list[Path]:
    """Leave out the other netsep-check documents a folder or a pattern brought in."""
    kept = []
    for path in found:
        kind = other_kind(path)
        if kind is None:
            kept.append(path)
        else:
            skipped.append((str(path), kind))
    return kept


# --- evaluation -----------------------------------------------------------------------------

@dataclass
class Outcome:
    """One input: its report, or the problems that kept it from being evaluated."""

    file: str
    report: Report | None = None
    problems: list[Problem] = field(default_factory=list)


@dataclass
class _Detached:
    """A report in picklable form: rules by id, the pack by ref and digest."""

    pack_ref: str
    pack_digest: str
    report: dict[str, Any]
    findings: list[tuple[str, dict[str, Any]]]


def detach(report: Report, pack_ref: str) -> _Detached:
    fields = {f.name: getattr(report, f.name) for f in dataclasses.fields(report)
              if f.name not in ("pack", "findings")}
    findings = [(finding.rule.id, {f.name: getattr(finding, f.name)
                                   for f in dataclasses.fields(finding) if f.name != "rule"})
                for finding in report.findings]
    return _Detached(pack_ref, report.pack.digest, fields, findings)


def attach(detached: _Detached, checker: Any) -> Report:
    pack = checker.pack(detached.pack_ref)
    if pack.digest != detached.pack_digest:
        raise InputError.one(detached.pack_ref, "the pack's files changed while profiles "
                             "were being checked; run again")
    from netsep_check.evaluate.evidence import RULES as EVIDENCE_RULES  # built-in checks

    rules = {rule.id: rule for rule in (*pack.rules, *EVIDENCE_RULES)}
    findings = [Finding(rule=rules[rule_id], **fields) for rule_id, fields in detached.findings]
    return Report(pack=pack, findings=findings, **detached.report)


def pack_ref_of(checker: Any, report: Report) -> str:
    """The pack ref the checker used for ``report`` (as :meth:`Checker.check` chooses it)."""
    from netsep_check.rules import pack_for_regime

    return checker.pack_ref or pack_for_regime(report.regime)


_WORKER_CHECKER: Any = None


def _init_worker(checker: Any) -> None:
    global _WORKER_CHECKER
    _WORKER_CHECKER = checker
    import signal

    # Ctrl-C reaches the whole process group: the parent alone answers it, by ending every
    # worker at once (no traceback from each worker).
    signal.signal(signal.SIGINT, signal.SIG_IGN)


class Terminated(KeyboardInterrupt):
    """SIGTERM during a parallel batch: the run ends as for Ctrl-C, with exit code 143."""

    exit_code = 143


def _raise_terminated(signum: int, frame: Any) -> None:
    raise Terminated()


def _on_sigterm() -> Any:
    """Turn SIGTERM into :class:`Terminated` (main thread only); the previous handler."""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        return None
    return signal.signal(signal.SIGTERM, _raise_terminated)


def _restore_sigterm(previous: Any) -> None:
    import signal

    if previous is not None:
        signal.signal(signal.SIGTERM, previous)


def stop_workers(pool: Any) -> None:
    """End every worker of ``pool`` now (SIGTERM, then SIGKILL after 2 s) and drop the work
    not yet started. ``concurrent.futures`` alone would wait for the running chunks."""
    processes = list((getattr(pool, "_processes", None) or {}).values())
    for process in processes:
        with contextlib.suppress(Exception):
            process.terminate()
    with contextlib.suppress(Exception):
        pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        with contextlib.suppress(Exception):
            process.join(timeout=2)
            if process.is_alive():
                process.kill()
                process.join(timeout=1)


def _check_chunk(chunk: list[tuple[int, str]]) -> list[tuple[int, str, Any]]:
    """In a worker: evaluate a chunk; ("ok", detached) or ("invalid", problems) per profile."""
    results: list[tuple[int, str, Any]] = []
    for index, path in chunk:
        try:
            report = _WORKER_CHECKER.check(path)
        except InputError as exc:
            results.append((index, "invalid", list(exc.problems)))
            continue
        results.append((index, "ok", detach(report, pack_ref_of(_WORKER_CHECKER, report))))
    return results


def _fresh(checker: Any) -> Any:
    """The checker's configuration without its compiled packs (which do not pickle)."""
    return dataclasses.replace(checker, _packs={})


def _context() -> Any:
    """``forkserver`` where there is one: workers start from a clean, single-threaded
    process, never from a fork of ours, which may be running the progress bar's thread."""
    import multiprocessing

    if "forkserver" not in multiprocessing.get_all_start_methods():
        return None  # the platform's default (spawn on Windows)
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["netsep_check.api", "netsep_check.batch"])
    return context


def default_jobs() -> int:
    return os.cpu_count() or 1


def chunk_size(count: int, workers: int) -> int:
    """Chunks small enough to balance the load, large enough to amortise the round trips."""
    return max(1, min(32, math.ceil(count / (workers * 4))))


def run_batch(checker: Any, paths: Sequence[Path], jobs: int | None = None,
              on_progress: Callable[[int], None] | None = None) -> list[Outcome]:
    """Check every profile; outcomes in input order. ``on_progress(n)``: n more are done."""
    jobs = jobs or default_jobs()
    names = [str(p) for p in paths]
    advance = on_progress or (lambda n: None)
    outcomes: list[Outcome | None] = [None] * len(names)
    if jobs <= 1 or len(names) <= 1 or "-" in names:
        for index, name in enumerate(names):
            try:
                outcomes[index] = Outcome(name, report=checker.check(paths[index]))
            except InputError as exc:
                outcomes[index] = Outcome(name, problems=list(exc.problems))
            advance(1)
        return [o for o in outcomes if o is not None]
    workers = min(jobs, len(names))
    size = chunk_size(len(names), workers)
    items = list(enumerate(names))
    chunks = [items[i:i + size] for i in range(0, len(items), size)]
    from concurrent.futures import ProcessPoolExecutor, as_completed  # only when parallel

    previous = _on_sigterm()
    try:
        pool = ProcessPoolExecutor(max_workers=workers, mp_context=_context(),
                                   initializer=_init_worker, initargs=(_fresh(checker),))
        try:
            futures = [pool.submit(_check_chunk, chunk) for chunk in chunks]
            for future in as_completed(futures):
                for index, kind, payload in future.result():
                    if kind == "ok":
                        outcomes[index] = Outcome(names[index], report=attach(payload, checker))
                    else:
                        outcomes[index] = Outcome(names[index], problems=payload)
                    advance(1)
            pool.shutdown(wait=True)
        except BaseException:  # Ctrl-C, SIGTERM, a failed chunk: every worker ends now
            stop_workers(pool)
            raise
    finally:
        _restore_sigterm(previous)
    return [o for o in outcomes if o is not None]


def run_with_progress(checker: Any, paths: Sequence[Path], jobs: int | None = None,
                      show: bool | None = None) -> list[Outcome]:
    """:func:`run_batch` with a progress bar on standard error when it is a terminal."""
    if show is None:
        show = len(paths) > 1 and sys.stderr.isatty()
    if not show:
        return run_batch(checker, paths, jobs)
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(TextColumn("checking profiles"), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("check", total=len(paths))
        return run_batch(checker, paths, jobs, lambda n: bar.advance(task, n))


# --- the matrix -----------------------------------------------------------------------------

_RANK = {status: rank for rank, status in enumerate(STATUSES)}  # fail is worst (0)


def _worse(a: str | None, b: str) -> str:
    return b if a is None or _RANK[b] < _RANK[a] else a


def matrix(reports: Iterable[Report]) -> dict[str, Any]:
    """Firms × areas: the worst status of each firm's findings in each area.

    A firm with several profiles gets one row, worst over all of them (its profiles are
    listed). Rows keep the order in which firms first appear.
    """
    rows: dict[str, dict[str, Any]] = {}
    used: set[str] = set()
    for report in reports:
        row = rows.setdefault(report.firm, {"firm": report.firm, "profiles": [],
                                            "cells": {}, "worst": None})
        row["profiles"].append(report.profile_file)
        for area, worst in report.worst_by_area().items():
            used.add(area)
            row["cells"][area] = _worse(row["cells"].get(area), worst)
            row["worst"] = _worse(row["worst"], worst)
    areas = [area for area in AREAS if area in used]
    for row in rows.values():
        row["cells"] = {area: row["cells"].get(area) for area in areas}
    return {"areas": areas, "rows": list(rows.values())}


_STYLE = {"fail": "bold red", "error": "bold magenta", "waived": "yellow", "pass": "green",
          "not_applicable": "dim"}
_TITLE = ("Batch matrix: worst status per firm and area",
          "일괄 점검 매트릭스: 회사·영역별 최악 결과")
_FIRM = ("Firm", "회사")
_PROFILES = ("Profiles", "프로파일")
_OVERALL = ("Overall", "종합")
_INVALID = ("Not evaluated (invalid input)", "평가하지 못함 (잘못된 입력)")
_PROBLEMS = ("{n} problem(s)", "문제 {n}건")


def _pick(pair: tuple[str, str], lang: str) -> str:
    return pair[1] if lang == "ko" else pair[0]


def render_matrix_text(table: dict[str, Any], invalid: Sequence[Outcome], lang: str,
                       color: bool = False, width: int = 120) -> str:
    import io

    from rich.cells import cell_len
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from netsep_check.i18n import ui

    buffer = io.StringIO()
    console = Console(file=buffer, force_terminal=color, no_color=not color, width=width,
                      highlight=False, emoji=False, markup=False)
    grid = Table(title=_pick(_TITLE, lang), title_justify="left", show_lines=False)
    grid.add_column(_pick(_FIRM, lang), no_wrap=True)
    grid.add_column(_pick(_PROFILES, lang), justify="right", no_wrap=True)
    statuses = max(cell_len(ui(status, lang)) for status in STATUSES)
    for header in [*(ui(area, lang) for area in table["areas"]), _pick(_OVERALL, lang)]:
        words = header.split()  # one word a line: the column is as wide as its longest word
        size = max(max(cell_len(word) for word in words), statuses)
        grid.add_column("\n".join(words), justify="center", no_wrap=True, min_width=size,
                        max_width=size)

    def cell(status: str | None) -> Text:
        return Text(ui(status, lang), style=_STYLE[status]) if status else Text("·", style="dim")

    for row in table["rows"]:
        grid.add_row(Text(row["firm"]), str(len(row["profiles"])),
                     *(cell(row["cells"][area]) for area in table["areas"]), cell(row["worst"]))
    # As wide as it takes for no word of a header to be broken, and at least ``width``:
    # each column's widest word or cell, plus padding (2) and a border (1) each, plus one.
    firms = max((cell_len(row["firm"]) for row in table["rows"]), default=0)
    widths = [max(firms, cell_len(_pick(_FIRM, lang))),
              cell_len(_pick(_PROFILES, lang)),
              *(column.min_width or 0 for column in grid.columns[2:])]
    console.width = max(width, sum(w + 3 for w in widths) + 1)
    console.print(grid)
    if invalid:
        console.print(Text(_pick(_INVALID, lang), style="bold magenta"))
        for outcome in invalid:
            count = _pick(_PROBLEMS, lang).format(n=len(outcome.problems))
            first = f" — {outcome.problems[0].message}" if outcome.problems else ""
            console.print(Text(f"  {outcome.file}: {count}{first}"))
    return buffer.getvalue()


def batch_document(reports: Sequence[Report], invalid: Sequence[Outcome],
                   lang: str) -> dict[str, Any]:
    """The JSON batch document: every report, the matrix, and the inputs not evaluated."""
    from netsep_check.report.json_report import batch_header, report_dict

    return {**batch_header(),
            "reports": [report_dict(r, lang) for r in reports],
            "matrix": matrix(reports),
            "invalid": [{"file": o.file, "problems": [p.as_dict() for p in o.problems]}
                        for o in invalid]}
