"""Boolean combinators: all, any, not."""

from __future__ import annotations

from typing import Any

from netsep_check.rules.operators.base import (
    Compiled,
    Ctx,
    Env,
    EvalError,
    Failure,
    RuleSyntaxError,
)
from netsep_check.rules.operators.registry import Operator, SubCompile


def _parts(spec: Any, env: Env, name: str, sub: SubCompile) -> list[Compiled]:
    if not isinstance(spec, list) or not spec:
        raise RuleSyntaxError(f"{name} takes a non-empty list of conditions", env.where)
    return [sub(item, env.at(f"{name}[{i}]")) for i, item in enumerate(spec)]


def _reads(parts: list[Compiled]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(path for part in parts for path in part.reads))


def _all(spec: Any, env: Env, sub: SubCompile) -> Compiled:
    parts = _parts(spec, env, "all", sub)
    tests = [part.test for part in parts]

    def test(ctx: Ctx) -> list[Failure] | None:
        failures: list[Failure] = []
        for each in tests:
            try:
                found = each(ctx)
            except EvalError:
                if failures:  # e.g. {exists: X} failed, so a later test of X cannot run
                    break
                raise
            if found:
                failures.extend(found)
        return failures or None

    return Compiled(test, _reads(parts), {
        lang: " AND ".join(f"({p.text[lang]})" for p in parts) if lang == "en" else
        " 그리고 ".join(f"({p.text[lang]})" for p in parts) for lang in ("en", "ko")})


def _any(spec: Any, env: Env, sub: SubCompile) -> Compiled:
    parts = _parts(spec, env, "any", sub)
    tests = [part.test for part in parts]

    def test(ctx: Ctx) -> list[Failure] | None:
        failures: list[Failure] = []
        for each in tests:
            found = each(ctx)
            if not found:
                return None
            failures.extend(found)
        return failures

    return Compiled(test, _reads(parts), {
        lang: (" OR " if lang == "en" else " 또는 ").join(f"({p.text[lang]})" for p in parts)
        for lang in ("en", "ko")})


def _not(spec: Any, env: Env, sub: SubCompile) -> Compiled:
    inner = sub(spec, env.at("not"))
    first_read = inner.reads[0] if inner.reads else None

    def test(ctx: Ctx) -> list[Failure] | None:
        if inner.test(ctx):
            return None
        return [Failure(None, "not", None, dict(inner.text), first_read)]

    return Compiled(test, inner.reads, {"en": f"NOT ({inner.text['en']})",
                                        "ko": f"다음이 아님: ({inner.text['ko']})"})


_LIST = {"type": "array", "minItems": 1, "items": {"$ref": "#/$defs/condition"}}
OPERATORS = {
    "all": Operator("all", "logic", _all, "every listed condition holds",
                    [{"eq": {"path": "usage.mobile_access", "value": False}},
                     {"eq": {"path": "usage.pseudonymised_data", "value": False}}], _LIST),
    "any": Operator("any", "logic", _any, "at least one listed condition holds",
                    [{"eq": {"path": "usage.mobile_access", "value": False}},
                     {"eq": {"path": "security_measures.endpoint.mobile_controls.status",
                             "value": "implemented"}}], _LIST),
    "not": Operator("not", "logic", _not, "the condition does not hold",
                    {"eq": {"path": "regime", "value": "sandbox"}}, {"$ref": "#/$defs/condition"}),
}
