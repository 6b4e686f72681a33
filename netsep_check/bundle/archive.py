"""Zip files as hostile input: read a bundle into a private folder, or refuse it (exit 2).

:func:`extract` opens a zip, checks every central-directory entry *before* anything is
written, then streams each member out with bounded reads, counting the bytes it actually
gets (header sizes are never trusted). Refused, with an :class:`InputError` naming the bundle
and the member:

* not a zip file, a damaged one, or one whose CRC or local header disagrees;
* member names that are empty, absolute (``/x``, ``C:x``, ``\\\\server``), hold a ``..`` step,
  a backslash, a NUL or a control character, or name a folder and a file at once;
* two members whose names are equal once case and Unicode form are folded (extracted on
  a case-insensitive disk, one would overwrite the other);
* symbolic links and any member that is not a regular file or folder (Unix mode bits);
* encrypted members, and compression methods other than stored and deflate;
* more than ``max_members`` members (counted from the end record before the zip module
  reads the directory), a ZIP64 archive or member; a member larger than ``max_member_bytes``; more than
  ``max_total_bytes`` in all; a member that expands more than ``max_ratio`` times its
  compressed size (the classic zip bomb).

Extraction goes only into the folder given (created by the caller with
:func:`private_folder`, removed by it); files are created with ``O_EXCL`` and
``O_NOFOLLOW``, so nothing is written outside it and nothing is overwritten.
"""

from __future__ import annotations

import os
import shutil
import stat
import tempfile
import unicodedata
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath

from netsep_check._record import record
from netsep_check.errors import InputError
from netsep_check.load.source import sha256

CHUNK = 1 << 16


@record
class ZipLimits:
    max_members: int = 2000
    max_member_bytes: int = 64 * 1024 * 1024
    max_total_bytes: int = 256 * 1024 * 1024
    max_ratio: int = 200  # uncompressed / compressed, per member (past its first 64 KiB)
    max_name_bytes: int = 512


DEFAULT_LIMITS = ZipLimits()


@record
class Member:
    name: str  # as stored (POSIX, relative)
    size: int  # bytes actually extracted
    sha256: str


def is_zip(path: Path | str) -> bool:
    """Whether the file starts like a zip (local header or an empty archive)."""
    try:
        with open(path, "rb") as handle:
            return handle.read(4) in (b"PK\x03\x04", b"PK\x05\x06")
    except OSError:
        return False


@contextmanager
def private_folder() -> Iterator[Path]:
    """A fresh folder only this user can read, always removed afterwards."""
    folder = Path(tempfile.mkdtemp(prefix="netsep-bundle-"))
    try:
        os.chmod(folder, 0o700)
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def name_problem(name: str, limits: ZipLimits) -> str | None:
    if not name or name in ("/", "."):
        return "an empty member name"
    if len(name.encode("utf-8", "surrogateescape")) > limits.max_name_bytes:
        return "a member name longer than the limit"
    if "\\" in name:
        return "a backslash in a member name (a Windows path)"
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in name):
        return "a control character or NUL in a member name"
    if name.startswith("/") or (len(name) > 1 and name[1] == ":"):
        return "an absolute path (it would be extracted outside the folder)"
    parts = PurePosixPath(name).parts
    if ".." in parts:
        return "a '..' step (it would be extracted outside the folder)"
    if any(part in (".", "") for part in name.rstrip("/").split("/")):
        return "an empty or '.' step in a member name"
    return None


def _fold(name: str) -> str:
    return unicodedata.normalize("NFC", name.rstrip("/")).casefold()


def _has_zip64(extra: bytes) -> bool:
    """Whether a member's extra field holds a ZIP64 record (header id 1), read as the
    (id, size, data) records it is made of."""
    at = 0
    while at + 4 <= len(extra):
        kind = int.from_bytes(extra[at:at + 2], "little")
        if kind == 0x0001:
            return True
        at += 4 + int.from_bytes(extra[at + 2:at + 4], "little")
    return False


def _check_local_headers(path: Path | str, infos: list[zipfile.ZipInfo], file: str) -> None:
    """A member's own (local) header may carry ZIP64 sizes that the central directory does
    not: each is read (30 bytes, its name, its extra field) before anything is extracted."""
    with open(path, "rb") as handle:
        for info in infos:
            handle.seek(info.header_offset)
            header = handle.read(30)
            if len(header) < 30 or header[:4] != b"PK\x03\x04":
                raise InputError.one(file, f"not a valid zip bundle: member {info.filename!r} "
                                     "has no local header where the directory says")
            handle.seek(int.from_bytes(header[26:28], "little"), os.SEEK_CUR)
            if _has_zip64(handle.read(int.from_bytes(header[28:30], "little"))):
                raise InputError.one(file, f"refused: member {info.filename!r} has ZIP64 "
                                     "sizes; a bundle is never large enough to need them")


def _check_entries(infos: list[zipfile.ZipInfo], file: str, limits: ZipLimits) -> None:
    if len(infos) > limits.max_members:
        raise InputError.one(file, f"bundle has {len(infos)} members; the limit is "
                             f"{limits.max_members}")
    seen: dict[str, str] = {}
    folders: set[str] = set()
    for info in infos:
        name = info.filename
        why = name_problem(name, limits)
        if why:
            raise InputError.one(file, f"refused: member {name!r} has {why}")
        if _has_zip64(info.extra):
            raise InputError.one(file, f"refused: member {name!r} has ZIP64 sizes; a bundle "
                                 "is never large enough to need them")
        if info.flag_bits & 0x1:
            raise InputError.one(file, f"refused: member {name!r} is encrypted")
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise InputError.one(file, f"refused: member {name!r} uses compression method "
                                 f"{info.compress_type}; only stored and deflate are accepted")
        mode = info.external_attr >> 16
        kind_bits = stat.S_IFMT(mode)  # 0: no file type recorded (a plain member)
        if info.create_system == 3 and kind_bits and kind_bits not in (stat.S_IFREG,
                                                                       stat.S_IFDIR):
            kind = "a symbolic link" if stat.S_ISLNK(mode) else "not a regular file"
            raise InputError.one(file, f"refused: member {name!r} is {kind}")
        key = _fold(name)
        if key in seen:
            raise InputError.one(file, f"refused: duplicate member name {name!r} (same as "
                                 f"{seen[key]!r} once case and Unicode form are ignored)")
        seen[key] = name
        if name.endswith("/"):
            folders.add(key)
    for info in infos:  # a file whose name is also the folder of another member
        if not info.filename.endswith("/"):
            key = _fold(info.filename)
            if key in folders or any(other.startswith(key + "/") for other in seen):
                raise InputError.one(file, f"refused: member {info.filename!r} is both a file "
                                     "and a folder")


_EOCD = b"PK\x05\x06"
_EOCD_SIZE = 22
_LOCATOR = b"PK\x06\x07"  # the ZIP64 end record's locator, 20 bytes before the end record


def _precheck(path: Path | str, file: str, limits: ZipLimits) -> None:
    """Read the end-of-central-directory record ourselves, so that an archive claiming
    millions of members (or a ZIP64 one: a bundle is never that large) is refused before
    the zip module builds an object for every entry."""
    with open(path, "rb") as handle:
        handle.seek(0, os.SEEK_END)
        size = handle.tell()
        tail_size = min(size, _EOCD_SIZE + 0xFFFF)
        handle.seek(size - tail_size)
        tail = handle.read(tail_size)
    at = tail.rfind(_EOCD)
    if at == -1 or len(tail) - at < _EOCD_SIZE:
        raise InputError.one(file, "not a valid zip bundle: no end-of-central-directory record",
                             code="bundle.not_zip", problem="no end-of-central-directory record")
    entries = int.from_bytes(tail[at + 10:at + 12], "little")
    directory = int.from_bytes(tail[at + 12:at + 16], "little")
    if entries == 0xFFFF or directory == 0xFFFFFFFF or tail[max(at - 20, 0):at][:4] == _LOCATOR:
        raise InputError.one(file, "refused: a ZIP64 archive; a bundle is never large enough "
                             "to need one")
    if entries > limits.max_members:
        raise InputError.one(file, f"bundle has {entries} members; the limit is "
                             f"{limits.max_members}")
    if directory > limits.max_members * (46 + limits.max_name_bytes + 1024):
        raise InputError.one(file, f"refused: a central directory of {directory} bytes is "
                             "larger than its members can need")


def _write_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, target: Path, file: str,
                  limits: ZipLimits, budget: list[int]) -> Member:
    digest = sha256()
    size = 0
    allowed_ratio_bytes = max(info.compress_size, 1) * limits.max_ratio + CHUNK
    target.parent.mkdir(parents=True, exist_ok=True)
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) \
        | getattr(os, "O_BINARY", 0)
    descriptor = os.open(target, flags, 0o600)
    with os.fdopen(descriptor, "wb") as out, archive.open(info) as source:
        while True:
            block = source.read(CHUNK)
            if not block:
                break
            size += len(block)
            budget[0] += len(block)
            if size > limits.max_member_bytes:
                raise InputError.one(file, f"refused: member {info.filename!r} expands past "
                                     f"the limit of {limits.max_member_bytes} bytes")
            if budget[0] > limits.max_total_bytes:
                raise InputError.one(file, "refused: the members expand past the total limit "
                                     f"of {limits.max_total_bytes} bytes")
            if size > allowed_ratio_bytes:
                raise InputError.one(file, f"refused: member {info.filename!r} expands more "
                                     f"than {limits.max_ratio} times its compressed size "
                                     "(a zip bomb?)")
            digest.update(block)
            out.write(block)
    return Member(info.filename, size, digest.hexdigest())


def extract(path: Path | str, folder: Path, limits: ZipLimits = DEFAULT_LIMITS,
            display: str | None = None) -> dict[str, Member]:
    """Extract the bundle at ``path`` into ``folder`` (empty, private); its files by name."""
    file = display or str(path)
    folder = folder.resolve()
    try:
        info = os.stat(path)
    except OSError as exc:
        raise InputError.one(file, f"cannot read bundle: {exc.strerror or exc}",
                             code="bundle.unreadable", reason=str(exc.strerror or exc)) from None
    if not stat.S_ISREG(info.st_mode):
        from netsep_check.load.source import special_kind

        kind = special_kind(info.st_mode)
        raise InputError.one(file, f"is {kind}; a bundle must be a regular file (a .zip)",
                             code="bundle.special", kind=kind)
    members: dict[str, Member] = {}
    try:
        _precheck(path, file, limits)
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            _check_entries(infos, file, limits)
            _check_local_headers(path, infos, file)
            budget = [0]
            for entry in infos:
                target = folder.joinpath(*PurePosixPath(entry.filename).parts)
                if not target.resolve().is_relative_to(folder):  # cannot happen after checks
                    raise InputError.one(file, f"refused: member {entry.filename!r} escapes")
                if entry.filename.endswith("/"):
                    target.mkdir(parents=True, exist_ok=True)
                    continue
                members[entry.filename] = _write_member(archive, entry, target, file, limits,
                                                        budget)
    except InputError:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, NotImplementedError,
            ValueError, RuntimeError, zlib.error) as exc:  # zlib: a damaged deflate stream
        raise InputError.one(file, f"not a valid zip bundle: {exc}", code="bundle.not_zip",
                             problem=str(exc)) from None
    except FileExistsError as exc:
        raise InputError.one(file, f"refused: member written twice ({exc.filename})") from None
    except OSError as exc:
        raise InputError.one(file, f"cannot extract bundle: {exc.strerror or exc}",
                             code="bundle.cannot_extract", reason=str(exc.strerror or exc)
                             ) from None
    return members
