"""Boolean combinators: all, any, not."""

from __future__ import annotations

from typing import Any

from netsep_check.rules.operators.base import (
    FALLBACK,
    Compiled,
    Ctx,
    Env,
    EvalError,
    Failure,
    RuleSyntaxError,
    Unstaged,
)
from netsep_check.rules.operators.registry import Operator, SubCompile


def _parts(spec: Any, env: Env, name: str, sub: SubCompile) -> list[Compiled]:
    if not isinstance(spec, list) or not spec:
        raise RuleSyntaxError(f"{name} takes a non-empty list of conditions", env.where)
    return [sub(item, env.at(f"{name}[{i}]")) for i, item in enumerate(spec)]


def _reads(parts: list[Compiled]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(path for part in parts for path in part.reads))


def _quick(holds: Any, ctx: Ctx) -> bool:
    """Whether a part's fast check says it holds (False also when it cannot say)."""
    try:
        return bool(holds(ctx))
    except Exception:
        return False


_MISSES, _REST = 16, 1024


class _Asking:
    """Whether to ask a part's fast check before its detailed one. The fast check spares a
    part that holds its details; a part that does not hold is judged twice. After _MISSES
    such answers in a row the next _REST calls go straight to the detailed check, which
    decides alone anyway (the fast check only ever spares work; 200,000 failing elements
    of an ``every`` judged each part twice)."""

    __slots__ = ("missed", "rest")

    def __init__(self) -> None:
        self.missed = self.rest = 0

    def holds(self, fast: Any, ctx: Ctx) -> bool:
        """The fast check's yes; False when it says no, cannot say, or is not asked."""
        if self.rest:
            self.rest -= 1
            return False
        if _quick(fast, ctx):
            self.missed = 0
            return True
        self.missed += 1
        if self.missed >= _MISSES:
            self.missed, self.rest = 0, _REST
        return False


def _unary(parts: list[Compiled]) -> tuple[str, list[Any]] | None:
    """The variable every part reads alone, and their yes/no on its value (or None)."""
    found = [part.unary for part in parts]
    if not all(found) or len({var for var, _ in found}) != 1:  # type: ignore[misc]
        return None
    return found[0][0], [on_item for _, on_item in found]  # type: ignore[index,misc]


def _staged(parts: list[Compiled], prefix: bool = False) -> tuple[str, list[Any], bool] | None:
    """The variable the parts' staged checks read, their stages, and whether only the
    leading parts have one (``prefix``: an ``any`` may stage its first parts and leave the
    rest to the bound path); None when there is no such variable."""
    found = []
    for part in parts:
        if part.staged is None:
            if not prefix:
                return None
            break
        found.append(part.staged)
    if not found or len({var for var, _ in found}) != 1:
        return None
    return found[0][0], [stage for _, stage in found], len(found) < len(parts)


def _all(spec: Any, env: Env, sub: SubCompile) -> Compiled:
    parts = _parts(spec, env, "all", sub)

    pairs = [(part.holds, part.test, _Asking()) for part in parts]

    def test(ctx: Ctx) -> list[Failure] | None:
        failures: list[Failure] = []
        for fast, each, asking in pairs:
            if asking.holds(fast, ctx):  # holds: the detailed check would find no leaf
                continue
            try:
                found = each(ctx)
            except EvalError:
                if failures:  # e.g. {exists: X} failed, so a later test of X cannot run
                    break
                raise
            if found:
                failures.extend(found)
        return failures or None

    checks = tuple(part.holds for part in parts)

    last = checks[-1]

    def holds(ctx: Ctx) -> bool:
        # the detailed check goes on after a failed part (an error there ends it, any other
        # exception is the rule's error): a failed part that is not the last one is judged
        # in detail rather than here
        for each in checks:
            if not each(ctx):
                if each is last:
                    return False
                raise FALLBACK
        return True

    unary = None
    if (common := _unary(parts)) is not None:
        var, preds = common

        final = preds[-1]

        def on_item(item: Any) -> bool:
            for each in preds:
                if not each(item):
                    if each is final:
                        return False
                    raise FALLBACK
            return True
        unary = (var, on_item)

    staged = None
    if unary is None and (every := _staged(parts)) is not None:
        stage_var, stages, _ = every

        def stage(ctx: Ctx) -> Any:
            fns = [each(ctx) for each in stages]
            final = fns[-1]

            def on_value(value: Any) -> bool:
                for each in fns:
                    if not each(value):
                        if each is final:
                            return False
                        raise FALLBACK
                return True
            return on_value
        staged = (stage_var, stage)

    return Compiled(test, _reads(parts), holds=holds, unary=unary, staged=staged, text={
        lang: " AND ".join(f"({p.text[lang]})" for p in parts) if lang == "en" else
        " 그리고 ".join(f"({p.text[lang]})" for p in parts) for lang in ("en", "ko")})


def _any(spec: Any, env: Env, sub: SubCompile) -> Compiled:
    parts = _parts(spec, env, "any", sub)

    pairs = [(part.holds, part.test, _Asking()) for part in parts]

    def test(ctx: Ctx) -> list[Failure] | None:
        failures: list[Failure] = []
        for fast, each, asking in pairs:
            if asking.holds(fast, ctx):
                return None
            found = each(ctx)
            if not found:
                return None
            failures.extend(found)
        return failures

    checks = tuple(part.holds for part in parts)

    def holds(ctx: Ctx) -> bool:
        for each in checks:  # noqa: SIM110 - a loop costs less than any() over a generator
            if each(ctx):
                return True
        return False

    unary = None
    if (common := _unary(parts)) is not None:
        var, preds = common

        def on_item(item: Any) -> bool:
            for each in preds:  # noqa: SIM110 - as above
                if each(item):
                    return True
            return False
        unary = (var, on_item)

    staged = None
    leading = _staged(parts, prefix=True)
    if unary is None and leading is not None:
        stage_var, stages, partial = leading

        def stage(ctx: Ctx) -> Any:
            fns = [each(ctx) for each in stages]

            def on_value(value: Any) -> bool:
                for each in fns:
                    if each(value):
                        return True
                if partial:  # the parts after these are left to the bound fast check
                    raise Unstaged
                return False
            return on_value
        staged = (stage_var, stage)

    first = parts[0].shape
    shape = None
    if first is not None and first[0] == "contained":
        # an element not in the list: the other parts decide, staged ("staged") or not
        rest = "staged" if leading is not None and not leading[2] and first[3] in (
            False, "staged") else first[3] or len(parts) > 1
        shape = ("contained", first[1], first[2], rest if len(parts) > 1 else first[3])
    return Compiled(test, _reads(parts), holds=holds, unary=unary, staged=staged, shape=shape,
                    text={
        lang: (" OR " if lang == "en" else " 또는 ").join(f"({p.text[lang]})" for p in parts)
        for lang in ("en", "ko")})


def _not(spec: Any, env: Env, sub: SubCompile) -> Compiled:
    inner = sub(spec, env.at("not"))
    first_read = inner.reads[0] if inner.reads else None

    def test(ctx: Ctx) -> list[Failure] | None:
        if inner.test(ctx):
            return None
        return [Failure(None, "not", None, dict(inner.text), first_read)]

    inner_holds = inner.holds

    def holds(ctx: Ctx) -> bool:
        return not inner_holds(ctx)

    unary = None
    if inner.unary is not None:
        var, inner_on = inner.unary

        def on_item(item: Any) -> bool:
            return not inner_on(item)
        unary = (var, on_item)

    staged = None
    if unary is None and inner.staged is not None:
        stage_var, inner_stage = inner.staged

        def stage(ctx: Ctx) -> Any:
            inner_value = inner_stage(ctx)

            def on_value(value: Any) -> bool:
                return not inner_value(value)
            return on_value
        staged = (stage_var, stage)

    return Compiled(test, inner.reads, {"en": f"NOT ({inner.text['en']})",
                                        "ko": f"다음이 아님: ({inner.text['ko']})"},
                    holds=holds, unary=unary, staged=staged)


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
