"""Read an input file's bytes and decode them as UTF-8, refusing what is not a text profile."""

from __future__ import annotations

import codecs
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

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


@dataclass(frozen=True)
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
    """UTF-8 (with or without BOM) only; UTF-16, NUL bytes and invalid bytes are named errors."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise InputError.one(file, "file is UTF-16 (byte-order mark found); save it as UTF-8", 1, 1,
                             code="file.utf16")
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
    nul = data.find(b"\x00")
    if nul != -1:
        line, column = _line_of(data, nul)
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


def read_source(path: Path | str, max_bytes: int = DEFAULT_MAX_BYTES,
                display: str | None = None) -> Source:
    """Read ``path`` (``-`` is standard input) within the size limit and decode it."""
    import sys

    file = display or str(path)
    try:
        if str(path) == "-":
            data = sys.stdin.buffer.read(max_bytes + 1)
            file = display or "<stdin>"
        else:
            with open(path, "rb") as handle:
                data = handle.read(max_bytes + 1)
    except FileNotFoundError:
        raise InputError.one(file, "no such file", code="file.not_found") from None
    except IsADirectoryError:
        raise InputError.one(file, "is a directory, not a profile file",
                             code="file.is_directory") from None
    except OSError as exc:
        raise InputError.one(file, f"cannot read file: {exc.strerror or exc}",
                             code="file.unreadable", reason=str(exc.strerror or exc)) from None
    if len(data) > max_bytes:
        raise InputError.one(file, f"file is larger than the limit of {max_bytes} bytes "
                             "(raise it with --max-size if this is a real profile)",
                             code="file.too_large", limit=max_bytes)
    if not data.strip():
        raise InputError.one(file, "file is empty", 1, 1, code="file.empty")
    text = decode(data, file)
    return Source(file, text, sha256(data).hexdigest())
