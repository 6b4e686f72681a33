"""Every sentence a report prints, in Korean and English, in one place: one catalogue of
:class:`T` entries with named ``en`` and ``ko`` fields."""

from __future__ import annotations

from typing import Any, NamedTuple

from netsep_check.load import format_path
from netsep_check.rules.operators.base import Failure, show
from netsep_check.vocabulary import LANGS


class T(NamedTuple):
    """One text in both languages."""

    en: str
    ko: str

    def __call__(self, lang: str) -> str:
        return self.ko if lang == "ko" else self.en


__all__ = ["LANGS", "UI", "T", "failure_message", "ui"]

# Failure code → (en, ko). Fields: path, actual, expected, against.
_FAILURES: dict[str, T] = {
    "eq": T("{path} is {actual}; expected {expected}", "{path} 값이 {actual}입니다 (요구: {expected})"),
    "ne": T("{path} must not be {actual}", "{path} 값은 {actual}이(가) 아니어야 합니다"),
    "gt": T("{path} is {actual}; expected more than {against}",
           "{path} 값이 {actual}입니다 (요구: {against} 초과)"),
    "ge": T("{path} is {actual}; expected at least {against}",
           "{path} 값이 {actual}입니다 (요구: {against} 이상)"),
    "lt": T("{path} is {actual}; expected less than {against}",
           "{path} 값이 {actual}입니다 (요구: {against} 미만)"),
    "le": T("{path} is {actual}; expected at most {against}",
           "{path} 값이 {actual}입니다 (요구: {against} 이하)"),
    "in": T("{path} is {actual}; expected one of {against}",
           "{path} 값이 {actual}입니다 (허용: {against})"),
    "not_in": T("{path} is {actual}, which is not allowed ({against})",
               "{path} 값 {actual}은(는) 허용되지 않습니다 ({against})"),
    "exists": T("{path} is missing", "{path} 값이 없습니다"),
    "nonempty": T("{path} is empty", "{path} 값이 비어 있습니다"),
    "subset": T("{path} holds {actual}, which is outside {against}",
               "{path}의 {actual}은(는) {against} 범위 밖입니다"),
    "superset": T("{path} lacks {actual}, which {against} requires",
                 "{path}에 {against}이(가) 요구하는 {actual}이(가) 없습니다"),
    "disjoint": T("{path} holds {actual}, which is excluded ({against})",
                 "{path}에 제외 대상인 {actual}이(가) 있습니다 ({against})"),
    "intersects": T("{path} holds none of {against}", "{path}에 {against} 중 어느 것도 없습니다"),
    "contains": T("{path} does not contain {against}", "{path}에 {against}이(가) 없습니다"),
    "date_le": T("{path} is {actual}; expected on or before {expected} ({against})",
                "{path} 날짜가 {actual}입니다 (요구: {expected}({against}) 이전)"),
    "date_ge": T("{path} is {actual}; expected on or after {expected} ({against})",
                "{path} 날짜가 {actual}입니다 (요구: {expected}({against}) 이후)"),
    "date_lt": T("{path} is {actual}; expected before {expected} ({against})",
                "{path} 날짜가 {actual}입니다 (요구: {expected}({against}) 전, 당일 제외)"),
    "date_gt": T("{path} is {actual}; expected after {expected} ({against})",
                "{path} 날짜가 {actual}입니다 (요구: {expected}({against}) 후, 당일 제외)"),
    "within_days": T("{path} is {actual}, more than {against} days before as_of "
                    "(expected {expected})",
                    "{path} 날짜 {actual}은(는) 허용 기간(기준일 전 {against}일)을 벗어납니다 "
                    "(요구: {expected})"),
    "within_days_future": T("{path} is {actual}, after as_of (expected {expected})",
                           "{path} 날짜 {actual}이(가) 기준일 이후입니다 (요구: {expected})"),
    "span_at_most_days": T("{path} lies {actual} days after the start; at most {against} allowed",
                          "{path}은(는) 시작일부터 {actual}일 후입니다 (허용: 최대 {against}일)"),
    "not": T("this must not hold: {expected}", "다음 조건에 해당하면 안 됩니다: {expected}"),
    "not_for": T("{path} is {actual}, of which this must not hold: {expected}",
                 "{path} 값 {actual}은(는) 다음 조건에 해당하면 안 됩니다: {expected}"),
    "some": T("no item of {path} satisfies: {expected}",
             "{path}에 다음 조건을 충족하는 항목이 없습니다: {expected}"),
    "some_for": T("{path} is {actual}, and no item satisfies: {expected}",
                 "{path} 값 {actual}에 대해 다음 조건을 충족하는 항목이 없습니다: {expected}"),
    "none": T("{path} must not satisfy: {expected}", "{path}은(는) 다음 조건에 해당하면 안 됩니다: "
             "{expected}"),
    "every_item": T("{path} is {actual}, which none of these allows: {expected}",
                    "{path} 값 {actual}은(는) 다음 어디에서도 허용되지 않습니다: {expected}"),
    "empty": T("{path} has no item, and the rule treats an empty {against} as failing",
               "{path}에 항목이 없습니다 (이 규칙은 {against}이(가) 비어 있으면 위반으로 봅니다)"),
    "text_includes": T("{path} is {actual}, which includes none of {against}",
                       "{path} 값 {actual}에 {against} 중 어느 것도 포함되어 있지 않습니다"),
    "host_within_one_domain": T(
        "{path} is {actual}, which as an allow-list entry reaches more than one registrable "
        "domain (a wildcard, a leading dot, one label such as any or com, or a range holding "
        "any address; allow one host, or '*.' under one domain such as *.example.com)",
        "{path} 값 {actual}은(는) 허용 목적지 목록의 항목으로서 등록 가능한 도메인 둘 이상에 "
        "걸칩니다 (와일드카드, 맨 앞의 점(.co.kr 등), any·com 같은 단일 레이블, 모든 주소를 "
        "포함하는 주소 범위; "
        "호스트 하나 또는 *.example.com처럼 도메인 하나 아래의 '*.'만 허용)"),
    "host_one_tenant": T(
        "{path} is {actual}, a wildcard over every customer's tenant of {against} (list your "
        "own tenant's hosts under it instead, such as yesibank.sharepoint.com and "
        "yesibank-my.sharepoint.com for SharePoint)",
        "{path} 값 {actual}은(는) {against}의 모든 고객사 테넌트에 닿는 와일드카드입니다 "
        "(대신 그 아래 자사 테넌트의 호스트를 기재, 예: SharePoint는 yesibank.sharepoint.com, "
        "yesibank-my.sharepoint.com)"),
    "name_in": T("{path} is {actual}, which is none of {against} (compared without legal-form "
                 "marks and spaces)",
                 "{path} 값 {actual}은(는) {against}에 없습니다 (법인 형태 표시와 공백을 빼고 비교)"),
    "span_at_most_years": T("{path} is {actual}; a period of {against} year(s) from the start "
                            "ends on {expected}",
                            "{path} 날짜가 {actual}입니다 (시작일부터 {against}년인 기간의 "
                            "종료일: {expected})"),
    "error": T("cannot be judged: {actual}", "판정할 수 없습니다: {actual}"),
    # why a rule cannot be judged on a profile (rules/operators/base.EvalError codes)
    "eval_missing": T("cannot be judged: {against} is not in the profile",
                      "판정할 수 없습니다: 프로파일에 {against}이(가) 없습니다"),
    "eval_null": T("cannot be judged: {against} is empty (null)",
                   "판정할 수 없습니다: {against} 값이 비어 있습니다(null)"),
    "eval_not_number": T("cannot be judged: {against} is {actual}; {expected} compares numbers",
                         "판정할 수 없습니다: {against} 값 {actual}은(는) 숫자가 아니어서 "
                         "{expected} 비교를 할 수 없습니다"),
    "eval_not_list": T("cannot be judged: {against} is not a list",
                       "판정할 수 없습니다: {against}이(가) 목록이 아닙니다"),
    "eval_not_texts": T("cannot be judged: {against} is not a list of texts",
                        "판정할 수 없습니다: {against}이(가) 텍스트 목록이 아닙니다"),
    "eval_not_text": T("cannot be judged: {against} is {actual}, not a text",
                       "판정할 수 없습니다: {against} 값 {actual}은(는) 텍스트가 아닙니다"),
    "eval_not_host": T("cannot be judged: {against} is {actual}, not a host name",
                       "판정할 수 없습니다: {against} 값 {actual}은(는) 호스트 이름이 아닙니다"),
    "eval_not_date": T("cannot be judged: {against} is {actual}, not a date (YYYY-MM-DD)",
                       "판정할 수 없습니다: {against} 값 {actual}은(는) 날짜(YYYY-MM-DD)가 "
                       "아닙니다"),
    "eval_not_collection": T("cannot be judged: {against} is neither a list nor a mapping",
                             "판정할 수 없습니다: {against}이(가) 목록도 매핑도 아닙니다"),
    "eval_internal": T("cannot be judged: the rule failed on this profile ({actual})",
                       "판정할 수 없습니다: 이 프로파일에서 규칙 실행이 실패했습니다 ({actual})"),
    "evidence_missing": T("{path}: no such file ({actual})", "{path}: 파일이 없습니다 ({actual})"),
    "evidence_not_a_file": T("{path}: {actual} is not a regular file",
                             "{path}: {actual}은(는) 일반 파일이 아닙니다"),
    "evidence_outside_root": T("{path}: {actual} lies outside the evidence root (not followed)",
                               "{path}: {actual}은(는) 증빙 기준 폴더 밖에 있어 확인하지 않았습니다"),
    "evidence_sha256_mismatch": T("{path}: the file's SHA-256 {actual} is not the stated {expected}",
                                  "{path}: 파일의 SHA-256 {actual}이(가) 기재 값 {expected}과(와) 다릅니다"),
    "evidence_unbacked": T("{path}: claimed implemented, but every evidence item it cites failed "
                           "verification ({actual})",
                           "{path}: 이행으로 기재했으나 제시한 증빙이 모두 검증에 실패했습니다 ({actual})"),
}

# Notes a report carries (evaluate.findings.Note codes); fields are the note's parameters.
NOTES: dict[str, T] = {
    "regime_mismatch": T("the profile's regime is {regime}; judged against pack {pack} "
                         "({pack_regime}) as asked",
                         "프로파일의 적용 제도는 {regime}이지만 요청에 따라 정책 팩 "
                         "{pack}({pack_regime})을(를) 기준으로 점검했습니다"),
    "evidence_summary": T("evidence: {n} file(s) cited with a path, verified under {root}: {counts}",
                          "증빙: 경로를 기재한 증빙 파일 {n}건을 {root} 아래에서 검증했습니다: {counts}"),
    "evidence_not_verified": T("evidence files were not verified (--no-evidence-check); the "
                               "evidence-file rules are not applicable",
                               "증빙 파일을 검증하지 않았습니다(--no-evidence-check). 증빙 파일 "
                               "관련 규칙은 해당 없음으로 처리했습니다"),
    "tenant_not_named": T("the profile names no tenant (tenant.id): the tenant facts were not "
                          "matched to it",
                          "프로파일에 테넌트(tenant.id)가 없어 테넌트 측정 결과를 프로파일과 "
                          "대조해 확인하지 못했습니다"),
    "parameter_override": T("pack {pack} sets parameter {name} to {to} (the base pack's value: "
                            "{from})",
                            "정책 팩 {pack}이(가) 매개변수 {name}을(를) {to}(으)로 바꾸었습니다 "
                            "(기본 정책 팩의 값: {from})"),
    "rule_note": T("{rule}: {en}", "{rule}: {ko}"),
    "waiver_unmatched": T("{where}: waiver {ticket} for {target} matched no failing finding",
                          "{where}: 예외 승인 {ticket}({target})에 해당하는 위반 사항이 없습니다"),
    "baseline_none": T("baseline {file} holds no report for this profile; every failing "
                       "finding counts as new",
                       "기준 보고서 {file}에 이 프로파일의 보고서가 없어 모든 위반을 신규로 "
                       "집계합니다"),
    "baseline_known": T("baseline {file} ({profile}): {n} failing finding(s) were already "
                        "failing there, element for element ({rules}); only the others trip "
                        "the gate",
                        "기준 보고서 {file}({profile}): 위반 {n}건은 기준 보고서에서도 같은 항목으로 "
                        "위반이었습니다({rules}). 나머지만 종료 코드에 반영합니다"),
    "baseline_pack_differs": T("the baseline was judged under pack {baseline}, this report "
                               "under {report}",
                               "기준 보고서는 정책 팩 {baseline}, 이 보고서는 정책 팩 {report}을(를) "
                               "기준으로 점검했습니다"),
    "diff_packs_differ": T("base and head were judged under different packs ({base} vs {head}); "
                           "some differences may come from the pack, not the profile",
                           "기준과 비교 대상을 서로 다른 정책 팩으로 점검했습니다({base} / {head}). "
                           "일부 차이는 프로파일이 아니라 정책 팩에서 비롯될 수 있습니다"),
    "diff_firms_differ": T("base and head are about different firms ({base} vs {head})",
                           "기준과 비교 대상의 회사가 다릅니다({base} / {head})"),
}

UI: dict[str, T] = {
    "waiver_target_path": T("{rule} at {path}", "{rule}, 경로 {path}"),
    "waiver_target_firm": T("{target} ({firm})", "{target}, 회사 {firm}"),
    "pass": T("pass", "통과"), "fail": T("fail", "위반"), "not_applicable": T("n/a", "해당 없음"),
    "error": T("error", "판정 불가"), "waived": T("waived", "예외 승인"),
    "critical": T("critical", "심각"), "high": T("high", "높음"), "medium": T("medium", "중간"),
    "low": T("low", "낮음"),
    "official": T("official", "공식"), "secondary": T("secondary", "2차 출처"),
    "derived": T("derived (our reading, not law)", "netsep-check 자체 해석(법령 아님)"),
    "designation": T("Designation", "지정"), "scope": T("Scope", "이용 범위"),
    "data": T("Excluded data", "제외 대상 데이터"), "provider": T("Providers", "클라우드 서비스 제공자"),
    "endpoint": T("Internal terminals", "내부 단말기"),
    "network_link": T("Internal network ↔ SaaS", "내부망↔SaaS 연계"),
    "saas_management": T("SaaS management", "SaaS 관리"),
    "operating_policy": T("SaaS operating policy", "SaaS 운영정책"),
    "governance": T("Governance", "관리체계"), "evidence": T("Evidence", "증빙"),
    "rule": T("Rule", "규칙"), "status": T("Status", "결과"), "severity": T("Severity", "심각도"),
    "finding": T("Finding", "판정 내용"), "line": T("Line", "행"), "area": T("Area", "영역"),
    "profile": T("Profile", "프로파일"), "pack": T("Pack", "정책 팩"), "as_of": T("As of", "기준일"),
    "summary": T("Summary", "요약"), "total": T("Total", "합계"),
    "rule_error": T("cannot be judged: {error}", "판정할 수 없습니다: {error}"),
    "verdict_fail": T("NOT COMPLIANT: {n} failing rule(s)", "부적합: 위반 규칙 {n}건"),
    "verdict_pass": T("COMPLIANT: no failing rule", "적합: 위반 규칙 없음"),
    "verdict_error": T("UNDETERMINED: {n} rule(s) could not be judged",
                      "판정 불가: 판정할 수 없는 규칙 {n}건"),
    "verdict_undetermined_invalid": T("UNDETERMINED: {n} profile(s) could not be read",
                                      "판정 불가: 읽을 수 없는 프로파일 {n}건"),
    "run_counts": T("{given} profile(s) given, {judged} judged, {invalid} invalid",
                    "프로파일 {given}건 중 {judged}건 점검, {invalid}건 입력 오류"),
    "invalid_inputs": T("Inputs not judged (invalid)", "점검하지 못한 입력 (입력 오류)"),
    "skipped_inputs": T("Files that are not profiles", "프로파일이 아닌 파일"),
    "problems_n": T("{n} problem(s)", "문제 {n}건"),
    "waiver_expired": T("waiver {ticket} ({where}) expired on {expires_on}; this failure counts "
                        "again",
                        "예외 승인 {ticket}({where})은(는) {expires_on}에 만료되어 위반으로 다시 "
                        "집계됩니다"),
    "waiver_not_yet": T("waiver {ticket} ({where}) was approved on {approved_on}, after the "
                        "assessment date; it does not cover this assessment",
                        "예외 승인 {ticket}({where})은(는) 기준일 이후인 {approved_on}에 "
                        "승인되어 이 점검에는 적용되지 않습니다"),
    "known_in_baseline": T("already failing in the baseline", "기준 보고서에서도 위반"),
    "unlisted_failures": T("and {unlisted} more failing element(s) not listed here "
                           "({total} in all; the JSON report identifies every one)",
                           "이 밖에 위반 항목 {unlisted}건은 여기에 나열하지 않았습니다"
                           "(전체 {total}건, JSON 보고서에 모두 기록됨)"),
    "gate_quiet": T("{quiet} failing finding(s) do not fail the run ({why}); {tripped} do",
                    "위반 {quiet}건은 종료 코드에 반영하지 않습니다({why}). 반영: {tripped}건"),
    "out_of_memory": T(
        "error: the run needed more memory than it was given, and was stopped; no report was "
        "written. A report is made whole in memory before it is written, and a batch's SARIF, "
        "JUnit, HTML or OSCAL report holds every profile's findings: judge fewer profiles per "
        "run. A single input (a profile, a pack's rules) that needs this much is larger than "
        "this machine can judge: give it more memory or make it smaller (README, Limits)",
        "오류: 이번 실행에 주어진 메모리보다 많은 메모리가 필요해 실행을 중단했습니다. 보고서를 "
        "쓰지 않았습니다. 보고서는 메모리에서 전체를 만든 뒤에 쓰며, 일괄 점검의 "
        "SARIF·JUnit·HTML·OSCAL 보고서에는 모든 프로파일의 판정 내용이 들어갑니다. 한 번에 "
        "점검하는 프로파일 수를 줄이십시오. 입력 하나(프로파일, 정책 팩의 규칙)에 이만큼의 "
        "메모리가 필요하다면 이 환경에서 점검할 수 있는 크기를 넘은 것이므로, 메모리를 늘리거나 "
        "입력의 크기를 줄이십시오(README의 Limits 참조)"),
    "report_written": T("report written to {path}", "보고서를 썼습니다: {path}"),
    "note": T("note: {text}", "참고: {text}"),
    "no_report": T("no {fmt} report was written: no profile could be judged (the problems "
                   "are listed above)",
                   "{fmt} 보고서를 쓰지 않았습니다: 판정할 수 있는 프로파일이 없습니다(문제는 위에 "
                   "적었습니다)"),
    "gate_below": T("below --fail-on {fail_on}", "--fail-on {fail_on} 미만"),
    "gate_known": T("already failing in the baseline", "기준 보고서에서도 위반"),
    "remediation": T("Remediation", "조치 방안"), "basis": T("Basis", "근거"),
    # report formats: sarif, junit, markdown, html
    "fmt_report_title": T("Network-separation exception compliance report",
                         "망분리 예외 준수 점검 보고서"),
    "fmt_batch": T("Batch review of {n} profiles", "프로파일 {n}건 일괄 점검"),
    "fmt_matrix": T("Firms × areas (worst status per cell)", "회사 × 영역 (칸별로 가장 심각한 결과)"),
    "fmt_firm": T("Firm", "회사"), "fmt_verdict": T("Verdict", "판정"),
    "fmt_title": T("Title", "제목"), "fmt_message": T("Message", "내용"),
    "fmt_location": T("Location", "위치"), "fmt_source": T("Source", "출처"),
    "fmt_clause": T("Clause", "조항"), "fmt_strength": T("Strength", "근거 수준"),
    "fmt_rationale": T("Rationale", "취지"), "fmt_regime": T("Regime", "제도"),
    "fmt_service": T("Service", "서비스"), "fmt_notes": T("Notes", "참고"),
    "fmt_failing": T("Failing findings", "위반 사항"),
    "fmt_waived": T("Waived findings", "예외 승인된 사항"),
    "fmt_passing": T("Passing rules ({n})", "통과한 규칙 ({n}건)"),
    "fmt_not_applicable": T("Rules not applicable ({n})", "해당 없는 규칙 ({n}건)"),
    "fmt_none_failing": T("No failing findings.", "위반 사항이 없습니다."),
    "fmt_by_area": T("Findings by area", "영역별 판정 결과"),
    "fmt_counts": T("Counts by area", "영역별 건수"),
    "fmt_rules_checked": T("{n} rules checked", "규칙 {n}건 점검"),
    "fmt_generated_by": T("Generated by netsep-check {version}", "생성 도구: netsep-check {version}"),
    "fmt_as_of_overridden": T("set with --as-of", "--as-of로 지정"),
    "fmt_disabled": T("Disabled rules", "비활성화된 규칙"),
    "fmt_back": T("Back to the matrix", "종합표로 돌아가기"),
    "fmt_waiver": T("Waiver", "예외 승인"), "fmt_justification": T("Justification", "사유"),
    "fmt_approved_by": T("Approved by", "승인자"), "fmt_approved_on": T("Approved on", "승인일"),
    "fmt_expires_on": T("Expires on", "만료일"), "fmt_ticket": T("Ticket", "관리번호"),
    "fmt_skip_not_applicable": T("not applicable to this profile", "이 프로파일에는 해당 없음"),
    "fmt_skip_waived": T("waived: {justification}", "예외 승인: {justification}"),
    "fmt_derived_mark": T("our reading, not law", "netsep-check 자체 해석(법령 아님)"),
    "fmt_derived_note": T("Rules marked “derived” are netsep-check's own reading of what a careful "
                         "auditor checks — not law, and not an official interpretation.",
                         "“자체 해석”으로 표시된 규칙은 신중한 감사인이 확인할 사항에 대한 "
                         "netsep-check의 해석이며, 법령이나 공식 해석이 아닙니다."),
}


def ui(key: str, lang: str, **fields: Any) -> str:
    return UI[key](lang).format(**fields)


def failure_message(failure: Failure, lang: str) -> str:
    template = _FAILURES.get(failure.code, T("{path}: {code}", "{path}: {code}"))(lang)
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
