"""The leaves of :mod:`netsep_check.validate.fast`: one closure per keyword value, built once
per schema node. Each takes its operands as arguments, so a closure never sees a later loop
variable of the compiler."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from functools import cache
from typing import Any

from netsep_check.values import canonical

Check = Callable[[Any], bool]
Column = Callable[[list[Any]], bool]  # one test over a column: a field of every list item
Keys = Callable[[dict[str, Any]], Any]  # the keys of a mapping that a schema node evaluates

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$", re.ASCII)


class Unsupported(Exception):
    """The schema uses something this module does not implement: use jsonschema alone."""


def is_type(kind: str) -> Check:
    if kind == "object":
        return lambda v: isinstance(v, dict)
    if kind == "array":
        return lambda v: isinstance(v, list)
    if kind == "string":
        return lambda v: isinstance(v, str)
    if kind == "boolean":
        return lambda v: isinstance(v, bool)
    if kind == "null":
        return lambda v: v is None
    if kind == "number":
        return lambda v: isinstance(v, int | float) and not isinstance(v, bool)
    if kind == "integer":
        return lambda v: (isinstance(v, int) and not isinstance(v, bool)) or (
            isinstance(v, float) and v.is_integer())
    raise Unsupported(f"type {kind!r}")


def unique(items: list[Any]) -> bool:
    if set(map(type, items)) <= {str}:  # the usual list: plain strings compare as they are
        return len(set(items)) == len(items)
    try:
        return len({canonical(item) for item in items}) == len(items)
    except TypeError:  # not plain data: let jsonschema decide
        return False


def all_of(subs: tuple[Check, ...]) -> Check:
    return lambda v: all(s(v) for s in subs)


def any_of(subs: tuple[Check, ...]) -> Check:
    return lambda v: any(s(v) for s in subs)


def one_of(subs: tuple[Check, ...]) -> Check:
    return lambda v: sum(1 for s in subs if s(v)) == 1


COMBINE: dict[str, Callable[[tuple[Check, ...]], Check]] = {
    "allOf": all_of, "anyOf": any_of, "oneOf": one_of}


# ``^BODY$`` where BODY is only character classes, plain characters and quantifiers — no
# group, no alternation, nothing that can match a line break ([^…], \s, \W, \D, .): every
# item matches exactly when the items joined by line breaks match (BODY\n)*BODY, one scan in
# C instead of a call per item (about twice as fast on 100,000 ids). A column with a line
# break inside an item is not scanned (it would split the item): it is answered "no", which
# only sends it to jsonschema — a "no" here is never taken as an error, only a "yes" as valid.
_PLAIN_BODY = re.compile(r"(?:(?:\[[A-Za-z0-9_.:\-]+\]|[A-Za-z0-9_:\-]|\\[.*+?-])"
                         r"(?:[*+?]|\{\d+(?:,\d*)?\})?)+")


@cache
def pattern_search(pattern: str) -> Callable[[str], object]:
    """``re.search`` for a JSON Schema ``pattern``, with ECMA-262's ``$``: the end of the
    text only. Python's ``$`` also matches before a final line break, which let "workvivo\\n"
    pass ``^[a-z][a-z0-9_]*$`` (and, shown as "workvivo", escape every id list)."""
    if pattern.endswith("$"):
        body = pattern[:-1]
        if (len(body) - len(body.rstrip("\\"))) % 2 == 0:  # the '$' itself is not escaped
            pattern = body + r"\Z"
    return re.compile(pattern).search


def matches(search: Callable[[str], object], pattern: str | None = None) -> Column:
    if pattern == HOST_PATTERN:
        return lambda col: host_names(col) if len(col) >= 64 else all(map(search, col))
    body = pattern[1:-1] if pattern and pattern.startswith("^") and pattern.endswith("$") \
        else None
    classes = _two_classes(body) if body is not None else None
    if classes is not None:
        return _class_star_scan(search, *classes)
    if body is not None and _PLAIN_BODY.fullmatch(body):
        joined: list[Callable[[str], object]] = []  # compiled on the first long column only

        def scan(col: list[Any]) -> bool:
            if len(col) < 64:  # a short column: item by item costs less than compiling
                return all(map(search, col))
            if not joined:
                joined.append(re.compile(f"(?:{body}\n)*{body}").fullmatch)
            text = "\n".join(col)  # a line break inside an item would split it in two:
            if text.count("\n") != len(col) - 1:  # such a column goes item by item
                return False
            return joined[0](text) is not None
        return scan
    return lambda col: all(map(search, col))


# ``^[FIRST][REST]*$`` (an id: ``^[a-z][a-z0-9_]*$``), both classes plain (no escape, no
# negation, no line break): the joined scan above walks the regex machinery once per
# character (5.6 ms for 100,000 tasks). Said instead with C-speed text operations: every
# character in REST (a translate deleting them leaves nothing), and every item starting with
# one of FIRST (the first character, and none after a line break outside FIRST).
def _two_classes(body: str) -> tuple[str, str] | None:
    """``[FIRST][REST]*`` as its two classes, each holding no bracket, ``\\``, ``^`` or line
    break; None for any other body (read without a regular expression, which every check
    would compile: 0.2 M instructions)."""
    if not body.startswith("[") or not body.endswith("]*"):
        return None
    end = body.find("]")
    first, rest = body[:end + 1], body[end + 1:-1]
    inner = (first[1:-1], rest[1:-1])
    if not rest.startswith("[") or not all(inner) or any(
            mark in part for part in inner for mark in "[]\\^\n"):
        return None
    return first, rest


def _ascii_members(char_class: str) -> frozenset[str]:
    """The ASCII characters a class such as ``[a-z0-9_]`` matches."""
    match = re.compile(char_class).fullmatch
    return frozenset(c for c in map(chr, range(128)) if match(c))


def _class_star_scan(search: Callable[[str], object], first_class: str, rest_class: str
                     ) -> Column:
    made: list[tuple[bytes, frozenset[str], Callable[[str], object]] | None] = []  # on first use

    def prepare() -> tuple[bytes, frozenset[str], Callable[[str], object]] | None:
        first, rest = _ascii_members(first_class), _ascii_members(rest_class)
        if not first or not first <= rest or "\n" in rest:  # not this shape: item by item
            return None
        outside_first = "\n[^" + "".join(map(re.escape, sorted(first))) + "]"
        return ("".join(sorted(rest)).encode("ascii") + b"\n", first,
                re.compile(outside_first).search)

    def scan(col: list[Any]) -> bool:
        if len(col) < 64:  # a short column: item by item costs less than preparing
            return all(map(search, col))
        if not made:
            made.append(prepare())
        prepared = made[0]
        if prepared is None:
            return all(map(search, col))
        kept, first, bad_start = prepared
        text = "\n".join(col)  # a line break inside an item would split it in two: such a
        if text.count("\n") != len(col) - 1 or not text.isascii():  # column (or one holding
            return False  # a character no ASCII class matches) goes item by item
        return (not text.encode("ascii").translate(None, kept) and text[0] in first
                and not text.endswith("\n") and bad_start(text) is None)
    return scan


# The host-name pattern of profile.schema.json ($defs/host_name): an optional leading "*.",
# then labels joined by dots, each 1 to 63 of [A-Za-z0-9-], not starting or ending with "-".
# Its nested groups make the joined-column scan above slower than item by item; instead the
# joined column is checked by plain C-speed byte operations that say the same thing (a
# property test in tests/validate/test_speed_shortcuts.py holds them equal on every item).
HOST_PATTERN = (r"^(\*\.)?([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)*"
                r"[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$")
_HOST_BYTES = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-.*\n"
_ITEM_ENDS_AS_DOTS = bytes.maketrans(b"\n", b".")
_ITEM_ENDS_AND_DASHES_AS_DOTS = bytes.maketrans(b"\n-", b"..")


def host_names(col: list[str]) -> bool:
    """True only if every item of ``col`` (strings) matches :data:`HOST_PATTERN`; False also
    where an item holds a line break (the scan would split it; ``$`` also matches before a
    final one), which sends the column item by item."""
    text = "\n".join(col)
    if not col or not text.isascii() or text.count("\n") != len(col) - 1:
        return False
    data = text.encode("ascii")
    if data.translate(None, _HOST_BYTES):
        return False  # a character no host name holds
    stars = data.count(b"*")
    if stars:  # each "*" only as the "*." an item starts with; then drop those prefixes
        if stars != data.count(b"\n*.") + data.startswith(b"*."):
            return False
        data = data.replace(b"\n*.", b"\n")
        data = data[2:] if data.startswith(b"*.") else data
    # Every label between dots and item ends: not empty, not starting or ending with "-".
    # With the dashes read as dots too, one search settles it where no label holds "--"
    # (three searches cost 12 ms on 100,000 names, one 4 ms).
    merged = data.translate(_ITEM_ENDS_AND_DASHES_AS_DOTS)
    if not merged or merged[:1] == b"." or merged[-1:] == b".":
        return False
    if b".." in merged:
        dots = data.translate(_ITEM_ENDS_AS_DOTS)
        if b".." in dots or b".-" in dots or b"-." in dots:
            return False
    if max(map(len, col)) > 63:  # a label may be too long: measure them all
        return max(map(len, data.translate(_ITEM_ENDS_AS_DOTS).split(b"."))) <= 63
    return True


def longer(low: int) -> Column:
    return lambda col: min(map(len, col)) >= low


def shorter(high: int) -> Column:
    return lambda col: max(map(len, col)) <= high


def among(allowed: frozenset[str]) -> Column:
    return lambda col: allowed.issuperset(col)



def valid_keys(sub: Check) -> Keys:
    return lambda v: {k for k, x in v.items() if sub(x)}


def keys_if(valid: Check, keys: Keys) -> Keys:
    return lambda v: keys(v) if valid(v) else ()


def is_date(value: str) -> bool:
    if not _DATE.fullmatch(value):
        return False
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        return False
    return True


def canonical_or_none(value: Any) -> Any:
    try:
        return canonical(value)
    except TypeError:
        return None


def member(value: Any, allowed: frozenset[Any]) -> bool:
    try:
        return canonical(value) in allowed
    except TypeError:
        return False
