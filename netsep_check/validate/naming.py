"""Texts that name something and say nothing: an input error, as a ``TODO`` is.

An evidence title, who approved, a decision's reference, a condition or a firm's reading that
says nothing once folded ("-", "N/A", "없음", "(TBD)", a zero-width space) names nothing: a
control claimed implemented on evidence titled "없음" (none) rests on nothing, so such a text
is refused rather than passed to a rule.

A long column of such texts (100,000 evidence titles) is filtered at C speed: joined once,
every byte that cannot show a text says something deleted, and only the texts left empty by
that judged one by one (:func:`_candidates`).
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Iterator
from functools import cache
from itertools import repeat
from typing import Any

from netsep_check.errors import Problem
from netsep_check.load import Document, FieldPath, format_path
from netsep_check.validate.capped import Capped

_NAMING_FIELDS: tuple[tuple[str | int, ...], ...] = (
    ("evidence", "*", "title"),
    ("governance", "*", "approved_by"),
    ("designation", "extension", "reference"),
    ("designation", "scope_changes", "*", "reference"),
    ("designation", "conditions", "*", "text"),
    ("usage", "own_data_categories", "*", "reading"),
)
_SAYS_NOTHING = frozenset({
    "", "na", "none", "nil", "null", "tbd", "tba", "todo", "fixme", "xxx", "placeholder",
    "없음", "해당없음", "해당사항없음", "미정", "추후", "추후제출", "추후기재", "미제출", "미기재", "예정",
})
_LONG = 64  # a column this long is filtered at C speed first


def says_nothing(text: str) -> bool:
    """Whether ``text`` is empty of meaning: after NFKC and case folding, without white space,
    punctuation, symbols and invisible (format, control) characters, nothing is left or one of
    :data:`_SAYS_NOTHING`. ``TBS 방송 자료`` or ``2025-03 점검 결과`` say something."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    kept = "".join(c for c in folded if unicodedata.category(c)[0] not in "ZPSC")
    return kept in _SAYS_NOTHING


@cache
def _weak() -> bytes:
    """The bytes of UTF-8 text that cannot show a text says something: every byte but NUL,
    the ASCII digits and the ASCII letters (either case) that no word of
    :data:`_SAYS_NOTHING` holds."""
    letters = set("".join(_SAYS_NOTHING))
    strong = {c for c in "0123456789abcdefghijklmnopqrstuvwxyz" if c not in letters}
    return bytes(b for b in range(1, 256) if b >= 128 or chr(b).lower() not in strong)


def _candidates(texts: list[str]) -> list[int]:
    """The positions of the texts that may say nothing (each then judged by
    :func:`says_nothing`). A text holding an ASCII digit, or an ASCII letter that no word of
    :data:`_SAYS_NOTHING` holds, says something: folding keeps that character (or makes a
    letter with it that no such word holds either), and no such word holds it. Found at C
    speed over the texts joined by NUL as UTF-8 (a text holding a NUL itself makes every
    text a candidate); the others (``없음``, ``-``, Korean with no digit) are judged alone."""
    left = "\x00".join(texts).encode("utf-8", "surrogatepass").translate(None, _weak())
    if left.count(b"\x00") != len(texts) - 1:  # a NUL inside a text: every text judged
        return list(range(len(texts)))
    # the texts left empty: the first, each after two NULs in a row, the last
    found = [0] if not left or left.startswith(b"\x00") else []
    at = left.find(b"\x00\x00")
    seen, start = 0, 0  # NULs counted in left[:start]
    while at != -1:
        seen += left.count(b"\x00", start, at + 1)
        found.append(seen)
        start = at + 1
        at = left.find(b"\x00\x00", start)
    if len(texts) > 1 and left.endswith(b"\x00") and found[-1:] != [len(texts) - 1]:
        found.append(len(texts) - 1)
    return found


def _named(value: Any, pattern: tuple[str | int, ...],
           path: FieldPath) -> Iterator[tuple[FieldPath, Any]]:
    if not pattern:
        yield path, value
        return
    head, rest = pattern[0], pattern[1:]
    if head == "*":
        if isinstance(value, list) and len(value) >= _LONG and len(rest) == 1:
            yield from _column(value, rest[0], path)
            return
        items: Any = (value.items() if isinstance(value, dict)
                      else enumerate(value) if isinstance(value, list) else ())
        for key, item in items:
            if not str(key).startswith("x_"):
                yield from _named(item, rest, (*path, key))
    elif isinstance(value, dict) and head in value:
        yield from _named(value[head], rest, (*path, head))


def _column(items: list[Any], key: str | int,
            path: FieldPath) -> Iterator[tuple[FieldPath, Any]]:
    """The ``key`` texts of a long list of mappings that may say nothing (a value that is not
    text is the schema's to name)."""
    try:  # at C speed; an item that is not a mapping is a TypeError
        values: list[Any] = list(map(dict.get, items, repeat(key)))
    except TypeError:
        values = [item.get(key) if isinstance(item, dict) else None for item in items]
    try:  # every value a text, nearly always: a join of another value is a TypeError
        found = _candidates(values)
    except TypeError:
        pass
    else:
        for index in found:
            yield (*path, index, key), values[index]
        return
    texts = [i for i, value in enumerate(values) if type(value) is str]
    for position in _candidates([values[i] for i in texts]):
        yield (*path, texts[position], key), values[texts[position]]


def empty_text_problems(document: Document) -> list[Problem]:
    """Every naming text (:data:`_NAMING_FIELDS`) that :func:`says_nothing`, with its line."""
    listed = Capped(document.file, "text that says nothing")
    for pattern in _NAMING_FIELDS:
        for path, text in _named(document.data, pattern, ()):
            if isinstance(text, str) and says_nothing(text):
                listed.add(functools.partial(_says_nothing, document, path, text))
    return listed.done()


def _says_nothing(document: Document, path: FieldPath, text: str) -> Problem:
    line, column = document.position(path) or (None, None)
    # at most 60 characters of it, as a placeholder is shown: a 15 MB run of dashes says
    # nothing in one line of 15 MB
    shown = repr(text[:60]) + (f"… (+{len(text) - 60})" if len(text) > 60 else "")
    return Problem(document.file, f"{shown} says nothing; write what it names (a title, an "
                   "approver, a reference, a reading)", line, column, format_path(path),
                   "text.says_nothing", {"value": shown})
