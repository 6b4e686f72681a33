"""The project's one vocabulary: every fixed word a result is made of, and how they order.

Light enough to import at start-up (``netsep-check --version`` should cost little more than
click): no imports beyond the standard library's typing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

AREAS = ("designation", "scope", "data", "provider", "endpoint", "network_link",
         "saas_management", "operating_policy", "governance", "evidence")
SEVERITIES = ("critical", "high", "medium", "low")  # most severe first
STRENGTHS = ("official", "secondary", "derived")
REGIMES = ("sandbox", "standing_exception")
LANGS = ("ko", "en")  # Korean is the default language
DEFAULT_LANG = "ko"

STATUSES = ("fail", "error", "waived", "pass", "not_applicable")  # worst first
FAILING = frozenset({"fail", "error"})  # statuses that count against the gate
VERDICTS = ("fail", "undetermined", "pass")  # of a report, a batch, a run

# Report formats of ``check``; the registry in ``report/__init__.py`` maps each to its module.
FORMATS = ("text", "json", "sarif", "junit", "markdown", "html", "oscal-ar", "oscal-poam",
           "committee")

# How an evidence file came out of verification (evaluate/evidence.py).
EVIDENCE_STATUSES = ("ok", "present", "sha256_mismatch", "missing", "not_a_file", "outside_root")
EVIDENCE_UNREADABLE = frozenset({"missing", "not_a_file", "outside_root"})
EVIDENCE_FAILED = EVIDENCE_UNREADABLE | {"sha256_mismatch"}

# Identifiers of the JSON documents netsep-check writes.
REPORT_FORMAT_ID = "netsep-check-report"
BATCH_FORMAT_ID = "netsep-check-report-batch"
DIFF_FORMAT_ID = "netsep-check-diff"
REPORT_FORMAT_VERSION = 1

DEFAULT_FAIL_ON = "low"  # any failing finding fails the run

_STATUS_RANK = {status: rank for rank, status in enumerate(STATUSES)}
_SEVERITY_RANK = {severity: rank for rank, severity in enumerate(SEVERITIES)}


def status_rank(status: str) -> int:
    """0 for the worst status (``fail``)."""
    return _STATUS_RANK[status]


def severity_rank(severity: str) -> int:
    """0 for the most severe (``critical``); an unknown severity ranks above all."""
    return _SEVERITY_RANK.get(severity, -1)


def at_or_above(severity: str, threshold: str) -> bool:
    """``high`` is at or above ``medium``; unknown severities always count."""
    return severity_rank(severity) <= _SEVERITY_RANK[threshold]


def worst(statuses: Iterable[str]) -> str | None:
    """The worst of ``statuses`` (``None`` when there are none)."""
    present = set(statuses)
    return next((status for status in STATUSES if status in present), None)


def verdict(counts: Mapping[str, int]) -> str:
    """One verdict from status counts, used by every format: ``fail`` when a rule failed,
    ``undetermined`` when none failed but one could not be judged, else ``pass``."""
    if counts.get("fail"):
        return "fail"
    if counts.get("error"):
        return "undetermined"
    return "pass"
