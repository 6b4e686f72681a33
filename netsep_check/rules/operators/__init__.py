"""The operator vocabulary of the rule language: a plain registry, one module per family."""

from netsep_check.rules.operators import compare, dates, logic, quantifiers, sets
from netsep_check.rules.operators.registry import Operator

REGISTRY: dict[str, Operator] = {
    **logic.OPERATORS,
    **compare.OPERATORS,
    **sets.OPERATORS,
    **dates.OPERATORS,
    **quantifiers.OPERATORS,
}

__all__ = ["REGISTRY", "Operator"]
