"""What the OSCAL documents say besides the judged findings, as every other format does: the
inputs that could not be judged (each with every problem found in it), the files skipped as not
profiles, each report's notes (unmatched waivers, assumptions, parameters a firm's pack changed)
and the rules a pack disabled.

* An input not judged is an *observation* (its problems, one per line), a *finding* whose
  target ``INPUT-INVALID`` is ``not-satisfied`` (nothing may read as compliant), and an open
  *risk* with its remediation; the POA&M also gives it a POA&M item.
* A skipped file, a note, the tenant evidence a report was cross-checked against and a
  disabled rule are observations (``netsep-check:kind`` ``skipped-input``, ``note``,
  ``tenant-evidence``, ``disabled-rule``): they are said, not judged.

In the assessment-results document the inputs form a result of their own ("Inputs not
judged"); notes and disabled rules are observations of the result of their report.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from netsep_check.report import _oscal as o
from netsep_check.report._common import (
    disabled_text,
    notes,
    run_counts_text,
    run_verdict_text,
    skipped_lines,
    tenant_lines,
)

if TYPE_CHECKING:
    from netsep_check.evaluate.findings import Report
    from netsep_check.evaluate.result import RunResult

INVALID_TARGET = "INPUT-INVALID"

WORDS: dict[str, tuple[str, str]] = {
    "result_title": ("Inputs not judged", "점검하지 못한 입력"),
    "result_desc": ("{counts}. {verdict}. Each input that could not be judged is listed with "
                    "every problem found in it, and each file skipped as not a profile.",
                    "{counts}. {verdict}. 점검하지 못한 입력마다 발견된 모든 문제를, 프로파일이 "
                    "아니어서 건너뛴 파일마다 그 사유를 표시함."),
    "invalid_title": ("Input not judged: {file}", "점검하지 못한 입력: {file}"),
    "invalid_desc": ("{file} could not be judged ({count}):", "{file}을(를) 점검하지 못함 ({count}):"),
    "invalid_statement": ("The input could not be read or validated, so no rule was judged on "
                          "it and compliance is not shown for it.",
                          "입력을 읽거나 검증할 수 없어 어떤 규칙도 판정하지 못했으며 준수 여부가 "
                          "확인되지 않음."),
    "invalid_remedy": ("Correct the problems listed and check the profile again.",
                       "표시된 문제를 수정한 뒤 프로파일을 다시 점검하십시오."),
    "skipped_title": ("Skipped, not a profile: {file}", "프로파일이 아니어서 건너뜀: {file}"),
    "input_res": ("Input file {file}", "입력 파일 {file}"),
    "note_title": ("Note on {file}", "참고 사항: {file}"),
    "tenant_title": ("Tenant evidence for {file}", "테넌트 측정 근거: {file}"),
    "disabled_title": ("Disabled rule {rule} ({pack})", "비활성화된 규칙 {rule} ({pack})"),
}


def say(key: str, lang: str, **fields: Any) -> str:
    en, ko = WORDS[key]
    return (ko if lang == "ko" else en).format(**fields)


def _worded(run: RunResult, lang: str) -> list[tuple[str, list[str]]]:
    """Each input not judged and its problems, each with its file, line, column and field."""
    from netsep_check.report.problems import problem_line

    return [(item.file, [problem_line(p, lang) for p in item.problems]) for item in run.invalid]


def run_props(run: RunResult) -> list[dict[str, str]]:
    """The run's verdict and counts, on the document's metadata."""
    return [o.prop("run-verdict", run.verdict), o.prop("inputs-given", run.given),
            o.prop("inputs-judged", len(run.reports)), o.prop("inputs-invalid", len(run.invalid)),
            o.prop("inputs-skipped", len(run.skipped))]


def run_remarks(run: RunResult, lang: str) -> str | None:
    """Every input not judged with every problem, and every file skipped (metadata remarks)."""
    if not run.invalid and not run.skipped:
        return None
    from netsep_check.i18n import ui

    lines = [f"{run_counts_text(run, lang)}. {run_verdict_text(run, lang)}"]
    if run.invalid:
        lines += ["", f"{ui('invalid_inputs', lang)}:", ""]
        for file, problems in _worded(run, lang):
            lines.append(f"- {file}")
            lines += [f"    - {p}" for p in problems]
    if run.skipped:
        lines += ["", f"{ui('skipped_inputs', lang)}:", ""]
        lines += [f"- {line}" for line in skipped_lines(run, lang)]
    return "\n".join(lines)


def _file_resource(res: o.Resources, file: str, kind: str, lang: str) -> str:
    return res.add({"uuid": o.ident("input", kind, file),
                    "title": o.line(say("input_res", lang, file=file)),
                    "props": [o.prop("kind", kind)],
                    "rlinks": [{"href": o.href(file), "media-type": o.media(file)}]})


def _observation(uuid: str, title: str, description: str, kind: str, subject: str | None,
                 day: dt.date, props: list[dict[str, str]] | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"uuid": uuid, "title": o.line(title), "description": description,
                           "props": [o.prop("kind", kind), *(props or [])],
                           "methods": ["TEST"], "origins": o.tool_origin()}
    if kind == "invalid-input":
        out["types"] = ["finding"]
    if subject:
        out["subjects"] = [{"subject-uuid": subject, "type": "resource"}]
        out["relevant-evidence"] = [{"href": f"#{subject}", "description": o.line(title)}]
    out["collected"] = o.stamp(day)
    return out


def invalid_parts(run: RunResult, lang: str, res: o.Resources, day: dt.date
                  ) -> list[tuple[dict[str, Any], dict[str, Any], dict[str, Any]]]:
    """(observation, finding, risk) of each input not judged, every problem in full."""
    from netsep_check.i18n import ui

    out = []
    for item, (file, problems) in zip(run.invalid, _worded(run, lang), strict=True):
        resource = _file_resource(res, file, "invalid-input", lang)
        count = ui("problems_n", lang, n=len(problems))
        description = "\n".join([say("invalid_desc", lang, file=file, count=count), "",
                                 *(f"- {p}" for p in problems)])
        props = [o.prop("file", file), o.prop("problems", len(problems))]
        lines = sorted({p.line for p in item.problems if p.line})
        if lines:
            props.append(o.prop("line", lines[0]))
        obs_id, finding_id, risk_id = (o.ident("input", what, file)
                                       for what in ("observation", "finding", "risk"))
        observation = _observation(obs_id, say("invalid_title", lang, file=file), description,
                                   "invalid-input", resource, day, props)
        finding = {"uuid": finding_id, "title": o.line(say("invalid_title", lang, file=file)),
                   "description": description, "props": [o.prop("kind", "invalid-input"), *props],
                   "origins": o.tool_origin(),
                   "target": {"type": "objective-id", "target-id": INVALID_TARGET,
                              "status": {"state": "not-satisfied", "reason": "other"}},
                   "related-observations": [{"observation-uuid": obs_id}],
                   "related-risks": [{"risk-uuid": risk_id}]}
        risk = {"uuid": risk_id, "title": o.line(say("invalid_title", lang, file=file)),
                "description": description,
                "statement": say("invalid_statement", lang),
                "props": [o.prop("kind", "invalid-input"), o.prop("file", file)],
                "status": "open", "origins": o.tool_origin(),
                "remediations": [{"uuid": o.ident("input", "remediation", file),
                                  "lifecycle": "recommendation",
                                  "title": o.line(o.say("remediation", lang)),
                                  "description": say("invalid_remedy", lang),
                                  "origins": o.tool_origin()}],
                "related-observations": [{"observation-uuid": obs_id}]}
        out.append((observation, finding, risk))
    return out


def skipped_observations(run: RunResult, lang: str, res: o.Resources,
                         day: dt.date) -> list[dict[str, Any]]:
    out = []
    for (file, _), said in zip(run.skipped, skipped_lines(run, lang), strict=True):
        resource = _file_resource(res, file, "skipped-input", lang)
        out.append(_observation(o.ident("input", "skipped", file),
                                say("skipped_title", lang, file=file), said, "skipped-input",
                                resource, day, [o.prop("file", file)]))
    return out


def inputs_result(run: RunResult, lang: str, res: o.Resources, day: dt.date
                  ) -> dict[str, Any] | None:
    """The assessment-results result for the inputs not judged and the files skipped."""
    if not run.invalid and not run.skipped:
        return None
    parts = invalid_parts(run, lang, res, day)
    selection: dict[str, Any] = ({"include-controls": [{"control-id": INVALID_TARGET}]}
                                 if parts else {"include-all": {}})
    out: dict[str, Any] = {
        "uuid": o.ident("inputs-result", *(i.file for i in run.invalid),
                        *(f for f, _ in run.skipped)),
        "title": o.line(say("result_title", lang)),
        "description": say("result_desc", lang, counts=run_counts_text(run, lang),
                           verdict=run_verdict_text(run, lang).rstrip(".")),
        "start": o.stamp(day), "end": o.stamp(day),
        "props": run_props(run),
        "reviewed-controls": {"control-selections": [selection]},
        "observations": [p[0] for p in parts] + skipped_observations(run, lang, res, day),
    }
    if parts:
        out["findings"] = [p[1] for p in parts]
        out["risks"] = [p[2] for p in parts]
    return out


def report_observations(report: Report, lang: str, res: o.Resources) -> list[dict[str, Any]]:
    """Each note of a report (unmatched waivers among them) and each rule its pack disabled."""
    profile = res.profile(report)
    out = []
    for index, note in enumerate(notes(report, lang)):
        out.append(_observation(o.uid(report, "note", index, note),
                                say("note_title", lang, file=report.profile_file), note,
                                "note", profile, report.as_of))
    tenant = tenant_lines(report, lang)
    if tenant:  # the tenant facts and egress logs it was cross-checked against
        out.append(_observation(o.uid(report, "tenant-evidence"),
                                say("tenant_title", lang, file=report.profile_file),
                                "\n".join(f"- {line}" for line in tenant), "tenant-evidence",
                                profile, report.as_of))
    for disabled in report.pack.disabled:
        out.append(_observation(o.uid(report, "disabled", disabled.rule),
                                say("disabled_title", lang, rule=disabled.rule,
                                    pack=disabled.by_pack),
                                disabled_text(disabled, lang), "disabled-rule", profile,
                                report.as_of, [o.prop("rule-id", disabled.rule)]))
    return out
