"""Review of 9371692 (large JSON profiles): inputs the commit before it refused or judged
otherwise, and that the fast paths of that commit let through."""

from __future__ import annotations

import pytest

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
