"""Operators on one text field: text_includes (a fragment of a pack list appears in it) and
host_within_one_domain (an allow-list entry reaches no more than one registrable domain).

Both judge data as data: fragments are compared as plain text (never as patterns or code), and a
host name is looked up in the Public Suffix List shipped with the ``publicsuffixlist`` package
(no network).
"""

from __future__ import annotations

import datetime as dt
import functools
import unicodedata
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from netsep_check.rules.operators.base import (
    FALLBACK,
    Compiled,
    Ctx,
    Env,
    EvalError,
    Failure,
    RuleSyntaxError,
    compile_operand,
    compile_path,
    require_keys,
    show,
    walker,
)
from netsep_check.rules.operators.registry import Operator, SubCompile

_SEPARATORS = str.maketrans("", "", "_-. \t")


def fold_text(text: str) -> str:
    """How text_includes compares: NFKC, case folded, without ``_ - .`` and spaces, so
    ``Chat-GPT``, ``chat_gpt`` and ``ＣｈａｔＧＰＴ`` all read ``chatgpt``."""
    return unicodedata.normalize("NFKC", text).casefold().translate(_SEPARATORS)


def _texts(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(item, str) and item for item in value)


def _text_includes(spec: Any, env: Env, sub: SubCompile) -> Compiled:
    require_keys(spec, env, {"path", "value"})
    ref = compile_path(spec["path"], env)
    rhs = compile_operand(spec["value"], env)
    if rhs.constant:
        fragments = rhs.get(Ctx(None, dt.date.min))
        if not _texts(fragments) or not all(fold_text(f) for f in fragments):
            raise RuleSyntaxError("text_includes needs a list of non-empty texts as its value",
                                  env.where)
        folded_once: list[str] | None = [fold_text(f) for f in fragments]
    else:
        folded_once = None

    def test(ctx: Ctx) -> list[Failure] | None:
        actual = ref.get(ctx)
        if not isinstance(actual, str):
            raise EvalError(f"{ref.text} is {show(actual)}, not a text", ref.concrete(ctx),
                            reason="eval_not_text", subject=ref.text, value=actual)
        folded = folded_once
        if folded is None:
            fragments = rhs.get(ctx)
            if not _texts(fragments):
                raise EvalError(f"{rhs.label} is not a list of texts", ref.concrete(ctx),
                                reason="eval_not_texts", subject=rhs.label)
            folded = [fold_text(f) for f in fragments]
        text = fold_text(actual)
        if any(fragment and fragment in text for fragment in folded):
            return None
        return [Failure(ref.concrete(ctx), "text_includes", actual, rhs.get(ctx), rhs.label)]

    return Compiled(test, (ref.schema_path, *rhs.reads),
                    {"en": f"{ref.text} includes one of {rhs.label} (case, spaces, '_', '-' and "
                           "'.' ignored)",
                     "ko": f"{ref.text}에 {rhs.label} 중 하나가 포함됨 (대소문자·공백·'_'·'-'·'.' "
                           "무시)"})


class _SuffixList:
    """The Public Suffix List as sets: its rules, its ``*.`` rules, its ``!`` exceptions, and
    every domain that has a public suffix beneath it (``core.windows.net`` for
    ``blob.core.windows.net``). Read in one pass from the list file that ``publicsuffixlist``
    bundles — data, never fetched — about ten times faster than building that package's own
    matcher, which a check would otherwise pay for its first wildcard."""

    def __init__(self, lines: Iterable[str]) -> None:
        exact: set[str] = set()
        wild: set[str] = set()
        exceptions: set[str] = set()
        above: set[str] = set()
        for line in lines:
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
        self.exact, self.wild, self.exceptions = frozenset(exact), frozenset(wild), \
            frozenset(exceptions)
        self.above = frozenset(above)

    def is_public(self, domain: str) -> bool:
        """A public suffix: a rule of the list, a ``*.`` rule's base or a label under it (but
        for an exception), or a single label (an unknown top-level domain counts as one)."""
        if domain in self.exceptions:
            return False
        if "." not in domain or domain in self.exact or domain in self.wild:
            return True  # a ``*.`` rule's own base too, as publicsuffixlist reads it
        return domain.partition(".")[2] in self.wild


@functools.lru_cache(maxsize=1)
def _suffix_list() -> _SuffixList:
    """The list, read once, on first need."""
    import publicsuffixlist

    listing = Path(publicsuffixlist.__file__).with_name("public_suffix_list.dat")
    with open(listing, encoding="utf-8") as handle:
        return _SuffixList(handle)


def host_reach(host: str) -> str | None:
    """Why a host-name allow-list entry reaches more than one registrable domain, or None.

    A plain host name reaches that host. ``*.example.com`` reaches the hosts under
    ``example.com``: fine when ``example.com`` is a registrable domain or lies inside one; too
    broad when it is a public suffix (``*.com``, ``*.co.kr``, ``*.blob.core.windows.net``) or
    has one beneath it (``*.core.windows.net``, ``*.amazonaws.com``).
    A ``*`` anywhere else (``*``, ``*.*``, ``a*.com``) cannot be judged and is too broad."""
    if "*" not in host:  # a plain host name, nearly every entry
        return None if host.strip().rstrip(".") else "wildcard"
    name = host.strip().rstrip(".").lower()
    if name.startswith("*."):
        base = name[2:]
        if not base or "*" in base:
            return "wildcard"
        suffixes = _suffix_list()
        if suffixes.is_public(base):
            return "public_suffix"
        if base in suffixes.above:  # *.core.windows.net reaches *.blob.core.windows.net
            return "public_suffix"
        return None
    if "*" in name or not name:
        return "wildcard"
    return None


def _host_within_one_domain(spec: Any, env: Env, sub: SubCompile) -> Compiled:
    require_keys(spec, env, {"path"})
    ref = compile_path(spec["path"], env)

    def test(ctx: Ctx) -> list[Failure] | None:
        actual = ref.get(ctx)
        if not isinstance(actual, str):
            raise EvalError(f"{ref.text} is {show(actual)}, not a host name", ref.concrete(ctx),
                            reason="eval_not_host", subject=ref.text, value=actual)
        why = host_reach(actual)
        if why is None:
            return None
        return [Failure(ref.concrete(ctx), "host_within_one_domain", actual, why, None)]

    def on_value(value: Any) -> bool:  # the yes/no of ``test`` (Compiled.holds)
        if type(value) is not str:
            raise FALLBACK
        return host_reach(value) is None

    fetch = ref.fetch
    unary = None
    if ref.var is not None:
        walk = walker(ref.keys)
        unary = (ref.var, lambda item: on_value(walk(item)))
    return Compiled(test, (ref.schema_path,), holds=lambda ctx: on_value(fetch(ctx)),
                    unary=unary, text=
                    {"en": f"{ref.text} names one host, or a '*.' wildcard under one registrable "
                           "domain (not over a public suffix such as com or co.kr)",
                     "ko": f"{ref.text}은(는) 호스트 하나이거나, 등록 가능한 도메인 하나 아래의 '*.' "
                           "와일드카드임 (com·co.kr 같은 공개 접미사 전체가 아님)"})


_PATH = {"type": "string"}
OPERATORS = {
    "text_includes": Operator(
        "text_includes", "text", _text_includes,
        "the text field includes one of the listed fragments, compared as plain text after "
        "NFKC, case folding and leaving out spaces, '_', '-' and '.'",
        {"path": "firm.name", "value": ["은행", "bank"]},
        {"type": "object", "required": ["path", "value"], "additionalProperties": False,
         "properties": {"path": _PATH,
                        "value": {"description": "a list of texts, {path: P} or {param: N}"}}}),
    "host_within_one_domain": Operator(
        "host_within_one_domain", "text", _host_within_one_domain,
        "the host-name field names one host, or a leading '*.' wildcard whose rest is a "
        "registrable domain or lies inside one (Public Suffix List); '*.com', '*.co.kr', '*' "
        "and '*.*' reach more than one domain and fail",
        {"path": "security_measures.network_link.internet_access_control."
                 "allowed_destinations[0]"},
        {"type": "object", "required": ["path"], "additionalProperties": False,
         "properties": {"path": _PATH}}),
}
