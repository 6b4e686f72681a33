"""Build a plain JSON-like tree from YAML events, keeping the line and column of every value.

Only the YAML we want in a profile gets through: one document, string keys, no duplicate
keys, no merge keys, no tags beyond the core ones, ``true``/``false`` as the only booleans,
dates left as ``YYYY-MM-DD`` strings (the schema checks them), and limits on depth and on
the number of values an alias may expand to (no "billion laughs").
"""

from __future__ import annotations

import bisect
import math
import re
import sys
from array import array
from collections.abc import Callable
from itertools import chain
from typing import Any

from netsep_check._record import record
from netsep_check.errors import InputError
from netsep_check.load.numbers import InexactNumber, exact_float

Path = tuple[str | int, ...]

DEFAULT_MAX_DEPTH = 100
DEFAULT_MAX_NODES = 2_000_000

_CORE = "tag:yaml.org,2002:"
_INT = re.compile(r"[-+]?[0-9]+\Z")
_HEX = re.compile(r"0x[0-9a-fA-F]+\Z")
_OCT = re.compile(r"0o[0-7]+\Z")
_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?\Z")
_SPECIAL_FLOATS = {".inf": math.inf, "+.inf": math.inf, "-.inf": -math.inf, ".nan": math.nan,
                   ".Inf": math.inf, "+.Inf": math.inf, "-.Inf": -math.inf, ".NaN": math.nan,
                   ".INF": math.inf, "+.INF": math.inf, "-.INF": -math.inf, ".NAN": math.nan}
_NULLS = {"", "~", "null", "Null", "NULL"}


@record
class Limits:
    """Bounds on what one input file may cost to load."""

    max_depth: int = DEFAULT_MAX_DEPTH
    max_nodes: int = DEFAULT_MAX_NODES
    # Characters of text (scalars and keys) that aliases may add, over all aliases: None is
    # the length of the file itself plus 1 MiB. Counting values alone is not enough: one
    # alias of a 1 MB string is one value, and 10,000 of them are 10 GB in any report that
    # prints them. With this bound a document never holds more than about twice its own text.
    max_alias_text: int | None = None


class Marks:
    """Where each value of a document stands: a tree shaped like the data.

    Every entry is ``(line, column)`` for a scalar or an alias, ``(line, column, children)``
    for a mapping (children: key → entry) or a list (children: list of entries). Kept as a tree
    rather than a map from full paths, so a value costs one small tuple whatever its depth: a
    flat map keyed by path tuples grows with depth × values and can exhaust memory on a file
    well under the size limit (100 levels × 2 million values).
    """

    __slots__ = ("_move", "_root")

    def __init__(self, children: dict[str, Any] | list[Any] | None = None,
                 move: Callable[[int, int], tuple[int, int]] | None = None) -> None:
        self._root: tuple[Any, ...] = (1, 1, children)
        self._move = move  # libyaml's line and column → an editor's (see _editor_lines)

    @staticmethod
    def _child(entry: tuple[Any, ...], part: str | int) -> tuple[Any, ...] | None:
        children = entry[2] if len(entry) > 2 else None
        if isinstance(children, dict):
            return children.get(part) if isinstance(part, str) else None
        if isinstance(children, list) and isinstance(part, int) and not isinstance(part, bool):
            return children[part] if 0 <= part < len(children) else None
        return None

    def nearest(self, path: Path) -> tuple[int, int]:
        """Line and column of ``path``, or of its deepest ancestor that has a mark."""
        entry = self._root
        for part in path:  # _child, inline (every finding asks)
            children = entry[2] if len(entry) > 2 else None
            kind = type(children)
            if kind is dict and type(part) is str:
                child = children.get(part)  # type: ignore[union-attr]
            elif kind is list and type(part) is int and 0 <= part < len(children):  # type: ignore[arg-type]
                child = children[part]  # type: ignore[index]
            else:
                child = self._child(entry, part)  # anything else: the general rule
            if child is None:
                break
            entry = child
        if self._move is not None:
            return self._move(entry[0], entry[1])
        return entry[0], entry[1]

    def get(self, path: Path, default: Any = None) -> tuple[int, int] | Any:
        """Line and column of exactly ``path``, or ``default``."""
        entry: tuple[Any, ...] | None = self._root
        for part in path:
            entry = self._child(entry, part) if entry is not None else None
        if entry is not None and self._move is not None:
            return self._move(entry[0], entry[1])
        return (entry[0], entry[1]) if entry is not None else default

    def __contains__(self, path: Path) -> bool:
        return self.get(path) is not None


_WORDS = {"true": True, "false": False, "null": None, "Null": None, "NULL": None}
_NUMERIC_START = frozenset("0123456789+-.")


def _plain(value: str) -> Any:
    """Resolve a plain (unquoted) scalar: null, true/false, integers, floats, else a string."""
    if not value or value == "~":
        return None
    if value[0] not in _NUMERIC_START:  # most scalars are words: no number can start so
        return _WORDS.get(value, value)
    if _INT.match(value):
        return int(value)
    if _FLOAT.match(value) and any(ch.isdigit() for ch in value):
        return exact_float(value)
    if _HEX.match(value):
        return _bounded(int(value, 16))
    if _OCT.match(value):
        return _bounded(int(value[2:], 8))
    if value in _SPECIAL_FLOATS:
        return _SPECIAL_FLOATS[value]
    return value


def _bounded(number: int) -> int:
    """A hexadecimal or octal number, refused (ValueError, as ``int()`` refuses a decimal
    one) when it has more decimal digits than ``int()`` reads or ``str()`` writes: the power-of-
    two bases are read without that limit, and the first message or report to show the number
    would fail."""
    limit = sys.get_int_max_str_digits()
    if limit and number.bit_length() > (limit - 1) * 3.3219:  # log2(10): digits of a bit
        raise ValueError("more digits than int() reads")
    return number


def _rounded(exc: InexactNumber) -> str:
    return f"{exc.rounded:.0f}" if abs(exc.rounded) < 1e21 else repr(exc.rounded)


def _inexact(exc: InexactNumber) -> str:
    return (f"number {exc.literal} cannot be read exactly: it lies between whole numbers, and "
            f"read as a floating-point number it becomes {_rounded(exc)}; write the whole "
            "number meant")


def _tagged(tag: str, value: str, fail: Any, resolve: Any = _plain) -> Any:
    """Resolve a scalar with an explicit core tag; any other tag is refused."""
    name = tag[len(_CORE):] if tag.startswith(_CORE) else None
    if tag == "!" or name == "str":
        return value
    resolved = resolve(value)
    if name == "int" and isinstance(resolved, int) and not isinstance(resolved, bool):
        return resolved
    if name == "float" and isinstance(resolved, int | float) and not isinstance(resolved, bool):
        return float(resolved)
    if name == "bool" and isinstance(resolved, bool):
        return resolved
    if name == "null" and resolved is None:
        return None
    if name in ("int", "float", "bool", "null"):
        fail(f"value {value!r} is not a valid !!{name}", None, "yaml.bad_tagged_value",
             value=value, tag=f"!!{name}")
    fail(f"tag {tag!r} is not allowed (only plain YAML data: no Python or custom tags)", None,
         "yaml.tag", tag=tag)
    return None  # unreachable


class _Frame:
    __slots__ = ("anchor", "container", "key", "key_mark", "marks", "size", "start", "text")

    def __init__(self, container: Any, anchor: str | None, start: tuple[int, int]) -> None:
        self.container = container
        self.anchor = anchor
        self.start = start  # where the container itself begins
        self.marks: Any = {} if isinstance(container, dict) else []  # children's entries
        self.key: Any = _NO_KEY
        self.key_mark: tuple[int, int] | None = None
        self.size = 1
        self.text = 0  # characters of text in the container's scalars and keys


_NO_KEY = object()

# YAML 1.1 (libyaml) also breaks lines at NEL, LS and PS; editors, grep and the JSON path
# (json_marks) count only LF, CR LF and CR. The marks of a text holding one are moved to the
# line and column an editor shows (a name holding three LS put every later line three off).
_YAML_ONLY_BREAKS = ("\x85", "\u2028", "\u2029")


def _starts(text: str, breaks: str) -> array[int]:
    return array("q", chain((0,), (m.end() for m in re.finditer(breaks, text))))


def _editor_lines(text: str) -> Callable[[int, int], tuple[int, int]] | None:
    """``(line, column)`` as libyaml counts them → as an editor does; None where they agree.
    The line starts are found on the first position asked for (most texts are never asked)."""
    if not any(brk in text for brk in _YAML_ONLY_BREAKS):
        return None
    tables: list[array[int]] = []

    def move(line: int, column: int) -> tuple[int, int]:
        if not tables:
            tables.append(_starts(text, "\r\n|[\r\n\x85\u2028\u2029]"))  # libyaml's lines
            tables.append(_starts(text, "\r\n|[\r\n]"))  # an editor's
        yaml_starts, starts = tables
        offset = yaml_starts[max(1, min(line, len(yaml_starts))) - 1] + column - 1
        real = bisect.bisect_right(starts, offset)
        return real, offset - starts[real - 1] + 1
    return move


def build_tree(text: str, file: str, limits: Limits = Limits()) -> tuple[Any, Marks]:
    """Parse one YAML (or JSON) document into plain data and the marks of its values."""
    import yaml  # here, not above: a check of JSON profiles never imports it (15-25 ms)

    try:  # libyaml's parser when present; the pure-Python one otherwise
        from yaml import CSafeLoader as loader
    except ImportError:  # pragma: no cover - depends on how PyYAML was built
        from yaml import SafeLoader as loader  # type: ignore[assignment]

    anchors: dict[str, tuple[Any, int, int]] = {}  # name → (value, values, characters)
    alias_budget = (limits.max_alias_text if limits.max_alias_text is not None
                    else len(text) + (1 << 20))
    alias_text = 0
    stack: list[_Frame] = []
    root: Any = _NO_KEY
    root_marks: Any = None
    total = 0
    documents = 0
    event: Any = None

    def fail(message: str, at: Any = None, code: str | None = None, **params: Any) -> None:
        mark = getattr(at or event, "start_mark", None)
        line = mark.line + 1 if mark is not None else None
        column = mark.column + 1 if mark is not None else None
        move = _editor_lines(text)
        if move is not None and line is not None and column is not None:
            line, column = move(line, column)
        raise InputError.one(file, message, line, column, code=code, **params)

    def place(value: Any, size: int, at: tuple[int, int], children: Any = None,
              chars: int = 0) -> None:
        """Attach a finished value, which begins at ``at``, to the open container (or make it
        the root); ``children`` are the entries of a finished container's own values;
        ``chars`` the characters of text it holds."""
        nonlocal root, root_marks, total
        total += size
        if total > limits.max_nodes:
            fail(f"document expands to more than {limits.max_nodes} values "
                 "(an alias bomb, or a file far larger than a profile)", None,
                 "yaml.expands_too_much", limit=limits.max_nodes)
        if not stack:
            root = value
            root_marks = children
            return
        frame = stack[-1]
        frame.size += size
        frame.text += chars
        container = frame.container
        entry = at if children is None else (*at, children)
        if isinstance(container, list):
            container.append(value)
            frame.marks.append(entry)
            return
        key = frame.key
        if key is _NO_KEY:
            if not isinstance(value, str):
                fail("a mapping key must be a plain string", event, "yaml.key_not_string")
            if value in container:
                move = _editor_lines(text)
                first = frame.marks[value][:2]
                first_line = (move(*first) if move is not None else first)[0]
                fail(f"duplicate key {value!r} (first defined on line {first_line})", event,
                     "yaml.duplicate_key", key=value, first_line=first_line)
            frame.key = value
            frame.key_mark = at
            return
        container[key] = value  # a mapping's value stands where its key does
        frame.marks[key] = (frame.key_mark if children is None
                            else (*frame.key_mark, children))  # type: ignore[misc]
        frame.key = _NO_KEY

    def scalar(value: str) -> Any:
        try:
            return _plain(value)
        except InexactNumber as exc:
            fail(_inexact(exc), None, "number.inexact", value=exc.literal,
                 rounded=_rounded(exc))
        except ValueError:  # int() refuses more than sys.get_int_max_str_digits() digits
            fail(f"number {value[:20]}... has {len(value)} digits, far more than any "
                 "profile value; quote it if it is meant as text", None, "yaml.long_number",
                 start=value[:20], digits=len(value))

    scalar_event = yaml.ScalarEvent
    max_nodes = limits.max_nodes
    try:
        for event in yaml.parse(text, Loader=loader):
            kind = type(event)
            if kind is scalar_event:
                raw = event.value
                if event.implicit[0]:
                    if raw == "<<" and stack and stack[-1].key is _NO_KEY and \
                            isinstance(stack[-1].container, dict):
                        fail("merge keys (<<) are not supported; write the keys out", None,
                             "yaml.merge_key")  # unquoted
                    if raw and raw[0] not in _NUMERIC_START and raw != "~":
                        value = _WORDS.get(raw, raw)  # a word: what _plain says of it
                    else:
                        value = scalar(raw)
                elif event.tag is None or event.implicit[1]:
                    value = raw
                else:
                    value = _tagged(event.tag, raw, fail, scalar)
                chars = len(raw)
                if event.anchor is not None:
                    anchors[event.anchor] = (value, 1, chars)
                mark = event.start_mark
                at = (mark.line + 1, mark.column + 1)
                frame = stack[-1] if stack else None
                if frame is None or total + 1 > max_nodes:
                    place(value, 1, at, None, chars)
                    continue
                # What place() does for a scalar inside a container, inline (most events).
                container: Any = frame.container
                if type(container) is list:
                    total += 1
                    frame.size += 1
                    frame.text += chars
                    container.append(value)
                    frame.marks.append(at)
                elif frame.key is not _NO_KEY:
                    total += 1
                    frame.size += 1
                    frame.text += chars
                    container[frame.key] = value  # a mapping's value stands where its key does
                    frame.marks[frame.key] = frame.key_mark
                    frame.key = _NO_KEY
                elif type(value) is str and value not in container:  # a key (place()'s
                    total += 1  # checks, inline: most keys pass them)
                    frame.size += 1
                    frame.text += chars
                    frame.key = value
                    frame.key_mark = at
                else:
                    place(value, 1, at, None, chars)  # a key: not text, or a repeated one
            elif kind is yaml.MappingStartEvent or kind is yaml.SequenceStartEvent:
                if event.tag is not None and not event.implicit and event.tag not in (
                        _CORE + "map", _CORE + "seq", "!"):
                    fail(f"tag {event.tag!r} is not allowed (only plain YAML data: "
                         "no Python or custom tags)", None, "yaml.tag", tag=event.tag)
                if len(stack) >= limits.max_depth:
                    fail(f"nesting deeper than {limits.max_depth} levels", None,
                         "file.too_deep", limit=limits.max_depth)
                if stack and stack[-1].key is _NO_KEY and isinstance(stack[-1].container, dict):
                    fail("a mapping key must be a plain string, not a mapping or list", None,
                         "yaml.key_not_scalar")
                mark = event.start_mark
                stack.append(_Frame({} if kind is yaml.MappingStartEvent else [], event.anchor,
                                    (mark.line + 1, mark.column + 1)))
            elif kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
                frame = stack.pop()
                if frame.anchor is not None:
                    anchors[frame.anchor] = (frame.container, frame.size, frame.text)
                total -= frame.size - 1  # children were counted as they were placed
                place(frame.container, frame.size, frame.start, frame.marks, frame.text)
            elif kind is yaml.AliasEvent:
                if event.anchor not in anchors:
                    fail(f"alias *{event.anchor} refers to no finished anchor", None,
                         "yaml.alias", anchor=event.anchor)
                value, size, chars = anchors[event.anchor]
                alias_text += chars
                if alias_text > alias_budget:
                    fail(f"aliases repeat more than {alias_budget} characters of text (an "
                         "alias bomb: each alias of a long text copies it into every report "
                         "that shows it)")
                mark = event.start_mark
                place(value, size, (mark.line + 1, mark.column + 1), None, chars)  # no marks
            elif kind is yaml.DocumentStartEvent:
                documents += 1
                if documents > 1:
                    fail("more than one YAML document in the file; a profile is one document",
                         code="yaml.several_documents")
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or "invalid YAML"
        if exc.context:
            problem = f"{exc.context}: {problem}"
        move = _editor_lines(text)
        at = (mark.line + 1, mark.column + 1) if mark else (None, None)
        if move is not None and mark:
            at = move(*at)
        raise InputError.one(file, f"YAML syntax error: {problem}", at[0], at[1],
                             code="yaml.syntax", problem=problem) from None
    except yaml.YAMLError as exc:
        raise InputError.one(file, f"YAML error: {exc}", code="yaml.syntax",
                             problem=str(exc)) from None
    except RecursionError:
        raise InputError.one(file, "nesting too deep to read",
                             code="file.too_deep_to_read") from None
    if root is _NO_KEY:
        raise InputError.one(file, "file holds no YAML document (it is empty or only comments)",
                             1, 1, code="yaml.no_document")
    return root, Marks(root_marks, _editor_lines(text))
