"""Tenant facts: what a tool measured in a tenant, in netsep-check's own source-neutral format.

A facts document (``netsep-check schema tenant-facts``) holds where the measurement came from
(tool, version, report id, timestamp, sha256 of the tool's file), the tenant (its id hashed,
never a name), and one fact per policy result or raw setting. Importers (one module each,
listed in :mod:`netsep_check.facts`) turn a tool's file into :class:`TenantFacts`; nothing
else of the tool's file is kept.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

from netsep_check._record import record
from netsep_check.load.source import sha256

FORMAT_ID = "netsep-check-tenant-facts"
FORMAT_VERSION = 1
KINDS = ("policy", "setting")
CHECKS = ("automated", "manual", "not_applicable")
# a policy fact's value: the tool's verdict, normalised
RESULTS = ("pass", "fail", "warning", "error", "omitted", "incorrect_result", "not_checked")
_TENANT_SALT = b"netsep-check tenant:"


def parse_timestamp(text: str) -> dt.datetime:
    """An ISO 8601 timestamp as UTC (``Z`` or an offset; none: UTC). Fractions of a second of
    any length are padded or cut to six digits (PowerShell writes seven; Python 3.10 reads
    three or six). Raises ValueError."""
    text = re.sub(r"\.\d+", lambda m: (m.group() + "000000")[:7], text.replace("Z", "+00:00"))
    moment = dt.datetime.fromisoformat(text)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.timezone.utc)  # noqa: UP017 - Python 3.10
    try:
        return moment.astimezone(dt.timezone.utc)  # noqa: UP017 - Python 3.10
    except OverflowError:  # 0001-01-01T00:00+14:00 is a moment before the year 1
        raise ValueError(f"{text[:40]!r} lies outside the years 1 to 9999 in UTC") from None


def tenant_hash(tenant_id: str) -> str:
    """The tenant id as facts and reports carry it: sha256 of the trimmed, lower-cased id
    with a fixed prefix (the same id always gives the same hash, and no report names it)."""
    return sha256(_TENANT_SALT + tenant_id.strip().lower().encode("utf-8")).hexdigest()


def _frozen(value: Any) -> Any:
    if isinstance(value, list | tuple):
        if not any([isinstance(v, list | tuple) for v in value]):
            return tuple(value)  # a list of scalars, as every valid one is
        return tuple(_frozen(v) for v in value)
    return value


@record
class Fact:
    """One measurement: a policy's result or a setting's value."""

    id: str  # policy id (normalised, e.g. MS.AAD.5.1v1) or setting id (e.g. sharepoint.sharing)
    kind: str  # policy | setting
    check: str  # automated | manual | not_applicable
    value: Any  # policy: one of RESULTS; setting: a JSON scalar, a tuple of them, or None
    criticality: str | None = None  # policy: shall | should
    reported_id: str | None = None  # policy: the id as the tool wrote it, when normalised
    product: str | None = None  # e.g. aad, sharepoint

    @property
    def evidence(self) -> bool:
        """Automated and judged: the only facts that count either way."""
        return self.check == "automated" and (self.kind == "setting" or self.value in (
            "pass", "fail", "warning"))

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "kind": self.kind, "check": self.check,
                               "value": list(self.value) if isinstance(self.value, tuple)
                               else self.value}
        for key in ("criticality", "reported_id", "product"):
            if getattr(self, key) is not None:
                out[key] = getattr(self, key)
        return out


@record
class FactsSource:
    importer: str  # the importer that made the facts, e.g. scubagear
    tool: str  # the measuring tool as it names itself, e.g. ScubaGear
    tool_version: str
    report_id: str
    collected_at: str  # ISO 8601 timestamp, UTC, as the tool gave it
    input_sha256: str  # of the tool's file


@record
class TenantFacts:
    """One facts document, ready for the cross-check."""

    source: FactsSource
    tenant_id_sha256: str
    service: str  # m365
    facts: tuple[Fact, ...]
    unknown_policies: tuple[str, ...] = ()
    file: str = ""  # the file it was read from
    sha256: str = ""  # of the facts document's canonical bytes (see :func:`dumps`)

    def get(self, fact_id: str) -> Fact | None:
        return next((f for f in self.facts if f.id == fact_id), None)

    def as_dict(self) -> dict[str, Any]:
        s = self.source
        return {
            "format": FORMAT_ID,
            "format_version": FORMAT_VERSION,
            "source": {"importer": s.importer, "tool": s.tool, "tool_version": s.tool_version,
                       "report_id": s.report_id, "collected_at": s.collected_at,
                       "input_sha256": s.input_sha256},
            "tenant": {"id_sha256": self.tenant_id_sha256, "service": self.service},
            "facts": [f.as_dict() for f in self.facts],
            "unknown_policies": list(self.unknown_policies),
        }


def dumps(facts: TenantFacts) -> str:
    """The canonical text of a facts document (what ``import`` writes; its sha256 is the
    facts' digest whether a check reads this file or imports the tool's file itself):
    ``json.dumps(..., ensure_ascii=False, indent=2)``, made by :func:`indented`."""
    return indented(facts.as_dict()) + "\n"


_SCALAR = json.JSONEncoder(ensure_ascii=False).encode  # the C encoder, for one value


def indented(value: Any) -> str:
    """Exactly ``json.dumps(value, ensure_ascii=False, indent=2)`` (property-tested), without
    the pure-Python encoder that ``indent`` selects: containers laid out here, every text and
    number encoded by the C encoder. A mapping with a key that is not text is left to
    ``json.dumps`` whole."""
    out: list[str] = []
    _lay_out(value, "\n", out)
    return "".join(out)


def _lay_out(value: Any, pad: str, out: list[str]) -> None:
    kind = type(value)
    if kind is dict:
        if not value:
            out.append("{}")
        elif not all(type(key) is str for key in value):
            out.append(json.dumps(value, ensure_ascii=False, indent=2).replace("\n", pad))
        else:
            inner = pad + "  "
            out.append("{")
            for number, (key, item) in enumerate(value.items()):
                out.append(("," if number else "") + inner + _SCALAR(key) + ": ")
                _lay_out(item, inner, out)
            out.append(pad + "}")
    elif kind is list or kind is tuple:
        if not value:
            out.append("[]")
        else:
            inner = pad + "  "
            out.append("[")
            for number, item in enumerate(value):
                out.append(("," if number else "") + inner)
                _lay_out(item, inner, out)
            out.append(pad + "]")
    elif isinstance(value, dict | list | tuple):  # a subclass: as json.dumps lays it out
        out.append(json.dumps(value, ensure_ascii=False, indent=2).replace("\n", pad))
    else:
        out.append(_SCALAR(value))


def sealed(facts: TenantFacts, file: str) -> TenantFacts:
    """``facts`` with its file name and the digest of its canonical text."""
    from dataclasses import replace

    digest = sha256(dumps(facts).encode("utf-8")).hexdigest()
    return replace(facts, file=file, sha256=digest)


def from_dict(data: dict[str, Any], file: str, digest: str) -> TenantFacts:
    """A schema-valid facts document → :class:`TenantFacts` (the schema is checked first).
    A fact id given twice is an input error: the cross-check reads one fact per id, and a
    passing copy put first hid every contradiction the real one showed (exit 0)."""
    s = data["source"]
    first: dict[str, int] = {}
    for i, f in enumerate(data["facts"]):
        at = first.setdefault(f["id"], i)
        if at != i:
            from netsep_check.errors import InputError

            raise InputError.one(
                file, f"fact {f['id']!r} is given twice (facts[{at}] and facts[{i}]): each "
                "fact may be stated once", path=f"facts[{i}].id", code="facts.duplicate_id",
                id=f["id"], first=f"facts[{at}]")
    facts = tuple([Fact(f["id"], f["kind"], f["check"],
                        _frozen(f["value"]) if type(f["value"]) is list else f["value"],
                        f.get("criticality"), f.get("reported_id"), f.get("product"))
                   for f in data["facts"]])
    return TenantFacts(
        source=FactsSource(s["importer"], s["tool"], s["tool_version"], s["report_id"],
                           s["collected_at"], s["input_sha256"]),
        tenant_id_sha256=data["tenant"]["id_sha256"], service=data["tenant"]["service"],
        facts=facts, unknown_policies=tuple(data.get("unknown_policies", ())), file=file,
        sha256=digest)


# --- a facts document the schema surely accepts -----------------------------------------------
# :func:`plainly_valid` holds a facts document to a narrower reading of the tenant-facts schema
# (netsep_check/schemas/tenant-facts.schema.json): exact types, ASCII digits, no line break in an
# id. True only when the schema would find no error (tests/facts/test_facts_fast.py checks this
# against the schema, and pins the schema it was written for); False means "ask the schema",
# which then names every error. It spares a check compiling the schema for a valid file.

_HEX = frozenset("0123456789abcdef")
_ID_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-")
_LOWER = frozenset("abcdefghijklmnopqrstuvwxyz")
_NAME_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789_")
_TOP = frozenset(("format", "format_version", "source", "tenant", "facts", "unknown_policies"))
_SOURCE = frozenset(("importer", "tool", "tool_version", "report_id", "collected_at",
                     "input_sha256"))
_TENANT = frozenset(("id_sha256", "service"))
_FACT = frozenset(("id", "kind", "check", "value", "criticality", "reported_id", "product"))
_SCALARS = (str, int, float, bool, type(None))
_CRITICALITIES = ("shall", "should")
MAX_FACTS = 5000  # the schema's maxItems of facts and unknown_policies
MAX_VALUES = 2000  # the schema's maxItems of a list value


def _text(value: Any, low: int, high: int) -> bool:
    return type(value) is str and low <= len(value) <= high


def _hex64(value: Any) -> bool:
    return type(value) is str and len(value) == 64 and _HEX.issuperset(value)


def _digits(text: str) -> bool:
    return text.isascii() and text.isdigit()


def _utc_timestamp(value: Any) -> bool:
    """``^\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(:\\d{2}(\\.\\d+)?)?(Z|[+-]\\d{2}:\\d{2})$``, with
    ASCII digits, at most 64 characters (``maxLength``)."""
    if type(value) is not str or not 17 <= len(value) <= 64 or value[4] != "-" or value[7] != "-" \
            or value[10] != "T" or value[13] != ":" or not all(
                _digits(value[a:b]) for a, b in ((0, 4), (5, 7), (8, 10), (11, 13), (14, 16))):
        return False
    rest = value[16:]
    if rest.startswith(":"):
        if not _digits(rest[1:3]) or len(rest[1:3]) != 2:
            return False
        rest = rest[3:]
        if rest.startswith("."):
            end = 1
            while end < len(rest) and _digits(rest[end]):
                end += 1
            if end == 1:
                return False
            rest = rest[end:]
    return rest == "Z" or (len(rest) == 6 and rest[0] in "+-" and _digits(rest[1:3])
                           and rest[3] == ":" and _digits(rest[4:6]))


def _ascii_word(text: str, punctuation: str) -> bool:
    """Whether ``text`` holds only ASCII letters and digits and the characters of
    ``punctuation``: string methods, not a step per character."""
    for mark in punctuation:
        text = text.replace(mark, "")
    return text.isascii() and (not text or text.isalnum())


def _facts_valid(facts: list[Any]) -> bool:
    """Every fact of the list, in one pass without a call per fact; the ids and products
    are then checked joined, by string methods."""
    products = []
    for fact in facts:
        if type(fact) is not dict or not _FACT.issuperset(fact):
            return False
        fact_id, kind, check = fact.get("id"), fact.get("kind"), fact.get("check")
        if type(fact_id) is not str or not 0 < len(fact_id) <= 120 or type(kind) is not str \
                or kind not in KINDS or type(check) is not str or check not in CHECKS \
                or "value" not in fact:
            return False
        value = fact["value"]
        if type(value) is list:
            if len(value) > MAX_VALUES or not all([type(v) in _SCALARS for v in value]):
                return False
        elif type(value) not in _SCALARS:
            return False
        if len(fact) > 4:  # one of criticality, reported_id, product
            level = fact.get("criticality", "shall")
            reported = fact.get("reported_id", "")
            if type(level) is not str or level not in _CRITICALITIES \
                    or type(reported) is not str or len(reported) > 120:
                return False
            if "product" in fact:
                product = fact["product"]
                if type(product) is not str or not 0 < len(product) <= 40:
                    return False
                products.append(product)
    ids = "".join([fact["id"] for fact in facts])  # [A-Za-z0-9_.-]
    names = "".join(products)  # [a-z0-9_]
    return _ascii_word(ids, "_.-") and _ascii_word(names, "_") and names == names.lower()


def plainly_valid(data: Any) -> bool:
    """True only when ``data`` is a facts document the tenant-facts schema accepts."""
    if type(data) is not dict or not _TOP.issuperset(data) or len(data) < 5:
        return False  # the five required keys: all but unknown_policies
    source, tenant, facts = data.get("source"), data.get("tenant"), data.get("facts")
    if not (data.get("format") == FORMAT_ID and type(data.get("format")) is str
            and type(data.get("format_version")) is int
            and data.get("format_version") == FORMAT_VERSION):
        return False
    if type(source) is not dict or source.keys() != _SOURCE:
        return False
    importer = source["importer"]
    if not (type(importer) is str and importer[:1] in _LOWER and _NAME_CHARS.issuperset(importer)
            and _text(source["tool"], 1, 200) and _text(source["tool_version"], 0, 100)
            and _text(source["report_id"], 1, 200) and _utc_timestamp(source["collected_at"])
            and _hex64(source["input_sha256"])):
        return False
    if type(tenant) is not dict or tenant.keys() != _TENANT or not _hex64(tenant["id_sha256"]) \
            or tenant["service"] != "m365" or type(tenant["service"]) is not str:
        return False
    if type(facts) is not list or len(facts) > MAX_FACTS or not _facts_valid(facts):
        return False
    unknown = data.get("unknown_policies", [])
    return type(unknown) is list and len(unknown) <= MAX_FACTS and all(
        _text(item, 0, 120) for item in unknown)
