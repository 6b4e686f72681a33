"""Service-plan patterns of the tenant mapping (facts/mapping.py): the prefix test used for
``PREFIX*`` patterns answers as the patterns' regular expression (fnmatch) does."""

from __future__ import annotations

import fnmatch
import re

from hypothesis import given
from hypothesis import strategies as st

from netsep_check.facts.mapping import _plan_test

TEXT = st.text(alphabet="AB_*?[]x.", max_size=6)


@given(plans=st.lists(TEXT, min_size=1, max_size=4), name=TEXT)
def test_a_plan_matches_as_fnmatch_says(plans, name):
    upper = [p.upper() for p in plans]
    expected = re.compile("|".join(fnmatch.translate(p) for p in upper)).match(name.upper())
    assert _plan_test(tuple(plans))(name.upper()) is (expected is not None)


def test_prefix_patterns_take_the_prefix_test():
    assert _plan_test(("teams*", "MCOSTANDARD*"))("TEAMS1")
    assert not _plan_test(("TEAMS*",))("XTEAMS")
