"""What evaluation produces: one finding per rule, and the report that holds them."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from netsep_check.rules.model import AREAS, Pack, Rule
from netsep_check.rules.operators.base import Failure

STATUSES = ("fail", "error", "waived", "pass", "not_applicable")  # worst first


@dataclass
class Finding:
    """The verdict of one rule on one profile."""

    rule: Rule
    status: str  # pass | fail | not_applicable | error | waived
    paths: list[str]
    line: int | None
    column: int | None
    actual: Any = None
    expected: Any = None
    message: dict[str, str] = field(default_factory=dict)  # by language
    failures: list[Failure] = field(default_factory=list)
    waiver: dict[str, Any] | None = None  # the waiver that applies, when status is waived

    @property
    def failing(self) -> bool:
        """Counts against the gate: a failure, or a rule that could not be judged."""
        return self.status in ("fail", "error")


@dataclass
class Report:
    """All findings for one profile under one pack."""

    profile_file: str
    profile_sha256: str
    as_of: dt.date
    as_of_overridden: bool
    firm: str
    regime: str
    service: str | None
    pack: Pack
    findings: list[Finding]
    notes: list[str] = field(default_factory=list)
    # evidence files verified (evaluate/evidence.py): id, path, file, status, reason, sha256s
    evidence_checked: list[dict[str, Any]] = field(default_factory=list)
    # tenant facts and egress logs cross-checked (report/tenant.py evidence_records): source,
    # report id, timestamp, sha256; controls contradicted, weak, confirmed, unmeasured
    tenant_evidence: list[dict[str, Any]] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        counter = Counter(f.status for f in self.findings)
        return {status: counter.get(status, 0) for status in STATUSES}

    def counts_by_area(self) -> dict[str, dict[str, int]]:
        table: dict[str, dict[str, int]] = {}
        for finding in self.findings:
            row = table.setdefault(finding.rule.area, dict.fromkeys(STATUSES, 0))
            row[finding.status] += 1
        return {area: table[area] for area in AREAS if area in table}

    def worst_by_area(self) -> dict[str, str]:
        return {area: next(s for s in STATUSES if row[s]) for area, row in
                self.counts_by_area().items()}

    @property
    def failing(self) -> list[Finding]:
        return [f for f in self.findings if f.failing]
