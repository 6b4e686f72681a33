"""Compile a condition (YAML data) into a :class:`Compiled` closure, once, before evaluation.

Nothing is evaluated as Python: a condition is a one-key mapping whose key must name an
operator in :data:`REGISTRY`; anything else is a :class:`RuleSyntaxError`.
"""

from __future__ import annotations

from typing import Any

from netsep_check.rules.operators import REGISTRY
from netsep_check.rules.operators.base import (
    Compiled,
    Env,
    RuleSyntaxError,
    once_per_judgment,
    reading,
)


def compile_condition(spec: Any, env: Env) -> Compiled:
    """Compile one condition; raises :class:`RuleSyntaxError` naming where in the rule."""
    if not isinstance(spec, dict) or len(spec) != 1:
        raise RuleSyntaxError(
            "a condition is a mapping with exactly one operator, e.g. {eq: {path: ..., value: ...}}",
            env.where)
    (name, arg), = spec.items()
    operator = REGISTRY.get(name)
    if operator is None:
        raise RuleSyntaxError(f"unknown operator {name!r} (known: {', '.join(sorted(REGISTRY))})",
                              env.where)
    reads: set[str] = set()
    stack = reading()
    stack.append(reads)
    try:
        compiled = operator.compile(arg, env.at(name), compile_condition)
    finally:
        stack.pop()
    if stack:
        stack[-1].update(reads)
    # inside a quantifier, a condition that reads none of the variables bound around it is
    # the same for every element: judged once per profile (a name bound again inside it
    # counts as read: never wrongly taken as independent)
    if env.variables and not reads & env.variables.keys():
        return once_per_judgment(compiled)
    return compiled


def condition_schema() -> dict[str, Any]:
    """JSON Schema of a condition, generated from the registry (for editors and ``schema``)."""
    return {
        "type": "object",
        "minProperties": 1,
        "maxProperties": 1,
        "description": "exactly one operator: " + ", ".join(sorted(REGISTRY)),
        "properties": {name: {**op.arg_schema, "description": op.summary}
                       for name, op in sorted(REGISTRY.items())},
        "additionalProperties": False,
    }
