"""Placeholders are not facts: a profile still holding the ``init`` template's stand-ins is an
input error naming every such line (firm name, designation number, ``TODO`` texts)."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from functools import cache
from typing import Any

from netsep_check.errors import Problem
from netsep_check.load import Document, FieldPath, format_path
from netsep_check.validate.capped import Capped

# The exact stand-in values the templates in netsep_check/templates/ ship with.
TEMPLATE_VALUES: dict[tuple[str | int, ...], str] = {
    ("firm", "name"): "회사명 / Firm name",
    ("assessment", "prepared_by"): "작성 부서 / Prepared by",
    ("designation", "number"): "2024-FSC-0000-00",
}
# Words every TODO-like placeholder holds: a source text without any of them holds none (a
# plain substring scan of the text, far cheaper than walking 100,000 values). The template
# values are looked up at their own paths instead (three lookups, not three scans).
_MARKERS = ("TODO", "TBD", "FIXME")
_TODO = re.compile(r"^\s*(TODO|TBD|FIXME)\b")  # upper case, as the templates write it
# An escape that could spell a letter of a marker (JSON \u0054; YAML \x54, \u0054,
# \U00000054, hexadecimal digits in either case), or a YAML escaped line break, which joins
# "TO\<newline>DO" into one word (any break YAML 1.1 knows: \r, \n, NEL U+0085, LS U+2028,
# PS U+2029): without one, a marker in a parsed text is written out in the source. Escapes of
# anything else (the \uXXXX of Korean text written by ``json.dumps``) spell no marker.
# Literals, not a character class or IGNORECASE: a class beyond Latin-1 costs a compile
# two million instructions.
_MARKER_CODES = sorted({code for c in {c for m in _MARKERS for c in m}
                        for code in (f"{ord(c):02x}", f"{ord(c):02X}")})
_LINE_BREAKS = ("\r", "\n", "\x85", "\u2028", "\u2029")


@cache
def _marker_escape() -> re.Pattern[str]:
    """Compiled on first use: only a source holding a backslash is searched."""
    breaks = "|".join(map(re.escape, _LINE_BREAKS))
    return re.compile(r"\\(?:" + breaks + r"|(?:x|u00|U000000)(?:"
                      + "|".join(_MARKER_CODES) + "))")


def holds_marker(source: str, most: int = 1000) -> bool:
    """``any(marker in source for marker in _MARKERS)``, found from the markers' first letters
    (a one-character search runs at memory speed; the words' own searches are ten times
    slower on a large profile), where those letters are few; the plain searches otherwise."""
    for first in sorted({marker[0] for marker in _MARKERS}):
        words = tuple(marker for marker in _MARKERS if marker[0] == first)
        at, seen = source.find(first), 0
        while at != -1:
            if source.startswith(words, at):
                return True
            seen += 1
            if seen > most:  # a text full of that letter: the plain searches
                if any(word in source for word in words):
                    return True
                break
            at = source.find(first, at + 1)
    return False


def _strings(value: Any, path: FieldPath) -> Iterator[tuple[FieldPath, str]]:
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            if not str(key).startswith("x_"):
                yield from _strings(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _strings(item, (*path, index))


def _is_placeholder(path: FieldPath, text: str) -> bool:
    return TEMPLATE_VALUES.get(path) == text.strip() or _TODO.match(text) is not None


def _suspects(value: Any, path: list[Any], out: list[tuple[FieldPath, str]]) -> None:
    """The (path, text) that :func:`_strings` yields and that are placeholders, in the same
    order, without a path tuple per text: a text can only be a TODO if it holds a T or an F,
    and a template value only where :data:`TEMPLATE_VALUES` says (two keys deep)."""
    if isinstance(value, dict):
        pairs: Any = ((key, item) for key, item in value.items()
                      if not str(key).startswith("x_"))
    elif isinstance(value, list):
        pairs = enumerate(value)
    else:
        return
    shallow = len(path) == 1
    for key, item in pairs:
        if isinstance(item, str):
            if (shallow or "T" in item or "F" in item) and _is_placeholder((*path, key), item):
                out.append(((*path, key), item))
        elif isinstance(item, dict | list):
            path.append(key)
            _suspects(item, path, out)
            path.pop()


def _template_values(data: Any) -> list[tuple[FieldPath, str]]:
    """The texts standing where :data:`TEMPLATE_VALUES` are, in the order :func:`_suspects`
    meets them (the document's key order)."""
    found: list[tuple[FieldPath, str]] = []
    if not isinstance(data, dict):
        return found
    for top, section in data.items():
        if not isinstance(section, dict):
            continue
        for key, value in section.items():
            if isinstance(value, str) and (top, key) in TEMPLATE_VALUES:
                found.append(((top, key), value))
    return found


def placeholder_problems(document: Document) -> list[Problem]:
    """Every template stand-in and every text that starts with TODO, with its line."""
    data = document.data
    problems: list[Problem] = []
    found: list[tuple[FieldPath, str]] = []
    source = document.text
    if source and not holds_marker(source) and not (
            "\\" in source and _marker_escape().search(source)):
        # No TODO-like placeholder can be in a text that holds none of their words (and no
        # escape, such as \u0054ODO, that could spell one): only the template values can be
        # left, and only where the templates put them.
        found = [(path, value) for path, value in _template_values(data)
                 if _is_placeholder(path, value)]
    elif isinstance(data, str):
        found = [((), data)] if _is_placeholder((), data) else []
    else:
        _suspects(data, [], found)
    listed = Capped(document.file, "template placeholder")
    for path, text in found:
        if TEMPLATE_VALUES.get(path) == text.strip():
            why = f"still holds the template placeholder {text!r}; write the real value"
        else:
            why = f"still holds a template placeholder ({text.strip()[:60]!r}); write the real text"
        listed.add(functools.partial(_placeholder, document, path, why))
    return [*problems, *listed.done()]


def _placeholder(document: Document, path: FieldPath, why: str) -> Problem:
    return Problem(document.file, why, document.line(path), None, format_path(path))
