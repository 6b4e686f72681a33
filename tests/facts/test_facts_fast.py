"""A facts file read the quick way (json and facts/model.py ``plainly_valid``) gives what the
careful way gives (the loader, then the schema), and is taken only when the schema would accept
it: every other file goes the careful way, whose errors name what is wrong."""

from __future__ import annotations

import copy
import dataclasses
import hashlib
import importlib
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import netsep_check.facts as facts_module
from netsep_check.errors import InputError
from netsep_check.facts import IMPORTERS, READ_MAX_BYTES, load_facts
from netsep_check.facts.model import plainly_valid
from netsep_check.load.document import parse_source
from netsep_check.load.source import Source
from netsep_check.validate.fast_checks import pattern_search
from netsep_check.validate.schema_errors import packaged_schema, schema_problems

ROOT = Path(__file__).resolve().parents[2]
FACTS = ROOT / "examples" / "tenant" / "scubagear-facts.json"
SAMPLE = json.loads(FACTS.read_text(encoding="utf-8"))
SCHEMA_FILE = ROOT / "netsep_check" / "schemas" / "tenant-facts.schema.json"
# plainly_valid was written against this schema: review it when the schema changes, then
# write the new digest here.
SCHEMA_SHA256 = "32505a7f3f06bccd67e51add8ed04ca9fa7257159b8b0140e38d78803b1c178a"


def _schema_accepts(data: Any) -> bool:
    text = json.dumps(data, ensure_ascii=False)
    document = parse_source(Source("facts.json", text, "0" * 64))
    return not schema_problems(document, packaged_schema("tenant-facts"))


def test_the_schema_is_the_one_the_quick_check_was_written_for():
    assert hashlib.sha256(SCHEMA_FILE.read_bytes()).hexdigest() == SCHEMA_SHA256


def test_the_read_limit_covers_every_importer():
    biggest = max(importlib.import_module(m).DEFAULT_MAX_BYTES for m in IMPORTERS.values())
    assert biggest == READ_MAX_BYTES


def test_the_sample_is_read_the_quick_way_and_gives_what_the_careful_way_gives(monkeypatch):
    assert plainly_valid(SAMPLE) and _schema_accepts(SAMPLE)
    quick = load_facts(FACTS)
    monkeypatch.setattr(facts_module, "_plain_facts", lambda text: None)
    careful = load_facts(FACTS)
    assert quick == careful and quick.sha256 == careful.sha256


def _with(path: tuple, value: Any, base: Any = None) -> Any:
    data = copy.deepcopy(SAMPLE if base is None else base)
    node = data
    for key in path[:-1]:
        node = node[key]
    if value is _DELETE:
        del node[path[-1]]
    else:
        node[path[-1]] = value
    return data


_DELETE = object()
SETTING = next(i for i, f in enumerate(SAMPLE["facts"]) if f["kind"] == "setting")

# Each one the schema refuses: the quick check must refuse it too.
REFUSED = {
    "no format": (("format",), _DELETE),
    "format": (("format",), "netsep-check-report"),
    "version 2": (("format_version",), 2),
    "version text": (("format_version",), "1"),
    "version true": (("format_version",), True),
    "extra key": (("extra",), 1),
    "source extra": (("source", "extra"), "x"),
    "no importer": (("source", "importer"), _DELETE),
    "importer upper": (("source", "importer"), "ScubaGear"),
    "importer line break": (("source", "importer"), "scubagear\n"),
    "tool empty": (("source", "tool"), ""),
    "tool long": (("source", "tool"), "x" * 201),
    "tool_version long": (("source", "tool_version"), "1" * 101),
    "report_id empty": (("source", "report_id"), ""),
    "collected_at date only": (("source", "collected_at"), "2026-05-04"),
    "collected_at no zone": (("source", "collected_at"), "2026-05-04T17:15:48"),
    "collected_at line break": (("source", "collected_at"), "2026-05-04T17:15:48Z\n"),
    "collected_at bad fraction": (("source", "collected_at"), "2026-05-04T17:15:48.Z"),
    "collected_at short offset": (("source", "collected_at"), "2026-05-04T17:15:48+0900"),
    "collected_at long fraction": (("source", "collected_at"),
                                   "2026-05-04T17:15:48." + "1" * 44 + "Z"),  # 65 characters
    "input_sha256 upper": (("source", "input_sha256"), "A" * 64),
    "input_sha256 short": (("source", "input_sha256"), "a" * 63),
    "tenant hash": (("tenant", "id_sha256"), "z" * 64),
    "service": (("tenant", "service"), "gws"),
    "tenant extra": (("tenant", "name"), "Contoso"),
    "facts not a list": (("facts",), {}),
    "fact not an object": (("facts", 0), "MS.AAD.1.1v1"),
    "fact no value": (("facts", 0, "value"), _DELETE),
    "fact no id": (("facts", 0, "id"), _DELETE),
    "fact id with space": (("facts", 0, "id"), "MS AAD"),
    "fact id long": (("facts", 0, "id"), "A" * 121),
    "fact kind": (("facts", 0, "kind"), "rule"),
    "fact check": (("facts", 0, "check"), "automatic"),
    "fact value object": (("facts", 0, "value"), {"result": "pass"}),
    "fact value nested list": (("facts", SETTING, "value"), [["a"]]),
    "fact value long list": (("facts", SETTING, "value"), ["x"] * 2001),
    "criticality": (("facts", 0, "criticality"), "must"),
    "reported_id long": (("facts", 0, "reported_id"), "x" * 121),
    "product upper": (("facts", 0, "product"), "AAD"),
    "product empty": (("facts", 0, "product"), ""),
    "fact extra": (("facts", 0, "name"), "x"),
    "unknown not a list": (("unknown_policies",), "MS.X.1.1v1"),
    "unknown long": (("unknown_policies",), ["x" * 121]),
    "unknown number": (("unknown_policies",), [1]),
}


@pytest.mark.parametrize("path, value", REFUSED.values(), ids=REFUSED.keys())
def test_what_the_schema_refuses_the_quick_check_refuses(path, value):
    data = _with(path, value)
    assert not _schema_accepts(data)
    assert not plainly_valid(data)


ACCEPTED = {
    "offset": (("source", "collected_at"), "2026-05-04T17:15:48+09:00"),
    "minutes only": (("source", "collected_at"), "2026-05-04T17:15Z"),
    "long fraction": (("source", "collected_at"), "2026-05-04T17:15:48.3071234Z"),
    "no unknown": (("unknown_policies",), _DELETE),
    "list value": (("facts", SETTING, "value"), ["a", 1, 2.5, True, None]),
    "null value": (("facts", SETTING, "value"), None),
    "empty tool_version": (("source", "tool_version"), ""),
}


@pytest.mark.parametrize("path, value", ACCEPTED.values(), ids=ACCEPTED.keys())
def test_plain_variants_are_taken_the_quick_way(path, value):
    data = _with(path, value)
    assert plainly_valid(data) and _schema_accepts(data)


_TEXTS = st.one_of(
    st.text(max_size=8),
    st.sampled_from(["2026-05-04T17:15:48Z", "2026-05-04T17:15:48.3Z", "٢٠٢٦-05-04T17:15Z",
                     "2026-05-04T17:15:48-00:00", "2026-05-04T17:15:48Z\n", "MS.AAD.1.1v1",
                     "aad", "m365", "shall", "policy", "automated", "a" * 64, "0" * 64,
                     "scubagear", "x" * 120, "x" * 121, "netsep-check-tenant-facts"]))
_SCALARS = st.one_of(st.none(), st.booleans(), st.integers(-3, 3), st.floats(-2, 2), _TEXTS)
_VALUES = st.one_of(_SCALARS, st.lists(_SCALARS, max_size=3),
                    st.dictionaries(_TEXTS, _SCALARS, max_size=2))
_PATHS = st.sampled_from([
    ("format",), ("format_version",), ("source", "importer"), ("source", "tool"),
    ("source", "tool_version"), ("source", "report_id"), ("source", "collected_at"),
    ("source", "input_sha256"), ("tenant", "id_sha256"), ("tenant", "service"),
    ("facts", 0, "id"), ("facts", 0, "kind"), ("facts", 0, "check"), ("facts", 0, "value"),
    ("facts", 0, "criticality"), ("facts", 0, "reported_id"), ("facts", 0, "product"),
    ("facts", SETTING, "value"), ("facts", 1), ("unknown_policies",), ("source", "x"),
    ("tenant",), ("facts",), ("extra",)])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(_PATHS, st.one_of(_VALUES, st.just(_DELETE))), min_size=1,
                max_size=3))
def test_the_quick_check_never_accepts_what_the_schema_refuses(changes):
    data = SAMPLE
    for path, value in changes:
        try:
            data = _with(path, value, data)
        except (KeyError, IndexError, TypeError):  # the path no longer exists
            continue
    if plainly_valid(data):
        assert _schema_accepts(data), data


@given(_TEXTS)
def test_the_timestamp_check_is_narrower_than_the_schemas_pattern(text):
    from netsep_check.facts.model import _utc_timestamp

    pattern = packaged_schema("tenant-facts")["properties"]["source"]["properties"][
        "collected_at"]["pattern"]
    if _utc_timestamp(text):
        assert pattern_search(pattern)(text)


@pytest.mark.parametrize("text, words", [
    ('{"format": "netsep-check-tenant-facts", "format": "netsep-check-tenant-facts"}',
     "duplicate key"),
    (FACTS.read_text(encoding="utf-8").replace('"format_version": 1',
                                               '"format_version": 1, "format_version": 1'),
     "duplicate key"),
    (FACTS.read_text(encoding="utf-8").replace('"value": "pass"', '"value": NaN', 1),
     "NaN"),
    (FACTS.read_text(encoding="utf-8").replace('"kind": "policy"',
                                               '"kind": "setting", "kind": "policy"', 1),
     "duplicate key"),
    (FACTS.read_text(encoding="utf-8").replace(
        '"value": "pass"', '"value": {"a": 1, "b": "x:y"}, "value": "pass"', 1),
     "duplicate key"),
    (FACTS.read_text(encoding="utf-8").replace('"service": "m365"',
                                               '"service": "m365", "service": "m365"'),
     "duplicate key"),
    (FACTS.read_text(encoding="utf-8").replace('"kind": "policy"', '"kind": "rule"', 1),
     "facts[0].kind"),
    (FACTS.read_text(encoding="utf-8").replace('"id": "MS.AAD.1.1v1"', '"id": "MS\\u0020AAD"',
                                               1), "facts[0].id"),
])
def test_bad_facts_still_name_what_is_wrong(tmp_path, text, words):
    path = tmp_path / "facts.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_facts(path)
    said = " ".join(f"{p.path or ''} {p.message}" for p in caught.value.problems)
    assert words in said, said


def test_a_facts_file_with_an_escape_is_read_the_careful_way(tmp_path):
    text = FACTS.read_text(encoding="utf-8").replace('"tool": "ScubaGear"',
                                                     '"tool": "Scuba\\u0047ear"')
    path = tmp_path / "facts.json"
    path.write_text(text, encoding="utf-8")
    careful, quick = load_facts(path), load_facts(FACTS)
    assert careful.source.tool == "ScubaGear"
    assert careful == dataclasses.replace(quick, file=str(path), sha256=careful.sha256)


@pytest.mark.parametrize("text", [
    '{"format": "netsep-check-tenant-facts", "format_version": 1, "source": {"importer": "x", '
    '"tool": "T: a", "tool_version": "1:2", "report_id": "r:1", "collected_at": '
    '"2026-05-04T17:15:48+09:00", "input_sha256": "' + "a" * 64 + '"}, "tenant": {"id_sha256": '
    '"' + "b" * 64 + '", "service": "m365"}, "facts": [{"id": "a.b", "kind": "setting", '
    '"check": "automated", "value": ["x:y", "::", 1]}], "unknown_policies": ["a:b"]}',
])
def test_colons_inside_texts_are_no_repeated_key(tmp_path, monkeypatch, text):
    """The quick way counts the colons outside texts: colons inside them change nothing."""
    path = tmp_path / "facts.json"
    path.write_text(text, encoding="utf-8")
    assert facts_module._plain_facts(text) is not None
    quick = load_facts(path)
    monkeypatch.setattr(facts_module, "_plain_facts", lambda text: None)
    assert load_facts(path) == quick


def test_any_repeated_key_sends_the_file_the_careful_way():
    """Every key of the sample written twice, one at a time (the same value, so the data
    parsed is the same): never the quick way."""
    text = FACTS.read_text(encoding="utf-8")
    assert facts_module._plain_facts(text) is not None
    at = 0
    tried = 0
    while (at := text.find('": ', at)) != -1:
        start = text.rfind('"', 0, at) + 1
        end = text.find("\n", at)
        member = text[start - 1:end].rstrip(",")  # "key": value
        if member.endswith(("{", "[")):  # a nested object or list: its key repeated empty
            member = member[:-1] + ("{}" if member.endswith("{") else "[]")
        doubled = text[:start - 1] + member + ", " + text[start - 1:]
        assert facts_module._plain_facts(doubled) is None, member
        at, tried = end, tried + 1
    assert tried > 500


_JSON = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=4)),
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.tuples(inner, inner),
        st.dictionaries(st.text(max_size=3), inner, max_size=4),
        st.dictionaries(st.integers(0, 3), inner, max_size=2)),
    max_leaves=25)


@given(_JSON)
def test_the_canonical_facts_text_is_json_dumps_indented(value):
    from netsep_check.facts.model import indented

    assert indented(value) == json.dumps(value, ensure_ascii=False, indent=2)


def test_imported_facts_keep_their_digest():
    from netsep_check.facts import import_file
    from netsep_check.facts.model import dumps

    facts = import_file("scubagear", ROOT / "tests" / "data" / "scubagear"
                        / "ScubaResults_fa5589b7-d528-4f80.json")
    assert dumps(facts) == json.dumps(facts.as_dict(), ensure_ascii=False, indent=2) + "\n"
