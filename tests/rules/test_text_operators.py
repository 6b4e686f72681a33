"""The text operators: fragments compared as plain text, host names against the Public Suffix List."""

from __future__ import annotations

import datetime as dt

import pytest

from netsep_check.rules.compiler import compile_condition
from netsep_check.rules.operators.base import Ctx, Env, EvalError, RuleSyntaxError
from netsep_check.rules.operators.text import host_reach


def judge(condition, data, params=None):
    return compile_condition(condition, Env(params or {})).test(Ctx(data, dt.date(2026, 1, 1)))


@pytest.mark.parametrize(("text", "holds"), [
    ("chat_gpt_enterprise", True), ("ChatGPT", True), ("Chat-GPT", True), ("ＣｈａｔＧＰＴ", True),
    ("google_gemini", True), ("exchange_online", False), ("teams", False)])
def test_text_includes_compares_folded_plain_text(text, holds):
    cond = {"text_includes": {"path": "t", "value": {"param": "frags"}}}
    result = judge(cond, {"t": text}, {"frags": ["gpt", "gemini"]})
    assert (result is None) is holds
    if not holds:
        assert result[0].code == "text_includes"


def test_text_includes_takes_fragments_as_data_never_as_patterns():
    cond = {"text_includes": {"path": "t", "value": [".*"]}}
    with pytest.raises(RuleSyntaxError):  # '.' is left out, so ".*" is "*" — still plain text
        compile_condition({"text_includes": {"path": "t", "value": ["", "x"]}}, Env({}))
    assert judge(cond, {"t": "anything"})  # "*" is not in "anything": no pattern was run
    assert judge(cond, {"t": "a*b"}) is None
    with pytest.raises(EvalError):
        judge(cond, {"t": 3})


@pytest.mark.parametrize(("host", "why"), [
    ("outlook.office365.com", None), ("*.sharepoint.com", None), ("*.login.microsoftonline.com", None),
    ("*.yesicard.co.kr", None), ("*.com", "public_suffix"), ("*.co.kr", "public_suffix"),
    ("*.kr", "public_suffix"), ("*.blob.core.windows.net", "public_suffix"),
    ("*", "wildcard"), ("*.*", "wildcard"), ("a*.com", "wildcard"), ("*.", "wildcard")])
def test_host_reach_allows_at_most_one_registrable_domain(host, why):
    assert host_reach(host) == why
    result = judge({"host_within_one_domain": {"path": "h"}}, {"h": host})
    assert (result is None) is (why is None)
