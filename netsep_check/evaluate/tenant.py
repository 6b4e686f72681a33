"""Tenant facts and egress logs as findings: the cross-check's results judged in the same
pass as every rule (``evaluate()`` takes them), words left to :mod:`netsep_check.report.tenant`.

A result that says something (contradicted, weak, stale, confirmed) becomes one finding of a
rule made from the mapping's data (its id ``TENANT-<CONTROL>[-<CHECK>]``, its rationale from
the mapping row); an unmeasured control is listed in the tenant-evidence record only. The
failure leaf carries the result as plain data (code ``tenant``), so reports pickle and compare
like any other.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from netsep_check._record import record
from netsep_check.evaluate.crosscheck import FactsRef, TenantResult, summary
from netsep_check.evaluate.findings import Finding
from netsep_check.facts.mapping import TenantMapping
from netsep_check.load import Document, format_path
from netsep_check.rules.model import Rule
from netsep_check.rules.operators.base import Failure


@record
class TenantInput:
    """What the cross-check found, for ``evaluate()``: results, the mappings that made them
    and every fact source given."""

    results: tuple[TenantResult, ...]
    mappings: tuple[TenantMapping, ...]
    sources: tuple[FactsRef, ...]


_SEVERITY = {"contradiction": "high", "stale": "medium", "weak": "low", "confirmed": "medium"}
_STATUS = {"contradiction": "fail", "stale": "fail", "weak": "fail", "confirmed": "pass"}
_SUFFIX = {"policies": "", "sharing_level": "-LEVEL", "retention_days": "-RETENTION",
           "must_be_true": "-SETTING", "must_be_zero": "-RISKY", "korean_types": "-KR-TYPES",
           "licensed_products": "-LICENSED", "facts_age": "", "egress": ""}


@lru_cache(maxsize=64)
def _title(control: str) -> tuple[str, str]:
    """(en, ko) name of a control, from the profile schema's "English (한국어)" titles."""
    from netsep_check.facts.mapping import _control_schema

    if control == "tenant_facts":
        return "Tenant facts", "테넌트 측정 결과"
    node = _control_schema(control) or {}
    title = node.get("title", control)
    if "(" in title and title.endswith(")"):
        en, ko = title[:-1].split(" (", 1)
        return en.strip(), ko.strip()
    return title, title


def rule_id(result: TenantResult) -> str:
    if result.check == "egress":
        return "EGRESS-DESTINATIONS"
    if result.check == "facts_age":
        return "TENANT-FACTS-AGE"
    name = result.control.split(".", 1)[1].upper().replace("_", "-")
    return f"TENANT-{name}{_SUFFIX.get(result.check, '')}"


_REMEDY = {
    "contradiction": ("Correct the tenant setting, or correct the profile to what is measured; "
                      "then measure again.",
                      "테넌트 설정을 바로잡거나 프로파일을 측정 결과에 맞게 고친 뒤 다시 측정하십시오."),
    "weak": ("Review the measured setting: it does not support the claim.",
             "측정된 설정을 검토하십시오. 측정 결과가 신고 내용을 뒷받침하지 않습니다."),
    "stale": ("Run the measurement again close to assessment.as_of.",
              "기준일에 가까운 시점에 다시 측정하십시오."),
    "confirmed": ("", ""),
}


def _rule(result: TenantResult, rationale: dict[str, str] | None) -> Rule:
    en, ko = _title(result.control)
    what = {"policies": ("policies", "정책"), "egress": ("egress log", "외부 통신(egress) 로그"),
            "facts_age": ("age", "측정 시점"), "sharing_level": ("sharing level", "외부 공유 수준"),
            "retention_days": ("audit retention", "감사 로그 보관 기간"),
            "must_be_true": ("setting", "설정"), "must_be_zero": ("risky apps", "위험 앱"),
            "korean_types": ("Korean DLP types", "국내 민감정보 유형"),
            "licensed_products": ("licensed products", "라이선스 제품"),
            }.get(result.check, (result.check, result.check))
    fix_en, fix_ko = _REMEDY[result.kind]
    return Rule(
        id=rule_id(result), area=result.area, severity=_SEVERITY[result.kind],
        title={"en": f"Tenant measurement — {en} ({what[0]})",
               "ko": f"테넌트 측정 — {ko} ({what[1]})"},
        rationale=rationale or {
            "en": "What the profile declares, checked against what was measured.",
            "ko": "프로파일의 신고 내용을 실제 측정 결과와 대조합니다."},
        remediation={"en": fix_en, "ko": fix_ko},
        basis={"source": "netsep-derived", "strength": "derived",
               "clause": "보안대책 수립·이행 — a declared measure is checked against the tenant "
                         "as measured (policies/tenant-mapping)"},
        file=result.source.file,
        spec={"kind": "tenant", "control": result.control, "check": result.check})


def _rationale(result: TenantResult, mappings: Sequence[TenantMapping],
               ) -> dict[str, str] | None:
    mapping = next((m for m in mappings if m.importer == result.source.importer), None)
    if mapping is None:
        return None
    policies, settings = mapping.rows_for(result.control)
    if result.check == "policies":
        row = next((r for r in policies if r.policy in result.policies), None)
        return dict(row.rationale) if row else None
    setting = next((r for r in settings if r.compare == result.check), None)
    return dict(setting.rationale) if setting else None


def snapshot(result: TenantResult) -> dict[str, Any]:
    """A result as plain data (JSON-ready, comparable), for a finding's failure leaf."""
    def plain(value: Any) -> Any:
        return [plain(v) for v in value] if isinstance(value, tuple | list) else value

    s = result.source
    return {"control": result.control, "area": result.area, "check": result.check,
            "kind": result.kind, "declared": plain(result.declared), "path": list(result.path),
            "measured": [{"fact": m.fact, "value": plain(m.value), "check": m.check,
                          "confidence": m.confidence} for m in result.measured],
            "policies": list(result.policies),
            "source": {"importer": s.importer, "tool": s.tool, "tool_version": s.tool_version,
                       "report_id": s.report_id, "collected_at": s.collected_at,
                       "sha256": s.sha256, "file": s.file},
            "detail": {k: plain(v) for k, v in result.detail}}


def tenant_findings(results: Sequence[TenantResult], document: Document,
                    mappings: Sequence[TenantMapping] = ()) -> tuple[Finding, ...]:
    """One finding per result that says something: failing or confirmed (unmeasured ones
    are listed in the tenant-evidence record only)."""
    findings = []
    for result in results:
        if result.kind == "unmeasured":
            continue
        position = document.position(result.path) if result.path else None
        rationale = _rationale(result, mappings)
        data = snapshot(result)  # a confirmed result keeps its leaf too: the measurement shown
        failures = (Failure(result.path or None, "tenant", data, data["declared"]),)
        findings.append(Finding(
            rule=_rule(result, rationale), status=_STATUS[result.kind],
            paths=(format_path(result.path),), line=position[0] if position else None,
            column=position[1] if position else None, failures=failures))
    return tuple(findings)


def evidence_records(results: Sequence[TenantResult],
                     sources: Sequence[FactsRef] = ()) -> tuple[dict[str, Any], ...]:
    """One record per fact source: where the facts came from and what they did to the
    controls (measured = every control a result names)."""
    by_source: dict[FactsRef, list[TenantResult]] = {ref: [] for ref in sources}
    for result in results:
        by_source.setdefault(result.source, []).append(result)
    records = []
    for s, group in by_source.items():
        kinds = summary(group)
        records.append({
            "source": s.importer, "tool": s.tool, "tool_version": s.tool_version,
            "report_id": s.report_id, "collected_at": s.collected_at, "sha256": s.sha256,
            "file": s.file, "stale": any(r.kind == "stale" for r in group),
            "measured": sorted({r.control for r in group if r.control != "tenant_facts"}),
            **{key: list(value) for key, value in kinds.items()},
        })
    return tuple(records)


