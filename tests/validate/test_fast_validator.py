"""The fast yes/no schema check agrees with jsonschema: it never passes what jsonschema fails.

``validate/fast.py`` answers "valid?" without jsonschema so valid inputs skip its import and
its cost; any "no" goes to jsonschema for the full error list. Here both judge the examples,
the built-in rule files and generated mutations of them, for every schema we ship.
"""

from __future__ import annotations

import copy
import json
import os
import random
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from netsep_check.load import load_document
from netsep_check.rules.schema import pack_schema, rules_schema
from netsep_check.validate.fast import canonical, compile_schema
from netsep_check.validate.schema_errors import packaged_schema, schema_problems, validator
from tests.conftest import all_paths

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
PROFILES = [load_document(p).data for p in sorted(EXAMPLES.glob("*.yaml"))
            if "profile_version" in p.read_text(encoding="utf-8")]
RULE_FILES = [data for data in (
    load_document(p).data for p in sorted((ROOT / "policies").rglob("*.yaml"))
    if p.name != "pack.yaml" and "tests" not in p.parts
    and "tenant-mapping" not in p.parts)  # tenant mappings: tests/facts
    if isinstance(data, dict) and "rules" in data]
PACKS = [load_document(p).data for p in sorted((ROOT / "policies").rglob("pack.yaml"))]

SCHEMAS = {"profile": packaged_schema("profile"), "rules": rules_schema(),
           "pack": pack_schema()}
SAMPLES = {"profile": PROFILES, "rules": RULE_FILES, "pack": PACKS}
FAST = {name: compile_schema(schema) for name, schema in SCHEMAS.items()}
SCALE = int(os.environ.get("NETSEP_FUZZ_SCALE", "1"))  # a longer hunt: NETSEP_FUZZ_SCALE=50


def slow_valid(name: str, data: Any) -> bool:
    return not any(True for _ in validator(SCHEMAS[name]).iter_errors(data))


def test_every_shipped_schema_compiles():
    assert all(check is not None for check in FAST.values())
    for path in sorted((ROOT / "netsep_check" / "schemas").glob("*.schema.json")):
        name = path.name.removesuffix(".schema.json")
        if name != "report":  # the report schema is documentation: never checked at run time
            assert compile_schema(packaged_schema(name)) is not None, name


@pytest.mark.parametrize("name", sorted(SCHEMAS))
def test_the_shipped_documents_are_valid_both_ways(name):
    assert SAMPLES[name]
    for data in SAMPLES[name]:
        assert FAST[name](data) is True
        assert slow_valid(name, data)


scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-3, 800), st.floats(allow_nan=False, width=32),
    st.sampled_from(["", " ", "implemented", "not_applicable", "partial", "planned", "sandbox",
                     "standing_exception", "m365", "pulse", "x_note", "2025-02-30", "2025-03-31",
                     "2025-3-31", "2025-03-31\n", "EV-01", "email", "Email", "a.b", "*.x.com",
                     "1.2", "other:hr", "other:", "fsi", "suitable", "all_users", "disabled",
                     "critical", "evidence", "derived", "FIRM-X", "firm.name", "yes"]),
    st.text(max_size=6))
keys = st.sampled_from(["x_note", "note", "status", "evidence", "id", "title", "path", "sha256",
                        "value", "description", "extra", "x_", "rules", "check", "when",
                        "eq", "all", "every", "in", "as", "allowed_destinations"])
trees = st.recursive(scalars, lambda c: st.one_of(st.lists(c, max_size=3),
                                                  st.dictionaries(keys, c, max_size=3)),
                     max_leaves=8)




def mutate(data: Any, rng: random.Random, replacement: Any, key: str, how: str) -> Any:
    data = copy.deepcopy(data)
    paths = [p for p in all_paths(data) if p]
    if not paths:  # everything deleted already
        return replacement
    path = rng.choice(paths)
    parent = data
    for part in path[:-1]:
        parent = parent[part]
    last = path[-1]
    if how == "delete":
        del parent[last]
    elif how == "replace":
        parent[last] = replacement
    elif how == "add" and isinstance(parent, dict):
        parent[key] = replacement
    elif isinstance(parent, list):
        parent.insert(last, replacement if how != "duplicate" else copy.deepcopy(parent[last]))
    else:
        parent[key] = copy.deepcopy(parent[last])
    return data


@settings(max_examples=300 * SCALE, deadline=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(name=st.sampled_from(sorted(SCHEMAS)), pick=st.integers(0, 100),
       seed=st.integers(0, 2**32 - 1), replacement=trees, key=keys,
       how=st.sampled_from(["delete", "replace", "add", "duplicate"]), times=st.integers(1, 3))
def test_fast_check_agrees_with_jsonschema(name, pick, seed, replacement, key, how, times):
    rng = random.Random(seed)
    data = SAMPLES[name][pick % len(SAMPLES[name])]
    for _ in range(times):
        data = mutate(data, rng, replacement, key, how)
    fast = FAST[name](data)
    slow = slow_valid(name, data)
    assert not (fast and not slow), f"fast check passed what jsonschema fails: {data!r}"
    assert fast == slow  # not needed for safety, but a fast "no" should be a real one


@settings(max_examples=100 * SCALE, deadline=None)
@given(data=trees)
def test_fast_check_on_arbitrary_data(data):
    for name in SCHEMAS:
        assert not (FAST[name](data) and not slow_valid(name, data))


def test_canonical_equality_is_json_schema_equality():
    assert canonical(1) == canonical(1.0)
    assert canonical(True) != canonical(1)
    assert canonical({"a": [1, False]}) == canonical({"a": [1.0, False]})
    assert canonical([1, 2]) != canonical([2, 1])


def test_unique_items_is_linear_and_exact(tmp_path):
    """jsonschema's own uniqueItems compares every pair of unhashable items (minutes for a
    list of 30,000 mappings); ours hashes canonical forms and must say the same."""
    schema = {"type": "array", "uniqueItems": True}
    many = [{"a": i, "b": [i, True]} for i in range(30_000)]
    assert compile_schema(schema)(many)
    assert list(validator(schema).iter_errors(many)) == []
    twice = [*many, {"b": [29_999, True], "a": 29_999.0}]
    assert not compile_schema(schema)(twice)
    assert len(list(validator(schema).iter_errors(twice))) == 1
    assert list(validator(schema).iter_errors([1, True, 1.5])) == []
    assert list(validator(schema).iter_errors([1, 1.0]))


def test_invalid_document_still_gets_every_error(tmp_path):
    text = (EXAMPLES / "m365-compliant.yaml").read_text(encoding="utf-8")
    bad = tmp_path / "bad.yaml"
    bad.write_text(text.replace("sector: bank", "sector: bakery").replace(
        "extended: false", "extended: yes").replace("retention_days: 730",
                                                    'retention_days: "730"'), encoding="utf-8")
    document = load_document(bad)
    problems = schema_problems(document, SCHEMAS["profile"])
    assert [p.path for p in problems] == [
        "firm.sector", "designation.extended",
        "security_measures.saas_management.audit_logging.retention_days"]
    assert json.dumps([p.as_dict() for p in problems])


UNEVALUATED_SCHEMAS = [
    {"$defs": {"base": {"type": "object", "properties": {"a": {"type": "string"}},
                        "allOf": [{"properties": {"b": {"type": "integer"}}}]}},
     "$ref": "#/$defs/base", "unevaluatedProperties": False},
    {"allOf": [{"properties": {"a": {"const": 1}}}, {"properties": {"b": True}}],
     "unevaluatedProperties": False},
    {"anyOf": [{"properties": {"a": {"const": 1}}}, {"properties": {"b": True}}],
     "unevaluatedProperties": False},
    {"properties": {"a": True}, "patternProperties": {"^x_": {}},
     "unevaluatedProperties": {"type": "string"}},
    {"if": {"properties": {"a": {"const": 1}}}, "then": {"properties": {"b": True}},
     "unevaluatedProperties": False},
]


@pytest.mark.parametrize("schema", UNEVALUATED_SCHEMAS)
@given(data=st.dictionaries(st.sampled_from(["a", "b", "c", "x_1"]),
                            st.one_of(st.integers(0, 2), st.text(max_size=1), st.none()),
                            max_size=4))
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_the_all_keys_evaluated_shortcut_agrees_with_jsonschema(schema, data):
    """``unevaluatedProperties`` answered from the keys a schema always evaluates (its own,
    its $ref's and its allOf parts' properties) never passes what jsonschema fails."""
    check = compile_schema(schema)
    assert check is not None
    errors = list(validator(schema).iter_errors(data))
    if check(data):
        assert not errors, (schema, data, [e.message for e in errors])


_EV_VALUES = st.sampled_from(["EV-01", "EV-02", "", "-x", "ok title", "a" * 64, "0" * 64, 1, None,
                              ["EV-01"], {"a": 1}, True])
_EV_KEYS = st.sampled_from(["id", "title", "path", "sha256", "note", "x_a", "extra", "x_"])
_EV_ENTRY = st.one_of(
    st.dictionaries(_EV_KEYS, _EV_VALUES, max_size=5),
    st.tuples(st.dictionaries(_EV_KEYS, _EV_VALUES, max_size=2),  # a valid entry, changed
              st.lists(st.sampled_from(["id", "title"]), max_size=1)).map(
        lambda change: {k: v for k, v in {"id": "EV-X1", "title": "t", **change[0]}.items()
                        if k not in change[1]}))
_EV_GOOD = st.builds(lambda i, t: {"id": f"EV-G{i}", "title": t}, st.integers(0, 10**6),
                     st.sampled_from(["t", "제목"]))


@settings(max_examples=300 * SCALE, deadline=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(good=st.lists(_EV_GOOD, min_size=9, max_size=20, unique_by=lambda e: e["id"]),
       odd=st.lists(_EV_ENTRY, max_size=3), where=st.integers(0, 20))
@example(good=[{"id": f"EV-G{i}", "title": "t"} for i in range(9)],
         odd=[{"id": "EV-X1", "title": "t", "extra": 1}], where=3)  # a key no property names
@example(good=[{"id": f"EV-G{i}", "title": "t"} for i in range(9)],
         odd=[{"id": "EV-X1", "title": "t", "path": ""}], where=3)  # an optional key, wrong
def test_a_long_evidence_list_is_judged_column_wise_as_jsonschema_judges_it(good, odd, where):
    """The evidence list checked column by column (validate/fast.py, record_column) says what
    jsonschema says of the whole profile: never valid where it finds an error."""
    data = copy.deepcopy(PROFILES[0])
    entries = [*data["evidence"], *good]
    entries[where:where] = odd
    data["evidence"] = entries
    fast = FAST["profile"](data)
    slow = slow_valid("profile", data)
    assert not (fast and not slow), f"fast check passed what jsonschema fails: {odd!r}"
    assert fast == slow


@given(st.fixed_dictionaries({"type": st.just("string")}, optional={
           "pattern": st.sampled_from(["^[a-z_]+$", "[0-9]", "^x", "\\.com$"]),
           "minLength": st.integers(0, 4), "maxLength": st.integers(0, 6),
           "format": st.just("date")}),
       st.one_of(st.text(max_size=8), st.sampled_from(["2025-02-29", "2024-02-29", "ab_c",
                                                       "a.com", "x1"]),
                 st.integers(), st.none(), st.lists(st.text(max_size=2), max_size=2)))
def test_a_fused_text_check_is_the_schema(schema, value):
    import jsonschema

    expected = jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER).is_valid(value)
    fast = compile_schema(schema)(value)
    if isinstance(value, str) and "\n" in value:  # ECMA-262 '$' ends the text: stricter
        assert not fast or expected, (schema, value)
    else:
        assert fast == expected, (schema, value)


_LONG_ITEMS = st.one_of(
    st.sampled_from(["abc", "a_b", "x", "", "ab\n", "12", "é", "abcdefgh"]),
    st.text(alphabet="ab_\n1", max_size=4), st.integers(0, 3), st.none(), st.booleans(),
    st.just(b"abc"), st.lists(st.just("a"), max_size=1), st.just({"a": "b"}))


@settings(max_examples=400 * SCALE, deadline=None)
@given(schema=st.fixed_dictionaries({"type": st.just("string")}, optional={
           "pattern": st.sampled_from(["^[a-z_]+$", "^[a-z]{1,3}$", "[0-9]"]),
           "minLength": st.integers(0, 2), "maxLength": st.integers(2, 6),
           "enum": st.just(["abc", "a_b", "x", "ab", "12"])}),
       distinct=st.booleans(), count=st.integers(9, 90),
       odd=st.lists(_LONG_ITEMS, max_size=3), where=st.integers(0, 90), repeat=st.booleans())
def test_a_long_text_list_checked_whole_is_the_schema(schema, distinct, count, odd, where,
                                                      repeat):
    """A list long enough for the column checks (more than 8 items; 64 for a joined scan):
    the type of each item read by the pattern's own join or search, and uniqueItems asked
    of the texts without reading their types again (validate/fast.py). Never valid where
    jsonschema finds an error; where both can tell, the same answer."""
    import jsonschema

    items = [f"ab{chr(97 + i % 26)}"[: 1 + i % 3] if "enum" not in schema else "abc"
             for i in range(count)]
    if distinct and "enum" not in schema:
        items = [f"{'abcdefghij'[i % 10]}{'abcdefghij'[i // 10 % 10]}" for i in range(count)]
    items[where:where] = odd
    if repeat:
        items.append(items[0])
    array = {"type": "array", "items": schema, **({"uniqueItems": True} if distinct else {})}
    expected = jsonschema.Draft202012Validator(array).is_valid(items)
    fast = compile_schema(array)(items)
    assert not (fast and not expected), (array, odd, items)
    if not any(isinstance(x, str | bytes) and "\n" in str(x) for x in items) and not any(
            isinstance(x, bytes) for x in items):
        assert fast == expected, (array, odd)
