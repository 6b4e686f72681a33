"""The gate: which failing findings decide the exit code.

A finding counts against the gate when it is failing (``fail`` or ``error``; ``waived`` does
not), its rule's severity is at or above the ``--fail-on`` threshold, and its rule is not
excused by a baseline (``check --baseline``: already failing before).
"""

from __future__ import annotations

from collections.abc import Collection

from netsep_check.evaluate.findings import Finding, Report
from netsep_check.rules.model import SEVERITIES

DEFAULT_FAIL_ON = "low"  # any failure fails
_RANK = {severity: rank for rank, severity in enumerate(SEVERITIES)}  # critical is 0


def at_or_above(severity: str, threshold: str) -> bool:
    """``high`` is at or above ``medium``; unknown severities always count."""
    return _RANK.get(severity, -1) <= _RANK[threshold]


def gating_findings(report: Report, fail_on: str = DEFAULT_FAIL_ON,
                    excused: Collection[str] = ()) -> list[Finding]:
    """The failing findings of ``report`` that trip the gate."""
    return [f for f in report.findings
            if f.failing and at_or_above(f.rule.severity, fail_on) and f.rule.id not in excused]


def below_gate(report: Report, fail_on: str = DEFAULT_FAIL_ON,
               excused: Collection[str] = ()) -> list[Finding]:
    """Failing findings that do not trip the gate (below the threshold, or excused)."""
    tripping = {id(f) for f in gating_findings(report, fail_on, excused)}
    return [f for f in report.findings if f.failing and id(f) not in tripping]
