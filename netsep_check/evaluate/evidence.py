"""Evidence integrity: the files a profile cites exist inside the evidence root and match.

Three built-in checks of the engine (they read files, so they are not YAML rules), reported as
findings of area ``evidence`` like any rule's:

* ``EVID-FILE-PRESENT`` — every evidence entry with a ``path`` names a regular file inside the
  evidence root (``check --evidence-root DIR``; by default the profile's folder). A path that is
  absolute, holds a ``..`` step, or resolves outside the root through a symbolic link is not
  followed: it fails as outside the root.
* ``EVID-SHA256-MATCH`` — where an entry gives ``sha256``, the file's digest matches it.
* ``EVID-IMPLEMENTED-BACKED`` — a control claimed ``implemented`` does not rest only on evidence
  whose files are missing, outside the root or altered (evidence entries without a path are
  not verifiable here and count neither way).

:func:`verify_evidence` returns the findings and one record per evidence entry with a path
(``Report.evidence_checked``), saying what was verified and how it came out.
"""

from __future__ import annotations

import errno
import os
import stat
from dataclasses import dataclass
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any

from netsep_check.evaluate.findings import Finding
from netsep_check.load import Document, format_path
from netsep_check.load.source import sha256
from netsep_check.rules.model import Rule
from netsep_check.rules.operators.base import Compiled, Failure

OK = "ok"  # present, and its sha256 matches
PRESENT = "present"  # present; no sha256 given, so only presence was verified
MISMATCH = "sha256_mismatch"
MISSING = "missing"
NOT_A_FILE = "not_a_file"
OUTSIDE = "outside_root"
FAILED = (MISMATCH, MISSING, NOT_A_FILE, OUTSIDE)

_BASIS = {"source": "netsep-derived", "clause": "보안대책 이행 증빙의 무결성 — evidence must be "
          "the document it claims to be", "strength": "derived",
          "brief": "domain.md §2.4: established and implemented (수립·이행)"}


def _rule(rule_id: str, severity: str, title: tuple[str, str], rationale: tuple[str, str],
          remediation: tuple[str, str], reads: tuple[str, ...], checks: tuple[str, str]) -> Rule:
    def built_in(ctx: Any) -> list[Failure] | None:  # judged by verify_evidence, not here
        return None

    return Rule(
        id=rule_id, area="evidence", severity=severity,
        title={"ko": title[0], "en": title[1]},
        rationale={"ko": rationale[0], "en": rationale[1]},
        remediation={"ko": remediation[0], "en": remediation[1]},
        basis=dict(_BASIS), check=Compiled(built_in, reads, {"ko": checks[0], "en": checks[1]}),
        waivable=False, file="(built-in: netsep_check/evaluate/evidence.py)")


FILE_PRESENT = _rule(
    "EVID-FILE-PRESENT", "high",
    ("증빙 파일이 증빙 루트 안에 존재함 (자체 해석)",
     "Each evidence file exists inside the evidence root (our reading)"),
    ("증빙 목록이 가리키는 파일이 없으면 이행 주장을 확인할 수 없다. 루트 밖(절대 경로, '..', 루트 밖을 "
     "가리키는 심볼릭 링크)의 파일은 제출된 증빙이 아니므로 따르지 않는다(netsep-check의 해석).",
     "A claim whose evidence file is absent cannot be verified. Files outside the evidence root "
     "(absolute paths, '..' steps, symbolic links leading out of it) are not part of the "
     "submission and are not followed (netsep-check's reading)."),
    ("증빙 파일을 증빙 루트(기본: 프로파일이 있는 폴더) 아래에 두고 evidence[].path에 그 상대 경로를 "
     "적어라. 다른 위치라면 --evidence-root로 루트를 지정하라.",
     "Put the evidence file under the evidence root (by default the profile's folder) and give "
     "its relative path in evidence[].path, or point --evidence-root at the folder holding it."),
    ("evidence[].path",),
    ("evidence[].path가 증빙 루트 안의 일반 파일을 가리킴",
     "evidence[].path names a regular file inside the evidence root"))

SHA256_MATCH = _rule(
    "EVID-SHA256-MATCH", "high",
    ("증빙 파일의 SHA-256이 기재 값과 일치함 (자체 해석)",
     "Each evidence file matches its stated SHA-256 (our reading)"),
    ("기재한 다이제스트와 다른 파일은 승인·제출된 그 문서가 아니다. 변경되었거나 다른 파일로 "
     "바뀐 증빙으로는 이행을 확인할 수 없다(netsep-check의 해석).",
     "A file that does not match its stated digest is not the document that was approved and "
     "submitted; altered or swapped evidence cannot verify a claim (netsep-check's reading)."),
    ("원본 증빙 파일로 되돌리거나, 문서가 정당하게 갱신되었다면 새 파일의 SHA-256(sha256sum)을 "
     "evidence[].sha256에 기재하라.",
     "Restore the original file or, if the document was rightly updated, record the new file's "
     "SHA-256 (sha256sum) in evidence[].sha256."),
    ("evidence[].path", "evidence[].sha256"),
    ("evidence[].path 파일의 SHA-256이 evidence[].sha256과 같음",
     "the SHA-256 of the evidence[].path file equals evidence[].sha256"))

IMPLEMENTED_BACKED = _rule(
    "EVID-IMPLEMENTED-BACKED", "high",
    ("이행(implemented) 통제의 증빙이 모두 누락·불일치가 아님 (자체 해석)",
     "No control claimed implemented rests only on missing or altered evidence (our reading)"),
    ("이행 주장이 인용한 증빙 파일이 모두 없거나 변경되었다면 그 주장을 뒷받침하는 것이 없다"
     "(netsep-check의 해석).",
     "When every evidence file a claim cites is missing or altered, nothing supports the claim "
     "(netsep-check's reading)."),
    ("인용한 증빙 파일을 복구하거나 유효한 증빙을 추가로 인용하라. 이행되지 않았다면 status를 "
     "바로잡아라.",
     "Restore the cited evidence files or cite further valid evidence; if the control is not "
     "in fact implemented, correct its status."),
    ("security_measures", "governance", "evidence[].path"),
    ("implemented 통제마다 인용 증빙 중 하나 이상은 검증 실패가 아님",
     "every implemented control cites at least one evidence item that did not fail verification"))

RULES = (FILE_PRESENT, SHA256_MATCH, IMPLEMENTED_BACKED)

_WHY = {
    MISSING: ("파일이 없음", "no such file"),
    NOT_A_FILE: ("검증할 수 있는 일반 파일이 아님", "not a regular file that can be verified"),
    OUTSIDE: ("증빙 루트 밖", "outside the evidence root"),
    MISMATCH: ("SHA-256 불일치", "SHA-256 does not match"),
}


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

    def record(self, root: Path) -> dict[str, Any]:
        try:
            shown = self.resolved.relative_to(root).as_posix() if self.resolved else None
        except ValueError:
            shown = None
        return {"id": self.id, "path": self.path, "file": shown, "status": self.status,
                "reason": self.reason or None, "sha256": self.sha256,
                "expected_sha256": self.expected}


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


def _controls(profile: dict[str, Any]) -> list[tuple[tuple, dict[str, Any]]]:
    """(path, control) of every control in security_measures and governance."""
    found: list[tuple[tuple, dict[str, Any]]] = []
    for area, controls in (profile.get("security_measures") or {}).items():
        if isinstance(controls, dict):
            found += [(("security_measures", area, key), control)
                      for key, control in controls.items() if isinstance(control, dict)]
    found += [(("governance", key), control)
              for key, control in (profile.get("governance") or {}).items()
              if isinstance(control, dict)]
    return found


def _finding(rule: Rule, document: Document, failures: list[tuple[tuple, str, str, Any, Any]],
             judged: bool) -> Finding:
    """failures: (path, message ko, message en, actual, expected)."""
    if not judged:
        return Finding(rule, "not_applicable", list(rule.reads), None, None)
    if not failures:
        position = document.position(("evidence",))
        return Finding(rule, "pass", list(rule.reads), position[0] if position else None,
                       position[1] if position else None)
    paths = [format_path(path) for path, *_ in failures]
    position = document.position(failures[0][0])
    actual = {p: f[3] for p, f in zip(paths, failures, strict=True)}
    expected = {p: f[4] for p, f in zip(paths, failures, strict=True)}
    if len(failures) == 1:
        actual, expected = failures[0][3], failures[0][4]
    message = {"ko": "; ".join(f"{p}: {f[1]}" for p, f in zip(paths, failures, strict=True)),
               "en": "; ".join(f"{p}: {f[2]}" for p, f in zip(paths, failures, strict=True))}
    return Finding(rule, "fail", paths, position[0] if position else None,
                   position[1] if position else None, actual, expected, message,
                   [Failure(path, "evidence", act, exp) for path, _, _, act, exp in failures])


def verify_evidence(document: Document, profile: dict[str, Any],
                    root: Path) -> tuple[list[Finding], list[dict[str, Any]]]:
    """The three evidence findings and a record of every evidence file verified."""
    root = root.resolve()
    digests: dict[Path, str] = {}
    checked = [_verify(i, entry, root, digests)
               for i, entry in enumerate(profile.get("evidence") or [])
               if isinstance(entry, dict) and isinstance(entry.get("path"), str)]

    presence = []
    for item in checked:
        if item.status in (MISSING, NOT_A_FILE, OUTSIDE):
            ko, en = _WHY[item.status]
            presence.append((("evidence", item.index, "path"), f"{ko} ({item.path})",
                             f"{en}: {item.path}" + (f" — {item.reason}" if item.reason and
                                                     item.reason != en else ""),
                             item.path, f"a file inside {root}"))
    digest_failures = [(("evidence", item.index, "sha256"),
                        f"파일의 SHA-256 {item.sha256[:16]}…이(가) 기재 값 {item.expected[:16]}…과 다름",
                        f"the file's SHA-256 {item.sha256} is not the stated {item.expected}",
                        item.sha256, item.expected)
                       for item in checked if item.status == MISMATCH
                       and item.sha256 is not None and item.expected is not None]
    hashed = [item for item in checked if item.expected is not None]

    failed = {item.id: item for item in checked if item.status in FAILED}
    verified = {item.id for item in checked if item.status in (OK, PRESENT)}
    backed = []
    for path, control in _controls(profile):
        cited = [c for c in control.get("evidence") or [] if isinstance(c, str)]
        if control.get("status") != "implemented" or not cited:
            continue
        if all(c in failed for c in cited) and not any(c in verified for c in cited):
            reasons = [f"{c} ({_WHY[failed[c].status][1]})" for c in cited]
            reasons_ko = [f"{c} ({_WHY[failed[c].status][0]})" for c in cited]
            backed.append(((*path, "evidence"),
                           "이행으로 기재했으나 인용한 증빙이 모두 검증 실패: " + ", ".join(reasons_ko),
                           "claimed implemented, but every evidence item it cites failed "
                           "verification: " + ", ".join(reasons), cited, "verified evidence"))

    findings = [_finding(FILE_PRESENT, document, presence, bool(checked)),
                _finding(SHA256_MATCH, document, digest_failures,
                         any(item.status in (OK, MISMATCH) for item in hashed)),
                _finding(IMPLEMENTED_BACKED, document, backed, bool(checked))]
    return findings, [item.record(root) for item in checked]


def summary(records: list[dict[str, Any]], root: Path) -> str:
    """One line for a report's notes: how many evidence files were verified, and how."""
    counts: dict[str, int] = {}
    for record in records:
        counts[record["status"]] = counts.get(record["status"], 0) + 1
    parts = ", ".join(f"{n} {status.replace('_', ' ')}" for status, n in sorted(counts.items()))
    return (f"evidence: {len(records)} file(s) cited with a path, verified under {root}"
            + (f": {parts}" if parts else ""))
