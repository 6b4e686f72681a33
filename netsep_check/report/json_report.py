"""The JSON report: a stable, documented document (``netsep-check schema report``)."""

from __future__ import annotations

import json
import weakref
from typing import TYPE_CHECKING, Any

from netsep_check import __version__
from netsep_check.evaluate.findings import Elements, Finding, Report
from netsep_check.load import format_path
from netsep_check.output import FileRange, as_bytes
from netsep_check.report._common import notes, problem_text
from netsep_check.report.messages import finding_message, unmatched_waiver_text
from netsep_check.rules.packs import display_name
from netsep_check.values import plain
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
    data: dict[str, Any] = {
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
        "failures": _failures(finding),
    }
    if finding.unlisted:  # leaves beyond those listed: counted, and every leaf identified
        data["unlisted"] = finding.unlisted
        data["elements"] = elements_dict(finding.elements or ())
    return data


def elements_dict(elements: Elements) -> dict[str, list[Any]]:
    """Every failing element's identity, by field (list positions dropped): the values found
    there, in the order they first failed (what diff and --baseline compare)."""
    return {field: [value if type(value) is str else _jsonable(plain(value))
                    for value in values] for field, values in elements}


def _failures(finding: Finding) -> list[dict[str, Any]]:
    """Each leaf; ``element``, where the leaf lies in a named item (a provider, ...), is its
    identity for diff and --baseline (evaluate.findings.keyed_path)."""
    out = [{"path": format_path(f.path) if f.path else None, "code": f.code,
            "actual": _jsonable(f.actual), "expected": _jsonable(f.expected)}
           for f in finding.failures]
    for leaf, key in zip(out, finding.keys, strict=False):
        if key is not None:
            leaf["element"] = key
    return out


def report_dict_pack(report: Report) -> dict[str, Any]:
    pack = report.pack
    return {"id": pack.id, "version": pack.version, "regime": pack.regime,
            "digest": pack.digest, "extends": pack.extends,
            "files": [display_name(p) for p in (*pack.meta_paths, *pack.rule_paths)],
            "parameters": _jsonable(pack.parameters),
            "disabled": [{"rule": d.rule, "reason": d.reason, "by_pack": d.by_pack}
                         for d in pack.disabled]}


def report_dict(report: Report, lang: str, findings: bool = True,
                pack: bool = True) -> dict[str, Any]:
    """The report as a dictionary; ``findings=False`` leaves the findings out and
    ``pack=False`` puts ``None`` for the pack (what :func:`report_line` splices in)."""
    data: dict[str, Any] = {
        "format": FORMAT_ID,
        "format_version": FORMAT_VERSION,
        "tool": {"name": "netsep-check", "version": __version__},
        "lang": lang,
        "profile": {"file": report.profile_file, "sha256": report.profile_sha256,
                    "firm": report.firm, "regime": report.regime, "service": report.service},
        "as_of": report.as_of.isoformat(),
        "as_of_overridden": report.as_of_overridden,
        "pack": report_dict_pack(report) if pack else None,
        "summary": {
            "verdict": report.verdict,
            "rules": len(report.findings),
            "counts": report.counts(),
            "by_area": report.counts_by_area(),
        },
        "notes": notes(report, lang),
        "evidence_verified": report.evidence_verified,
        "evidence_checked": [record.as_dict() for record in report.evidence_checked],
    }
    if findings:
        data["findings"] = [finding_dict(f, lang) for f in report.findings]
    if report.tenant_evidence:
        data["tenant_evidence"] = _jsonable(report.tenant_evidence)
    return data


# --- a batch report line, spliced from cached pieces -----------------------------------------
# ``report_line(r, lang)`` is exactly ``json.dumps(report_dict(r, lang), ensure_ascii=False,
# separators=(", ", ": "))`` (tests/test_json_line.py holds it to that), without building the
# dictionaries: what a rule says of itself (severity, area, title, basis, waivable,
# remediation) and what a pack says (id, version, files, parameters, ...) are encoded once per
# process, and a finding without failures, waiver or baseline mark is a few string joins.

_ENCODE = json.JSONEncoder(ensure_ascii=False, separators=(", ", ": ")).encode
_STR = json.encoder.encode_basestring  # what the encoder writes for a str (the C function)
_RULE_PIECES: dict[tuple[int, str], tuple[Any, str, str]] = {}
_PACK_PIECES: dict[int, tuple[Any, str]] = {}
# a passing (or not applicable) finding's line but for its line and column, per rule and paths
_FINDING_PIECES: dict[tuple[int, str, str, tuple[str, ...]], tuple[Any, str, str]] = {}


def _rule_pieces(rule: Any, lang: str) -> tuple[str, str]:
    """(severity, area, title) and (basis, waivable, remediation) of a rule, encoded."""
    key = (id(rule), lang)
    cached = _RULE_PIECES.get(key)
    if cached is None or cached[0] is not rule:
        head = _ENCODE({"severity": rule.severity, "area": rule.area,
                        "title": dict(rule.title)})[1:-1]
        tail = _ENCODE({"basis": dict(rule.basis), "waivable": rule.waivable,
                        "remediation": rule.remediation.get(lang, "")})[1:-1]
        if len(_RULE_PIECES) > 4096:
            _RULE_PIECES.clear()
        cached = _RULE_PIECES[key] = (rule, head, tail)
    return cached[1], cached[2]


def _pack_piece(report: Report) -> str:
    pack = report.pack
    cached = _PACK_PIECES.get(id(pack))
    if cached is None or cached[0] is not pack:
        text = _ENCODE(report_dict_pack(report))
        if len(_PACK_PIECES) > 256:
            _PACK_PIECES.clear()
        cached = _PACK_PIECES[id(pack)] = (pack, text)
    return cached[1]


def _finding_line(finding: Finding, lang: str) -> str:
    if finding.failures or finding.waiver is not None or finding.known:
        return _ENCODE(finding_dict(finding, lang))
    rule = finding.rule  # no failure leaves: no message, value or expectation to word
    line, column = finding.line, finding.column
    if type(line) is not int or type(column) is not int:
        return _ENCODE(finding_dict(finding, lang))
    key = (id(rule), lang, finding.status, finding.paths)
    cached = _FINDING_PIECES.get(key)
    if cached is None or cached[0] is not rule:  # all but the line and column, once
        head, tail = _rule_pieces(rule, lang)
        paths = ", ".join([_STR(p) for p in finding.paths])
        before = (f'{{"rule_id": {_STR(rule.id)}, "status": {_STR(finding.status)}, {head}, '
                  f'"message": "", "paths": [{paths}], "line": ')
        after = (f', "actual": null, "expected": null, {tail}, '
                 '"waiver": null, "known": false, "failures": []}')
        if len(_FINDING_PIECES) > 16384:
            _FINDING_PIECES.clear()
        cached = _FINDING_PIECES[key] = (rule, before, after)
    return f'{cached[1]}{line}, "column": {column}{cached[2]}'


# Lines encoded where the report was judged (a parallel batch's workers), as UTF-8, kept beside
# the report object they were made from: a report a later step replaces (waivers, a baseline) is
# a new object, so it is encoded again. Entries go with their report (a weak reference).
_ENCODED: dict[int, tuple[weakref.ref[Report], str, bytes | FileRange]] = {}


def remember_line(report: Report, lang: str, line: bytes | FileRange) -> None:
    """Note that ``line`` (its bytes, or where a worker spooled them) is
    :func:`report_line_bytes` of this very ``report`` in ``lang``."""
    key = id(report)

    def forget(_: object) -> None:
        _ENCODED.pop(key, None)

    _ENCODED[key] = (weakref.ref(report, forget), lang, line)


def _remembered(report: Report, lang: str) -> bytes | FileRange | None:
    known = _ENCODED.get(id(report))
    if known is not None and known[0]() is report and known[1] == lang:
        return known[2]
    return None


def report_line(report: Report, lang: str) -> str:
    """One report as one line of JSON: see the note above."""
    known = _remembered(report, lang)
    if known is not None:
        return (known.read() if isinstance(known, FileRange) else known).decode("utf-8")
    items = list(report_dict(report, lang, findings=False, pack=False).items())
    at = next(i for i, (key, _) in enumerate(items) if key == "pack")
    tenant = items.pop()[1] if items[-1][0] == "tenant_evidence" else None
    before, after = _ENCODE(dict(items[:at]))[1:-1], _ENCODE(dict(items[at + 1:]))[1:-1]
    findings = ", ".join([_finding_line(f, lang) for f in report.findings])
    text = f'{{{before}, "pack": {_pack_piece(report)}, {after}, "findings": [{findings}]'
    if tenant is not None:
        text += f', "tenant_evidence": {_ENCODE(tenant)}'
    return text + "}"


def report_line_bytes(report: Report, lang: str) -> bytes:
    """:func:`report_line` as UTF-8: what a batch's JSON document is made of (a worker's line
    crosses to the command and into the file without being decoded and encoded again)."""
    known = _line_part(report, lang)
    return known.read() if isinstance(known, FileRange) else known


def _line_part(report: Report, lang: str) -> bytes | FileRange:
    """The report's line: where a worker spooled it, or its bytes."""
    known = _remembered(report, lang)
    return known if known is not None else report_line(report, lang).encode("utf-8")


def dumps(document: dict[str, Any]) -> str:
    """Deterministic JSON text: :func:`dumps_parts`, joined and decoded."""
    return as_bytes(dumps_parts(document)).decode("utf-8")


def dumps_parts(document: dict[str, Any]) -> list[bytes | FileRange]:
    """Deterministic JSON as UTF-8 parts: the document's fields indented, and each item of
    its long list — a single report's findings, a batch's reports — on one line of its own,
    written by the C encoder (``indent`` would make Python encode every value), so diffs stay one line per
    finding or profile. Made as bytes: a batch's lines arrive encoded, or spooled to files
    (:class:`_Line`), and are written as they are, never decoded or joined in memory (a large
    batch's JSON is 70 kB per profile)."""
    long_key = "reports" if "reports" in document else "findings"
    parts: list[bytes | FileRange] = [b"{\n"]
    for index, (key, value) in enumerate(document.items()):
        head = (",\n  " if index else "  ") + json.dumps(key) + ": "
        if key == long_key and value:
            parts.append(head.encode() + b"[\n    ")
            for number, item in enumerate(value):
                if number:
                    parts.append(b",\n    ")
                parts.append(item.data if isinstance(item, _Line)
                             else _ENCODE(item).encode("utf-8"))
            parts.append(b"\n  ]")
        elif key == "matrix" and isinstance(value, dict) and value.get("rows"):
            parts.append((head + _matrix_text(value)).encode("utf-8"))
        else:
            text = json.dumps(value, ensure_ascii=False, indent=2).replace("\n", "\n  ")
            parts.append((head + text).encode("utf-8"))
    parts.append(b"\n}\n")
    return parts


def _matrix_text(matrix: dict[str, Any]) -> str:
    """A batch's matrix: its fields indented, each row (one per firm) on one line."""
    fields = []
    for key, value in matrix.items():
        if key == "rows":
            rows = ",\n      ".join(_ENCODE(row) for row in value)
            fields.append(f'"rows": [\n      {rows}\n    ]')
        else:
            fields.append(f"{json.dumps(key)}: {_ENCODE(value)}")
    return "{\n    " + ",\n    ".join(fields) + "\n  }"


def batch_header() -> dict[str, Any]:
    return {"format": BATCH_FORMAT_ID, "format_version": FORMAT_VERSION,
            "tool": {"name": "netsep-check", "version": __version__}}


class _Line:
    """A report already encoded as one line of UTF-8 (:func:`report_line_bytes`), or where a
    worker spooled it, for :func:`dumps_parts`: held, not copied."""

    __slots__ = ("data",)

    def __init__(self, data: bytes | FileRange) -> None:
        self.data = data


def batch_document(result: RunResult, lang: str, encoded: bool = False) -> dict[str, Any]:
    """Every report, the run's verdict and counts, the matrix, and the inputs not judged;
    ``encoded``: each report as its line of JSON text, for :func:`dumps` (same output)."""
    gate = result.gate
    return {**batch_header(), "lang": lang,
            "summary": {"verdict": result.verdict, "given": result.given,
                        "judged": len(result.reports), "invalid": len(result.invalid),
                        "counts": result.counts(), "exit_code": result.exit_code,
                        "gate": {"fail_on": gate.fail_on, "tripped": gate.tripped,
                                 "below": gate.below, "known": gate.known}},
            "reports": [_Line(_line_part(r, lang)) if encoded else report_dict(r, lang)
                        for r in result.reports],
            "matrix": result.matrix.as_dict(),
            "invalid": [{"file": item.file,
                         "problems": [{**p.as_dict(), "text": problem_text(p, lang)}
                                      for p in item.problems]}
                        for item in result.invalid],
            "skipped": [{"file": file, "kind": kind} for file, kind in result.skipped],
            "unmatched_waivers": [unmatched_waiver_text(w.describe(), lang)
                                  for w in result.unmatched_waivers]}


def render_json(result: RunResult, lang: str) -> str:
    """One judged profile → one report document; a batch, or an input that could not be
    judged → a batch document (``{"format": ...-batch, "reports": [...], "invalid": ...}``)."""
    return as_bytes(render_json_parts(result, lang)).decode("utf-8")


def render_json_parts(result: RunResult, lang: str) -> list[bytes | FileRange]:
    """:func:`render_json` as UTF-8 parts, as the command writes them (a batch's lines are
    copied from where its workers spooled them, never decoded)."""
    if not result.batch and not result.invalid and len(result.reports) == 1:
        return dumps_parts(report_dict(result.reports[0], lang))
    return dumps_parts(batch_document(result, lang, encoded=True))
