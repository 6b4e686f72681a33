"""Validate a loaded document against a JSON Schema and say what is wrong in plain words.

Every error is reported at once, each with its field path and the line it stands on.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import Any

from netsep_check.errors import Problem
from netsep_check.load import Document, format_path
from netsep_check.values import canonical

_YAML11_BOOLEANS = {"yes", "no", "on", "off", "y", "n", "Yes", "No", "On", "Off", "YES", "NO",
                    "ON", "OFF", "True", "False", "TRUE", "FALSE"}
_TYPE_WORDS = {"boolean": "true or false", "string": "text", "integer": "a whole number",
               "number": "a number", "array": "a list", "object": "a mapping of keys",
               "null": "null"}


@cache
def packaged_schema(name: str) -> dict[str, Any]:
    """A JSON Schema shipped inside the package (``netsep_check/schemas/NAME.schema.json``)."""
    beside = Path(__file__).resolve().parent.parent / "schemas" / f"{name}.schema.json"
    if beside.is_file():  # the usual install: plain files (importlib.resources costs 5 ms)
        return json.loads(beside.read_text(encoding="utf-8"))
    from importlib import resources

    text = resources.files("netsep_check.schemas").joinpath(f"{name}.schema.json").read_text(
        encoding="utf-8")
    return json.loads(text)


def _unique_items(validator: Any, unique: Any, instance: Any, schema: Any) -> Any:
    """``uniqueItems`` in linear time. jsonschema's own falls back to comparing every pair
    when the items are mappings or lists: a 400 KB profile listing 30,000 small mappings
    under a unique list kept it busy for minutes."""
    from jsonschema import ValidationError

    if not unique or not validator.is_type(instance, "array"):
        return
    try:
        seen = {canonical(item) for item in instance}
    except (TypeError, RecursionError):  # not plain JSON data: jsonschema's own way
        from jsonschema._keywords import uniqueItems

        yield from uniqueItems(validator, unique, instance, schema)
        return
    if len(seen) != len(instance):
        yield ValidationError("the list has non-unique elements")


@cache
def _validator_for(schema_json: str) -> Any:
    from jsonschema import Draft202012Validator, FormatChecker
    from jsonschema.validators import extend
    from referencing import Registry

    cls = extend(Draft202012Validator, {"uniqueItems": _unique_items})
    # An empty registry that cannot retrieve: a $ref to anything outside the schema fails
    # instead of being fetched (jsonschema's default registry downloads http(s) $refs).
    return cls(json.loads(schema_json), format_checker=FormatChecker(), registry=Registry())


def validator(schema: dict[str, Any]) -> Any:
    """A compiled validator, built once per schema per process."""
    return _validator_for(_key(schema))


_KEYS: dict[int, tuple[dict[str, Any], str]] = {}  # id(schema) → (schema kept alive, its key)


def _key(schema: dict[str, Any]) -> str:
    known = _KEYS.get(id(schema))
    if known is not None and known[0] is schema:
        return known[1]
    key = json.dumps(schema, sort_keys=True)
    if len(_KEYS) < 64:
        _KEYS[id(schema)] = (schema, key)
    return key


@cache
def _fast_for(key: str) -> Any:
    from netsep_check.validate.fast import compile_schema

    return compile_schema(json.loads(key))


def is_valid_fast(schema: dict[str, Any], data: Any) -> bool:
    """True only when jsonschema would find no error (see validate/fast.py); False means
    "ask jsonschema", which then lists every error."""
    check = _fast_for(_key(schema))
    if check is None:
        return False
    try:
        return check(data)
    except RecursionError:
        return False


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return "null"


def _show(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 60 else text[:57] + "..."


def _allowed_keys(schema: dict[str, Any]) -> list[str]:
    return sorted(schema.get("properties", {}))


def _extra_keys(error: Any) -> list[str]:
    schema, instance = error.schema, error.instance
    patterns = [re.compile(p) for p in schema.get("patternProperties", {})]
    known = schema.get("properties", {})
    return [key for key in instance if key not in known
            and not any(p.search(key) for p in patterns)]


def describe(error: Any) -> list[tuple[tuple, str]]:
    """(path, message) pairs for one jsonschema error; unknown keys each get their own."""
    path = tuple(error.absolute_path)
    value = error.instance
    validator_name = error.validator
    if validator_name in ("additionalProperties", "unevaluatedProperties") and isinstance(
            value, dict):
        allowed = ", ".join(_allowed_keys(error.schema)) or "none"
        if str(error.schema.get("description", "")).startswith("exactly one operator"):
            return [((*path, key), f"unknown operator {key!r} (known: {allowed})")
                    for key in _extra_keys(error)] or [(path, error.message)]
        hint = ("; annotations of your own go under keys named x_*"
                if any(p.startswith("^x_") for p in error.schema.get("patternProperties", {}))
                else "")
        return [((*path, key), f"unknown key {key!r} (expected one of: {allowed}{hint})")
                for key in _extra_keys(error)] or [(path, error.message)]
    if validator_name == "required":
        missing = [key for key in error.validator_value if key not in value]
        return [(path, f"missing required key {key!r}") for key in missing]
    if validator_name == "type":
        wanted = error.validator_value
        words = (" or ".join(_TYPE_WORDS.get(w, w) for w in wanted) if isinstance(wanted, list)
                 else _TYPE_WORDS.get(wanted, wanted))
        message = f"expected {words}, got {_kind(value)} {_show(value)}"
        if wanted == "boolean" and isinstance(value, str) and value in _YAML11_BOOLEANS:
            message += " (only true and false are booleans here)"
        elif wanted == "string" and isinstance(value, int | float) and not isinstance(value, bool):
            message += " (put it in quotes)"
        return [(path, message)]
    if validator_name == "enum":
        options = ", ".join(_show(v) for v in error.validator_value)
        return [(path, f"{_show(value)} is not allowed; expected one of: {options}")]
    if validator_name == "const":
        return [(path, f"{_show(value)} is not allowed; expected {_show(error.validator_value)}")]
    if validator_name == "format" and error.validator_value == "date":
        return [(path, f"{_show(value)} is not a real calendar date (YYYY-MM-DD)")]
    if validator_name == "pattern":
        return [(path, f"{_show(value)} does not have the expected form "
                 f"(pattern {error.validator_value})")]
    if validator_name == "uniqueItems":
        return [(path, "the list repeats an item; each item may appear once")]
    if validator_name == "minLength" and error.validator_value == 1:
        return [(path, "must not be empty")]
    if validator_name == "minItems":
        return [(path, f"needs at least {error.validator_value} item(s)")]
    if validator_name in ("anyOf", "oneOf") and error.context:
        reasons = "; or ".join(dict.fromkeys(msg for sub in error.context
                                             for _, msg in describe(sub)))
        return [(path, f"{_show(value)} is not valid: {reasons}")]
    return [(path, error.message)]


MAX_REPORTED = 100  # problems listed one by one; the rest are counted
MAX_COUNTED = 10_000  # errors counted past those; beyond, "more than"


def schema_problems(document: Document, schema: dict[str, Any],
                    root_path: tuple = (), max_reported: int = MAX_REPORTED,
                    max_counted: int = MAX_COUNTED) -> list[Problem]:
    """The schema errors of ``document`` as located :class:`Problem` records, sorted by line:
    the first ``max_reported`` one by one, then one problem counting the rest.

    A file of a million invalid items has a million errors; listing them (or even letting
    jsonschema build them: some 60 µs each) would take minutes and a report nobody reads.
    Past the listed ones, errors are counted up to ``max_counted``; beyond that the count
    says "more than"."""
    data = document.data
    for key in root_path:
        data = data[key]
    if is_valid_fast(schema, data):  # the common case, without importing jsonschema
        return []
    problems: list[Problem] = []
    seen: set[tuple[tuple, str]] = set()
    errors = validator(schema).iter_errors(data)
    for error in errors:
        if len(problems) >= max_reported:
            rest = 1 + sum(1 for _ in zip(range(max_counted), errors, strict=False))
            more = (f"{rest} more" if rest <= max_counted
                    else f"more than {max_counted} more")
            problems.sort(key=lambda p: (p.line or 0, p.column or 0, p.path or ""))
            problems.append(Problem(document.file, f"... and {more} schema error(s) not "
                                    f"listed (only the first {max_reported} are shown)"))
            return problems
        for path, message in describe(error):
            full = (*root_path, *path)
            if (full, message) in seen:  # e.g. the same missing key from if/then and required
                continue
            seen.add((full, message))
            position = document.position(full)
            problems.append(Problem(document.file, message,
                                    position[0] if position else None,
                                    position[1] if position else None,
                                    format_path(full) or "(top level)"))
    problems.sort(key=lambda p: (p.line or 0, p.column or 0, p.path or ""))
    return problems
