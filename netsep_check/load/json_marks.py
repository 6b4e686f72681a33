"""Where the values of a JSON text stand: found on demand, as far as a lookup needs."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from typing import Any

from netsep_check.load.tree import Path

_DECODER = json.JSONDecoder()
_UNSEEN = object()  # a container not indexed at all
# json's string scanner (C speed); typeshed does not declare it
_scanstring: Callable[[str, int], tuple[str, int]] = json.decoder.scanstring  # type: ignore[attr-defined]
_SPACE = " \t\n\r"


_WHITESPACE = json.decoder.WHITESPACE.match  # type: ignore[attr-defined]  # json's own, compiled


def skip_space(text: str, at: int) -> int:
    """The offset of the first character at or after ``at`` that is not JSON white space: a
    run of it skipped at C speed (a step a character took 12 s over a megabyte of leading
    spaces, looked up again for every line)."""
    if at < len(text) and text[at] in _SPACE:
        return int(_WHITESPACE(text, at).end())
    return at


def _has(children: Any, part: Any) -> bool:
    """Whether ``children`` (a mapping's, a list's, or None for a scalar) hold ``part``."""
    if isinstance(children, dict):
        return isinstance(part, str) and part in children
    if isinstance(children, list):
        return isinstance(part, int) and 0 <= part < len(children)
    return False


def _breaks(text: str, start: int, end: int, cr: bool) -> int:
    """The line breaks of ``text[start:end]``: CR LF, LF, or a CR alone (JSON allows each as
    white space; YAML reads each as a line break). ``cr``: whether ``text`` holds a CR at all
    (asked once per text: asking it here cost a scan of the whole text per position)."""
    lf = text.count("\n", start, end)
    if not cr:
        return lf
    return lf + text.count("\r", start, end) - text.count("\r\n", start, end)


def _line_start(text: str, offset: int) -> int:
    """Where the line holding ``offset`` starts: after the last LF before it, or after a CR
    between that LF and ``offset`` (the CR is looked for on that line only, never back
    through the whole text)."""
    lf = text.rfind("\n", 0, offset)
    return max(lf, text.rfind("\r", lf + 1, offset)) + 1


def _line_column(text: str, offset: int) -> tuple[int, int]:
    return (_breaks(text, 0, offset, "\r" in text) + 1,
            offset - _line_start(text, offset) + 1)


class JsonMarks:
    """Where the values of a JSON text stand, found on demand.

    A JSON profile is parsed by ``json`` (C speed), which keeps no positions. Rather than
    parse the text again as YAML for its marks (ten times the cost of the parse), a position
    is found by walking down its path: each container on the way is indexed once, as far as
    the path needs, its children's offsets found by letting the C scanner skip over each
    child. A mapping's value stands where its key does, as in :class:`Marks`.
    """

    def __init__(self, text: str,
                 index: dict[int, dict[str, tuple[int, int]]] | None = None) -> None:
        self.text = text
        # the children of each container by its offset; ``index``: the mappings indexed
        # while the text was parsed (see _parse_object)
        self._index: dict[int, dict[Any, tuple[int, int]] | list[tuple[int, int]] | None] = (
            dict(index) if index else {})
        self._lines: list[tuple[int, int]] = [(0, 1)]  # (offset, line) anchors, sorted
        # where the indexing of a container not yet indexed to its end goes on, by its offset:
        # the next child's, or ``~offset`` of the last child's value, not yet skipped over
        self._more: dict[int, int] = {}
        self._lock = threading.Lock()
        self._cr: bool | None = None  # whether the text holds a CR (asked at the first line)
        # where each line asked for starts, by its number: a line is searched back for its
        # start once (10,000 waivers on one line each searched back to the text's start)
        self._starts: dict[int, int] = {}

    def _child(self, at: int, part: Any) -> tuple[int, int]:
        """(offset of its mark, offset of its value) of the child ``part`` (a key, an index)
        of the container starting at offset ``at``; LookupError when there is none. A
        container is indexed as far as a lookup needs, and no further: the first keys of a
        mapping of a million are found without reading the rest. Indexing holds a lock:
        threads sharing a document see a container's children in order, none twice."""
        found = self._index.get(at, _UNSEEN)
        if found is _UNSEEN or (at in self._more and not _has(found, part)):
            with self._lock:
                found = self._index.get(at, _UNSEEN)
                if found is _UNSEEN:
                    text = self.text
                    found = ({} if text.startswith("{", at) else
                             [] if text.startswith("[", at) else None)
                    if found is not None:
                        self._more[at] = skip_space(text, at + 1)
                    self._index[at] = found
                while at in self._more and not _has(found, part):
                    self._read_on(at, found)  # type: ignore[arg-type]
        if not _has(found, part):
            raise LookupError(part)
        return found[part]  # type: ignore[index, no-any-return]

    def _read_on(self, at: int, found: dict[Any, tuple[int, int]] | list[tuple[int, int]]
                 ) -> None:
        """Index the next child of the container at ``at``. The value of the child read last
        is skipped over (by the C scanner) only now, when a child after it is wanted: the
        first key of a mapping that holds the whole text (a mapping of a million keys inside
        another) is found without reading the mapping through once per level."""
        text = self.text
        pos = self._more[at]
        if pos < 0:  # ~pos: where the last child's value starts, not yet skipped over
            pos = skip_space(text, _DECODER.raw_decode(text, ~pos)[1])
            pos = skip_space(text, pos + 1) if text.startswith(",", pos) else pos
        if isinstance(found, dict):
            if pos >= len(text) or text[pos] != '"':
                del self._more[at]
                return
            key, end = _scanstring(text, pos + 1)
            value = skip_space(text, skip_space(text, end) + 1)  # past the colon
            found.setdefault(key, (pos, value))
        else:
            if pos >= len(text) or text[pos] == "]":
                del self._more[at]
                return
            value = pos
            found.append((pos, pos))
        self._more[at] = ~value

    def _offset(self, path: Path, exact: bool) -> int | None:
        mark = value = skip_space(self.text, 0)
        for part in path:
            try:
                mark, value = self._child(value, part)
            except LookupError:
                if exact:
                    return None
                break
        return mark

    def _line_column(self, offset: int) -> tuple[int, int]:
        if offset == skip_space(self.text, 0):
            return 1, 1
        import bisect

        with self._lock:  # the anchors are read and extended as one step (threads)
            anchors = self._lines
            i = bisect.bisect_right(anchors, (offset, 1 << 62)) - 1
            start, line = anchors[i]
            if self._cr is None:
                self._cr = "\r" in self.text
            if i + 1 < len(anchors) and anchors[i + 1][0] - offset < offset - start:
                after, line_after = anchors[i + 1]  # nearer after: count back from it (lines
                # asked from the end of a text first are not each counted from its start)
                line = line_after - _breaks(self.text, offset, after, self._cr)
            else:
                line += _breaks(self.text, start, offset, self._cr)
            bisect.insort(anchors, (offset, line))
            begins = self._starts.get(line)
            if begins is None:
                begins = self._starts[line] = _line_start(self.text, offset)
        return line, offset - begins + 1

    def nearest(self, path: Path) -> tuple[int, int]:
        try:
            offset = self._offset(path, exact=False)
        except ValueError:  # not the JSON it was parsed from: no position, nothing worse
            return 1, 1
        return self._line_column(offset) if offset is not None else (1, 1)

    def get(self, path: Path, default: Any = None) -> tuple[int, int] | Any:
        try:
            offset = self._offset(path, exact=True)
        except ValueError:
            return default
        return self._line_column(offset) if offset is not None else default

    def __contains__(self, path: Path) -> bool:
        return self.get(path) is not None
