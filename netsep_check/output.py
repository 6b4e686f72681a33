"""Write a run's reports so that none is ever lost or left half-written.

:func:`write_all` takes every report text of a run, already made, and writes each file
atomically: into a temporary file in the same folder, flushed to disk (``fsync``), then put in
place with ``os.replace`` (one rename: a reader sees the old file or the new one, never part of
one). Every temporary file is written before any is put in place, so a full disk or any other
error leaves every previous report intact and no temporary file behind, and writes nothing.
Devices and standard output (a ``None`` path), which cannot be undone, are written once
every temporary file is made and before any is put in place.

:func:`output_clash` refuses an output path that names an input of the run (a profile, the
waivers, the baseline, a policy or pack file), however it is spelt: ``./p.yaml``,
``dir/../p.yaml``, a symbolic link or a hard link to it.

Imports nothing of the package but its errors, so any layer may use it.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from netsep_check.errors import InputError


class FileRange:
    """``length`` bytes at ``offset`` of an open file (``source.fd``, kept open as long as a
    range refers to ``source``): a part of a report that is copied from file to file by the
    kernel, never through this process's memory — a batch's JSON lines, spooled to files by
    the workers that judged them (70 kB a profile)."""

    __slots__ = ("length", "offset", "source")

    def __init__(self, source: Any, offset: int, length: int) -> None:
        self.source = source
        self.offset = offset
        self.length = length

    def read(self) -> bytes:
        return b"".join(self.blocks(self.length))

    def blocks(self, size: int = 1 << 20, offset: int = 0) -> Iterator[bytes]:
        """The range from ``offset`` on, read ``size`` bytes at a time."""
        offset, left = self.offset + offset, self.length - offset
        while left:
            block = os.pread(self.source.fd, min(left, size), offset)
            if not block:
                raise OSError(errno.EIO, "a spooled part of the report is shorter than "
                              "recorded")
            yield block
            offset += len(block)
            left -= len(block)


# What a report is made of: text, UTF-8 bytes, or a list of UTF-8 parts (bytes, or ranges of
# spooled files), written one after the other.
Content = str | bytes | list[bytes | FileRange]


def as_bytes(content: Content) -> bytes:
    """``content`` as one UTF-8 text (a list's ranges read)."""
    if isinstance(content, str):
        return content.encode("utf-8")
    if isinstance(content, bytes):
        return content
    return b"".join(p.read() if isinstance(p, FileRange) else p for p in content)


def _write_bytes(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def _copy_range(part: FileRange, fd: int) -> None:
    """A spooled range into ``fd``: by ``sendfile`` (in the kernel) where it can, else read
    and written in 1 MiB blocks."""
    offset, left = part.offset, part.length
    sendfile = getattr(os, "sendfile", None)
    while left and sendfile is not None:
        try:
            sent = sendfile(fd, part.source.fd, offset, left)
        except OSError as exc:
            if exc.errno not in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP, errno.EXDEV):
                raise
            break  # not between these two files: copied by hand below
        if sent == 0:
            raise OSError(errno.EIO, "a spooled part of the report is shorter than recorded")
        offset += sent
        left -= sent
    for block in part.blocks(offset=part.length - left):  # what sendfile did not copy
        _write_bytes(fd, block)


def _write_parts(fd: int, parts: list[bytes]) -> None:
    """``parts`` one after the other, a few hundred to a call (``writev``), never joined: a
    batch's JSON held in memory (one job) is 70 kB a profile."""
    writev = getattr(os, "writev", None)
    at = 0
    while at < len(parts):
        group = parts[at:at + 512]
        if writev is None:
            _write_bytes(fd, b"".join(group))
            at += len(group)
            continue
        sent = writev(fd, group)
        if sent == 0 and any(group):
            raise OSError(errno.EIO, "the report could not be written")
        for part in group:  # the parts written whole, then the rest of one written in part
            if sent < len(part):
                if sent:
                    _write_bytes(fd, part[sent:])
                    at += 1
                break
            sent -= len(part)
            at += 1


def _write_content(fd: int, content: Content) -> None:
    if isinstance(content, str | bytes):
        _write_bytes(fd, content.encode("utf-8") if isinstance(content, str) else content)
        return
    run: list[bytes] = []  # bytes between ranges
    for part in content:
        if isinstance(part, FileRange):
            _write_parts(fd, run)
            run = []
            _copy_range(part, fd)
        else:
            run.append(part)
    _write_parts(fd, run)


def _temporary(path: Path, text: Content) -> Path:
    """``text`` (or UTF-8 content) in a new temporary file beside ``path``, on disk; removed
    again on error."""
    folder = path.parent if str(path.parent) else Path(".")
    import tempfile  # only when a file is written (not for standard output)

    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    temporary = Path(name)
    try:
        try:
            _write_content(fd, text)
            os.fsync(fd)
        finally:
            os.close(fd)
        with contextlib.suppress(OSError):  # keep the mode a report had before
            os.chmod(temporary, os.stat(path).st_mode & 0o7777 if path.exists() else 0o644)
    except BaseException:
        with contextlib.suppress(OSError):
            temporary.unlink()
        raise
    return temporary


def _fsync_folder(folder: Path) -> None:
    """Make a rename durable (POSIX); harmless where folders cannot be opened."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def write_all(targets: Iterable[tuple[Path | None, Content]]) -> None:
    """Write every ``(path, content)`` (text, or UTF-8 :data:`Content`); ``None`` is standard
    output. All or nothing for the files: an :class:`InputError` naming the file that could
    not be written (exit 2) leaves every previous file as it was and no temporary file
    behind. What cannot be undone — a device (``/dev/full``, a pipe, a terminal) and standard
    output — is written once every file's temporary copy is made and before any is put in
    place, so a failure there too leaves every file as it was."""
    pending: list[tuple[Path, Path]] = []  # (temporary, final)
    targets = list(targets)
    device = [path is not None and _device(path) for path, _ in targets]
    devices = [(path, text) for (path, text), is_device in zip(targets, device, strict=True)
               if is_device and path is not None]
    try:
        for (path, text), is_device in zip(targets, device, strict=True):
            if path is None or is_device:
                continue
            try:
                final = final_path(path)
                pending.append((_temporary(final, text), final))
            except OSError as exc:
                raise InputError.one(str(path), "cannot write report: "
                                     f"{exc.strerror or exc}; no report was written",
                                     code="output.none_written",
                                     reason=str(exc.strerror or exc)) from None
        for path, text in devices:  # /dev/null, a terminal, a pipe: written to, never replaced
            _to_device(path, text)
        for path, text in targets:
            if path is None:
                _to_stdout(text)
        for index, (temporary, path) in enumerate(pending):
            try:
                os.replace(temporary, path)
            except OSError as exc:
                done = ", ".join(str(p) for _, p in pending[:index]) or "none"
                raise InputError.one(str(path), "cannot write report: "
                                     f"{exc.strerror or exc} (already written: {done})",
                                     code="output.partly_written",
                                     reason=str(exc.strerror or exc), done=done) from None
    finally:
        for temporary, _ in pending:
            with contextlib.suppress(OSError):
                temporary.unlink()  # gone already once replaced
    for folder in {path.parent for _, path in pending}:
        _fsync_folder(folder if str(folder) else Path("."))


def _to_device(path: Path, text: Content) -> None:
    try:
        # without blocking: a named pipe no one reads is an error (ENXIO), not a hang
        fd = os.open(path, os.O_WRONLY | getattr(os, "O_NONBLOCK", 0))
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        try:
            _write_content(fd, text)
        finally:
            os.close(fd)
    except OSError as exc:
        raise InputError.one(str(path), f"cannot write report: {exc.strerror or exc}",
                             code="output.cannot_write", reason=str(exc.strerror or exc)
                             ) from None


def _to_stdout(content: Content) -> None:
    """Standard output, or an input error naming it: closed (``>&-``), full (``/dev/full``),
    or a reader gone (``| head``) — the report did not arrive whole, which is never a pass.
    UTF-8 content goes part by part to the stream's bytes where the stream writes UTF-8 and
    leaves line ends alone (a spooled range read a MiB at a time): a batch's JSON, 70 kB a
    profile, was joined, decoded and encoded again first (443 MB of peak memory for 2,000
    profiles, 63 MB with ``-o``). Any other stream gets the text, with its own encoding."""
    stream = sys.stdout
    if stream is None:
        raise InputError.one("<stdout>", "cannot write report: standard output is closed",
                             code="output.stdout_closed")
    try:
        buffer = None if isinstance(content, str) else _utf8_bytes(stream)
        if buffer is None:
            stream.write(content if isinstance(content, str)
                         else as_bytes(content).decode("utf-8"))
            stream.flush()
        else:
            stream.flush()  # what was written as text before goes first
            for block in _blocks(content):
                buffer.write(block)
            buffer.flush()
    except BrokenPipeError:
        raise InputError.one("<stdout>", "cannot write report: the reader of standard output "
                             "closed it before the report was written whole",
                             code="output.reader_gone") from None
    except (OSError, ValueError) as exc:
        why = getattr(exc, "strerror", None) or str(exc)
        raise InputError.one("<stdout>", f"cannot write report: {why}",
                             code="output.unwritable", reason=why) from None


def _utf8_bytes(stream: Any) -> Any:
    """The byte stream under a text stream that writes UTF-8 and leaves line ends alone
    (POSIX), or None."""
    import codecs

    encoding = getattr(stream, "encoding", None)
    buffer = getattr(stream, "buffer", None)
    if os.name != "posix" or not isinstance(encoding, str) or buffer is None:
        return None
    try:
        return buffer if codecs.lookup(encoding).name == "utf-8" else None
    except LookupError:
        return None


def _blocks(content: Content) -> Iterable[bytes]:
    """UTF-8 content as blocks of bytes, a spooled range read a MiB at a time."""
    if isinstance(content, str | bytes):
        yield content.encode("utf-8") if isinstance(content, str) else content
        return
    for part in content:
        if isinstance(part, FileRange):
            yield from part.blocks()
        else:
            yield part


def _device(path: Path) -> bool:
    """Anything but a regular file (links followed): a character device (``/dev/null``, a
    terminal), a named pipe, a socket (``/dev/stdout`` into a pipe): renaming a file over it
    would replace it — or the link to it — so it is written to directly."""
    try:
        mode = os.stat(path).st_mode
    except (OSError, ValueError):
        return False
    return not stat.S_ISREG(mode) and not stat.S_ISDIR(mode)


def final_path(path: Path) -> Path:
    """Where a report is renamed to: the file a symbolic link leads to, not the link (the
    link would be replaced and the file it names left as it was)."""
    if not path.is_symlink():
        return path
    return Path(os.path.realpath(path))


def output_clash(outputs: Iterable[Path | None],
                 inputs: Iterable[Path | str | None]) -> tuple[Path, Path] | None:
    """The first ``(output, input)`` pair that names one file, or None."""
    # Each input once (a batch names every pack file once per report), and each compared by
    # its (device, inode) where both files exist: what samefile compares, one stat per input
    # rather than two stats and two path resolutions per pair.
    files = [Path(i) for i in dict.fromkeys(str(i) for i in inputs
                                            if i is not None and str(i) != "-")]
    for output in outputs:
        if output is None:
            continue
        mine, real = _identity(output), None
        for source in files:
            theirs = _identity(source)
            if mine is not None and theirs is not None:
                if mine == theirs:
                    return output, source
                continue
            real = real or _real(output)  # a file not made yet: where it would be
            if _real(source) == real:
                return output, source
    return None


def _real(path: Path) -> str:
    try:
        return str(path.resolve())
    except (OSError, RuntimeError, ValueError):
        return os.path.abspath(path)


def same_file(one: Path, other: Path) -> bool:
    """Whether two outputs name one file, however spelt: through a symbolic link, ``..``
    steps or a hard link (where both exist)."""
    if os.path.realpath(one) == os.path.realpath(other):
        return True
    mine, theirs = _identity(one), _identity(other)
    return mine is not None and mine == theirs


def _identity(path: Path) -> tuple[int, int] | None:
    try:
        found = os.stat(path)
    except (OSError, ValueError):
        return None
    return found.st_dev, found.st_ino
