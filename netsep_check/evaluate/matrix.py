"""The firms × areas matrix of a batch: the worst status of each firm's findings per area.

One definition, used by every format (text, JSON, HTML, Markdown).
"""

from __future__ import annotations

from collections.abc import Iterable

from netsep_check._record import record
from netsep_check.evaluate.findings import Report
from netsep_check.vocabulary import AREAS, worst


@record
class MatrixRow:
    firm: str
    profiles: tuple[str, ...]  # the profile files of this firm, in input order
    cells: dict[str, str | None]  # area → worst status (None: no rule of that area)
    worst: str | None


@record
class Matrix:
    areas: tuple[str, ...]
    rows: tuple[MatrixRow, ...]

    def as_dict(self) -> dict[str, object]:
        return {"areas": list(self.areas),
                "rows": [{"firm": r.firm, "profiles": list(r.profiles), "cells": dict(r.cells),
                          "worst": r.worst} for r in self.rows]}


def matrix(reports: Iterable[Report]) -> Matrix:
    """A firm with several profiles gets one row, worst over all of them. Rows keep the order
    in which firms first appear; columns the order of the areas."""
    profiles: dict[str, list[str]] = {}
    cells: dict[str, dict[str, set[str]]] = {}
    used: set[str] = set()
    for report in reports:
        profiles.setdefault(report.firm, []).append(report.profile_file)
        row = cells.setdefault(report.firm, {})
        for area, status in report.worst_by_area().items():
            used.add(area)
            statuses = row.get(area)
            if statuses is None:
                row[area] = {status}
            else:
                statuses.add(status)
    areas = tuple(area for area in AREAS if area in used)
    rows = []
    for firm, row in cells.items():
        by_area = {area: worst(row.get(area, ())) for area in areas}
        rows.append(MatrixRow(firm, tuple(profiles[firm]), by_area,
                              worst(s for s in by_area.values() if s)))
    return Matrix(areas, tuple(rows))
