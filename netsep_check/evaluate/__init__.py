"""Stage 4 — evaluate: compiled rules × validated profile → findings."""

from netsep_check.evaluate.engine import evaluate, judge
from netsep_check.evaluate.findings import STATUSES, Finding, Report

__all__ = ["STATUSES", "Finding", "Report", "evaluate", "judge"]
