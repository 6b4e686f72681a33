"""Each failing element of a long list judged in detail once, not twice: what makes it so
answers as what it replaces.

200,000 own data categories (``other:<id>``) each fail ``SCOPE-DATA`` and
``DATA-OWN-CATEGORY``; judging them cost 7.6 s. Inside a quantifier, a condition that reads
none of its variables is judged once per profile (``rules.operators.base.once_per_judgment``);
``text_includes`` looks for all its fragments at once (``_finder``).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from netsep_check.api import Options
from netsep_check.api import run as judge
from netsep_check.rules.compiler import compile_condition
from netsep_check.rules.operators.base import Ctx, Env
from netsep_check.rules.operators.text import _finder
from tests.conftest import EXAMPLES

PROPERTY = settings(max_examples=300, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


def profile(path: Path, count: int, readings: int) -> Path:
    """The compliant M365 example with ``count`` own categories in use, the first
    ``readings`` of them with the firm's reading (with evidence); with none, no
    ``own_data_categories`` at all."""
    text = (EXAMPLES / "m365-compliant.yaml").read_text(encoding="utf-8")
    data = json.loads(json.dumps(yaml.safe_load(text), default=str))
    cats = [f"other:cat_{i}" for i in range(count)]
    data["usage"]["data_categories"] += cats
    if readings:
        evidence = [data["evidence"][0]["id"]]
        data["usage"]["own_data_categories"] = [
            {"category": c, "reading": "no customer data", "evidence": evidence}
            for c in cats[:readings]]
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


@PROPERTY
@given(st.lists(st.text("ab.*+?()[]|\\^$c", max_size=4), max_size=6),
       st.text("ab.*+?()[]|\\^$c", max_size=12))
def test_one_pattern_of_fragments_finds_what_each_fragment_finds(fragments, text):
    finder = _finder(fragments)
    found = finder is not None and finder(text) is not None
    assert found == any(f and f in text for f in fragments)


def test_a_condition_judged_once_per_profile_is_judged_again_for_the_next(tmp_path):
    """``exists: usage.own_data_categories`` inside each category's check, and the list the
    ``some`` of each category ranges over, are judged once per profile: the next profile of
    the same run gets its own answer. Without own categories (a, d) every category fails on
    the missing list; with a reading for each (b) none does; with readings for all but the
    last (c), the last fails as a category without a reading, not as a missing list (nor as
    a rule that cannot be judged)."""
    paths = [profile(tmp_path / f"{name}.json", 40, readings)
             for name, readings in (("a", 0), ("b", 40), ("c", 39), ("d", 0))]
    result = judge(paths, Options(evidence_root=EXAMPLES, jobs=1))
    found = [next(f for f in r.findings if f.rule.id == "DATA-OWN-CATEGORY")
             for r in result.reports]
    assert [f.status for f in found] == ["fail", "pass", "fail", "fail"]
    assert [len(f.failures) for f in found] == [40, 0, 1, 40]
    assert [(f.code, f.actual) for f in found[2].failures] == [("every_item", "other:cat_39")]
    assert {f.expected[0] for f in found[0].failures} == {"usage.own_data_categories"}


def test_a_condition_read_once_per_profile_answers_each_profile():
    """Inside a quantifier a condition that reads no bound variable is judged once per
    judgment (its context): its detailed and fast checks answer a new context anew."""
    env = Env({}).bind("category", "usage.data_categories[]")
    closed = compile_condition({"exists": "usage.own_data_categories"}, env)
    opened = compile_condition({"exists": "usage.own_data_categories"}, Env({}))
    assert closed.test is not opened.test  # the one inside a quantifier is the once-judged
    day = dt.date(2025, 3, 31)
    without, with_readings = Ctx({"usage": {}}, day), Ctx({"usage": {"own_data_categories": []}}, day)
    for _ in range(2):
        assert closed.test(without) and closed.test(without) and not closed.holds(without)
        assert closed.test(with_readings) is None and closed.holds(with_readings)
