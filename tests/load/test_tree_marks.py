"""The YAML tree builder's inlined paths (a scalar inside a list or as a mapping's value) give
the data and the marks that libyaml's own composer gives."""

from __future__ import annotations

from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from netsep_check.load.tree import build_tree

# No digits in text: "09" is text to YAML 1.1 (an invalid octal) but a number to our stricter
# resolver (tree.py), a difference of dialect this test is not about.
_TEXT = st.text(alphabet="abc xyz-_:#'\".~é한", max_size=6)
_SCALARS = st.one_of(_TEXT, st.integers(-5, 10**6), st.booleans(), st.none(),
                     st.floats(allow_nan=False, allow_infinity=False, width=32))
_DATA = st.recursive(_SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=4), st.dictionaries(_TEXT, inner, max_size=4)), max_leaves=25)


def _expected_marks(node: Any, path: tuple[Any, ...], out: dict[tuple[Any, ...], tuple[int, int]],
                    at: tuple[int, int]) -> None:
    out[path] = at
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            mark = key.start_mark
            _expected_marks(value, (*path, key.value), out, (mark.line + 1, mark.column + 1))
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            mark = item.start_mark
            _expected_marks(item, (*path, index), out, (mark.line + 1, mark.column + 1))


@given(data=st.dictionaries(_TEXT, _DATA, min_size=1, max_size=5), flow=st.booleans())
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_data_and_marks_agree_with_libyaml(data, flow):
    text = yaml.safe_dump(data, allow_unicode=True, default_flow_style=flow, sort_keys=False)
    built, marks = build_tree(text, "t.yaml")
    assert built == yaml.safe_load(text)
    expected: dict[tuple[Any, ...], tuple[int, int]] = {}
    _expected_marks(yaml.compose(text, Loader=yaml.SafeLoader), (), expected, (1, 1))
    for path, at in expected.items():
        assert marks.get(path) == at, (path, text)
