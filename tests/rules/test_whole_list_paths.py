"""Checks that read a whole list at C speed must answer exactly as the element loop does.

``_plain_hosts`` may say True only when ``host_reach`` lets every item through; ``_Members``
of plain texts makes its canonical keys only when asked, and they are the keys it made
before; ``every`` over a list contained in another list answers as before.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from netsep_check.rules.operators.sets import _Members
from netsep_check.rules.operators.text import _plain_hosts, host_reach
from netsep_check.values import canonical

_host_chars = st.sampled_from(list("ab.*- \t\n\x00\u3000\u00a01"))
_hosts = st.lists(st.one_of(st.text(_host_chars, max_size=6),
                            st.sampled_from(["", " ", ".", " . ", ". .", "..", "a.", "*.com",
                                             "*.sharepoint.com", "login.example.com"])),
                  max_size=8)


_PLAIN = [f"h{i}.example.com" for i in range(17)]  # a list long enough to be read whole


@settings(max_examples=400, deadline=None)
@given(items=_hosts, where=st.integers(0, 17))
def test_plain_hosts_says_true_only_when_every_item_passes(items, where):
    items = _PLAIN[:where] + items + _PLAIN[where:]
    answer = _plain_hosts(items)
    assert answer in (True, None)
    if answer:
        assert all(host_reach(item) is None for item in items)
    else:
        # it gives up only on a NUL, a wildcard, an item of spaces and dots alone, an item of
        # one label, or one starting with a dot
        assert any("\x00" in item or "*" in item
                   or all(c.isspace() or c == "." for c in item)
                   or "." not in item.strip().rstrip(". \t\n\r\x0b\x0c")
                   or item.strip().startswith(".") for item in items)


def test_plain_hosts_leaves_odd_values_and_short_lists_to_the_loop():
    assert _plain_hosts([*_PLAIN, 1]) is None
    assert _plain_hosts([*_PLAIN, None]) is None
    assert _plain_hosts([*_PLAIN, "*.com"]) is None
    assert _plain_hosts([*_PLAIN, " .. "]) is None
    assert _plain_hosts([*_PLAIN, "b.example.org."]) is True
    assert _plain_hosts(_PLAIN[:16]) is None  # short: each judged on its own


_values = st.one_of(st.text(max_size=4), st.integers(-3, 3), st.booleans(), st.none(),
                    st.floats(allow_nan=False), st.lists(st.integers(0, 2), max_size=2))


@settings(max_examples=300, deadline=None)
@given(items=st.lists(_values, max_size=8), probe=_values)
def test_members_are_the_canonical_members(items, probe):
    members = _Members(items)
    assert members.keys == {canonical(item) for item in items}
    assert members.texts == {item for item in items if isinstance(item, str)}
    assert (probe in members) == any(canonical(probe) == canonical(item) for item in items)


def test_members_of_texts_make_their_keys_only_when_asked():
    members = _Members(["a", "b", "a"])
    assert members._keys is None  # the common case: no key made
    assert members.texts == {"a", "b"}
    assert members.keys == {("s", "a"), ("s", "b")}
    assert members._keys is not None
    mixed: Any = _Members(["a", 1, True])
    assert mixed._keys == {("s", "a"), ("n", 1), ("b", True)}


@pytest.mark.parametrize("odd", [{"id": "x"}, ["x"], 1, True, "t3"])
@pytest.mark.parametrize("listed", [True, False])
def test_a_long_list_with_an_odd_item_is_answered_as_the_loop_answers(odd, listed):
    """An element of a long list in another list (the scope rules' shape): a long list of
    texts is asked at once; one that holds a mapping, a list or a number is still
    answered by the fast check (not sent to the detailed one), as the loop answers (null is
    an error, judged in detail)."""
    import datetime as dt

    from netsep_check.rules.compiler import compile_condition
    from netsep_check.rules.operators.base import Ctx, Env, Fallback

    compiled = compile_condition({"every": {"in": "a", "as": "e", "check": {
        "contains": {"path": "b", "value": {"path": "e"}}}}}, Env({}))
    texts = [f"t{i}" for i in range(40)]
    data = {"a": [*texts[:20], odd], "b": [*texts, odd] if listed else texts}
    expected = not compiled.test(Ctx(data, dt.date(2025, 6, 30)))
    assert expected == (listed or odd == "t3")
    try:
        answer = compiled.holds(Ctx(data, dt.date(2025, 6, 30)))
    except Fallback:  # cannot say (an element not in the list): judged in detail
        answer = None
    assert answer is True if expected else answer in (None, False)


@settings(max_examples=1500, deadline=None)
@given(name=st.text(alphabet="0xX.19a ", min_size=1, max_size=12))
def test_every_spelling_of_any_address_is_too_broad(name):
    """An allow-list entry that an address parser (inet_aton) reads as 0.0.0.0 — ``0``,
    ``0.0``, ``0x0.0.0.0``, ``00000000`` — allows any address, as ``0.0.0.0`` does: never a
    plain host (review of 2026-12-01: five such spellings passed)."""
    import socket

    plain = name.strip().rstrip(".")
    try:
        anything = bool(plain) and socket.inet_aton(plain) == bytes(4) and " " not in plain
    except OSError:
        anything = False
    if anything:
        assert host_reach(name) == "wildcard", name
        assert _plain_hosts([*_PLAIN, name]) is None
    elif plain and host_reach(name) == "wildcard":  # an address of zeros, or one label
        assert (not plain.lstrip("0xX.") and plain.count(".") <= 3) or "." not in plain \
            or plain.startswith("."), name
