"""Deadlines: every date on which something in a profile (or a waivers file) lapses.

Pure date logic, no sentences: :func:`firm_deadlines` turns one validated profile, the pack
parameters the rules judge it with, and a judging date into a :class:`FirmDeadlines` of frozen
:class:`Deadline` records. The words live in ``netsep_check.report.deadlines_text`` and the
calendar in ``netsep_check.report.ics``.

How each date is computed, and how sure we are of it (``strength``):

* ``designation_end`` — the last day of the designation: ``designation.valid_until`` as
  stated, but never later than the legal maximum counted from ``designated_on`` by the
  calendar (2 years, 4 with the one extension; the day of the decision counts, so
  2024-09-27 → 2026-09-26; :func:`period_end`, after Civil Act Art. 160). When the stated
  date is later, the legal maximum is used and ``capped`` is set. Secondary (domain.md §1).
* ``improvement_request`` — the last day to ask for the rules to be amended (규제개선 요청),
  three months before the special-case period ends (Financial Innovation Support Act as
  amended in force 2021-07-21, as reported by the press): secondary.
* ``extension_request`` — the Act allows one extension, but we could not verify a statutory
  deadline for asking for it. The date given (three months before the end, as for the
  improvement request) is a planning date, ``derived``, not law. Only when not extended yet.
* ``provider_periodic`` — a provider in use is evaluated yearly: its last evaluation plus the
  pack's ``evaluation_cycle_days`` (the day ``PROV-EVAL-CURRENT`` starts failing is the day
  after). Secondary (FSI's 2020 cycle).
* ``provider_comprehensive`` — a new comprehensive evaluation three calendar years after the
  last one; known only when the recorded evaluation is the comprehensive one. Secondary.
* ``self_assessment``, ``training``, ``upload_scan`` — last performed plus the pack's
  ``self_assessment_interval_days`` / ``training_interval_days`` /
  ``upload_scan_interval_days``: the last day the matching rule still passes.
* ``self_assessment`` is the duty of the 2026 standing exception (domain.md §5 "Dates and
  duties"): it is not listed on a date before the duty existed (2026-04-20, six months before
  the pack's ``self_assessment_first_due``), and until the first evaluation falls due (that
  parameter, or 183 days after ``usage.started_on`` when later) its date is the first
  evaluation's (reason ``first_evaluation``): ``GOV-SELF-ASSESSMENT`` is not applicable
  before it, so nothing is overdue.
* ``waiver_expiry`` — a waiver's ``expires_on``; after it the failure counts again.

Every recurring date is the *last day still in time*: ``overdue`` when the judging date is
after it. A duty whose date cannot be computed (no date recorded, control not implemented,
last comprehensive evaluation unknown) is returned with ``due=None`` and a ``reason`` code:
it is never silently left out.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from netsep_check._record import record
from netsep_check.rules.operators.dates import add_months, period_end

OVERDUE = "overdue"
UPCOMING = "upcoming"
UNDETERMINED = "undetermined"

KINDS = ("designation_end", "extension_request", "improvement_request", "provider_periodic",
         "provider_comprehensive", "self_assessment", "training", "upload_scan",
         "waiver_expiry", "tenant_facts_stale")

# (pack parameter, default days) of the recurring duties judged by a within_days rule
_INTERVALS = {
    "provider_periodic": ("evaluation_cycle_days", 365),
    "self_assessment": ("self_assessment_interval_days", 183),
    "training": ("training_interval_days", 365),
    "upload_scan": ("upload_scan_interval_days", 183),
}


@record
class Deadline:
    """One date that lapses. ``due`` is the last day still in time (None: cannot be dated)."""

    kind: str  # one of KINDS
    subject: str  # what it is about: designation number, provider id, waiver ticket, ...
    due: dt.date | None
    state: str  # overdue | upcoming | undetermined
    days_left: int | None  # due - as_of (negative when overdue)
    counted_from: dt.date | None  # the date it is counted from (last performed, decision)
    interval: str | None  # ISO 8601 duration of the period: P365D, P2Y, P3M
    strength: str  # official | secondary | derived | record (the firm's own record)
    source: str  # source id (a pack source, or netsep-derived)
    path: str | None  # the field the date comes from
    rule: str | None = None  # the rule that fails once it lapses
    reason: str | None = None  # when due is None: no_date | not_implemented |
    #                             last_comprehensive_unknown; first_evaluation: the date is
    #                             the first evaluation's (the duty is not due before it)
    capped: bool = False  # designation_end: the stated valid_until exceeds the legal maximum
    stated: dt.date | None = None  # designation_end: valid_until as stated


@record
class FirmDeadlines:
    """The deadlines of one profile (or of a waivers file: ``regime`` None), sorted."""

    file: str
    firm: str
    regime: str | None
    service: str | None
    as_of: dt.date
    items: tuple[Deadline, ...]

    @property
    def overdue(self) -> tuple[Deadline, ...]:
        return tuple(item for item in self.items if item.state == OVERDUE)


def months_before(day: dt.date, months: int) -> dt.date:
    """The corresponding day ``months`` earlier; the month's last day when it has none
    (31 December − 3 months → 30 September)."""
    same = add_months(day, -months)
    if same is not None:
        return same
    index = day.year * 12 + (day.month - 1) - months
    year, month = divmod(index, 12)
    return dt.date(year, month + 1, calendar.monthrange(year, month + 1)[1])


def _date(value: Any) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)) if value is not None else None
    except ValueError:
        return None


def _make(kind: str, subject: str, due: dt.date | None, as_of: dt.date, **fields: Any) -> Deadline:
    if due is None:
        return Deadline(kind, subject, None, UNDETERMINED, None, **fields)
    left = (due - as_of).days
    return Deadline(kind, subject, due, OVERDUE if left < 0 else UPCOMING, left, **fields)


def _designation(profile: Mapping[str, Any], as_of: dt.date) -> list[Deadline]:
    designation = profile.get("designation")
    if not isinstance(designation, Mapping):
        return []
    start = _date(designation.get("designated_on"))
    stated = _date(designation.get("valid_until"))
    if start is None or stated is None:
        return []
    extended = designation.get("extended") is True
    legal = period_end(start, years=4 if extended else 2)
    end = min(stated, legal)
    number = str(designation.get("number", ""))
    items = [_make("designation_end", number, end, as_of, counted_from=start,
                   interval="P4Y" if extended else "P2Y", strength="secondary",
                   source="fisa-sandbox", path="designation.valid_until",
                   rule="DESIG-IN-FORCE", capped=stated > legal, stated=stated)]
    request_by = months_before(end, 3)
    items.append(_make("improvement_request", number, request_by, as_of, counted_from=end,
                       interval="P3M", strength="secondary", source="fisa-sandbox",
                       path="designation.valid_until"))
    if not extended:
        items.append(_make("extension_request", number, request_by, as_of, counted_from=end,
                           interval="P3M", strength="derived", source="netsep-derived",
                           path="designation.extended"))
    return items


def _interval(parameters: Mapping[str, Any], kind: str) -> int:
    name, default = _INTERVALS[kind]
    value = parameters.get(name, default)
    return value if isinstance(value, int) and not isinstance(value, bool) else default


def _providers(profile: Mapping[str, Any], parameters: Mapping[str, Any],
               as_of: dt.date) -> list[Deadline]:
    in_use = set((profile.get("usage") or {}).get("providers") or [])
    days = _interval(parameters, "provider_periodic")
    items = []
    for index, provider in enumerate(profile.get("providers") or []):
        if not isinstance(provider, Mapping) or provider.get("id") not in in_use:
            continue
        evaluation = provider.get("security_evaluation") or {}
        last = _date(evaluation.get("evaluated_on"))
        path = f"providers[{index}].security_evaluation.evaluated_on"
        pid = str(provider["id"])
        items.append(_make("provider_periodic", pid,
                           last + dt.timedelta(days=days) if last else None, as_of,
                           counted_from=last, interval=f"P{days}D", strength="secondary",
                           source="fsi-csp-cycle-2020", path=path, rule="PROV-EVAL-CURRENT",
                           reason=None if last else "no_date"))
        comprehensive = evaluation.get("kind") == "comprehensive" and last is not None
        items.append(_make("provider_comprehensive", pid,
                           period_end(last, years=3) if comprehensive and last else None,
                           as_of, counted_from=last if comprehensive else None, interval="P3Y",
                           strength="secondary", source="fsi-csp-cycle-2020", path=path,
                           reason=None if comprehensive else "last_comprehensive_unknown"))
    return items


# kind, profile path of the control, rule, strength by regime
_RECURRING: tuple[tuple[str, tuple[str, ...], str, dict[str, tuple[str, str]]], ...] = (
    ("self_assessment", ("governance", "self_assessment"), "GOV-SELF-ASSESSMENT",
     {"standing_exception": ("secondary", "fss-2026")}),
    ("training", ("security_measures", "operating_policy", "training"), "OPS-TRAINING-CURRENT",
     {}),
    ("upload_scan", ("security_measures", "saas_management", "sensitive_upload_scan"),
     "SAAS-UPLOAD-SCAN-CURRENT", {}),
)


def semiannual_start(profile: Mapping[str, Any], parameters: Mapping[str, Any]
                     ) -> tuple[dt.date, dt.date] | None:
    """When the semiannual evaluation duty began, and the first day ``GOV-SELF-ASSESSMENT``
    applies (its ``when``): the duty came with the standing exception (in force 2026-04-20,
    domain.md §5), six months before the pack's ``self_assessment_first_due``; the first
    evaluation falls due six months after that or after use started (``usage.started_on``;
    the rule applies from 183 days after it), whichever is later. None without the parameter."""
    first_due = _date(parameters.get("self_assessment_first_due"))
    if first_due is None:
        return None
    applies = first_due
    started = _date((profile.get("usage") or {}).get("started_on"))
    if started is not None:
        applies = max(applies, started + dt.timedelta(days=183))
    return months_before(first_due, 6), applies


def _recurring(profile: Mapping[str, Any], parameters: Mapping[str, Any],
               as_of: dt.date) -> list[Deadline]:
    items = []
    for kind, path, rule, strengths in _RECURRING:
        control: Any = profile
        for key in path:
            control = control.get(key) if isinstance(control, Mapping) else None
        if not isinstance(control, Mapping) or control.get("status") == "not_applicable":
            continue
        days = _interval(parameters, kind)
        last = _date(control.get("last_performed_on"))
        reason = None
        if control.get("status") != "implemented":
            reason, last = "not_implemented", None
        elif last is None:
            reason = "no_date"
        due = last + dt.timedelta(days=days) if last else None
        counted_from = last
        interval = f"P{days}D"
        if kind == "self_assessment":
            start = semiannual_start(profile, parameters)
            if start is not None:
                began, applies = start
                if as_of < began:  # the duty did not exist on the judging date
                    continue
                if as_of < applies and (due is None or due < applies - dt.timedelta(days=1)):
                    # not due yet: the rule does not apply before ``applies``, so the first
                    # evaluation is in time through the day before
                    due, reason = applies - dt.timedelta(days=1), "first_evaluation"
                    counted_from, interval = applies - dt.timedelta(days=183), "P183D"
        strength, source = strengths.get(str(profile.get("regime")), ("derived", "netsep-derived"))
        items.append(_make(kind, "", due, as_of, counted_from=counted_from, interval=interval,
                           strength=strength, source=source,
                           path=".".join((*path, "last_performed_on")), rule=rule,
                           reason=reason))
    return items


def sort_key(item: Deadline) -> tuple[int, dt.date, int, str]:
    """Overdue first (oldest first), then upcoming by date, then the undated."""
    rank = {OVERDUE: 0, UPCOMING: 1, UNDETERMINED: 2}[item.state]
    return rank, item.due or dt.date.max, KINDS.index(item.kind), item.subject


def firm_deadlines(file: str, profile: Mapping[str, Any], parameters: Mapping[str, Any],
                   as_of: dt.date) -> FirmDeadlines:
    """Every deadline of one validated profile, judged on ``as_of``, sorted."""
    items = _designation(profile, as_of) if profile.get("regime") == "sandbox" else []
    items += _providers(profile, parameters, as_of)
    items += _recurring(profile, parameters, as_of)
    designation = profile.get("designation") or {}
    return FirmDeadlines(file, str(profile["firm"]["name"]), str(profile.get("regime")),
                         designation.get("service"), as_of, tuple(sorted(items, key=sort_key)))


def waiver_deadlines(file: str, waivers: Iterable[Any], as_of: dt.date) -> FirmDeadlines:
    """The expiry of each waiver (``evaluate.waivers.Waiver``) of one waivers file."""
    items = [_make("waiver_expiry", waiver.ticket, waiver.expires_on, as_of,
                   counted_from=waiver.approved_on, interval=None, strength="record",
                   source="waivers", path=f"waivers[{waiver.index}].expires_on",
                   rule=waiver.rule)
             for waiver in waivers]
    return FirmDeadlines(file, file, None, None, as_of, tuple(sorted(items, key=sort_key)))


def _plus(day: dt.date, days: int) -> dt.date:
    """``day`` plus ``days``, or the calendar's last day (facts may be dated in year 9999)."""
    try:
        return day + dt.timedelta(days=days)
    except OverflowError:
        return dt.date.max


def facts_deadlines(facts: Iterable[Any], max_age_days: int, as_of: dt.date) -> FirmDeadlines:
    """The last day each tenant-facts file (``facts.model.TenantFacts``) can back a check:
    ``tenant_facts_max_age_days`` after it was collected (``TENANT-FACTS-AGE`` fails after)."""
    from netsep_check.evaluate.crosscheck import _collected

    items = []
    for item in facts:
        collected = _collected(item)
        items.append(_make("tenant_facts_stale",
                           f"{item.source.tool} {item.source.report_id}".strip(),
                           _plus(collected, max_age_days), as_of,
                           counted_from=collected, interval=f"P{max_age_days}D",
                           strength="derived", source="netsep-derived",
                           path="source.collected_at", rule="TENANT-FACTS-AGE"))
    files = ", ".join(dict.fromkeys(item.file for item in facts)) or "tenant facts"
    return FirmDeadlines(files, files, None, None, as_of, tuple(sorted(items, key=sort_key)))


def within(group: FirmDeadlines, days: int | None) -> FirmDeadlines:
    """Only what is overdue, undated, or due within ``days`` of the judging date."""
    if days is None:
        return group
    kept = tuple(item for item in group.items
                 if item.days_left is None or item.days_left <= days)
    return FirmDeadlines(group.file, group.firm, group.regime, group.service, group.as_of, kept)
