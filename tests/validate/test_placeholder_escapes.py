"""A placeholder spelled with escapes is still a placeholder.

``placeholder_problems`` skips the walk over every text when the source holds no marker word
and no escape that could spell one. Whatever the escapes (JSON ``\\u0054``, YAML ``\\x54``,
``\\U00000054``, an escaped line break inside a word, Korean written as ``\\uXXXX``), it
finds exactly what walking every text finds.
"""

from __future__ import annotations

import json
import random

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from netsep_check.load.document import parse_source
from netsep_check.load.source import Source
from netsep_check.validate.placeholders import _is_placeholder, _strings, placeholder_problems

_words = st.sampled_from(["TODO x", "  TBD", "FIXME: a", "TODOS", "회사명 / Firm name",
                          "2024-FSC-0000-00", "ok", "T", "\tFIXME", "xTODO", "확인 TODO",
                          "TO DO", "todo", "Fix me", "증빙 EV-01"])
_keys = st.sampled_from(["firm", "name", "designation", "number", "notes", "x_note", "a", "b"])
_trees = st.recursive(_words, lambda children: st.one_of(
    st.lists(children, max_size=3), st.dictionaries(_keys, children, max_size=3)),
    max_leaves=12)


def _expected(data: object) -> list[str]:
    from netsep_check.load import format_path

    return [format_path(p) for p, t in _strings(data, ()) if _is_placeholder(p, t)]


def _escape_letters(text: str, rng: random.Random, how: str) -> str:
    """Replace some upper-case letters (inside quoted texts: no other upper case is in the
    dump) by an escape spelling them."""
    out = []
    for ch in text:
        if ch.isascii() and ch.isupper() and rng.random() < 0.5:
            out.append(how.format(ord(ch)))
        else:
            out.append(ch)
    return "".join(out)


@settings(max_examples=200, deadline=None)
@given(tree=st.dictionaries(_keys, _trees, min_size=1, max_size=4),
       ascii_only=st.booleans(), seed=st.integers(0, 2**16))
def test_json_escapes(tree, ascii_only, seed):
    text = json.dumps(tree, ensure_ascii=ascii_only)
    text = _escape_letters(text, random.Random(seed), "\\u{:04x}")
    document = parse_source(Source("p.json", text, ""))
    assert document.data == tree
    assert [p.path for p in placeholder_problems(document)] == _expected(document.data)


@settings(max_examples=150, deadline=None)
@given(tree=st.dictionaries(_keys, _trees, min_size=1, max_size=4),
       how=st.sampled_from(["\\x{:02x}", "\\u{:04x}", "\\U{:08x}", "{}"]),
       seed=st.integers(0, 2**16))
def test_yaml_escapes(tree, how, seed):
    text = yaml.safe_dump(tree, default_style='"', allow_unicode=True, width=10**6)
    if how == "{}":  # an escaped line break inside a word: "TO\<newline>  DO" is "TODO"
        text = text.replace("TODO", "TO\\\n    DO").replace("FIXME", "FIX\\\n  ME")
    else:
        text = _escape_letters(text, random.Random(seed), how)
    document = parse_source(Source("p.yaml", text, ""))
    assert document.data == tree
    assert [p.path for p in placeholder_problems(document)] == _expected(document.data)


def test_escaped_marker_is_found_and_korean_escapes_do_not_force_the_walk():
    spelled = parse_source(Source("p.json", '{"notes": "\\u0054ODO \\ud655\\uc778"}', ""))
    assert [p.path for p in placeholder_problems(spelled)] == ["notes"]
    korean = parse_source(Source("p.json", '{"notes": "\\ud655\\uc778 done"}', ""))
    assert placeholder_problems(korean) == []
