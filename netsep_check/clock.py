"""The day of the run: the one place netsep-check reads the calendar.

Judging uses each profile's ``assessment.as_of`` (or ``--as-of``); only facts about *now* read
the clock: a waiver that has expired by today is expired whatever ``--as-of`` says, and a
waiver cannot be approved in the future. Tests fix the day by replacing :func:`today`.
"""

from __future__ import annotations

import datetime as dt

# The years a date of the contracts (profile, waivers, --as-of) may fall in: a deadline or a
# period reckoned from one (a few years later, six months earlier) is still a date (a
# deadline after 9999-12-31 has none). profile.schema.json and waivers.schema.json say the same
# with a pattern (``^[1-8][0-9]{3}-...``).
FIRST_YEAR, LAST_YEAR = 1000, 8999
YEARS = f"the years {FIRST_YEAR} to {LAST_YEAR}"


def reckonable(day: dt.date) -> bool:
    """Whether ``day`` falls in the years dates are reckoned in."""
    return FIRST_YEAR <= day.year <= LAST_YEAR


def today() -> dt.date:
    return dt.date.today()
