"""The text operators: fragments compared as plain text, host names against the Public Suffix List."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

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
    ("*", "wildcard"), ("*.*", "wildcard"), ("a*.com", "wildcard"), ("*.", "wildcard"),
    # as allow-lists read them (hostile run of 2026-12-01: each of these passed)
    ("any", "wildcard"), ("ALL", "wildcard"), ("com", "wildcard"), ("com.", "wildcard"),
    (".com", "public_suffix"), (" .co.kr", "public_suffix"), ("..", "wildcard"),
    (".example.com", None), ("0.0.0.0/0", "wildcard"), ("0/0", "wildcard"), ("::", "wildcard"),
    ("::/0", "wildcard"), ("[::]", "wildcard"), ("0.0.0.0/8", "wildcard"),
    ("52.112.0.0/14", None), ("13.107.6.152/31", None), ("2603:1063::/38", None),
    ("2001:db8::1", None)])
def test_host_reach_allows_at_most_one_registrable_domain(host, why):
    assert host_reach(host) == why
    result = judge({"host_within_one_domain": {"path": "h"}}, {"h": host})
    assert (result is None) is (why is None)


@pytest.mark.parametrize(("host", "why"), [
    ("*.sharepoint.com", "tenant_suffix"), ("*.SharePoint.COM.", "tenant_suffix"),
    ("*.yesibank.sharepoint.com", None), ("yesibank.sharepoint.com", None),
    ("*.a.b.sharepoint.com", None), ("*.office.com", None), ("*.com", "public_suffix")])
def test_a_wildcard_over_every_tenant_fails_with_tenant_suffixes(host, why):
    """*.sharepoint.com lies under one registrable domain, but every label beneath it is
    another firm's tenant: given as a tenant suffix, a wildcard over it allows them all."""
    assert host_reach(host, frozenset({"sharepoint.com"})) == why
    assert host_reach(host) == (None if why == "tenant_suffix" else why)
    cond = {"host_within_one_domain": {"path": "h", "tenant_suffixes": ["*.SharePoint.com"]}}
    result = judge(cond, {"h": host})
    assert (result is None) is (why is None)
    if why == "tenant_suffix":
        (failure,) = result
        assert failure.code == "host_one_tenant" and failure.actual == host


def test_a_suffix_above_a_tenant_suffix_fails_too():
    assert host_reach("*.example.com", frozenset({"tenants.example.com"})) == "tenant_suffix"
    assert host_reach("*.x.tenants.example.com", frozenset({"tenants.example.com"})) is None


@pytest.mark.parametrize("value", [{"path": "h"}, "sharepoint.com", [""], ["*."], [3]])
def test_tenant_suffixes_are_a_constant_list_of_domains(value):
    with pytest.raises(RuleSyntaxError):
        compile_condition({"host_within_one_domain": {"path": "h", "tenant_suffixes": value}},
                          Env({}))


def test_the_packs_tenant_suffixes_are_the_egress_tables_tenant_rows():
    """The allow-list rule and the egress check read the same fact (which domains name a
    tenant per label) from two files: every suffix the egress check accepts only for the
    firm's own tenant is one an allow-list wildcard may not cover. The pack refuses more (a
    wildcard over *.onmicrosoft.com), for hosts the egress table does not accept at all."""
    from netsep_check.facts.mapping import load_hosts
    from netsep_check.rules import load_pack

    table = {suffix.lstrip(".") for suffix in load_hosts().tenants}
    assert table
    for pack in ("sandbox-2024", "standing-exception-2026"):
        refused = {t.lstrip("*.") for t in load_pack(pack).parameters["tenant_suffixes"]}
        assert table <= refused, pack
        assert all(host_reach(f"*.{suffix}", frozenset(refused)) for suffix in refused), pack


@pytest.mark.parametrize(("host", "why"), [
    ("0.0.0.0", "wildcard"), ("0.0.0.0.", "wildcard"), ("10.0.0.0", None), ("10.1.2.3", None),
    ("*.1.2.3", "wildcard"), ("*.10.0.0.0", "wildcard"), ("*.1a.example.com", None)])
def test_any_address_is_too_broad(host, why):
    """0.0.0.0 is what allow-lists write for any address, and '*.1.2.3' names no domain: both
    passed NET-ALLOWED-DESTINATIONS as one host (review11)."""
    assert host_reach(host) == why
    result = judge({"host_within_one_domain": {"path": "h"}}, {"h": host})
    assert (result is None) is (why is None)


def test_any_address_in_a_long_list_is_found_too():
    hosts = [f"app{i}.example.com" for i in range(40)] + ["0.0.0.0"]
    cond = {"every": {"in": "hs", "as": "h", "check": {"host_within_one_domain": {"path": "h"}}}}
    assert judge(cond, {"hs": hosts})
    assert judge(cond, {"hs": hosts[:-1]}) is None
    fast = compile_condition(cond, Env({})).holds  # the yes/no the engine asks first
    assert fast(Ctx({"hs": hosts[:-1]}, dt.date(2026, 1, 1))) is True
    try:
        said = fast(Ctx({"hs": hosts}, dt.date(2026, 1, 1)))
    except Exception:  # a fast check that cannot say: the rule is judged in detail
        said = False
    assert said is False


def test_a_long_tenant_suffixes_list_is_not_copied_into_the_rules_text():
    suffixes = [f"t{i}.example.com" for i in range(5000)]
    compiled = compile_condition({"host_within_one_domain": {
        "path": "h", "tenant_suffixes": {"param": "many"}}}, Env({"many": suffixes}))
    for text in compiled.text.values():
        assert len(text) < 600 and "(+4992)" in text and "(many)" in text
    assert judge({"host_within_one_domain": {"path": "h", "tenant_suffixes": suffixes}},
                 {"h": "*.t4999.example.com"})


@pytest.mark.parametrize(("host", "why"), [
    ("*.cloudapp.azure.com", "tenant_suffix"), ("*.azure.com", "tenant_suffix"),
    ("*.koreacentral.cloudapp.azure.com", "tenant_suffix"),
    ("*.KoreaCentral.CloudApp.Azure.com.", "tenant_suffix"),
    ("*.vm.koreacentral.cloudapp.azure.com", None), ("*.a.vm.koreacentral.cloudapp.azure.com", None),
    ("vm.koreacentral.cloudapp.azure.com", None), ("*.azure.net", None)])
def test_a_tenant_two_labels_beneath_refuses_a_wildcard_over_a_region(host, why):
    """``*.*.cloudapp.azure.com``: a tenant's host is <name>.<region>.cloudapp.azure.com, so a
    wildcard over one region reaches every customer in it."""
    assert host_reach(host, frozenset({"*.*.cloudapp.azure.com"})) == why
    cond = {"host_within_one_domain": {"path": "h", "tenant_suffixes": ["*.*.CloudApp.Azure.com."]}}
    result = judge(cond, {"h": host})
    assert (result is None) is (why is None)
    if why == "tenant_suffix":
        (failure,) = result
        assert failure.code == "host_one_tenant" and "cloudapp.azure.com" in failure.against


_LABEL = st.sampled_from(["a", "b", "r", "x", "com", "net"])


@given(extra=st.lists(_LABEL, max_size=4), domain=st.lists(_LABEL, min_size=1, max_size=3),
       cut=st.integers(0, 2), other=st.booleans(), depth=st.integers(1, 3))
def test_a_wildcard_fails_exactly_when_it_reaches_two_tenants(extra, domain, cut, other, depth):
    """The tenant suffix ``*.``×depth + X names tenant hosts t.r….X: ``*.<base>`` (which reaches
    every name ending in ``.<base>``) is too broad exactly when two tenant hosts that differ only
    in their tenant's label both lie beneath it, for some choice of the labels between. The
    base is labels over X, or X with labels cut off its left, or (``other``) another domain."""
    suffix = ".".join(domain)
    base = [*extra, *domain[min(cut, len(domain) - 1):]] if not extra else [*extra, *domain]
    if other:  # a name that ends in X's text but not at a label's start
        base = [*extra, f"a{domain[0]}", *domain[1:]]
    tenant = "*." * depth + suffix
    name = ".".join(base)
    labels = {*base, "fresh"}
    regions: list[list[str]] = [[]]
    for _ in range(depth - 1):
        regions = [[*r, label] for r in regions for label in labels]
    reached = any(
        all(f"{t}.{'.'.join((*r, suffix))}".endswith(f".{name}") for t in ("t1", "t2"))
        for r in regions)
    broad = host_reach(f"*.{name}", frozenset({tenant})) == "tenant_suffix"
    plain = host_reach(f"*.{name}") is not None  # the Public Suffix List may refuse it anyway
    assert broad or plain or not reached
    if not reached:
        assert not broad
