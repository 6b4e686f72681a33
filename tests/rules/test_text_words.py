"""``text_includes`` with ``words: true`` (rules/operators/text.py): whole words only."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from netsep_check.rules.compiler import compile_condition
from netsep_check.rules.operators.base import Ctx, Env, RuleSyntaxError


def holds(spec: dict, data: dict) -> bool:
    return compile_condition({"text_includes": spec}, Env({})).test(Ctx(data, dt.date(2025, 1, 1))
                                                                    ) is None


@pytest.mark.parametrize(("text", "expected"), [
    ("notion_ai", True), ("zoom_ai_companion", True), ("AI", True), ("ai-writer", True),
    ("email_archive", False), ("mail", False), ("aide", False), ("ＡＩ", True)])
def test_a_fragment_must_be_a_whole_word(text, expected):
    assert holds({"path": "p", "value": ["ai"], "words": True}, {"p": text}) is expected


WORDS = st.text(alphabet="aiAI_-. x", max_size=10)


@given(text=WORDS, fragment=st.sampled_from(["ai", "x", "aix"]))
def test_a_whole_word_is_also_an_included_fragment(text, fragment):
    """words: true is never looser than the plain comparison."""
    if holds({"path": "p", "value": [fragment], "words": True}, {"p": text}):
        assert holds({"path": "p", "value": [fragment]}, {"p": text})


def test_words_is_true_or_false():
    with pytest.raises(RuleSyntaxError):
        compile_condition({"text_includes": {"path": "p", "value": ["ai"], "words": "yes"}},
                          Env({}))


@pytest.mark.parametrize("fragment", ["gen_ai", "gen ai", "gen-ai", "gen.ai"])
def test_a_fragment_of_more_than_one_word_is_refused(fragment):
    """It could never equal one word: refused, not silently never matching."""
    with pytest.raises(RuleSyntaxError):
        compile_condition({"text_includes": {"path": "p", "value": [fragment], "words": True}},
                          Env({}))
