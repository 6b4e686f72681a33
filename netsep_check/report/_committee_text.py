"""Words and print stylesheet of the committee report (:mod:`netsep_check.report.committee`).

Korean follows the project's term list: statutory notation (제2조의3제1항제3호), "보안통제 이행
여부를 반기 1회 이상 평가하여 정보보호위원회에 보고", "정보보호최고책임자(CISO)가 위원장인
정보보호위원회", "자체 해석(법령 아님)"; summary sentences in the 개조식 register of a board
paper ("~함", "~임"); dates in prose as "2025. 3. 31.", in tables as ISO dates.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

# key → (en, ko)
WORDS: dict[str, tuple[str, str]] = {
    "doc_title": ("Report on the evaluation of security controls for SaaS use under the "
                  "network-separation exception",
                  "망분리 예외(SaaS 이용) 보안통제 이행 평가 결과 보고"),
    "doc_kind": ("Report to the Information Protection Committee",
                 "정보보호위원회 보고 안건"),
    "purpose_standing": (
        "Evaluation of whether the security controls required for the use of SaaS under the "
        "standing exception (FSS enforcement rules of the Electronic Financial Supervision "
        "Regulation, Art. 2-3(1)(3)) are implemented, reported to the Information Protection "
        "Committee chaired by the CISO (at least once every six months).",
        "전자금융감독규정시행세칙 제2조의3제1항제3호에 따른 망분리 예외(SaaS 이용)의 보안통제 "
        "이행 여부를 반기 1회 이상 평가하여 정보보호최고책임자(CISO)가 위원장인 "
        "정보보호위원회에 보고함."),
    "purpose_sandbox": (
        "Evaluation of whether the conditions attached to the innovative financial service "
        "designation (FSC, 2024-09-27) for SaaS use from the internal network are met, "
        "reported to the Information Protection Committee chaired by the CISO.",
        "혁신금융서비스 지정(2024. 9. 27.) 시 부과된 SaaS 내부망 이용 부가조건의 이행 여부를 "
        "평가하여 정보보호최고책임자(CISO)가 위원장인 정보보호위원회에 보고함."),
    "purpose_basis_note": (
        "The six-monthly evaluation duty is reported by secondary sources (press reproducing "
        "the FSC notice); its strength is shown for each condition below.",
        "반기 평가·보고 의무는 금융위원회 공지를 보도한 2차 출처에 근거함. 조건별 근거 수준은 "
        "아래 표에 표시함."),
    "s_overview": ("Overview", "보고 개요"), "s_summary": ("Summary of results", "평가 결과 요약"),
    "s_controls": ("Results by area and control", "영역별·통제별 평가 결과"),
    "s_open": ("Open findings and remediation plan", "미이행 사항 및 조치 계획"),
    "s_waivers": ("Active waivers", "예외 승인 현황"),
    "s_changes": ("Changes since the previous report", "직전 보고 대비 변동 사항"),
    "s_evidence": ("Evidence relied on", "평가에 사용한 증빙"),
    "s_sources": ("Legal basis and its strength", "평가 근거 및 근거 수준"),
    "s_signoff": ("Sign-off", "확인 및 서명"),
    "purpose": ("Purpose", "목적"), "firm": ("Organisation", "보고 기관"),
    "service": ("Service", "서비스"), "regime": ("Regime", "적용 제도"),
    "regime_sandbox": ("Innovative financial service designation (sandbox, 2024-09-27)",
                       "혁신금융서비스 지정 (2024. 9. 27.)"),
    "regime_standing": ("Standing exception (since 2026-04-20)",
                        "상시 예외 (2026. 4. 20. 시행)"),
    "pack": ("Policy pack (criteria)", "평가 기준 (정책 팩)"),
    "digest": ("Pack digest", "정책 팩 해시값(SHA-256)"),
    "profile": ("Profile evaluated", "평가 대상 프로파일"), "period": ("Evaluation period", "평가 기간"),
    "as_of": ("Evaluation date", "평가 기준일"), "tool": ("Tool", "평가 도구"),
    "prepared_by": ("Prepared by", "작성"), "reviewed_by": ("Reviewed by", "검토"),
    "ciso": ("Chief Information Security Officer (CISO)", "정보보호최고책임자(CISO)"),
    "verdict": ("Overall result", "종합 판정"),
    "summary_fail": ("Of {total} rules checked: {fail} failing, {error} not judgeable, "
                     "{waived} waived, {passed} passing, {na} not applicable.",
                     "점검 규칙 {total}건 중 위반 {fail}건, 판정 불가 {error}건, 예외 승인 {waived}건, "
                     "통과 {passed}건, 해당 없음 {na}건임."),
    "summary_action": ("The committee is asked to note the open findings in section 4 and the "
                       "remediation owners and due dates.",
                       "4장의 미이행 사항과 조치 담당·기한에 대한 위원회의 확인을 요청함."),
    "summary_clean": ("No rule failed and none was left unjudged.",
                      "위반 또는 판정 불가인 규칙이 없음."),
    "area": ("Area", "영역"), "result": ("Result", "결과"), "rule": ("Control", "통제 항목"),
    "condition": ("Condition", "점검 내용"), "basis": ("Basis (strength)", "근거 (근거 수준)"),
    "evidence": ("Evidence", "증빙"), "no": ("No.", "번호"), "finding": ("Finding", "판정 내용"),
    "remediation": ("Remediation", "조치 방안"), "owner": ("Owner", "조치 담당"),
    "due": ("Due date", "조치 기한"), "none": ("None.", "해당 사항 없음."),
    "justification": ("Justification", "사유"), "approver": ("Approved by", "승인자"),
    "approved_on": ("Approved on", "승인일"), "expires_on": ("Expires on", "만료일"),
    "ticket": ("Ticket", "관리번호"),
    "waiver_expired": ("expired", "만료됨"),
    "waiver_days_left": ("{n} days left", "잔여 {n}일"),
    "no_previous": ("No previous report was given; no comparison was made.",
                    "직전 보고서가 제시되지 않아 비교하지 않음."),
    "previous_missing": ("The previous report holds no result for {firm}; no comparison was made.",
                         "직전 보고서에 {firm}의 결과가 없어 비교하지 않음."),
    "previous": ("Previous report: {source}, evaluation date {as_of}, pack {pack} {version}.",
                 "직전 보고: {source} (평가 기준일 {as_of}, 정책 팩 {pack} {version})."),
    "change": ("Change", "변동"), "before": ("Previous", "직전"), "now": ("Now", "금번"),
    "no_change": ("No rule changed between failing and not failing.",
                  "위반 여부가 달라진 통제 항목이 없음."),
    "ev_id": ("ID", "ID"), "ev_title": ("Document", "증빙 자료"), "ev_file": ("File", "파일"),
    "ev_check": ("Verification", "검증 결과"), "ev_cited_by": ("Used for", "관련 통제"),
    "ev_ok": ("file present, SHA-256 matches", "파일 존재, SHA-256 일치"),
    "ev_present": ("file present (no SHA-256 stated)", "파일 존재 (SHA-256 미기재)"),
    "ev_sha256_mismatch": ("SHA-256 does not match", "SHA-256 불일치"),
    "ev_missing": ("file missing", "파일 없음"), "ev_not_a_file": ("not a file", "파일 아님"),
    "ev_outside_root": ("outside the evidence root", "증빙 기준 폴더 밖"),
    "ev_unverified": ("no file given; not verified", "파일 미기재; 검증하지 않음"),
    "ev_not_checked": ("not verified (evidence check off or profile changed)",
                       "검증하지 않음 (증빙 검증 생략 또는 프로파일 변경)"),
    "no_evidence": ("The profile cites no evidence.", "프로파일에 기재된 증빙이 없음."),
    "src_title": ("Source", "출처"), "src_issuer": ("Issuer", "발행 기관"),
    "src_date": ("Date", "일자"), "strength": ("Strength", "근거 수준"),
    "strength_note": ("Official: an official text. Secondary: press or practitioner reports of "
                      "an official document not read in full. Derived: netsep-check's own "
                      "reading, not law.",
                      "공식: 공식 문서. 2차 출처: 공식 문서를 전하는 보도·실무 자료(원문 미확인). "
                      "자체 해석: netsep-check의 해석이며 법령이 아님."),
    "sign_name": ("Department / name", "소속·성명"), "sign_sig": ("Signature", "서명"),
    "sign_date": ("Date", "일자"),
    "fill": ("(to be filled in)", "(기재)"),
    "sev_critical": ("critical", "심각"),
    "generated": ("Generated by netsep-check {version} from the profile's SHA-256 above; "
                  "the same inputs give the same document.",
                  "netsep-check {version}이(가) 위 SHA-256의 프로파일로 작성함. 같은 입력은 "
                  "같은 문서를 만듦."),
    "annotations_off": ("Owners, due dates and evidence per control could not be read again "
                        "from the profile (it is missing or changed since the check).",
                        "프로파일을 다시 읽을 수 없어(파일 없음 또는 점검 후 변경) 통제별 증빙과 "
                        "조치 담당·기한을 표시하지 않음."),
    "owner_hint": ("Owners and due dates come from x_owner and x_due on the control in the "
                   "profile; blanks are to be filled in.",
                   "조치 담당·기한은 프로파일의 해당 통제에 기재된 x_owner, x_due 값이며, "
                   "빈칸은 기재하여 주십시오."),
    "s_remarks": ("Notes", "참고 사항"),
    "s_inputs": ("Inputs not judged", "점검하지 못한 입력"),
    "inputs_note": ("The inputs below could not be read or validated: no rule was judged on "
                    "them and this report shows no result for them. Correct them and evaluate "
                    "them again.",
                    "아래 입력은 읽거나 검증할 수 없어 어떤 규칙도 판정하지 못했으며, 이 보고서에 "
                    "평가 결과가 없음. 수정한 뒤 다시 평가하여야 함."),
    "input_file": ("File", "파일"), "input_count": ("Problems", "문제 수"),
    "input_problems": ("Problems found (file:line: field: problem)",
                       "발견된 문제 (파일:행: 필드: 내용)"),
    "as_of_outside": ("The evaluation date lies outside the evaluation period.",
                      "평가 기준일이 평가 기간 밖에 있음."),
}


def say(key: str, lang: str, **fields: Any) -> str:
    en, ko = WORDS[key]
    return (ko if lang == "ko" else en).format(**fields)


def prose_date(day: dt.date, lang: str) -> str:
    """A date in running text: ``2025. 3. 31.`` in Korean, ``2025-03-31`` in English."""
    return f"{day.year}. {day.month}. {day.day}." if lang == "ko" else day.isoformat()


CSS = """
:root { --ink: #111827; --muted: #4b5563; --line: #9ca3af; --soft: #e5e7eb; --head: #f3f4f6;
  --fail: #b42318; --error: #5925dc; --waived: #b54708; --pass: #067647; --na: #6b7280;
  --sans: "Malgun Gothic", "맑은 고딕", "Apple SD Gothic Neo", "Noto Sans KR",
    "Noto Sans CJK KR", "NanumGothic", "나눔고딕", system-ui, sans-serif;
  --mono: "D2Coding", "NanumGothicCoding", ui-monospace, Menlo, Consolas, "DejaVu Sans Mono",
    monospace; }
* { box-sizing: border-box; }
html { background: #e5e7eb; }
body { margin: 0 auto; max-width: 210mm; background: #fff; color: var(--ink);
  font: 10.5pt/1.6 var(--sans); word-break: keep-all; overflow-wrap: break-word;
  padding: 16mm 15mm; }
h1, h2, h3 { line-height: 1.35; margin: 0; }
.cover { border-top: 3px double var(--ink); border-bottom: 1px solid var(--ink);
  padding: 10px 0 12px; margin-bottom: 14px; }
.cover .kind { font-size: 10pt; color: var(--muted); letter-spacing: 0.05em; }
.cover h1 { font-size: 17pt; font-weight: 700; margin: 4px 0 6px; }
.cover .firm { font-size: 12pt; font-weight: 600; }
h2 { font-size: 13pt; font-weight: 700; margin: 18px 0 8px; padding-bottom: 4px;
  border-bottom: 1.5px solid var(--ink); }
h3 { font-size: 11pt; font-weight: 700; margin: 14px 0 6px; }
p { margin: 4px 0 8px; }
ul.points { margin: 4px 0 10px; padding-left: 1.2em; }
ul.points li { margin: 2px 0; }
table { border-collapse: collapse; width: 100%; margin: 4px 0 10px; font-size: 9pt;
  table-layout: fixed; }
th, td { border: 1px solid var(--line); padding: 4px 6px; vertical-align: top; text-align: left; }
thead th { background: var(--head); font-weight: 700; text-align: center; }
table.kv th { width: 27%; background: var(--head); font-weight: 600; }
td.c, th.c { text-align: center; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; }
code, .mono { font-family: var(--mono); font-size: 8.5pt; overflow-wrap: anywhere;
  word-break: break-all; }
.rid { font-family: var(--mono); font-size: 8pt; color: var(--muted); display: block;
  overflow-wrap: anywhere; word-break: normal; }
.d { white-space: nowrap; font-variant-numeric: tabular-nums; }
.st { font-weight: 700; white-space: nowrap; }
.st-fail { color: var(--fail); } .st-error { color: var(--error); }
.st-waived { color: var(--waived); } .st-pass { color: var(--pass); }
.st-not_applicable { color: var(--na); }
.verdict { display: inline-block; border: 2px solid currentColor; padding: 2px 10px;
  font-weight: 700; font-size: 11.5pt; }
.strength { font-size: 8pt; border: 1px solid currentColor; padding: 0 3px;
  border-radius: 2px; display: inline-block; }
.str-official { color: #1e40af; } .str-secondary { color: #0369a1; }
.str-derived { color: #b54708; border-style: dashed; }
.src { color: var(--muted); font-size: 8.5pt; display: block; }
.ev { font-size: 8.5pt; white-space: nowrap; }
.ev code { font-size: 7.5pt; color: var(--muted); }
.ids { font-family: var(--mono); font-size: 7.5pt; overflow-wrap: anywhere; }
.blank { display: inline-block; min-width: 6em; border-bottom: 1px solid var(--ink);
  height: 1.2em; }
.note { font-size: 8.5pt; color: var(--muted); }
table.sign { table-layout: fixed; margin-top: 8px; }
table.sign td { height: 16mm; }
table.sign th.row { width: 18%; background: var(--head); }
section.inputs { border: 2px solid var(--error); padding: 6px 10px; margin-bottom: 14px; }
section.inputs ul { margin: 0; padding-left: 1.1em; }
footer.doc { margin-top: 14px; border-top: 1px solid var(--soft); padding-top: 6px;
  font-size: 8pt; color: var(--muted); }
@page { size: A4; margin: 16mm 14mm 18mm;
  @bottom-center { content: counter(page) " / " counter(pages); font-size: 8pt;
    color: #4b5563; } }
@media print {
  html { background: #fff; }
  body { max-width: none; padding: 0; font-size: 9.5pt; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  section.chapter { break-before: page; }
  h2, h3 { break-after: avoid; }
  thead { display: table-header-group; }
  tr, .sign-block, .cover { break-inside: avoid; }
  table.kv { break-inside: avoid; }
}
"""
