"""``additionalProperties: false`` (validate/schema_errors.py) says only that a key is not
allowed, and lets describe() name the keys: it must refuse exactly what jsonschema refuses."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from netsep_check.validate.schema_errors import describe, validator

_SCHEMAS = [
    {"type": "object", "properties": {"a": {"type": "integer"}, "b": {}},
     "additionalProperties": False},
    {"type": "object", "properties": {"a": {}}, "patternProperties": {"^x_": {}},
     "additionalProperties": False},
    {"type": "object", "properties": {"a": {}}, "additionalProperties": {"type": "integer"}},
    {"type": "object", "additionalProperties": False},
    {"type": "object", "properties": {"n": {"type": "object", "properties": {"a": {}},
                                            "additionalProperties": False}}},
]
_KEYS = st.sampled_from(["a", "b", "x_1", "x_", "c", "ax_", "n"])
_VALUES = st.recursive(st.one_of(st.integers(0, 2), st.text("a", max_size=1), st.none()),
                       lambda c: st.dictionaries(_KEYS, c, max_size=4), max_leaves=8)


@settings(max_examples=400, deadline=None)
@given(schema=st.sampled_from(_SCHEMAS), instance=st.dictionaries(_KEYS, _VALUES, max_size=6))
def test_refuses_what_jsonschema_refuses_and_names_each_unknown_key(schema, instance):
    ours = list(validator(schema).iter_errors(instance))
    theirs = list(Draft202012Validator(schema).iter_errors(instance))
    assert bool(ours) == bool(theirs)
    assert sorted(tuple(e.absolute_path) for e in ours) == \
        sorted(tuple(e.absolute_path) for e in theirs)
    named = {said.path[-1] for error in ours if error.validator == "additionalProperties"
             for said in describe(error, schema) if said.code == "schema.unknown_key"}
    unknown = {key for error in theirs if error.validator == "additionalProperties"
               for key in error.instance if key not in error.schema.get("properties", {})
               and not (key.startswith("x_") and "patternProperties" in error.schema)}
    assert named == unknown
