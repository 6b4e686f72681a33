"""The error list of an invalid document is found with jsonschema walking only the parts that can
fail (validate/prune.py), and it is exactly the list jsonschema gives for the whole document:
the same errors, saying the same, at the same paths and lines, in the same order.

Each property compares the localised path with the plain one (jsonschema over the whole
document, each error said by ``describe``) on generated documents: the shipped profile with
long lists and wide mappings holding a few bad items or keys, and small schemas built to hold
every keyword the cutting must respect, with ``PRUNE_FROM`` lowered so that every list and
mapping is a candidate.
"""

from __future__ import annotations

import copy
import json
import os
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from netsep_check.load import load_document
from netsep_check.load.document import parse_source
from netsep_check.load.source import Source
from netsep_check.validate import prune as prune_module
from netsep_check.validate.fast import compile_nodes
from netsep_check.validate.schema_errors import (
    describe,
    is_valid,
    located_saids,
    packaged_schema,
    schema_problems,
    validator,
)

ROOT = Path(__file__).resolve().parents[2]
PROFILE = load_document(ROOT / "examples" / "m365-compliant.yaml").data
SCHEMA = packaged_schema("profile")
ALL = 10**9  # ask for every error
SCALE = int(os.environ.get("NETSEP_FUZZ_SCALE", "1"))  # a longer hunt: NETSEP_FUZZ_SCALE=50


@contextmanager
def pruning_from(count: int):
    with mock.patch.object(prune_module, "PRUNE_FROM", count):
        yield


def plain(schema: dict[str, Any], data: Any) -> list[Any]:
    """Today's error list: jsonschema over the whole document."""
    return [said for error in validator(schema).iter_errors(data)
            for said in describe(error, schema)]


def localised(schema: dict[str, Any], data: Any, enough: int = ALL,
              prune_from: int = 1) -> list[Any]:
    with pruning_from(prune_from):
        return list(located_saids(schema, data, enough))


def cut_lists(schema: dict[str, Any], data: Any, prune_from: int = 1) -> dict[Any, list[int]]:
    compiler = compile_nodes(schema)
    assert compiler is not None
    return prune_module.prune(compiler, data, ALL, prune_from).kept


# -- the profile, with long lists holding a few bad items ----------------------------------

BAD_IDS = ["Bad", "", 5, None, ["x"], {"a": 1}, "a\n", "t3", True, 1.5, "x-y"]
BAD_HOSTS = ["bad_host!", "", "-a.com", "a..b", 7, "h3.example.com", "*.", "a" * 64]
BAD_CATEGORIES = ["other:Bad", "weird", 3, "public", "other:", "other:c2"]
BAD_EVIDENCE = [{"id": "-x", "title": "t"}, {"id": "X1", "title": 5}, {"id": "X1"},
                {"id": "X1", "title": "t", "oops": 1}, "EV", {"id": "X1", "title": "t",
                                                              "x_note": [1, 2]},
                {"title": "t", "path": ""}, []]
BAD_CONDITIONS = [{"id": "c", "text": "", "status": "met"}, {"id": "c", "text": "t"},
                  {"id": "c", "text": "t", "status": "maybe", "evidence": ["EV-01", "-"]},
                  {"id": "c", "text": "t", "status": "met", "evidence": ["EV-01", "EV-01"]},
                  {"id": "c", "text": "t", "status": "met", "zz": 0}, 0]
BAD_KEYS = [("oops", 1), ("x_fine", [1]), ("approved_devices_only", {"status": "nah"}),
            ("zz", {"status": "implemented"}), ("x_", None)]

bad_places = st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 10**6)), max_size=4)


def _with_bad(good: list[Any], bad: list[Any], places: list[tuple[int, int]]) -> list[Any]:
    """``good`` with bad items put in at the given places (each a pick and a position)."""
    out = list(good)
    for pick, where in places:
        out.insert(where % (len(out) + 1), copy.deepcopy(bad[pick % len(bad)]))
    return out


@st.composite
def long_profiles(draw: Any) -> dict[str, Any]:
    data = copy.deepcopy(PROFILE)
    size = draw(st.integers(0, 40))

    def listed(good: list[Any], bad: list[Any]) -> list[Any]:
        return _with_bad(good, bad, draw(bad_places))

    usage = data["usage"]
    usage["tasks"] = listed([f"t{i}" for i in range(size)], BAD_IDS)
    usage["data_categories"] = listed([f"other:c{i}" for i in range(size)], BAD_CATEGORIES)
    usage["own_data_categories"] = listed(
        [{"category": f"other:c{i}", "reading": "r",
          "evidence": [f"E{j}" for j in range(i % 5)]} for i in range(size // 2)],
        [{"category": "other:x", "reading": " "}, {"category": "other:x", "reading": "r",
                                                  "evidence": ["E1", "-bad", 4]}])
    network = data["security_measures"]["network_link"]["internet_access_control"]
    network["allowed_destinations"] = listed([f"h{i}.example.com" for i in range(size)],
                                             BAD_HOSTS)
    data["evidence"] = listed(data["evidence"] + [{"id": f"X{i}", "title": "t"}
                                                  for i in range(size)], BAD_EVIDENCE)
    designation = data["designation"]
    designation["conditions"] = listed(
        [{"id": f"c{i}", "text": "t", "status": "met"} for i in range(size)], BAD_CONDITIONS)
    if draw(st.booleans()):
        designation["scope_changes"] = [{"decided_on": "2025-01-10", "adds": {
            "tasks": listed([f"a{i}" for i in range(size)], BAD_IDS)}}]
    endpoint = data["security_measures"]["endpoint"]
    for i in range(draw(st.integers(0, size))):
        endpoint[f"x_{i}"] = i
    for pick, _ in draw(bad_places):
        key, value = BAD_KEYS[pick % len(BAD_KEYS)]
        endpoint[key] = value
    if draw(st.booleans()):  # errors elsewhere too: the order across places must hold
        data["firm"]["sector"] = "bakery"
    if draw(st.booleans()):
        data["providers"] = listed(data["providers"] * 0, [{"id": "p", "name": ""}])
    return data


@settings(max_examples=150 * SCALE, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=long_profiles(), enough=st.sampled_from([1, 2, 5, ALL]),
       prune_from=st.sampled_from([1, 3, 8]))
def test_a_long_profile_gets_exactly_the_errors_of_the_whole(data, enough, prune_from):
    assert localised(SCHEMA, data, enough, prune_from) == plain(SCHEMA, data)


def _documents(data: Any) -> list[Any]:
    """The same data as JSON with one item a line, and as block YAML: located two ways."""
    text = json.dumps(data, indent=1, ensure_ascii=False)
    block = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    return [parse_source(Source("p.json", text, "")), parse_source(Source("p.yaml", block, ""))]


@settings(max_examples=40 * SCALE, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=long_profiles())
def test_localised_problems_stand_on_the_same_lines(data):
    for document in _documents(data):
        with pruning_from(10**9):
            whole = schema_problems(document, SCHEMA, max_reported=1000)
        with pruning_from(2):
            cut = schema_problems(document, SCHEMA, max_reported=1000)
        assert [p.as_dict() for p in cut] == [p.as_dict() for p in whole]


def test_one_bad_item_among_many_is_found_in_a_cut_list():
    """Not vacuous: the long list is cut to its bad item, which keeps its index and line."""
    data = copy.deepcopy(PROFILE)
    data["usage"]["tasks"] = [f"t{i}" for i in range(5000)]
    data["usage"]["tasks"][4321] = "Bad"
    assert cut_lists(SCHEMA, data, prune_from=64) == {("usage", "tasks"): [4321]}
    said = localised(SCHEMA, data, prune_from=64)
    assert said == plain(SCHEMA, data)
    assert [s.path for s in said] == [("usage", "tasks", 4321)]
    document = _documents(data)[0]
    (problem,) = schema_problems(document, SCHEMA)
    assert problem.path == "usage.tasks[4321]"
    assert document.text.splitlines()[problem.line - 1].strip() == '"Bad",'


@pytest.mark.parametrize("count, cap", [(500, 100), (50_000, 10_000)])
def test_the_cap_counts_the_same(count, cap):
    """Past the listed problems the rest are counted: the same count either way."""
    data = copy.deepcopy(PROFILE)
    data["usage"]["tasks"] = [f"t{i}" if i % 3 else f"B{i}" for i in range(count)]
    document = _documents(data)[0]
    with pruning_from(10**9):
        whole = schema_problems(document, SCHEMA, max_counted=cap)
    cut = schema_problems(document, SCHEMA, max_counted=cap)
    assert [p.as_dict() for p in cut] == [p.as_dict() for p in whole]


# -- small schemas holding every keyword the cutting must respect -------------------------
# Each with the data that reaches its edge: lists of a few bad items among good ones, lists
# about as long as the bounds, mappings of keys that patterns match or not.

INTS = {"type": "integer"}
_INT = st.integers(-2, 11)
_NEAR = st.one_of(_INT, _INT, _INT, st.sampled_from(["a", None, 2.5]))
_LIST = st.lists(_NEAR, max_size=12)
_KEYS = st.sampled_from(["a", "b", "k", "l", "m", "t", "v", "w", "x1", "x2", "xa", "y"])
_LEAVES = st.one_of(st.integers(-2, 11), st.sampled_from(["a", "ab", "d", "", "x"]),
                    st.none())
_ANY = st.recursive(_LEAVES, lambda inner: st.one_of(
    st.lists(inner, max_size=12), st.dictionaries(_KEYS, inner, max_size=6)), max_leaves=40)
_RECORD = st.one_of(st.fixed_dictionaries({"a": st.integers(0, 3)}), st.just({}),
                    st.just({"a": "x"}))

CASES: list[tuple[dict[str, Any], Any]] = [
    ({"type": "object", "properties": {"a": {"type": "array", "items": {
        "type": "integer", "minimum": 0}, "minItems": 3, "maxItems": 8, "uniqueItems": True}}},
     st.fixed_dictionaries({"a": _LIST})),
    ({"type": "array", "items": {"type": "object", "properties": {"v": {
        "type": "array", "items": {"type": "string", "pattern": "^[a-c]+$"}}},
        "required": ["v"], "additionalProperties": False}},
     st.lists(st.one_of(st.fixed_dictionaries({"v": st.lists(st.sampled_from(
         ["a", "ab", "c", "z", 1]), max_size=5)}), st.just({}), st.just({"v": [], "w": 1})),
         max_size=8)),
    ({"type": "array", "items": INTS, "if": {"minItems": 4}, "then": {"items": {"maximum": 5}},
      "else": {"uniqueItems": True}}, _LIST),
    ({"type": "array", "allOf": [{"items": {"minimum": 0}}, {"items": {"maximum": 9}}]}, _LIST),
    ({"type": "object", "properties": {"a": {"anyOf": [{"type": "array", "items": INTS},
                                                       {"type": "string"}]}}},
     st.fixed_dictionaries({"a": _LIST})),
    ({"type": "array", "items": {"maximum": 5}, "anyOf": [{"minItems": 3},
                                                          {"items": {"minimum": 2}}]}, _LIST),
    ({"type": "object", "properties": {"a": {"type": "string"}, "b": {"type": "array",
                                                                        "items": INTS}}},
     st.fixed_dictionaries({"a": st.one_of(_LIST, st.just("s")), "b": _LIST})),
    ({"type": "object", "properties": {"k": {"type": "array", "items": INTS}},
      "patternProperties": {"^x": INTS}, "additionalProperties": False, "required": ["k"]},
     st.dictionaries(_KEYS, st.one_of(_INT, _LIST), max_size=8)),
    ({"type": "object", "properties": {"a": INTS}, "additionalProperties": {
        "type": "array", "items": INTS}, "unevaluatedProperties": False},
     st.dictionaries(_KEYS, st.one_of(_INT, _LIST), max_size=8)),
    ({"$defs": {"l": {"type": "array", "items": {"$ref": "#/$defs/l"}}}, "$ref": "#/$defs/l"},
     st.recursive(st.integers(0, 2), lambda inner: st.lists(inner, max_size=5),
                  max_leaves=20)),
    ({"type": "object", "minProperties": 2, "maxProperties": 4,
      "additionalProperties": {"type": "array", "items": INTS}},
     st.dictionaries(_KEYS, _LIST, max_size=6)),
    ({"type": "array", "items": {"type": "array", "items": INTS}, "uniqueItems": True},
     st.lists(st.lists(st.sampled_from([1, 2, "a"]), max_size=3), max_size=6)),
    ({"type": "array", "items": {"enum": [1, 2, 3, [1]]}, "not": {"maxItems": 2}},
     st.lists(st.sampled_from([1, 2, 3, 4, [1]]), max_size=6)),
    ({"type": "object", "properties": {"l": {"type": "array", "items": INTS}},
      "if": {"properties": {"l": {"maxItems": 3}}}, "then": {"required": ["t"]}},
     st.fixed_dictionaries({"l": _LIST}, optional={"t": _INT})),
    ({"type": "object", "properties": {"l": {"type": "array", "items": INTS}},
      "if": {"properties": {"l": {"minItems": 5, "items": {"maximum": 6}}}},
      "then": {"required": ["t"]}},
     st.fixed_dictionaries({"l": _LIST}, optional={"t": _INT})),
    ({"type": "object", "properties": {"l": {"const": [1, 2, 3]}, "m": {
        "type": "array", "items": INTS}}},
     st.fixed_dictionaries({"l": st.one_of(_LIST, st.just([1, 2, 3])), "m": _LIST})),
    ({"type": "array", "items": {"type": "object", "properties": {"a": INTS},
                                 "required": ["a"]}, "maxItems": 5},
     st.lists(_RECORD, max_size=10)),
    ({"type": "array", "items": INTS, "maxItems": 4, "minItems": 2}, _LIST),
    ({"type": "object", "additionalProperties": {"type": "object", "properties": {
        "v": {"type": "array", "items": {"maximum": 4}}}, "oneOf": [
            {"required": ["v"]}, {"required": ["w"]}]}},
     st.dictionaries(_KEYS, st.fixed_dictionaries({}, optional={"v": _LIST, "w": _INT}),
                     max_size=6)),
    ({"type": "object", "patternProperties": {"^x": {"type": "array", "items": INTS},
                                              "1$": {"type": "array", "maxItems": 2}},
      "properties": {"x1": {"items": {"minimum": 2}}}},
     st.dictionaries(_KEYS, _LIST, max_size=8)),
    ({"type": "object", "properties": {"a": {"type": "array", "items": False}}},
     st.fixed_dictionaries({"a": _LIST})),
    ({"type": "object", "properties": {"a": False, "b": {"type": "array", "items": INTS}}},
     st.fixed_dictionaries({"b": _LIST}, optional={"a": _LIST})),
    ({"type": "object", "additionalProperties": INTS,
      "if": {"patternProperties": {"^x": {"maximum": 3}}}, "then": {"required": ["t"]}},
     st.dictionaries(_KEYS, _NEAR, max_size=10)),
    ({"type": "object", "patternProperties": {"^x": INTS}, "additionalProperties": False,
      "required": ["y"], "properties": {"y": INTS}},
     st.dictionaries(_KEYS, _NEAR, max_size=10)),
    ({"type": "object", "additionalProperties": {"type": ["array", "object"], "items": {
        "$ref": "#"}, "additionalProperties": INTS}}, _ANY),
]
SCHEMAS = [schema for schema, _ in CASES]


@pytest.mark.parametrize("case", range(len(CASES)))
@settings(max_examples=60 * SCALE, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), enough=st.sampled_from([1, 2, ALL]))
def test_any_schema_gets_exactly_the_errors_of_the_whole(case, data, enough):
    schema, values = CASES[case]
    value = data.draw(st.one_of(values, values, values, _ANY))
    assert localised(schema, value, enough) == plain(schema, value)
    with pruning_from(1):  # a batch's "is this a waivers file?" asks the same way
        assert is_valid(schema, value) == validator(schema).is_valid(value)


# Edges each found by a broken cutting (a mutant) that the generated cases may miss.
EDGES = [
    (10, {"a": [1, "x", 2]}),  # minProperties fails: its message quotes the mapping
    (11, [[1, "a"], [2, "a"]]),  # cut inside, two distinct items would become equal
    (17, [1, 2, 3, 4, 5, "a"]),  # more than maxItems: a cut list must stay too long
    (0, {"a": [5, 4, 3, 2, "x"]}),  # minItems: a cut list must stay long enough
    (0, {"a": [1, 2, 3, 1, "x"]}),  # the repeated pair must stay
    (2, [7, 8, 9, 10, "a"]),  # if (minItems) must keep its branch: then's maximum
    (13, {"l": [1, 2, 3, 4, "a"]}),  # if (maxItems) below, on a mapping's list
    (22, {"x1": 5, "x2": 1, "y": "a"}),  # if (patternProperties): a key it fails stays
    (5, [1, 2, 3, 9]),  # anyOf: quotes the list
    (4, {"a": [1, "x", 2]}),
    (15, {"l": [1, 2, 3, "x"], "m": [1, "x"]}),  # const compares the list whole
    (6, {"a": [1, "x"], "b": [1, "x"]}),  # a failing type quotes the list
    (20, {"a": [1, 2]}),  # items: false quotes the items
    (21, {"a": [1, 2], "b": [1, "x"]}),  # a false schema quotes the value
    (7, {"k": [1, "x"], "xa": 1, "y": 2, "x1": "no"}),  # a refused key, a failing one
]


@pytest.mark.parametrize("case, value", EDGES)
def test_edges_get_exactly_the_errors_of_the_whole(case, value):
    schema = CASES[case][0]
    for enough in (1, ALL):
        assert localised(schema, value, enough) == plain(schema, value)


def test_the_small_schemas_compile_and_cut():
    """Not vacuous: the schemas above go through the compiled check, and lists are cut."""
    assert all(compile_nodes(schema) is not None for schema in SCHEMAS)
    assert cut_lists(SCHEMAS[3], [1, 2, -1, 3, 10, 4]) == {(): [2, 4]}
    assert cut_lists(SCHEMAS[1], [{"v": ["a"]}, {"v": ["b", "z", "c"]}, {"v": []}]) == {
        (): [1], (0, "v"): [1]}
    assert cut_lists(SCHEMAS[0], {"a": [5, 4, 3, 2, 1]}) == {("a",): [0, 1, 2]}
    assert cut_lists(SCHEMAS[4], {"a": [1, "x", 2]}) == {}  # anyOf quotes the list
