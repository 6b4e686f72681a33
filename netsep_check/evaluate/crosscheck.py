"""The cross-check: what a profile declares against what tools measured in the tenant.

A pure function of a validated profile, the tenant facts, the mapping and the day of the
assessment. It returns structured results only (no sentences: words are made in report/).

Kinds, per control and check:

* ``contradiction`` — a high-confidence measurement refutes the claim;
* ``weak`` — a medium-confidence measurement does not support it (a lower-severity finding,
  never a contradiction);
* ``confirmed`` — a high-confidence measurement supports the claim;
* ``unmeasured`` — no automated, judged, high-confidence measurement either way;
* ``stale`` — the facts were collected too far from ``assessment.as_of`` (they confirm nothing).

Manual checks, not-applicable passes and low-confidence rows are never evidence either way.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from netsep_check._record import record
from netsep_check.errors import InputError
from netsep_check.facts.mapping import PolicyRow, SettingRow, TenantMapping
from netsep_check.facts.model import Fact, TenantFacts, parse_timestamp, tenant_hash

KINDS = ("contradiction", "weak", "stale", "unmeasured", "confirmed")  # worst first
_SUMMARY_ORDER = ("contradiction", "weak", "stale", "confirmed", "unmeasured")
_SHARING_RANK = {"disabled": 0, "restricted": 1, "open": 2}
_KOREAN = r"korea|주민|외국인등록|여권|운전면허|resident registration"  # a Korean DLP type
_DEFAULT_RETENTION_DAYS = 180  # Microsoft's audit retention without the advanced plan


@record
class FactsRef:
    """Which facts a result came from."""

    importer: str
    tool: str
    tool_version: str
    report_id: str
    collected_at: str
    sha256: str
    file: str


@record
class Measurement:
    fact: str  # policy or setting id
    value: Any  # the measured value (a tuple for lists)
    check: str  # automated | manual | not_applicable
    confidence: str  # of the mapping row that made it bear on the control


@record
class TenantResult:
    control: str  # area.control, usage.saas_products, or tenant_facts (the facts' age)
    area: str  # a report area: the control's, scope for usage, evidence for the facts
    check: str  # policies | a comparison of the mapping (sharing_level, ...) | facts_age
    kind: str  # one of KINDS
    declared: Any  # the declared status or field value
    path: tuple[str, ...]  # where the declared value stands in the profile
    measured: tuple[Measurement, ...]  # the measurements that decided the kind
    policies: tuple[str, ...]  # policy ids among them
    source: FactsRef
    detail: tuple[tuple[str, Any], ...] = ()  # e.g. (("undeclared", ("copilot",)),)

    @property
    def failing(self) -> bool:
        return self.kind in ("contradiction", "weak", "stale")


def facts_ref(facts: TenantFacts) -> FactsRef:
    s = facts.source
    return FactsRef(s.importer, s.tool, s.tool_version, s.report_id, s.collected_at,
                    facts.sha256, facts.file)


def check_tenant(profile: Mapping[str, Any], facts: Sequence[TenantFacts],
                 profile_file: str = "profile") -> None:
    """Facts measured in another tenant, or of another service, are an input error."""
    problems = []
    tenant = profile.get("tenant") or {}
    wanted = tenant.get("id_sha256") or (tenant_hash(tenant["id"]) if "id" in tenant else None)
    service = (profile.get("designation") or {}).get("service")
    for item in facts:
        if wanted is not None and item.tenant_id_sha256 != wanted:
            problems.append(InputError.one(
                item.file, f"tenant facts of another tenant (id_sha256 "
                f"{item.tenant_id_sha256[:12]}…) than the profile's tenant ({profile_file}: "
                f"tenant, id_sha256 {wanted[:12]}…)", path="tenant.id_sha256").problems[0])
        if service is not None and service != item.service:
            problems.append(InputError.one(
                item.file, f"tenant facts measure {item.service}, but the designation of "
                f"{profile_file} is for {service}", path="tenant.service").problems[0])
    if problems:
        raise InputError(problems)


def _control(profile: Mapping[str, Any], key: str) -> tuple[Any, tuple[str, ...]]:
    area, _, name = key.partition(".")
    if area == "usage":
        return (profile.get("usage") or {}).get(name), ("usage", name)
    path = ("security_measures", area, name)
    return ((profile.get("security_measures") or {}).get(area) or {}).get(name), path


def _area(key: str) -> str:
    area = key.split(".", 1)[0]
    return "scope" if area == "usage" else area


def _index(facts: TenantFacts) -> dict[str, Fact]:
    """The facts by id; the first of a repeated id, as :meth:`TenantFacts.get` finds it."""
    index: dict[str, Fact] = {}
    for fact in facts.facts:
        index.setdefault(fact.id, fact)
    return index


def _policies(control: dict[str, Any], rows: tuple[PolicyRow, ...], facts: Mapping[str, Fact],
              ) -> tuple[str, tuple[Measurement, ...]]:
    failing: dict[str, list[Measurement]] = {"high": [], "medium": []}
    passing: list[Measurement] = []
    seen: list[Measurement] = []
    for row in rows:
        if row.confidence == "low" or not row.applies(control):
            continue
        fact = facts.get(row.policy)
        if fact is None:
            continue
        measured = Measurement(fact.id, fact.value, fact.check, row.confidence)
        seen.append(measured)
        if not fact.evidence:
            continue
        if fact.value in ("fail", "warning"):
            failing[row.confidence].append(measured)
        elif row.confidence == "high":
            passing.append(measured)
    if failing["high"]:
        return "contradiction", tuple(failing["high"])
    if failing["medium"]:
        return "weak", tuple(failing["medium"])
    if passing:
        return "confirmed", tuple(passing)
    return "unmeasured", tuple(seen)


def _sharing(sp: Any, od: Any, restriction: Any) -> str | None:
    levels = []
    for value in (sp, od):
        if value == "disabled":
            levels.append("disabled")
        elif value == "existing_guests":
            levels.append("restricted")
        elif value == "new_and_existing_guests":
            levels.append("restricted" if restriction == "allow_list" else "open")
        elif value == "anyone":
            levels.append("open")
    return max(levels, key=_SHARING_RANK.__getitem__) if levels else None


def _compare(row: SettingRow, control: Any, values: dict[str, Any], profile: Mapping[str, Any],
             mapping: TenantMapping) -> tuple[bool | None, Any, tuple[tuple[str, Any], ...]]:
    """(holds?, declared, detail); holds is None when nothing was measured or declared."""
    status = control.get("status") if isinstance(control, dict) else None
    claims = status == "implemented"
    first = values.get(row.facts[0])
    if row.compare == "sharing_level":
        declared = control.get(row.field) if isinstance(control, dict) else None
        level = _sharing(*(values.get(f) for f in row.facts[:3]))
        if declared not in _SHARING_RANK or level is None:
            return None, declared, ()
        return (_SHARING_RANK[level] <= _SHARING_RANK[declared], declared,
                (("level", level),))
    if row.compare == "retention_days":
        declared = control.get(row.field) if isinstance(control, dict) else None
        kept, advanced = first, values.get(row.facts[1])
        enabled = values.get(row.facts[2]) if len(row.facts) > 2 else None
        if enabled is False:
            cap = 0
        elif isinstance(kept, int) and not isinstance(kept, bool):
            cap = kept if advanced is not False else min(kept, _DEFAULT_RETENTION_DAYS)
        elif advanced is False:
            cap = _DEFAULT_RETENTION_DAYS
        else:
            cap = None
        if not isinstance(declared, int) or cap is None:
            return None, declared, ()
        return declared <= cap, declared, (("longest_retention_days", cap),)
    if row.compare == "licensed_products":
        usage = set((profile.get("usage") or {}).get("saas_products") or ())
        scope = ((profile.get("designation") or {}).get("approved_scope") or {})
        declared = sorted(usage | set(scope.get("saas_products") or ()))
        if not isinstance(first, tuple):  # absent, or not a list in a hand-made facts file
            return None, declared, ()
        plans = [plan.upper() for plan in first if isinstance(plan, str)]
        licensed = sorted({p.product for p in mapping.products if p.matches_any(plans)})
        relevant = {p.product for p in mapping.products if p.confidence != "low"}
        missing = tuple(p for p in licensed if p in relevant and p not in declared)
        return not missing, tuple(declared), (("licensed", tuple(licensed)),
                                              ("undeclared", missing))
    if not claims:  # the remaining comparisons test an implemented claim
        return None, status, ()
    present = [values.get(f) for f in row.facts if values.get(f) is not None]
    if not present:
        return None, status, ()
    if row.compare == "must_be_true":
        return all(v is True for v in present), status, ()
    if row.compare == "must_be_zero":
        if not all(isinstance(v, int) and not isinstance(v, bool) for v in present):
            return None, status, ()
        return all(v == 0 for v in present), status, ()
    if row.compare == "korean_types":
        if not isinstance(first, tuple):
            return None, status, ()
        return any(isinstance(t, str) and _korean(t) for t in first), status, ()
    raise ValueError(f"unknown comparison {row.compare!r}")  # the schema lists them all


def _korean(text: str) -> bool:
    """Whether a DLP type's name is a Korean one (:data:`_KOREAN`, any case). An ASCII name
    can hold only the English words, and ASCII letters are alike in any case exactly when
    their lower case is: a substring test says what the pattern would; any other name is
    searched with the pattern itself (compiled once, on first need)."""
    if text.isascii():
        lower = text.lower()
        return "korea" in lower or "resident registration" in lower
    import re

    return re.search(_KOREAN, text, re.I) is not None


def _kind(holds: bool | None, confidence: str) -> str:
    if holds is None:
        return "unmeasured"
    if holds:
        return "confirmed" if confidence == "high" else "unmeasured"
    return "contradiction" if confidence == "high" else "weak"


def max_age_days(parameters: Mapping[str, Any], pack: str) -> int:
    """The pack's ``tenant_facts_max_age_days``: a whole number of days from 0 to a century
    (a pack may set it; a larger one would carry a collection date past the calendar)."""
    from netsep_check.rules.operators.base import MAX_DAYS

    value = parameters.get("tenant_facts_max_age_days", 90)
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_DAYS:
        shown = repr(value) if len(repr(value)) <= 40 else repr(value)[:40] + "..."
        raise InputError.one(f"pack {pack}", "parameter tenant_facts_max_age_days "
                             f"must be a whole number of days from 0 to {MAX_DAYS}, not {shown}",
                             code="pack.bad_days_parameter", key="tenant_facts_max_age_days",
                             limit=MAX_DAYS, value=shown)
    return value


def _collected(facts: TenantFacts) -> dt.date:
    """The UTC day the facts were collected."""
    try:
        return parse_timestamp(facts.source.collected_at).date()
    except ValueError:
        raise InputError.one(facts.file, f"not a timestamp: {facts.source.collected_at!r}",
                             path="source.collected_at", code="facts.not_a_timestamp",
                             value=facts.source.collected_at[:40]) from None


def crosscheck(profile: Mapping[str, Any], facts: Sequence[TenantFacts],
               mapping: TenantMapping, as_of: dt.date, max_age_days: int,
               profile_file: str = "profile") -> tuple[TenantResult, ...]:
    """Every mapped control (claimed implemented, or with a declared value a setting is
    compared with) against each facts document; raises InputError for foreign facts."""
    check_tenant(profile, facts, profile_file)
    results: list[TenantResult] = []
    for item in facts:
        ref = facts_ref(item)
        age = abs((_collected(item) - as_of).days)
        stale = age > max_age_days
        if stale:
            results.append(TenantResult(
                "tenant_facts", "evidence", "facts_age", "stale", as_of.isoformat(),
                ("assessment", "as_of"), (), (), ref,
                (("collected_on", _collected(item).isoformat()), ("age_days", age),
                 ("max_age_days", max_age_days))))
        if item.service != "m365" or mapping.importer != item.source.importer:
            continue
        by_id = _index(item)
        for key in mapping.controls():
            control, path = _control(profile, key)
            policy_rows, setting_rows = mapping.rows_for(key)
            area = _area(key)
            if isinstance(control, dict) and control.get("status") == "implemented" and any(
                    r.confidence != "low" for r in policy_rows):
                kind, measured = _policies(control, policy_rows, by_id)
                if stale and kind == "confirmed":
                    kind = "unmeasured"
                results.append(TenantResult(
                    key, area, "policies", kind, "implemented", (*path, "status"), measured,
                    tuple(m.fact for m in measured), ref))
            for row in setting_rows:
                if row.confidence == "low":
                    continue
                values = {f: _value(by_id.get(f)) for f in row.facts}
                holds, declared, detail = _compare(row, control, values, profile, mapping)
                if declared is None or (row.compare not in (
                        "sharing_level", "retention_days", "licensed_products")
                        and declared != "implemented"):
                    continue  # nothing declared that this measurement could bear on
                kind = _kind(holds, row.confidence)
                if stale and kind == "confirmed":
                    kind = "unmeasured"
                where = (*path, row.field) if row.field else (
                    path if key.startswith("usage.") else (*path, "status"))
                measured = tuple(Measurement(f, values[f], "automated", row.confidence)
                                 for f in row.facts if values[f] is not None)
                if row.compare == "licensed_products" and detail:  # products, not plans
                    measured = (Measurement("licensed_products", dict(detail)["licensed"],
                                            "automated", row.confidence),)
                results.append(TenantResult(key, area, row.compare, kind, declared, where,
                                            measured, (), ref, detail))
    return tuple(results)


def _value(fact: Fact | None) -> Any:
    return fact.value if fact is not None and fact.check == "automated" else None


def summary(results: Sequence[TenantResult]) -> dict[str, tuple[str, ...]]:
    """Controls by what the facts did to them: contradicted, weak, confirmed, unmeasured
    (a control counts under its worst result)."""
    worst: dict[str, str] = {}
    for result in results:
        if result.control == "tenant_facts":
            continue
        now = worst.get(result.control)
        if now is None or _SUMMARY_ORDER.index(result.kind) < _SUMMARY_ORDER.index(now):
            worst[result.control] = result.kind
    names = {"contradiction": "contradicted", "weak": "weak", "confirmed": "confirmed",
             "unmeasured": "unmeasured", "stale": "unmeasured"}
    out: dict[str, list[str]] = {v: [] for v in ("contradicted", "weak", "confirmed",
                                                   "unmeasured")}
    for control, kind in worst.items():
        out[names[kind]].append(control)
    return {key: tuple(sorted(value)) for key, value in out.items()}
