"""What evaluation produces: frozen values, no sentences.

A :class:`Finding` is one rule's verdict on one profile with the structured failure leaves
that explain it; a :class:`Report` holds every finding for one profile under one pack. Words
(Korean and English) are made from these values only in :mod:`netsep_check.report`. Waivers
and baselines never change a report: they return a new one (``dataclasses.replace``).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import field
from typing import Any

from netsep_check._record import record
from netsep_check.rules.model import PackInfo, Rule
from netsep_check.rules.operators.base import Failure
from netsep_check.values import canonical
from netsep_check.vocabulary import AREAS, FAILING, STATUSES, verdict


@record
class AppliedWaiver:
    """The waiver that covers a failing finding, as it stood on the judging date."""

    rule: str
    path: str | None
    firm: str | None
    justification: str
    approved_by: str
    approved_on: str
    ticket: str
    expires_on: str
    file: str
    line: int | None
    state: str  # active | expired | not_yet_approved

    def as_dict(self) -> dict[str, Any]:
        return {"rule": self.rule, "path": self.path, "firm": self.firm,
                "justification": self.justification, "approved_by": self.approved_by,
                "approved_on": self.approved_on, "ticket": self.ticket,
                "expires_on": self.expires_on, "file": self.file, "line": self.line,
                "state": self.state}


@record
class Note:
    """Something a report must say besides its findings: a code the report layer words, and
    its parameters (plain values)."""

    code: str
    params: dict[str, Any] = field(default_factory=dict)


def strip_indexes(path: str | None) -> str:
    """``usage.saas_products[4]`` → ``usage.saas_products[]``: list positions shift when an
    entry is added before them, so identities use the value, not the position."""
    if not path:
        return ""
    out, depth = [], 0
    for ch in path:
        if ch == "[":
            depth += 1
            out.append("[]")
        elif ch == "]":
            depth -= 1
        elif depth == 0:
            out.append(ch)
    return "".join(out)


def leaf_identity(rule_id: str, firm: str, path: str | None, actual: Any,
                  element: str | None = None) -> tuple[Any, ...]:
    """The identity of one failing element: rule, firm, field, value. The field is the
    keyed path (``providers[id=acme_cdn].security_evaluation.result``: :func:`keyed_path`)
    where the failure lies in a named item, else the path with positions dropped."""
    return (rule_id, firm, element if element is not None else strip_indexes(path),
            canonical(actual))


ITEM_KEYS = ("id", "category")  # what names a list's mapping items (providers[].id, ...)


def keyed_path(path: tuple[str | int, ...], data: Any) -> str | None:
    """``providers[2].security_evaluation.result`` → ``providers[id=zeta_backup].security_
    evaluation.result``: each list position whose item (in ``data``) is a mapping named by a
    text ``id`` (or ``category``) is replaced by that name, other positions are dropped
    (``[]``). Two providers failing on the same value are two elements, and a provider that
    replaces another is a new one, wherever either stands. None when the path crosses no
    named item (the path without positions is then the identity)."""
    for step in path[:-1]:  # an item above the leaf, to name (a plain loop: no generator
        if type(step) is int:  # per leaf of 1.28 million)
            break
    else:  # none: an item that is the leaf itself is identified by its value
        return None
    out, node, named = "", data, False
    for step in path:
        if type(step) is int:
            item = node[step] if type(node) is list and -len(node) <= step < len(node) \
                else None
            key = next((k for k in ITEM_KEYS if type(item) is dict
                        and type(item.get(k)) is str), None)
            if key is None:
                out += "[]"
            else:
                out += f"[{key}={item[key]}]"  # type: ignore[index]
                named = True
            node = item
        else:
            out += f".{step}" if out else str(step)
            node = node.get(step) if type(node) is dict else None
    return out if named else None


LISTED = 100  # failure leaves a finding lists; the others are counted and identified
Element = tuple[str, Any]  # (field path without positions, canonical value): see leaf_identity
# every failing element of a finding, by field: (field, its values), a text as itself and any
# other value canonical (a canonical value is a tuple, never a text: they cannot be confused)
Elements = tuple[tuple[str, tuple[Any, ...]], ...]

_FIELDS: tuple[dict[tuple[str | int, ...], str], ...] = ({}, {})


def _field(path: tuple[str | int, ...] | None) -> str:
    """``strip_indexes(format_path(path))``: the field part of :func:`leaf_identity`,
    remembered by the path (the list-level fields), or by the path up to its last position
    (the elements of one list share it)."""
    if not path:
        return ""
    element = isinstance(path[-1], int)
    known = _FIELDS[element]
    head = path[:-1] if element else path
    text = known.get(head)
    if text is not None:
        return text
    from netsep_check.load import format_path

    text = strip_indexes(format_path(path))
    # a key holding a bracket could make the position part of the field: never remembered
    if not any(isinstance(key, str) and ("[" in key or "]" in key) for key in path):
        if len(known) >= 4096:
            known.clear()
        known[head] = text
    return text


def elements_of(failures: tuple[Failure, ...], keys: tuple[str | None, ...] = ()) -> Elements:
    """The identities (:func:`leaf_identity` without rule and firm) of ``failures`` by
    field, in the order they first fail: what a finding that lists only some of its leaves
    keeps of all of them, so that baselines and diffs still compare every failing element.
    ``keys``: each leaf's keyed path (:func:`keyed_path`), its field where given; an identity
    seen before is numbered as :func:`numbered` numbers it (``field#2``). A text is kept as
    itself (1.28 million categories: no pair and no canonical tuple each)."""
    fields: dict[str, dict[Any, None]] = {}
    repeats: dict[tuple[str, Any], int] = {}
    for at, failure in enumerate(failures):
        key = keys[at] if keys else None
        text = key if key is not None else _field(failure.path)
        values = fields.get(text)
        if values is None:
            values = fields[text] = {}
        actual = failure.actual
        value = actual if type(actual) is str else canonical(actual)
        if value in values:  # the same element again (two unnamed items): counted
            n = repeats[(text, value)] = repeats.get((text, value), 1) + 1
            fields.setdefault(f"{text}#{n}", {})[value] = None
        else:
            values[value] = None
    return tuple((text, tuple(values)) for text, values in fields.items())


def element_identities(elements: Elements) -> list[Element]:
    """``elements`` as (field, canonical value) pairs, as :func:`leaf_identity` makes them."""
    return [(field, ("s", value) if type(value) is str else value)
            for field, values in elements for value in values]


@record
class Finding:
    """The verdict of one rule on one profile."""

    rule: Rule
    status: str  # one of vocabulary.STATUSES
    paths: tuple[str, ...]
    line: int | None
    column: int | None
    failures: tuple[Failure, ...] = ()  # structured leaves: where, what, against what
    waiver: AppliedWaiver | None = None  # the waiver that covers it (active or not)
    known: bool = False  # already failing in the baseline: does not trip the gate
    # leaves judged but not listed in ``failures`` (beyond LISTED): counted here, and every
    # leaf's identity kept in ``elements`` (None when every leaf is listed)
    unlisted: int = 0
    elements: Elements | None = field(default=None, repr=False)
    # each listed failure's keyed path (:func:`keyed_path`), or None; empty: none is keyed
    keys: tuple[str | None, ...] = ()

    @property
    def failing(self) -> bool:
        """Counts against the gate: a failure, or a rule that could not be judged."""
        return self.status in FAILING

    @property
    def actual(self) -> Any:
        """The value found: one leaf's, or by field path when several failed."""
        return _summary(self.failures, "actual")

    @property
    def expected(self) -> Any:
        return _summary(self.failures, "expected")


def _summary(failures: tuple[Failure, ...], attribute: str) -> Any:
    if not failures:
        return None
    if len(failures) == 1:
        return getattr(failures[0], attribute)
    from netsep_check.load import format_path

    out: dict[str, Any] = {}
    for i, failure in enumerate(failures):
        key = format_path(failure.path) if failure.path else f"#{i + 1}"
        if key in out:
            key = f"{key} #{i + 1}"
        out[key] = getattr(failure, attribute)
    return out


@record
class EvidenceRecord:
    """One evidence file cited with a path, and how its verification came out."""

    index: int  # position in the profile's evidence list
    id: str
    path: str
    file: str | None  # relative to the evidence root, when it lies inside it
    status: str  # ok | present | sha256_mismatch | missing | not_a_file | outside_root
    reason: str | None = None
    sha256: str | None = None
    expected_sha256: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "path": self.path, "file": self.file, "status": self.status,
                "reason": self.reason, "sha256": self.sha256,
                "expected_sha256": self.expected_sha256}


@record
class Report:
    """All findings for one profile under one pack."""

    profile_file: str
    profile_sha256: str
    as_of: dt.date
    as_of_overridden: bool
    firm: str
    regime: str
    service: str | None
    pack: PackInfo
    findings: tuple[Finding, ...]
    notes: tuple[Note, ...] = ()
    evidence_checked: tuple[EvidenceRecord, ...] = ()
    evidence_verified: bool = True  # False: --no-evidence-check
    # tenant facts and egress logs cross-checked (evaluate/tenant.py evidence_records): source,
    # report id, timestamp, sha256; controls contradicted, weak, confirmed, unmeasured
    tenant_evidence: tuple[dict[str, Any], ...] = ()

    def counts(self) -> dict[str, int]:
        pairs = self._by_area()
        counter: Counter[str] = Counter()
        for (_, status), count in pairs.items():
            counter[status] += count
        return {status: counter.get(status, 0) for status in STATUSES}

    def _by_area(self) -> Counter[tuple[str, str]]:
        """How many findings of each (area, status), counted once per report (kept beside
        its frozen findings, and pickled with it: a worker's count reaches the command)."""
        pairs: Counter[tuple[str, str]] | None = self.__dict__.get("_pairs")
        if pairs is None:
            pairs = self.__dict__["_pairs"] = Counter([(f.rule.area, f.status)
                                                       for f in self.findings])
        return pairs

    def counts_by_area(self) -> dict[str, dict[str, int]]:
        pairs = self._by_area()
        present = {area for area, _ in pairs}
        return {area: {status: pairs.get((area, status), 0) for status in STATUSES}
                for area in AREAS if area in present}

    def worst_by_area(self) -> dict[str, str]:
        pairs = self._by_area()
        present = {area for area, _ in pairs}
        return {area: next((s for s in STATUSES if (area, s) in pairs), "not_applicable")
                for area in AREAS if area in present}

    @property
    def verdict(self) -> str:
        return verdict(self.counts())

    @property
    def failing(self) -> list[Finding]:
        return [f for f in self.findings if f.failing]

    def failing_identities(self) -> set[tuple[Any, ...]]:
        """Every failing element of this report (see :func:`leaf_identity`)."""
        return {identity for finding in self.findings if finding.status == "fail"
                for identity in finding_identities(finding, self.firm)}


def finding_identities(finding: Finding, firm: str) -> list[tuple[Any, ...]]:
    """A finding's failing elements; a finding without leaves is one element (the rule). A
    finding that lists only some of its leaves has every leaf's identity in ``elements``."""
    if finding.elements is not None:
        rule_id = finding.rule.id
        return [(rule_id, firm, path, value)
                for path, value in element_identities(finding.elements)]
    if not finding.failures:
        return [leaf_identity(finding.rule.id, firm, None, None)]
    from netsep_check.load import format_path

    keys = finding.keys or (None,) * len(finding.failures)
    return numbered([leaf_identity(finding.rule.id, firm,
                                   format_path(f.path) if f.path else None, f.actual, key)
                     for f, key in zip(finding.failures, keys, strict=True)], 2)


def numbered(identities: list[tuple[Any, ...]], field: int) -> list[tuple[Any, ...]]:
    """Identities made distinct: the second of two equal ones (two unnamed items failing on
    the same value) gets ``#2`` after its field (``field``: where the field stands), so that
    a third such item is a new element, not one already known."""
    seen: dict[tuple[Any, ...], int] = {}
    out = []
    for identity in identities:
        n = seen[identity] = seen.get(identity, 0) + 1
        if n > 1:
            identity = (*identity[:field], f"{identity[field]}#{n}", *identity[field + 1:])
        out.append(identity)
    return out
