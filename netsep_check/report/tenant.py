"""Tenant evidence in words: cross-check results → findings and report lines (ko/en).

The cross-check (:mod:`netsep_check.evaluate.crosscheck`) returns structured results only;
this module is where they become sentences, so every report format says the same thing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from netsep_check.evaluate.crosscheck import FactsRef, TenantResult, summary
from netsep_check.evaluate.findings import Finding, Report
from netsep_check.facts.mapping import TenantMapping
from netsep_check.load import Document, format_path
from netsep_check.rules.model import Rule

_SEVERITY = {"contradiction": "high", "stale": "medium", "weak": "low", "confirmed": "medium"}
_STATUS = {"contradiction": "fail", "stale": "fail", "weak": "fail", "confirmed": "pass"}
_SUFFIX = {"policies": "", "sharing_level": "-LEVEL", "retention_days": "-RETENTION",
           "must_be_true": "-SETTING", "must_be_zero": "-RISKY", "korean_types": "-KR-TYPES",
           "licensed_products": "-LICENSED", "facts_age": "", "egress": ""}


@dataclass(frozen=True)
class _Measured:
    """A synthetic rule's check: nothing to evaluate (the cross-check did the work)."""

    reads: tuple[str, ...] = ()


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


def _show(value: Any) -> str:
    if value is True:
        return "true"
    if value is False:
        return "false"
    if value is None:
        return "null"
    if isinstance(value, tuple | list):
        return "[" + ", ".join(_show(v) for v in value) + "]" if len(value) <= 8 else \
            "[" + ", ".join(_show(v) for v in value[:8]) + f", … (+{len(value) - 8})]"
    return str(value)


def _measured(result: TenantResult) -> str:
    return ", ".join(f"{m.fact}={_show(m.value)}" for m in result.measured) or "—"


def _where(result: TenantResult) -> tuple[str, str]:
    s = result.source
    if result.check == "egress":
        return f"egress log {s.file} (sha256 {s.sha256[:12]}…)", \
            f"이그레스 로그 {s.file} (sha256 {s.sha256[:12]}…)"
    return (f"{s.tool} {s.tool_version}, report {s.report_id}, {s.collected_at}",
            f"{s.tool} {s.tool_version}, 보고서 {s.report_id}, {s.collected_at}")


def messages(result: TenantResult) -> dict[str, str]:
    """What a finding says, in both languages."""
    en_at, ko_at = _where(result)
    got = _measured(result)
    detail = dict(result.detail)
    kind, check = result.kind, result.check
    declared = _show(result.declared)
    if check == "facts_age":
        return {"en": f"tenant facts collected on {detail['collected_on']} ({en_at}) are "
                      f"{detail['age_days']} days from assessment.as_of {declared} (at most "
                      f"{detail['max_age_days']}): they confirm nothing",
                "ko": f"테넌트 측정일 {detail['collected_on']}({ko_at})이 기준일 {declared}과 "
                      f"{detail['age_days']}일 차이 납니다(허용 {detail['max_age_days']}일). "
                      "이 측정으로는 아무것도 확인되지 않습니다"}
    if check == "egress":
        if kind == "contradiction":
            hosts = ", ".join(f"{m.fact} ({m.value})" for m in result.measured)
            more = " (and more: the list was truncated)" if detail["truncated"] else ""
            return {"en": f"{detail['unaccepted_hosts']} destination(s) reached that are neither "
                          f"in allowed_destinations nor an approved product's "
                          f"({detail['unaccepted_requests']} of {detail['requests']} requests, "
                          f"{en_at}): {hosts}{more}",
                    "ko": f"허용 목적지에도 승인된 제품에도 속하지 않는 목적지 "
                          f"{detail['unaccepted_hosts']}곳에 접속했습니다(요청 "
                          f"{detail['requests']}건 중 {detail['unaccepted_requests']}건, "
                          f"{ko_at}): {hosts}{' (일부만 표시)' if detail['truncated'] else ''}"}
        return {"en": f"all {detail['requests']} requests went to allowed destinations or "
                      f"approved products ({en_at})",
                "ko": f"요청 {detail['requests']}건 모두 허용 목적지 또는 승인된 제품으로 "
                      f"향했습니다({ko_at})"}
    if check == "licensed_products":
        missing = _show(detail.get("undeclared", ()))
        if kind == "weak":
            return {"en": f"licensed and provisioned but neither in usage.saas_products nor in "
                          f"the approved scope: {missing} — a scope question ({en_at})",
                    "ko": f"라이선스가 부여·프로비저닝되었으나 신고한 이용 범위와 승인 범위에 "
                          f"없는 제품: {missing} — 이용 범위 확인 필요({ko_at})"}
        return {"en": f"licensed products {_show(detail.get('licensed', ()))} all declared "
                      f"({en_at})",
                "ko": f"라이선스 제품 {_show(detail.get('licensed', ()))} 모두 신고됨({ko_at})"}
    if kind == "contradiction":
        en = f"declared {declared}; measured {got} ({en_at}): the tenant refutes the claim"
        ko = f"신고 {declared}, 측정 {got}({ko_at}): 테넌트 설정이 신고와 다릅니다"
    elif kind == "weak":
        en = f"declared {declared}; supporting measurement not met: {got} ({en_at})"
        ko = f"신고 {declared}, 보조 근거 미충족: {got}({ko_at})"
    else:
        en = f"declared {declared}; measured {got} ({en_at})"
        ko = f"신고 {declared}, 측정으로 확인: {got}({ko_at})"
    extra = {k: v for k, v in detail.items() if k in ("level", "longest_retention_days")}
    if extra:
        en += "; " + ", ".join(f"{k}={_show(v)}" for k, v in extra.items())
        ko += "; " + ", ".join(f"{k}={_show(v)}" for k, v in extra.items())
    return {"en": en, "ko": ko}


_REMEDY = {
    "contradiction": ("Correct the tenant setting, or correct the profile to what is measured; "
                      "then measure again.",
                      "테넌트 설정을 고치거나 프로파일을 측정 결과대로 고친 뒤 다시 측정하라."),
    "weak": ("Review the measured setting: it does not support the claim.",
             "측정된 설정을 검토하라: 신고 내용을 뒷받침하지 않는다."),
    "stale": ("Run the measurement again close to assessment.as_of.",
              "기준일에 가까운 시점에 다시 측정하라."),
    "confirmed": ("", ""),
}


def _rule(result: TenantResult, rationale: dict[str, str] | None) -> Rule:
    en, ko = _title(result.control)
    what = {"policies": ("policies", "정책"), "egress": ("egress log", "이그레스 로그"),
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
            "ko": "프로파일의 신고 내용을 실제 측정 결과와 대조한다."},
        remediation={"en": fix_en, "ko": fix_ko},
        basis={"source": "netsep-derived", "strength": "derived",
               "clause": "보안대책 수립·이행 — a declared measure is checked against the tenant "
                         "as measured (policies/tenant-mapping)"},
        check=_Measured(), file=result.source.file,  # type: ignore[arg-type]
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


def tenant_findings(results: Sequence[TenantResult], document: Document,
                    mappings: Sequence[TenantMapping] = ()) -> list[Finding]:
    """One finding per result that says something: failing or confirmed (unmeasured ones
    are listed in the tenant-evidence record only)."""
    findings = []
    for result in results:
        if result.kind == "unmeasured":
            continue
        position = document.position(result.path) if result.path else None
        rationale = _rationale(result, mappings)
        findings.append(Finding(
            rule=_rule(result, rationale), status=_STATUS[result.kind],
            paths=[format_path(result.path)], line=position[0] if position else None,
            column=position[1] if position else None,
            actual=[{"fact": m.fact, "value": list(m.value) if isinstance(m.value, tuple)
                     else m.value, "check": m.check, "confidence": m.confidence}
                    for m in result.measured],
            expected=list(result.declared) if isinstance(result.declared, tuple)
            else result.declared,
            message=messages(result)))
    return findings


def evidence_records(results: Sequence[TenantResult],
                     sources: Sequence[FactsRef] = ()) -> list[dict[str, Any]]:
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
    return records


def evidence_lines(report: Report, lang: str) -> list[str]:
    """The text report's tenant-evidence block."""
    lines = []
    for record in report.tenant_evidence:
        head = (f"{record['tool']} {record['tool_version']} {record['report_id']} "
                f"{record['collected_at']}").strip()
        label = "테넌트 측정 근거" if lang == "ko" else "tenant evidence"
        lines.append(f"{label}: {head}  sha256 {record['sha256']}"
                     + (" (stale)" if record["stale"] and lang != "ko" else
                        " (측정 시점 초과)" if record["stale"] else ""))
        names = {"contradicted": ("contradicted", "반박됨"), "weak": ("weak", "근거 약함"),
                 "confirmed": ("confirmed", "확인됨"), "unmeasured": ("unmeasured", "측정 안 됨")}
        for key, (en, ko) in names.items():
            if record.get(key):
                lines.append(f"  {ko if lang == 'ko' else en}: {', '.join(record[key])}")
    return lines
