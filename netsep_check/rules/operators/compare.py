"""Comparisons of one field with a value: eq, ne, gt, ge, lt, le, in, not_in, exists, nonempty."""

from __future__ import annotations

import datetime as dt
import operator as py
import unicodedata
from functools import lru_cache
from typing import Any

from netsep_check.rules.operators.base import (
    FALLBACK,
    Compiled,
    Ctx,
    Env,
    EvalError,
    Failure,
    Fallback,
    PathRef,
    Probe,
    RuleSyntaxError,
    compile_operand,
    compile_path,
    require_keys,
    show,
    var_path,
    walker,
)
from netsep_check.rules.operators.registry import Operator, SubCompile
from netsep_check.values import canonical, same

_NO_PROFILE = Ctx({}, dt.date.min)  # what a constant operand is read in at compile time

_OPERAND = {"description": "a literal, {path: P}, {param: N} or {as_of: days}"}
_PATH_VALUE = {"type": "object", "required": ["path", "value"], "additionalProperties": False,
               "properties": {"path": {"type": "string"}, "value": _OPERAND}}

_WORDS = {
    "eq": ("equals", "값이 다음과 같음:"),
    "ne": ("differs from", "값이 다음과 다름:"),
    "gt": ("is greater than", "값이 다음보다 큼:"),
    "ge": ("is at least", "값이 다음 이상:"),
    "lt": ("is less than", "값이 다음보다 작음:"),
    "le": ("is at most", "값이 다음 이하:"),
    "in": ("is one of", "값이 다음 중 하나:"),
    "not_in": ("is none of", "값이 다음 중 어느 것도 아님:"),
}
_NUMERIC = {"gt": py.gt, "ge": py.ge, "lt": py.lt, "le": py.le}


class _Members:
    """``x in list`` in constant time: the list's items as a set of canonical keys, built once
    per list (the profile's lists do not change while it is judged). A rule testing each of
    n providers against a list of n ids costs n, not n²."""

    __slots__ = ("built",)

    def __init__(self) -> None:
        # the list last seen and its keys, together (read and replaced at once: a thread
        # judging another profile never pairs one list with another's keys)
        self.built: tuple[list[Any] | None, set[Any] | None] = (None, None)

    def has(self, items: list[Any], value: Any) -> bool:
        source, keys = self.built
        if items is not source:
            try:
                keys = {canonical(item) for item in items}
            except TypeError:  # not plain data: compare one by one
                keys = None
            self.built = (items, keys)
        if keys is None:
            return any(same(value, item) for item in items)
        try:
            return canonical(value) in keys
        except TypeError:
            return any(same(value, item) for item in items)


def _vars_of(operand: Any, env: Env) -> set[str]:
    """The bound variables an operand reads (a ``{path: ...}`` rooted at a variable)."""
    if isinstance(operand, dict) and len(operand) == 1 and "path" in operand:
        try:
            ref = compile_path(operand["path"], env)
        except RuleSyntaxError:
            return set()
        return {ref.var} if ref.var else set()
    return set()


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _comparison(name: str) -> Any:
    numeric = _NUMERIC.get(name)

    def compile_(spec: Any, env: Env, sub: SubCompile) -> Compiled:
        require_keys(spec, env, {"path", "value"})
        ref = compile_path(spec["path"], env)
        rhs = compile_operand(spec["value"], env)
        if name in ("in", "not_in") and rhs.constant and not isinstance(rhs.get(_NO_PROFILE), list):
            raise RuleSyntaxError(f"{name} needs a list as its value", env.where)
        members = _Members()

        def test(ctx: Ctx) -> list[Failure] | None:
            actual = ref.get(ctx)
            expected = rhs.get(ctx)
            if numeric is not None:
                if not (_is_number(actual) and _is_number(expected)):
                    raise EvalError(f"{ref.text} is {show(actual)}: {name} compares numbers",
                                    ref.concrete(ctx), reason="eval_not_number", subject=ref.text,
                                    value=actual, operator=name)
                ok = numeric(actual, expected)
            elif name == "eq":
                ok = same(actual, expected)
            elif name == "ne":
                ok = not same(actual, expected)
            else:
                if not isinstance(expected, list):
                    raise EvalError(f"{rhs.label} is not a list", ref.concrete(ctx),
                                    reason="eval_not_list", subject=rhs.label)
                ok = members.has(expected, actual) == (name == "in")
            if ok:
                return None
            return [Failure(ref.concrete(ctx), name, actual, expected, rhs.label)]

        en, ko = _WORDS[name]
        probe = None
        if name == "eq" and ref.var is not None and ref.var not in _vars_of(spec["value"], env):
            other = var_path(spec["value"], env)
            probe = Probe(ref.var, ref.keys, rhs.get, other)
        holds, unary, shape = _fast_comparison(name, ref, rhs, members)
        return Compiled(test, (ref.schema_path, *rhs.reads),
                        {"en": f"{ref.text} {en} {rhs.label}", "ko": f"{ref.text} {ko} {rhs.label}"},
                        probe, holds, unary, shape=shape)

    return compile_


def _on_value(name: str, rhs: Any) -> Any:
    """For a constant right-hand side: the yes/no as a function of the field's value (which
    raises where the detailed check raises), specialised at compile time; None otherwise."""
    if not rhs.constant:
        return None
    expected = rhs.value
    numeric = _NUMERIC.get(name)
    if numeric is not None:
        if not _is_number(expected):
            return None  # the detailed check raises: so does the fallback

        def on_number(actual: Any) -> bool:
            if not _is_number(actual):
                raise FALLBACK
            return bool(numeric(actual, expected))
        return on_number
    if name in ("eq", "ne"):
        wanted = name == "eq"
        if type(expected) is str:  # the common case: a field equals a text
            def on_text(actual: Any) -> bool:
                return (actual == expected if type(actual) is str
                        else same(actual, expected)) == wanted
            return on_text

        def on_same(actual: Any) -> bool:
            return same(actual, expected) == wanted
        return on_same
    positive = name == "in"  # in, not_in: a list (checked when compiled)
    try:
        keys = frozenset(canonical(item) for item in expected)
    except TypeError:  # not plain data: the detailed check compares one by one
        return None
    texts = frozenset(item for item in expected if isinstance(item, str))

    def on_member(actual: Any) -> bool:
        if type(actual) is str:
            return (actual in texts) == positive
        return (canonical(actual) in keys) == positive
    return on_member


def _text_equals(ref: PathRef, text: str) -> tuple[Any, Any, Any]:
    """``eq`` of a field with a constant text, the commonest condition (a control's status):
    the field read inline for the usual depths, no call but this one."""
    fetch, keys = ref.fetch, ref.keys

    def slow(value: Any) -> bool:  # not a plain text: JSON equality, a null raises
        if value is None:
            raise FALLBACK
        return same(value, text)

    if ref.var is None and len(keys) == 4:
        a, b, c, d = keys

        def holds(ctx: Ctx) -> bool:
            value = ctx.root[a][b][c][d]
            return value == text if type(value) is str else slow(value)
    elif ref.var is None and len(keys) == 3:
        a, b, c = keys

        def holds(ctx: Ctx) -> bool:
            value = ctx.root[a][b][c]
            return value == text if type(value) is str else slow(value)
    else:
        def holds(ctx: Ctx) -> bool:
            value = fetch(ctx)
            return value == text if type(value) is str else slow(value)
    unary = None
    if ref.var is not None:
        if len(keys) == 1:
            (key,) = keys

            def on_item(item: Any) -> bool:
                value = item[key]
                return value == text if type(value) is str else slow(value)
        else:
            walk = walker(keys)

            def on_item(item: Any) -> bool:
                value = walk(item)
                return value == text if type(value) is str else slow(value)
        unary = (ref.var, on_item)
    return holds, unary, (("text", ref.var, keys[0], text, slow)
                          if ref.var is not None and len(keys) == 1 else None)


def _fast_comparison(name: str, ref: PathRef, rhs: Any,
                     members: _Members) -> tuple[Any, Any, Any]:
    """The yes/no of a comparison (see ``Compiled.holds``) and, for a field of a bound
    variable compared with a constant, the same as a function of the variable's value (and
    its ``Compiled.shape``, when it has one)."""
    fetch = ref.fetch
    if name == "eq" and rhs.constant and type(rhs.value) is str:
        return _text_equals(ref, rhs.value)
    on_value = _on_value(name, rhs)
    if on_value is not None:
        def holds(ctx: Ctx) -> bool:
            return bool(on_value(fetch(ctx)))
        unary = None
        shape = None
        if ref.var is not None and not ref.keys:  # the variable itself (a key, a list item)
            def on_self(item: Any) -> bool:
                if item is None:
                    raise FALLBACK
                return bool(on_value(item))
            unary = (ref.var, on_self)
            if name in ("in", "not_in"):
                texts = frozenset(item for item in rhs.value if isinstance(item, str))
                shape = ("member", ref.var, texts, name == "in", on_self)
        elif ref.var is not None:
            walk = walker(ref.keys)

            def on_item(item: Any) -> bool:
                return bool(on_value(walk(item)))
            unary = (ref.var, on_item)
        return holds, unary, shape
    other = rhs.fetch
    numeric = _NUMERIC.get(name)
    if numeric is not None:
        def holds_numbers(ctx: Ctx) -> bool:
            actual, expected = fetch(ctx), other(ctx)
            if not (_is_number(actual) and _is_number(expected)):
                raise FALLBACK
            return bool(numeric(actual, expected))
        return holds_numbers, None, None
    if name in ("eq", "ne"):
        wanted = name == "eq"

        def holds_same(ctx: Ctx) -> bool:
            return same(fetch(ctx), other(ctx)) == wanted
        return holds_same, None, None
    positive = name == "in"

    def holds_member(ctx: Ctx) -> bool:
        actual, expected = fetch(ctx), other(ctx)
        if not isinstance(expected, list):
            raise FALLBACK
        return members.has(expected, actual) == positive
    return holds_member, None, None


def _path_arg(spec: Any, env: Env) -> str:
    if isinstance(spec, dict):
        require_keys(spec, env, {"path"})
        return str(spec["path"])
    return str(spec)


def _exists(spec: Any, env: Env, sub: SubCompile) -> Compiled:
    ref = compile_path(_path_arg(spec, env), env)

    def test(ctx: Ctx) -> list[Failure] | None:
        return None if ref.present(ctx) else [Failure(ref.concrete(ctx), "exists")]

    return Compiled(test, (ref.schema_path,),
                    {"en": f"{ref.text} is given", "ko": f"{ref.text} 값이 기재되어 있음"},
                    holds=_fast_present(ref), unary=_unary_present(ref))


def _unary_present(ref: PathRef) -> Any:
    if ref.var is None:
        return None
    walk = walker(ref.keys)

    def on_item(item: Any) -> bool:
        try:
            walk(item)
        except (KeyError, IndexError, TypeError, Fallback):
            return False
        return True
    return ref.var, on_item


def _fast_present(ref: PathRef) -> Any:
    """Whether the field is there and not null, as :meth:`PathRef.present` says."""
    fetch = ref.fetch
    if ref.var is not None:
        var = ref.var

        def holds_var(ctx: Ctx) -> bool:
            ctx.vars[var]  # an unbound variable raises, as in the detailed check
            try:
                fetch(ctx)
            except (KeyError, IndexError, TypeError, Fallback):
                return False
            return True
        return holds_var

    def holds(ctx: Ctx) -> bool:
        try:
            fetch(ctx)
        except (KeyError, IndexError, TypeError, Fallback):
            return False
        return True
    return holds


def _nonempty(spec: Any, env: Env, sub: SubCompile) -> Compiled:
    ref = compile_path(_path_arg(spec, env), env)

    def test(ctx: Ctx) -> list[Failure] | None:
        value = ref.get(ctx) if ref.present(ctx) else None
        if isinstance(value, list | str | dict) and len(value) > 0:
            return None
        return [Failure(ref.concrete(ctx), "nonempty", value)]

    present = _fast_present(ref)
    fetch = ref.fetch

    def holds(ctx: Ctx) -> bool:
        if not present(ctx):
            return False
        value = fetch(ctx)
        return isinstance(value, list | str | dict) and len(value) > 0

    return Compiled(test, (ref.schema_path,),
                    {"en": f"{ref.text} is not empty", "ko": f"{ref.text} 값이 비어 있지 않음"},
                    holds=holds, unary=_unary_nonempty(ref))


def _unary_nonempty(ref: PathRef) -> Any:
    """``nonempty`` on a bound element itself (so a ``where`` holding it stays a join)."""
    if ref.var is None:
        return None
    walk = walker(ref.keys)

    def on_item(item: Any) -> bool:
        try:
            value = walk(item)
        except (KeyError, IndexError, TypeError, Fallback):
            return False
        return isinstance(value, list | str | dict) and len(value) > 0
    return ref.var, on_item


def normalise_name(text: str, ignore: list[str]) -> str:
    """A firm name as ``name_in`` compares it: NFKC (so ㈜ reads (주)), each ``ignore`` mark
    removed, no white space, case folded. The marks come from the rule or a pack parameter."""
    return _normalised(text, tuple(ignore))


@lru_cache(maxsize=4096)  # a pack's designee list is the same for every profile of a batch
def _normalised(text: str, ignore: tuple[str, ...]) -> str:
    folded = unicodedata.normalize("NFKC", text)
    for mark in sorted((unicodedata.normalize("NFKC", m) for m in ignore), key=len, reverse=True):
        if mark:
            folded = folded.replace(mark, "")
    return "".join(folded.split()).casefold()


def _name_in(spec: Any, env: Env, sub: SubCompile) -> Compiled:
    require_keys(spec, env, {"path", "value"}, {"ignore"})
    ref = compile_path(spec["path"], env)
    rhs = compile_operand(spec["value"], env)
    marks = compile_operand(spec.get("ignore", []), env)
    for operand, what in ((rhs, "value"), (marks, "ignore")):
        if operand.constant:
            items = operand.get(Ctx(None, dt.date.min))
            if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
                raise RuleSyntaxError(f"name_in needs a list of texts as its {what}", env.where)

    def test(ctx: Ctx) -> list[Failure] | None:
        actual = ref.get(ctx)
        names, ignore = rhs.get(ctx), marks.get(ctx)
        if not isinstance(actual, str):
            raise EvalError(f"{ref.text} is {show(actual)}, not a text", ref.concrete(ctx),
                            reason="eval_not_text", subject=ref.text, value=actual)
        if not isinstance(names, list) or not isinstance(ignore, list):
            raise EvalError(f"{rhs.label} is not a list of texts", ref.concrete(ctx),
                            reason="eval_not_texts", subject=rhs.label)
        wanted = normalise_name(actual, ignore)
        if any(isinstance(n, str) and normalise_name(n, ignore) == wanted for n in names):
            return None
        return [Failure(ref.concrete(ctx), "name_in", actual, names, rhs.label)]

    return Compiled(test, (ref.schema_path, *rhs.reads),
                    {"en": f"{ref.text} is one of {rhs.label}, compared without the marks "
                           f"{marks.label}, spaces and case",
                     "ko": f"{ref.text} 값이 {rhs.label} 중 하나 ({marks.label} 표시·공백·대소문자를 "
                           "빼고 비교)"})


OPERATORS = {
    name: Operator(name, "compare", _comparison(name), summary, example, _PATH_VALUE)
    for name, summary, example in [
        ("eq", "the field equals the value (JSON equality: 1 is not true, \"1\" is not 1, 1 is 1.0)",
         {"path": "usage.mobile_access", "value": False}),
        ("ne", "the field differs from the value",
         {"path": "security_measures.network_link.strong_authentication.applies_to", "value": "admins_only"}),
        ("gt", "the field is a number greater than the value",
         {"path": "security_measures.saas_management.audit_logging.retention_days", "value": 0}),
        ("ge", "the field is a number at least the value",
         {"path": "security_measures.saas_management.audit_logging.retention_days",
          "value": {"param": "log_retention_days"}}),
        ("lt", "the field is a number less than the value",
         {"path": "profile_version", "value": 2}),
        ("le", "the field is a number at most the value",
         {"path": "profile_version", "value": 1}),
        ("in", "the field is one of the listed values",
         {"path": "regime", "value": ["sandbox", "standing_exception"]}),
        ("not_in", "the field is none of the listed values",
         {"path": "security_measures.saas_management.sharing_controls.external_sharing",
          "value": ["open"]}),
    ]
}
OPERATORS["exists"] = Operator(
    "exists", "compare", _exists, "the field is present and not null",
    "designation.valid_until", {"description": "a field path, or {path: P}"})
OPERATORS["nonempty"] = Operator(
    "nonempty", "compare", _nonempty, "the field is present and a non-empty list, mapping or text",
    {"path": "usage.providers"}, {"description": "a field path, or {path: P}"})
OPERATORS["name_in"] = Operator(
    "name_in", "compare", _name_in,
    "the text field is one of the listed names, compared after Unicode NFKC normalisation "
    "(so ㈜ reads (주)), with the `ignore` marks (a list or {param: N}), white space and case "
    "left out",
    {"path": "firm.name", "value": ["㈜신한금융지주", "신한투자증권㈜"], "ignore": ["㈜", "주식회사"]},
    {"type": "object", "required": ["path", "value"], "additionalProperties": False,
     "properties": {"path": {"type": "string"},
                    "value": {"description": "a list of names, or {param: N}"},
                    "ignore": {"description": "marks left out before comparing: a list of "
                                              "texts, or {param: N}"}}})
