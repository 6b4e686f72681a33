"""Build a plain JSON-like tree from YAML events, keeping the line and column of every value.

Only the YAML we want in a profile gets through: one document, string keys, no duplicate
keys, no merge keys, no tags beyond the core ones, ``true``/``false`` as the only booleans,
dates left as ``YYYY-MM-DD`` strings (the schema checks them), and limits on depth and on
the number of values an alias may expand to (no "billion laughs").
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

import yaml

from netsep_check.errors import InputError

try:  # libyaml's parser when present; the pure-Python one otherwise
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

Path = tuple[str | int, ...]
Marks = dict[Path, tuple[int, int]]

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


@dataclass(frozen=True)
class Limits:
    """Bounds on what one input file may cost to load."""

    max_depth: int = DEFAULT_MAX_DEPTH
    max_nodes: int = DEFAULT_MAX_NODES


def _plain(value: str) -> Any:
    """Resolve a plain (unquoted) scalar: null, true/false, integers, floats, else a string."""
    if value in _NULLS:
        return None
    if value == "true":
        return True
    if value == "false":
        return False
    if _INT.match(value):
        return int(value)
    if _FLOAT.match(value) and any(ch.isdigit() for ch in value):
        return float(value)
    if _HEX.match(value):
        return int(value, 16)
    if _OCT.match(value):
        return int(value[2:], 8)
    if value in _SPECIAL_FLOATS:
        return _SPECIAL_FLOATS[value]
    return value


def _tagged(tag: str, value: str, fail: Any) -> Any:
    """Resolve a scalar with an explicit core tag; any other tag is refused."""
    name = tag[len(_CORE):] if tag.startswith(_CORE) else None
    if tag == "!" or name == "str":
        return value
    resolved = _plain(value)
    if name == "int" and isinstance(resolved, int) and not isinstance(resolved, bool):
        return resolved
    if name == "float" and isinstance(resolved, int | float) and not isinstance(resolved, bool):
        return float(resolved)
    if name == "bool" and isinstance(resolved, bool):
        return resolved
    if name == "null" and resolved is None:
        return None
    if name in ("int", "float", "bool", "null"):
        fail(f"value {value!r} is not a valid !!{name}")
    fail(f"tag {tag!r} is not allowed (only plain YAML data: no Python or custom tags)")
    return None  # unreachable


class _Frame:
    __slots__ = ("anchor", "container", "key", "key_mark", "path", "size")

    def __init__(self, container: Any, path: Path, anchor: str | None) -> None:
        self.container = container
        self.path = path
        self.anchor = anchor
        self.key: Any = _NO_KEY
        self.key_mark: tuple[int, int] | None = None
        self.size = 1


_NO_KEY = object()


def build_tree(text: str, file: str, limits: Limits = Limits()) -> tuple[Any, Marks]:
    """Parse one YAML (or JSON) document into plain data and a path → (line, column) map."""
    marks: Marks = {(): (1, 1)}
    anchors: dict[str, tuple[Any, int]] = {}
    stack: list[_Frame] = []
    root: Any = _NO_KEY
    total = 0
    documents = 0
    event: Any = None

    def fail(message: str, at: Any = None) -> None:
        mark = getattr(at or event, "start_mark", None)
        line = mark.line + 1 if mark is not None else None
        column = mark.column + 1 if mark is not None else None
        raise InputError.one(file, message, line, column)

    def place(value: Any, size: int, start: Any) -> None:
        """Attach a finished value to the open container (or make it the root)."""
        nonlocal root, total
        total += size
        if total > limits.max_nodes:
            fail(f"document expands to more than {limits.max_nodes} values "
                 "(an alias bomb, or a file far larger than a profile)")
        if not stack:
            root = value
            return
        frame = stack[-1]
        frame.size += size
        container = frame.container
        if isinstance(container, list):
            path = (*frame.path, len(container))
            if start is not None:
                marks[path] = (start.line + 1, start.column + 1)
            container.append(value)
            return
        if frame.key is _NO_KEY:
            if not isinstance(value, str):
                fail("a mapping key must be a plain string", event)
            if value == "<<":
                fail("merge keys (<<) are not supported; write the keys out")
            if value in container:
                first = marks.get((*frame.path, value), (None, None))[0]
                fail(f"duplicate key {value!r}" + (f" (first defined on line {first})"
                                                    if first else ""), event)
            frame.key = value
            frame.key_mark = (start.line + 1, start.column + 1) if start is not None else None
            return
        key = frame.key
        if frame.key_mark is not None:
            marks[(*frame.path, key)] = frame.key_mark
        container[key] = value
        frame.key = _NO_KEY

    def child_path() -> Path:
        frame = stack[-1]
        if isinstance(frame.container, list):
            return (*frame.path, len(frame.container))
        if frame.key is _NO_KEY:
            fail("a mapping key must be a plain string, not a mapping or list")
        return (*frame.path, frame.key)

    try:
        for event in yaml.parse(text, Loader=_Loader):
            kind = type(event)
            if kind is yaml.ScalarEvent:
                if event.implicit[0]:
                    value = _plain(event.value)
                elif event.tag is None or event.implicit[1]:
                    value = event.value
                else:
                    value = _tagged(event.tag, event.value, fail)
                if event.anchor is not None:
                    anchors[event.anchor] = (value, 1)
                place(value, 1, event.start_mark)
            elif kind is yaml.MappingStartEvent or kind is yaml.SequenceStartEvent:
                if event.tag is not None and not event.implicit and event.tag not in (
                        _CORE + "map", _CORE + "seq", "!"):
                    fail(f"tag {event.tag!r} is not allowed (only plain YAML data: "
                         "no Python or custom tags)")
                if len(stack) >= limits.max_depth:
                    fail(f"nesting deeper than {limits.max_depth} levels")
                path = child_path() if stack else ()
                if stack and isinstance(stack[-1].container, list):
                    marks[path] = (event.start_mark.line + 1, event.start_mark.column + 1)
                container: Any = {} if kind is yaml.MappingStartEvent else []
                stack.append(_Frame(container, path, event.anchor))
            elif kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
                frame = stack.pop()
                if frame.anchor is not None:
                    anchors[frame.anchor] = (frame.container, frame.size)
                total -= frame.size - 1  # children were counted as they were placed
                place(frame.container, frame.size, None)
            elif kind is yaml.AliasEvent:
                if event.anchor not in anchors:
                    fail(f"alias *{event.anchor} refers to no finished anchor")
                value, size = anchors[event.anchor]
                place(value, size, event.start_mark)
            elif kind is yaml.DocumentStartEvent:
                documents += 1
                if documents > 1:
                    fail("more than one YAML document in the file; a profile is one document")
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        problem = exc.problem or "invalid YAML"
        if exc.context:
            problem = f"{exc.context}: {problem}"
        raise InputError.one(file, f"YAML syntax error: {problem}",
                             mark.line + 1 if mark else None,
                             mark.column + 1 if mark else None) from None
    except yaml.YAMLError as exc:
        raise InputError.one(file, f"YAML error: {exc}") from None
    except RecursionError:
        raise InputError.one(file, "nesting too deep to read") from None
    if root is _NO_KEY:
        raise InputError.one(file, "file holds no YAML document (it is empty or only comments)",
                             1, 1)
    return root, marks
