"""NET-ALLOWED-DESTINATIONS reads the Public Suffix List as sets (rules/operators/text.py):
the same answers as the publicsuffixlist package's own matcher, at a fraction of its start."""

from __future__ import annotations

from publicsuffixlist import PublicSuffixList

from netsep_check.rules.operators.text import _suffix_list, host_reach


def test_public_suffixes_as_publicsuffixlist_reads_them():
    package, ours = PublicSuffixList(), _suffix_list()
    domains = {"sharepoint.com", "core.windows.net", "com", "co.kr", "example.co.kr", "kr",
               "internal", "corp.internal", "a.b.internal"}
    for entry in (*ours.exact, *ours.wild, *ours.exceptions):
        domains |= {entry, f"x.{entry}", f"a.b.{entry}", entry.partition(".")[2]}
    domains.discard("")
    disagree = [d for d in domains if ours.is_public(d) != (package.privatesuffix(d) is None)]
    assert not disagree, disagree[:20]


def test_a_wildcard_is_judged_by_what_it_reaches():
    assert host_reach("*.sharepoint.com") is None
    assert host_reach("login.microsoftonline.com") is None
    for broad in ("*.com", "*.co.kr", "*.blob.core.windows.net", "*.core.windows.net",
                  "*.amazonaws.com", "*.alces.network"):
        assert host_reach(broad) == "public_suffix", broad
    assert host_reach("*") == host_reach("a*.com") == "wildcard"
