"""The SARIF 2.1.0 report, for code-scanning views (GitHub, GitLab, IDE SARIF viewers).

Layout. One *run per policy pack*, holding the results of every profile judged by that pack: a
normal check (one profile, or a batch under one regime) gives exactly one run. We do not emit one
run per profile because code-scanning services treat several runs of the same tool in one file
as one analysis only when their categories differ (GitHub rejects same-tool runs without distinct
``automationDetails``), and because the rule metadata (``tool.driver.rules``) belongs to the pack,
not to a profile: one run per pack lists each rule once and lets every result point at it by
``ruleIndex``. Each run carries ``automationDetails.id`` ``netsep-check/<pack id>/`` so that
runs of different packs in one file stay distinct analyses. Profiles are the run's
``artifacts`` (URI and SHA-256 of the file), and each result points at its profile by
``artifactLocation.index``.

Locations. Code-scanning services resolve an artifact URI against the repository's root, so a
profile's URI is its path relative to the *source root*, normalised (no ``./``, no ``..``, ``/``
separators, %-escaped) and marked ``"uriBaseId": "%SRCROOT%"``: ``check --sarif-root DIR`` names
the root; by default it is the repository holding the working directory (the nearest folder at
or above it with a ``.git``), else the working directory itself. A profile that lies outside the
root cannot be named relative to it without ``../``, which SARIF consumers do not resolve: it
gets an absolute ``file:`` URI (SARIF §3.10.2 allows an absolute URI without a ``uriBaseId``), so
it is still located exactly, if not shown inline in a repository view. Standard input keeps its
name (``<stdin>``, escaped). ``originalUriBaseIds`` is left out on purpose: it would write the
machine's absolute root into every log.

Results. One result per finding with status ``fail`` or ``error`` (a rule that could not be
judged counts against the gate, so it is reported, with its "cannot be judged" message), and one
per ``waived`` finding with an ``external``, accepted ``suppressions`` entry carrying the
waiver's justification, so accepted risks stay visible. ``pass`` and ``not_applicable`` give no
result. ``level`` follows the rule severity: critical/high → ``error``, medium → ``warning``,
low → ``note``, except that a finding that could not be judged is always an ``error`` (it fails
the gate whatever the severity); ``properties.security-severity`` is 9.5 / 8.0 / 5.5 / 3.0.

No URL at all: no ``informationUri``, no ``helpUri``, no ``$schema`` (users sit in separated
networks and SARIF consumers must not be led to fetch anything). The output is deterministic: no
timestamps, no absolute paths we did not get, no random ids.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path, PureWindowsPath
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from netsep_check import __version__
from netsep_check.evaluate.findings import Finding, Report
from netsep_check.i18n import ui
from netsep_check.report._common import (
    md_escape,
    message,
    notes,
    skipped_lines,
    source,
    text,
    title,
)
from netsep_check.report.json_report import _jsonable
from netsep_check.report.problems import problem_line
from netsep_check.rules.model import PackInfo, Rule

if TYPE_CHECKING:
    from netsep_check.evaluate.result import RunResult

SARIF_VERSION = "2.1.0"
LEVEL = {"critical": "error", "high": "error", "medium": "warning", "low": "note"}
SECURITY_SEVERITY = {"critical": "9.5", "high": "8.0", "medium": "5.5", "low": "3.0"}
REPORTED = ("fail", "error", "waived")
_LANGUAGE = {"ko": "ko-KR", "en": "en-US"}


SRCROOT = "%SRCROOT%"


def source_root(start: str | Path | None = None) -> Path:
    """The repository holding ``start`` (default: the working directory): the nearest folder
    at or above it with a ``.git`` (a folder, or a file in a worktree); else ``start``."""
    here = Path(os.path.abspath(start or os.getcwd()))
    for folder in (here, *here.parents):
        if (folder / ".git").exists():
            return folder
    return here


def artifact_uri(profile_file: str, root: str | Path | None = None) -> str:
    """The profile's URI: relative to ``root`` (default :func:`source_root`), normalised and
    %-escaped; an absolute ``file:`` URI when the file lies outside the root."""
    if profile_file in ("<stdin>", "-"):
        return quote(profile_file, safe="/")
    path = profile_file
    if "\\" in path:
        windows = PureWindowsPath(path)
        if windows.is_absolute():
            return windows.as_uri()
        path = windows.as_posix()
    base = Path(os.path.abspath(root)) if root is not None else source_root()
    full = Path(os.path.normpath(os.path.join(os.getcwd(), path)))
    try:
        relative = full.relative_to(base)
    except ValueError:  # outside the root: no "../" — the absolute file: URI
        return "file://" + quote(full.as_posix(), safe="/")
    return quote(relative.as_posix(), safe="/")


def _location(uri: str) -> dict[str, Any]:
    """An artifactLocation: a relative URI is relative to %SRCROOT%."""
    return {"uri": uri} if uri.startswith("file:") else {"uri": uri, "uriBaseId": SRCROOT}


def rule_name(rule: Rule) -> str:
    """A reportingDescriptor name: the rule id in UpperCamelCase (``PROV-RATED`` → ProvRated)."""
    parts = [p for p in rule.id.replace("_", "-").split("-") if p]
    return "".join(p[:1].upper() + p[1:].lower() for p in parts) or rule.id


def _help_markdown(rule: Rule, pack: PackInfo, lang: str) -> str:
    basis = rule.basis
    origin = source(pack, basis.get("source"))
    strength = basis.get("strength", "")
    lines = [f"**{md_escape(ui('remediation', lang))}**: {md_escape(text(rule.remediation, lang))}",
             "",
             f"**{md_escape(ui('fmt_rationale', lang))}**: {md_escape(text(rule.rationale, lang))}",
             "",
             f"**{md_escape(ui('basis', lang))}**: "
             f"{md_escape(origin.get('title') or basis.get('source', ''))}"
             + (f" — {md_escape(basis['clause'])}" if basis.get("clause") else "")
             + (f" ({md_escape(ui(strength, lang))})" if strength else "")]
    if strength == "derived":
        lines += ["", f"_{md_escape(ui('fmt_derived_note', lang))}_"]
    return "\n".join(lines)


def _rule_descriptor(rule: Rule, pack: PackInfo, lang: str) -> dict[str, Any]:
    basis = rule.basis
    strength = basis.get("strength", "")
    short = text(rule.title, lang)
    return {
        "id": rule.id,
        "name": rule_name(rule),
        "shortDescription": {"text": short},
        "fullDescription": {"text": text(rule.rationale, lang) or short},
        "help": {"text": text(rule.remediation, lang) or short,
                 "markdown": _help_markdown(rule, pack, lang)},
        "defaultConfiguration": {"level": LEVEL[rule.severity]},
        "properties": {
            "severity": rule.severity,
            "area": rule.area,
            "strength": strength,
            "basis": {"source": basis.get("source", ""), "clause": basis.get("clause", ""),
                      "strength": strength},
            "waivable": rule.waivable,
            "security-severity": SECURITY_SEVERITY[rule.severity],
            "precision": "very-high",
            "tags": ["security", "compliance", "network-separation", rule.area,
                     f"severity:{rule.severity}", f"basis:{strength}"],
        },
    }


def _fingerprint(uri: str, finding: Finding) -> str:
    key = "\0".join((uri, finding.rule.id, *finding.paths))
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]


def _result(report: Report, finding: Finding, rule_index: int, artifact_index: int,
            lang: str, uri: str) -> dict[str, Any]:
    rule = finding.rule
    physical: dict[str, Any] = {"artifactLocation": {**_location(uri), "index": artifact_index}}
    if finding.line:
        region: dict[str, Any] = {"startLine": finding.line}
        if finding.column:
            region["startColumn"] = finding.column
        physical["region"] = region
    result: dict[str, Any] = {
        "ruleId": rule.id,
        "ruleIndex": rule_index,
        "kind": "fail",
        # a rule that could not be judged fails the gate whatever its severity: an error
        "level": "error" if finding.status == "error" else LEVEL[rule.severity],
        "message": {"text": message(finding, lang) or title(finding, lang)},
        "locations": [{"physicalLocation": physical}],
        "partialFingerprints": {"netsepFinding/v1": _fingerprint(uri, finding)},
        "properties": {"status": finding.status, "severity": rule.severity, "area": rule.area,
                       "firm": report.firm, "paths": list(finding.paths),
                       "security-severity": SECURITY_SEVERITY[rule.severity]},
    }
    if finding.unlisted:  # more failing elements than the message lists: how many
        result["properties"]["failingElements"] = finding.unlisted + len(finding.failures)
        result["properties"]["unlistedElements"] = finding.unlisted
    if finding.status == "waived":
        waiver = finding.waiver.as_dict() if finding.waiver else {}
        suppression: dict[str, Any] = {
            "kind": "external", "status": "accepted",
            "justification": str(waiver.get("justification") or ui("waived", lang))}
        extra = {k: _jsonable(v) for k, v in waiver.items()
                 if k != "justification" and v is not None}
        if extra:
            suppression["properties"] = extra
        result["suppressions"] = [suppression]
    return result


def _run(pack: PackInfo, reports: list[Report], lang: str, category: str,
         root: str | Path | None = None) -> dict[str, Any]:
    rule_index = {rule.id: i for i, rule in enumerate(pack.rules)}
    rules = [_rule_descriptor(rule, pack, lang) for rule in pack.rules]
    rules += [{"id": d.rule, "shortDescription": {"text": f"{ui('fmt_disabled', lang)}: "
                                                          f"{d.reason}"},
               "defaultConfiguration": {"enabled": False, "level": "none"},
               "properties": {"disabled": True, "disabled_by": d.by_pack, "reason": d.reason}}
              for d in pack.disabled]
    artifacts: list[dict[str, Any]] = []
    artifact_index: dict[str, int] = {}
    results: list[dict[str, Any]] = []
    said: list[dict[str, Any]] = []  # each report's notes, as tool notifications
    for report in reports:
        uri = artifact_uri(report.profile_file, root)
        said += [{"level": "note", "message": {"text": note},
                  "locations": [{"physicalLocation": {"artifactLocation": _location(uri)}}]}
                 for note in notes(report, lang)]
        if uri not in artifact_index:
            artifact_index[uri] = len(artifacts)
            artifacts.append({"location": _location(uri),
                              "hashes": {"sha-256": report.profile_sha256},
                              "properties": {"firm": report.firm, "regime": report.regime,
                                             "service": report.service,
                                             "as_of": report.as_of.isoformat(),
                                             "as_of_overridden": report.as_of_overridden,
                                             "counts": report.counts(),
                                             **({"tenantEvidence": report.tenant_evidence}
                                                if report.tenant_evidence else {})}})
        for finding in report.findings:
            if finding.status not in REPORTED:
                continue
            index = rule_index.get(finding.rule.id)
            if index is None:  # a finding of a rule the pack does not list: describe it too
                index = rule_index[finding.rule.id] = len(rules)
                rules.append(_rule_descriptor(finding.rule, pack, lang))
            results.append(_result(report, finding, index, artifact_index[uri], lang, uri))
    return {
        "tool": {"driver": {
            "name": "netsep-check",
            "fullName": f"netsep-check ({pack.id} {pack.version})",
            "version": __version__,
            "semanticVersion": __version__,
            "rules": rules,
            "properties": {"pack": {"id": pack.id, "version": pack.version,
                                    "regime": pack.regime, "digest": pack.digest,
                                    "title": text(pack.title, lang)}},
        }},
        "automationDetails": {"id": category},
        "language": _LANGUAGE.get(lang, lang),
        "columnKind": "unicodeCodePoints",
        "invocations": [{"executionSuccessful": True, "toolExecutionNotifications": said}],
        "artifacts": artifacts,
        "results": results,
    }


def _invalid_run(result: RunResult, lang: str, root: str | Path | None = None
                 ) -> dict[str, Any]:
    """Inputs that could not be judged: an error-level result each, at the file and line of
    the first problem, and a tool execution notification per problem; files skipped as not
    profiles: a note-level notification each."""
    results, notifications = [], []

    def at(uri: str, problem: Any) -> dict[str, Any]:
        """The file, and the line and column of ``problem`` where it has them."""
        physical: dict[str, Any] = {"artifactLocation": _location(uri)}
        if problem is not None and problem.line:
            physical["region"] = {"startLine": problem.line,
                                  **({"startColumn": problem.column} if problem.column else {})}
        return physical

    for item in result.invalid:
        uri = artifact_uri(item.file, root)
        physical = at(uri, item.problems[0] if item.problems else None)
        worded = [problem_line(p, lang) for p in item.problems]  # each with its line
        results.append({"ruleId": "INPUT-INVALID", "ruleIndex": 0, "kind": "fail",
                        "level": "error",
                        "message": {"text": "; ".join(worded) or ui("invalid_inputs", lang)},
                        "locations": [{"physicalLocation": physical}],
                        "properties": {"problems": len(item.problems)}})
        # each problem at its own line (every one stood at the first problem's)
        notifications += [{"level": "error", "message": {"text": text},
                           "locations": [{"physicalLocation": at(uri, problem)}]}
                          for text, problem in zip(worded, item.problems, strict=True)]
    for (file, _), said in zip(result.skipped, skipped_lines(result, lang), strict=True):
        notifications.append({"level": "note", "message": {"text": said}, "locations": [
            {"physicalLocation": {"artifactLocation": _location(artifact_uri(file, root))}}]})
    return {
        "tool": {"driver": {"name": "netsep-check", "version": __version__,
                            "semanticVersion": __version__,
                            "rules": [{"id": "INPUT-INVALID",
                                       "shortDescription": {"text": ui("invalid_inputs", lang)},
                                       "defaultConfiguration": {"level": "error"}}]}},
        "automationDetails": {"id": "netsep-check/input/"},
        "language": _LANGUAGE.get(lang, lang),
        "columnKind": "unicodeCodePoints",  # as the judged runs: not SARIF's UTF-16 default
        "invocations": [{"executionSuccessful": not result.invalid,
                         "toolExecutionNotifications": notifications}],
        "results": results,
    }


def render_sarif(result: RunResult, lang: str, root: str | Path | None = None) -> str:
    """One SARIF log: one run per pack, results of every profile that pack judged; inputs
    that could not be judged in a run of their own; artifact URIs relative to ``root``
    (``--sarif-root``; default: the repository, see above)."""
    root = source_root() if root is None else root  # once, not per profile
    reports = result.reports
    by_pack: dict[tuple[str, str, str], tuple[PackInfo, list[Report]]] = {}
    for report in reports:
        key = (report.pack.id, report.pack.version, report.pack.digest)
        by_pack.setdefault(key, (report.pack, []))[1].append(report)
    ids = [pack.id for pack, _ in by_pack.values()]
    runs = []
    for pack, group in by_pack.values():
        # two variants of one pack (say, with --policy rules) must stay distinct categories
        name = pack.id if ids.count(pack.id) == 1 else f"{pack.id}-{pack.digest[:12]}"
        runs.append(_run(pack, group, lang, f"netsep-check/{name}/", root))
    if result.invalid or result.skipped:  # inputs not judged, and files skipped (notes)
        runs.append(_invalid_run(result, lang, root))
    verdict = {"verdict": result.verdict, "given": result.given, "judged": len(result.reports),
               "invalid": len(result.invalid), "exitCode": result.exit_code}
    for run in runs:  # the run's one verdict, on every run of the log
        run["properties"] = {**run.get("properties", {}), "netsepCheck": verdict}
    log = {"version": SARIF_VERSION, "runs": runs}
    return json.dumps(log, ensure_ascii=False, indent=2) + "\n"
