"""What a report's profile says beyond its findings: the evidence each control cites, and the
owner and due date a firm may note on a control (``x_owner``, ``x_due``).

Renderers read a :class:`Report` only; the OSCAL and committee documents also want to say which
evidence each rule relied on and who fixes what by when. That lives in the profile file the
report names (``report.profile_file``), so it is read again here — and used only when the file
still has the SHA-256 the report was made from (``report.profile_sha256``): a profile edited
after the check gives no annotations rather than wrong ones. Nothing here evaluates a rule.

Which controls a finding is about: every mapping of the profile that cites ``evidence`` or
carries ``x_owner`` / ``x_due`` is a *control*; a finding is about the controls that lie on or
under one of its ``paths`` (``[]`` and ``{key}`` match any item or key).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import field
from typing import Any

from netsep_check._record import record
from netsep_check.errors import InputError
from netsep_check.evaluate.findings import Finding, Report

_TOKEN = re.compile(r"\[(\d*)\]|\{key\}|([^.\[\]{}]+)")
ANY = "*"


def tokens(path: str) -> list[str | int]:
    """``providers[].security_evaluation`` → ``["providers", "*", "security_evaluation"]``."""
    out: list[str | int] = []
    for match in _TOKEN.finditer(path):
        index, key = match.groups()
        if key is not None:
            out.append(key)
        elif index:
            out.append(int(index))
        else:
            out.append(ANY)
    return out


@record
class Evidence:
    id: str
    title: str = ""
    path: str | None = None
    sha256: str | None = None  # as the profile states it


@record
class Control:
    path: tuple[str | int, ...]
    status: str | None
    evidence: tuple[str, ...]
    owner: str | None
    due: dt.date | None

    @property
    def dotted(self) -> str:
        out = ""
        for part in self.path:
            out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
        return out


@record(frozen=False)
class ProfileNotes:
    """The annotations of one profile; empty when the file could not be read as checked."""

    controls: list[Control] = field(default_factory=list)
    evidence: dict[str, Evidence] = field(default_factory=dict)
    available: bool = False
    # the controls by path (see _Node), and the last finding's paths asked with the answer
    _tree: Any = field(default=None, repr=False, compare=False)
    _last: Any = field(default=None, repr=False, compare=False)

    def controls_of(self, finding: Finding) -> list[Control]:
        """The controls on or under one of the finding's paths, or above one (see
        :func:`_on_path`), in profile order: each path is walked down a tree of the
        controls' paths, not compared with every control (a finding on 100,000 categories
        against 100,000 own categories was 10^10 comparisons)."""
        paths = finding.paths
        if self._last is not None and self._last[0] == paths:
            return list(self._last[1])
        tree = self._tree
        if tree is None:
            tree = self._tree = _Node.of(self.controls)
        found: set[int] = set()
        for path in dict.fromkeys(paths):
            wanted = tokens(path)
            if wanted:
                tree.collect(wanted, 0, found)
        chosen = [self.controls[i] for i in sorted(found)]
        self._last = (paths, chosen)
        return list(chosen)

    def evidence_of(self, finding: Finding) -> list[Evidence]:
        ids = dict.fromkeys(e for c in self.controls_of(finding) for e in c.evidence)
        return [self.evidence.get(i, Evidence(i)) for i in ids]

    def owner_of(self, finding: Finding) -> str | None:
        owners = dict.fromkeys(c.owner for c in self.controls_of(finding) if c.owner)
        return ", ".join(owners) or None

    def due_of(self, finding: Finding) -> dt.date | None:
        """The earliest due date noted on the finding's controls."""
        return min((c.due for c in self.controls_of(finding) if c.due), default=None)


class _Node:
    """A tree of the controls' paths: ``here``, the controls whose path ends at this node;
    ``below``, every control at or under it (in profile order); ``children`` by key."""

    __slots__ = ("below", "children", "here")

    def __init__(self) -> None:
        self.here: list[int] = []
        self.below: list[int] = []
        self.children: dict[str | int, _Node] = {}

    @classmethod
    def of(cls, controls: list[Control]) -> _Node:
        root = cls()
        for index, control in enumerate(controls):
            node = root
            node.below.append(index)
            for key in control.path:
                child = node.children.get(key)
                if child is None:
                    child = node.children[key] = cls()
                node = child
                node.below.append(index)
            node.here.append(index)
        return root

    def collect(self, wanted: list[str | int], depth: int, found: set[int]) -> None:
        """The controls :func:`_on_path` matches with ``wanted``, read from ``depth`` on:
        those above its end (their path a prefix of it) and every one at or under it."""
        if depth == len(wanted):
            found.update(self.below)
            return
        found.update(self.here)  # a control whose path is a proper prefix of wanted
        key = wanted[depth]
        if key == ANY:
            for child in self.children.values():
                child.collect(wanted, depth + 1, found)
        else:
            following = self.children.get(key)
            if following is not None:
                following.collect(wanted, depth + 1, found)


def _on_path(wanted: list[str | int], have: tuple[str | int, ...]) -> bool:
    """``have`` lies on or under ``wanted`` (or ``wanted`` under ``have``, for a rule that
    reads one field of a control)."""
    if not wanted:
        return False
    for w, h in zip(wanted, have, strict=False):
        if w == ANY:
            continue
        if w != h:
            return False
    return True


def _date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


def _walk(node: Any, path: tuple[str | int, ...], found: list[Control]) -> None:
    if isinstance(node, dict):
        cited = node.get("evidence")
        if path and path[0] != "evidence" and (
                isinstance(cited, list) or "x_owner" in node or "x_due" in node):
            owner = node.get("x_owner")
            found.append(Control(
                path, node.get("status") if isinstance(node.get("status"), str) else None,
                tuple(str(e) for e in cited) if isinstance(cited, list) else (),
                " ".join(str(owner).split()) if owner not in (None, "") else None,
                _date(node.get("x_due"))))
        for key, value in node.items():
            if not str(key).startswith("x_") and key != "evidence":
                _walk(value, (*path, str(key)), found)
    elif isinstance(node, list):
        for i, value in enumerate(node):
            _walk(value, (*path, i), found)


def notes_from_data(data: Any) -> ProfileNotes:
    notes = ProfileNotes(available=isinstance(data, dict))
    if not isinstance(data, dict):
        return notes
    _walk(data, (), notes.controls)
    for entry in data.get("evidence") or []:
        if isinstance(entry, dict) and entry.get("id") is not None:
            notes.evidence[str(entry["id"])] = Evidence(
                str(entry["id"]), " ".join(str(entry.get("title") or "").split()),
                str(entry["path"]) if entry.get("path") else None,
                str(entry["sha256"]).lower() if entry.get("sha256") else None)
    return notes


def profile_notes(report: Report) -> ProfileNotes:
    """The notes of ``report.profile_file``, if it still holds what was checked."""
    if report.profile_file in ("", "-"):
        return ProfileNotes()
    from netsep_check.load import load_document

    try:
        document = load_document(report.profile_file)
    except (InputError, OSError):
        return ProfileNotes()
    if document.sha256 != report.profile_sha256:
        return ProfileNotes()
    return notes_from_data(document.data)
