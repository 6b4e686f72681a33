"""Review of 9371692 (large JSON profiles): inputs the commit before it refused or judged
otherwise, and that the fast paths of that commit let through."""

from __future__ import annotations

import pytest

from netsep_check.errors import InputError
from netsep_check.load.document import parse_source
from netsep_check.load.source import Source
from netsep_check.validate.placeholders import placeholder_problems


@pytest.mark.parametrize("brk", ["\n", "\r\n", "\x85", "\u2028", "\u2029"])
def test_placeholder_joined_by_any_escaped_yaml_line_break(brk):
    # YAML 1.1 (libyaml, PyYAML) takes NEL, LS and PS for line breaks too: "TO\<LS>DO" is
    # "TODO", though the source holds neither the word nor an escape of its letters
    text = f'firm:\n  name: 예시\nnotes: "TO\\{brk}  DO: 확인"\n'
    document = parse_source(Source("p.yaml", text, ""))
    assert document.data["notes"] == "TODO: 확인"
    assert [p.path for p in placeholder_problems(document)] == ["notes"]


@pytest.mark.parametrize(("text", "line", "column", "problem"), [
    # a repeated key inside a mapping that closes before the syntax error
    ('{"a": {"b": 1, "b": 2}, "c": }', 1, 30, "Expecting value"),
    ('{"a": {"b": 1, "b": 2}, "c": 1', 1, 31, "Expecting ',' delimiter"),
    # a repeated top-level key, then text after the mapping
    ('{"a": 1, "a": 2} }', 1, 18, "Extra data"),
    ('{"a": 1,\n "a": 2}\n]', 3, 1, "Extra data"),
])
def test_json_syntax_error_is_named_before_a_repeated_key(text, line, column, problem):
    # As before 9371692 for a text without escapes: the whole text is read as JSON first,
    # then its keys are checked for repeats. Naming the key instead sent the text to the
    # YAML builder, which often could only say "YAML syntax error" of a JSON file.
    with pytest.raises(InputError) as caught:
        parse_source(Source("p.json", text, ""))
    (found,) = caught.value.problems
    assert (found.code, found.line, found.column) == ("json.syntax", line, column)
    assert found.params["problem"] == problem


@pytest.mark.parametrize("text", [
    '{"a": {"b": 1, "b": 2}, "c": 1}',
    '{"a": 1, "a": 2}',
    '{"a": {"b": {"c": {"d": {"e": {"f": {"g": 1, "g": 2}}}}}}}',  # deeper than indexed
    '{"a": [{"k": 1, "\\u006b": 2}]}',
    '{"x\\u003a": 1, "a": {"b": 1, "b": 2}}',
])
def test_a_repeated_key_in_json_is_still_refused(text):
    with pytest.raises(InputError) as caught:
        parse_source(Source("p.json", text, ""))
    assert caught.value.problems[0].code == "yaml.duplicate_key"
