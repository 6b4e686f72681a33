"""Stage 4 — evaluate: compiled rules × validated profile → findings.

Names are imported on first use (PEP 562): the report types can be read without the engine.
"""

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from netsep_check.evaluate.engine import evaluate, judge
    from netsep_check.evaluate.findings import STATUSES, Finding, Report

_WHERE = {"evaluate": "engine", "judge": "engine", "STATUSES": "findings", "Finding": "findings",
          "Report": "findings"}

__all__ = ["STATUSES", "Finding", "Report", "evaluate", "judge"]


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f"{__name__}.{_WHERE[name]}"), name)
    globals()[name] = value
    return value
