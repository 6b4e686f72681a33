"""Read an input file's bytes and decode them as UTF-8, refusing what is not a text profile."""

from __future__ import annotations

import codecs
import os
import stat
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from netsep_check._record import record
from netsep_check.errors import InputError

if TYPE_CHECKING:
    from hashlib import _Hash as Hash  # the type hashlib's constructors return

try:  # the built-in module: importing hashlib loads OpenSSL, a tenth of a cold start
    from _sha256 import sha256 as _small_sha256  # type: ignore[import-not-found, unused-ignore]
except ImportError:  # pragma: no cover - a build without it
    from hashlib import sha256 as _small_sha256


def sha256(data: bytes = b"") -> Hash:
    """A SHA-256 hash object: OpenSSL's (six times faster) for large data, else the built-in
    one, which spares a small check the import of OpenSSL."""
    if len(data) > 1 << 20:
        from hashlib import sha256 as fast

        return fast(data)
    small: Hash = _small_sha256(data)
    return small


DEFAULT_MAX_BYTES = 16 * 1024 * 1024  # a real profile is a few KB; see README "Limits"


@record
class Source:
    """A file's decoded text with the digest of its exact bytes."""

    file: str  # the name shown to users
    text: str
    sha256: str


def _line_of(data: bytes, offset: int) -> tuple[int, int]:
    before = data[:offset]
    line = before.count(b"\n") + 1
    column = offset - (before.rfind(b"\n") + 1) + 1
    return line, column


def decode(data: bytes, file: str) -> str:
    """UTF-8 (with or without BOM) only; UTF-16, UTF-32, NUL bytes and invalid bytes are named
    errors."""
    if data.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):  # before UTF-16's: FF FE
        raise InputError.one(file, "file is UTF-32 (byte-order mark found); save it as UTF-8", 1, 1,
                             code="file.utf32")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise InputError.one(file, "file is UTF-16 (byte-order mark found); save it as UTF-8", 1, 1,
                             code="file.utf16")
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
    nul = data.find(b"\x00")
    if nul != -1:
        line, column = _line_of(data, nul)
        if len(data) >= 4 and (data[1:4] == b"\0\0\0" or data[:3] == b"\0\0\0"):
            raise InputError.one(file, "file looks like UTF-32 without a byte-order mark; "
                                 "save it as UTF-8", 1, 1, code="file.utf32_no_bom")
        if len(data) >= 4 and ((data[1] == 0 and data[3] == 0) or (data[0] == 0 and data[2] == 0)):
            raise InputError.one(file, "file looks like UTF-16 without a byte-order mark; "
                                 "save it as UTF-8", 1, 1, code="file.utf16_no_bom")
        raise InputError.one(file, "file contains a NUL byte; a profile is UTF-8 text",
                             line, column, code="file.nul_byte")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line, column = _line_of(data, exc.start)
        raise InputError.one(
            file, f"invalid UTF-8 byte 0x{data[exc.start]:02x}; save the file as UTF-8",
            line, column, code="file.bad_utf8", byte=f"0x{data[exc.start]:02x}") from None


_KINDS = ((stat.S_ISDIR, "a directory"), (stat.S_ISFIFO, "a named pipe (FIFO)"),
          (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
          (stat.S_ISSOCK, "a socket"))


def special_kind(mode: int) -> str | None:
    """What a file that is not a regular file is ("a named pipe (FIFO)", ...), or None."""
    if stat.S_ISREG(mode):
        return None
    return next((word for test, word in _KINDS if test(mode)), "not a regular file")


def open_regular(path: Path | str, file: str | None = None) -> tuple[BinaryIO, os.stat_result]:
    """Open ``path`` for reading only if it is a regular file; the open file and its status.

    Every reader of an input goes through here (profiles, waivers, baselines, policy and pack
    files, evidence files). The file is opened without blocking (``O_NONBLOCK``: a named pipe
    with no writer would otherwise wait forever, a terminal device too), then the *open*
    descriptor is examined (``fstat``), so what is read is what was examined — no window
    between a check and the open. A named pipe, device, socket or directory is an
    :class:`InputError` at once."""
    file = shown_name(file or path)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) \
        | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        raise InputError.one(file, "no such file", code="file.not_found") from None
    except IsADirectoryError:
        raise InputError.one(file, "is a directory, not a profile file",
                             code="file.is_directory") from None
    except (OSError, ValueError) as exc:  # a socket (ENXIO), a symbolic-link loop, a NUL
        try:
            kind = special_kind(os.stat(path).st_mode)
        except (OSError, ValueError):
            kind = None
        if kind is not None:
            raise InputError.one(file, f"is {kind}, not a regular file; refusing to read it",
                                 code="file.special", kind=kind) from None
        reason = str(getattr(exc, "strerror", None) or exc)
        raise InputError.one(file, f"cannot read file: {reason}", code="file.unreadable",
                             reason=reason) from None
    try:
        info = os.fstat(fd)
        kind = special_kind(info.st_mode)
        if kind is not None:
            raise InputError.one(file, f"is {kind}, not a regular file; refusing to read it",
                                 code="file.special", kind=kind)
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        return os.fdopen(fd, "rb"), info
    except BaseException:
        os.close(fd)
        raise


def shown_name(path: Path | str) -> str:
    """A file name as reports show it: always encodable text. A name with bytes that are not
    UTF-8 (kept by Python as lone surrogates) shows them as ``\\xff`` escapes."""
    text = str(path)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return os.fsencode(text).decode("utf-8", "backslashreplace")
    return text


def read_bounded(handle: BinaryIO, size: int, max_bytes: int) -> bytes:
    """At most ``max_bytes + 1`` bytes of an open file whose status gave ``size`` (one more
    than the limit: a longer file is then known to be too large). Asks for the size it was
    told, not for the limit: a buffer of the limit (64 MiB for a 15 MB file) costs its
    allocation; a file that grew since, or that tells no size (``/proc``), is read on."""
    want = min(max(size, 0), max_bytes) + 1
    data = handle.read(want)
    if len(data) == want and want <= max_bytes:  # more than the status said: read on
        data += handle.read(max_bytes + 1 - want)
    return data


def read_source(path: Path | str, max_bytes: int = DEFAULT_MAX_BYTES,
                display: str | None = None) -> Source:
    """Read ``path`` (``-`` is standard input) within the size limit and decode it."""
    import sys

    file = shown_name(display or path)
    try:
        if str(path) == "-":
            if sys.stdin is None:  # closed when the command started (<&-)
                raise InputError.one(display or "<stdin>", "cannot read file: standard input "
                                     "is closed", code="file.stdin_closed")
            data = sys.stdin.buffer.read(max_bytes + 1)
            file = display or "<stdin>"
        else:
            handle, info = open_regular(path, file)
            with handle:
                data = read_bounded(handle, info.st_size, max_bytes)
    except OSError as exc:
        raise InputError.one(file, f"cannot read file: {exc.strerror or exc}",
                             code="file.unreadable", reason=str(exc.strerror or exc)) from None
    if len(data) > max_bytes:
        raise InputError.one(file, f"file is larger than the limit of {max_bytes} bytes "
                             "(raise it with --max-size if this is a real profile)",
                             code="file.too_large", limit=max_bytes)
    if not data or data.isspace():  # only white space (without copying a large file)
        raise InputError.one(file, "file is empty", 1, 1, code="file.empty")
    if len(data) <= 1 << 20:
        return Source(file, decode(data, file), sha256(data).hexdigest())
    # A large file: its digest (OpenSSL, which lets other threads run) on another thread
    # while this one decodes it — on two cores the digest then costs no time. hashlib is
    # imported here, not there: an import needs the lock that decoding holds, so a thread
    # importing it would start hashing only once the text was decoded.
    import threading
    from hashlib import sha256 as openssl_sha256

    hasher = openssl_sha256()
    digest: list[str] = []

    def hash_data() -> None:
        hasher.update(data)
        digest.append(hasher.hexdigest())

    worker = threading.Thread(target=hash_data, name="netsep-check sha256", daemon=True)
    worker.start()
    try:
        text = decode(data, file)
    finally:
        worker.join()
    return Source(file, text, digest[0] if digest else sha256(data).hexdigest())
