"""Small helpers the report renderers share: ordering, texts in a language, locations, sources.

Nothing here evaluates a rule; everything reads the finished :class:`Report`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from netsep_check.evaluate.findings import STATUSES, Finding, Report
from netsep_check.report._safe import visible
from netsep_check.rules.model import SEVERITIES, Pack

STATUS_ORDER = {status: i for i, status in enumerate(STATUSES)}
SEVERITY_ORDER = {severity: i for i, severity in enumerate(SEVERITIES)}


def text(texts: Mapping[str, str] | None, lang: str) -> str:
    """The text in ``lang``, else English, else any language there is, else ``""``."""
    if not texts:
        return ""
    return texts.get(lang) or texts.get("en") or next(iter(texts.values()), "")


def ordered(findings: Iterable[Finding]) -> list[Finding]:
    """Worst status first, then most severe, then the pack's own order."""
    return sorted(findings, key=lambda f: (STATUS_ORDER[f.status], SEVERITY_ORDER[f.rule.severity]))


def worst(statuses: Iterable[str]) -> str | None:
    present = set(statuses)
    return next((status for status in STATUSES if status in present), None)


def verdict(report: Report) -> str:
    """``fail`` when a rule failed, ``error`` when none failed but one could not be judged."""
    counts = report.counts()
    if counts["fail"]:
        return "fail"
    if counts["error"]:
        return "error"
    return "pass"


def verdict_text(report: Report, lang: str) -> str:
    from netsep_check.i18n import ui

    counts = report.counts()
    status = verdict(report)
    if status == "fail":
        return ui("verdict_fail", lang, n=counts["fail"] + counts["error"])
    if status == "error":
        return ui("verdict_error", lang, n=counts["error"])
    return ui("verdict_pass", lang)


def location(report: Report, finding: Finding) -> str:
    """``file:line`` (or just the file when the finding has no line)."""
    if finding.line:
        return f"{report.profile_file}:{finding.line}"
    return report.profile_file


def source(pack: Pack, source_id: str | None) -> dict[str, Any]:
    """The pack's entry for a basis source id (``{}`` when the pack does not list it)."""
    return next((dict(s) for s in pack.sources if s.get("id") == source_id), {})


def message(finding: Finding, lang: str) -> str:
    return text(finding.message, lang)


def title(finding: Finding, lang: str) -> str:
    return text(finding.rule.title, lang)


def derived(finding: Finding) -> bool:
    return finding.rule.basis.get("strength") == "derived"


_MD_SPECIAL = set("\\`*_[]<>|~&#")


def md_escape(value: object) -> str:
    """Inline Markdown text: special characters backslash-escaped, line breaks folded.

    Safe inside a table cell too (``|`` is escaped), and raw HTML cannot slip through.
    """
    out = "".join("\\" + ch if ch in _MD_SPECIAL else ch for ch in visible(value))
    return " ".join(out.split())


def md_code(value: object) -> str:
    """A Markdown code span of ``value``, usable inside a table cell."""
    body = " ".join(visible(value).split()).replace("`", "'").replace("|", "\\|")
    return f"`{body}`"
