"""The positions of a JSON profile's mappings, noted while it is parsed (``_parse_object``).

They must be exactly the positions found later by skipping through the text (JsonMarks
without an index), and the parse must give what ``json.loads`` gives, or the same input
error as before.
"""

from __future__ import annotations

import json
from typing import Any
from unittest import mock

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from netsep_check.errors import InputError
from netsep_check.load import document as document_module
from netsep_check.load.document import _INDEXED_LEVELS, JsonMarks, parse_source
from netsep_check.load.source import Source
from tests.conftest import all_paths

_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=8)
_leaf = st.one_of(st.none(), st.booleans(), st.integers(-10**6, 10**6),
                  st.floats(allow_nan=False, allow_infinity=False), _text)
_tree = st.recursive(_leaf, lambda children: st.one_of(
    st.lists(children, max_size=4), st.dictionaries(_text, children, max_size=4)),
    max_leaves=50)
_layout = st.sampled_from([
    {"indent": None}, {"indent": 0}, {"indent": 2}, {"indent": "\t"},
    {"indent": None, "separators": (",", ":")}, {"indent": 1, "separators": (" ,", " : ")},
    {"indent": None, "separators": (",\r\n", ":\t")}])


def _deep(levels: int) -> dict[str, Any]:
    tree: dict[str, Any] = {"leaf": [1, {"in": "a list"}], "z": "end"}
    for level in range(levels):
        tree = {"before": [level] * 3, f"k{level}": tree, "after": {"x": level}}
    return tree


def _parse(text: str, indexed_from: int = 0) -> Any:
    """``parse_source`` of a JSON text, its mappings indexed while parsed from
    ``indexed_from`` characters (0: always; the tool does so from 256 kB)."""
    with mock.patch.object(document_module, "_INDEXED_FROM", indexed_from):
        return parse_source(Source("t.json", text, ""))


@settings(max_examples=150, deadline=None)
@given(tree=st.dictionaries(_text, _tree, max_size=5), layout=_layout,
       ascii_only=st.booleans(), indexed_from=st.sampled_from([0, 1 << 30]))
def test_positions_noted_while_parsed_are_the_positions_found_later(tree, layout, ascii_only,
                                                                   indexed_from):
    text = json.dumps(tree, ensure_ascii=ascii_only, **layout)
    document = _parse(text, indexed_from)
    assert document.data == json.loads(text)
    assert document._json_index is not None
    later = JsonMarks(text)  # no index: every container found by skipping through the text
    for path in [*all_paths(tree), ("nowhere",), *((*p, "x", 0) for p in all_paths(tree)[:5])]:
        assert document.marks.get(path) == later.get(path), path
        assert document.marks.nearest(path) == later.nearest(path), path


@pytest.mark.parametrize("levels", [1, _INDEXED_LEVELS - 1, _INDEXED_LEVELS,
                                    _INDEXED_LEVELS + 3])
def test_mappings_deeper_than_the_indexed_levels_are_found_later(levels):
    tree = _deep(levels)
    text = json.dumps(tree, indent=2)
    document = _parse(text)
    assert document.data == tree
    indexed = len(document._json_index)  # type: ignore[arg-type]
    # each level holds two mappings (the next level and "after"); the innermost a third
    assert indexed == min(2 * levels + 1, 2 * _INDEXED_LEVELS - 1)
    later = JsonMarks(text)
    for path in all_paths(tree):
        assert document.marks.get(path) == later.get(path), path


@pytest.mark.parametrize("text", [
    '{"a": {"b": 1, "b": 2}}',  # a repeated key one level down
    '{"a": {"b": {"c": {"d": 1, "d": 1}}}}',
    '{"a": {"b": "\\u0041", "b": 2}}',  # with an escape: the hook path
    '{"a": {"b": 1}, "a": {"b": 1}}',
    # in a list (decoded by C, checked by counting colons): an escaped colon would make up
    # for the pair a repeated key dropped
    '{"l": [{"a": 1, "a": 2, "\\u003a": 3}]}',
    '{"l": [{"a": 1, "a": 2}], "y": "\\u003A"}',
])
@pytest.mark.parametrize("indexed_from", [0, 1 << 30])
def test_a_repeated_key_at_any_level_is_refused_with_its_line(text, indexed_from):
    with pytest.raises(InputError) as caught:
        _parse(text, indexed_from)
    assert caught.value.problems[0].line == 1
    assert "duplicate" in caught.value.problems[0].message.lower()


@pytest.mark.parametrize("text", [
    '{"a": {"b": 1,}}', '{"a": {"b" 1}}', '{"a": {"b": 1}', '{"a": {"b": 1}} x',
    '{"a": {"b": NaN}}', '{"a": {1: 2}}', '{"a": {"b": [1, 2}}',
])
@pytest.mark.parametrize("indexed_from", [0, 1 << 30])
def test_malformed_nested_objects_are_the_same_input_errors(text, indexed_from):
    with pytest.raises(InputError) as caught:
        _parse(text, indexed_from)
    try:
        json.loads(text, parse_constant=lambda name: (_ for _ in ()).throw(ValueError(name)))
    except ValueError:
        pass
    else:  # pragma: no cover - every case above is malformed
        raise AssertionError(text)
    assert caught.value.problems


# --- repeated keys, whatever the escapes --------------------------------------------------

_chars = st.sampled_from(["a", "b", ":", "é", "한"])
_pair_trees = st.recursive(
    st.one_of(st.integers(0, 3), st.text(_chars, max_size=3)),
    lambda children: st.one_of(  # a mapping as its pairs, or a list (as a tuple)
        st.lists(st.tuples(st.text(_chars, max_size=2), children), max_size=4),
        st.lists(children, max_size=3).map(tuple)),
    max_leaves=12)


def _write(value: Any, rng: Any) -> str:
    """JSON text of a tree whose mappings are lists of pairs (keys may repeat), each character
    of a key or text written out or as an escape (\\u003a, \\u003A, ...) at random."""
    if isinstance(value, list):
        return "{" + ", ".join(f"{_write(key, rng)}: {_write(item, rng)}"
                               for key, item in value) + "}"
    if isinstance(value, tuple):
        return "[" + ", ".join(_write(item, rng) for item in value) + "]"
    if isinstance(value, str):
        return '"' + "".join(
            (f"\\u{ord(c):04x}" if rng.random() < 0.5 else f"\\u{ord(c):04X}")
            if rng.random() < 0.4 else c for c in value) + '"'
    return json.dumps(value)


def _repeats(value: Any) -> bool:
    if isinstance(value, tuple):
        return any(_repeats(item) for item in value)
    if not isinstance(value, list):
        return False
    keys = [key for key, _ in value]
    return len(set(keys)) != len(keys) or any(_repeats(item) for _, item in value)


def _plain(value: Any) -> Any:
    if isinstance(value, tuple):
        return [_plain(item) for item in value]
    return {key: _plain(item) for key, item in value} if isinstance(value, list) else value


@settings(max_examples=300, deadline=None)
@given(tree=st.lists(st.tuples(st.text(_chars, max_size=2), _pair_trees), max_size=4),
       seed=st.integers(0, 2**16), indexed_from=st.sampled_from([0, 1 << 30]))
def test_a_repeated_key_is_refused_whatever_the_escapes(tree, seed, indexed_from):
    import random

    text = _write(tree, random.Random(seed))
    if _repeats(tree):
        with pytest.raises(InputError) as caught:
            _parse(text, indexed_from)
        assert "duplicate" in caught.value.problems[0].message.lower()
    else:
        assert _parse(text, indexed_from).data == _plain(tree)


@settings(max_examples=100, deadline=None)
@given(tree=st.dictionaries(_text.filter(lambda t: "\r" not in t and "\n" not in t), _tree,
                            max_size=5),
       ending=st.sampled_from(["\r", "\r\n"]), indexed_from=st.sampled_from([0, 1 << 30]))
def test_a_text_with_cr_line_ends_has_the_lines_of_the_same_text_with_lf(tree, ending,
                                                                         indexed_from):
    """JSON allows CR LF and a CR alone as white space between tokens, and YAML reads them as
    line breaks: a position counts them as lines (json's own error position counts LF only)."""
    text = json.dumps(tree, indent=1, ensure_ascii=False)
    lf = _parse(text, indexed_from)
    other = _parse(text.replace("\n", ending), indexed_from)
    for path in [*all_paths(tree), ("nowhere",)]:
        assert other.marks.nearest(path) == lf.marks.nearest(path), path


@settings(max_examples=100, deadline=None)
@given(tree=st.dictionaries(_text.filter(lambda t: "\r" not in t and "\n" not in t), _tree,
                            min_size=1, max_size=6),
       ending=st.sampled_from(["\n", "\r", "\r\n"]), seed=st.integers(0, 2**32 - 1))
def test_lines_asked_in_any_order_are_the_lines_counted_from_the_start(tree, ending, seed):
    """Each line found is kept as an anchor, and the next is counted from the nearer anchor,
    before or after it: in whatever order positions are asked (the end of a text first, or
    at random), each is the line counted from the text's start."""
    import random

    text = json.dumps(tree, indent=1, ensure_ascii=False).replace("\n", ending)
    paths = all_paths(tree)
    random.Random(seed).shuffle(paths)
    shared = JsonMarks(text)
    for path in paths:
        assert shared.nearest(path) == JsonMarks(text).nearest(path), path


@pytest.mark.parametrize("ending", ["\n", "\r", "\r\n"])
def test_a_syntax_error_is_on_its_line_whatever_the_line_ends(ending):
    text = ending.join(['{', '  "a": 1,', '  "b" 2', '}'])
    with pytest.raises(InputError) as caught:
        _parse(text)
    assert (caught.value.problems[0].line, caught.value.problems[0].column) == (3, 7)


def _ask(marks: JsonMarks, paths: list[Any], into: dict[Any, Any]) -> None:
    for path in paths:
        into[path] = marks.nearest(path)


def test_threads_sharing_a_document_find_the_same_positions():
    """Containers are indexed as far as a lookup needs, under a lock: threads asking at once
    see each child once, in order."""
    import threading

    tree = {"a": {f"k{i}": [i, {"x": i}] for i in range(3000)}, "b": list(range(3000))}
    text = json.dumps(tree, indent=1)
    later = JsonMarks(text)
    expected = {path: later.nearest(path) for path in all_paths(tree)}
    paths = list(expected)
    for _ in range(3):
        shared = JsonMarks(text)
        results: list[dict[Any, Any]] = [{} for _ in range(4)]
        workers = [threading.Thread(target=_ask, args=(shared, paths[n::2] + paths[::-1],
                                                       results[n])) for n in range(4)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
        for got in results:
            assert got == {path: expected[path] for path in got}
