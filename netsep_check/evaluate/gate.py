"""The gate: which failing findings decide the exit code.

A finding trips the gate when it is failing (``fail`` or ``error``; ``waived`` is not), its
rule's severity is at or above the ``--fail-on`` threshold, and it is not ``known`` (already
failing, element for element, in the baseline: ``check --baseline``). A rule that could not be
judged (``error``) trips it whatever its severity: ``--fail-on`` accepts known, minor
failures, never an unknown state.
"""

from __future__ import annotations

from collections.abc import Iterable

from netsep_check._record import record
from netsep_check.evaluate.findings import Finding, Report
from netsep_check.vocabulary import DEFAULT_FAIL_ON, FAILING, at_or_above


def trips(finding: Finding, fail_on: str = DEFAULT_FAIL_ON) -> bool:
    return finding.failing and not finding.known and (
        finding.status == "error" or at_or_above(finding.rule.severity, fail_on))


def gating_findings(report: Report, fail_on: str = DEFAULT_FAIL_ON) -> list[Finding]:
    """The failing findings of ``report`` that trip the gate."""
    return [f for f in report.findings if trips(f, fail_on)]


@record
class Gate:
    """How the failing findings of a run stand against the gate."""

    fail_on: str
    tripped: int  # failing findings that fail the run
    below: int  # failing, but below --fail-on
    known: int  # failing, but already failing in the baseline
    baseline: bool  # a baseline was given


def gate(reports: Iterable[Report], fail_on: str = DEFAULT_FAIL_ON,
         baseline: bool = False) -> Gate:
    tripped = below = known = 0
    for report in reports:
        for finding in [f for f in report.findings if f.status in FAILING]:  # ``failing``
            if finding.known:
                known += 1
            elif finding.status == "error" or at_or_above(finding.rule.severity, fail_on):
                tripped += 1
            else:
                below += 1
    return Gate(fail_on, tripped, below, known, baseline)
