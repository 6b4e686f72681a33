"""Shortcuts that keep validation proportional on large profiles say what the long way says."""

from __future__ import annotations

import random

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


_PATTERNS = [r"^[a-z][a-z0-9_]*$", r"^[A-Za-z0-9][A-Za-z0-9_.-]*$", r"^other:[a-z][a-z0-9_]*$",
             r"^[0-9a-f]{64}$", r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$", r"^[a-z]{2,3}$"]
_ITEMS = st.text(alphabet="ab_9-.:\n xZ", max_size=6)


@settings(max_examples=300, deadline=None)
@given(pattern=st.sampled_from(_PATTERNS), column=st.lists(_ITEMS, max_size=8).map(lambda c: c * 70))
@example(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$", column=["9\n9"] * 70)  # items of two lines
def test_a_joined_column_scan_never_passes_what_an_item_fails(pattern, column):
    """The one-scan column check may say "no" where items pass (a line break in an item: the
    column then goes to jsonschema), never "yes" where an item fails."""
    import re

    search = re.compile(pattern).search
    joined = matches(search, pattern)(column)
    one_by_one = all(search(item) for item in column)
    if joined:
        assert one_by_one, (pattern, column)
    if one_by_one and not any("\n" in item for item in column):
        assert joined, (pattern, column)
