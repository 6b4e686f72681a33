"""Waivers: approved, time-limited exceptions that turn a failing finding into ``waived``.

A waivers file (``check --waivers FILE``, schema ``netsep-check schema waivers``) lists
entries with ``rule``, an optional ``path``, ``justification``, ``approved_by``,
``approved_on``, ``ticket`` and ``expires_on``. Three steps, each usable on its own:

* :func:`load_waivers` reads the file with the project's loader and checks it against the
  schema and the date rules (``expires_on`` at most one year after ``approved_on``); every
  problem names the file, the line and the field.
* :func:`check_rules` checks the waivers against the packs in use: a waiver that names an
  unknown rule, or a rule marked ``waivable: false`` (the designation conditions: scope,
  excluded data, providers), is an input error at the waiver's line.
* :func:`apply_waivers` applies them to reports. A finding with status ``fail`` is covered
  by a waiver of its rule when every failing path of the finding equals the waiver's
  ``path`` or lies under it (a waiver without ``path`` covers the whole rule). On the
  report's ``as_of`` between ``approved_on`` and ``expires_on`` (both inclusive) the finding
  becomes ``waived`` and carries the waiver (``finding.waiver``, ``state: active``);
  otherwise it stays a failure, its message says why the waiver does not apply (in both
  languages) and ``finding.waiver`` shows it with ``state: expired`` or
  ``not_yet_approved`` (approved after ``as_of``). A waiver that names ``firm`` covers only
  that firm's profiles (``firm.name``, compared after folding spaces and the ㈜/(주)/주식회사
  marks); in a batch of several profiles every waiver must name its firm. A waiver that has
  expired by the day of the run is expired whatever ``--as-of`` says. :func:`apply_waivers`
  never changes a report: it returns new reports and the waivers that matched nothing.

A finding with status ``error`` (a rule that could not be judged) is never waived: a waiver
accepts a known deviation, not an unknown state.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import unicodedata
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from netsep_check import clock
from netsep_check._record import record
from netsep_check.errors import InputError, Problem
from netsep_check.evaluate.findings import AppliedWaiver, Elements, Finding, Note, Report
from netsep_check.load import (
    DEFAULT_MAX_BYTES,
    Document,
    format_path,
    load_document,
    require_mapping,
)
from netsep_check.rules.model import PackInfo, Rule
from netsep_check.validate.schema_errors import packaged_schema, schema_problems

_TOKEN = re.compile(r"\[(\d*)\]|([^.\[\]]+)")


def _tokens(path: str) -> list[str | int]:
    """``providers[0].id`` → ``["providers", 0, "id"]``; ``[]`` (any item) is ``"*"``."""
    tokens: list[str | int] = []
    for match in _TOKEN.finditer(path):
        index, key = match.groups()
        if key is not None:
            tokens.append(key)
        else:
            tokens.append(int(index) if index else "*")
    return tokens


def path_covers(base: str, path: str) -> bool:
    """Whether ``path`` equals ``base`` or lies under it; ``[]`` in ``base`` is any item."""
    want, have = _tokens(base), _tokens(path)
    if len(have) < len(want):
        return False
    for w, h in zip(want, have, strict=False):
        if w == "*" and isinstance(h, int):
            continue
        if w != h:
            return False
    return True


def _covers_elements(base: str, elements: Elements | None) -> bool:
    """Whether every failing element a finding keeps (its fields: positions dropped or an
    item named, ``usage.providers[]``, ``providers[id=x].result``, ``field#2``) lies at or
    under ``base``. A position is known only as "some item": only a waiver's ``[]`` (any
    item) covers it, never a waiver naming one position; an element located nowhere is
    covered by no path."""
    if elements is None:
        return False
    return all(field and path_covers(base, re.sub(r"\[[^\]]*\]", "[]", field.split("#")[0]))
               for field, _ in elements)


def one_year_after(day: dt.date) -> dt.date:
    """The same calendar day a year later (29 February → 28 February)."""
    try:
        return day.replace(year=day.year + 1)
    except ValueError:
        return day.replace(year=day.year + 1, day=28)


@record
class Waiver:
    """One waiver as written, with where it stands in its file."""

    index: int
    rule: str
    path: str | None
    firm: str | None
    justification: str
    approved_by: str
    approved_on: dt.date
    ticket: str
    expires_on: dt.date
    file: str
    line: int | None  # where the entry starts
    rule_line: int | None = None  # where its ``rule`` stands

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}" if self.line else self.file

    def covers(self, finding: Finding) -> bool:
        """Its rule, and every failing path of the finding at or under the waiver's path."""
        if finding.rule.id != self.rule:
            return False
        if self.path is None:
            return True
        if any(failure.path is None for failure in finding.failures):
            return False  # part of the failure is located nowhere: a path cannot cover it
        if finding.unlisted and not _covers_elements(self.path, finding.elements):
            return False  # the leaves past the listed ones too, not only the listed ones
        return bool(finding.paths) and all(path_covers(self.path, p) for p in finding.paths)

    def for_firm(self, firm: str) -> bool:
        return self.firm is None or firm_key(self.firm) == firm_key(firm)

    def state(self, as_of: dt.date, today: dt.date | None = None) -> str:
        """``active`` on as_of, else ``expired`` or ``not_yet_approved``. A waiver past its
        expiry on ``today`` (the day of the run) is expired whatever as_of says."""
        if as_of > self.expires_on or (today is not None and today > self.expires_on):
            return "expired"
        return "active" if as_of >= self.approved_on else "not_yet_approved"

    def applied(self, as_of: dt.date, today: dt.date | None = None) -> AppliedWaiver:
        """What ``finding.waiver`` holds: plain, picklable values."""
        return AppliedWaiver(self.rule, self.path, self.firm, self.justification,
                             self.approved_by, self.approved_on.isoformat(), self.ticket,
                             self.expires_on.isoformat(), self.file, self.line,
                             self.state(as_of, today))

    def describe(self) -> dict[str, str]:
        """What a note about this waiver names (words are made in ``report/``)."""
        return {"where": self.where, "ticket": self.ticket, "rule": self.rule,
                "path": self.path or "", "firm": self.firm or ""}


@record
class WaiverSet:
    """The waivers of one file."""

    file: str
    waivers: tuple[Waiver, ...]

    def __iter__(self) -> Any:
        return iter(self.waivers)

    def __len__(self) -> int:
        return len(self.waivers)


def waivers_schema() -> dict[str, Any]:
    return packaged_schema("waivers")


def _date_problems(document: Document) -> list[Problem]:
    problems = []
    entries = document.data.get("waivers")
    for index, entry in enumerate(entries if isinstance(entries, list) else []):
        try:  # entries the schema already faults for their dates are left to it
            approved = dt.date.fromisoformat(entry["approved_on"])
            expires = dt.date.fromisoformat(entry["expires_on"])
        except (TypeError, KeyError, ValueError):
            continue
        if not (clock.reckonable(approved) and clock.reckonable(expires)):
            continue  # outside the years dates are reckoned in: the schema's pattern says so
        path = ("waivers", index, "expires_on")
        latest = one_year_after(approved)
        if approved > clock.today():
            at = ("waivers", index, "approved_on")
            where = document.position(at) or (None, None)
            problems.append(Problem(document.file, f"approved_on {approved} is in the future; "
                                    "a waiver is recorded once it has been approved",
                                    where[0], where[1], format_path(at), "waiver.approved_future",
                                    {"approved": str(approved)}))
        if expires < approved:
            message, code = f"expires_on {expires} is before approved_on {approved}", \
                "waiver.expires_before_approval"
        elif expires > latest:
            message = (f"expires_on {expires} is more than one year after approved_on "
                       f"{approved} (latest allowed: {latest}); a waiver must be renewed "
                       "at least once a year")
            code = "waiver.longer_than_a_year"
        else:
            continue
        line_col = document.position(path) or (None, None)  # only where one is said
        problems.append(Problem(document.file, message, line_col[0], line_col[1],
                                format_path(path), code,
                                {"expires": str(expires), "approved": str(approved),
                                 "latest": str(latest)}))
    return problems


def _visible(text: str) -> bool:
    """Holds a character a reader can see (not only spaces, controls or format marks)."""
    return any(unicodedata.category(ch)[0] not in "CZ" for ch in text)


def _text_problems(document: Document) -> list[Problem]:
    problems = []
    entries = document.data.get("waivers")
    for index, entry in enumerate(entries if isinstance(entries, list) else []):
        for key in ("justification", "approved_by", "ticket"):
            value = entry.get(key) if isinstance(entry, dict) else None
            if isinstance(value, str) and value.strip() and not _visible(value):
                at = ("waivers", index, key)
                where = document.position(at) or (None, None)
                problems.append(Problem(document.file, f"{key} holds no visible text",
                                        where[0], where[1], format_path(at),
                                        "waiver.invisible_text", {"field": key}))
    return problems


def parse_waivers(document: Document) -> WaiverSet:
    """Check a loaded waivers document and turn it into a :class:`WaiverSet`."""
    require_mapping(document, "waivers file")
    entries, most = document.data.get("waivers"), waivers_schema()["properties"]["waivers"][
        "maxItems"]
    if isinstance(entries, list) and len(entries) > most:  # said alone, before the schema
        # walks each of 78,000 entries to say so (and the dates' lines are looked up)
        line, column = document.position(("waivers",)) or (None, None)
        raise InputError.one(document.file, f"{len(entries):,} waivers; a waivers file holds "
                             f"at most {most:,}", line, column, "waivers",
                             code="schema.too_many_items", max=most)
    problems = (schema_problems(document, waivers_schema()) + _date_problems(document)
                + _text_problems(document))
    if problems:
        problems.sort(key=lambda p: (p.line or 0, p.column or 0, p.path or ""))
        raise InputError(problems)
    waivers = []
    for index, entry in enumerate(document.data["waivers"]):
        waivers.append(Waiver(
            index=index, rule=entry["rule"], path=entry.get("path"), firm=entry.get("firm"),
            justification=entry["justification"].strip(),
            approved_by=entry["approved_by"].strip(),
            approved_on=dt.date.fromisoformat(entry["approved_on"]), ticket=entry["ticket"],
            expires_on=dt.date.fromisoformat(entry["expires_on"]), file=document.file,
            line=document.line(("waivers", index)),
            rule_line=document.line(("waivers", index, "rule"))))
    return WaiverSet(document.file, tuple(waivers))


def load_waivers(path: Path | str, max_bytes: int = DEFAULT_MAX_BYTES) -> WaiverSet:
    """Read, parse and check a waivers file; every failure is an :class:`InputError`."""
    return parse_waivers(load_document(path, max_bytes=max_bytes))


_FIXED = "no internal approval can set it aside"
_WHY_FIXED = {area: "a condition of the designation or of the exception itself, which no "
                    "internal approval can set aside"
              for area in ("designation", "scope", "data", "provider")}


def check_rules(waivers: WaiverSet, packs: Iterable[PackInfo], rules: Iterable[Rule] = ()) -> None:
    """Each waiver names a rule in use, and one that may be waived. ``rules``: rules judged
    besides the packs' own (the built-in evidence checks), e.g. every ``finding.rule``."""
    packs = list({pack.digest: pack for pack in packs}.values())
    if not packs:
        return
    extra: dict[str, list[Rule]] = {}
    for rule in rules:
        extra.setdefault(rule.id, []).append(rule)
    problems = []
    for waiver in waivers:
        rules_of = [found for pack in packs if (found := pack.rule(waiver.rule)) is not None]
        rules_of += extra.get(waiver.rule, [])
        disabled = any(d.rule == waiver.rule for pack in packs for d in pack.disabled)
        line, column = waiver.rule_line or waiver.line, None
        if not rules_of and not disabled:
            names = ", ".join(f"{p.id} {p.version}" for p in packs)
            problems.append(Problem(waivers.file, f"unknown rule {waiver.rule!r}: it is not a "
                                    f"rule of the pack in use ({names})", line, column,
                                    f"waivers[{waiver.index}].rule", "waiver.unknown_rule",
                                    {"key": waiver.rule, "packs": names}))
            continue
        fixed = next((rule for rule in rules_of if not rule.waivable), None)
        if fixed is not None:
            problems.append(Problem(
                waivers.file, f"rule {waiver.rule} cannot be waived: it is marked "
                f"waivable: false (area {fixed.area}: {_WHY_FIXED.get(fixed.area, _FIXED)})",
                line, column, f"waivers[{waiver.index}].rule", "waiver.not_waivable",
                {"rule": waiver.rule, "area": fixed.area,
                 "condition": fixed.area in _WHY_FIXED}))
    if problems:
        raise InputError(problems)


def require_firms(waivers: WaiverSet) -> None:
    """In a batch, a waiver without ``firm`` would excuse every firm: an input error."""
    problems = [Problem(waivers.file, f"waiver {w.ticket} names no firm; in a batch of several "
                        "profiles every waiver must name the firm (firm.name) it excuses",
                        w.line, None, f"waivers[{w.index}]", "waiver.no_firm",
                        {"ticket": str(w.ticket)})
                for w in waivers if w.firm is None]
    if problems:
        raise InputError(problems)


def _apply_one(report: Report, waivers: Sequence[Waiver], today: dt.date | None,
               matched: set[int]) -> Report:
    findings = []
    for finding in report.findings:
        covering = [w for w in waivers if finding.status == "fail"
                    and w.for_firm(report.firm) and w.covers(finding)]
        if not covering:
            findings.append(finding)
            continue
        matched.update(w.index for w in covering)
        active = next((w for w in covering if w.state(report.as_of, today) == "active"), None)
        chosen = active or covering[0]  # a stale one stays a failure and shows why
        findings.append(dataclasses.replace(
            finding, status="waived" if active else finding.status,
            waiver=chosen.applied(report.as_of, today)))
    return dataclasses.replace(report, findings=tuple(findings))


def apply_waivers(reports: Iterable[Report], waivers: WaiverSet,
                  today: dt.date | None = None) -> tuple[tuple[Report, ...], tuple[Waiver, ...]]:
    """New reports with ``waivers`` applied, and the waivers that matched no failing finding
    (noted in every report). Call :func:`check_rules` first."""
    matched: set[int] = set()
    applied = [_apply_one(report, waivers.waivers, today, matched) for report in reports]
    unmatched = tuple(w for w in waivers if w.index not in matched)
    notes = tuple(Note("waiver_unmatched", w.describe()) for w in unmatched)
    if notes:
        applied = [dataclasses.replace(r, notes=(*r.notes, *notes)) for r in applied]
    return tuple(applied), unmatched


_FIRM_MARKS = re.compile(r"㈜|\(주\)|주식회사|\s+")


def firm_key(name: str) -> str:
    """A firm name compared without spaces and the ㈜ / (주) / 주식회사 marks."""
    return _FIRM_MARKS.sub("", name).casefold()
