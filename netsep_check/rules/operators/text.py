"""Operators on one text field: text_includes (a fragment of a pack list appears in it) and
host_within_one_domain (an allow-list entry reaches no more than one registrable domain).

Both judge data as data: fragments are compared as plain text (never as patterns or code), and a
host name is looked up in the Public Suffix List shipped with the ``publicsuffixlist`` package
(no network).
"""

from __future__ import annotations

import datetime as dt
import functools
import ipaddress
import re
import unicodedata
from collections.abc import Collection, Iterable
from pathlib import Path
from typing import Any

import netsep_check
from netsep_check.load.source import sha256
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
from netsep_check.rules.parsed import derived

_SEPARATORS = str.maketrans("", "", "_-. \t")


def fold_text(text: str) -> str:
    """How text_includes compares: NFKC, case folded, without ``_ - .`` and spaces, so
    ``Chat-GPT``, ``chat_gpt`` and ``ＣｈａｔＧＰＴ`` all read ``chatgpt``."""
    return unicodedata.normalize("NFKC", text).casefold().translate(_SEPARATORS)


_WORD_BREAKS = re.compile(r"[\s_.:\-]+")


def fold_words(text: str) -> set[str]:
    """How text_includes compares with ``words: true``: the folded text's words, split at
    spaces, ``_``, ``-``, ``.`` and ``:`` — ``notion_ai`` holds the word ``ai``, ``email`` does
    not, ``other:ssn_list`` holds ``ssn``."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    return {word for word in _WORD_BREAKS.split(folded) if word}


def _finder(folded: list[str]) -> Any:
    """A search for any of the folded fragments in a folded text, as one pattern of the
    fragments' literal text (escaped: never read as a pattern), answering exactly what
    ``any(f in text for f in folded if f)`` answers, at C speed; None when no fragment is
    non-empty (nothing is included)."""
    kept = [fragment for fragment in folded if fragment]
    if not kept:
        return None
    if len(kept) > _ALTERNATIVES:
        return _automaton(kept)
    return re.compile("|".join(re.escape(fragment) for fragment in kept)).search


_ALTERNATIVES = 256  # fragments one pattern alternates over; more: an automaton


def _automaton(fragments: list[str]) -> Any:
    """``any(f in text for f in fragments)`` by one pass over the text (Aho-Corasick): a
    pattern of 50,000 alternatives tries each at every position of the text (3 ms a title,
    60 s for 20,000 titles); this reads each character once, whatever the fragments, after
    building the automaton once (their total length). Returns True or None, as a search's
    match or none."""
    goto: list[dict[str, int]] = [{}]
    ends = [False]
    for fragment in fragments:
        state = 0
        for ch in fragment:
            nxt = goto[state].get(ch)
            if nxt is None:
                nxt = goto[state][ch] = len(goto)
                goto.append({})
                ends.append(False)
            state = nxt
        ends[state] = True
    fail = [0] * len(goto)
    queue = list(goto[0].values())
    for state in queue:  # breadth first: a state's fail link is set before its children's
        for ch, child in goto[state].items():
            back = fail[state]
            while back and ch not in goto[back]:
                back = fail[back]
            fail[child] = goto[back].get(ch, 0)  # never the child: back is above it
            ends[child] = ends[child] or ends[fail[child]]
            queue.append(child)

    def search(text: str) -> bool | None:
        state = 0
        for ch in text:
            while state and ch not in goto[state]:
                state = fail[state]
            state = goto[state].get(ch, 0)
            if ends[state]:
                return True
        return None
    return search


def _texts(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(item, str) and item for item in value)


def _text_includes(spec: Any, env: Env, sub: SubCompile) -> Compiled:
    require_keys(spec, env, {"path", "value"}, {"words"})
    words = spec.get("words", False)
    if not isinstance(words, bool):
        raise RuleSyntaxError("text_includes: words is true or false", env.where)
    ref = compile_path(spec["path"], env)
    rhs = compile_operand(spec["value"], env)
    if rhs.constant:
        fragments = rhs.get(Ctx(None, dt.date.min))
        if not _texts(fragments) or not all(fold_text(f) for f in fragments):
            raise RuleSyntaxError("text_includes needs a list of non-empty texts as its value",
                                  env.where)
        if words and any(_WORD_BREAKS.search(unicodedata.normalize("NFKC", f)) for f in fragments):
            raise RuleSyntaxError("text_includes with words: true needs single words (no space, "
                                  "'_', '-', '.' or ':' in a fragment)", env.where)
        folded_once: list[str] | None = [fold_text(f) for f in fragments]
    else:
        folded_once = None
    finder_once = _finder(folded_once) if folded_once is not None else None
    # the fragments last read from the profile or a parameter, and their folding: the same
    # list for every element of a quantifier (100,000 of them folded it 100,000 times)
    last: list[Any] = [None, None]

    def includes(ctx: Ctx) -> bool:
        """Whether the text includes a fragment; raises EvalError where it cannot be told
        (the detailed check's error; as a fast check: cannot say)."""
        actual = ref.get(ctx)
        if not isinstance(actual, str):
            raise EvalError(f"{ref.text} is {show(actual)}, not a text", ref.concrete(ctx),
                            reason="eval_not_text", subject=ref.text, value=actual)
        folded, finder = folded_once, finder_once
        if folded is None:
            fragments = rhs.get(ctx)
            seen, made = last
            if seen is fragments and made is not None and made[0] == fragments:
                folded, finder = made[1], made[2]
        if folded is None:
            if not _texts(fragments):
                raise EvalError(f"{rhs.label} is not a list of texts", ref.concrete(ctx),
                                reason="eval_not_texts", subject=rhs.label)
            if words and any(_WORD_BREAKS.search(unicodedata.normalize("NFKC", f))
                             for f in fragments):
                raise EvalError(f"{rhs.label} holds a fragment of more than one word",
                                ref.concrete(ctx), reason="eval_not_texts", subject=rhs.label)
            folded = [fold_text(f) for f in fragments]
            finder = _finder(folded)
            last[:] = [fragments, (list(fragments), folded, finder)]
        if words:  # a fragment is a whole word of the text
            return not fold_words(actual).isdisjoint(folded)
        # the text folded once, searched for every fragment at once
        return finder is not None and finder(fold_text(actual)) is not None

    def test(ctx: Ctx) -> list[Failure] | None:
        if includes(ctx):
            return None
        return [Failure(ref.concrete(ctx), "text_includes", ref.get(ctx), rhs.get(ctx),
                        rhs.label)]

    reads = (ref.schema_path, *rhs.reads)
    if words:
        return Compiled(test, reads, holds=includes, text={
            "en": f"{ref.text} has one of {rhs.label} as a whole word (case ignored; words end "
                  "at spaces, '_', '-', '.' and ':')",
            "ko": f"{ref.text}에 {rhs.label} 중 하나가 온전한 단어로 들어 있음 (대소문자 무시, "
                  "단어는 공백·'_'·'-'·'.'·':'로 나뉨)"})
    return Compiled(test, reads, holds=includes, text={
        "en": f"{ref.text} includes one of {rhs.label} (case, spaces, '_', '-' and '.' ignored)",
        "ko": f"{ref.text}에 {rhs.label} 중 하나가 포함됨 (대소문자·공백·'_'·'-'·'.' 무시)"})


_AFTER_A_DOT = re.compile(r"\.(?=([^\n]*))")


class _SuffixList:
    """The Public Suffix List as sets: its rules, its ``*.`` rules, its ``!`` exceptions, and
    every domain that has a public suffix beneath it (``core.windows.net`` for
    ``blob.core.windows.net``). Read in one pass from the list file that ``publicsuffixlist``
    bundles — data, never fetched — about ten times faster than building that package's own
    matcher, which a check would otherwise pay for its first wildcard."""

    def __init__(self, exact: Iterable[str], wild: Iterable[str], exceptions: Iterable[str],
                 above: Iterable[str]) -> None:
        self.exact, self.wild = frozenset(exact), frozenset(wild)
        self.exceptions, self.above = frozenset(exceptions), frozenset(above)

    @staticmethod
    def read(text: str) -> dict[str, list[str]]:
        """The four sets of the list's text, as sorted lists (what the cache holds)."""
        entries = [entry for entry in map(str.strip, text.lower().split("\n"))
                   if entry and not entry.startswith("//")]
        wild = {e[2:] for e in entries if e.startswith("*.")}
        exact = {e for e in entries if not e.startswith(("!", "*."))}
        # every proper suffix of a rule (what follows each of its dots), one scan of all rules
        above = set(_AFTER_A_DOT.findall("\n".join((*exact, *wild))))
        return {"exact": sorted(exact), "wild": sorted(wild), "above": sorted(above),
                "exceptions": sorted(e[1:] for e in entries if e.startswith("!"))}

    def is_public(self, domain: str) -> bool:
        """A public suffix: a rule of the list, a ``*.`` rule's base or a label under it (but
        for an exception), or a single label (an unknown top-level domain counts as one)."""
        if domain in self.exceptions:
            return False
        if "." not in domain or domain in self.exact or domain in self.wild:
            return True  # a ``*.`` rule's own base too, as publicsuffixlist reads it
        return domain.partition(".")[2] in self.wild


_SETS = ("exact", "wild", "exceptions", "above")


def _sets_valid(data: Any) -> bool:
    return isinstance(data, dict) and all(
        isinstance(data.get(name), list) and all(type(e) is str for e in data[name])
        for name in _SETS)


@functools.lru_cache(maxsize=1)
def _suffix_list() -> _SuffixList:
    """The list, read on first need. Reading its 16,000 lines into sets costs about a single
    check's own time, so the sets are kept beside the built-in packs' parsed files
    (rules/parsed.py), named by the list file's path, size and modification time."""
    import importlib.util

    spec = importlib.util.find_spec("publicsuffixlist")  # its file, without importing it
    if spec is None or spec.origin is None:  # pragma: no cover - a broken install
        raise ImportError("publicsuffixlist is not installed")
    listing = Path(spec.origin).with_name("public_suffix_list.dat")
    info = listing.stat()
    # the list file as it is now, and the code that reads it (this module) and its version
    code = sha256(Path(__file__).read_bytes()).hexdigest()
    key = (f"public-suffix-list\n1\n{netsep_check.__version__}\n{code}\n{listing}\n"
           f"{info.st_size}\n{info.st_mtime_ns}")
    sets = derived(key, lambda: _SuffixList.read(listing.read_text(encoding="utf-8")),
                   _sets_valid)
    return _SuffixList(*(sets[name] for name in _SETS))


@functools.cache
def _any_address() -> re.Pattern[str]:
    """0.0.0.0 as an address parser (inet_aton) reads it: one to four parts, each zero in
    decimal, octal or hex (compiled on first use: asked only of names of those characters)."""
    return re.compile(r"(?:0+|0[xX]0+)(?:\.(?:0+|0[xX]0+)){0,3}")


def _any_network(name: str) -> bool:
    """Whether an address or network (``0.0.0.0/0``, ``[::]``, ``::/0``, ``0/0``) reaches any
    address: its prefix is 0 or it holds the unspecified address."""
    address, _, prefix = name.strip("[]").partition("/")
    if prefix.strip() == "0" or _any_address().fullmatch(address.strip()):
        return True
    try:
        return ipaddress.ip_network(name.strip("[]"), strict=False).network_address.is_unspecified
    except ValueError:  # not an address: a host name with a ':' or '/', judged as one host
        return False


def host_reach(host: str, tenants: Collection[str] = ()) -> str | None:
    """Why a host-name allow-list entry reaches more than one registrable domain, or more
    than one customer, or None.

    A plain host name reaches that host. ``*.example.com`` reaches the hosts under
    ``example.com``: fine when ``example.com`` is a registrable domain or lies inside one; too
    broad when it is a public suffix (``*.com``, ``*.co.kr``, ``*.blob.core.windows.net``) or
    has one beneath it (``*.core.windows.net``, ``*.amazonaws.com``), and when it is one of
    ``tenants`` — a domain whose every label names another customer's tenant
    (``sharepoint.com``) — or lies above one (``tenant_suffix``).
    A ``*`` anywhere else (``*``, ``*.*``, ``a*.com``) cannot be judged and is too broad; so is
    ``0.0.0.0``, which allow-lists read as any address, in every spelling an address parser
    reads as it (``0``, ``0.0``, ``0x0.0.0.0``, ``00000000``), and a ``*.`` over numbers
    (``*.1.2.3``: no domain, part of an address). As allow-lists read them, too: a leading
    ``.`` (``.example.com``, a domain and every host under it, judged as ``*.example.com``), a
    single label (``any``, ``all``, ``com``: no host of the internet has one) and a network
    holding the unspecified address or of prefix 0 (``0.0.0.0/0``, ``0/0``, ``::``, ``::/0``)."""
    if "*" not in host:  # a plain host name, nearly every entry
        name = host.strip().rstrip(".")
        if name.startswith("."):
            rest = name.lstrip(".")
            return host_reach(f"*.{rest}", tenants) if rest else "wildcard"
        if "/" in name or ":" in name:
            return "wildcard" if _any_network(name) else None
        if "." not in name:
            return "wildcard"
        if name.lstrip("0xX.") or not _any_address().fullmatch(name):
            return None
        return "wildcard"
    name = host.strip().rstrip(".").lower()
    if name.startswith("*."):
        base = name[2:]
        if not base or "*" in base or base.replace(".", "").isdecimal():
            return "wildcard"
        suffixes = _suffix_list()
        if suffixes.is_public(base):
            return "public_suffix"
        if base in suffixes.above:  # *.core.windows.net reaches *.blob.core.windows.net
            return "public_suffix"
        if tenants and _over_tenants(base, frozenset(tenants)):
            return "tenant_suffix"
        return None
    if "*" in name or not name:
        return "wildcard"
    return None


def _over_tenants(base: str, tenants: frozenset[str]) -> bool:
    """Whether ``*.<base>`` reaches more than one tenant of ``tenants``: ``base`` is one of
    them or lies above one, or — for a tenant suffix ``*.*.X`` (tenants two labels under X,
    ``<name>.<region>.cloudapp.azure.com``) — lies fewer labels under X than the tenant."""
    above, deep = _tenant_sets(tenants)
    if base in above:
        return True
    if deep:  # base = L1…Lj.X with j < the stars of X: one look-up per label of base
        for labels in range(1, base.count(".") + 1):
            if deep.get(base.split(".", labels)[-1], 0) > labels:
                return True
    return False


@functools.lru_cache(maxsize=8)
def _tenant_sets(tenants: frozenset[str]) -> tuple[frozenset[str], dict[str, int]]:
    """Every domain that is one of ``tenants`` or lies above one (``sharepoint.com`` gives
    ``sharepoint.com`` and ``com``), for one look-up per wildcard however long the list, and
    the suffixes whose tenant lies more than one label beneath, with how far (``*.*.X``:
    ``X`` → 2)."""
    domains = {t.lstrip("*.") for t in tenants}
    deep: dict[str, int] = {}
    for t in tenants:
        if t.count("*") > 1:
            deep[t.lstrip("*.")] = max(deep.get(t.lstrip("*."), 0), t.count("*"))
    return (frozenset(domain.split(".", at)[-1] for domain in domains
                      for at in range(domain.count(".") + 1)), deep)


def tenant_reached(base: str, tenant: str) -> bool:
    """Whether a wildcard ``*.<base>`` reaches every tenant of the one suffix ``tenant``."""
    return _over_tenants(base, frozenset({tenant}))


def _tenant_suffixes(spec: Any, env: Env) -> tuple[frozenset[str], str | None]:
    """The ``tenant_suffixes`` of a ``host_within_one_domain``: a list of domains, given
    literally or as a parameter (resolved now), and how a message names them."""
    if spec is None:
        return frozenset(), None
    operand = compile_operand(spec, env)
    if not operand.constant:
        raise RuleSyntaxError("tenant_suffixes is a list of domains, literally or "
                              "{param: name}, not a field of the profile", env.where)
    value = operand.value
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip(" .*")
                                              for v in value):
        raise RuleSyntaxError(f"tenant_suffixes must be a list of domains, got {value!r}",
                              env.where)
    # 'sharepoint.com' and '*.sharepoint.com' (the shape of one tenant's host) are the same;
    # '*.*.cloudapp.azure.com': a tenant lies two labels beneath, under a region's label
    domains = {v: _tenant_shape(v) for v in value}
    # a value no host name can end with (a URL, full-width letters, '*' inside a name)
    # would match nothing: the wildcard it was meant to refuse would pass
    odd = [v for v, d in domains.items() if not _DOMAIN.fullmatch(d.lstrip("*."))]
    if odd:
        raise RuleSyntaxError(f"tenant_suffixes must be domain names such as sharepoint.com "
                              f"(ASCII letters, digits, '-' and '.'), got {odd[0]!r}",
                              env.where)
    label = operand.label
    if len(value) > _LABEL_ITEMS:  # a pack's long list is not copied into every text
        label = f"[{', '.join(value[:_LABEL_ITEMS])}, … (+{len(value) - _LABEL_ITEMS})]"
        if isinstance(spec, dict) and "param" in spec:
            label += f" ({spec['param']})"
    return frozenset(domains.values()), label


_LABEL_ITEMS = 8  # tenant suffixes a rule's text names, at most


def _tenant_shape(value: str) -> str:
    """A tenant suffix as compared: lower case, no outer dots or spaces, ``*.`` once only
    where a tenant lies two or more labels beneath (``*.*.cloudapp.azure.com``)."""
    name = value.strip().lower().strip(".")
    stars = 0
    while name.startswith("*."):
        name, stars = name[2:], stars + 1
    return "*." * stars + name if stars > 1 else name


_DOMAIN = re.compile(r"(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)*"
                     r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?", re.ASCII)


@functools.cache
def _blank_item() -> re.Pattern[str]:
    """An item of spaces and dots alone, or empty, or of one label (no dot but at its end),
    or starting with a dot (compiled on first use: only long lists are read whole)."""
    return re.compile(r"\x00(?:[\s.0xX]*|[^.\x00]*[.\s]*|\s*\.[^\x00]*)\x00")


def _plain_hosts(items: list[Any]) -> bool | None:
    """True when every item is a plain host name, which :func:`host_reach` lets through: a
    text with no ``*``, ``/`` or ``:``, not ``0.0.0.0``, of two labels or more, not starting
    with a dot, and with something besides spaces and dots. Found at
    C speed over the items joined by NUL (a NUL inside an item can only make this say None);
    None when one may not be, or the list is short (each is then judged on its own)."""
    if len(items) > 16:
        try:
            joined = "\x00".join(items)
        except TypeError:  # an item that is not text: each is judged on its own
            return None
        if "*" not in joined and "0.0.0.0" not in joined and "/" not in joined \
                and ":" not in joined \
                and not _blank_item().search(f"\x00{joined}\x00"):
            return True
    return None


def _host_within_one_domain(spec: Any, env: Env, sub: SubCompile) -> Compiled:
    require_keys(spec, env, {"path"}, {"tenant_suffixes"})
    ref = compile_path(spec["path"], env)
    tenants, tenants_label = _tenant_suffixes(spec.get("tenant_suffixes"), env)

    def test(ctx: Ctx) -> list[Failure] | None:
        actual = ref.get(ctx)
        if not isinstance(actual, str):
            raise EvalError(f"{ref.text} is {show(actual)}, not a host name", ref.concrete(ctx),
                            reason="eval_not_host", subject=ref.text, value=actual)
        why = host_reach(actual, tenants)
        if why is None:
            return None
        if why == "tenant_suffix":  # named by the suffixes it reaches, not the whole list
            base = actual.strip().rstrip(".").lower().lstrip("*").lstrip(".")  # '*.x', '.x'
            reached = sorted(t for t in tenants if tenant_reached(base, t))
            shown = ", ".join(reached[:3]) + (f" (+{len(reached) - 3})" if reached[3:] else "")
            return [Failure(ref.concrete(ctx), "host_one_tenant", actual, why, shown)]
        return [Failure(ref.concrete(ctx), "host_within_one_domain", actual, why, None)]

    def on_value(value: Any) -> bool:  # the yes/no of ``test`` (Compiled.holds)
        if type(value) is not str:
            raise FALLBACK
        return host_reach(value, tenants) is None

    fetch = ref.fetch
    unary = shape = None
    if ref.var is not None:
        walk = walker(ref.keys)
        unary = (ref.var, lambda item: on_value(walk(item)))
        if not ref.keys:  # the variable itself: a list of hosts can be read at once
            shape = ("whole", ref.var, _plain_hosts)
    return Compiled(test, (ref.schema_path,), holds=lambda ctx: on_value(fetch(ctx)),
                    unary=unary, shape=shape, text=
                    {"en": f"{ref.text} names one host, or a '*.' wildcard under one registrable "
                           "domain (not over a public suffix such as com or co.kr"
                           + (f", nor over every tenant of {tenants_label}" if tenants else "")
                           + ")",
                     "ko": f"{ref.text}은(는) 호스트 하나이거나, 등록 가능한 도메인 하나 아래의 '*.' "
                           "와일드카드임 (com·co.kr 같은 공개 접미사 전체"
                           + (f"나 {tenants_label}의 모든 테넌트" if tenants else "")
                           + "가 아님)"})


_PATH = {"type": "string"}
OPERATORS = {
    "text_includes": Operator(
        "text_includes", "text", _text_includes,
        "the text field includes one of the listed fragments, compared as plain text after "
        "NFKC, case folding and leaving out spaces, '_', '-' and '.'; with `words: true`, a "
        "fragment must be a whole word of the text (words end at spaces, '_', '-', '.' and ':')",
        {"path": "firm.name", "value": ["은행", "bank"]},
        {"type": "object", "required": ["path", "value"], "additionalProperties": False,
         "properties": {"path": _PATH,
                        "value": {"description": "a list of texts, {path: P} or {param: N}"},
                        "words": {"type": "boolean", "description": "compare whole words: "
                                  "`ai` is a word of `notion_ai`, not of `email`"}}}),
    "host_within_one_domain": Operator(
        "host_within_one_domain", "text", _host_within_one_domain,
        "the host-name field names one host, or a leading '*.' wildcard whose rest is a "
        "registrable domain or lies inside one (Public Suffix List); '*.com', '*.co.kr', '*' "
        "and '*.*' reach more than one domain and fail, as do one label ('any', 'com'), a "
        "leading dot ('.co.kr') and any address ('0.0.0.0/0'); with `tenant_suffixes`, a wildcard over "
        "one of those domains (every customer's tenant, such as '*.sharepoint.com') fails too",
        {"path": "security_measures.network_link.internet_access_control."
                 "allowed_destinations[0]"},
        {"type": "object", "required": ["path"], "additionalProperties": False,
         "properties": {"path": _PATH,
                        "tenant_suffixes": {"description": "domains whose every label names "
                                            "one customer's tenant (sharepoint.com): a '*.' "
                                            "wildcard over one, or above one, fails; a list "
                                            "or {param: N}"}}}),
}
