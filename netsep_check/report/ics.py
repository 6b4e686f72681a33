"""Deadlines as an iCalendar file (RFC 5545) a person imports into their calendar.

Written with the ``icalendar`` package, imported only here (only ``due --format ics`` pays
for it). One all-day event per deadline, as the text and JSON formats list them: a dated one
on its date; one that cannot be dated (no date recorded, control not implemented: its rule fails
until one is) on the judging date, marked undated, with the reason, so the calendar is never
silent about it. The output is deterministic: a UID is derived from
the firm, regime, service, kind and subject (so a re-import updates the same event when a
date moves), and DTSTAMP is the judging date, not the clock.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence

from netsep_check import __version__
from netsep_check.evaluate.deadlines import OVERDUE, UPCOMING, FirmDeadlines
from netsep_check.report.deadlines_text import detail, heading, kind_label, when

_PREFIX = {"ko": ("기한 경과", "기한", "날짜 불명"), "en": ("OVERDUE", "Due", "UNDATED")}


def event_uid(group: FirmDeadlines, kind: str, subject: str) -> str:
    key = "\x1f".join((group.firm, group.regime or "waivers", group.service or "", kind,
                       subject))
    return f"{hashlib.sha256(key.encode('utf-8')).hexdigest()[:32]}@netsep-check"


def render_ics(groups: Sequence[FirmDeadlines], lang: str) -> str:
    from icalendar import Alarm, Calendar, Event

    calendar = Calendar()
    calendar.add("prodid", f"-//netsep-check//netsep-check {__version__}//{lang.upper()}")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", "netsep-check 기한" if lang == "ko" else "netsep-check deadlines")
    for group in groups:
        stamp = dt.datetime.combine(group.as_of, dt.time(0, 0), tzinfo=dt.UTC)
        who = group.firm if group.regime is not None else heading(group, lang)
        for item in group.items:
            overdue, due_word, undated = _PREFIX[lang]
            prefix = (undated if item.due is None else
                      overdue if item.state == OVERDUE else due_word)
            day = item.due or group.as_of  # undated: shown on the judging date
            event = Event()
            event.add("uid", event_uid(group, item.kind, item.subject))
            event.add("dtstamp", stamp)
            event.add("dtstart", day)
            event.add("dtend", day + dt.timedelta(days=1))
            event.add("summary", f"[{prefix}] {kind_label(item.kind, lang)} — {who}")
            description = [heading(group, lang),
                           f"{item.due.isoformat()} ({when(item, lang)})" if item.due
                           else when(item, lang), detail(item, lang)]
            if item.subject:
                description.insert(1, item.subject)
            event.add("description", "\n".join(description))
            event.add("categories", ["netsep-check", item.kind])
            event.add("transp", "TRANSPARENT")
            if item.state == UPCOMING:
                alarm = Alarm()
                alarm.add("action", "DISPLAY")
                alarm.add("description", kind_label(item.kind, lang))
                alarm.add("trigger", dt.timedelta(days=-14))
                event.add_component(alarm)
            calendar.add_component(event)
    return calendar.to_ical().decode("utf-8")
