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
    "none": ("{path} must not satisfy: {expected}", "{path}은(는) 다음 조건에 해당하면 안 됩니다: "
             "{expected}"),
}

UI: dict[str, tuple[str, str]] = {
    "pass": ("pass", "통과"), "fail": ("fail", "위반"), "not_applicable": ("n/a", "해당 없음"),
    "error": ("error", "판정 불가"), "waived": ("waived", "예외 승인"),
    "critical": ("critical", "치명"), "high": ("high", "높음"), "medium": ("medium", "중간"),
    "low": ("low", "낮음"),
    "official": ("official", "공식"), "secondary": ("secondary", "2차 출처"),
    "derived": ("derived (our reading, not law)", "자체 해석 (법령 아님)"),
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
}


def ui(key: str, lang: str, **fields: Any) -> str:
    en, ko = UI[key]
    return (ko if lang == "ko" else en).format(**fields)


def failure_message(failure: Failure, lang: str) -> str:
    en, ko = _FAILURES.get(failure.code, ("{path}: {code}", "{path}: {code}"))
    template = ko if lang == "ko" else en
    return template.format(
        path=format_path(failure.path) if failure.path else "(profile)",
        actual=show(failure.actual), expected=show(failure.expected),
        against=failure.against if failure.against is not None else show(failure.expected),
        code=failure.code)
