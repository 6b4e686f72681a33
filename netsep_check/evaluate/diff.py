"""Compare two verdicts: ``netsep-check diff BASE HEAD`` and ``check --baseline REPORT``.

Each side is a profile (evaluated by the caller) or a JSON report written by ``check --format
json``; which one is told by content, not by file name. Sides are compared by **finding**, not
by rule: a failing element is identified by the rule, the firm, the field (a named item by
its name, ``providers[id=acme_cdn]``; other list positions dropped) and the value found there
(:func:`~netsep_check.evaluate.findings.leaf_identity`); two equal ones are numbered.
A rule that still fails but fails on a new element (a second unapproved product) newly fails.
Only newly failing findings make the diff fail. A finding that could not be judged
(``error``) is its own element: an earlier error never excuses a failure.

A baseline is a JSON report (one report or a batch) of the same firm: ``check --baseline``
marks the failing findings whose every element already failed there as ``known``; they do not
trip the gate. Nothing here makes sentences: :mod:`netsep_check.report.diff` words a diff.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from netsep_check._record import record
from netsep_check.errors import InputError, Problem
from netsep_check.evaluate.findings import (
    Note,
    Report,
    finding_identities,
    numbered,
    strip_indexes,
)
from netsep_check.load import DEFAULT_MAX_BYTES, Document, format_path, load_document
from netsep_check.values import canonical, plain
from netsep_check.vocabulary import (
    BATCH_FORMAT_ID,
    FAILING,
    REPORT_FORMAT_ID,
    REPORT_FORMAT_VERSION,
    STATUSES,
)

REPORT_FORMATS = (REPORT_FORMAT_ID, BATCH_FORMAT_ID)
FORMAT_VERSION = REPORT_FORMAT_VERSION
Element = tuple[str, Any]  # (field path without positions, canonical value)


def _element(status: str, path: str | None, actual: Any, element: Any = None) -> Element:
    """As :func:`~netsep_check.evaluate.findings.leaf_identity`: the keyed path a report
    gives (``element``), else the path without positions; an older report's leaves have no
    keyed path, so a leaf in a named item is new against it (never hidden)."""
    if status == "error":
        return ("", ("error",))
    if isinstance(element, str):
        return (element, canonical(actual))
    if path is not None and not isinstance(path, str):  # a damaged report: matches nothing
        return (f"(not a path: {path!r})", canonical(actual))
    return (strip_indexes(path), canonical(actual))


@record
class RuleState:
    """One rule's verdict on one side, with its failing elements."""

    rule_id: str
    status: str
    severity: str
    area: str
    title: dict[str, str]
    elements: frozenset[Element] = frozenset()

    @property
    def failing(self) -> bool:
        return self.status in FAILING


@record
class Side:
    """One side of a comparison: the verdict of every rule on one profile."""

    source: str  # the file given
    kind: str  # "profile" or "report"
    profile_file: str
    firm: str
    as_of: str
    pack_id: str
    pack_version: str
    pack_digest: str
    rules: dict[str, RuleState]
    profile_sha256: str = ""

    @property
    def failing(self) -> set[str]:
        return {rule_id for rule_id, state in self.rules.items() if state.failing}

    def as_dict(self) -> dict[str, Any]:
        return {"source": self.source, "kind": self.kind, "profile_file": self.profile_file,
                "profile_sha256": self.profile_sha256, "firm": self.firm, "as_of": self.as_of,
                "pack": {"id": self.pack_id, "version": self.pack_version,
                         "digest": self.pack_digest}}


def _elements(report: Report, finding: Any) -> frozenset[Element]:
    if not finding.failing:
        return frozenset()
    if finding.status == "error":
        return frozenset({_element("error", None, None)})
    return frozenset((identity[2], identity[3])
                     for identity in finding_identities(finding, report.firm))


def side_from_report(report: Report, source: str | None = None) -> Side:
    rules = {f.rule.id: RuleState(f.rule.id, f.status, f.rule.severity, f.rule.area,
                                  dict(f.rule.title), _elements(report, f))
             for f in report.findings}
    return Side(source or report.profile_file, "profile", report.profile_file, report.firm,
                report.as_of.isoformat(), report.pack.id, report.pack.version,
                report.pack.digest, rules, report.profile_sha256)


# --- JSON reports ---------------------------------------------------------------------------

def is_report_document(data: Any) -> bool:
    """A JSON report of ours (one report or a batch), told by its content."""
    if not isinstance(data, dict):
        return False
    if data.get("format") in REPORT_FORMATS:
        return True
    if "profile_version" in data:
        return False
    # another document of ours (a diff, ...) or a report without its format: read as a
    # report, which names what is wrong, rather than as a profile missing every key
    return isinstance(data.get("format"), str) or "findings" in data or "reports" in data


def _checker(document: Document, problems: list[Problem]) -> Callable[..., bool]:
    def need(ok: bool, path: tuple[str | int, ...], message: str) -> bool:
        if not ok:
            position = document.position(path) or (None, None)
            problems.append(Problem(document.file, message, position[0], position[1],
                                    format_path(path) or "(top level)"))
        return ok
    return need


def _side_from_entry(document: Document, entry: Any, base: tuple[str | int, ...],
                     need: Callable[..., bool]) -> Side | None:
    if not need(isinstance(entry, dict), base, "a report must be a mapping"):
        return None
    profile = entry.get("profile")
    pack = entry.get("pack") if isinstance(entry.get("pack"), dict) else {}
    findings = entry.get("findings")
    ok = need(isinstance(profile, dict) and isinstance(profile.get("file"), str),
              (*base, "profile"), "missing profile.file (the profile the report is about)")
    ok = need(isinstance(findings, list), (*base, "findings"),
              "missing findings (a list)") and ok
    if not ok:
        return None
    rules: dict[str, RuleState] = {}
    for index, item in enumerate(findings):
        path = (*base, "findings", index)
        if not need(isinstance(item, dict) and isinstance(item.get("rule_id"), str), path,
                    "a finding needs a rule_id"):
            continue
        status = item.get("status")
        if not need(status in STATUSES, (*path, "status"),
                    f"status {status!r} is not one of: {', '.join(STATUSES)}"):
            continue
        title = item.get("title") if isinstance(item.get("title"), dict) else {}
        leaves = item.get("failures") if isinstance(item.get("failures"), list) else []
        elements = frozenset(numbered([_element(status, leaf.get("path"), leaf.get("actual"),
                                                leaf.get("element"))
                                       for leaf in leaves if isinstance(leaf, dict)], 0)) \
            if status in FAILING else frozenset()
        if status in FAILING and "unlisted" in item:  # a finding that lists some of its leaves
            unlisted = _unlisted_elements(item, status, path, need)
            if unlisted is None:
                continue
            elements |= unlisted
        if status in FAILING and not elements:
            elements = frozenset({_element(status, None, None)})
        rules[item["rule_id"]] = RuleState(item["rule_id"], status,
                                           str(item.get("severity", "")),
                                           str(item.get("area", "")),
                                           {k: str(v) for k, v in title.items()}, elements)
    sha = profile.get("sha256")
    need(isinstance(sha, str) and len(sha) == 64, (*base, "profile", "sha256"),
         "missing profile.sha256 (the digest of the profile the report judged)")
    return Side(document.file, "report", profile["file"], str(profile.get("firm", "")),
                str(entry.get("as_of", "")), str(pack.get("id", "")),
                str(pack.get("version", "")), str(pack.get("digest", "")), rules,
                str(sha or ""))


def _unlisted_elements(item: dict[str, Any], status: str, path: tuple[str | int, ...],
                       need: Callable[..., bool]) -> frozenset[Element] | None:
    """Every failing element of a finding that lists only some (``unlisted`` more): its
    ``elements``, values by field. A report that counts elements it does not identify cannot
    be compared (an element it hides could be a new failure): an input error, never a
    smaller set."""
    count = item.get("unlisted")
    if not need(type(count) is int and count > 0, (*path, "unlisted"),
                "unlisted must be a whole number of failing elements above 0"):
        return None
    fields = item.get("elements")
    if not isinstance(fields, dict) or not all(
            isinstance(field, str) and isinstance(values, list)
            for field, values in fields.items()):
        need(False, (*path, "elements"), f"the finding counts {count} failing element(s) "
             "beyond those it lists, but holds no elements (every failing element by field: "
             "{\"field\": [values]}) to compare them by")
        return None
    if status == "error":
        return frozenset({_element(status, None, None)})
    return frozenset((field, canonical(value))  # fields as written: keyed, numbered
                     for field, values in fields.items() for value in values)


def sides_from_report_document(document: Document) -> list[Side]:
    """Every report in a JSON report document (one, or a batch), checked as it is read."""
    data = document.data
    problems: list[Problem] = []
    need = _checker(document, problems)
    fmt = data.get("format")
    if fmt is not None and fmt not in REPORT_FORMATS:
        need(False, ("format",), f"format {fmt!r} is not a netsep-check JSON report "
             f"(expected {' or '.join(REPORT_FORMATS)}; write one with check --format json)")
    elif data.get("format_version", FORMAT_VERSION) != FORMAT_VERSION:
        need(False, ("format_version",), f"report format_version {data.get('format_version')!r}"
             f" is not supported (this netsep-check reads version {FORMAT_VERSION})")
    if problems:
        raise InputError(problems)
    if "reports" in data and "findings" not in data:
        entries = data["reports"]
        if not need(isinstance(entries, list), ("reports",), "reports must be a list"):
            raise InputError(problems)
        sides = [_side_from_entry(document, e, ("reports", i), need)
                 for i, e in enumerate(entries)]
    else:
        sides = [_side_from_entry(document, data, (), need)]
    if problems:
        raise InputError(problems)
    return [s for s in sides if s is not None]


def load_report_sides(path: Path | str, max_bytes: int = DEFAULT_MAX_BYTES) -> list[Side]:
    """Read a JSON report file (``check --format json``) into one side per report."""
    document = load_document(path, max_bytes=max_bytes)
    if not is_report_document(document.data):
        raise InputError.one(document.file, "not a netsep-check JSON report (write one with "
                             "check --format json)", 1, 1, code="report.not_a_report")
    return sides_from_report_document(document)


def report_side(document: Document) -> Side | None:
    """The one report of a JSON report document, or ``None`` when ``document`` is not a
    JSON report (then it is a profile, to be evaluated by the caller)."""
    if not is_report_document(document.data):
        return None
    sides = sides_from_report_document(document)
    if len(sides) != 1:
        raise InputError.one(document.file, f"the report holds {len(sides)} profiles' "
                             "reports; diff compares one profile (give a single report)", 1, 1,
                             code="report.several_profiles", count=len(sides))
    return sides[0]


# --- the comparison -------------------------------------------------------------------------

@record
class Change:
    """One rule across the two sides; ``None`` where a side does not evaluate it.
    ``new``: failing elements of HEAD that BASE did not have (path, value)."""

    rule_id: str
    severity: str
    area: str
    title: dict[str, str]
    base: str | None
    head: str | None
    new: tuple[tuple[str, Any], ...] = ()


@record
class Diff:
    base: Side
    head: Side
    newly_failing: tuple[Change, ...] = ()
    newly_passing: tuple[Change, ...] = ()
    still_failing: tuple[Change, ...] = ()
    dropped: tuple[Change, ...] = ()
    notes: tuple[Note, ...] = ()

    @property
    def failing(self) -> bool:
        """Something newly fails: the diff's gate."""
        return bool(self.newly_failing)


def _shown(element: Element) -> tuple[str, Any]:
    path, value = element
    return (path, _plain(value))


def _plain(value: Any) -> Any:
    """A canonical value back to plain JSON data (for reports)."""
    if not isinstance(value, tuple) or len(value) != 2:
        return value
    if value[0] == "error":
        return "error"
    return plain(value)


def compare(base: Side, head: Side) -> Diff:
    groups: dict[str, list[Change]] = {"newly_failing": [], "newly_passing": [],
                                       "still_failing": [], "dropped": []}
    for rule_id in dict.fromkeys([*head.rules, *base.rules]):
        before, after = base.rules.get(rule_id), head.rules.get(rule_id)
        info = after or before
        assert info is not None
        was = before is not None and before.failing
        now = after is not None and after.failing
        fresh = sorted((after.elements if after else frozenset())
                       - (before.elements if before else frozenset()), key=repr)
        change = Change(rule_id, info.severity, info.area, info.title,
                        before.status if before else None, after.status if after else None,
                        tuple(_shown(e) for e in fresh) if now else ())
        if now and (not was or fresh):
            groups["newly_failing"].append(change)
        elif now:
            groups["still_failing"].append(change)
        elif was and after is None:
            groups["dropped"].append(change)
        elif was:
            groups["newly_passing"].append(change)
    notes = []
    if (base.pack_id, base.pack_version, base.pack_digest) != (
            head.pack_id, head.pack_version, head.pack_digest):
        notes.append(Note("diff_packs_differ", {
            "base": f"{base.pack_id} {base.pack_version} {base.pack_digest[:12]}",
            "head": f"{head.pack_id} {head.pack_version} {head.pack_digest[:12]}"}))
    if base.firm and head.firm and base.firm != head.firm:
        notes.append(Note("diff_firms_differ", {"base": base.firm, "head": head.firm}))
    return Diff(base, head, **{k: tuple(v) for k, v in groups.items()}, notes=tuple(notes))


# --- baselines ------------------------------------------------------------------------------

@record
class Baseline:
    """The failing findings of each profile in a baseline JSON report."""

    file: str
    sides: tuple[Side, ...]

    def side_for(self, report: Report, alone: bool = True) -> Side | None:
        """The baseline report of the same firm: the same profile file, else the only one of
        the same file name, else — when ``report`` is the run's only profile (``alone``) —
        the only one of the firm. Never a report of another firm; in a batch, never the
        record of another profile of the firm (a new profile would borrow its failures)."""
        same_firm = [s for s in self.sides if s.firm == report.firm]
        exact = [s for s in same_firm if s.profile_file == report.profile_file]
        if exact:
            return exact[0]
        name = Path(report.profile_file).name
        by_name = [s for s in same_firm if Path(s.profile_file).name == name]
        if len(by_name) == 1:
            return by_name[0]
        return same_firm[0] if alone and len(same_firm) == 1 else None

    def apply_all(self, reports: tuple[Report, ...]) -> tuple[Report, ...]:
        """:meth:`apply` to each report of a run. A baseline report that two judged profiles
        would both take, one of them not by its own path, is ambiguous for that one: it has
        no baseline (its failures count as new) rather than another profile's."""
        chosen = [self.side_for(r, alone=len(reports) == 1) for r in reports]
        takers = Counter(id(side) for side in chosen if side is not None)
        return tuple(self._against(r, side if side is None or takers[id(side)] == 1
                                   or side.profile_file == r.profile_file else None)
                     for r, side in zip(reports, chosen, strict=True))

    def require_firms(self, reports: tuple[Report, ...]) -> None:
        """A baseline that holds no report of any firm judged now is another firm's: exit 2."""
        firms = {s.firm for s in self.sides}
        if reports and not any(r.firm in firms for r in reports):
            held = ", ".join(sorted(firms)) or "no firm"
            judged = ", ".join(sorted({r.firm for r in reports}))
            raise InputError.one(self.file, f"the baseline holds reports of {held}, not of the "
                                 f"firm judged now ({judged}); a baseline must be an earlier "
                                 "report of the same firm", 1, 1, code="baseline.other_firm",
                                 held=held, judged=judged)

    def apply(self, report: Report) -> Report:
        """A new report whose failing findings already failing here (every element) are
        ``known``, with a note naming the baseline."""
        return self._against(report, self.side_for(report))

    def _against(self, report: Report, side: Side | None) -> Report:
        """:meth:`apply` with the baseline report ``side`` (None: none matches)."""
        if side is None:
            note = Note("baseline_none", {"file": self.file})
            return dataclasses.replace(report, notes=(*report.notes, note))
        findings = []
        for finding in report.findings:
            state = side.rules.get(finding.rule.id)
            known = (finding.status == "fail" and state is not None and state.status == "fail"
                     and _elements(report, finding) <= state.elements)
            findings.append(dataclasses.replace(finding, known=known) if known else finding)
        known_ids = sorted(f.rule.id for f in findings if f.known)
        notes = [Note("baseline_known", {"file": self.file, "profile": side.profile_file,
                                         "n": len(known_ids), "rules": ", ".join(known_ids)})]
        if (side.pack_id, side.pack_version) != (report.pack.id, report.pack.version):
            notes.append(Note("baseline_pack_differs", {
                "baseline": f"{side.pack_id} {side.pack_version}",
                "report": f"{report.pack.id} {report.pack.version}"}))
        return dataclasses.replace(report, findings=tuple(findings),
                                   notes=(*report.notes, *notes))


def load_baseline(path: Path | str, max_bytes: int = DEFAULT_MAX_BYTES) -> Baseline:
    return baseline_of(load_document(path, max_bytes=max_bytes))


def baseline_of(document: Document) -> Baseline:
    """The baseline a JSON report document holds (read once by the caller)."""
    path = document.file
    if not is_report_document(document.data):
        raise InputError.one(document.file, "not a netsep-check JSON report (a baseline is "
                             "an earlier check --format json of the same firm)", 1, 1,
                             code="baseline.not_a_report")
    sides = sides_from_report_document(document)
    if not sides:
        raise InputError.one(path, "the baseline report holds no report", 1, 1,
                             code="baseline.empty")
    return Baseline(path, tuple(sides))
