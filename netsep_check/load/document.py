"""A loaded input document: its data, where each value stands, and its digest."""

from __future__ import annotations

import functools
import gc
import json
import re
import sys
from collections.abc import Iterable
from dataclasses import field
from pathlib import Path as FsPath
from typing import Any, NamedTuple

from netsep_check._record import record
from netsep_check.errors import InputError
from netsep_check.load.json_marks import (
    _SPACE,
    JsonMarks,
    _line_column,
    _scanstring,
    skip_space,
)
from netsep_check.load.numbers import InexactNumber, exact_float
from netsep_check.load.shape import _check_shape as _check_shape  # facts/scubagear.py uses it
from netsep_check.load.shape import _no_duplicate_keys
from netsep_check.load.source import DEFAULT_MAX_BYTES, Source, read_source
from netsep_check.load.tree import Limits, Marks, Path, build_tree

_LIMITS = Limits()


def format_path(path: Iterable[str | int]) -> str:
    """``("usage", "tasks", 2)`` → ``usage.tasks[2]``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


@record(frozen=False)
class Document:
    """One parsed file. Line marks are found on first use for JSON (fast path)."""

    file: str
    data: Any
    sha256: str
    text: str = field(repr=False)
    _marks: Marks | JsonMarks | None = field(default=None, repr=False)
    is_json: bool = False  # parsed by json: marks located in the JSON text when asked
    # where the keys of its mappings stand, by offset, noted while parsed (JSON)
    _json_index: dict[int, dict[str, tuple[int, int]]] | None = field(default=None, repr=False)
    _positions: dict[Path, tuple[int, int]] = field(default_factory=dict, repr=False)

    @property
    def marks(self) -> Marks | JsonMarks:
        if self._marks is None:
            if self.is_json:
                self._marks = JsonMarks(self.text, self._json_index)
            else:
                try:
                    self._marks = build_tree(self.text, self.file)[1]
                except InputError:  # not readable as YAML: no line numbers, nothing worse
                    self._marks = Marks()
        return self._marks

    def position(self, path: Path) -> tuple[int, int] | None:
        """Line and column of ``path`` or of its nearest ancestor that has a mark."""
        path = tuple(path)
        found = self._positions.get(path)
        if found is None:  # many rules ask for the same few paths
            found = self._positions[path] = self.marks.nearest(path)
        return found

    def line(self, path: Path) -> int | None:
        found = self.position(path)
        return found[0] if found else None


def _no_duplicates(file: str) -> Any:
    def hook(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        result = dict(pairs)  # C speed; a repeated key shows as a shorter dict
        if len(result) != len(pairs):
            seen: set[str] = set()
            for key, _ in pairs:
                if key in seen:
                    raise _JsonDuplicate(key)
                seen.add(key)
        return result
    return hook


class _JsonDuplicate(ValueError):
    pass


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


_INDEXED_LEVELS = 6  # mappings within mappings indexed while parsed (see _parse_object)
# ... in a text this long or longer; a shorter one is parsed by the C decoder below its top
# level (a Python step per key of a 7 kB profile costs twice its whole parse, and finding a
# position later in so small a text costs next to nothing)
_INDEXED_FROM = 256 << 10
# Keys read one by one (a Python step each, about 3 µs) before the C decoder takes the whole
# text instead: a real profile's mappings hold a few hundred keys (its long lists are decoded
# in C), a hostile one a million (seconds, and the index of every key).
_KEYS_ONE_BY_ONE = 20_000


class _TooManyKeys(Exception):
    pass


def _parse_object(text: str, at: int, decoder: json.JSONDecoder,
                  index: dict[int, dict[str, tuple[int, int]]], levels: int,
                  repeated: list[Any], budget: list[int]) -> tuple[dict[str, Any], int] | None:
    """Parse the JSON object starting at offset ``at`` value by value, noting in ``index``
    where each of its keys and values start (the positions reports ask for, at no extra
    cost). A value that is itself an object is parsed so too, ``levels`` deep; anything else
    (lists above all) by the C decoder. Returns the mapping and the offset past it, or None
    for anything but a well-formed object: ``json.loads`` then parses the text, or names
    what is wrong. Without a hook (``decoder.object_pairs_hook``), a mapping that repeats a
    key is noted in ``repeated`` (see :func:`_parse_top`). ``budget``: the keys still to be
    read one by one; raises :class:`_TooManyKeys` past them.

    Finding a position later means skipping over the values before it with the C decoder,
    once for every mapping on the way down: a list of 100,000 entries four mappings deep was
    decoded again four times for its own line."""
    skip = functools.partial(skip_space, text)
    pos = skip(at + 1)
    pairs: list[tuple[str, Any]] = []
    children: dict[str, tuple[int, int]] = {}
    while not text.startswith("}", pos) or pairs:
        if not text.startswith('"', pos):
            return None
        budget[0] -= 1
        if budget[0] < 0:
            raise _TooManyKeys
        key, end = _scanstring(text, pos + 1)
        colon = skip(end)
        if not text.startswith(":", colon):
            return None
        start = skip(colon + 1)
        if levels > 1 and text.startswith("{", start):
            parsed = _parse_object(text, start, decoder, index, levels - 1, repeated,
                                   budget)
            if parsed is None:
                return None
            value, end = parsed
        else:
            value, end = decoder.raw_decode(text, start)
        pairs.append((key, value))
        children.setdefault(key, (pos, start))
        pos = skip(end)
        if text.startswith(",", pos):
            pos = skip(pos + 1)
        elif text.startswith("}", pos):
            break
        else:
            return None
    index[at] = children
    hook = decoder.object_pairs_hook
    if hook is not None:
        return hook(pairs), pos + 1
    mapping = dict(pairs)
    if len(mapping) != len(pairs):
        repeated.append(pairs)
    return mapping, pos + 1


def _parse_top(text: str, decoder: json.JSONDecoder
               ) -> tuple[Any, dict[int, dict[str, tuple[int, int]]]] | None:
    """A JSON object parsed by :func:`_parse_object`, and where the keys of its mappings
    stand; None for anything but a well-formed object, or for one with more keys than are
    read one by one (``_KEYS_ONE_BY_ONE``). A repeated key is refused only in a
    text that is JSON throughout, as the C decoder without a hook and the count of colons
    that follows it find it (a syntax error further on is named first)."""
    at = skip_space(text, 0)
    if not text.startswith("{", at):
        return None
    index: dict[int, dict[str, tuple[int, int]]] = {}
    repeated: list[Any] = []
    try:
        parsed = _parse_object(text, at, decoder, index,
                               _INDEXED_LEVELS if len(text) >= _INDEXED_FROM else 1, repeated,
                               [_KEYS_ONE_BY_ONE])
    except (json.JSONDecodeError, _TooManyKeys):
        return None
    if parsed is None or skip_space(text, parsed[1]) != len(text):
        return None
    if repeated:
        seen: set[str] = set()
        for key, _ in repeated[0]:
            if key in seen:
                raise _JsonDuplicate(key)
            seen.add(key)
    return parsed[0], index


# dicts made in C; a float only (rare in a profile) is read by a Python call
_PLAIN_DECODER = json.JSONDecoder(parse_constant=_reject_constant, parse_float=exact_float)


def _load_json(source: Source, limits: Limits) -> Document:
    text = source.text
    # A text in which no escape spells a colon (\u003a): its keys are checked for repeats by
    # counting colons (see _no_duplicate_keys), not by a Python call for every mapping.
    plain = "\\" not in text or _escapes().colon.search(text) is None
    try:
        data, index = _parse_json(text, source.file, plain)
        try:
            pairs = _check_shape(data, source.file, limits)
        except InputError:
            if plain:  # a repeated key is named first, as when the hook finds it
                _parse_json(text, source.file, False)
            raise
        if plain and not _no_duplicate_keys(text, data, pairs):
            data, index = _parse_json(text, source.file, False)  # names the repeated key
    except json.JSONDecodeError as exc:
        line, column = _line_column(text, exc.pos)  # json counts LF alone
        raise InputError.one(source.file, f"JSON syntax error: {exc.msg}", line, column,
                             code="json.syntax", problem=exc.msg) from None
    except _JsonDuplicate as exc:
        # The YAML builder reads JSON too, and names the line of the repeated key; a tab
        # before or after the top-level object (JSON's blank, not YAML's) is read as a space.
        # What YAML cannot read (a key of over 1024 characters) is not a YAML syntax error.
        lead, end = len(text) - len(text.lstrip(_SPACE)), len(text.rstrip(_SPACE))
        try:
            build_tree(text[:lead].replace("\t", " ") + text[lead:end]
                       + text[end:].replace("\t", " "), source.file, limits)
        except InputError as named:
            if any(p.code == "yaml.duplicate_key" for p in named.problems):
                raise
        raise InputError.one(source.file, f"duplicate key {exc.args[0]!r}",
                             code="json.duplicate_key", key=exc.args[0]) from None
    except InexactNumber as exc:
        from netsep_check.load.tree import _inexact, _rounded

        at = _literal_at(text, exc.literal)
        raise InputError.one(source.file, _inexact(exc), at[0], at[1], code="number.inexact",
                             value=exc.literal, rounded=_rounded(exc)) from None
    except ValueError as exc:
        number = _long_number(text) if "integer string conversion" in str(exc) else None
        if number is not None:  # int() refuses more than sys.get_int_max_str_digits() digits
            line, column, start, digits = number
            raise InputError.one(source.file, f"number {start}... has {digits} digits, far "
                                 "more than any profile value; quote it if it is meant as text",
                                 line, column, code="json.long_number", start=start,
                                 digits=digits) from None
        raise InputError.one(source.file, f"JSON error: {exc}", code="json.syntax",
                             problem=str(exc)) from None
    except RecursionError:
        raise InputError.one(source.file, "nesting too deep to read",
                             code="file.too_deep_to_read") from None
    document = Document(source.file, data, source.sha256, text, is_json=True,
                        _json_index=index)
    if "\\" in text and _escapes().surrogate.search(text):  # paired escapes are one character;
        _no_lone_surrogates(document)  # lone ones cannot be written as UTF-8 by any report
    return document


def _literal_at(text: str, literal: str) -> tuple[int | None, int | None]:
    """Line and column of the first ``literal`` standing as a number (not inside a longer
    number): where an inexact one is named."""
    found = re.search(rf"(?<![\w.+-]){re.escape(literal)}(?![\w.])", text)
    return _line_column(text, found.start()) if found else (None, None)


def _long_number(text: str) -> tuple[int, int, str, int] | None:
    """Line, column, first digits and length of the first number too long for ``int()`` in
    a JSON text (the decoder says only that one is; a run of digits inside a text can be
    taken for it only where the text holds more digits than any number may)."""
    limit = sys.get_int_max_str_digits()
    if not limit:
        return None
    found = re.search(rf"(?<![0-9A-Za-z_.\"])-?[0-9]{{{limit + 1},}}", text)
    if found is None:
        return None
    line, column = _line_column(text, found.start())
    digits = found.group().lstrip("-")
    return line, column, digits[:20], len(digits)


def _parse_json(text: str, file: str, plain: bool) -> tuple[Any, Any]:
    """The parsed data and where the keys of its mappings stand (None if not parsed value by
    value: see _parse_object);
    ``plain``: without the hook that refuses a repeated key."""
    hook = None if plain else _no_duplicates(file)
    decoder = _PLAIN_DECODER if plain else json.JSONDecoder(
        object_pairs_hook=hook, parse_constant=_reject_constant, parse_float=exact_float)
    top = _parse_top(text, decoder)
    if top is not None:
        return top
    return json.loads(text, object_pairs_hook=hook, parse_constant=_reject_constant,
                      parse_float=exact_float), None


class _Escapes(NamedTuple):
    surrogate: re.Pattern[str]
    colon: re.Pattern[str]


@functools.cache
def _escapes() -> _Escapes:
    """The escapes looked for in a JSON text that holds a backslash (compiled on first use:
    most texts hold none, and a compile costs a check a few hundred thousand instructions)."""
    return _Escapes(re.compile(r"\\u[dD][89abcdefABCDEF]"),
                    re.compile(r"\\u003[aA]"))  # the one escape that spells a colon


def _lone(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _no_lone_surrogates(document: Document) -> None:
    """A lone surrogate (``"\\ud800"`` in JSON) is not text: no report could be written with
    it. An input error naming the first field that holds one (a key or a value)."""
    stack: list[tuple[Any, tuple[str | int, ...]]] = [(document.data, ())]
    while stack:
        value, path = stack.pop()
        if isinstance(value, str):
            bad = _lone(value)
        elif isinstance(value, dict):
            bad = False
            for key, child in value.items():
                if _lone(key):
                    path, bad = (*path, key.encode("utf-8", "backslashreplace").decode()), True
                    break
                stack.append((child, (*path, key)))
        elif isinstance(value, list):
            bad = False
            stack.extend((child, (*path, i)) for i, child in enumerate(value))
        else:
            bad = False
        if bad:
            line, column = document.position(path[:-1] if isinstance(value, dict) else path) \
                or (None, None)
            where = format_path(path) or "(top level)"
            raise InputError.one(document.file, "holds a lone surrogate escape "
                                 "(\\ud800-\\udfff without its pair), which is not text; "
                                 "write the character itself", line, column, where,
                                 code="text.lone_surrogate")


def parse_source(source: Source, limits: Limits = _LIMITS) -> Document:
    """Parse decoded text as JSON (``.json``) or YAML into a :class:`Document`."""
    enabled = gc.isenabled()
    gc.disable()  # building many small containers: the collector only costs time here
    try:
        if source.file.lower().endswith(".json"):
            document = _load_json(source, limits)
        else:
            data, marks = build_tree(source.text, source.file, limits)
            document = Document(source.file, data, source.sha256, source.text, marks)
    finally:
        if enabled:
            gc.enable()
    return document


def load_document(path: FsPath | str, *, max_bytes: int = DEFAULT_MAX_BYTES,
                  limits: Limits = _LIMITS, display: str | None = None) -> Document:
    """Read, decode and parse one file; every failure is an :class:`InputError`."""
    return parse_source(read_source(path, max_bytes, display), limits)


def require_mapping(document: Document, what: str = "profile") -> dict[str, Any]:
    if not isinstance(document.data, dict):
        kind = type(document.data).__name__ if document.data is not None else "null"
        kind = {"list": "a list", "str": "a string", "int": "a number", "float": "a number",
                "bool": "a boolean", "null": "null"}.get(kind, kind)
        raise InputError.one(document.file, f"a {what} must be a mapping of keys, "
                             f"but the document is {kind}", 1, 1, code="file.not_mapping",
                             what=what, kind=kind)
    return document.data
