"""The engine's fast yes/no checks (``Compiled.holds``) never change a finding.

The engine asks each rule's fast check first and builds failure details only when it does not
say "holds". These properties judge every rule of both built-in packs twice on generated
profiles (valid examples with values deleted, nulled, retyped or swapped for other vocabulary)
— once the engine's way, once from the detailed checks alone — and require the same finding:
status, paths, line and every failure leaf. Also checked directly: whenever a fast check
answers, the detailed check returns normally and agrees with it.
"""

from __future__ import annotations

import copy
import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from netsep_check.evaluate.engine import judge, judge_detailed
from netsep_check.load import Document
from netsep_check.rules import load_pack
from netsep_check.rules.compiler import compile_condition
from netsep_check.rules.operators.base import Ctx, Env
from tests.conftest import all_paths

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = [yaml.safe_load(p.read_text(encoding="utf-8"))
            for p in sorted((ROOT / "examples").glob("*.yaml"))
            if "profile_version" in p.read_text(encoding="utf-8")]
PACKS = [load_pack("sandbox-2024"), load_pack("standing-exception-2026")]

WORDS = ["implemented", "partial", "planned", "not_applicable", "", "x_note", "microsoft",
         "workvivo", "email", "customer_chat", "public", "internal_business",
         "financial_transaction_information", "pseudonymised_information", "suitable", "met",
         "unsuitable", "m365", "pulse", "exchange_online", "copilot", "admins_only",
         "2024-09-27", "2025-01-10", "2025-12-10", "2025-02-30", "not a date", "open"]
scalars = st.one_of(st.sampled_from(WORDS), st.none(), st.booleans(),
                    st.integers(-3, 800), st.sampled_from([0.5, 1.0, 365.0]))
values = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=4),
    st.dictionaries(st.sampled_from(["status", "id", "result", "evaluator", "evaluated_on",
                                     "tasks", "decided_on", "adds", "x_note", "evidence"]),
                    inner, max_size=4)), max_leaves=8)
edits = st.lists(st.tuples(st.integers(0, 10**6), st.sampled_from(["delete", "set", "null"]),
                           values), max_size=6)
SLOW = settings(max_examples=120, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def _mutate(base: dict[str, Any], changes: list[tuple[int, str, Any]]) -> dict[str, Any]:
    data = copy.deepcopy(base)
    for pick, how, value in changes:
        paths = [p for p in all_paths(data) if p]
        if not paths:
            break
        *parent_path, last = paths[pick % len(paths)]
        parent: Any = data
        for key in parent_path:
            parent = parent[key]
        if how == "delete":
            del parent[last]
        else:
            parent[last] = None if how == "null" else copy.deepcopy(value)
    return data


def _same_findings(data: dict[str, Any], as_of: dt.date) -> int:
    document = Document("generated.yaml", data, "", "")
    judged = 0
    for pack in PACKS:
        for compiled in pack.compiled:
            fast = judge(compiled, Ctx(data, as_of), document)
            slow = judge_detailed(compiled, Ctx(data, as_of), document)
            assert fast == slow, (compiled.rule.id, fast, slow)
            judged += fast.status in ("pass", "not_applicable")
    return judged


@pytest.mark.parametrize("index", range(len(EXAMPLES)))
def test_examples_judge_the_same(index):
    data = EXAMPLES[index]
    as_of = dt.date.fromisoformat(str(data["assessment"]["as_of"]))
    assert _same_findings(data, as_of) > 0  # the fast checks did answer


@SLOW
@given(example=st.integers(0, len(EXAMPLES) - 1), changes=edits,
       shift=st.integers(-800, 800))
def test_generated_profiles_judge_the_same(example, changes, shift):
    data = _mutate(EXAMPLES[example], changes)
    as_of = dt.date(2025, 6, 30) + dt.timedelta(days=shift)
    _same_findings(data, as_of)


CONDITIONS = [
    {"eq": {"path": "a", "value": "x"}}, {"ne": {"path": "a", "value": 1}},
    {"ge": {"path": "a", "value": 2}}, {"in": {"path": "a", "value": ["x", 1, True]}},
    {"not_in": {"path": "a", "value": ["x", 1.0]}}, {"exists": "a"}, {"nonempty": "a"},
    {"subset": {"path": "a", "value": ["x", 1]}}, {"superset": {"path": "a", "value": ["x"]}},
    {"disjoint": {"path": "a", "value": ["x"], "if_empty": "fail"}},
    {"intersects": {"path": "a", "value": {"path": "b"}}},
    {"contains": {"path": "a", "value": {"path": "b"}}},
    {"date_le": {"path": "a", "value": {"as_of": 0}}}, {"within_days": {"path": "a", "days": 30}},
    {"span_at_most_days": {"start": "a", "end": "b", "days": 10}},
    {"not": {"all": [{"exists": "a"}, {"eq": {"path": "a", "value": "x"}}]}},
    {"any": [{"eq": {"path": "a", "value": "x"}}, {"ge": {"path": "b", "value": 1}}]},
    {"every": {"in": "a", "as": "e", "check": {"eq": {"path": "e.status", "value": "x"}}}},
    {"every": {"in": "a", "as": "e", "key_as": "k", "where": {"not_in": {"path": "k",
                                                                          "value": ["x"]}},
               "if_empty": "fail", "check": {"not": {"exists": "e.status"}}}},
    {"some": {"in": "a", "as": "e", "check": {"eq": {"path": "e", "value": {"path": "b"}}}}},
    {"some": {"in": "a", "as": "e", "where": {"eq": {"path": "e.id", "value": {"path": "b"}}},
              "if_empty": "fail", "check": {"in": {"path": "e.status", "value": ["x"]}}}},
    {"none": {"in": "a", "as": "e", "check": {"any": [{"eq": {"path": "e", "value": 1}},
                                                       {"nonempty": "e"}]}}},
    {"host_within_one_domain": {"path": "a"}},
    {"every": {"in": "a", "as": "e", "check": {"host_within_one_domain": {"path": "e"}}}},
    {"text_includes": {"path": "a", "value": ["x", "gpt"]}},
    {"every": {"in": "a", "as": "e", "check": {"some": {
        "in": "b", "as": "f", "check": {"all": [{"exists": "f.status"},
                                               {"eq": {"path": "f.status",
                                                       "value": {"path": "e"}}}]}}}}},
]
COMPILED = [compile_condition(c, Env({})) for c in CONDITIONS]
small = st.one_of(st.sampled_from(["x", "y", "2025-06-01", "2025-02-30", "", "*.com",
                                   "*.sharepoint.com", "a.example.co.kr", "*", " ", "chat_gpt"]),
                  st.none(),
                  st.booleans(), st.sampled_from([0, 1, 1.0, 2]))
records = st.fixed_dictionaries({}, optional={"status": small, "id": small})
elements = st.one_of(small, records, st.lists(small, max_size=2))
operands = st.one_of(small, records, st.lists(elements, max_size=5),
                     st.dictionaries(st.sampled_from(["x", "y", "x_z"]), elements, max_size=3))


@pytest.mark.parametrize("which", range(len(CONDITIONS)))
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(a=operands, b=operands, drop=st.sampled_from([None, "a", "b"]))
def test_fast_check_answers_only_what_the_detailed_check_says(which, a, b, drop):
    """The contract of ``Compiled.holds``: when it answers, the detailed check returns
    normally, with no leaf exactly when the answer is yes."""
    data = {key: value for key, value in (("a", a), ("b", b)) if key != drop}
    compiled = COMPILED[which]
    ctx = Ctx(data, dt.date(2025, 6, 30))
    try:
        answer = compiled.holds(ctx)
    except Exception:
        return  # cannot say: the engine judges in detail
    assert ctx.vars == {}
    failures = compiled.test(Ctx(data, dt.date(2025, 6, 30)))  # must not raise
    assert (not failures) == answer, (CONDITIONS[which], data, failures)


def test_a_fast_check_that_cannot_say_raises_afresh():
    """Each "cannot say" is a new exception: one instance raised again and again would keep
    every traceback it went through (memory growing with every profile judged)."""
    compiled = compile_condition({"every": {"in": "a", "as": "e", "check": {
        "eq": {"path": "e.status", "value": "x"}}}}, Env({}))
    ctx = Ctx({"a": [{"status": "y"}, {"status": "x"}]}, dt.date(2025, 6, 30))
    depths = []
    for _ in range(3):
        try:
            compiled.holds(ctx)
        except Exception as exc:  # the failing element: the detailed check says which
            depth, tb = 0, exc.__traceback__
            while tb is not None:
                depth, tb = depth + 1, tb.tb_next
            depths.append(depth)
    assert len(depths) == 3 and depths[0] == depths[1] == depths[2]
