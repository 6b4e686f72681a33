"""Review of 9371692 (large JSON profiles): inputs the commit before it refused or judged
otherwise, and that the fast paths of that commit let through."""

from __future__ import annotations

import pytest

from netsep_check.errors import InputError
from netsep_check.load.document import parse_source
from netsep_check.load.source import Source
from netsep_check.validate.placeholders import placeholder_problems
from tests.conftest import variant


@pytest.mark.parametrize("brk", ["\n", "\r\n", "\x85", "\u2028", "\u2029"])
def test_placeholder_joined_by_any_escaped_yaml_line_break(brk):
    # YAML 1.1 (libyaml, PyYAML) takes NEL, LS and PS for line breaks too: "TO\<LS>DO" is
    # "TODO", though the source holds neither the word nor an escape of its letters
    text = f'firm:\n  name: 예시\nnotes: "TO\\{brk}  DO: 확인"\n'
    document = parse_source(Source("p.yaml", text, ""))
    assert document.data["notes"] == "TODO: 확인"
    assert [p.path for p in placeholder_problems(document)] == ["notes"]


def test_a_compliant_example_with_an_escaped_ls_todo_is_not_judged(run, tmp_path):
    # the installed command: the example is compliant (exit 0) but for a note that reads
    # "TODO: 확인" once YAML joins the escaped line separator; 9371692 judged it compliant
    profile = variant(tmp_path, "m365-compliant.yaml", "p.yaml",
                      ('note: "DLP·DRM 적용, 업무용 전용 단말"', 'note: "TO\\\u2028DO: 확인"'))
    result = run("check", profile, "--lang", "en")
    assert result.exit_code == 2, result.output
    assert "security_measures.endpoint.leak_prevention.note" in result.stderr
    assert "template placeholder ('TODO: 확인')" in result.stderr


@pytest.mark.parametrize(("text", "line", "column", "problem"), [
    # a repeated key inside a mapping that closes before the syntax error
    ('{"a": {"b": 1, "b": 2}, "c": }', 1, 30, "Expecting value"),
    ('{"a": {"b": 1, "b": 2}, "c": 1 "d": 2}', 1, 32, "Expecting ',' delimiter"),
    # a repeated top-level key, then text after the mapping
    ('{"a": 1, "a": 2} }', 1, 18, "Extra data"),
    ('{"a": 1,\n "a": 2}\n]', 3, 1, "Extra data"),
])
@pytest.mark.parametrize("padding", [0, 300_000])  # mappings below the top: indexed or not
def test_json_syntax_error_is_named_before_a_repeated_key(text, line, column, problem, padding):
    # As before 9371692 for a text without escapes: the whole text is read as JSON first,
    # then its keys are checked for repeats. Naming the key instead sent the text to the
    # YAML builder, which often could only say "YAML syntax error" of a JSON file.
    with pytest.raises(InputError) as caught:
        parse_source(Source("p.json", text + " " * padding, ""))
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
@pytest.mark.parametrize("padding", [0, 300_000])
def test_a_repeated_key_in_json_is_still_refused(text, padding):
    with pytest.raises(InputError) as caught:
        parse_source(Source("p.json", text + "\n" * padding, ""))
    assert caught.value.problems[0].code == "yaml.duplicate_key"
