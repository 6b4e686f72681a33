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

import os
import stat
from dataclasses import dataclass
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any

from netsep_check.evaluate.findings import EvidenceRecord
from netsep_check.load.source import sha256

OK = "ok"  # present, and its sha256 matches
PRESENT = "present"  # present; no sha256 given, so only presence was verified
MISMATCH = "sha256_mismatch"
MISSING = "missing"
NOT_A_FILE = "not_a_file"
OUTSIDE = "outside_root"
FAILED = (MISMATCH, MISSING, NOT_A_FILE, OUTSIDE)

@dataclass
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


def _escapes(text: str) -> str | None:
    """Why a path written in a profile may not be followed, or None."""
    if PurePosixPath(text).is_absolute() or PureWindowsPath(text).is_absolute() \
            or PureWindowsPath(text).drive:
        return "an absolute path; evidence paths are relative to the evidence root"
    if ".." in PurePosixPath(text.replace("\\", "/")).parts:
        return "a '..' step; evidence paths stay inside the evidence root"
    return None


def _digest(path: Path, size: int) -> str:
    if size > 1 << 20:  # OpenSSL's, six times faster on a large scan or PDF
        from hashlib import sha256 as large

        digest = large()
    else:
        digest = sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
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
        info = os.stat(resolved)
        if not stat.S_ISREG(info.st_mode):  # a folder, a pipe or a device is no document
            checked.status, checked.reason = NOT_A_FILE, "not a regular file"
            return checked
        if resolved not in digests:
            digests[resolved] = _digest(resolved, info.st_size)
    except FileNotFoundError:
        checked.reason = "no such file"
        return checked
    except (OSError, ValueError, RuntimeError) as exc:  # unreadable, name too long, a NUL
        # in the path, a symbolic-link loop (RuntimeError from Path.resolve)
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
