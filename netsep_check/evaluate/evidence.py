"""Evidence integrity: read the files a profile cites, inside the evidence root.

Verification runs before evaluation and returns one :class:`EvidenceRecord` per evidence entry
with a ``path``: where it resolved, its SHA-256, and how it came out (``ok``, ``present``,
``sha256_mismatch``, ``missing``, ``not_a_file``, ``outside_root``). A path that is absolute,
holds a ``..`` step, or resolves outside the root through a symbolic link is not followed.
The rules that judge these records (``EVID-FILE-PRESENT``, ``EVID-SHA256-MATCH``,
``EVID-IMPLEMENTED-BACKED``) are YAML rules in ``policies/common/evidence-files.yaml``, using
the ``evidence_files`` operator: evidence findings come from the same engine as every other.
"""

from __future__ import annotations

import errno
import functools
import os
import stat
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any

from netsep_check._record import record
from netsep_check.evaluate.findings import EvidenceRecord
from netsep_check.load.source import sha256

OK = "ok"  # present, and its sha256 matches
PRESENT = "present"  # present; no sha256 given, so only presence was verified
MISMATCH = "sha256_mismatch"
MISSING = "missing"
NOT_A_FILE = "not_a_file"
OUTSIDE = "outside_root"
FAILED = (MISMATCH, MISSING, NOT_A_FILE, OUTSIDE)

@record(frozen=False)
class _Checked:
    index: int
    id: str
    path: str
    status: str
    reason: str = ""
    resolved: Path | None = None
    sha256: str | None = None  # the file's digest, when it was read
    expected: str | None = None

    def record(self, root: Path) -> EvidenceRecord:
        try:
            shown = self.resolved.relative_to(root).as_posix() if self.resolved else None
        except ValueError:
            shown = None
        return EvidenceRecord(self.index, self.id, self.path, shown, self.status,
                              self.reason or None, self.sha256, self.expected)


@functools.lru_cache(maxsize=4096)  # a pure function of the text; a batch repeats its paths
def _escapes(text: str) -> str | None:
    """Why a path written in a profile may not be followed, or None."""
    if PurePosixPath(text).is_absolute() or PureWindowsPath(text).is_absolute() \
            or PureWindowsPath(text).drive:
        return "an absolute path; evidence paths are relative to the evidence root"
    if ".." in PurePosixPath(text.replace("\\", "/")).parts:
        return "a '..' step; evidence paths stay inside the evidence root"
    return None


MAX_EVIDENCE_BYTES = 512 * 1024 * 1024  # a scanned document is MBs; hashing this takes ~1 s


class _Refused(Exception):
    """An evidence file that is not followed: (status, reason)."""

    def __init__(self, status: str, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


def _open_once(resolved: Path) -> tuple[int, os.stat_result]:
    """Open the resolved path once, without blocking and without following a link put in
    its place since it was resolved, and examine the *open* file: what is hashed is what was
    examined (no window between a check and the open)."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0) \
        | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_BINARY", 0)
    fd = os.open(resolved, flags)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):  # a folder, a pipe or a device is no document
            raise _Refused(NOT_A_FILE, "not a regular file")
        if info.st_nlink > 1:  # its other names may be anywhere, outside the root too
            raise _Refused(OUTSIDE, f"a hard link ({info.st_nlink} names): the file may "
                           "live outside the evidence root; copy it in instead")
        if info.st_size == 0:  # no document: an implemented control cannot rest on it
            raise _Refused(NOT_A_FILE, "an empty file (0 bytes): it shows nothing")
        if info.st_size > MAX_EVIDENCE_BYTES:
            raise _Refused(NOT_A_FILE, f"larger than the evidence size limit of "
                           f"{MAX_EVIDENCE_BYTES} bytes")
        if hasattr(os, "set_blocking"):
            os.set_blocking(fd, True)
        return fd, info
    except BaseException:
        os.close(fd)
        raise


def _digest(fd: int, size: int) -> str:
    """SHA-256 of an open file, streamed in 1 MiB blocks, at most the size limit."""
    if size > 1 << 20:  # OpenSSL's, six times faster on a large scan or PDF
        from hashlib import sha256 as large

        digest = large()
    else:
        digest = sha256()
    read = 0
    with os.fdopen(fd, "rb", closefd=False) as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            read += len(block)
            if read > MAX_EVIDENCE_BYTES:  # it grew while being read
                raise _Refused(NOT_A_FILE, f"larger than the evidence size limit of "
                               f"{MAX_EVIDENCE_BYTES} bytes")
            digest.update(block)
    return digest.hexdigest()


def _verify(index: int, entry: dict[str, Any], root: Path, digests: dict[Path, str]) -> _Checked:
    text = entry["path"]
    expected = entry.get("sha256")
    checked = _Checked(index, str(entry.get("id", "")), text, MISSING, expected=expected)
    why = _escapes(text)
    if why:
        checked.status, checked.reason = OUTSIDE, why
        return checked
    try:
        resolved = (root / text).resolve()
        if not resolved.is_relative_to(root):
            checked.status = OUTSIDE
            checked.reason = "a symbolic link leads outside the evidence root"
            return checked
        checked.resolved = resolved
        if resolved not in digests:
            fd, info = _open_once(resolved)
            try:
                digests[resolved] = _digest(fd, info.st_size)
            finally:
                os.close(fd)
    except _Refused as refused:
        checked.status, checked.reason = refused.status, refused.reason
        return checked
    except FileNotFoundError:
        checked.reason = "no such file"
        return checked
    except (OSError, ValueError, RuntimeError) as exc:  # unreadable, name too long, a NUL
        # in the path, a symbolic-link loop (RuntimeError from Path.resolve), a link swapped
        # in after resolving (ELOOP from O_NOFOLLOW), a socket (ENXIO)
        checked.status = NOT_A_FILE if isinstance(exc, OSError) and exc.errno in (
            errno.ENXIO, errno.ELOOP) else MISSING
        checked.reason = f"cannot read: {getattr(exc, 'strerror', None) or exc}"
        return checked
    checked.sha256 = digests[resolved]
    if expected is None:
        checked.status = PRESENT
    else:
        checked.status = OK if checked.sha256 == expected.lower() else MISMATCH
    return checked


def verify_files(profile: dict[str, Any], root: Path) -> tuple[EvidenceRecord, ...]:
    """A record of every evidence entry cited with a path, verified under ``root``."""
    root = root.resolve()
    digests: dict[Path, str] = {}
    return tuple(_verify(i, entry, root, digests).record(root)
                 for i, entry in enumerate(profile.get("evidence") or [])
                 if isinstance(entry, dict) and isinstance(entry.get("path"), str))
