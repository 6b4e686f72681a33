"""Validate a loaded document against a JSON Schema and say what is wrong in plain words.

Every error is reported at once, each with its field path and the line it stands on.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Mapping
from functools import cache
from itertools import chain
from pathlib import Path
from types import MappingProxyType
from typing import Any, NamedTuple

from netsep_check import clock
from netsep_check.errors import Problem
from netsep_check.load import Document, FieldPath, format_path
from netsep_check.values import canonical

_YAML11_BOOLEANS = {"yes", "no", "on", "off", "y", "n", "Yes", "No", "On", "Off", "YES", "NO",
                    "ON", "OFF", "True", "False", "TRUE", "FALSE"}
_TYPE_WORDS = {"boolean": "true or false", "string": "text", "integer": "a whole number",
               "number": "a number", "array": "a list", "object": "a mapping of keys",
               "null": "null"}

# The form of every date of the profile and waivers contracts: a year in clock.YEARS.
DATE_PATTERN = "^[1-8][0-9]{3}-[0-9]{2}-[0-9]{2}$"


def _dated(value: str) -> bool:
    """YYYY-MM-DD in ASCII digits, whatever the year."""
    digits = value[:4] + value[5:7] + value[8:]
    return len(value) == 10 and value[4] + value[7] == "--" and digits.isascii() \
        and digits.isdigit()


@cache
def packaged_schema(name: str) -> dict[str, Any]:
    """A JSON Schema shipped inside the package (``netsep_check/schemas/NAME.schema.json``)."""
    beside = Path(__file__).resolve().parent.parent / "schemas" / f"{name}.schema.json"
    if beside.is_file():  # the usual install: plain files (importlib.resources costs 5 ms)
        schema: dict[str, Any] = json.loads(beside.read_text(encoding="utf-8"))
        return schema
    from importlib import resources

    text = resources.files("netsep_check.schemas").joinpath(f"{name}.schema.json").read_text(
        encoding="utf-8")
    packaged: dict[str, Any] = json.loads(text)
    return packaged


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

        pairwise: Any = uniqueItems  # a generator; typeshed's stub says it returns None
        yield from pairwise(validator, unique, instance, schema)
        return
    if len(seen) != len(instance):
        yield ValidationError("the list has non-unique elements")


def _pattern(validator: Any, pattern: str, instance: Any, schema: Any) -> Any:
    """``pattern`` with ECMA-262's ``$`` (the end of the text, not before a final line
    break): see validate/fast_checks.py ``pattern_search``."""
    from jsonschema import ValidationError

    from netsep_check.validate.fast_checks import pattern_search

    if validator.is_type(instance, "string") and not pattern_search(pattern)(instance):
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


def _additional_properties(validator: Any, extra: Any, instance: Any, schema: Any) -> Any:
    """``additionalProperties: false`` saying only that a key is not allowed: the keys are
    named one by one by :func:`describe`, as many as are listed. jsonschema's own sorted and
    quoted every unknown key into one message first (a mapping of 1.5 million: seconds, for
    a message nobody reads). Any other value is jsonschema's own."""
    from jsonschema import ValidationError

    if extra is not False or not validator.is_type(instance, "object"):
        from jsonschema._keywords import additionalProperties

        keyword: Any = additionalProperties  # a generator; typeshed's stub says otherwise
        yield from keyword(validator, extra, instance, schema)
        return
    names = schema.get("properties", {})
    searches = [re.compile(pattern).search for pattern in schema.get("patternProperties", {})]
    if any(key not in names and not any(search(key) for search in searches)
           for key in instance):
        yield ValidationError("Additional properties are not allowed")


@cache
def _validator_for(schema_json: str) -> Any:
    from jsonschema import Draft202012Validator, FormatChecker
    from jsonschema.validators import extend
    from referencing import Registry

    extend_untyped: Any = extend  # the stub leaves it untyped
    cls = extend_untyped(Draft202012Validator,
                         {"uniqueItems": _unique_items, "pattern": _pattern,
                          "additionalProperties": _additional_properties})
    # An empty registry that cannot retrieve: a $ref to anything outside the schema fails
    # instead of being fetched (jsonschema's default registry downloads http(s) $refs).
    return cls(json.loads(schema_json), format_checker=FormatChecker(), registry=Registry())


def validator(schema: dict[str, Any]) -> Any:
    """A compiled validator, built once per schema per process."""
    return _validator_for(schema_key(schema))


_KEYS: dict[int, tuple[dict[str, Any], str]] = {}  # id(schema) → (schema kept alive, its key)


def schema_key(schema: dict[str, Any]) -> str:
    """The schema as canonical JSON text: a key for what was checked against it."""
    known = _KEYS.get(id(schema))
    if known is not None and known[0] is schema:
        return known[1]
    key = json.dumps(schema, sort_keys=True)
    if len(_KEYS) < 64:
        _KEYS[id(schema)] = (schema, key)
    return key


_FAST: dict[str, Any] = {}  # schema key → its compiler (validate/fast.py), or None


def _compiled(schema: dict[str, Any]) -> Any:
    key = schema_key(schema)
    if key not in _FAST:
        from netsep_check.validate.fast import compile_nodes

        _FAST[key] = compile_nodes(schema)
    return _FAST[key]


def is_valid_fast(schema: dict[str, Any], data: Any) -> bool:
    """True only when jsonschema would find no error (see validate/fast.py); False means
    "ask jsonschema", which then lists every error."""
    compiler = _compiled(schema)
    if compiler is None:
        return False
    check = compiler.check(compiler.root)
    try:
        return bool(check(data))
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


def _kind_id(value: Any) -> str:
    """The JSON type name of a value (``schema.wrong_type``'s ``got``)."""
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return "null"


def _show(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 60 else text[:57] + "..."


class Said(NamedTuple):
    """What one schema error says: where, in English, and as a code with parameters."""

    path: FieldPath
    message: str
    code: str | None = None
    params: Mapping[str, Any] = MappingProxyType({})


def _resolve(root: dict[str, Any] | None, ref: str) -> Any:
    if root is None or not ref.startswith("#"):
        return None
    node: Any = root
    for part in ref[1:].split("/")[1:] if ref != "#" else []:
        part = part.replace("~1", "/").replace("~0", "~")
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


def _named_keys(schema: Any, root: dict[str, Any] | None, *, deep: bool,
                seen: set[int] | None = None) -> tuple[set[str], list[str]]:
    """The property names and name patterns ``schema`` knows. ``deep`` follows what
    ``unevaluatedProperties`` looks through ($ref, allOf/anyOf/oneOf, if/then/else);
    ``additionalProperties`` looks only at the schema's own ``properties``."""
    names: set[str] = set()
    patterns: list[str] = []
    if not isinstance(schema, dict):
        return names, patterns
    seen = set() if seen is None else seen
    if id(schema) in seen:
        return names, patterns
    seen.add(id(schema))
    names.update(schema.get("properties", {}))
    patterns.extend(schema.get("patternProperties", {}))
    if deep:
        subs: list[Any] = [_resolve(root, schema["$ref"])] if "$ref" in schema else []
        for word in ("allOf", "anyOf", "oneOf"):
            subs.extend(schema.get(word, []))
        subs.extend(schema.get(word) for word in ("if", "then", "else") if word in schema)
        for sub in subs:
            more, more_patterns = _named_keys(sub, root, deep=True, seen=seen)
            names |= more
            patterns.extend(more_patterns)
    return names, patterns


_NONE = object()  # no key at all (a key may be any value YAML allows)


def _extra_keys(instance: dict[str, Any], names: set[str], patterns: list[str]
                ) -> Iterator[str]:
    compiled = [re.compile(p) for p in patterns]
    return (key for key in instance if key not in names
            and not any(p.search(key) for p in compiled))


def _unknown_keys(error: Any, root: dict[str, Any] | None) -> Iterable[Said]:
    """One said thing per unknown key, made as they are asked for: an object of a million
    unknown keys is one error, of which only the first few hundred are listed (and ten
    thousand counted, see :func:`schema_problems`)."""
    path, value, schema = tuple(error.absolute_path), error.instance, error.schema
    deep = error.validator == "unevaluatedProperties"
    names, patterns = _named_keys(schema, root, deep=deep)
    extra = _extra_keys(value, names, patterns)
    first: Any = next(extra, _NONE)
    if deep and first is _NONE:  # a key jsonschema counts as unevaluated for another reason
        match = re.search(r"\((.*) (?:was|were) unexpected\)", error.message)
        extra = (k for k in value if match and repr(k) in match.group(1))
        first = next(extra, _NONE)
    if first is _NONE:
        return [Said(path, error.message)]
    keys: Iterator[str] = chain((first,), extra)
    allowed = sorted(names)
    shown = ", ".join(allowed) or "none"
    if str(schema.get("description", "")).startswith("exactly one operator"):
        return (Said((*path, key), f"unknown operator {key!r} (known: {shown})",
                     "schema.unknown_operator", {"key": key, "expected": allowed})
                for key in keys)
    x_keys = any(p.startswith("^x_") for p in patterns)
    hint = "; annotations of your own go under keys named x_*" if x_keys else ""
    return (Said((*path, key), f"unknown key {key!r} (expected one of: {shown}{hint})",
                 "schema.unknown_key", {"key": key, "expected": allowed, "x_keys": x_keys})
            for key in keys)


# Reasons an anyOf/oneOf error lists (half of them at most from one error of an alternative):
# its alternatives' own errors, each unknown key one; a rule's basis of 600,000 unknown keys
# made a 90 MB message (34 s, 1.3 GB) before they were capped.
MAX_REASONS = 20
_MORE_REASONS = Said((), "other reasons not listed", "schema.more_reasons")


def describe(error: Any, root: dict[str, Any] | None = None) -> Iterable[Said]:
    """What one jsonschema error says; unknown keys each get their own. ``root`` is the
    whole schema, for the ``$ref``s an object's known keys may come through."""
    path = tuple(error.absolute_path)
    value = error.instance
    validator_name = error.validator
    if validator_name in ("additionalProperties", "unevaluatedProperties") and isinstance(
            value, dict):
        return _unknown_keys(error, root)
    if validator_name == "required":
        missing = [key for key in error.validator_value if key not in value]
        return [Said(path, f"missing required key {key!r}", "schema.missing_key", {"key": key})
                for key in missing]
    if validator_name == "type":
        wanted = error.validator_value
        kinds = list(wanted) if isinstance(wanted, list) else [wanted]
        words = " or ".join(str(_TYPE_WORDS.get(w, w)) for w in kinds)
        message = f"expected {words}, got {_kind(value)} {_show(value)}"
        hint = None
        if wanted == "boolean" and isinstance(value, str) and value in _YAML11_BOOLEANS:
            message += " (only true and false are booleans here)"
            hint = "yaml_boolean"
        elif wanted == "string" and isinstance(value, int | float) and not isinstance(value, bool):
            message += " (put it in quotes)"
            hint = "quote"
        return [Said(path, message, "schema.wrong_type",
                     {"expected": kinds, "got": _kind_id(value), "value": _show(value),
                      "hint": hint})]
    if validator_name == "enum":
        options = [_show(v) for v in error.validator_value]
        return [Said(path, f"{_show(value)} is not allowed; expected one of: "
                     f"{', '.join(options)}", "schema.not_in_enum",
                     {"value": _show(value), "options": options})]
    if validator_name == "const":
        return [Said(path, f"{_show(value)} is not allowed; expected "
                     f"{_show(error.validator_value)}", "schema.not_const",
                     {"value": _show(value), "expected": _show(error.validator_value)})]
    if validator_name == "format" and error.validator_value == "date":
        return [Said(path, f"{_show(value)} is not a real calendar date (YYYY-MM-DD)",
                     "schema.bad_date", {"value": _show(value)})]
    if validator_name == "pattern" and error.validator_value == DATE_PATTERN \
            and isinstance(value, str) and _dated(value):
        return [Said(path, f"{_show(value)} is outside {clock.YEARS} that dates are reckoned "
                     "in", "schema.date_out_of_range", {"value": _show(value)})]
    if validator_name == "pattern":
        return [Said(path, f"{_show(value)} does not have the expected form "
                     f"(pattern {error.validator_value})", "schema.bad_pattern",
                     {"value": _show(value), "pattern": error.validator_value})]
    if validator_name == "uniqueItems":
        return [Said(path, "the list repeats an item; each item may appear once",
                     "schema.not_unique")]
    if validator_name == "minLength":
        low = error.validator_value
        if low == 1:
            return [Said(path, "must not be empty", "schema.empty")]
        return [Said(path, f"must be at least {low} characters long", "schema.too_short",
                     {"min": low})]
    if validator_name == "maxLength":
        return [Said(path, f"must be at most {error.validator_value} characters long",
                     "schema.too_long", {"max": error.validator_value})]
    if validator_name == "minItems":
        return [Said(path, f"needs at least {error.validator_value} item(s)",
                     "schema.too_few_items", {"min": error.validator_value})]
    if validator_name == "maxItems":
        return [Said(path, f"has more than {error.validator_value} item(s)",
                     "schema.too_many_items", {"max": error.validator_value})]
    if validator_name in ("anyOf", "oneOf") and error.context:
        reasons: dict[str, Said] = {}
        more = False  # an object of a million unknown keys: each alternative says a few
        for sub in error.context:
            for n, said in enumerate(describe(sub, root)):
                if said.message in reasons:
                    continue
                if n >= MAX_REASONS // 2 or len(reasons) >= MAX_REASONS:
                    more = True
                    break
                reasons[said.message] = said
            if more and len(reasons) >= MAX_REASONS:
                break
        if more:
            reasons[_MORE_REASONS.message] = _MORE_REASONS
        return [Said(path, f"{_show(value)} is not valid: {'; or '.join(reasons)}",
                     "schema.no_alternative",
                     {"value": _show(value),
                      "reasons": [{"message": r.message, "code": r.code, "params": r.params}
                                  for r in reasons.values()]})]
    return [Said(path, error.message)]


def _pruned(schema: dict[str, Any], data: Any, enough: int) -> Any:
    """``data`` with its long lists and wide mappings cut to the parts that can fail
    (validate/prune.py), or None where the schema is not compiled."""
    compiler = _compiled(schema)
    if compiler is None:
        return None
    from netsep_check.validate.prune import prune

    return prune(compiler, data, enough)


def located_saids(schema: dict[str, Any], data: Any, enough: int) -> Iterator[Said]:
    """What jsonschema's errors for ``data`` say, in its order, as :func:`describe` says them.
    jsonschema is given ``data`` cut to the parts that can fail (validate/prune.py: the same
    errors, found without walking every good item), and each path is mapped back to the whole
    document's. ``enough``: about how many are read (a list with more failing items is cut
    only before its ``enough``-th: exact whatever it is)."""
    pruned = _pruned(schema, data, enough)
    errors = validator(schema).iter_errors(data if pruned is None else pruned.data)
    for error in errors:
        for said in describe(error, schema):
            yield said if pruned is None else said._replace(path=pruned.original(said.path))


def is_valid(schema: dict[str, Any], data: Any) -> bool:
    """Whether jsonschema finds no error in ``data``: the compiled check, else jsonschema over
    the parts that can fail (the same answer: see :func:`located_saids`)."""
    if is_valid_fast(schema, data):
        return True
    pruned = _pruned(schema, data, 1)
    return bool(validator(schema).is_valid(data if pruned is None else pruned.data))


MAX_REPORTED = 100  # problems listed one by one; the rest are counted
MAX_COUNTED = 10_000  # errors counted past those; beyond, "more than"


def schema_problems(document: Document, schema: dict[str, Any],
                    root_path: FieldPath = (), max_reported: int = MAX_REPORTED,
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
    seen: set[tuple[FieldPath, str]] = set()
    # One error may say many things (an object with 300 000 unknown keys is one error): the
    # cap counts what is said, not errors.
    saids = located_saids(schema, data, max_reported + max_counted + 1)
    for said in saids:
        if len(problems) >= max_reported:
            rest = 1 + sum(1 for _ in zip(range(max_counted), saids, strict=False))
            more = (f"{rest} more" if rest <= max_counted
                    else f"more than {max_counted} more")
            problems.sort(key=lambda p: (p.line or 0, p.column or 0, p.path or ""))
            problems.append(Problem(document.file, f"... and {more} schema error(s) not "
                                    f"listed (only the first {max_reported} are shown)",
                                    code="schema.more" if rest <= max_counted
                                    else "schema.more_capped",
                                    params={"count": min(rest, max_counted),
                                            "shown": max_reported}))
            return problems
        full = (*root_path, *said.path)
        if (full, said.message) in seen:  # e.g. the same missing key from if/then and required
            continue
        seen.add((full, said.message))
        position = document.position(full)
        problems.append(Problem(document.file, said.message,
                                position[0] if position else None,
                                position[1] if position else None,
                                format_path(full) or "(top level)", said.code,
                                dict(said.params)))
    problems.sort(key=lambda p: (p.line or 0, p.column or 0, p.path or ""))
    return problems
