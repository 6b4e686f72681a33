"""``--format oscal-poam``: an OSCAL 1.2.1 plan of action and milestones.

One POA&M item per failing, waived or unjudgeable finding of every report (worst first), each
tied to the same observation, finding and risk the assessment-results document holds (same
UUIDs, so a GRC tool can link the two). Deadlines: a waived finding's risk is due when its
waiver expires (the finding counts again after that day); a failing one is due on the ``x_due``
date noted on its control in the profile, else it has no deadline and the item says so. Each
risk carries its remediation with milestones (``on-date`` tasks) for those dates, and the
item the owner (``x_owner``) where the profile names one. An input that could not be judged is
an item too (its observation lists every problem; its risk is open), after the findings; files
skipped, notes and disabled rules are observations (see :mod:`._oscal_inputs`).

OSCAL requires at least one POA&M item: a report with nothing to plan gives one item that says
so (property ``netsep-check:kind`` ``no-open-items``), rather than an invalid document.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from netsep_check.evaluate.findings import Finding, Report
from netsep_check.evaluate.result import RunResult
from netsep_check.report import _oscal as o
from netsep_check.report._common import judged_reports, ordered, text, title
from netsep_check.report._oscal_inputs import (
    invalid_parts,
    report_observations,
    skipped_observations,
)
from netsep_check.report.oscal_ar import RISKY, observation, oscal_finding, risk

WORDS: dict[str, tuple[str, str]] = {
    "none_title": ("No open items", "조치할 항목 없음"),
    "none_desc": ("No rule failed, was waived or could not be judged for {firms}; nothing to "
                  "plan.", "{firms}: 위반, 예외 승인 또는 판정 불가인 규칙이 없어 조치할 항목이 "
                  "없습니다."),
    "item_desc": ("{firm}: {title} ({rule}, {status}).", "{firm}: {title} ({rule}, {status})."),
}


def _say(key: str, lang: str, **fields: Any) -> str:
    en, ko = WORDS[key]
    return (ko if lang == "ko" else en).format(**fields)


def _milestones(report: Report, finding: Finding, lang: str, due: dt.date | None,
                expiry: dt.date | None) -> list[dict[str, Any]]:
    tasks = []
    for kind, day, key in (("due", due, "due"), ("expiry", expiry, "waiver_expiry")):
        if day is not None:
            tasks.append({"uuid": o.uid(report, "milestone", kind, finding.rule.id),
                          "type": "milestone", "title": o.line(o.say(key, lang)),
                          "timing": {"on-date": {"date": o.end_of(day)}}})
    return tasks


def _item(report: Report, finding: Finding, lang: str, res: o.Resources) -> dict[str, Any]:
    from netsep_check.i18n import ui

    rule = finding.rule
    notes = res.notes_of(report)
    owner, due = notes.owner_of(finding), notes.due_of(finding)
    props = [o.prop("firm", report.firm), o.prop("rule-id", rule.id),
             o.prop("severity", rule.severity), o.prop("status", finding.status)]
    if owner:
        props.append(o.prop("owner", owner))
    if due:
        props.append(o.prop("due", due.isoformat()))
    expiry = o.waiver_expiry(finding) if finding.status == "waived" else None
    if expiry:
        props.append(o.prop("waiver-expires", expiry.isoformat()))
    remarks = [text(rule.remediation, lang)]
    if finding.status == "waived":
        remarks.append(o.waiver_remark(finding, lang))
    elif due is None:
        remarks.append(o.say("no_date", lang))
    if owner:
        remarks.append(o.say("owner", lang, owner=owner))
    return {
        "uuid": o.uid(report, "poam-item", rule.id),
        "title": o.line(f"{rule.id}: {title(finding, lang)}"),
        "description": _say("item_desc", lang, firm=report.firm, title=title(finding, lang),
                            rule=rule.id, status=ui(finding.status, lang)),
        "props": props,
        "origins": [{"actors": [{"type": "tool", "actor-uuid": o.tool_uuid()}]}],
        "related-findings": [{"finding-uuid": o.uid(report, "finding", rule.id)}],
        "related-observations": [{"observation-uuid": o.uid(report, "observation", rule.id)}],
        "related-risks": [{"risk-uuid": o.uid(report, "risk", rule.id)}],
        "remarks": "\n\n".join(r for r in remarks if r),
    }


def _input_item(observation_: dict[str, Any], finding_: dict[str, Any],
                risk_: dict[str, Any]) -> dict[str, Any]:
    """The POA&M item of an input not judged: fix it and check it again."""
    return {"uuid": o.ident("poam-item", finding_["uuid"]), "title": finding_["title"],
            "description": finding_["description"], "props": finding_["props"],
            "origins": o.tool_origin(),
            "related-findings": [{"finding-uuid": finding_["uuid"]}],
            "related-observations": [{"observation-uuid": observation_["uuid"]}],
            "related-risks": [{"risk-uuid": risk_["uuid"]}],
            "remarks": risk_["remediations"][0]["description"]}


def render_oscal_poam(result: RunResult, lang: str, **options: Any) -> str:
    """One POA&M for the failing, waived and unjudgeable findings of every report."""
    reports = judged_reports(result)  # none judged: exit 2 saying why
    res = o.Resources(lang)
    observations, findings, risks, items = [], [], [], []
    for report in reports:
        res.pack(report)
        res.profile(report)
        evidence = res.evidence(report)
        notes = res.notes_of(report)
        for finding in ordered(f for f in report.findings if f.status in RISKY):
            observations.append(observation(report, finding, lang, res, evidence))
            findings.append(oscal_finding(report, finding, lang, res))
            entry = risk(report, finding, lang, res)
            expiry = o.waiver_expiry(finding) if finding.status == "waived" else None
            tasks = _milestones(report, finding, lang, notes.due_of(finding), expiry)
            if tasks and entry.get("remediations"):
                entry["remediations"][0]["lifecycle"] = "planned"
                entry["remediations"][0]["tasks"] = tasks
            risks.append(entry)
            items.append(_item(report, finding, lang, res))
        observations += report_observations(report, lang, res)  # notes, disabled rules
    day = max(r.as_of for r in reports)
    for observation_, finding_, risk_ in invalid_parts(result, lang, res, day):
        observations.append(observation_)  # an input not judged: an item to fix
        findings.append(finding_)
        risks.append(risk_)
        items.append(_input_item(observation_, finding_, risk_))
    observations += skipped_observations(result, lang, res, day)
    firms = ", ".join(dict.fromkeys(r.firm for r in reports))
    if not items:
        items.append({"uuid": o.ident("no-open-items", *(k for r in reports for k in o.key_of(r))),
                      "title": _say("none_title", lang),
                      "description": _say("none_desc", lang, firms=firms),
                      "props": [o.prop("kind", "no-open-items")]})
    body: dict[str, Any] = {"metadata": o.metadata(reports, lang, "poam_title", result),
                            "local-definitions": {"components": [o.tool_component(lang)]}}
    if observations:
        body["observations"] = observations
    if risks:
        body |= {"risks": risks, "findings": findings}
    body |= {"poam-items": items, "back-matter": res.back_matter()}
    return o.dumps(o.with_document_uuid("plan-of-action-and-milestones", body, lang))
