"""The operator vocabulary of the rule language: a plain registry, one module per family.

``REGISTRY`` is built on first use (PEP 562): reading ``operators.base`` (as the rule model
does) does not import every operator family.
"""

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from netsep_check.rules.operators.registry import Operator

    REGISTRY: dict[str, Operator]

_FAMILIES = ("logic", "compare", "sets", "dates", "quantifiers", "evidence", "text")

__all__ = ["REGISTRY", "Operator"]


def __getattr__(name: str) -> Any:
    if name == "REGISTRY":
        registry: dict[str, Any] = {}
        for family in _FAMILIES:
            registry.update(import_module(f"{__name__}.{family}").OPERATORS)
        globals()["REGISTRY"] = registry
        return registry
    if name == "Operator":
        from netsep_check.rules.operators.registry import Operator

        globals()["Operator"] = Operator
        return Operator
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
