"""Batch review: which files a run judges, and judging many profiles in parallel.

Inputs are files, folders (every ``*.yaml``, ``*.yml`` and ``*.json`` directly inside,
sorted) and glob patterns (expanded here too, for shells that do not). Results keep the
input order whatever order the workers finish in. A profile that cannot be read or
validated is an :class:`Outcome` with problems; the others are still evaluated.

Reports are plain frozen data (rules without their compiled closures, packs as
:class:`~netsep_check.rules.model.PackInfo`), so a worker returns them as they are (each rule
and pack sent once per worker, then referred to). Each worker receives the checker's
configuration once (its compiled-pack cache emptied), compiles a pack at most once, on first
use, and reuses it for every profile it is given; when a JSON report is to come, it also
encodes each report's JSON line (UTF-8, as it goes into the file). ``--jobs N`` is N workers;
the command reads their results as they arrive, beside them. With one job or one profile
nothing is pickled: the command's checker evaluates in-process.
"""

from __future__ import annotations

import contextlib
import math
import os
import re
import sys
import threading
from collections.abc import Callable, Collection, Sequence
from dataclasses import field
from pathlib import Path
from typing import Any

from netsep_check._record import record
from netsep_check.errors import (
    InputError,
    Problem,
    RunInputError,
    restore_termination,
    trap_termination,
)
from netsep_check.evaluate.findings import Report

PROFILE_SUFFIXES = (".yaml", ".yml", ".json")
_GLOB_CHARS = set("*?[")


# --- inputs ---------------------------------------------------------------------------------

@record(frozen=False)
class Inputs:
    """The profile files to check, in order, and the arguments that named none."""

    paths: list[Path]
    problems: list[Problem]
    batch: bool  # more than one profile, or a folder or a pattern was given
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (file, what it is instead)
    # sift=False: positions in ``paths`` of the files a folder or a pattern brought in (and
    # no argument named), classified only if they cannot be judged as profiles (see
    # :func:`judge_or_sift`); and per such argument, (its position among the problems, its
    # text, what to say when it brought in no profile, the positions of what it brought in)
    sift: frozenset[int] = frozenset()
    groups: list[tuple[int, str, str, list[int]]] = field(default_factory=list)

    @property
    def not_profiles(self) -> int:
        """How many files a folder or a pattern brought in that are not profiles."""
        return len(self.skipped)

    def settle(self, skipped: set[int]) -> list[Problem]:
        """The problems, once the files at the positions in ``skipped`` turned out not to be
        profiles: an argument that brought in none is a problem, in its place."""
        problems = list(self.problems)
        for at, text, message, positions in reversed(self.groups):
            if all(position in skipped for position in positions):
                problems.insert(at, Problem(text, message))
        return problems


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
    from netsep_check.load.source import (
        DEFAULT_MAX_BYTES,
        Source,
        decode,
        open_regular,
        read_bounded,
    )
    from netsep_check.validate.schema_errors import is_valid

    try:
        handle, info = open_regular(path)
        with handle:
            data = read_bounded(handle, info.st_size, DEFAULT_MAX_BYTES)
        if b"profile_version" in data or len(data) > DEFAULT_MAX_BYTES:
            return None  # judged (and refused, if too large, with the checker's own limit)
        data = parse_source(Source(str(path), decode(data, str(path)), "")).data
    except (InputError, OSError, RecursionError, MemoryError):
        return None
    if not isinstance(data, dict):
        return None
    kinds = [kind for kind, schema in _other_schemas() if is_valid(schema, data)]
    return kinds[0] if len(kinds) == 1 else None


def expand_inputs(arguments: Sequence[str | Path], sift: bool = True) -> Inputs:
    """Files as given, folders to their profile files, patterns to the files they match.
    ``sift``: leave out, now, the other netsep-check documents a folder or a pattern brought
    in (each file read); ``False``: note them in ``Inputs.sift``, for :func:`judge_or_sift`
    (a profile that can be judged is never classified, so never read twice)."""
    paths: list[Path] = []
    problems: list[Problem] = []
    skipped: list[tuple[str, str]] = []
    found_by: list[int] = []  # per path: the argument group that brought it in, or -1
    pending: list[tuple[int, str, str, int]] = []  # (problem position, text, message, group)
    batch = False
    for argument in arguments:
        text = str(argument)
        path = Path(text)
        if "\x00" in text:  # os.stat raises ValueError on it, not OSError
            problems.append(Problem(text.replace("\x00", "\\x00"),
                                    "a file name cannot hold a NUL byte"))
            continue
        if text == "-" or path.is_file():
            paths.append(path)
            found_by.append(-1)
            continue
        if path.is_dir():
            batch = True
            found = _listed(path, skipped)
            empty = ("folder holds no profile file "
                     f"({', '.join('*' + s for s in PROFILE_SUFFIXES)})")
        elif _GLOB_CHARS & set(text):
            batch = True
            try:
                found = sorted(p for p in _glob(text, skipped) if not p.is_dir())
            except (OSError, ValueError) as exc:
                problems.append(Problem(text, f"cannot expand this pattern: {exc}"))
                continue
            empty = "no file matches this pattern"
        else:
            paths.append(path)  # reading it reports what is wrong ("no such file", ...)
            found_by.append(-1)
            continue
        if sift:
            found = _sift(found, skipped)
        if not found:
            problems.append(Problem(text, empty))
        elif not sift:
            pending.append((len(problems), text, empty, len(pending)))
        paths.extend(found)
        found_by.extend([len(pending) - 1 if not sift else -1] * len(found))
    seen: dict[str, int] = {}
    unique: list[Path] = []
    named: set[int] = set()  # positions an argument named as a file: never sifted
    members: list[list[int]] = [[] for _ in pending]
    for path, group in zip(paths, found_by, strict=True):
        key = str(path) if str(path) == "-" else os.path.realpath(path)
        position = seen.get(key)
        if position is None:
            position = seen[key] = len(unique)
            unique.append(path)
        if group < 0:
            named.add(position)
        else:
            members[group].append(position)
    groups = [(at, text, empty, members[group]) for at, text, empty, group in pending]
    sifted = frozenset(p for positions in members for p in positions) - named
    return Inputs(unique, problems, batch or len(unique) > 1 or bool(problems), skipped,
                  sifted, groups)


SUB_FOLDER = "a folder of profile files (a folder's sub-folders are not searched)"
LINKED_FOLDER = "a link to a folder of profile files (** does not follow links)"


def _listed(folder: Path, skipped: list[tuple[str, str]]) -> list[Path]:
    """The files of ``folder`` with a profile's suffix, sorted; anything but a folder (a
    named pipe, a link loop, a device) is kept: judged, so refused, not ignored. A sub-folder
    (or a link to one) holding such files is not searched, and is noted in ``skipped``: a
    profile there is never left out in silence."""
    with os.scandir(folder) as entries:
        listed = sorted((entry.name, _folder_entry(entry)) for entry in entries)
    for name, is_folder in listed:
        if is_folder and _holds_profiles(folder / name):
            skipped.append((str(folder / name), SUB_FOLDER))
    return [folder / name for name, is_folder in listed
            if not is_folder and os.path.splitext(name)[1].lower() in PROFILE_SUFFIXES]


def _holds_profiles(folder: Path) -> bool:
    """Whether ``folder`` holds a file with a profile's suffix (one listing; unreadable: no)."""
    try:
        with os.scandir(folder) as entries:
            return any(os.path.splitext(entry.name)[1].lower() in PROFILE_SUFFIXES
                       and not _folder_entry(entry) for entry in entries)
    except OSError:
        return False


def _folder_entry(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir()
    except OSError:  # a link loop (ELOOP), unreadable: not a folder, so judged and refused
        return False


def _glob(pattern: str, skipped: list[tuple[str, str]] | None = None) -> list[Path]:
    """The files and folders ``pattern`` matches, as ``glob.glob(pattern, recursive=True)``
    would list them, except that ``**`` does not descend through links to folders: a folder
    holding links to itself would otherwise double the paths at every level (2**40 of them).
    Such a link that leads to profile files is noted in ``skipped``, never passed over in
    silence. Names starting with '.' match only a pattern part that starts with '.', as in
    glob."""
    parts = Path(pattern).parts
    first = next((i for i, part in enumerate(parts) if _GLOB_CHARS & set(part)), len(parts))
    if first == len(parts):
        return [Path(pattern)] if os.path.lexists(pattern) else []
    base = Path(*parts[:first]) if first else Path()
    rest = [part if part == "**" else re.sub(r"\*+", "*", part) for part in parts[first:]]
    if rest[-1] == "**":  # glob's "dir/**" lists everything below, files too
        rest.append("*")
    hidden_ok = any(part.startswith(".") for part in rest)
    found = []
    for path in base.glob(str(Path(*rest))):  # pathlib's '**' does not follow links
        below = path.relative_to(base).parts if first else path.parts
        if hidden_ok or not any(name.startswith(".") for name in below):
            found.append(path)
    if skipped is not None and "**" in rest:
        skipped.extend((str(link), LINKED_FOLDER) for link in _linked_folders(base, hidden_ok))
    return found


def _linked_folders(base: Path, hidden_ok: bool) -> list[Path]:
    """The links to folders holding profile files beneath ``base``, which ``**`` passed."""
    links = []
    for folder, names, _ in os.walk(str(base) or ".", followlinks=False):
        names[:] = [n for n in names if hidden_ok or not n.startswith(".")]
        for name in names:
            path = Path(folder) / name
            if path.is_symlink() and _holds_profiles(path):
                links.append(path)
    return sorted(links)


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

@record(frozen=False)
class Outcome:
    """One input: its report, or the problems that kept it from being evaluated, or what it
    is instead of a profile (a file a folder or a pattern brought in: see judge_or_sift)."""

    file: str
    report: Report | None = None
    problems: list[Problem] = field(default_factory=list)
    skipped: str | None = None


def judge_or_sift(checker: Any, path: str, sift: bool) -> tuple[str, Any]:
    """("ok", report), ("invalid", problems) or, for a file a folder or a pattern brought in
    (``sift``) that cannot be judged as a profile and is another netsep-check document,
    ("skipped", what it is). A file judged as a profile is never classified: it holds
    ``profile_version``, so :func:`other_kind` would have it judged too."""
    try:
        return "ok", checker.check(path)
    except RunInputError:
        raise  # the run cannot go on (in a worker: crosses back to the command)
    except InputError as exc:
        kind = other_kind(Path(path)) if sift else None
        return ("skipped", kind) if kind is not None else ("invalid", list(exc.problems))


def _outcome(name: str, kind: str, payload: Any) -> Outcome:
    if kind == "ok":
        return Outcome(name, report=payload)
    if kind == "skipped":
        return Outcome(name, skipped=payload)
    return Outcome(name, problems=payload)


_WORKER_CHECKER: Any = None
_WORKER_LANG: str | None = None  # a JSON report in this language is to come
_WORKER_SPOOL: Any = None  # where this worker spools its JSON lines (netsep_check.spool)


def _init_worker(checker: Any, json_lang: str | None = None,
                 spool_folder: str | None = None) -> None:
    global _WORKER_CHECKER, _WORKER_LANG, _WORKER_SPOOL
    _WORKER_CHECKER = checker
    _WORKER_LANG = json_lang
    if spool_folder is not None:
        from netsep_check.spool import WorkerSpool

        _WORKER_SPOOL = WorkerSpool(spool_folder)
    import signal

    # Ctrl-C reaches the whole process group: the parent alone answers it, by ending every
    # worker at once (no traceback from each worker).
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # A worker forked from the parent inherits its SIGTERM handler (trap_termination): the parent's
    # way of ending a worker must end it, at once.
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    if hasattr(signal, "SIGHUP"):  # a hang-up, like Ctrl-C, is answered by the parent alone
        signal.signal(signal.SIGHUP, signal.SIG_IGN)
    _end_with_parent(signal.SIGKILL)


_PR_SET_PDEATHSIG = 1  # linux/prctl.h


def _end_with_parent(signum: int) -> None:
    """Linux: the kernel sends this worker ``signum`` when the process that started it ends,
    however it ends. SIGKILL of the command (the OOM killer, a CI job's time-out) leaves no
    handler to end the workers, which then lived on, each blocked for ever on a queue that
    nobody writes. A worker whose parent ended before the request ends at once. Elsewhere
    (no ``prctl``, no ``ctypes``) nothing changes.

    A worker started by the fork server is the server's child, and holds (as every client
    of it) the write end of the server's "alive" pipe: the server ends only when every
    holder has closed it. The worker closes its copy (it starts no process), so that when
    the command ends the server ends too, and with it, by this signal, the worker."""
    import os
    import sys

    if not sys.platform.startswith("linux"):
        return
    parent = os.getppid()
    try:
        import ctypes

        word = ctypes.c_ulong  # prctl(2) is variadic: its arguments as the kernel reads them
        asked = ctypes.CDLL(None, use_errno=True).prctl(
            ctypes.c_int(_PR_SET_PDEATHSIG), word(signum), word(0), word(0), word(0))
    except (OSError, AttributeError, ImportError):  # no C library to ask: as elsewhere
        return
    if asked == 0 and os.getppid() != parent:  # the parent ended before the request held
        os._exit(1)
    if asked == 0:
        _leave_fork_server()


def _leave_fork_server() -> None:
    """Close this worker's copy of the fork server's "alive" pipe (see _end_with_parent)."""
    with contextlib.suppress(Exception):
        from multiprocessing import forkserver

        server: Any = forkserver._forkserver  # its alive pipe: a private attribute
        alive = server._forkserver_alive_fd
        if alive is not None:
            server._forkserver_alive_fd = None
            os.close(alive)


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
    # The pool's manager thread closes its wake-up pipe as it ends; Python 3.11's exit handler
    # for pools (concurrent.futures.process._python_exit) writes to that pipe unguarded, and a
    # write racing the close prints a traceback after "interrupted". Let the thread end first.
    manager = getattr(pool, "_executor_manager_thread", None)
    if manager is not None:
        with contextlib.suppress(Exception):
            manager.join(timeout=1)


def _check_chunk(chunk: list[tuple[int, str, bool]]
                 ) -> list[tuple[int, str, Any, bytes | None]]:
    """In a worker: evaluate a chunk; ("ok", report, its JSON line or None), ("invalid",
    problems, None) or ("skipped", what it is, None) per profile. The JSON line (when a JSON
    report is to come) is encoded here, as UTF-8, in parallel, rather than by the command one
    report after another."""
    results: list[tuple[int, str, Any, bytes | None]] = []
    encode = None
    if _WORKER_LANG is not None:
        from netsep_check.report.json_report import report_line_bytes

        encode = report_line_bytes
    for index, path, sift in chunk:
        kind, payload = judge_or_sift(_WORKER_CHECKER, path, sift)
        line = None
        if kind == "ok" and encode is not None and _WORKER_LANG:
            line = encode(payload, _WORKER_LANG)
        results.append((index, kind, payload, line))
    return results


# --- results across the process boundary ----------------------------------------------------
# Every finding names its rule, and every report its pack: pickled as they are, each chunk
# would carry its own copy of all of a pack's rules (half of what the parent unpickles). A
# worker sends each rule and pack once, then refers to it by a number; the parent keeps what
# each worker sent and reads the chunks in the order they were given out, which is the order a
# worker took them in (so a rule arrives before the chunks that refer to it).

_SENT: dict[int, Any] = {}  # in a worker: id → rule or pack sent (kept, so no id is reused)
_NEW: dict[int, Any] = {}  # in a worker: those first sent with the chunk being encoded
_RECEIVED = threading.local()  # in the parent: .table, what the worker of the chunk being
# read sent (per thread: two batches may be read at once)


def _sent(key: int) -> Any:
    """In the parent: a rule or pack its worker sent before (how a chunk refers to it)."""
    return _RECEIVED.table[key]


def _refer(obj: Any) -> tuple[Any, tuple[int]]:
    """In a worker: pickle a rule or pack as a reference (sending it first if new)."""
    key = id(obj)
    if key not in _SENT:
        _SENT[key] = _NEW[key] = obj
    return _sent, (key,)


def _encode_results(results: list[tuple[int, str, Any, bytes | None]]) -> tuple[int, bytes,
                                                                                bytes]:
    """In a worker: (process id, the rules and packs not sent before, the results). A
    dispatch table, not a per-object hook: only rules and packs cost a Python call."""
    import copyreg
    import io
    import pickle

    from netsep_check.rules.model import PackInfo, Rule

    _NEW.clear()
    body = io.BytesIO()
    pickler = pickle.Pickler(body, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.dispatch_table = {**copyreg.dispatch_table, Rule: _refer, PackInfo: _refer}
    pickler.dump(results)
    new = pickle.dumps(dict(_NEW), protocol=pickle.HIGHEST_PROTOCOL)
    _NEW.clear()
    return os.getpid(), new, body.getvalue()


def _check_chunk_encoded(chunk: list[tuple[int, str, bool]]) -> tuple[int, bytes, bytes]:
    results: list[Any] = _check_chunk(chunk)
    lines = [line for _, _, _, line in results if line is not None]
    spans = _WORKER_SPOOL.put(lines) if _WORKER_SPOOL is not None and lines else None
    if spans is not None:  # each line sent as where it was spooled: ("spool", offset, length)
        where = iter(spans)
        results = [(index, kind, payload, line if line is None else ("spool", *next(where)))
                   for index, kind, payload, line in results]
    return _encode_results(results)


def _decode_results(payload: tuple[int, bytes, bytes], known: dict[int, dict[int, Any]]
                    ) -> list[tuple[int, str, Any, bytes | None]]:
    """In the parent: a chunk's results, its rules and packs taken from what its worker sent."""
    import pickle

    pid, new, body = payload
    table = known.setdefault(pid, {})
    table.update(pickle.loads(new))
    _RECEIVED.table = table
    try:
        results: list[tuple[int, str, Any, bytes | None]] = pickle.loads(body)
    finally:
        _RECEIVED.table = {}
    return results


def _context() -> Any:
    """``fork`` when this process runs one thread (Linux): the workers start at once, with
    everything imported. ``forkserver`` otherwise (another thread, such as the progress
    bar's, may hold a lock a fork would copy): workers start from a clean, single-threaded
    process, never from a fork of ours."""
    import multiprocessing

    methods = multiprocessing.get_all_start_methods()
    if "fork" in methods and sys.platform.startswith("linux") and \
            threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    if "forkserver" not in methods:
        return None  # the platform's default (spawn on Windows)
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["netsep_check.api", "netsep_check.batch"])
    return context


def default_jobs() -> int:
    return os.cpu_count() or 1


def chunks_of(items: list[Any], workers: int, largest: int = 32) -> list[list[Any]]:
    """``items`` in chunks that shrink toward the end (guided scheduling): large enough at
    first to amortise the round trips, small at the end so that the workers finish together
    (the last chunk one worker takes is what the others may wait for)."""
    chunks = []
    start = 0
    while start < len(items):
        size = max(1, min(largest, math.ceil((len(items) - start) / (workers * 4))))
        chunks.append(items[start:start + size])
        start += size
    return chunks


def run_batch(checker: Any, paths: Sequence[Path], jobs: int | None = None,
              on_progress: Callable[[int], None] | None = None,
              show: bool = False, json_lang: str | None = None,
              sift: Collection[int] = ()) -> list[Outcome]:
    """Check every profile; outcomes in input order. ``on_progress(n)``: n more are done;
    ``show``: a progress bar on standard error when it is a terminal; ``json_lang``: a JSON
    report in that language is to come (parallel workers encode each report's line);
    ``sift``: the positions of files to classify when they cannot be judged
    (:func:`judge_or_sift`)."""
    if show and on_progress is None and len(paths) > 1 and sys.stderr is not None \
            and sys.stderr.isatty():  # None: closed when the command started (2>&-)
        return _with_progress(checker, paths, jobs, json_lang, sift)
    jobs = jobs or default_jobs()
    names = [str(p) for p in paths]
    advance = on_progress or (lambda n: None)
    outcomes: list[Outcome | None] = [None] * len(names)
    if jobs <= 1 or len(names) <= 1 or "-" in names:
        return _judged_here(checker, names, sift, json_lang, advance)
    # ``jobs`` workers judge; the command reads their results as they come, in the order the
    # chunks were given out (see _encode_results), so its own share of the work (reading the
    # results, then the report) runs beside theirs rather than after it.
    workers = min(jobs, len(names))
    chunks = chunks_of([(index, name, index in sift) for index, name in enumerate(names)],
                       workers)
    from concurrent.futures import ProcessPoolExecutor  # only when parallel
    from concurrent.futures.process import BrokenProcessPool

    spool = None
    # SIGTERM and a hang-up end the batch as Ctrl-C does (a hang-up would otherwise kill the
    # command alone: its workers would live on, blocked, and the spool folder stay behind);
    # the command has trapped them already (commands/_shared.guarded), a library call may not
    previous = trap_termination()  # first: a signal between the two would leave the folder behind
    try:
        if json_lang is not None:
            from netsep_check.spool import SpoolFolder

            spool = SpoolFolder.make()
        pool = ProcessPoolExecutor(max_workers=workers, mp_context=_context(),
                                   initializer=_init_worker,
                                   initargs=(checker.fresh(), json_lang,
                                             spool.path if spool is not None else None))
        import gc

        # The workers are forked at the first submit: objects of the command frozen first are
        # never touched by their collectors, so the pages they share are not copied. The
        # command then collects nothing while the results (acyclic data) pour in.
        gc.freeze()
        collecting = gc.isenabled()
        try:
            futures = [pool.submit(_check_chunk_encoded, chunk) for chunk in chunks]
            gc.disable()
            if json_lang is not None:
                from netsep_check.report.json_report import remember_line
            known: dict[int, dict[int, Any]] = {}
            for future in futures:
                payload = future.result()
                for index, kind, report, line in _decode_results(payload, known):
                    outcomes[index] = _outcome(names[index], kind, report)
                    if kind == "ok" and line is not None and json_lang is not None:
                        if isinstance(line, tuple) and spool is not None:
                            line = spool.part(payload[0], line[1], line[2])
                        remember_line(report, json_lang, line)
                    advance(1)
            pool.shutdown(wait=True)
        except BrokenProcessPool:  # a worker killed from outside (the OOM killer, kill -9)
            stop_workers(pool)
            raise RunInputError([Problem(
                "<batch>", "a worker process of the batch ended before finishing its "
                "profiles (stopped from outside, for example when memory ran out); no report "
                "was written: run again, or with fewer --jobs", code="batch.worker_lost")]
            ) from None
        except BaseException:  # Ctrl-C, SIGTERM, a failed chunk: every worker ends now
            stop_workers(pool)
            raise
        finally:
            gc.unfreeze()
            if collecting:
                gc.enable()
    finally:
        restore_termination(previous)
        if spool is not None:
            spool.remove()  # the files the command opened stay readable
    return [o for o in outcomes if o is not None]


def _judged_here(checker: Any, names: list[str], sift: Collection[int], json_lang: str | None,
                 advance: Callable[[int], None]) -> list[Outcome]:
    """Every profile judged in this process, in order. With a JSON report to come and more
    than one profile, each report's line is made as it is judged and spooled (see
    :mod:`netsep_check.spool`): the lines, 70 kB a profile, do not wait in memory for the
    report (2,000 profiles: 202 MB of peak memory held them)."""
    outcomes: list[Outcome] = []
    spool = writer = None
    if json_lang is not None and len(names) > 1:
        from netsep_check.report.json_report import remember_line, report_line_bytes
        from netsep_check.spool import SpoolFolder, WorkerSpool

        spool = SpoolFolder.make()
        writer = WorkerSpool(spool.path) if spool is not None else None
    try:
        for index, name in enumerate(names):
            kind, payload = judge_or_sift(checker, name, index in sift)
            outcomes.append(_outcome(name, kind, payload))
            if writer is not None and spool is not None and json_lang and kind == "ok":
                line = report_line_bytes(payload, json_lang)
                spans = writer.put([line])
                remember_line(payload, json_lang, line if spans is None
                              else spool.part(os.getpid(), *spans[0]))
            advance(1)
    finally:
        if writer is not None:
            writer.close()
        if spool is not None:
            spool.remove()  # the file stays readable through the ranges that refer to it
    return outcomes


def _with_progress(checker: Any, paths: Sequence[Path], jobs: int | None,
                   json_lang: str | None = None, sift: Collection[int] = ()) -> list[Outcome]:
    """:func:`run_batch` with a progress bar on standard error."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(TextColumn("checking profiles"), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task("check", total=len(paths))
        return run_batch(checker, paths, jobs, lambda n: bar.advance(task, n),
                         json_lang=json_lang, sift=sift)
