"""Operators between a list field and a list (or one value): subset, superset, disjoint,
intersects, contains."""

from __future__ import annotations

from typing import Any

from netsep_check.rules.operators.base import (
    FALLBACK,
    IF_EMPTY_SCHEMA,
    Compiled,
    Ctx,
    Env,
    EvalError,
    Failure,
    PerJudgment,
    compile_operand,
    compile_path,
    empty_case,
    empty_text,
    require_keys,
    var_path,
    walker,
)
from netsep_check.rules.operators.registry import Operator, SubCompile
from netsep_check.values import canonical, same

_ARGS = {"type": "object", "required": ["path", "value"], "additionalProperties": False,
         "properties": {"path": {"type": "string"},
                        "value": {"description": "a list, {path: P} or {param: N}"},
                        "if_empty": IF_EMPTY_SCHEMA}}

_WORDS = {
    "subset": ("has only items also in", "의 모든 항목이 다음에 포함됨:"),
    "superset": ("includes every item of", "에 다음의 모든 항목이 포함됨:"),
    "disjoint": ("has no item in", "에 다음 항목이 하나도 없음:"),
    "intersects": ("has at least one item in", "에 다음 항목이 하나 이상 있음:"),
}


def _list(value: Any, label: str, ctx_path: Any) -> list[Any]:
    if not isinstance(value, list):
        raise EvalError(f"{label} is not a list", ctx_path, reason="eval_not_list", subject=label)
    return value


class _Members:
    """Membership in constant time (``in`` on a list compares every item: a subset of two
    100,000-item lists would take 10^10 steps), with JSON equality: ``true`` is not ``1``."""

    __slots__ = ("_keys", "texts")

    def __init__(self, items: list[Any]) -> None:
        self._keys: set[Any] | None
        if set(map(type, items)) <= {str}:  # plain texts, the common case: read at C speed,
            self.texts: set[Any] = set(items)  # their canonical keys made only if asked
            self._keys = None
        else:
            self._keys = {canonical(item) for item in items}  # TypeError: not plain data
            self.texts = {item for item in items if isinstance(item, str)}

    @property
    def keys(self) -> set[Any]:
        """The canonical members (see :func:`canonical`)."""
        keys = self._keys
        if keys is None:
            keys = self._keys = {("s", text) for text in self.texts}  # canonical of a text
        return keys

    def __contains__(self, item: Any) -> bool:
        return canonical(item) in self.keys


_lookup = _Members


def _members_or_none(items: list[Any]) -> _Members | None:
    try:
        return _Members(items)
    except TypeError:  # not plain data: compare one by one
        return None


def _set_op(name: str) -> Any:
    def compile_(spec: Any, env: Env, sub: SubCompile) -> Compiled:
        require_keys(spec, env, {"path", "value"}, {"if_empty"})
        ref = compile_path(spec["path"], env)
        rhs = compile_operand(spec["value"], env)
        if_empty = empty_case(spec, env)

        def test(ctx: Ctx) -> list[Failure] | None:
            left = _list(ref.get(ctx), ref.text, ref.concrete(ctx))
            if not left and if_empty is not None:  # the rule says what an empty list means
                return None if if_empty == "pass" else [Failure(ref.concrete(ctx), "empty",
                                                                 left, None, ref.text)]
            right = _list(rhs.get(ctx), rhs.label, ref.concrete(ctx))
            if name == "subset":
                among = _lookup(right)
                offending = [item for item in left if item not in among]
            elif name == "superset":
                among = _lookup(left)
                offending = [item for item in right if item not in among]
            elif name == "disjoint":
                among = _lookup(right)
                offending = [item for item in left if item in among]
            else:  # intersects
                among = _lookup(right)
                offending = [] if any(item in among for item in left) else left
                if not left:
                    offending = [None]
            if not offending:
                return None
            if name == "intersects":
                return [Failure(ref.concrete(ctx), name, left, right, rhs.label)]
            path = ref.concrete(ctx)
            where = _positions(left) if name != "superset" else {}
            return [_item_failure(path, where, item, name, right, rhs.label)
                    for item in offending]

        en, ko = _WORDS[name]
        return Compiled(test, (ref.schema_path, *rhs.reads), empty_text(
            {"en": f"{ref.text} {en} {rhs.label}", "ko": f"{ref.text}{ko} {rhs.label}"},
            if_empty, ref.text), holds=_fast_set_op(name, ref.fetch, rhs, if_empty))

    return compile_


def _keys(items: list[Any]) -> tuple[frozenset[Any], frozenset[str]]:
    """A list's members as canonical keys, and its texts (the common case, compared as they
    are: a text is a member exactly when an equal text is in the list)."""
    return (frozenset(canonical(item) for item in items),
            frozenset(item for item in items if isinstance(item, str)))


def _fast_set_op(name: str, fetch: Any, rhs: Any, if_empty: str | None) -> Any:
    """The yes/no of a set operator (see ``Compiled.holds``); a constant value (a literal or
    a parameter) becomes its set of members once, at compile time."""
    fixed = None
    if rhs.constant and isinstance(rhs.value, list):
        try:
            fixed = _keys(rhs.value)
        except TypeError:
            fixed = None
    other = rhs.fetch

    def holds(ctx: Ctx) -> bool:
        left = fetch(ctx)
        if type(left) is not list:
            raise FALLBACK
        if not left and if_empty is not None:
            return if_empty == "pass"
        if fixed is not None:
            keys, texts = fixed
            right = None
        else:
            right = other(ctx)
            if type(right) is not list:
                raise FALLBACK
            keys, texts = _keys(right)
        if name == "superset":  # every item of the value is in the field's list
            if right is None:
                right = rhs.value
            keys, texts = _keys(left)
            left, want = right, False  # no item of the value may be missing
        else:
            want = name != "subset"  # subset: look for an item not in the value
        for item in left:  # loops, not any()/all() over a generator: no call per item
            if (item in texts if type(item) is str else canonical(item) in keys) == want:
                return name == "intersects"
        return name != "intersects"

    return holds


def _positions(items: list[Any]) -> Any:
    """item → index of its first occurrence (or the list itself, for unhashable items)."""
    try:
        first: dict[Any, int] = {}
        for index, item in enumerate(items):
            first.setdefault(item, index)
        return first
    except TypeError:
        return items


def _item_failure(path: tuple[str | int, ...], where: Any, item: Any, name: str, right: list[Any],
                  label: str) -> Failure:
    """Point at the offending list item itself when it is in the field's list."""
    if name != "superset":
        try:
            index = where[item] if isinstance(where, dict) else where.index(item)
        except (KeyError, ValueError, TypeError):
            index = None
        if index is not None:
            path = (*path, index)
    return Failure(path, name, item, right, label)


def _contains(spec: Any, env: Env, sub: SubCompile) -> Compiled:
    require_keys(spec, env, {"path", "value"})
    ref = compile_path(spec["path"], env)
    rhs = compile_operand(spec["value"], env)
    # The members of each list seen, by identity, for the judgment under way: a list tested
    # for each of n values (a join) costs n, not n², also when the list alternates with others
    # (every used task × some scope change: one slot was rebuilt at every step, n² over
    # 200,000 tasks in 20 changes).
    built = PerJudgment()

    def members_of(left: list[Any], ctx: Ctx) -> _Members | None:
        members: _Members | None = built.get(ctx, left, _members_or_none)
        return members

    def test(ctx: Ctx) -> list[Failure] | None:
        left = _list(ref.get(ctx), ref.text, ref.concrete(ctx))
        wanted = rhs.get(ctx)
        members = members_of(left, ctx)
        if members is None:
            found = any(same(wanted, item) for item in left)
        else:
            found = wanted in members.texts if type(wanted) is str else (
                canonical(wanted) in members.keys)
        if found:
            return None
        return [Failure(ref.concrete(ctx), "contains", left, wanted, rhs.label)]

    fetch, other = ref.fetch, rhs.fetch

    def holds(ctx: Ctx) -> bool:
        left = fetch(ctx)
        if type(left) is not list:
            raise FALLBACK
        wanted = other(ctx)
        members = members_of(left, ctx)
        if members is None:
            raise FALLBACK
        if type(wanted) is str:
            return wanted in members.texts
        return canonical(wanted) in members.keys

    staged = None
    shape: tuple[Any, ...] | None = None
    value_of = var_path(spec["value"], env)
    if ref.var is None and value_of is not None:  # a list of the profile, an element's field
        walk = walker(value_of[1])

        def members_now(ctx: Ctx) -> _Members:
            """The list's members, or raise (cannot say)."""
            left = fetch(ctx)
            if type(left) is not list:
                raise FALLBACK
            members = members_of(left, ctx)
            if members is None:
                raise FALLBACK
            return members

        def stage(ctx: Ctx) -> Any:
            members = members_now(ctx)
            texts = members.texts

            def on_value(value: Any) -> bool:
                wanted = walk(value)
                if type(wanted) is str:
                    return wanted in texts
                return canonical(wanted) in members.keys
            return on_value
        staged = (value_of[0], stage)
        if not value_of[1]:  # the variable itself is in the list (see ``Compiled.shape``)
            shape = ("contained", value_of[0], members_now, False)
    elif ref.var is not None and value_of is not None and value_of[0] != ref.var:
        # a list of the element bound by ``ref.var`` holds another variable's value: a
        # ``some`` over those elements can ask the union of their lists (see ``_Fast``)
        shape = ("holds", ref.var, walker(ref.keys) if ref.keys else None, other)

    return Compiled(test, (ref.schema_path, *rhs.reads),
                    {"en": f"{ref.text} contains {rhs.label}",
                     "ko": f"{ref.text}에 {rhs.label} 항목이 있음"}, holds=holds, staged=staged,
                    shape=shape)


OPERATORS = {
    "subset": Operator("subset", "sets", _set_op("subset"),
                       "every item of the list field is also in the value (scope within approval)",
                       {"path": "usage.tasks", "value": {"path": "designation.approved_scope.tasks"}},
                       _ARGS),
    "superset": Operator("superset", "sets", _set_op("superset"),
                         "the list field includes every item of the value",
                         {"path": "usage.data_categories", "value": ["public"]}, _ARGS),
    "disjoint": Operator("disjoint", "sets", _set_op("disjoint"),
                         "the list field has no item of the value (excluded data)",
                         {"path": "usage.data_categories",
                          "value": ["financial_transaction_information"]}, _ARGS),
    "intersects": Operator("intersects", "sets", _set_op("intersects"),
                           "the list field has at least one item of the value",
                           {"path": "usage.data_categories", "value": ["public", "internal_business"]},
                           _ARGS),
    "contains": Operator("contains", "sets", _contains, "the list field contains the value",
                         {"path": "usage.providers", "value": "microsoft"},
                         {"type": "object", "required": ["path", "value"],
                          "additionalProperties": False,
                          "properties": {"path": {"type": "string"}, "value": {}}}),
}
