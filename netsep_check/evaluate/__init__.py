"""Stage 4 — evaluate: compiled rules × validated profile → findings.

Names are imported on first use (PEP 562): the report types can be read without the engine.
"""

from typing import TYPE_CHECKING

from netsep_check._lazy import lazy_names

if TYPE_CHECKING:
    from netsep_check.evaluate.engine import evaluate, judge
    from netsep_check.evaluate.findings import Finding, Report
    from netsep_check.vocabulary import STATUSES

_WHERE = {"evaluate": "engine", "judge": "engine", "Finding": "findings",
          "Report": "findings"}

__all__ = ["STATUSES", "Finding", "Report", "evaluate", "judge"]


_lazy = lazy_names(__name__, globals(), _WHERE)


def __getattr__(name: str) -> object:
    if name == "STATUSES":
        from netsep_check.vocabulary import STATUSES

        return STATUSES
    return _lazy(name)
