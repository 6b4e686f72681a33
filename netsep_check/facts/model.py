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
    return moment.astimezone(dt.timezone.utc)  # noqa: UP017 - Python 3.10


def tenant_hash(tenant_id: str) -> str:
    """The tenant id as facts and reports carry it: sha256 of the trimmed, lower-cased id
    with a fixed prefix (the same id always gives the same hash, and no report names it)."""
    return sha256(_TENANT_SALT + tenant_id.strip().lower().encode("utf-8")).hexdigest()


def _frozen(value: Any) -> Any:
    if isinstance(value, list | tuple):
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
    facts' digest whether a check reads this file or imports the tool's file itself)."""
    return json.dumps(facts.as_dict(), ensure_ascii=False, indent=2, sort_keys=False) + "\n"


def sealed(facts: TenantFacts, file: str) -> TenantFacts:
    """``facts`` with its file name and the digest of its canonical text."""
    from dataclasses import replace

    digest = sha256(dumps(facts).encode("utf-8")).hexdigest()
    return replace(facts, file=file, sha256=digest)


def from_dict(data: dict[str, Any], file: str, digest: str) -> TenantFacts:
    """A schema-valid facts document → :class:`TenantFacts` (the schema is checked first)."""
    s = data["source"]
    facts = tuple(Fact(id=f["id"], kind=f["kind"], check=f["check"], value=_frozen(f["value"]),
                       criticality=f.get("criticality"), reported_id=f.get("reported_id"),
                       product=f.get("product")) for f in data["facts"])
    return TenantFacts(
        source=FactsSource(s["importer"], s["tool"], s["tool_version"], s["report_id"],
                           s["collected_at"], s["input_sha256"]),
        tenant_id_sha256=data["tenant"]["id_sha256"], service=data["tenant"]["service"],
        facts=facts, unknown_policies=tuple(data.get("unknown_policies", ())), file=file,
        sha256=digest)
