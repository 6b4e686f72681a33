"""``--format oscal-ar``: an OSCAL 1.2.1 assessment-results document.

Mapping. The policy pack is the assessment plan (``import-ap`` points at its back-matter
resource, which carries the pack's id, version and digest). One *result* per profile checked:
``reviewed-controls`` lists every rule that applied (rules not applicable to the profile are
``exclude-controls``); each finding of the report becomes

* an *observation* (method ``TEST``, collected on ``as_of``), whose subject is the profile and
  whose ``relevant-evidence`` points at the back-matter resources of the evidence the rule
  relied on (evidence files with their SHA-256);
* for applicable rules, an OSCAL *finding* targeting the rule (``objective-id``) with state
  ``satisfied`` only for a pass — a failing, waived or unjudgeable rule is ``not-satisfied``
  (reason ``fail`` or ``other``), never a silent green;
* for failing, waived and unjudgeable rules, a *risk* (status ``open``, ``deviation-approved``
  for a waiver, ``investigating`` for a rule that could not be judged) with the remediation,
  and the waiver's expiry or the control's ``x_due`` as its deadline.

Each result also holds an observation per note of its report (unmatched waivers among them), for
its tenant evidence and per rule its pack disabled; a batch with inputs that could not be judged
or files skipped ends with a result "Inputs not judged" (see :mod:`._oscal_inputs`), and the
metadata carries the run's verdict and counts. Nothing another format shows is left out.

Deterministic: UUIDs and times derive from the inputs (see :mod:`._oscal`).
"""

from __future__ import annotations

import re
from typing import Any

from netsep_check import __version__
from netsep_check.evaluate.findings import Finding, Report
from netsep_check.evaluate.result import RunResult
from netsep_check.i18n import ui
from netsep_check.report import _oscal as o
from netsep_check.report._common import judged_reports, message, text, title, verdict
from netsep_check.report._oscal_inputs import inputs_result, report_observations

RISKY = ("fail", "error", "waived")
STATE = {"pass": ("satisfied", "pass"), "fail": ("not-satisfied", "fail"),
         "waived": ("not-satisfied", "fail"), "error": ("not-satisfied", "other")}
RISK_STATUS = {"fail": "open", "error": "investigating", "waived": "deviation-approved"}


def token(value: str) -> str:
    """An OSCAL token (a letter or ``_`` first; letters, digits, ``.``, ``-``, ``_``)."""
    out = re.sub(r"[^\w.\-]", "_", value)
    return out if out[:1].isalpha() or out[:1] == "_" else "_" + out


def result_props(report: Report) -> list[dict[str, str]]:
    pack = report.pack
    props = [o.prop("firm", report.firm), o.prop("regime", report.regime)]
    if report.service:
        props.append(o.prop("service", report.service))
    props += [o.prop("pack-id", pack.id), o.prop("pack-version", pack.version),
              o.prop("pack-digest", pack.digest), o.prop("profile-file", report.profile_file),
              o.prop("profile-sha256", report.profile_sha256),
              o.prop("as-of", report.as_of.isoformat()),
              o.prop("as-of-overridden", str(report.as_of_overridden).lower()),
              o.prop("verdict", verdict(report))]
    return props


def observation(report: Report, finding: Finding, lang: str, res: o.Resources,
                evidence: dict[str, str]) -> dict[str, Any]:
    rule = finding.rule
    status = ui(finding.status, lang)
    profile = res.profile(report)
    relevant = []
    where = (o.say("obs_evidence", lang, file=report.profile_file, line=finding.line)
             if finding.line else o.say("obs_evidence_noline", lang, file=report.profile_file))
    relevant.append({"href": f"#{profile}", "description": where})
    for item in res.notes_of(report).evidence_of(finding):
        if item.id in evidence:
            relevant.append({"href": f"#{evidence[item.id]}",
                             "description": o.line(f"{item.id}: {item.title or item.path or ''}")})
    props = [o.prop("rule-id", rule.id), o.prop("status", finding.status)]
    if finding.line:
        props.append(o.prop("line", finding.line))
    props += [o.prop("path", path) for path in finding.paths]
    return {
        "uuid": o.uid(report, "observation", rule.id),
        "title": o.line(f"{rule.id}: {title(finding, lang)}"),
        "description": o.say("obs_desc", lang, rule=rule.id, status=status,
                             message=message(finding, lang) or title(finding, lang)),
        "props": props,
        "methods": ["TEST"],
        "types": ["control-objective"],
        "origins": o.tool_origin(),
        "subjects": [{"subject-uuid": profile, "type": "resource"}],
        "relevant-evidence": relevant,
        "collected": o.stamp(report.as_of),
    }


def oscal_finding(report: Report, finding: Finding, lang: str, res: o.Resources) -> dict[str, Any]:
    rule = finding.rule
    state, reason = STATE[finding.status]
    props = [o.prop("rule-id", rule.id), o.prop("area", rule.area),
             o.prop("severity", rule.severity), o.prop("status", finding.status),
             o.prop("basis-strength", rule.basis.get("strength") or "unknown"),
             o.prop("waivable", str(rule.waivable).lower())]
    if rule.basis.get("clause"):
        props.append(o.prop("basis-clause", rule.basis["clause"]))
    if finding.unlisted:  # more failing elements than the description lists: how many
        props += [o.prop("failing-elements", finding.unlisted + len(finding.failures)),
                  o.prop("unlisted-elements", finding.unlisted)]
    out: dict[str, Any] = {
        "uuid": o.uid(report, "finding", rule.id),
        "title": o.line(title(finding, lang)),
        "description": message(finding, lang) or text(rule.rationale, lang) or title(finding, lang),
        "props": props,
        "origins": o.tool_origin(),
        "target": {"type": "objective-id", "target-id": token(rule.id),
                   "status": {"state": state, "reason": reason}},
        "related-observations": [{"observation-uuid": o.uid(report, "observation", rule.id)}],
    }
    basis = res.basis(report, finding)
    if basis:
        out["links"] = [{"href": f"#{basis}", "rel": "reference"}]
    if finding.status in RISKY:
        out["related-risks"] = [{"risk-uuid": o.uid(report, "risk", rule.id)}]
    if finding.status == "waived":
        out["remarks"] = o.waiver_remark(finding, lang)
    return out


def risk(report: Report, finding: Finding, lang: str, res: o.Resources) -> dict[str, Any]:
    """A failing, waived or unjudgeable rule as a risk, with its remediation and deadline."""
    rule = finding.rule
    strength = ui(rule.basis.get("strength") or "derived", lang)
    statement = (o.say("error_statement", lang, title=title(finding, lang))
                 if finding.status == "error"
                 else o.say("risk_statement", lang, title=title(finding, lang), strength=strength))
    props = [o.prop("rule-id", rule.id), o.prop("severity", rule.severity),
             o.prop("status", finding.status)]
    out: dict[str, Any] = {
        "uuid": o.uid(report, "risk", rule.id),
        "title": o.line(title(finding, lang)),
        "description": text(rule.rationale, lang) or title(finding, lang),
        "statement": statement + ("\n\n" + message(finding, lang) if message(finding, lang)
                                  else ""),
        "props": props,
        "status": RISK_STATUS[finding.status],
        "origins": o.tool_origin(),
    }
    deadline = o.waiver_expiry(finding) if finding.status == "waived" else None
    if deadline is None:
        notes = res.notes_of(report)
        deadline = notes.due_of(finding)
        owner = notes.owner_of(finding)
        if owner:
            props.append(o.prop("owner", owner))
    if deadline is not None:
        out["deadline"] = o.end_of(deadline)
    remediation = text(rule.remediation, lang)
    if remediation:
        out["remediations"] = [{
            "uuid": o.uid(report, "remediation", rule.id),
            "lifecycle": "recommendation",
            "title": o.line(o.say("remediation", lang)),
            "description": remediation, "origins": o.tool_origin()}]
    out["related-observations"] = [{"observation-uuid": o.uid(report, "observation", rule.id)}]
    return out


def result(report: Report, lang: str, res: o.Resources) -> dict[str, Any]:
    pack = report.pack
    res.profile(report)
    evidence = res.evidence(report)
    applicable = [f for f in report.findings if f.status != "not_applicable"]
    skipped = [f for f in report.findings if f.status == "not_applicable"]
    selection: dict[str, Any] = (
        {"include-controls": [{"control-id": token(f.rule.id)} for f in applicable]}
        if applicable else {"include-all": {}})
    if skipped:
        selection["exclude-controls"] = [{"control-id": token(f.rule.id)} for f in skipped]
        selection["remarks"] = o.say("not_applicable", lang,
                                     rules=", ".join(f.rule.id for f in skipped))
    out: dict[str, Any] = {
        "uuid": o.uid(report, "result"),
        "title": o.line(o.say("result_title", lang, firm=report.firm, pack=pack.id,
                              version=pack.version, as_of=report.as_of.isoformat())),
        "description": o.say("result_desc", lang, pack=pack.id, version=pack.version,
                             digest=pack.digest, profile=report.profile_file,
                             sha=report.profile_sha256, tool=__version__),
        "start": o.stamp(report.as_of),
        "end": o.stamp(report.as_of),
        "props": result_props(report),
        "local-definitions": {"components": [o.tool_component(lang)]},
        "reviewed-controls": {"control-selections": [selection]},
        "observations": [observation(report, f, lang, res, evidence) for f in report.findings]
        + report_observations(report, lang, res),  # its notes and disabled rules too
    }
    if applicable:
        out["findings"] = [oscal_finding(report, f, lang, res) for f in applicable]
    risks = [risk(report, f, lang, res) for f in report.findings if f.status in RISKY]
    if risks:
        out["risks"] = risks
    return out


def render_oscal_ar(run: RunResult, lang: str, **options: Any) -> str:
    """One assessment-results document; one result per report."""
    reports = judged_reports(run)  # none judged: exit 2 saying why
    res = o.Resources(lang)
    pack_resources = [res.pack(r) for r in reports]
    results = [result(r, lang, res) for r in reports]
    inputs = inputs_result(run, lang, res, max(r.as_of for r in reports))
    if inputs:  # every input not judged, with its problems, and every file skipped
        results.append(inputs)
    body = {"metadata": o.metadata(reports, lang, "ar_title", run),
            "import-ap": {"href": f"#{pack_resources[0]}"},
            "results": results,
            "back-matter": res.back_matter()}
    return o.dumps(o.with_document_uuid("assessment-results", body, lang))
