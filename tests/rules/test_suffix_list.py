"""NET-ALLOWED-DESTINATIONS reads the Public Suffix List as sets (rules/operators/text.py):
the same answers as the publicsuffixlist package's own matcher, at a fraction of its start."""

from __future__ import annotations

from pathlib import Path

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


def _line_by_line(text: str) -> tuple[set[str], set[str], set[str], set[str]]:
    """The list read the plain way, one line at a time: what the sets must equal."""
    exact: set[str] = set()
    wild: set[str] = set()
    exceptions: set[str] = set()
    above: set[str] = set()
    for line in text.splitlines():
        entry = line.strip().lower()
        if not entry or entry.startswith("//"):
            continue
        if entry.startswith("!"):
            exceptions.add(entry[1:])
            continue
        if entry.startswith("*."):
            entry = entry[2:]
            wild.add(entry)
        else:
            exact.add(entry)
        labels = entry.split(".")
        above.update(".".join(labels[i:]) for i in range(1, len(labels)))
    return exact, wild, exceptions, above


def _listing() -> str:
    import publicsuffixlist

    return Path(publicsuffixlist.__file__).with_name("public_suffix_list.dat").read_text(
        encoding="utf-8")


def test_the_sets_are_those_of_reading_line_by_line():
    from netsep_check.rules.operators.text import _SuffixList

    sample = "// c\n\nCOM\n*.Ck\n!www.ck\n  a.b.c.example  \r\nx.*.y\n*\n"
    for source in (_listing(), sample):
        read = _SuffixList.read(source)
        assert tuple(set(read[name]) for name in ("exact", "wild", "exceptions", "above")) == \
            _line_by_line(source)


def test_the_sets_kept_between_runs_are_the_sets_of_the_list(monkeypatch, tmp_path):
    """The sets are read back from the parsed cache as they were made; an entry that is not
    four lists of text is made again, and with the cache off nothing is kept."""
    from netsep_check.rules import parsed
    from netsep_check.rules.operators import text

    monkeypatch.setattr(parsed, "policies_root", lambda: tmp_path)
    fresh = text._SuffixList.read(_listing())
    for _ in range(2):  # made and kept, then read back
        text._suffix_list.cache_clear()
        ours = text._suffix_list()
        assert (ours.exact, ours.wild, ours.exceptions, ours.above) == tuple(
            frozenset(fresh[n]) for n in ("exact", "wild", "exceptions", "above"))
    kept = list((tmp_path / parsed.FOLDER).glob("*.json"))
    assert len(kept) == 1
    import json

    entry = json.loads(kept[0].read_text(encoding="utf-8"))
    kept[0].write_text(json.dumps({"key": entry["key"], "data": {**entry["data"], "exact": [1]}}),
                       encoding="utf-8")
    text._suffix_list.cache_clear()
    assert text._suffix_list().exact == frozenset(fresh["exact"])  # made again
    monkeypatch.setenv("NETSEP_CHECK_NO_PARSED_CACHE", "1")
    for entry in kept:
        entry.unlink()
    text._suffix_list.cache_clear()
    assert text._suffix_list().wild == frozenset(fresh["wild"])
    assert not list((tmp_path / parsed.FOLDER).glob("*.json"))
    text._suffix_list.cache_clear()
