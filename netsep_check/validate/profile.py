"""Stage 2 — validate: a loaded profile against profile-v1 (schema plus evidence integrity)."""

from __future__ import annotations

import functools
from itertools import repeat
from typing import Any

from netsep_check.errors import InputError, Problem
from netsep_check.load import Document, FieldPath, format_path, require_mapping
from netsep_check.validate.capped import MORE, Capped
from netsep_check.validate.naming import empty_text_problems
from netsep_check.validate.placeholders import placeholder_problems
from netsep_check.validate.schema_errors import packaged_schema, schema_problems


def profile_schema() -> dict[str, Any]:
    return packaged_schema("profile")


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _map(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _cited(data: dict[str, Any]) -> list[tuple[FieldPath, str]]:
    """(path of the citing list item, evidence id) for every citation in the profile. Runs on
    documents the schema rejected too, so every shape is taken as it may come."""
    cited: list[tuple[FieldPath, str]] = []
    for index, provider in enumerate(_list(data.get("providers"))):
        evaluation = _map(_map(provider).get("security_evaluation"))
        for i, ev in enumerate(_list(evaluation.get("evidence"))):
            cited.append((("providers", index, "security_evaluation", "evidence", i), ev))
    designation = _map(data.get("designation"))
    for i, ev in enumerate(_list(designation.get("evidence"))):
        cited.append((("designation", "evidence", i), ev))
    for i, ev in enumerate(_list(_map(designation.get("extension")).get("evidence"))):
        cited.append((("designation", "extension", "evidence", i), ev))
    for list_key in ("scope_changes", "conditions"):
        for index, entry in enumerate(_list(designation.get(list_key))):
            for i, ev in enumerate(_list(_map(entry).get("evidence"))):
                cited.append((("designation", list_key, index, "evidence", i), ev))
    for index, entry in enumerate(_list(_map(data.get("usage")).get("own_data_categories"))):
        for i, ev in enumerate(_list(_map(entry).get("evidence"))):
            cited.append((("usage", "own_data_categories", index, "evidence", i), ev))
    sections: list[tuple[str, str | None, dict[str, Any]]] = [
        ("security_measures", area, _map(controls))
                for area, controls in _map(data.get("security_measures")).items()]
    sections.append(("governance", None, _map(data.get("governance"))))
    for top, area, controls in sections:
        # the controls that cite anything, found at C speed (a mapping of a million keys that
        # the schema refuses is read here too)
        citing = [key for key, control in controls.items()
                  if type(control) is dict and "evidence" in control]
        for key in citing:
            base = (top, area, key) if area else (top, key)
            for i, ev in enumerate(_list(controls[key]["evidence"])):
                cited.append(((*base, "evidence", i), ev))
    return cited


def integrity_problems(document: Document) -> list[Problem]:
    """Evidence ids: each defined once, each cited id defined; each provider recorded once (a
    second record of the same provider — one suitable, one not — must not let a rule pick the
    good one). Each kind listed up to :data:`~netsep_check.validate.capped.LISTED`, then
    counted."""
    data = document.data
    file = document.file
    twice = Capped(file, "provider recorded twice")
    providers: dict[str, int] = {}
    for index, entry in enumerate(_list(data.get("providers"))):
        provider_id = entry.get("id") if isinstance(entry, dict) else None
        if not isinstance(provider_id, str):
            continue
        if provider_id in providers:
            twice.add(functools.partial(_provider_twice, document, index, provider_id,
                                        providers[provider_id]))
        else:
            providers[provider_id] = index
    entries = _list(data.get("evidence"))
    ids: list[Any]
    try:  # the usual list: each id taken at C speed (an entry not a mapping: TypeError)
        ids = list(map(dict.get, entries, repeat("id")))
    except TypeError:
        ids = [entry.get("id") if isinstance(entry, dict) else None for entry in entries]
    defined: dict[str, int] | set[Any]
    try:  # an id that is not text never equals a cited one (a text): it may stay in the set
        defined = set(ids)
        repeated = len(defined) != len(ids)
    except TypeError:  # an id that is a list or a mapping (the schema names it)
        repeated = True
    again = Capped(file, "evidence id defined twice")
    if repeated:  # a repeated id (or two missing): find each repetition and its first line
        defined = _repeated_ids(document, ids, again)
    undefined = Capped(file, "evidence id cited but not defined")
    for path, ev_id in _cited(data):
        if isinstance(ev_id, str) and ev_id not in defined:
            undefined.add(functools.partial(_undefined, document, path, ev_id))
    return [*twice.done(), *again.done(), *undefined.done()]


def _provider_twice(document: Document, index: int, provider_id: str, first_index: int
                    ) -> Problem:
    at: FieldPath = ("providers", index, "id")
    first = document.line(("providers", first_index, "id"))
    line, column = document.position(at) or (None, None)
    return Problem(document.file, f"provider {provider_id!r} is recorded twice (first on line "
                   f"{first}); give one record per provider, its latest evaluation", line,
                   column, format_path(at), "provider.duplicate_id",
                   {"id": provider_id, "first_line": first})


def _undefined(document: Document, path: FieldPath, ev_id: str) -> Problem:
    line, column = document.position(path) or (None, None)
    return Problem(document.file, f"evidence id {ev_id!r} is cited but not defined under "
                   "evidence", line, column, format_path(path), "evidence.undefined_id",
                   {"id": ev_id})


def _repeated_ids(document: Document, ids: list[Any], again: Capped) -> dict[str, int]:
    """Each evidence id defined a second time, as a problem naming the first line."""
    defined: dict[str, int] = {}
    for index, ev_id in enumerate(ids):
        if not isinstance(ev_id, str):
            continue
        if ev_id in defined:
            again.add(functools.partial(_defined_twice, document, index, ev_id,
                                        defined[ev_id]))
        else:
            defined[ev_id] = index
    return defined


def _defined_twice(document: Document, index: int, ev_id: str, first_index: int) -> Problem:
    path: FieldPath = ("evidence", index, "id")
    first = document.line(("evidence", first_index, "id"))
    line, column = document.position(path) or (None, None)
    return Problem(document.file, f"evidence id {ev_id!r} is defined twice (first on line "
                   f"{first})", line, column, format_path(path), "evidence.duplicate_id",
                   {"id": ev_id, "first_line": first})


_COUNTS = ("schema.more", "schema.more_capped", MORE)


def validate_profile(document: Document) -> dict[str, Any]:
    """Return the profile data, or raise :class:`InputError` listing every problem."""
    data = require_mapping(document, "profile")
    # Every problem at once: an undefined evidence id or a template placeholder is as much the
    # author's to fix as a typo, so it is not held back until the schema passes.
    problems = (schema_problems(document, profile_schema()) + integrity_problems(document)
                + placeholder_problems(document) + empty_text_problems(document))
    if problems:
        problems.sort(key=lambda p: (p.code in _COUNTS, p.line or 0, p.column or 0,
                                     p.path or ""))  # "... and N more" stays last
        raise InputError(problems)
    return data
