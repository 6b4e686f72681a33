"""Shortcuts that keep validation proportional on large profiles say what the long way says."""

from __future__ import annotations

import random

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from netsep_check.load import Document
from netsep_check.validate.fast_checks import matches
from netsep_check.validate.placeholders import (
    _MARKERS,
    _is_placeholder,
    _strings,
    _template_values,
    placeholder_problems,
)


def test_template_values_found_by_lookup_are_those_of_the_full_walk():
    rng = random.Random(3)
    words = ["회사명 / Firm name", " 회사명 / Firm name ", "2024-FSC-0000-00",
             "작성 부서 / Prepared by", "ok", 1, None, ["회사명 / Firm name"]]
    keys = ["firm", "name", "designation", "number", "assessment", "prepared_by", "x_note"]

    def gen(depth: int):
        if depth > 2 or rng.random() < 0.3:
            return rng.choice(words)
        return {rng.choice(keys): gen(depth + 1) for _ in range(rng.randrange(4))}

    found = 0
    for _ in range(3000):
        data = {key: gen(1) for key in rng.sample(keys, 4)}
        expected = [(p, t) for p, t in _strings(data, ()) if _is_placeholder(p, t)]
        got = [(p, t) for p, t in _template_values(data) if _is_placeholder(p, t)]
        assert got == expected
        found += len(got)
        text = repr(data)
        assert not any(marker in text for marker in _MARKERS)
        problems = placeholder_problems(Document("p.yaml", data, "", text))
        assert [p.path for p in problems] == [".".join(map(str, p)) for p, _ in expected]
    assert found > 20


# ids (``[FIRST][REST]*``: scanned by text operations, fast_checks._class_star_scan), other
# plain bodies (scanned by one regex over the joined column), and classes that are not
# subsets of each other or that match characters beyond ASCII (item by item)
_PATTERNS = [r"^[a-z][a-z0-9_]*$", r"^[A-Za-z0-9][A-Za-z0-9_.-]*$", r"^other:[a-z][a-z0-9_]*$",
             r"^[0-9a-f]{64}$", r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$", r"^[a-z]{2,3}$",
             r"^[_Z][a-z]*$", r"^[a-zé][a-zé9]*$", r"^[-.][.-9]*$", r"^[ -~][!-~]*$"]
_ITEMS = st.text(alphabet="ab_9-.:\n xZé~!", max_size=6)


@settings(max_examples=600, deadline=None)
@given(pattern=st.sampled_from(_PATTERNS), column=st.lists(_ITEMS, max_size=8).map(lambda c: c * 70))
@example(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$", column=["9\n9"] * 70)  # items of two lines
@example(pattern=r"^[a-z][a-z0-9_]*$", column=["ab"] * 70 + ["9b"])  # a later item's start
@example(pattern=r"^[a-z][a-z0-9_]*$", column=["9b"] + ["ab"] * 70)  # the first item's start
@example(pattern=r"^[a-z][a-z0-9_]*$", column=["ab"] * 70 + [""])  # an empty last item
@example(pattern=r"^[a-z][a-z0-9_]*$", column=["ab"] * 35 + ["", "ab"] * 35)
@example(pattern=r"^[a-zé][a-zé9]*$", column=["éa"] * 70)  # beyond ASCII: item by item
def test_a_joined_column_scan_never_passes_what_an_item_fails(pattern, column):
    """The one-scan column check may say "no" where items pass (a line break in an item, or
    a character beyond ASCII: the column then goes item by item), never "yes" where an item
    fails; and says "yes" wherever every item passes and holds neither."""
    from netsep_check.validate.fast_checks import pattern_search

    search = pattern_search(pattern)
    joined = matches(search, pattern)(column)
    one_by_one = all(search(item) for item in column)
    if joined:
        assert one_by_one, (pattern, column)
    if one_by_one and not any("\n" in item or not item.isascii() for item in column):
        assert joined, (pattern, column)


# Host names: the joined-column byte scan against the schema's own pattern, item by item.
_LABEL_CHARS = "aZ9-"
_ODD = ["*", ".", "\n", "-", "٣", "é", "K", "ı", "Ａ", "_", " ", "*.", "\t", "a" * 63, "b" * 64]
_LABELS = st.one_of(st.text(alphabet=_LABEL_CHARS, min_size=0, max_size=4),
                    st.integers(60, 66).map(lambda n: "x" + "-" * (n - 2) + "y"),
                    st.integers(60, 66).map(lambda n: "q" * n),
                    st.sampled_from(_ODD))
_HOSTS = st.one_of(
    st.lists(_LABELS, min_size=1, max_size=5).map(".".join),
    st.tuples(st.sampled_from(["", "*.", "*", "**.", ".*.", "*.*."]),
              st.lists(_LABELS, min_size=0, max_size=4).map(".".join),
              st.sampled_from(["", "\n", ".", "-", "*", "\n\n", ".\n"])).map("".join),
    st.text(alphabet="ab9-.*\n٣éKı", max_size=8))


@settings(max_examples=1000, deadline=None)
@given(items=st.lists(_HOSTS, min_size=1, max_size=6), pad=st.integers(0, 70),
       where=st.integers(0, 70))
@example(items=["a.b\n"], pad=64, where=0)  # "$" matches before a final line break: no scan
@example(items=["*."], pad=64, where=0)
@example(items=["a-"], pad=64, where=0)  # a label ending in "-", then the next item
@example(items=["a.b-"], pad=64, where=64)  # ... as the last item
@example(items=["-a"], pad=64, where=0)
@example(items=["a..b"], pad=64, where=5)
@example(items=["*a.b"], pad=64, where=0)
@example(items=["-a.b"], pad=64, where=64)
@example(items=["a" * 63 + ".b"], pad=64, where=3)
@example(items=["a" * 64 + ".b"], pad=64, where=3)
@example(items=["b" * 64], pad=64, where=3)
@example(items=["٣.com"], pad=64, where=3)
@example(items=["a.*.b"], pad=64, where=3)
def test_the_host_name_column_scan_says_what_the_pattern_says(items, pad, where):
    """The byte scan of a column of host names (fast_checks.host_names) never passes an item
    that the schema's pattern fails, and (no line break in any item) passes every column the
    pattern passes item by item."""
    import json
    import re
    from pathlib import Path

    from netsep_check.validate.fast_checks import HOST_PATTERN, host_names, matches

    schema = json.loads((Path(__file__).resolve().parents[2] / "netsep_check" / "schemas"
                         / "profile.schema.json").read_text(encoding="utf-8"))
    assert schema["$defs"]["host_name"]["pattern"] == HOST_PATTERN  # the scan is used
    search = re.compile(HOST_PATTERN).search
    column = ["a.example.com"] * pad
    column[min(where, pad):min(where, pad)] = items
    by_item = all(search(item) is not None for item in column)
    scanned = host_names(column)
    if scanned:
        assert by_item, column
    if by_item and not any("\n" in item for item in column):
        assert scanned, column
    if len(column) >= 64:  # what the validator calls for a long column
        assert matches(search, HOST_PATTERN)(column) == (scanned or False)
    # each item alone, as a column of its own
    for item in items:
        alone = [item] * 64
        if host_names(alone):
            assert search(item), item
        elif search(item) and "\n" not in item:
            raise AssertionError(f"scan refused a host name the pattern passes: {item!r}")


@settings(max_examples=500, deadline=None)
@given(text=st.text(alphabet="TODBFIXMEt o\n가", max_size=40), most=st.integers(0, 3))
@example(text="TTTTODO", most=2)
@example(text="FIXMTODO", most=0)
def test_marker_search_by_first_letters_is_the_plain_search(text, most):
    from netsep_check.validate.placeholders import holds_marker

    assert holds_marker(text, most) == any(marker in text for marker in _MARKERS)


def test_a_placeholder_spelt_with_an_escape_is_still_found(tmp_path):
    from netsep_check.load import load_document

    path = tmp_path / "p.json"  # no TODO, TBD or FIXME in the text, one in its data
    path.write_text('{"usage": {"notes": ["ok", "\\u0054ODO: fill in"]}}', encoding="utf-8")
    assert [p.path for p in placeholder_problems(load_document(path))] == ["usage.notes[1]"]
    path = tmp_path / "p.yaml"
    path.write_text('usage:\n  notes: ["ok", "\\x54BD later"]\n', encoding="utf-8")
    assert [p.path for p in placeholder_problems(load_document(path))] == ["usage.notes[1]"]


@pytest.mark.parametrize(("body", "classes"), [
    ("[a-z][a-z0-9_]*", ("[a-z]", "[a-z0-9_]")),
    ("[A-Za-z0-9][A-Za-z0-9_.-]*", ("[A-Za-z0-9]", "[A-Za-z0-9_.-]")),
    ("[a-z][a-z0-9_]+", None), ("[a-z]*", None), ("[a-z][^a-z]*", None),
    ("[a-z][\\w]*", None), ("[][a]*", None), ("[a][]*", None), ("x[a][b]*", None),
    ("[a][b]c*", None), ("[a]]b]*", None), ("[a\n][b]*", None), ("[a][b]*[c]*", None),
    ("[[a][b]*", None),  # a nested set (a FutureWarning when compiled): not this shape
])
def test_the_two_class_shape_is_read_exactly(body, classes):
    """The shape the id scan takes (``[FIRST][REST]*``, plain classes); anything else goes
    to the scans that handle every plain body."""
    from netsep_check.validate.fast_checks import _two_classes

    assert _two_classes(body) == classes
