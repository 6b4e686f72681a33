"""The JSON report: a stable, documented document (``netsep-check schema report``)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from netsep_check import __version__
from netsep_check.evaluate.findings import Finding, Report
from netsep_check.load import format_path
from netsep_check.report._common import notes, problem_text
from netsep_check.report.messages import finding_message
from netsep_check.rules.packs import display_name
from netsep_check.vocabulary import BATCH_FORMAT_ID, REPORT_FORMAT_ID, REPORT_FORMAT_VERSION

if TYPE_CHECKING:
    from netsep_check.evaluate.result import RunResult

FORMAT_ID = REPORT_FORMAT_ID
FORMAT_VERSION = REPORT_FORMAT_VERSION


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def _actual(finding: Finding) -> Any:
    """The value found; for a tenant measurement, the measurements that decided it."""
    leaves = finding.failures
    if len(leaves) == 1 and leaves[0].code == "tenant" and isinstance(leaves[0].actual, dict):
        return leaves[0].actual.get("measured")
    return finding.actual


def finding_dict(finding: Finding, lang: str) -> dict[str, Any]:
    rule = finding.rule
    return {
        "rule_id": rule.id,
        "status": finding.status,
        "severity": rule.severity,
        "area": rule.area,
        "title": dict(rule.title),
        "message": finding_message(finding, lang),
        "paths": list(finding.paths),
        "line": finding.line,
        "column": finding.column,
        "actual": _jsonable(_actual(finding)),
        "expected": _jsonable(finding.expected),
        "basis": dict(rule.basis),
        "waivable": rule.waivable,
        "remediation": rule.remediation.get(lang, ""),
        "waiver": finding.waiver.as_dict() if finding.waiver else None,
        "known": finding.known,
        "failures": [{"path": format_path(f.path) if f.path else None, "code": f.code,
                      "actual": _jsonable(f.actual), "expected": _jsonable(f.expected)}
                     for f in finding.failures],
    }


def report_dict(report: Report, lang: str) -> dict[str, Any]:
    pack = report.pack
    return {
        "format": FORMAT_ID,
        "format_version": FORMAT_VERSION,
        "tool": {"name": "netsep-check", "version": __version__},
        "lang": lang,
        "profile": {"file": report.profile_file, "sha256": report.profile_sha256,
                    "firm": report.firm, "regime": report.regime, "service": report.service},
        "as_of": report.as_of.isoformat(),
        "as_of_overridden": report.as_of_overridden,
        "pack": {"id": pack.id, "version": pack.version, "regime": pack.regime,
                 "digest": pack.digest, "extends": pack.extends,
                 "files": [display_name(p) for p in (*pack.meta_paths, *pack.rule_paths)],
                 "parameters": _jsonable(pack.parameters),
                 "disabled": [{"rule": d.rule, "reason": d.reason, "by_pack": d.by_pack}
                              for d in pack.disabled]},
        "summary": {
            "verdict": report.verdict,
            "rules": len(report.findings),
            "counts": report.counts(),
            "by_area": report.counts_by_area(),
        },
        "notes": notes(report, lang),
        "evidence_verified": report.evidence_verified,
        "evidence_checked": [record.as_dict() for record in report.evidence_checked],
        "findings": [finding_dict(f, lang) for f in report.findings],
        **({"tenant_evidence": _jsonable(report.tenant_evidence)}
           if report.tenant_evidence else {}),
    }


def dumps(document: dict[str, Any]) -> str:
    """Deterministic JSON text. A batch document puts each report on one line: the C encoder
    (which ``indent`` would disable) writes them, and diffs stay one line per profile."""
    if "reports" not in document:
        return json.dumps(document, ensure_ascii=False, indent=2) + "\n"
    members = []
    for key, value in document.items():
        if key == "reports":
            lines = ",\n".join("    " + json.dumps(report, ensure_ascii=False,
                                                    separators=(", ", ": "))
                               for report in value)
            text = f"[\n{lines}\n  ]" if value else "[]"
        else:
            text = json.dumps(value, ensure_ascii=False, indent=2).replace("\n", "\n  ")
        members.append(f"  {json.dumps(key)}: {text}")
    return "{\n" + ",\n".join(members) + "\n}\n"


def batch_header() -> dict[str, Any]:
    return {"format": BATCH_FORMAT_ID, "format_version": FORMAT_VERSION,
            "tool": {"name": "netsep-check", "version": __version__}}


def batch_document(result: RunResult, lang: str) -> dict[str, Any]:
    """Every report, the run's verdict and counts, the matrix, and the inputs not judged."""
    gate = result.gate
    return {**batch_header(), "lang": lang,
            "summary": {"verdict": result.verdict, "given": result.given,
                        "judged": len(result.reports), "invalid": len(result.invalid),
                        "counts": result.counts(), "exit_code": result.exit_code,
                        "gate": {"fail_on": gate.fail_on, "tripped": gate.tripped,
                                 "below": gate.below, "known": gate.known}},
            "reports": [report_dict(r, lang) for r in result.reports],
            "matrix": result.matrix.as_dict(),
            "invalid": [{"file": item.file,
                         "problems": [{**p.as_dict(), "text": problem_text(p, lang)}
                                      for p in item.problems]}
                        for item in result.invalid],
            "skipped": [{"file": file, "kind": kind} for file, kind in result.skipped],
            "unmatched_waivers": [w.describe() for w in result.unmatched_waivers]}


def render_json(result: RunResult, lang: str) -> str:
    """One judged profile → one report document; a batch, or an input that could not be
    judged → a batch document (``{"format": ...-batch, "reports": [...], "invalid": ...}``)."""
    if not result.batch and not result.invalid and len(result.reports) == 1:
        return dumps(report_dict(result.reports[0], lang))
    return dumps(batch_document(result, lang))
