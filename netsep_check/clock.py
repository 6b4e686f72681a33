"""The day of the run: the one place netsep-check reads the calendar.

Judging uses each profile's ``assessment.as_of`` (or ``--as-of``); only facts about *now* read
the clock: a waiver that has expired by today is expired whatever ``--as-of`` says, and a
waiver cannot be approved in the future. Tests fix the day by replacing :func:`today`.
"""

from __future__ import annotations

import datetime as dt


def today() -> dt.date:
    return dt.date.today()
