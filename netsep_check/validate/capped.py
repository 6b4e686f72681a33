"""A list of problems of one kind that stops making them after the first ones it lists.

The schema's errors are listed up to 100 and then counted (schema_errors.py); the checks
beside the schema (evidence ids, template placeholders, texts that say nothing) made one
located problem per finding without end: 700,000 citations of undefined evidence ids took
87 s and more than 1 GiB. Each now lists :data:`LISTED` and counts the rest, locating only
what it lists.
"""

from __future__ import annotations

from collections.abc import Callable

from netsep_check.errors import Problem

LISTED = 100  # problems of one check listed; the others are counted
MORE = "problems.more"  # the code of the count, which a sort keeps last


class Capped:
    """Problems of one check: each made (located) only while fewer than LISTED are held."""

    def __init__(self, file: str, kind: str) -> None:
        self.file, self.kind = file, kind
        self.problems: list[Problem] = []
        self.rest = 0

    def add(self, make: Callable[[], Problem]) -> None:
        if len(self.problems) < LISTED:
            self.problems.append(make())
        else:
            self.rest += 1

    def done(self) -> list[Problem]:
        """The problems listed, and one counting the rest (if any)."""
        if not self.rest:
            return self.problems
        return [*self.problems, Problem(
            self.file, f"... and {self.rest} more problem(s) of this kind ({self.kind}) not "
            f"listed (only the first {LISTED} are shown)", code=MORE,
            params={"count": self.rest, "shown": LISTED, "kind": self.kind})]
