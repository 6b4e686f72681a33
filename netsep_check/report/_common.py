"""Small helpers the report renderers share: ordering, texts in a language, locations, sources.

Nothing here evaluates a rule; everything reads the finished :class:`Report`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from netsep_check.errors import Problem
from netsep_check.evaluate.findings import Finding, Report
from netsep_check.report._safe import visible
from netsep_check.rules.model import PackInfo
from netsep_check.vocabulary import severity_rank, status_rank
from netsep_check.vocabulary import worst as worst

if TYPE_CHECKING:
    from netsep_check.evaluate.result import RunResult


def text(texts: Mapping[str, str] | None, lang: str) -> str:
    """The text in ``lang``, else English, else any language there is, else ``""``."""
    if not texts:
        return ""
    return texts.get(lang) or texts.get("en") or next(iter(texts.values()), "")


def ordered(findings: Iterable[Finding]) -> list[Finding]:
    """Worst status first, then most severe, then the pack's own order."""
    return sorted(findings, key=lambda f: (status_rank(f.status), severity_rank(f.rule.severity)))


def verdict(report: Report) -> str:
    """The report's verdict (``vocabulary.verdict``): ``fail``, ``undetermined`` or ``pass``."""
    return report.verdict


def verdict_text(report: Report, lang: str) -> str:
    from netsep_check.i18n import ui

    counts = report.counts()
    status = report.verdict
    if status == "fail":
        return ui("verdict_fail", lang, n=counts["fail"] + counts["error"])
    if status == "undetermined":
        return ui("verdict_error", lang, n=counts["error"])
    return ui("verdict_pass", lang)


def run_verdict_text(result: RunResult, lang: str) -> str:
    """The whole run's verdict in words (a batch, or one profile that could not be read)."""
    from netsep_check.i18n import ui

    counts = result.counts()
    status = result.verdict
    if status == "fail":
        return ui("verdict_fail", lang, n=counts["fail"] + counts["error"])
    if status == "undetermined" and counts["error"]:
        return ui("verdict_error", lang, n=counts["error"])
    if status == "undetermined":
        return ui("verdict_undetermined_invalid", lang, n=len(result.invalid))
    return ui("verdict_pass", lang)


def run_counts_text(result: RunResult, lang: str) -> str:
    """"14 profiles given, 13 judged, 1 invalid"."""
    from netsep_check.i18n import ui

    return ui("run_counts", lang, given=result.given, judged=len(result.reports),
              invalid=len(result.invalid))


def judged_reports(result: RunResult) -> tuple[Report, ...]:
    """The reports of a run, for a format that has nothing to say without one (OSCAL, the
    committee report): when no profile was judged, an input error naming why (exit 2)."""
    if result.reports:
        return result.reports
    from netsep_check.errors import InputError

    problems = [p for item in result.invalid for p in item.problems]
    raise InputError(problems) if problems else InputError.one("(input)", "no profile was judged")


def problem_lines(result: RunResult, lang: str) -> list[tuple[str, list[str]]]:
    """Each invalid input and its problems, worded with where each is (file, [``file:line:
    column: field: problem``, ...])."""
    from netsep_check.report.problems import problem_line

    return [(item.file, [problem_line(p, lang) for p in item.problems])
            for item in result.invalid]


def problem_text(problem: Problem, lang: str) -> str:
    """One input problem's message in ``lang`` (report/problems.py; English where the
    catalogue has no translation), profile text made visible."""
    from netsep_check.report.problems import problem_text as worded

    return worded(problem, lang)


# What batch.other_kind calls a file it skips (netsep_check/batch.py), in the two languages.
_SKIPPED_KINDS = {"a waivers file": "예외 승인 파일", "a pack file": "정책 팩 파일",
                  "a rule file": "규칙 파일", "a parameter file": "파라미터 파일",
                  "a netsep-check JSON report": "netsep-check JSON 보고서",
                  "a folder of profile files (a folder's sub-folders are not searched)":
                      "프로파일 파일이 든 하위 폴더(폴더는 한 단계만 읽으며 하위 폴더 안은 찾지 않음)",
                  "a link to a folder of profile files (** does not follow links)":
                      "프로파일 파일이 든 폴더를 가리키는 링크('**' 패턴은 링크를 따라가지 않음)"}
_SKIPPED = {"en": "{file}: skipped: it is {kind}, not a profile",
            "ko": "{file}: 건너뜀 — 프로파일이 아니라 {kind}입니다"}


def skipped_kind(kind: str, lang: str) -> str:
    """What a skipped file is, in ``lang`` (as given when the catalogue does not know it)."""
    return _SKIPPED_KINDS.get(kind, kind) if lang == "ko" else kind


def skipped_lines(result: RunResult, lang: str) -> list[str]:
    """Each file a folder or a pattern brought in that is not a profile, and what it is."""
    return [visible(_SKIPPED.get(lang, _SKIPPED["en"]).format(
        file=file, kind=skipped_kind(kind, lang))) for file, kind in result.skipped]


def disabled_text(disabled: Any, lang: str) -> str:
    """"Disabled rules: RULE (by pack): reason" for one rule a pack disabled."""
    from netsep_check.i18n import ui

    return visible(f"{ui('fmt_disabled', lang)}: {disabled.rule} ({disabled.by_pack}): "
                   f"{disabled.reason}")


def waiver_terms(finding: Finding, lang: str) -> str:
    """Who approved a finding's waiver, when, under which ticket and until when (without the
    justification): "Approved by X · Approved on D · Ticket T · Expires on E"."""
    from netsep_check.i18n import ui

    if finding.waiver is None:
        return ""
    waiver = finding.waiver.as_dict()
    return visible(" · ".join(f"{ui(key, lang)}: {waiver[field]}" for key, field in (
        ("fmt_approved_by", "approved_by"), ("fmt_approved_on", "approved_on"),
        ("fmt_ticket", "ticket"), ("fmt_expires_on", "expires_on")) if waiver.get(field)))


def tenant_lines(report: Report, lang: str) -> list[str]:
    """The tenant facts and egress logs a report was cross-checked against (source, report id,
    SHA-256; controls contradicted, weak, confirmed, unmeasured), one line each."""
    if not report.tenant_evidence:
        return []
    from netsep_check.report.tenant import evidence_lines

    return [visible(line.strip()) for line in evidence_lines(report, lang)]


def notes(report: Report, lang: str) -> list[str]:
    from netsep_check.report.messages import report_notes

    return report_notes(report, lang)


def location(report: Report, finding: Finding) -> str:
    """``file:line`` (or just the file when the finding has no line)."""
    if finding.line:
        return f"{report.profile_file}:{finding.line}"
    return report.profile_file


def source(pack: PackInfo, source_id: str | None) -> dict[str, Any]:
    """The pack's entry for a basis source id (``{}`` when the pack does not list it)."""
    return next((dict(s) for s in pack.sources if s.get("id") == source_id), {})


def message(finding: Finding, lang: str) -> str:
    from netsep_check.report.messages import finding_message

    return finding_message(finding, lang)


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
