"""What one run decided: the reports, the inputs that could not be judged, the gate and the
exit code. Frozen; every format renders it and decides nothing of its own."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from netsep_check._record import record
from netsep_check.errors import EXIT_FAIL, EXIT_INPUT, EXIT_OK, Problem
from netsep_check.evaluate.findings import Report
from netsep_check.evaluate.gate import Gate
from netsep_check.vocabulary import STATUSES, verdict

if TYPE_CHECKING:
    from netsep_check.evaluate.matrix import Matrix
    from netsep_check.evaluate.waivers import Waiver


@record
class Invalid:
    """An input that could not be judged, and every problem found in it."""

    file: str
    problems: tuple[Problem, ...]


@record
class RunResult:
    """Everything one run decided; every format renders it and decides nothing."""

    reports: tuple[Report, ...]
    invalid: tuple[Invalid, ...]
    skipped: tuple[tuple[str, str], ...]  # (file, what it is instead of a profile)
    unmatched_waivers: tuple[Waiver, ...]
    gate: Gate
    batch: bool  # several profiles, a folder or a pattern: a batch report
    exit_code: int

    @property
    def given(self) -> int:
        """Inputs given as profiles: judged plus invalid."""
        return len(self.reports) + len(self.invalid)

    def counts(self) -> dict[str, int]:
        total: Counter[str] = Counter()
        for report in self.reports:
            total.update(report.counts())
        return {status: total.get(status, 0) for status in STATUSES}

    @property
    def verdict(self) -> str:
        """``fail`` when a rule failed anywhere; else ``undetermined`` when a rule could not
        be judged or an input could not be read (nothing may read as compliant then); else
        ``pass``."""
        found = verdict(self.counts())
        if found == "pass" and self.invalid:
            return "undetermined"
        return found

    @property
    def matrix(self) -> Matrix:
        from netsep_check.evaluate.matrix import matrix

        return matrix(self.reports)


def exit_code(invalid: tuple[Invalid, ...], gate: Gate) -> int:
    """2 when an input could not be judged, else 1 when a failing finding trips the gate."""
    if invalid:
        return EXIT_INPUT
    return EXIT_FAIL if gate.tripped else EXIT_OK
