"""Stage 3: each operator family — pass, fail with located details, and error when unjudgeable."""

from __future__ import annotations

import datetime as dt

import pytest

from netsep_check.rules.compiler import compile_condition, condition_schema
from netsep_check.rules.operators import REGISTRY
from netsep_check.rules.operators.base import Ctx, Env, EvalError, RuleSyntaxError

AS_OF = dt.date(2025, 3, 31)
PROFILE = {
    "regime": "sandbox",
    "assessment": {"as_of": "2025-03-31"},
    "usage": {"tasks": ["email", "chat"], "data_categories": ["public"], "mobile_access": False,
              "providers": ["microsoft"]},
    "designation": {"approved_scope": {"tasks": ["email", "chat", "calendar"]},
                    "designated_on": "2024-09-27", "valid_until": "2026-09-26"},
    "providers": [{"id": "microsoft", "security_evaluation": {"result": "suitable",
                                                              "evaluated_on": "2024-06-14"}},
                  {"id": "other", "security_evaluation": {"result": "pending",
                                                          "evaluated_on": "2020-01-01"}}],
    "security_measures": {"endpoint": {"a": {"status": "implemented", "evidence": ["E"]},
                                       "b": {"status": "planned"}, "x_note": "ignored"}},
    "retention": 730,
}
PARAMS = {"min_days": 365, "results": ["suitable", "met"]}


def judge(condition, profile=PROFILE, as_of=AS_OF):
    compiled = compile_condition(condition, Env(PARAMS))
    return compiled.test(Ctx(profile, as_of))


def ok(condition, **kw) -> bool:
    return judge(condition, **kw) is None


def test_every_registered_operator_has_a_compiling_example():
    for name, operator in REGISTRY.items():
        compiled = compile_condition({name: operator.example}, Env({"log_retention_days": 365}))
        assert compiled.text["en"] and compiled.text["ko"]
        assert set(condition_schema()["properties"]) == set(REGISTRY)


@pytest.mark.parametrize(("condition", "expected"), [
    ({"eq": {"path": "regime", "value": "sandbox"}}, True),
    ({"eq": {"path": "regime", "value": "standing_exception"}}, False),
    ({"eq": {"path": "usage.mobile_access", "value": 0}}, False),  # False is not 0
    ({"ne": {"path": "regime", "value": "x"}}, True),
    ({"gt": {"path": "retention", "value": 729}}, True),
    ({"ge": {"path": "retention", "value": {"param": "min_days"}}}, True),
    ({"lt": {"path": "retention", "value": 730}}, False),
    ({"le": {"path": "retention", "value": 730}}, True),
    ({"in": {"path": "regime", "value": ["sandbox"]}}, True),
    ({"not_in": {"path": "regime", "value": ["sandbox"]}}, False),
    ({"exists": "designation.valid_until"}, True),
    ({"exists": {"path": "designation.missing"}}, False),
    ({"nonempty": "usage.tasks"}, True),
    ({"nonempty": "usage.nothing"}, False),
])
def test_compare(condition, expected):
    assert ok(condition) is expected


@pytest.mark.parametrize(("condition", "expected"), [
    ({"subset": {"path": "usage.tasks", "value": {"path": "designation.approved_scope.tasks"}}},
     True),
    ({"subset": {"path": "designation.approved_scope.tasks", "value": {"path": "usage.tasks"}}},
     False),
    ({"superset": {"path": "usage.tasks", "value": ["email"]}}, True),
    ({"disjoint": {"path": "usage.data_categories", "value": ["public"]}}, False),
    ({"intersects": {"path": "usage.tasks", "value": ["chat", "x"]}}, True),
    ({"contains": {"path": "usage.providers", "value": "microsoft"}}, True),
])
def test_sets(condition, expected):
    assert ok(condition) is expected


def test_subset_failure_points_at_the_offending_item():
    profile = {**PROFILE, "usage": {**PROFILE["usage"], "tasks": ["email", "crm"]}}
    (failure,) = judge({"subset": {"path": "usage.tasks",
                                   "value": {"path": "designation.approved_scope.tasks"}}},
                       profile=profile)
    assert failure.path == ("usage", "tasks", 1)
    assert failure.actual == "crm"
    assert failure.against == "designation.approved_scope.tasks"


@pytest.mark.parametrize(("condition", "expected"), [
    ({"date_le": {"path": "designation.designated_on", "value": {"as_of": 0}}}, True),
    ({"date_ge": {"path": "designation.valid_until", "value": {"as_of": 0}}}, True),
    ({"date_gt": {"path": "designation.valid_until", "value": "2026-09-26"}}, False),
    ({"date_lt": {"path": "designation.designated_on", "value": {"path": "designation.valid_until"}}},
     True),
    ({"within_days": {"path": "providers[0].security_evaluation.evaluated_on", "days": 365}},
     True),
    ({"within_days": {"path": "providers[0].security_evaluation.evaluated_on", "days": 100}},
     False),
    ({"span_at_most_days": {"start": "designation.designated_on",
                            "end": "designation.valid_until", "days": 731}}, True),
    ({"span_at_most_days": {"start": "designation.designated_on",
                            "end": "designation.valid_until", "days": 700}}, False),
])
def test_dates(condition, expected):
    assert ok(condition) is expected


def test_within_days_follows_the_judging_date():
    condition = {"within_days": {"path": "providers[0].security_evaluation.evaluated_on",
                                 "days": 365}}
    assert ok(condition, as_of=dt.date(2025, 6, 14))
    assert not ok(condition, as_of=dt.date(2025, 6, 15))
    assert not ok(condition, as_of=dt.date(2024, 6, 13))  # in the future of as_of


def test_logic_and_short_circuit_on_missing():
    assert ok({"all": [{"exists": "regime"}, {"eq": {"path": "regime", "value": "sandbox"}}]})
    assert ok({"any": [{"eq": {"path": "regime", "value": "x"}}, {"exists": "regime"}]})
    assert ok({"not": {"eq": {"path": "regime", "value": "x"}}})
    failures = judge({"all": [{"exists": "usage.gone"},
                              {"eq": {"path": "usage.gone", "value": 1}}]})
    assert [f.code for f in failures] == ["exists"]


def test_quantifiers_over_lists_and_mappings():
    assert not ok({"every": {"in": "providers", "as": "p", "check": {
        "in": {"path": "p.security_evaluation.result", "value": {"param": "results"}}}}})
    assert ok({"every": {"in": "providers", "as": "p",
                         "where": {"in": {"path": "p.id", "value": {"path": "usage.providers"}}},
                         "check": {"in": {"path": "p.security_evaluation.result",
                                          "value": {"param": "results"}}}}})
    assert ok({"some": {"in": "providers", "as": "p",
                        "check": {"eq": {"path": "p.id", "value": "other"}}}})
    assert not ok({"none": {"in": "providers", "as": "p",
                            "check": {"eq": {"path": "p.id", "value": "other"}}}})
    failures = judge({"every": {"in": "security_measures.endpoint", "as": "c", "key_as": "k",
                                "check": {"eq": {"path": "c.status", "value": "implemented"}}}})
    assert [f.path for f in failures] == [("security_measures", "endpoint", "b", "status")]


def test_nested_quantifiers_see_outer_variables():
    condition = {"every": {"in": "usage.providers", "as": "u", "check": {
        "some": {"in": "providers", "as": "p",
                 "check": {"eq": {"path": "p.id", "value": {"path": "u"}}}}}}}
    assert ok(condition)
    profile = {**PROFILE, "usage": {**PROFILE["usage"], "providers": ["microsoft", "nobody"]}}
    (failure,) = judge(condition, profile=profile)
    assert failure.code == "some_for"  # names the element that found no partner
    assert failure.path == ("usage", "providers", 1) and failure.actual == "nobody"


@pytest.mark.parametrize("condition", [
    {"eq": {"path": "usage.nothing", "value": 1}},
    {"gt": {"path": "regime", "value": 1}},
    {"subset": {"path": "regime", "value": ["a"]}},
    {"date_le": {"path": "regime", "value": {"as_of": 0}}},
    {"every": {"in": "regime", "check": {"exists": "item"}}},
])
def test_unjudgeable_is_an_error_not_a_pass(condition):
    with pytest.raises(EvalError):
        judge(condition)


@pytest.mark.parametrize(("condition", "words"), [
    ({"eval": "__import__('os')"}, "unknown operator 'eval'"),
    ({"eq": {"path": "a"}}, "missing value"),
    ({"eq": {"path": "a", "value": 1, "extra": 2}}, "unknown argument extra"),
    ({"eq": {"path": "a..b", "value": 1}}, "malformed field path"),
    ({"ge": {"path": "a", "value": {"param": "nope"}}}, "unknown parameter 'nope'"),
    ({"all": []}, "non-empty list"),
    ({"every": {"in": "providers", "as": "usage", "check": {"exists": "usage"}}},
     "cannot bind 'usage'"),
    ({"in": {"path": "a", "value": "not a list"}}, "needs a list"),
    ({"eq": {"path": "a", "value": 1}, "ne": {"path": "a", "value": 1}}, "exactly one operator"),
])
def test_compile_errors_name_the_problem(condition, words):
    with pytest.raises(RuleSyntaxError) as caught:
        compile_condition(condition, Env(PARAMS))
    assert words in caught.value.message


def test_conditions_are_data_never_code():
    """A path that looks like Python is looked up as a key, never run."""
    condition = {"eq": {"path": "__class__", "value": "x"}}
    with pytest.raises(EvalError):
        judge(condition)
