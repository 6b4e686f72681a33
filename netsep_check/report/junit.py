"""The JUnit XML report, for CI servers' test views (Jenkins, GitLab, Azure DevOps, ...).

``<testsuites>`` holds one ``<testsuite>`` per profile report and each suite one ``<testcase>``
per rule of the pack: ``classname`` is ``netsep.<area>``, ``name`` is ``<RULE-ID> <English
title>`` whatever ``--lang`` is (CI servers track a test's history by its name; a run in Korean
must not look like a new set of tests), and the Korean goes in the messages and bodies.
A ``fail`` finding carries a ``<failure>`` (message, ``file:line``, remediation), an ``error``
finding an ``<error>``, and ``not_applicable`` and ``waived`` findings a ``<skipped>`` whose
message says why (a waiver's justification). The ``tests``/``failures``/``errors``/``skipped``
counts on every suite and on the root agree with the test cases. No timestamps or durations are
invented: ``time`` is ``0`` (nothing was timed), so the output is deterministic.

The output validates against the schema Jenkins' xUnit plugin enforces (``junit-10.xsd``, a copy
in ``tests/data/junit``): a ``<testcase>`` takes only ``name``, ``classname``, ``time`` and
``group`` (its file and line are in the failure body), and ``<testsuites>`` has no ``skipped``
count (each suite has one).

Inputs not judged form a suite of their own (an ``<error>`` each, with every problem), and files
a folder or a pattern brought in that are not profiles another (a ``<skipped>`` each).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import TYPE_CHECKING

from netsep_check import __version__
from netsep_check.evaluate.findings import Finding, Report
from netsep_check.i18n import ui

if TYPE_CHECKING:
    from netsep_check.evaluate.result import RunResult
from netsep_check.report._common import (
    location,
    message,
    notes,
    skipped_lines,
    source,
    tenant_lines,
    text,
    title,
    waiver_terms,
)
from netsep_check.report._safe import visible
from netsep_check.report.problems import problem_line


def _case_name(finding: Finding) -> str:
    """Stable across languages: the rule id and its English title."""
    return f"{finding.rule.id} {title(finding, 'en')}".strip()


def _body(report: Report, finding: Finding, lang: str) -> str:
    rule = finding.rule
    basis = rule.basis
    origin = source(report.pack, basis.get("source"))
    strength = basis.get("strength", "")
    lines = [message(finding, lang) or title(finding, lang),
             f"{ui('fmt_location', lang)}: {location(report, finding)}"
             + (f":{finding.column}" if finding.line and finding.column else "")]
    if finding.paths:
        lines.append(f"paths: {', '.join(finding.paths)}")
    lines.append(f"{ui('severity', lang)}: {ui(rule.severity, lang)}")
    lines.append(f"{ui('basis', lang)}: {origin.get('title') or basis.get('source', '')}"
                 + (f" — {basis['clause']}" if basis.get("clause") else "")
                 + (f" [{ui(strength, lang)}]" if strength else ""))
    remediation = text(rule.remediation, lang)
    if remediation:
        lines.append(f"{ui('remediation', lang)}: {remediation}")
    return "\n".join(lines)


def _skip_message(finding: Finding, lang: str) -> str:
    if finding.status == "waived":
        waiver = finding.waiver.as_dict() if finding.waiver else {}
        justification = str(waiver.get("justification") or "")
        msg = ui("fmt_skip_waived", lang, justification=justification).rstrip(": ")
        terms = waiver_terms(finding, lang)  # who approved it, when, ticket, until when
        return f"{msg} ({terms})" if terms else msg
    return ui("fmt_skip_not_applicable", lang)


def _suite(report: Report, lang: str) -> ET.Element:
    counts = report.counts()
    suite = ET.Element("testsuite", {
        "name": f"{report.firm} ({report.profile_file})",
        "tests": str(len(report.findings)),
        "failures": str(counts["fail"]),
        "errors": str(counts["error"]),
        "skipped": str(counts["not_applicable"] + counts["waived"] + len(report.pack.disabled)),
        "time": "0",
        "file": report.profile_file,
    })
    suite.set("tests", str(len(report.findings) + len(report.pack.disabled)))
    properties = ET.SubElement(suite, "properties")
    for name, value in (("firm", report.firm), ("profile", report.profile_file),
                        ("profile_sha256", report.profile_sha256),
                        ("regime", report.regime), ("service", report.service or ""),
                        ("pack", f"{report.pack.id} {report.pack.version}"),
                        ("pack_digest", report.pack.digest),
                        ("as_of", report.as_of.isoformat()),
                        ("as_of_overridden", str(report.as_of_overridden).lower()), ("lang", lang),
                        ("verdict", report.verdict)):
        ET.SubElement(properties, "property", {"name": name, "value": str(value)})
    for finding in report.findings:
        attrs = {"name": _case_name(finding), "classname": f"netsep.{finding.rule.area}",
                 "time": "0"}
        case = ET.SubElement(suite, "testcase", attrs)
        summary = f"{message(finding, lang) or title(finding, lang)} ({location(report, finding)})"
        if finding.status == "fail":
            element = ET.SubElement(case, "failure", {"message": summary,
                                                      "type": finding.rule.severity})
            element.text = _body(report, finding, lang)
        elif finding.status == "error":
            element = ET.SubElement(case, "error", {"message": summary, "type": "error"})
            element.text = _body(report, finding, lang)
        elif finding.status in ("not_applicable", "waived"):
            ET.SubElement(case, "skipped", {"message": _skip_message(finding, lang)})
    for disabled in report.pack.disabled:  # a disabled rule shows, with the pack's reason
        case = ET.SubElement(suite, "testcase", {"name": disabled.rule,
                                                 "classname": "netsep.disabled", "time": "0"})
        ET.SubElement(case, "skipped", {"message": f"{ui('fmt_disabled', lang)} "
                                                   f"({disabled.by_pack}): {disabled.reason}"})
    said = notes(report, lang) + tenant_lines(report, lang)
    if said:  # what the report says besides its findings (every format says it)
        ET.SubElement(suite, "system-out").text = "\n".join(said)
    return suite


# Characters XML 1.0 does not allow that report/_safe.py leaves alone: shown as U+FFFD. (The
# controls it does allow, and escape sequences and bidi overrides, are made visible first.)
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _invalid_suite(result: RunResult, lang: str) -> ET.Element:
    """A test case with an ``<error>`` per input that could not be judged."""
    suite = ET.Element("testsuite", {"name": "netsep-check inputs not judged (invalid)",
                                     "tests": str(len(result.invalid)), "failures": "0",
                                     "errors": str(len(result.invalid)), "skipped": "0",
                                     "time": "0"})
    properties = ET.SubElement(suite, "properties")  # the run's verdict: never green
    for name, value in (("verdict", result.verdict), ("given", str(result.given)),
                        ("judged", str(len(result.reports))),
                        ("invalid", str(len(result.invalid)))):
        ET.SubElement(properties, "property", {"name": name, "value": value})
    for item in result.invalid:
        case = ET.SubElement(suite, "testcase", {"name": "INPUT-INVALID", "classname": item.file,
                                                 "time": "0"})
        worded = [problem_line(p, lang) for p in item.problems]  # each with its line
        first = item.problems[0] if item.problems else None
        where = f"{item.file}:{first.line}" if first is not None and first.line else item.file
        error = ET.SubElement(case, "error", {"message": f"{ui('invalid_inputs', lang)} "
                                                         f"({where})", "type": "invalid-input"})
        error.text = "\n".join(worded)
    return suite


def _skipped_suite(result: RunResult, lang: str) -> ET.Element:
    """A ``<skipped>`` test case per file a folder or a pattern brought in that is not a
    profile (a waivers file, a pack, a JSON report), saying what it is."""
    suite = ET.Element("testsuite", {"name": "netsep-check files skipped (not profiles)",
                                     "tests": str(len(result.skipped)), "failures": "0",
                                     "errors": "0", "skipped": str(len(result.skipped)),
                                     "time": "0"})
    for (file, _), said in zip(result.skipped, skipped_lines(result, lang), strict=True):
        case = ET.SubElement(suite, "testcase", {"name": "INPUT-SKIPPED", "classname": file,
                                                 "time": "0"})
        ET.SubElement(case, "skipped", {"message": said})
    return suite


def render_junit(result: RunResult, lang: str) -> str:
    """``<testsuites>`` with one ``<testsuite>`` per report, and one for invalid inputs."""
    suites = [_suite(report, lang) for report in result.reports]
    if result.invalid:
        suites.append(_invalid_suite(result, lang))
    if result.skipped:
        suites.append(_skipped_suite(result, lang))
    totals = {key: sum(int(s.get(key, "0")) for s in suites)
              for key in ("tests", "failures", "errors")}  # junit-10.xsd: no root "skipped"
    root = ET.Element("testsuites", {"name": f"netsep-check {__version__}",
                                     **{k: str(v) for k, v in totals.items()}, "time": "0"})
    root.extend(suites)
    ET.indent(root)
    text = ET.tostring(root, encoding="unicode")
    # Profile text is shown, never obeyed, in a CI server's test view too: every control
    # character in the document came from a profile (the XML itself uses only \n).
    # (ElementTree writes a carriage return inside an attribute as &#13;: made visible too.)
    text = _XML_INVALID.sub("\ufffd", visible(text)).replace("&#13;", "\\x0d")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + text + "\n"
