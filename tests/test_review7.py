"""Review of 08eb518 (a mapping of a million unknown keys; JSON marks indexed as far as a
lookup needs; unknown keys described lazily): inputs on which it might differ from 144c69d,
and the bound it left open (the alternatives of a oneOf/anyOf error, described in full)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from netsep_check.load.document import JsonMarks, parse_source
from netsep_check.load.source import Source
from netsep_check.report.problems import problem_text
from netsep_check.rules.schema import rules_schema
from netsep_check.validate.schema_errors import schema_problems

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def _rule(basis: object) -> dict[str, object]:
    text = {"ko": "가", "en": "a"}
    return {"id": "YB-X", "area": "network_link", "severity": "low", "title": text,
            "rationale": text, "remediation": text, "basis": basis,
            "check": {"eq": {"path": "a", "value": 1}}}


def _no_alternative(keys: int) -> list[object]:
    basis = {f"u{i}": 1 for i in range(keys)}
    document = parse_source(Source("rules.json", json.dumps({"rules": [_rule(basis)]}), ""))
    return [p for p in schema_problems(document, rules_schema())
            if p.code == "schema.no_alternative"]


def test_a_oneof_of_many_unknown_keys_says_a_bounded_message():
    # A rule's basis is oneOf two objects; a basis of N unknown keys made one message of 2N
    # reasons: 600,000 keys (a 7 MB rules.json) took 34 s, 1.3 GB and printed a 90 MB line
    (problem,) = _no_alternative(5_000)
    assert len(problem.message) < 5_000
    assert len(problem.params["reasons"]) <= 21
    for lang in ("en", "ko"):
        said = problem_text(problem, lang)
        assert len(said) < 5_000
        assert "u0" in said
    assert "not listed" in problem_text(problem, "en")
    # the second alternative (a basis per regime) has its say too
    assert "expected one of: sandbox, standing_exception" in problem.message
    assert "표시하지 않은" in problem_text(problem, "ko")


def test_a_oneof_of_few_unknown_keys_lists_every_reason():
    (problem,) = _no_alternative(3)
    said = problem_text(problem, "en")
    for key in ("u0", "u1", "u2"):
        assert f"unknown key '{key}'" in said
    assert "not listed" not in said
    assert len(problem.params["reasons"]) == 9  # 3 unknown keys twice, 3 required missing
    assert "schema.more_reasons" not in [r["code"] for r in problem.params["reasons"]]


def _paths(data, pre=()):
    yield pre
    if isinstance(data, dict):
        for key, value in data.items():
            yield from _paths(value, (*pre, key))
    elif isinstance(data, list):
        for i, value in enumerate(data):
            yield from _paths(value, (*pre, i))


@pytest.mark.parametrize("keys", [19_999, 20_001])
@pytest.mark.parametrize("first", [True, False])
def test_marks_are_the_same_whichever_parse_path_ran(keys, first):
    # held: past _KEYS_ONE_BY_ONE the text is parsed by json.loads without an index, and
    # marks are found on demand; every path (and paths that are not there) stands where the
    # index noted while parsing puts it, in a text above 256 kB (six levels indexed)
    import yaml

    data = yaml.safe_load((EXAMPLES / "m365-noncompliant-scope.yaml").read_text("utf-8"))
    data = json.loads(json.dumps(data, default=str))
    pad = {"x_pad": {f"k{i}": {"v": [i, {"w": i}]} for i in range(keys)}}
    data = {**pad, **data} if first else {**data, **pad}
    text = json.dumps(data, indent="\t").replace("\n", "\r\n")
    assert len(text) > 256 << 10
    document = parse_source(Source("p.json", text, ""))
    indexed = JsonMarks(text, document._json_index)  # None past the keys read one by one
    fresh = JsonMarks(text)
    paths = [p for p in _paths(document.data) if not p or p[0] != "x_pad" or len(p) < 3]
    paths += [p + extra for p in paths[:200] for extra in (("nope",), (0,), (-1,), (99,))]
    assert [fresh.nearest(p) for p in paths] == [indexed.nearest(p) for p in paths]
    assert document.position(("usage", "tasks", 5)) == fresh.nearest(("usage", "tasks", 5))


def _facts_refused(tmp_path: Path, items: int) -> Any:
    """The input error of the example facts file whose third fact's value is a list of
    ``items`` empty mappings."""
    from netsep_check.errors import InputError
    from netsep_check.facts import load_facts

    facts = json.loads((EXAMPLES / "tenant" / "scubagear-facts.json").read_text("utf-8"))
    facts["facts"][2]["value"] = [{}] * items
    path = tmp_path / "facts.json"
    path.write_text(json.dumps(facts, indent=2), "utf-8")
    with pytest.raises(InputError) as caught:
        load_facts(path)
    return caught.value


def test_a_fact_value_of_many_items_is_refused_before_the_schema_judges_it(tmp_path):
    # jsonschema judges both alternatives of a fact's value (anyOf) in full: a list of
    # 300,000 mappings (a 0.9 MB facts file) took 13 s and 1 GB, an 8 MB one would take GBs
    (problem,) = _facts_refused(tmp_path, 20_000).problems
    assert (problem.code, problem.path, problem.params) == (
        "schema.too_many_items", "facts[2].value", {"max": 2000})
    assert problem.line is not None
    assert problem_text(problem, "en") == "has more than 2000 item(s)"
    assert problem_text(problem, "ko") == "항목은 2000개 이하여야 합니다"


def test_a_fact_value_within_bounds_is_still_judged_by_the_schema(tmp_path):
    assert [p.code for p in _facts_refused(tmp_path, 3).problems] == ["schema.no_alternative"]


@pytest.mark.parametrize("text", [
    '  \n\t {"dup": 1, "dup": 2}',  # a tab before the object: JSON's blank, not YAML's
    '{"dup": 1, "dup": 2}\n\t',
    '{"' + "k" * 1100 + '": 1, "dup": 1, "dup": 2}',  # a key YAML cannot read (> 1024)
    '{"' + "k" * 1100 + '": 1, "dup": 1, "dup": 2, "a": "\\u003a"}',  # with the hook
])
def test_a_repeated_json_key_is_named_not_called_a_yaml_syntax_error(text):
    # the YAML builder names the line of a repeated key; where it cannot read the JSON it
    # said "YAML syntax error" about a JSON file (144c69d and 08eb518 alike)
    from netsep_check.errors import InputError

    with pytest.raises(InputError) as caught:
        parse_source(Source("p.json", text, ""))
    (problem,) = caught.value.problems
    assert problem.code in ("yaml.duplicate_key", "json.duplicate_key")
    assert problem.params["key"] == "dup"
    assert "YAML" not in problem_text(problem, "en")
    assert problem_text(problem, "ko").startswith("키 'dup'이(가) 중복되었습니다")
