"""Words for deadlines (``netsep-check due``): labels in Korean and English, text and JSON.

The dates come from :mod:`netsep_check.evaluate.deadlines`; nothing here computes one.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from netsep_check import __version__
from netsep_check.evaluate.deadlines import OVERDUE, UNDETERMINED, Deadline, FirmDeadlines

FORMAT_ID = "netsep-check-deadlines"
FORMAT_VERSION = 1

# kind → (en, ko)
KIND_LABELS: dict[str, tuple[str, str]] = {
    "designation_end": ("designation ends (last day in force)", "지정기간 종료일 (효력이 있는 마지막 날)"),
    "extension_request": ("ask for the one extension (planning date, not a statutory deadline)",
                          "지정기간 연장 신청 (계획 기준일, 법정 기한 아님)"),
    "improvement_request": ("last day to request a rule amendment (규제개선 요청, 3 months "
                            "before the end)", "규제개선 요청 기한 (지정기간 종료 3개월 전)"),
    "provider_periodic": ("provider's periodic (yearly) security evaluation",
                          "제공자 정기 보안성 평가 (연 1회)"),
    "provider_comprehensive": ("provider's new comprehensive evaluation (3-yearly)",
                               "제공자 종합평가 재실시 (3년마다)"),
    "self_assessment": ("semiannual self-assessment reported to the committee",
                        "보안통제 이행 여부 반기 평가 및 정보보호위원회 보고"),
    "training": ("yearly user and administrator training", "이용자·관리자 정기 교육 (연 1회)"),
    "upload_scan": ("scan for non-pseudonymised personal credit information",
                    "가명처리되지 않은 개인신용정보 업로드 점검"),
    "waiver_expiry": ("waiver expires; the failure counts again",
                      "예외 승인 만료 (이후 다시 위반으로 집계)"),
    "tenant_facts_stale": ("tenant facts go stale; measure the tenant again",
                           "테넌트 측정 결과 유효기간 경과 (다시 측정 필요)"),
}
STATE_LABELS = {"overdue": ("OVERDUE", "기한 경과"), "upcoming": ("due", "예정"),
                "undetermined": ("undated", "날짜 불명")}
STRENGTH_LABELS = {"official": ("official", "공식"), "secondary": ("secondary", "2차 출처"),
                   "derived": ("derived: our reading, not law", "자체 해석(법령 아님)"),
                   "record": ("the firm's own record", "회사 기록")}
REASON_LABELS = {
    "no_date": ("no date recorded; the rule fails until one is", "기록된 날짜 없음 (기록 전까지 "
                "규칙 위반)"),
    "not_implemented": ("control not implemented; nothing to count from",
                        "통제 미이행 — 기산할 날짜 없음"),
    "first_evaluation": ("first evaluation: due six months after the duty began (2026-04-20) "
                         "or after use started (usage.started_on), whichever is later",
                         "첫 평가 기한: 의무 시행일(2026. 4. 20.) 또는 이용 개시일(usage.started_on) "
                         "중 늦은 날부터 6개월"),
    "last_comprehensive_unknown": ("the profile records only the latest evaluation, which is "
                                   "not the comprehensive one: its date is unknown",
                                   "최근 평가가 종합평가가 아니어서 마지막 종합평가일을 알 수 없음"),
}
_WORDS = {
    "title": ("Deadlines", "기한 목록"), "as_of": ("as of", "기준일"),
    "within": ("due within {days} days, and everything overdue",
               "{days}일 이내 도래 및 기한 경과 항목"),
    "none": ("nothing due", "도래할 기한 없음"),
    "days_left": ("in {n} day(s)", "D-{n}"), "days_over": ("{n} day(s) overdue", "{n}일 경과"),
    "today": ("today", "오늘까지"),
    "waivers": ("waivers file", "예외 승인 파일"),
    "capped": ("valid_until {stated} is later than the legal maximum; the maximum is shown",
               "기재된 만료일 {stated}이(가) 법정 상한보다 늦어 상한을 표시함"),
    "from": ("from", "근거 필드"), "rule": ("rule", "규칙"),
    "summary": ("{overdue} overdue, {upcoming} upcoming, {undated} undated",
                "기한 경과 {overdue}건, 예정 {upcoming}건, 날짜 불명 {undated}건"),
}


def _t(table: dict[str, tuple[str, str]], key: str, lang: str) -> str:
    en, ko = table[key]
    return ko if lang == "ko" else en


def word(key: str, lang: str, **fields: Any) -> str:
    return _t(_WORDS, key, lang).format(**fields)


def kind_label(kind: str, lang: str) -> str:
    return _t(KIND_LABELS, kind, lang)


def strength_label(strength: str, lang: str) -> str:
    return _t(STRENGTH_LABELS, strength, lang)


def when(item: Deadline, lang: str) -> str:
    if item.days_left is None:
        return _t(STATE_LABELS, UNDETERMINED, lang)
    if item.days_left == 0:
        return word("today", lang)
    if item.days_left < 0:
        return word("days_over", lang, n=-item.days_left)
    return word("days_left", lang, n=item.days_left)


def heading(group: FirmDeadlines, lang: str) -> str:
    if group.regime is None:
        return f"{word('waivers', lang)}: {group.file}"
    what = group.regime + (f"/{group.service}" if group.service else "")
    return f"{group.firm} ({group.file}; {what})"


def detail(item: Deadline, lang: str) -> str:
    """The second line of an item: source strength, field, rule, and any caveat."""
    parts = [strength_label(item.strength, lang)]
    if item.path:
        parts.append(f"{word('from', lang)} {item.path}")
    if item.rule:
        parts.append(f"{word('rule', lang)} {item.rule}")
    if item.reason:
        parts.append(_t(REASON_LABELS, item.reason, lang))
    if item.capped and item.stated:
        parts.append(word("capped", lang, stated=item.stated.isoformat()))
    return "; ".join(parts)


def render_text(groups: Sequence[FirmDeadlines], lang: str, within: int | None) -> str:
    lines = []
    as_of = groups[0].as_of.isoformat() if groups else ""
    head = f"{word('title', lang)} — {word('as_of', lang)} {as_of}"
    if within is not None:
        head += f" ({word('within', lang, days=within)})"
    lines.append(head)
    for group in groups:
        lines += ["", heading(group, lang)]
        if not group.items:
            lines.append(f"  {word('none', lang)}")
        for item in group.items:
            mark = "!!" if item.state == OVERDUE else ("??" if item.due is None else "  ")
            date = item.due.isoformat() if item.due else "----------"
            subject = f" [{item.subject}]" if item.subject else ""
            lines.append(f"{mark} {date}  {when(item, lang):<12} {kind_label(item.kind, lang)}"
                         f"{subject}")
            lines.append(f"   {'':10}  {detail(item, lang)}")
    counts = {"overdue": 0, "upcoming": 0, "undated": 0}
    for group in groups:
        for item in group.items:
            key = "undated" if item.state == UNDETERMINED else item.state
            counts[key] += 1
    lines += ["", word("summary", lang, **counts)]
    return "\n".join(lines) + "\n"


def deadline_dict(item: Deadline, lang: str) -> dict[str, Any]:
    return {"kind": item.kind, "label": kind_label(item.kind, lang), "subject": item.subject,
            "due": item.due.isoformat() if item.due else None, "state": item.state,
            "days_left": item.days_left,
            "counted_from": item.counted_from.isoformat() if item.counted_from else None,
            "interval": item.interval, "strength": item.strength, "source": item.source,
            "path": item.path, "rule": item.rule, "reason": item.reason,
            "capped": item.capped, "stated": item.stated.isoformat() if item.stated else None}


def render_json(groups: Sequence[FirmDeadlines], lang: str, within: int | None) -> str:
    document = {
        "format": FORMAT_ID, "format_version": FORMAT_VERSION,
        "tool": {"name": "netsep-check", "version": __version__}, "lang": lang,
        "as_of": groups[0].as_of.isoformat() if groups else None, "within_days": within,
        "groups": [{"file": g.file, "firm": g.firm if g.regime else None, "regime": g.regime,
                    "service": g.service, "overdue": len(g.overdue),
                    "deadlines": [deadline_dict(item, lang) for item in g.items]}
                   for g in groups],
        "not_covered": [],
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"
