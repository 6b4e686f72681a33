"""Every sentence a report prints, in Korean and English, in one place."""

from __future__ import annotations

from typing import Any

from netsep_check.load import format_path
from netsep_check.rules.operators.base import Failure, show

LANGS = ("ko", "en")

# Failure code → (en, ko). Fields: path, actual, expected, against.
_FAILURES: dict[str, tuple[str, str]] = {
    "eq": ("{path} is {actual}; expected {expected}", "{path} 값이 {actual}입니다 (요구: {expected})"),
    "ne": ("{path} must not be {actual}", "{path} 값이 {actual}이면 안 됩니다"),
    "gt": ("{path} is {actual}; expected more than {against}",
           "{path} 값이 {actual}입니다 (요구: {against} 초과)"),
    "ge": ("{path} is {actual}; expected at least {against}",
           "{path} 값이 {actual}입니다 (요구: {against} 이상)"),
    "lt": ("{path} is {actual}; expected less than {against}",
           "{path} 값이 {actual}입니다 (요구: {against} 미만)"),
    "le": ("{path} is {actual}; expected at most {against}",
           "{path} 값이 {actual}입니다 (요구: {against} 이하)"),
    "in": ("{path} is {actual}; expected one of {against}",
           "{path} 값이 {actual}입니다 (허용: {against})"),
    "not_in": ("{path} is {actual}, which is not allowed ({against})",
               "{path} 값 {actual}은(는) 허용되지 않습니다 ({against})"),
    "exists": ("{path} is missing", "{path} 값이 없습니다"),
    "nonempty": ("{path} is empty", "{path} 값이 비어 있습니다"),
    "subset": ("{path} holds {actual}, which is outside {against}",
               "{path}의 {actual}은(는) {against} 범위 밖입니다"),
    "superset": ("{path} lacks {actual}, which {against} requires",
                 "{path}에 {against}이(가) 요구하는 {actual}이(가) 없습니다"),
    "disjoint": ("{path} holds {actual}, which is excluded ({against})",
                 "{path}에 제외 대상인 {actual}이(가) 있습니다 ({against})"),
    "intersects": ("{path} holds none of {against}", "{path}에 {against} 중 어느 것도 없습니다"),
    "contains": ("{path} does not contain {against}", "{path}에 {against}이(가) 없습니다"),
    "date_le": ("{path} is {actual}; expected on or before {expected} ({against})",
                "{path} 날짜가 {actual}입니다 (요구: {expected}({against}) 이전)"),
    "date_ge": ("{path} is {actual}; expected on or after {expected} ({against})",
                "{path} 날짜가 {actual}입니다 (요구: {expected}({against}) 이후)"),
    "date_lt": ("{path} is {actual}; expected before {expected} ({against})",
                "{path} 날짜가 {actual}입니다 (요구: {expected}({against}) 전)"),
    "date_gt": ("{path} is {actual}; expected after {expected} ({against})",
                "{path} 날짜가 {actual}입니다 (요구: {expected}({against}) 후)"),
    "within_days": ("{path} is {actual}, more than {against} days before as_of "
                    "(expected {expected})",
                    "{path} 날짜 {actual}은(는) 기준일로부터 {against}일을 초과했습니다 "
                    "(요구: {expected})"),
    "within_days_future": ("{path} is {actual}, after as_of (expected {expected})",
                           "{path} 날짜 {actual}이(가) 기준일 이후입니다 (요구: {expected})"),
    "span_at_most_days": ("{path} lies {actual} days after the start; at most {against} allowed",
                          "{path}은(는) 시작일로부터 {actual}일 뒤입니다 (최대 {against}일)"),
    "not": ("this must not hold: {expected}", "다음 조건에 해당하면 안 됩니다: {expected}"),
    "some": ("no item of {path} satisfies: {expected}",
             "{path}에 다음 조건을 충족하는 항목이 없습니다: {expected}"),
    "some_for": ("{path} is {actual}, and no item satisfies: {expected}",
                 "{path} 값 {actual}에 대해 다음 조건을 충족하는 항목이 없습니다: {expected}"),
    "every_item": ("{path} is {actual}, which none of these allows: {expected}",
                   "{path} 값 {actual}은(는) 다음 어디에서도 허용되지 않습니다: {expected}"),
    "empty": ("{path} has no item, and the rule treats an empty {against} as failing",
              "{path}에 항목이 없습니다 (이 규칙은 {against}이(가) 비어 있으면 위반으로 봅니다)"),
    "name_in": ("{path} is {actual}, which is none of {against} (compared without legal-form "
                "marks and spaces)",
                "{path} 값 {actual}은(는) {against}에 없습니다 (법인 형태 표시와 공백을 빼고 비교)"),
    "span_at_most_years": ("{path} is {actual}; a period of {against} year(s) from the start ends "
                           "on {expected}",
                           "{path} 날짜가 {actual}입니다 (시작일부터 {against}년인 기간의 "
                           "종료일: {expected})"),
    "none": ("{path} must not satisfy: {expected}", "{path}은(는) 다음 조건에 해당하면 안 됩니다: "
             "{expected}"),
}

UI: dict[str, tuple[str, str]] = {
    "pass": ("pass", "통과"), "fail": ("fail", "위반"), "not_applicable": ("n/a", "해당 없음"),
    "error": ("error", "판정 불가"), "waived": ("waived", "예외 승인"),
    "critical": ("critical", "심각"), "high": ("high", "높음"), "medium": ("medium", "중간"),
    "low": ("low", "낮음"),
    "official": ("official", "공식"), "secondary": ("secondary", "2차 출처"),
    "derived": ("derived (our reading, not law)", "netsep-check 자체 해석(법령 아님)"),
    "designation": ("Designation", "지정"), "scope": ("Scope", "이용 범위"),
    "data": ("Excluded data", "제외 데이터"), "provider": ("Providers", "클라우드 서비스 제공자"),
    "endpoint": ("Internal terminals", "내부 단말기"),
    "network_link": ("Internal network ↔ SaaS", "내부망↔SaaS 연계"),
    "saas_management": ("SaaS management", "SaaS 관리"),
    "operating_policy": ("SaaS operating policy", "SaaS 운영정책"),
    "governance": ("Governance", "거버넌스"), "evidence": ("Evidence", "증빙"),
    "rule": ("Rule", "규칙"), "status": ("Status", "결과"), "severity": ("Severity", "심각도"),
    "finding": ("Finding", "판정 내용"), "line": ("Line", "행"), "area": ("Area", "영역"),
    "profile": ("Profile", "프로파일"), "pack": ("Pack", "정책 팩"), "as_of": ("As of", "기준일"),
    "summary": ("Summary", "요약"), "total": ("Total", "합계"),
    "rule_error": ("cannot be judged: {error}", "판정할 수 없습니다: {error}"),
    "verdict_fail": ("NOT COMPLIANT: {n} failing rule(s)", "부적합: 위반 규칙 {n}건"),
    "verdict_pass": ("COMPLIANT: no failing rule", "적합: 위반 규칙 없음"),
    "verdict_error": ("UNDETERMINED: {n} rule(s) could not be judged",
                      "판정 불가: 판정할 수 없는 규칙 {n}건"),
    "remediation": ("Remediation", "조치 방안"), "basis": ("Basis", "근거"),
    # report formats: sarif, junit, markdown, html
    "fmt_report_title": ("Network-separation exception compliance report",
                         "망분리 예외 준수 점검 보고서"),
    "fmt_batch": ("Batch review of {n} profiles", "프로파일 {n}건 일괄 점검"),
    "fmt_matrix": ("Firms × areas (worst status per cell)", "기업 × 영역 (칸마다 가장 나쁜 결과)"),
    "fmt_firm": ("Firm", "기업"), "fmt_verdict": ("Verdict", "판정"),
    "fmt_title": ("Title", "제목"), "fmt_message": ("Message", "내용"),
    "fmt_location": ("Location", "위치"), "fmt_source": ("Source", "출처"),
    "fmt_clause": ("Clause", "조항"), "fmt_strength": ("Strength", "근거 수준"),
    "fmt_rationale": ("Rationale", "취지"), "fmt_regime": ("Regime", "제도"),
    "fmt_service": ("Service", "서비스"), "fmt_notes": ("Notes", "참고"),
    "fmt_failing": ("Failing findings", "위반 사항"),
    "fmt_waived": ("Waived findings", "예외 승인된 사항"),
    "fmt_passing": ("Passing rules ({n})", "통과한 규칙 ({n}건)"),
    "fmt_not_applicable": ("Rules not applicable ({n})", "해당 없는 규칙 ({n}건)"),
    "fmt_none_failing": ("No failing findings.", "위반 사항이 없습니다."),
    "fmt_by_area": ("Findings by area", "영역별 판정 결과"),
    "fmt_counts": ("Counts by area", "영역별 건수"),
    "fmt_rules_checked": ("{n} rules checked", "규칙 {n}건 점검"),
    "fmt_generated_by": ("Generated by netsep-check {version}", "netsep-check {version} 생성"),
    "fmt_as_of_overridden": ("set with --as-of", "--as-of로 지정"),
    "fmt_disabled": ("Disabled rules", "비활성화된 규칙"),
    "fmt_back": ("Back to the matrix", "표로 돌아가기"),
    "fmt_waiver": ("Waiver", "예외 승인"), "fmt_justification": ("Justification", "사유"),
    "fmt_approved_by": ("Approved by", "승인자"), "fmt_approved_on": ("Approved on", "승인일"),
    "fmt_expires_on": ("Expires on", "만료일"), "fmt_ticket": ("Ticket", "티켓"),
    "fmt_skip_not_applicable": ("not applicable to this profile", "이 프로파일에는 해당 없음"),
    "fmt_skip_waived": ("waived: {justification}", "예외 승인: {justification}"),
    "fmt_derived_mark": ("our reading, not law", "netsep-check 자체 해석(법령 아님)"),
    "fmt_derived_note": ("Rules marked “derived” are netsep-check's own reading of what a careful "
                         "auditor checks — not law, and not an official interpretation.",
                         "“자체 해석”으로 표시된 규칙은 신중한 감사인이 확인할 사항에 대한 "
                         "netsep-check의 해석이며, 법령이나 공식 해석이 아닙니다."),
}


def ui(key: str, lang: str, **fields: Any) -> str:
    en, ko = UI[key]
    return (ko if lang == "ko" else en).format(**fields)


def failure_message(failure: Failure, lang: str) -> str:
    en, ko = _FAILURES.get(failure.code, ("{path}: {code}", "{path}: {code}"))
    template = ko if lang == "ko" else en
    if isinstance(failure.expected, dict) and set(failure.expected) == {"ko", "en"}:
        failure = Failure(failure.path, failure.code, failure.actual,  # a condition in words
                          failure.expected[lang], failure.against)
    expected = show(failure.expected)
    if failure.against == expected:  # a literal: say it once
        template = template.replace(" ({against})", "").replace("({against}) ", "")
    return template.format(
        path=format_path(failure.path) if failure.path else "(profile)",
        actual=show(failure.actual), expected=show(failure.expected),
        against=failure.against if failure.against is not None else show(failure.expected),
        code=failure.code)
