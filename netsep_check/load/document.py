"""A loaded input document: its data, where each value stands, and its digest."""

from __future__ import annotations

import gc
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path as FsPath
from typing import Any

from netsep_check.errors import InputError
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


@dataclass
class Document:
    """One parsed file. Line marks are computed on first use for JSON (fast path)."""

    file: str
    data: Any
    sha256: str
    text: str = field(repr=False)
    _marks: Marks | None = field(default=None, repr=False)

    @property
    def marks(self) -> Marks:
        if self._marks is None:
            try:
                self._marks = build_tree(self.text, self.file)[1]
            except InputError:  # JSON that YAML cannot read: no line numbers, nothing worse
                self._marks = Marks()
        return self._marks

    def position(self, path: Path) -> tuple[int, int] | None:
        """Line and column of ``path`` or of its nearest ancestor that has a mark."""
        return self.marks.nearest(tuple(path))

    def line(self, path: Path) -> int | None:
        found = self.position(path)
        return found[0] if found else None


def _no_duplicates(file: str) -> Any:
    def hook(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key, value in pairs:
            if key in result:
                raise _JsonDuplicate(key)
            result[key] = value
        return result
    return hook


class _JsonDuplicate(ValueError):
    pass


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def _check_shape(data: Any, file: str, limits: Limits) -> None:
    """Depth and size bounds for trees that did not come through the YAML builder."""
    todo: list[tuple[Any, int]] = [(data, 1)]
    count = 0
    while todo:
        value, depth = todo.pop()
        count += 1
        if depth > limits.max_depth:
            raise InputError.one(file, f"nesting deeper than {limits.max_depth} levels")
        if count > limits.max_nodes:
            raise InputError.one(file, f"document holds more than {limits.max_nodes} values")
        if isinstance(value, dict):
            todo.extend((v, depth + 1) for v in value.values())
        elif isinstance(value, list):
            todo.extend((v, depth + 1) for v in value)


def _load_json(source: Source, limits: Limits) -> Document:
    try:
        data = json.loads(source.text, object_pairs_hook=_no_duplicates(source.file),
                          parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        raise InputError.one(source.file, f"JSON syntax error: {exc.msg}", exc.lineno,
                             exc.colno) from None
    except _JsonDuplicate:
        # The YAML builder reads JSON too, and names the line of the repeated key.
        build_tree(source.text, source.file, limits)
        raise InputError.one(source.file, "duplicate key in JSON") from None  # pragma: no cover
    except ValueError as exc:
        raise InputError.one(source.file, f"JSON error: {exc}") from None
    except RecursionError:
        raise InputError.one(source.file, "nesting too deep to read") from None
    _check_shape(data, source.file, limits)
    return Document(source.file, data, source.sha256, source.text)


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
                             f"but the document is {kind}", 1, 1)
    return document.data
