"""The JSON report: a stable, documented document (``netsep-check schema report``)."""

from __future__ import annotations

import json
from typing import Any

from netsep_check import __version__
from netsep_check.evaluate.findings import Finding, Report
from netsep_check.rules.packs import display_name

FORMAT_ID = "netsep-check-report"
FORMAT_VERSION = 1


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def finding_dict(finding: Finding, lang: str) -> dict[str, Any]:
    rule = finding.rule
    return {
        "rule_id": rule.id,
        "status": finding.status,
        "severity": rule.severity,
        "area": rule.area,
        "title": dict(rule.title),
        "message": finding.message.get(lang, ""),
        "paths": list(finding.paths),
        "line": finding.line,
        "column": finding.column,
        "actual": _jsonable(finding.actual),
        "expected": _jsonable(finding.expected),
        "basis": dict(rule.basis),
        "waivable": rule.waivable,
        "remediation": rule.remediation.get(lang, ""),
        "waiver": _jsonable(finding.waiver),
    }


def report_dict(report: Report, lang: str) -> dict[str, Any]:
    pack = report.pack
    failing = sum(1 for f in report.findings if f.failing)
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
            "verdict": "fail" if failing else "pass",
            "rules": len(report.findings),
            "counts": report.counts(),
            "by_area": report.counts_by_area(),
        },
        "notes": list(report.notes),
        "evidence_checked": [dict(record) for record in report.evidence_checked],
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
    return {"format": FORMAT_ID + "-batch", "format_version": FORMAT_VERSION,
            "tool": {"name": "netsep-check", "version": __version__}}


def render_json(reports: list[Report], lang: str) -> str:
    """One report → one report document; several → ``{"format": ..., "reports": [...]}``."""
    if len(reports) == 1:
        return dumps(report_dict(reports[0], lang))
    return dumps({**batch_header(), "reports": [report_dict(r, lang) for r in reports]})
