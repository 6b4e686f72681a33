"""A batch's JSON lines, spooled: each worker appends the lines of the reports it judged to a
file of its own, in a private temporary folder, and sends the command where each line is
(offset, length) instead of the line itself (a batch judged in the command itself, one job,
spools its lines the same way, as it judges). The command's report file is then made
by copying those ranges in the kernel (:class:`netsep_check.output.FileRange`), so ~70 kB a
profile never passes through a pipe, a pickle or the command's memory, and the command's
memory stays flat however many profiles a batch holds.

A worker that cannot write its spool (a full disk, a read-only temporary folder) sends its
lines inline from then on; the folder is removed when the batch ends (the command keeps each
spool file open, so the ranges stay readable until the last one is dropped). A command killed
outright (SIGKILL) runs nothing that could remove it: its folder is named by its process and
PID namespace, and the next parallel batch removes it once that process is gone
(:func:`sweep`).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import weakref

from netsep_check.output import FileRange

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)


_PREFIX = "netsep-check-spool-"
_SWEEP_LOOK = 10_000  # entries of the temporary folder looked at, at most, per sweep


def _namespace() -> str:
    """This process's PID namespace (Linux: the inode of /proc/self/ns/pid), or ``x`` where
    it cannot be told: a process id means something only within its namespace."""
    try:
        return str(os.stat("/proc/self/ns/pid").st_ino)
    except OSError:
        return "x"


def _gone(pid: int) -> bool:
    """Whether no process ``pid`` exists (one of another user, or a reused id, counts as
    alive: its folder is kept)."""
    if pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except (OSError, OverflowError):  # not a process id this system can have: not ours
        return False
    return False


def sweep(folder: str | None = None) -> list[str]:
    """Remove the spool folders of commands that are gone: those in ``folder`` (the temporary
    folder) named for this PID namespace, owned by this user, whose command no longer runs.
    A folder of another namespace, user or of a live process, or one whose name says
    neither, is left alone. Returns the folders removed."""
    import stat
    import tempfile

    folder = folder or tempfile.gettempdir()
    namespace = _namespace()
    if namespace == "x":  # a process id alone could name a live command elsewhere
        return []
    mine = f"{_PREFIX}{namespace}-"
    removed = []
    try:
        with os.scandir(folder) as entries:
            for looked, entry in enumerate(entries):
                if looked >= _SWEEP_LOOK:
                    break
                if not entry.name.startswith(mine):
                    continue
                pid_text = entry.name[len(mine):].split("-", 1)[0]
                # ASCII digits only, as os.getpid() writes them: anyone may name an entry of
                # /tmp ('²' is a digit to isdigit(), not to int(); 20 digits overflow a pid)
                if not (pid_text.isascii() and pid_text.isdigit() and len(pid_text) <= 10
                        and _gone(int(pid_text))):
                    continue
                try:
                    info = entry.stat(follow_symlinks=False)
                except OSError:
                    continue
                if not stat.S_ISDIR(info.st_mode) or info.st_uid != getattr(os, "getuid", lambda: -1)():
                    continue
                shutil.rmtree(entry.path, ignore_errors=True)
                removed.append(entry.path)
    except OSError:
        return removed
    return removed


def _name(folder: str, pid: int) -> str:
    return os.path.join(folder, f"{pid}.jsonl")


class _Reader:
    """One worker's spool file, open for reading in the command; closed when no range
    refers to it any longer."""

    __slots__ = ("__weakref__", "fd")

    def __init__(self, fd: int) -> None:
        self.fd = fd
        weakref.finalize(self, os.close, fd)


class SpoolFolder:
    """In the command: the batch's spool folder, and the workers' files read from it."""

    def __init__(self, path: str) -> None:
        self.path = path
        self._readers: dict[int, _Reader] = {}

    @classmethod
    def make(cls) -> SpoolFolder | None:
        """A new private folder (mode 0700), or ``None`` when none can be made (the lines are
        then sent inline). Named by this process and its PID namespace, so that a later batch
        can tell it was left by a command that is gone (:func:`sweep`), whose folders it
        removes first."""
        import tempfile

        sweep()
        try:
            return cls(tempfile.mkdtemp(prefix=f"{_PREFIX}{_namespace()}-{os.getpid()}-"))
        except OSError:
            return None

    def part(self, pid: int, offset: int, length: int) -> FileRange:
        """Where worker ``pid`` spooled a line."""
        reader = self._readers.get(pid)
        if reader is None:
            reader = self._readers[pid] = _Reader(os.open(_name(self.path, pid),
                                                          os.O_RDONLY | _NOFOLLOW))
        return FileRange(reader, offset, length)

    def remove(self) -> None:
        """The folder and its files gone (files already open stay readable)."""
        shutil.rmtree(self.path, ignore_errors=True)


class WorkerSpool:
    """In a worker: its spool file, created on first use."""

    def __init__(self, folder: str) -> None:
        self.folder = folder
        self._fd: int | None = None
        self._at = 0
        self.broken = False

    def close(self) -> None:
        """The file closed (a spool written in the command itself: one job)."""
        if self._fd is not None:
            with contextlib.suppress(OSError):
                os.close(self._fd)
            self._fd = None
        self.broken = True

    def put(self, lines: list[bytes]) -> list[tuple[int, int]] | None:
        """Append ``lines``; where each is (offset, length), or ``None`` when they could not
        all be written (this worker then sends its lines inline)."""
        if self.broken:
            return None
        try:
            if self._fd is None:
                self._fd = os.open(_name(self.folder, os.getpid()),
                                   os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW, 0o600)
            spans = []
            for line in lines:
                view = memoryview(line)
                while view:
                    view = view[os.write(self._fd, view):]
                spans.append((self._at, len(line)))
                self._at += len(line)
            return spans
        except OSError:
            self.broken = True
            if self._fd is not None:
                with contextlib.suppress(OSError):
                    os.close(self._fd)
            return None
