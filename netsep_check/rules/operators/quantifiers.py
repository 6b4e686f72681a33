"""List quantifiers: every, some, none — over a list, or over the entries of a mapping."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from netsep_check.load import format_path
from netsep_check.rules.operators.base import (
    FALLBACK,
    IF_EMPTY_SCHEMA,
    Compiled,
    Ctx,
    Env,
    EvalError,
    Failure,
    Path,
    PerJudgment,
    RuleSyntaxError,
    Unstaged,
    compile_path,
    empty_case,
    empty_text,
    require_keys,
    walker,
)
from netsep_check.rules.operators.registry import Operator, SubCompile
from netsep_check.rules.operators.sets import _Members
from netsep_check.values import canonical

_NAME = r"^[a-z][a-z0-9_]*$"
RESERVED = frozenset({"profile_version", "firm", "assessment", "regime", "designation", "usage",
                      "providers", "security_measures", "governance", "evidence"})


def _pairs(value: Any, base: Path, label: str) -> Iterator[tuple[Any, Any]]:
    """(element, its key or index); annotation keys ``x_*`` are not elements."""
    if isinstance(value, list):
        return zip(value, range(len(value)), strict=True)
    if isinstance(value, dict):
        return iter([(item, key) for key, item in value.items() if not key.startswith("x_")])
    raise EvalError(f"{label} is neither a list nor a mapping", base,
                    reason="eval_not_collection", subject=label)


_LIST_LEVEL = frozenset({"contains", "exists", "empty", "some"})
_WHERE: dict[tuple[Path | None, ...], list[str]] = {}  # see _for_element


def _for_element(found: list[Failure], item: Any, path: Path,
                 text: dict[str, str]) -> list[Failure]:
    """Failures for one element of ``every``, pointing at the element where that is clearer.

    A nested ``some`` that found nothing for a plain element says which element it was; a plain
    element that no listed alternative allows (e.g. a task in neither the first scope nor any
    change) is reported once, at the element, with the condition in words."""
    if isinstance(item, dict | list):
        return [_at_element(f, item, path) if f.path is None and f.code == "not" else f
                for f in found]
    codes = {f.code for f in found}
    if codes <= _LIST_LEVEL and codes != {"some"}:
        key = tuple([f.path for f in found])
        where = _WHERE.get(key)
        if where is None:  # the same few list-level fields for every element: named once
            where = list(dict.fromkeys(format_path(p) for p in key if p))
            if len(_WHERE) >= 1024:
                _WHERE.clear()
            _WHERE[key] = where
        # the list is shared by the elements' leaves (frozen values: never changed)
        return [Failure(path, "every_item", item, where or dict(text), None)]
    return [Failure(path, "some_for", item, f.expected, f.against) if f.code == "some"
            else _at_element(f, item, path) if f.path is None and f.code == "not" else f
            for f in found]


def _at_element(failure: Failure, item: Any, path: Path) -> Failure:
    """A ``not`` that held for the element, said of the element: its leaf names no field
    (``not`` reads nothing of its own), so every element failing it looked alike — in the
    message, and as a failing element of a baseline or diff, where a second category named
    after customer data was taken for the first (a new failure looked known)."""
    return Failure(path, "not_for", item, failure.expected, failure.against)


_MISSES, _REST = 16, 1024  # see ``missed`` in the detailed loop of _quantifier

_SLOTS: dict[Path, PerJudgment] = {}  # the buckets of a field, shared by its indexes


class _Index:
    """A field of a list's elements as a lookup, built once per list: for each canonical value of
    ``field``, the positions holding it. ``lookup`` answers ``some x in L: x.field == v`` (True
    or False); ``pick`` gives the positions where ``where: x.field == v`` holds, in list order,
    so a join of n ids against n records costs n, not n². Either answers None (judge element
    by element, as without the index) when ``L`` is not a list, an element lacks the field or
    holds null there, or a value is not plain data: the index never changes a result, only
    its cost."""

    __slots__ = ("built", "probe")

    def __init__(self, probe: Any) -> None:
        self.probe = probe
        # the buckets of each list of the profile being judged (see PerJudgment), shared by
        # every index of the same field (the buckets depend on the list and the field alone:
        # rules joining ids on the same list build them once per profile)
        self.built = (_SLOTS.setdefault(probe.keys, PerJudgment()) if len(_SLOTS) < 1024
                      else PerJudgment())

    def _build(self, container: list[Any]) -> dict[Any, list[int]] | None:
        buckets: dict[Any, list[int]] = {}
        for index, item in enumerate(container):
            value = item
            for key in self.probe.keys:
                try:
                    value = value[key]
                except (KeyError, IndexError, TypeError):
                    return None
            if value is None:
                return None
            buckets.setdefault(canonical(value), []).append(index)
        return buckets

    def _of(self, container: Any, ctx: Ctx) -> dict[Any, list[int]] | None:
        """The buckets of ``container``, a list of the profile ``ctx`` judges (built once
        for it), or None."""
        if not isinstance(container, list):
            return None
        buckets: dict[Any, list[int]] | None = self.built.get(ctx, container, self._built)
        return buckets

    def _built(self, container: list[Any]) -> dict[Any, list[int]] | None:
        try:
            return self._build(container)
        except TypeError:
            return None

    def lookup(self, container: Any, ctx: Ctx) -> bool | None:
        buckets = self._of(container, ctx)
        if buckets is None:
            return None
        try:
            return canonical(self.probe.value(ctx)) in buckets
        except (EvalError, TypeError):
            return None

    def pick(self, container: Any, ctx: Ctx) -> list[int] | None:
        buckets = self._of(container, ctx)
        if buckets is None:
            return None
        try:
            return buckets.get(canonical(self.probe.value(ctx)), [])
        except (EvalError, TypeError):
            return None


def _on_element(compiled: Any, var: str, key_var: str | None) -> tuple[Any, bool] | None:
    """A condition's yes/no on an element itself (or on its key, the flag): when it reads
    one bound variable alone and that is this quantifier's own."""
    if compiled is None or compiled.unary is None:
        return None
    bound, on_item = compiled.unary
    if bound == var:
        return on_item, False
    if key_var is not None and bound == key_var:
        return on_item, True
    return None


def _stage_on(compiled: Any, var: str, key_var: str | None) -> tuple[Any, bool] | None:
    """As :func:`_on_element`, for a condition that also reads the profile (``staged``):
    its stage, and whether it reads the key."""
    if compiled is None or compiled.unary is not None or compiled.staged is None:
        return None
    bound, stage = compiled.staged
    if bound == var:
        return stage, False
    if key_var is not None and bound == key_var:
        return stage, True
    return None


def _staged_now(stage: tuple[Any, bool] | None, ctx: Ctx) -> tuple[Any, bool] | None:
    """A staged condition made ready for this profile, or None when it cannot say."""
    if stage is None:
        return None
    try:
        return stage[0](ctx), stage[1]
    except Exception:
        return None


def _quick(on_element: tuple[Any, bool] | None, holds: Any, ctx: Ctx, item: Any,
           key: Any) -> bool | None:
    """A fast check's answer for one element (True, False), or None when it cannot say."""
    try:
        if on_element is not None:
            return bool(on_element[0](key if on_element[1] else item))
        return bool(holds(ctx))
    except Exception:
        return None


class _Fast:
    """The yes/no of a quantifier (see ``Compiled.holds``): the same elements in the same
    order as the detailed check, and no failure leaf built. ``some`` stops at a match;
    ``every`` and ``none`` hand a failing element to the detailed check (which goes on to
    the next elements, where one it cannot judge makes the rule an error). A ``check`` and
    ``where`` that
    read only the element (see ``Compiled.unary``) are called on it directly; otherwise the
    element is bound (without its path, which no yes/no needs)."""

    __slots__ = ("buckets", "check", "check_on", "check_stage", "contained", "fetch", "fused",
                 "if_empty", "index", "join", "joined", "key_var", "name", "var", "where",
                 "where_detail", "where_on", "where_stage", "whole")

    def __init__(self, name: str, fetch: Any, var: str, key_var: str | None,
                 if_empty: str | None, check: Any, where: Any, index: _Index | None,
                 buckets: _Index | None) -> None:
        self.name, self.fetch, self.var, self.key_var = name, fetch, var, key_var
        self.if_empty, self.index, self.buckets = if_empty, index, buckets
        self.check, self.where = check.holds, where.holds if where is not None else None
        self.check_on = _on_element(check, var, key_var)
        self.where_on = _on_element(where, var, key_var)
        self.check_stage = _stage_on(check, var, key_var)
        self.where_stage = _stage_on(where, var, key_var)
        # over a mapping: a field of each entry equals a text, for the entries whose key is
        # (not) one of some texts: tested inline (see ``Compiled.shape``)
        self.fused = None
        shape, where_shape = check.shape, where.shape if where is not None else None
        if (shape is not None and shape[0] == "text" and shape[1] == var
                and (where is None or (where_shape is not None and where_shape[0] == "member"
                                       and key_var is not None and where_shape[1] == key_var))):
            self.fused = (*shape[2:], *(where_shape[2:] if where_shape is not None
                                        else (None, True, None)))
        # every element of a list is in another list of the profile: one loop, no call per
        # element (an element that is not: see ``_all_contained``)
        # every element of a list passes a check on the element itself that can read the
        # whole list at once (see ``Compiled.shape``)
        self.whole = None
        if (name == "every" and where is None and key_var is None and shape is not None
                and shape[0] == "whole" and shape[1] == var):
            self.whole = shape[2]
        self.contained = None
        if (name == "every" and where is None and index is None and shape is not None
                and shape[0] == "contained" and shape[1] == var):
            self.contained = shape[2:]
        # some element (passing a ``where`` on the element alone) has a list holding an outer
        # variable's value: the union of those lists, made once per list and judgment, is
        # asked instead (n outer values against n elements cost n, not n²)
        self.join = None
        self.joined = PerJudgment()
        self.where_detail = where.test if where is not None else None
        if (name == "some" and where is not None and key_var is None and shape is not None
                and shape[0] == "holds" and shape[1] == var and shape[2] is not None
                and (self.where_on is not None or self.where_stage is not None)):
            self.join = (shape[2], shape[3])

    def _all_contained(self, ctx: Ctx, container: list[Any]) -> bool | None:
        """:meth:`holds` for the ``contained`` shape: True, raises (an element is not in
        the list: ``every`` fails, or the rest of the check decides: in detail), or None
        (the list cannot be read so: ask the whole check)."""
        members_now, rest = self.contained  # type: ignore[misc]
        try:
            members = members_now(ctx)
        except Exception:
            return None
        texts = members.texts
        if len(container) > 16:  # a long list of texts, at C speed: only a text equals one
            try:
                if texts.issuperset(container):
                    return True
            except TypeError:  # an item that cannot be hashed (a mapping, a list): below
                pass
        for item in container:  # one that is not in the list (or not a text): which
            if type(item) is str:
                if item in texts:
                    continue
            elif item is not None and canonical(item) in members.keys:
                continue
            if rest == "staged":  # the other parts are staged: they answer, element by element
                return None
            raise FALLBACK
        if not container and self.if_empty is not None:
            return self.if_empty == "pass"
        return True

    def _union(self, ctx: Ctx, container: list[Any]
               ) -> tuple[set[Any], set[Any], int, int] | None:
        """The texts and canonical members of the lists of the elements ``where`` keeps, how
        many it keeps and the first one's position; None when one cannot be read so (the
        loop decides then)."""
        if self.where_on is not None:
            keep = self.where_on[0]
        else:
            staged = _staged_now(self.where_stage, ctx)
            if staged is None:
                return None
            keep = staged[0]
        walk = self.join[0]  # type: ignore[index]
        texts: set[Any] = set()
        keys: set[Any] = set()
        kept, first = 0, -1
        try:
            for position, item in enumerate(container):
                try:
                    keeps = bool(keep(item))
                except Unstaged:  # the where also reads another variable: no join
                    return None
                except Exception:  # the stage cannot say: the where itself, bound, decides
                    found = self._where_bound(ctx, item)
                    if found is None:
                        return None
                    keeps = found
                if not keeps:
                    continue
                kept += 1
                if first < 0:
                    first = position
                members = walk(item)
                if type(members) is not list:
                    return None
                found_members = _Members(members)  # as ``contains`` reads its list
                keys |= found_members.keys
                texts |= found_members.texts
        except Exception:
            return None
        return texts, keys, kept, first

    def _where_bound(self, ctx: Ctx, item: Any) -> bool | None:
        """The detailed ``where`` on ``item`` bound: whether it keeps it, or None (an error:
        the loop reports it)."""
        previous = ctx.vars.get(self.var)
        ctx.vars[self.var] = (item, ())
        try:
            return not self.where_detail(ctx)  # type: ignore[misc]
        except Exception:
            return None
        finally:
            if previous is None:
                ctx.vars.pop(self.var, None)
            else:
                ctx.vars[self.var] = previous

    def joined_summary(self, ctx: Ctx, container: list[Any]
                       ) -> tuple[bool, int, int] | None:
        """For the ``join`` shape: (some kept element's list holds the outer value, how many
        elements ``where`` keeps, the first one's position), or None (the loop decides)."""
        union = self._union_of(ctx, container)
        if union is None:
            return None
        texts, keys, kept, first = union
        try:
            wanted = self.join[1](ctx)  # type: ignore[index]
            hit = wanted in texts if type(wanted) is str else canonical(wanted) in keys
        except Exception:
            return None
        return hit, kept, first

    def _union_of(self, ctx: Ctx, container: list[Any]
                  ) -> tuple[set[Any], set[Any], int, int] | None:
        union: tuple[set[Any], set[Any], int, int] | None = self.joined.get(
            ctx, container, lambda items: self._union(ctx, items))
        return union

    def _joined(self, ctx: Ctx, container: list[Any]) -> bool | None:
        """:meth:`holds` for the ``join`` shape, or None (the loop decides)."""
        summary = self.joined_summary(ctx, container)
        if summary is None:
            return None
        hit, kept, _ = summary
        if not kept:  # no element passes ``where``: its if_empty decides
            return None if self.if_empty is None else self.if_empty == "pass"
        return hit

    def holds(self, ctx: Ctx) -> bool:
        container = self.fetch(ctx)
        if self.join is not None and type(container) is list and container:
            joined = self._joined(ctx, container)
            if joined is not None:
                return joined
        if (self.whole is not None and type(container) is list and container
                and self.whole(container)):
            return True
        if self.contained is not None and type(container) is list:
            answer = self._all_contained(ctx, container)
            if answer is not None:
                return answer
        if self.index is not None and container:
            hit = self.index.lookup(container, ctx)
            if hit is not None:
                return hit
        filtered = self.where is not None
        check_on, where_on = self.check_on, self.where_on
        if check_on is None and self.check_stage is not None:  # read the profile once
            check_on = _staged_now(self.check_stage, ctx)
        if filtered and where_on is None and self.where_stage is not None:
            where_on = _staged_now(self.where_stage, ctx)
        if type(container) is list:
            picked = self.buckets.pick(container, ctx) if self.buckets is not None else None
            if picked is not None:  # only the elements the where holds for, in order
                items: Any = [(container[i], i) for i in picked]
                filtered = False
            else:
                items = zip(container, range(len(container)), strict=True)
        elif type(container) is dict:
            if self.fused is not None:
                ok, seen = self._fused_mapping(container)
                if not seen and self.if_empty is not None:
                    return self.if_empty == "pass"
                return ok
            if check_on is not None and (not filtered or where_on is not None):
                try:
                    ok, seen = self._unbound_mapping(container, filtered, check_on, where_on)
                except Unstaged:  # a staged condition left this element to the bound path
                    items = [(item, key) for key, item in container.items()
                             if not key.startswith("x_")]
                    ok, seen = self._bound(ctx, items, filtered)
                if not seen and self.if_empty is not None:
                    return self.if_empty == "pass"
                return ok
            items = [(item, key) for key, item in container.items() if not key.startswith("x_")]
        else:
            raise FALLBACK
        if check_on is not None and (not filtered or where_on is not None):
            try:
                ok, seen = self._unbound(items, filtered, check_on, where_on)
            except Unstaged:  # as above: the same elements again, bound
                if type(items) is zip:
                    items = zip(container, range(len(container)), strict=True)
                ok, seen = self._bound(ctx, items, filtered)
        else:
            ok, seen = self._bound(ctx, items, filtered)
        if not seen and self.if_empty is not None:
            return self.if_empty == "pass"
        return ok

    def _unbound(self, items: Any, filtered: bool, check_on: Any,
                 where_on: Any) -> tuple[bool, int]:
        check, on_key = check_on
        where, where_key = where_on if filtered else (None, False)
        some, stop = self.name == "some", self.name != "every"
        seen = 0
        for item, key in items:
            if where is not None and not where(key if where_key else item):
                continue
            seen += 1
            if check(key if on_key else item) == stop:  # a match, or a failed element
                if some:
                    return True, seen
                raise FALLBACK  # every, none: the detailed check says which and why
        return not some, seen

    def _fused_mapping(self, mapping: dict[Any, Any]) -> tuple[bool, int]:
        """:meth:`_unbound_mapping` for the shape in :attr:`fused`, no call per entry."""
        field, text, slow, texts, positive, on_key = self.fused  # type: ignore[misc]
        some, stop = self.name == "some", self.name != "every"
        seen = 0
        for key, item in mapping.items():
            if key.startswith("x_"):
                continue
            if texts is not None:
                if type(key) is str:
                    if (key in texts) != positive:
                        continue
                elif not on_key(key):
                    continue
            seen += 1
            value = item[field]
            if (value == text if type(value) is str else slow(value)) == stop:
                if some:
                    return True, seen
                raise FALLBACK  # every, none: the detailed check says which and why
        return not some, seen

    def _unbound_mapping(self, mapping: dict[Any, Any], filtered: bool, check_on: Any,
                         where_on: Any) -> tuple[bool, int]:
        """:meth:`_unbound` over a mapping's entries (annotation keys ``x_*`` left out)."""
        check, on_key = check_on
        where, where_key = where_on if filtered else (None, False)
        some, stop = self.name == "some", self.name != "every"
        seen = 0
        for key, item in mapping.items():
            if key.startswith("x_"):
                continue
            if where is not None and not where(key if where_key else item):
                continue
            seen += 1
            if check(key if on_key else item) == stop:
                if some:
                    return True, seen
                raise FALLBACK
        return not some, seen

    def _bound(self, ctx: Ctx, items: Any, filtered: bool) -> tuple[bool, int]:
        check, where = self.check, self.where if filtered else None
        var, key_var = self.var, self.key_var
        some, stop = self.name == "some", self.name != "every"
        seen = 0
        saved = ctx.vars
        bound = ctx.vars = saved.copy()
        try:
            for item, key in items:
                bound[var] = (item, ())
                if key_var:
                    bound[key_var] = (key, ())
                if where is not None and not where(ctx):
                    continue
                seen += 1
                if check(ctx) == stop:
                    if some:
                        return True, seen
                    raise FALLBACK
        finally:
            ctx.vars = saved
        return not some, seen


def _some_staged(fetch: Any, var: str, if_empty: str | None, check: Compiled,
                 where: Compiled | None, index: _Index | None,
                 buckets: _Index | None) -> tuple[str, Any] | None:
    """A ``some`` over a list of the profile that finds its element by a field of another
    bound variable (``some p in providers: p.id == used``, or ``where`` so and a ``check`` on
    ``p`` alone) as a staged check on that variable: the list and its index read once, then
    each value looked up. The same answers as :meth:`_Fast.holds` with the variable bound."""
    if where is None and index is not None and index.probe.other is not None:
        outer, keys = index.probe.other
        walk = walker(keys)

        def stage_lookup(ctx: Ctx) -> Any:
            container = fetch(ctx)
            if type(container) is not list:
                raise FALLBACK
            if not container:  # no element: its if_empty (or no match)
                empty = if_empty == "pass"
                return lambda value: empty
            found = index._of(container, ctx)
            if found is None:
                raise FALLBACK

            def on_value(value: Any) -> bool:
                return canonical(walk(value)) in found
            return on_value
        return outer, stage_lookup
    if (where is not None and buckets is not None and buckets.probe.other is not None
            and check.staged is not None and check.staged[0] == var):
        outer, keys = buckets.probe.other
        walk, check_stage = walker(keys), check.staged[1]

        def stage_pick(ctx: Ctx) -> Any:
            container = fetch(ctx)
            if type(container) is not list:
                raise FALLBACK
            found = buckets._of(container, ctx)
            if found is None:
                raise FALLBACK
            on_item = check_stage(ctx)
            nothing: list[int] = []

            def on_value(value: Any) -> bool:
                picked = found.get(canonical(walk(value)), nothing)
                for i in picked:
                    if on_item(container[i]):
                        return True
                if not picked and if_empty is not None:
                    return if_empty == "pass"
                return False
            return on_value
        return outer, stage_pick
    return None


def _quantifier(name: str) -> Any:
    def compile_(spec: Any, env: Env, sub: SubCompile) -> Compiled:
        require_keys(spec, env, {"in", "check"}, {"as", "key_as", "where", "if_empty"})
        source = compile_path(spec["in"], env)
        if_empty = empty_case(spec, env)
        var = spec.get("as", "item")
        key_var = spec.get("key_as")
        for bound in (var, key_var):
            if bound is None:
                continue
            if not isinstance(bound, str) or bound in RESERVED or not bound.isidentifier():
                raise RuleSyntaxError(f"cannot bind {bound!r}: a variable is a snake_case name "
                                      "that is not a top-level profile key", env.where)
        inner_env = env.at(name).bind(var, source.schema_path + "[]")
        if key_var:
            inner_env = inner_env.bind(key_var, source.schema_path + "{key}")
        where = sub(spec["where"], inner_env.at("where")) if "where" in spec else None
        check = sub(spec["check"], inner_env.at("check"))
        check_test = check.test
        where_test = where.test if where else None
        check_holds, where_holds = check.holds, where.holds if where else None
        check_on, where_on = _on_element(check, var, key_var), _on_element(where, var, key_var)
        probe = check.probe if (name == "some" and where is None and check.probe is not None
                                and check.probe.var == var) else None
        index = _Index(probe) if probe is not None else None
        buckets = _Index(where.probe) if (where is not None and where.probe is not None
                                            and where.probe.var == var and not key_var) else None

        # a list of the profile that is not there: the same error for every element of an
        # outer quantifier asking (some own category of 100,000 without own categories)
        missing: list[Any] = [(None, None)]

        def test(ctx: Ctx) -> list[Failure] | None:
            if source.var is None:
                judging, error = missing[0]
                if judging is ctx:
                    raise error.with_traceback(None)
                try:
                    container = source.get(ctx)
                except EvalError as exc:
                    missing[0] = (ctx, exc)
                    raise
            else:
                container = source.get(ctx)
            if index is not None and container:  # an empty list: its if_empty decides, below
                hit = index.lookup(container, ctx)
                if hit is True:
                    return None
                if hit is False:
                    return [Failure(source.concrete(ctx), "some", None, dict(text), None)]
            base = source.concrete(ctx)
            if fast.join is not None and buckets is None and type(container) is list \
                    and container:
                # a join on lists (see ``_Fast``): the loop's answer without the loop — n
                # outer values against n elements would cost n² here too
                summary = fast.joined_summary(ctx, container)
                if summary is not None:
                    hit, kept, first = summary
                    if hit:
                        return None
                    if not kept and if_empty is not None:
                        return None if if_empty == "pass" else [
                            Failure(base, "empty", None, None, source.text)]
                    if kept == 1 and where_test is not None:  # say what the one lacks
                        saved = ctx.vars.copy()
                        try:
                            ctx.vars[var] = (container[first], (*base, first))
                            return check_test(ctx)
                        finally:
                            ctx.vars = saved
                    if kept:
                        return [Failure(base, "some", None, dict(text), None)]
            # the verdicts on the element itself (unary), or None; not the staged checks,
            # which the detailed check stays independent of (the fast path's only judge)
            check_fn, check_key = check_on or (None, False)
            where_fn, where_key = where_on or (None, False)
            # every element in a list of the profile passes (the ``contained`` shape, see
            # ``_Fast``): the texts of that list, so those elements need no binding
            texts = None
            if fast.contained is not None and type(container) is list:
                try:
                    texts = fast.contained[0](ctx).texts
                except Exception:
                    texts = None
            saved = ctx.vars.copy()
            failures: list[Failure] = []
            matched = False
            seen = 0
            # the bound fast check spares a passing element its details; an element it
            # cannot pass is judged twice (fast, then in detail). After _MISSES such elements
            # in a row the next _REST go straight to the detailed check, which alone decides
            # anyway (the fast check only ever spares work): 200,000 failing categories
            missed = rest = 0
            last: list[Failure] = []
            filtered = where_test
            picked = buckets.pick(container, ctx) if buckets is not None else None
            pairs: Any
            if picked is not None:  # only the elements the where holds for, in order
                pairs = ((container[i], i) for i in picked)
                filtered = None
            else:
                pairs = _pairs(container, base, source.text)
            try:
                for item, key in pairs:
                    # a verdict on the element itself first (``unary``): most elements need
                    # no path, no binding and no detail
                    path = None
                    if filtered is not None:
                        verdict = None
                        if where_fn is not None:
                            try:
                                verdict = bool(where_fn(key if where_key else item))
                            except Exception:
                                verdict = None
                        if verdict is None:
                            path = (*base, key)
                            ctx.vars[var] = (item, path)
                            if key_var:
                                ctx.vars[key_var] = (key, path)
                            verdict = _quick(None, where_holds, ctx, item, key)
                            if verdict is None:
                                ctx.spend()
                                verdict = not filtered(ctx)
                        if not verdict:
                            continue
                    seen += 1
                    if texts is not None and type(item) is str and item in texts:
                        continue
                    verdict = None
                    if check_fn is not None:
                        try:
                            verdict = bool(check_fn(key if check_key else item))
                        except Exception:
                            verdict = None
                    if verdict is None:
                        if path is None:
                            path = (*base, key)
                            ctx.vars[var] = (item, path)
                            if key_var:
                                ctx.vars[key_var] = (key, path)
                        if rest:  # the fast check keeps failing: judge in detail at once
                            rest -= 1
                        else:
                            verdict = _quick(None, check_holds, ctx, item, key)
                            if verdict is True or name == "none":
                                missed = 0
                            else:
                                missed += 1
                                if missed >= _MISSES:
                                    missed, rest = 0, _REST
                    if verdict is True or (verdict is False and name == "none"):
                        # the fast check's yes is the detailed check's no-leaf; its no, for
                        # none, is a leaf none reports nothing of: no detail to build
                        if verdict and name == "none":
                            failures.append(Failure((*base, key), "none", item,
                                                    dict(check.text), None))
                        elif verdict and name == "some":
                            matched = True
                            break
                        continue
                    if path is None:
                        path = (*base, key)
                        ctx.vars[var] = (item, path)
                        if key_var:
                            ctx.vars[key_var] = (key, path)
                    ctx.spend()
                    found = check_test(ctx)
                    if name == "every":
                        if found:
                            failures.extend(_for_element(found, item, path, check.text))
                    elif name == "some":
                        if not found:
                            matched = True
                            break
                        last = found
                    elif not found:  # none
                        failures.append(Failure(path, "none", item, dict(check.text), None))
            finally:
                ctx.vars = saved
            if not seen and if_empty is not None:  # the rule says what "no element" means
                return None if if_empty == "pass" else [Failure(base, "empty", None, None,
                                                                 source.text)]
            if name == "some" and not matched:
                if seen == 1 and where_test is not None:  # the one candidate: say what it lacks
                    return last
                return [Failure(base, "some", None, dict(text), None)]
            return failures or None

        filt = {"en": f" where {where.text['en']}" if where else "",
                "ko": f" 중 {where.text['ko']}인 것" if where else ""}
        words = {"every": ("every item", "모두가"), "some": ("at least one item", "하나 이상이"),
                 "none": ("no item", "어느 항목도")}[name]
        text = {"en": f"for {words[0]} {var} of {source.text}{filt['en']}: {check.text['en']}",
                "ko": f"{source.text}의 항목({var}){filt['ko']} {words[1]}: {check.text['ko']}"
                + (" — 이 조건에 해당하지 않음" if name == "none" else "")}
        text = empty_text(text, if_empty, source.text)
        reads = (source.schema_path, *(where.reads if where else ()), *check.reads)
        fast = _Fast(name, source.fetch, var, key_var, if_empty, check, where, index, buckets)
        staged = None
        if name == "some" and source.var is None and not key_var:
            staged = _some_staged(source.fetch, var, if_empty, check, where, index, buckets)
        return Compiled(test, tuple(dict.fromkeys(reads)), text, holds=fast.holds,
                        staged=staged)

    return compile_


_ARGS = {"type": "object", "required": ["in", "check"], "additionalProperties": False,
         "properties": {"in": {"type": "string"}, "as": {"type": "string", "pattern": _NAME},
                        "key_as": {"type": "string", "pattern": _NAME},
                        "where": {"$ref": "#/$defs/condition"},
                        "if_empty": IF_EMPTY_SCHEMA,
                        "check": {"$ref": "#/$defs/condition"}}}
OPERATORS = {
    "every": Operator("every", "quantifiers", _quantifier("every"),
                      "every element (optionally: every element matching `where`) satisfies `check`",
                      {"in": "providers", "as": "p",
                       "check": {"in": {"path": "p.security_evaluation.result",
                                        "value": ["suitable", "met"]}}}, _ARGS),
    "some": Operator("some", "quantifiers", _quantifier("some"),
                     "at least one element (matching `where`) satisfies `check`",
                     {"in": "providers", "as": "p",
                      "check": {"eq": {"path": "p.id", "value": "microsoft"}}}, _ARGS),
    "none": Operator("none", "quantifiers", _quantifier("none"),
                     "no element (matching `where`) satisfies `check`",
                     {"in": "evidence", "as": "e",
                      "check": {"eq": {"path": "e.title", "value": ""}}}, _ARGS),
}
