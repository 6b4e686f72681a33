"""Stage 1: safe loading, line marks, and one clear message for unreadable input."""

from __future__ import annotations

import json

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from netsep_check.errors import InputError
from netsep_check.load import Document, format_path, load_document, require_mapping
from netsep_check.load.source import decode
from netsep_check.load.tree import Limits, build_tree


def _load(tmp_path, text: str | bytes, name: str = "p.yaml") -> Document:
    path = tmp_path / name
    path.write_bytes(text.encode() if isinstance(text, str) else text)
    return load_document(path)


def _error(tmp_path, text: str | bytes, name: str = "p.yaml") -> str:
    with pytest.raises(InputError) as caught:
        _load(tmp_path, text, name)
    assert len(caught.value.problems) == 1
    return str(caught.value)


def test_dates_stay_iso_strings_quoted_or_not(tmp_path):
    doc = _load(tmp_path, "a: 2025-03-31\nb: '2025-03-31'\n")
    assert doc.data == {"a": "2025-03-31", "b": "2025-03-31"}


def test_only_true_and_false_are_booleans(tmp_path):
    doc = _load(tmp_path, "a: true\nb: false\nc: yes\nd: on\ne: NO\nf: True\n")
    assert doc.data == {"a": True, "b": False, "c": "yes", "d": "on", "e": "NO", "f": "True"}


def test_numbers_nulls_and_quoted_numbers(tmp_path):
    doc = _load(tmp_path, "a: 730\nb: 1.2\nc: '1.2'\nd: ~\ne:\nf: -3\n")
    assert doc.data == {"a": 730, "b": 1.2, "c": "1.2", "d": None, "e": None, "f": -3}


def test_every_value_keeps_line_and_column(tmp_path):
    doc = _load(tmp_path, "usage:\n  tasks:\n    - email\n    - chat\n  mobile_access: false\n")
    assert doc.position(("usage",)) == (1, 1)
    assert doc.position(("usage", "tasks")) == (2, 3)
    assert doc.position(("usage", "tasks", 1)) == (4, 7)
    assert doc.line(("usage", "mobile_access")) == 5
    assert doc.line(("usage", "nothing", "here")) == 1  # nearest ancestor


def test_duplicate_key_named_with_both_lines(tmp_path):
    message = _error(tmp_path, "a:\n  b: 1\n  c: 2\n  b: 3\n")
    assert "p.yaml:4:3" in message and "duplicate key 'b'" in message and "line 2" in message


def test_unsafe_tag_refused(tmp_path):
    message = _error(tmp_path, "a: !!python/object/apply:os.system ['echo hi']\n")
    assert "p.yaml:1" in message and "not allowed" in message


def test_syntax_error_names_line_and_column(tmp_path):
    message = _error(tmp_path, "a: [1, 2\nb: 3\n")
    assert message.startswith(str(tmp_path / "p.yaml") + ":2:")
    assert "YAML syntax error" in message


@pytest.mark.parametrize("text", ["", "   \n", "# only a comment\n"])
def test_empty_file(tmp_path, text):
    assert "empty" in _error(tmp_path, text)


def test_not_a_mapping(tmp_path):
    doc = _load(tmp_path, "- a\n- b\n")
    with pytest.raises(InputError) as caught:
        require_mapping(doc)
    assert "must be a mapping" in str(caught.value) and "a list" in str(caught.value)


def test_bad_utf8_names_line(tmp_path):
    message = _error(tmp_path, b"a: 1\nb: \xff\xfe\n")
    assert "p.yaml:2:4" in message and "UTF-8" in message


@pytest.mark.parametrize("data", ["a: 1\n".encode("utf-16"), "a: 1\n".encode("utf-16-le")])
def test_utf16_refused_with_or_without_bom(tmp_path, data):
    assert "UTF-16" in _error(tmp_path, data)


def test_utf8_bom_accepted(tmp_path):
    assert _load(tmp_path, b"\xef\xbb\xbfa: 1\n").data == {"a": 1}


def test_nul_byte_refused(tmp_path):
    assert "NUL" in _error(tmp_path, b"a: 1\nb: x\x00y\n")


def test_multi_document_refused(tmp_path):
    assert "more than one YAML document" in _error(tmp_path, "a: 1\n---\nb: 2\n")


def test_alias_bomb_bounded():
    lines = ['a: &a ["x","x","x","x","x","x","x","x","x"]']
    lines += [f"{chr(98 + i)}: &{chr(98 + i)} [" + ",".join([f"*{chr(97 + i)}"] * 9) + "]"
              for i in range(8)]
    with pytest.raises(InputError) as caught:
        build_tree("\n".join(lines), "bomb.yaml", Limits(max_nodes=100_000))
    assert "expands to more than" in str(caught.value)


def test_deep_nesting_bounded():
    with pytest.raises(InputError) as caught:
        build_tree("a: " + "[" * 5000 + "]" * 5000, "deep.yaml")
    assert "nesting" in str(caught.value)  # ours or libyaml's own bound, both named


def test_size_limit(tmp_path):
    path = tmp_path / "big.yaml"
    path.write_text("a: " + "x" * 2000 + "\n")
    with pytest.raises(InputError) as caught:
        load_document(path, max_bytes=1000)
    assert "larger than the limit of 1000 bytes" in str(caught.value)


def test_missing_file(tmp_path):
    with pytest.raises(InputError) as caught:
        load_document(tmp_path / "nope.yaml")
    assert "no such file" in str(caught.value)


def test_json_fast_path_with_lazy_marks(tmp_path):
    doc = _load(tmp_path, json.dumps({"a": {"b": [1, 2]}}, indent=2), "p.json")
    assert doc.data == {"a": {"b": [1, 2]}}
    assert doc._marks is None  # not computed until a line is asked for
    assert doc.line(("a", "b", 1)) == 5


def test_json_duplicate_key_named_with_line(tmp_path):
    message = _error(tmp_path, '{\n "a": 1,\n "a": 2\n}\n', "p.json")
    assert "p.json:3" in message and "duplicate key 'a'" in message


def test_json_nan_refused(tmp_path):
    with pytest.raises(InputError):
        _load(tmp_path, '{"a": NaN}', "p.json")


def test_merge_keys_refused(tmp_path):
    assert "merge keys" in _error(tmp_path, "base: &b {x: 1}\nc:\n  <<: *b\n")


def test_utf16_detection_is_separate_from_decoding():
    with pytest.raises(InputError):
        decode("a".encode("utf-16-be"), "f")


def test_format_path():
    assert format_path(("usage", "tasks", 2)) == "usage.tasks[2]"
    assert format_path(()) == ""


# A JSON text without backslashes is parsed with no per-mapping hook; repeated keys are found
# by counting colons (document._no_duplicate_keys). It must refuse exactly what the hook does.
_JSON_WORDS = st.sampled_from(["a", "b", ":", "a:", ":a:", "::", "", " ", "x_1", "키:값", "\\"])
_JSON_TREES = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-5, 5), _JSON_WORDS),
    lambda c: st.one_of(
        st.lists(c, max_size=3),
        st.lists(st.tuples(_JSON_WORDS, c), max_size=4)),  # pairs: keys may repeat
    max_leaves=12)


def _dumps(value) -> str:
    """JSON text of a tree whose mappings are lists of (key, value) pairs, keys kept repeated."""
    if isinstance(value, list) and value and all(isinstance(p, tuple) for p in value):
        return "{" + ", ".join(f"{json.dumps(k, ensure_ascii=False)}: {_dumps(v)}"
                               for k, v in value) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(map(_dumps, value)) + "]"
    if isinstance(value, tuple):
        return "[" + ", ".join(map(_dumps, value)) + "]"
    return json.dumps(value, ensure_ascii=False)


@settings(max_examples=500, deadline=None)
@given(tree=_JSON_TREES, top=st.booleans())
@example(tree=[("a", [("b:", 1)]), ("a", [("c", ":")])], top=True)
@example(tree=[("a", 1), ("b", [("a", 1), ("a", ":")])], top=True)
@example(tree=[("a", [("x", 1)]), ("b", 2), ("a", [])], top=True)  # only the dropped value
def test_repeated_json_keys_are_refused_exactly_as_the_hook_refuses_them(tmp_path_factory,
                                                                         tree, top):
    from netsep_check.load.document import _no_duplicates

    text = _dumps([("top", tree)] if top else tree)
    try:
        expected = json.loads(text, object_pairs_hook=_no_duplicates("p.json"))
        repeated = False
    except ValueError:
        repeated = True  # a repeated key: an input error naming it
    path = tmp_path_factory.mktemp("dup") / "p.json"
    path.write_text(text, encoding="utf-8")
    if repeated:
        with pytest.raises(InputError) as caught:
            load_document(path)
        assert "duplicate key" in str(caught.value), text
    else:
        assert load_document(path).data == expected, text


def _shape(value, depth=1):
    """(values, deepest container level, key-value pairs) of a tree, the plain recursive way."""
    if isinstance(value, dict | list):
        children = list(value.values()) if isinstance(value, dict) else value
        below = [_shape(child, depth + 1) for child in children]
        return (1 + sum(b[0] for b in below), max([depth, *(b[1] for b in below)]),
                (len(value) if isinstance(value, dict) else 0) + sum(b[2] for b in below))
    return 1, depth - 1, 0


_SHAPES = st.recursive(
    st.one_of(st.none(), st.integers(0, 3), st.text("ab", max_size=2)),
    lambda c: st.one_of(
        st.lists(c, max_size=40), st.dictionaries(st.text("abc", max_size=2), c, max_size=4),
        st.integers(30, 40).flatmap(lambda n: st.lists(  # long lists of one kind of container
            st.one_of(st.dictionaries(st.text("ab", max_size=2), c, max_size=2),
                      st.lists(c, max_size=2)), min_size=n, max_size=n))),
    max_leaves=60)


@settings(max_examples=300, deadline=None)
@given(tree=_SHAPES, depth=st.integers(1, 6), nodes=st.integers(1, 200))
@example(tree=[[[1]]] * 40, depth=2, nodes=200)  # a long list of lists holding lists
@example(tree=[[[1]], 1] * 20, depth=2, nodes=200)
@example(tree=[{"a": {"b": 1}}] * 40, depth=2, nodes=200)
@example(tree=[{"a": [1]}, {"b": 1}] * 20, depth=2, nodes=200)
@example(tree=[{"a": 1, "b": 2}] * 40, depth=2, nodes=200)
@pytest.mark.parametrize("long", [256, 2], ids=["as shipped", "every list read as long"])
def test_json_shape_bounds_and_pairs_agree_with_a_plain_walk(tree, depth, nodes, long):
    """Also with every list of two items or more counted as long (load/shape.py reads a long
    list's item types first, and skips a list of texts or takes a list of one kind of
    container whole)."""
    from netsep_check.load import shape

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(shape, "_LONG", long)
        _judge_shape(tree, depth, nodes)


def _judge_shape(tree, depth, nodes):
    from netsep_check.load.document import _check_shape

    values, deepest, pairs = _shape(tree)
    limits = Limits(max_depth=depth, max_nodes=nodes)
    if deepest > depth or values > nodes:
        with pytest.raises(InputError) as caught:
            _check_shape(tree, "p.json", limits)
        code = caught.value.problems[0].code
        assert code in ("file.too_deep", "file.too_many_values")
        if deepest > depth and values <= nodes:
            assert code == "file.too_deep"
        if values > nodes and deepest <= depth:
            assert code == "file.too_many_values"
    else:
        assert _check_shape(tree, "p.json", limits) == pairs


def test_a_large_file_digest_made_beside_its_decoding_is_its_sha256(tmp_path):
    import hashlib

    path = tmp_path / "big.json"
    path.write_text(json.dumps({"items": ["가나다" * 10] * 40_000}, ensure_ascii=False),
                    encoding="utf-8")
    assert path.stat().st_size > 1 << 20  # the two-thread path
    document = load_document(path, max_bytes=16 << 20)
    assert document.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert len(document.data["items"]) == 40_000


def _nearest_by_rule(marks, path):
    """Marks.nearest as its general rule states it: one _child step at a time."""
    entry = marks._root
    for part in path:
        child = marks._child(entry, part)
        if child is None:
            break
        entry = child
    return entry[0], entry[1]


_KEYS = st.sampled_from(["a", "b", "c", "0"])
_PARTS = st.one_of(_KEYS, st.integers(-2, 4), st.booleans(), st.none())


@given(st.recursive(st.one_of(st.integers(), st.text(max_size=3)),
                    lambda inner: st.one_of(st.lists(inner, max_size=4),
                                            st.dictionaries(_KEYS, inner, max_size=4)),
                    max_leaves=20),
       st.lists(st.lists(_PARTS, max_size=5), max_size=8))
def test_nearest_follows_the_general_rule(data, paths):
    import yaml

    text = yaml.safe_dump({"root": data})
    _, marks = build_tree(text, "t.yaml")
    for path in paths:
        full = ("root", *path)
        assert marks.nearest(full) == _nearest_by_rule(marks, full)


@settings(max_examples=200, deadline=None)
@given(length=st.integers(0, 300), told=st.integers(-1, 400), limit=st.integers(0, 300))
def test_a_bounded_read_is_the_first_limit_plus_one_bytes_whatever_size_was_told(
        length, told, limit):
    """``read_bounded`` asks for the size the file's status gave, not for the limit: a file
    that grew since, or that tells no size (/proc says 0), is still read up to one byte past
    the limit, so that a file too large is always known to be."""
    import io

    from netsep_check.load.source import read_bounded

    content = bytes(range(256)) * 2
    content = content[:length]
    assert read_bounded(io.BufferedReader(io.BytesIO(content)), told, limit) \
        == content[:limit + 1]
