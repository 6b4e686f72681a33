"""Stage 2 — validate: a loaded profile against profile-v1 (schema plus evidence integrity)."""

from __future__ import annotations

from typing import Any

from netsep_check.errors import InputError, Problem
from netsep_check.load import Document, FieldPath, format_path, require_mapping
from netsep_check.validate.placeholders import placeholder_problems
from netsep_check.validate.schema_errors import packaged_schema, schema_problems


def profile_schema() -> dict[str, Any]:
    return packaged_schema("profile")


def _cited(data: dict[str, Any]) -> list[tuple[FieldPath, str]]:
    """(path of the citing list item, evidence id) for every citation in the profile."""
    cited: list[tuple[FieldPath, str]] = []
    for index, provider in enumerate(data.get("providers") or []):
        evaluation = provider.get("security_evaluation") if isinstance(provider, dict) else None
        if isinstance(evaluation, dict):
            for i, ev in enumerate(evaluation.get("evidence") or []):
                cited.append((("providers", index, "security_evaluation", "evidence", i), ev))
    designation = data.get("designation")
    if isinstance(designation, dict):
        for i, ev in enumerate(designation.get("evidence") or []):
            cited.append((("designation", "evidence", i), ev))
        for list_key in ("scope_changes", "conditions"):
            for index, entry in enumerate(designation.get(list_key) or []):
                if isinstance(entry, dict):
                    for i, ev in enumerate(entry.get("evidence") or []):
                        cited.append((("designation", list_key, index, "evidence", i), ev))
    sections = [("security_measures", area, controls)
                for area, controls in (data.get("security_measures") or {}).items()
                if isinstance(controls, dict)]
    sections.append(("governance", None, data.get("governance") or {}))
    for top, area, controls in sections:
        for key, control in controls.items():
            if isinstance(control, dict):
                base = (top, area, key) if area else (top, key)
                for i, ev in enumerate(control.get("evidence") or []):
                    cited.append(((*base, "evidence", i), ev))
    return cited


def integrity_problems(document: Document) -> list[Problem]:
    """Evidence ids: each defined once, each cited id defined."""
    data = document.data
    problems: list[Problem] = []
    defined: dict[str, int] = {}
    for index, entry in enumerate(data.get("evidence") or []):
        ev_id = entry.get("id") if isinstance(entry, dict) else None
        if not isinstance(ev_id, str):
            continue
        path: FieldPath = ("evidence", index, "id")
        if ev_id in defined:
            first = document.line(("evidence", defined[ev_id], "id"))
            problems.append(Problem(document.file, f"evidence id {ev_id!r} is defined twice "
                                    f"(first on line {first})", document.line(path), None,
                                    format_path(path)))
        else:
            defined[ev_id] = index
    for path, ev_id in _cited(data):
        if isinstance(ev_id, str) and ev_id not in defined:
            problems.append(Problem(document.file, f"evidence id {ev_id!r} is cited but not "
                                    "defined under evidence", document.line(path), None,
                                    format_path(path)))
    return problems


def validate_profile(document: Document) -> dict[str, Any]:
    """Return the profile data, or raise :class:`InputError` listing every problem."""
    data = require_mapping(document, "profile")
    problems = schema_problems(document, profile_schema())
    if not problems:
        problems = integrity_problems(document) + placeholder_problems(document)
    if problems:
        raise InputError(problems)
    return data
