"""Equality of JSON values as JSON Schema defines it, shared by validation and the rules."""

from __future__ import annotations

from typing import Any


def canonical(value: Any) -> Any:
    """Hashable, and equal exactly where JSON Schema calls values equal (``1 == 1.0``,
    ``true != 1``, key order ignored)."""
    if type(value) is str:  # the common case first (a subclass takes the general path)
        return ("s", value)
    if isinstance(value, bool):
        return ("b", value)
    if isinstance(value, int | float):
        return ("n", value)
    if isinstance(value, str):
        return ("s", value)
    if isinstance(value, list | tuple):
        return ("l", tuple(canonical(v) for v in value))
    if isinstance(value, dict):
        return ("d", frozenset((k, canonical(v)) for k, v in value.items()))
    return ("o", value)


def same(a: Any, b: Any) -> bool:
    """``true`` is not ``1``; ``1`` is ``1.0``; mappings compare without key order."""
    if type(a) is str and type(b) is str:  # the common case: plain text on both sides
        return a == b
    return bool(canonical(a) == canonical(b))


def plain(value: Any) -> Any:
    """A :func:`canonical` value back to plain data (a mapping's keys in sorted order):
    ``canonical(plain(c)) == c``."""
    kind, inner = value
    if kind == "l":
        return [plain(v) for v in inner]
    if kind == "d":
        return {k: plain(v) for k, v in sorted(inner, key=lambda kv: kv[0])}
    return inner
