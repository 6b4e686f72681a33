"""When the fast check says no: give jsonschema only the parts of a document that can fail.

jsonschema walks every item of a list to find the one bad item among 700,000 good ones (some
28 µs an item: 20 s), and every key of a mapping of 600,000 notes to find the one unknown key.
Before it is asked for the error list, each long list is cut here to the items whose compiled
check (validate/fast.py) fails, and each wide mapping to the keys that are named, refused or
hold a value that may fail; the paths of the errors are then mapped back to the indices of the
whole lists. The error list is the one jsonschema gives for the whole document: the same
errors, saying the same, in the same order. A list or mapping is cut only where that is sure:

* an item or key left out is one whose value every schema that can reach it passes (the
  compiled check never passes what jsonschema fails), so it had no error to give; a key that
  a node names (``properties``, ``required``, ``dependent*``) or refuses is always kept;
* the keywords that judge a list whole keep their verdict: ``minItems`` and ``maxItems`` by
  keeping as many leading items as they need, ``uniqueItems`` by keeping one repeated pair
  (and the items of a unique list are never cut inside: cutting could make two equal); a
  mapping under ``minProperties``, ``maxProperties``, ``propertyNames``,
  ``unevaluatedProperties`` or an ``additionalProperties`` schema keeps every key;
* nothing that quotes a value or compares it whole sees a cut one (validate/prune_plan.py).

Any surprise (a keyword, a type, a recursion) leaves the document whole: today's behaviour.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from netsep_check.validate.fast import Compiler
from netsep_check.validate.fast_checks import Unsupported
from netsep_check.validate.prune_plan import Frozen, Node, Plan, make_plan
from netsep_check.values import canonical

PRUNE_FROM = 64  # a list or mapping shorter than this goes whole (cutting would save little)

Path = tuple[Any, ...]


@dataclass
class Pruned:
    """A cut copy of a document, and for each cut list (by its path in the copy) the indices
    in the whole list of the items it kept."""

    data: Any
    kept: dict[Path, list[int]]

    def original(self, path: Path) -> Path:
        """A path in the copy as the path in the whole document."""
        if not self.kept:
            return path
        out: list[Any] = []
        for depth, part in enumerate(path):
            kept = self.kept.get(path[:depth]) if type(part) is int else None
            out.append(kept[part] if kept is not None else part)
        return tuple(out)


class _Pruner:
    def __init__(self, compiler: Compiler, prune_from: int, enough: int) -> None:
        self.compiler = compiler
        self.prune_from = prune_from
        self.enough = enough
        self.plans: dict[tuple[int, ...], Plan | None] = {}
        self.kept: dict[Path, list[int]] = {}

    def plan(self, nodes: tuple[Node, ...]) -> Plan | None:
        """The plan of these nodes, None where nothing may be cut (cached: few sets recur)."""
        key = tuple(map(id, nodes))
        if key not in self.plans:
            try:
                self.plans[key] = make_plan(nodes, self.compiler.resolve, self.compiler.check)
            except Frozen:
                self.plans[key] = None
        return self.plans[key]

    def walk(self, value: Any, nodes: tuple[Node, ...], at: Path) -> Any:
        """``value`` with its long lists cut, or ``value`` itself where nothing was cut."""
        plan = self.plan(nodes)
        if plan is None or plan.inert or not plan.fits(value):
            return value
        if isinstance(value, dict):
            return self._mapping(value, plan, at)
        return self._list(value, plan, at)

    def _mapping(self, value: dict[str, Any], plan: Plan, at: Path) -> dict[str, Any]:
        """The mapping with the keys that cannot fail left out, if it is wide and no node
        counts its keys, and each value cut in turn."""
        copy: dict[str, Any] | None = None
        if len(value) >= self.prune_from and not plan.every_key:
            kept = self._keys(value, plan)
            if kept is not None:
                copy = {key: value[key] for key in kept}  # in the same order
        source = value if copy is None else copy
        # only the named keys, where no other key can reach a node that looks inside (an
        # area's 600,000 x_ notes: one search each in _keys, none here)
        for key in source if plan.open else [key for key in plan.properties if key in source]:
            child = source[key]
            if not child or not isinstance(child, list | dict):
                continue  # nothing to cut in a text, a number or an empty list
            nodes = plan.reach(key).nodes
            if not nodes:
                continue
            cut = self.walk(child, nodes, (*at, key))
            if cut is not child:
                if copy is None:
                    copy = dict(value)  # the same keys in the same order
                copy[key] = cut
        return value if copy is None else copy

    def _keys(self, value: dict[str, Any], plan: Plan) -> list[str] | None:
        """The keys to keep, in order: each a node names, refuses or whose value may fail a
        node reaching it; after ``enough`` of those, every key (as for items). None: all."""
        kept: list[str] = []
        failing = 0
        reach = plan.reach
        for index, (key, child) in enumerate(value.items()):
            _, refused, checks = reach(key)
            if refused or (checks and not all(check(child) for check in checks)):
                failing += 1
                if failing >= self.enough:
                    kept.extend(list(value)[index:])
                    break
            elif key not in plan.named:
                continue
            kept.append(key)
        return kept if len(kept) < len(value) else None

    def _list(self, value: list[Any], plan: Plan, at: Path) -> list[Any]:
        """The list cut to the items that can fail, if it is long, and each item cut in turn
        (unless the list must be unique)."""
        if not plan.items:
            return value  # no item is looked at
        kept = self._kept(value, plan) if len(value) >= self.prune_from else None
        if kept is not None:
            self.kept[at] = kept
            value = [value[i] for i in kept]
        if plan.unique:  # equal items must stay equal, distinct ones distinct: uncut inside
            return value
        copy: list[Any] | None = None
        for index, item in enumerate(value):
            if not item or not isinstance(item, list | dict):
                continue
            cut = self.walk(item, plan.items, (*at, index))
            if cut is not item:
                if copy is None:
                    copy = list(value)
                copy[index] = cut
        return value if copy is None else copy

    def _kept(self, value: list[Any], plan: Plan) -> list[int] | None:
        """The indices of the items to keep, in order; None to keep the list whole (where
        cutting would leave it whole anyway, or is in doubt)."""
        count = len(value)
        failing: set[int] = set()
        end = count  # every item from here on is kept
        for node in plan.items:
            found, stop = _failing(value, self.compiler.check(node), self._column(node),
                                   self.enough)
            failing.update(found)
            end = min(end, stop)
        failing.update(range(min(count, plan.min_items)))
        if plan.max_items is not None and count > plan.max_items:
            failing.update(range(plan.max_items + 1))
        head = sorted(index for index in failing if index < end)
        if len(head) + count - end >= count:
            return None
        if plan.unique:  # only now: a million items that are not text each take a canonical
            try:
                pair = _first_repetition(value)
            except (TypeError, RecursionError):  # not plain data: jsonschema's own pairwise
                return None
            head = sorted({*head, *(index for index in pair if index < end)})
        return head + list(range(end, count))

    def _column(self, node: Node) -> Callable[[list[Any]], bool]:
        column = self.compiler.column_of(node)
        return column if column is not None else _never


def _never(column: list[Any]) -> bool:
    return False


_SHORT = 64  # a stretch of items this short is checked item by item


def _failing(value: list[Any], check: Callable[[Any], bool],
             column: Callable[[list[Any]], bool], enough: int) -> tuple[list[int], int]:
    """The indices of the items ``check`` fails (a RecursionError counts as failing), in
    order, up to the ``enough``-th; and the index up to which they were looked for (the rest
    is kept whole: a million invalid items are not each checked to be cut down to a million).

    A long stretch is first given to the column check, which proves all of it valid at C
    speed; one it cannot prove is halved: one bad item among 700,000 costs two passes at C
    speed and 64 checks, not 700,000 checks."""
    found: list[int] = []
    stack = [(0, len(value))]
    while stack:
        low, high = stack.pop()
        if high - low > _SHORT and column is not _never:
            if column(value[low:high]):
                continue
            middle = (low + high) // 2
            stack += [(middle, high), (low, middle)]  # the lower half first: in order
            continue
        for index in range(low, high):
            try:
                good = check(value[index])
            except RecursionError:
                good = False
            if not good:
                found.append(index)
                if len(found) >= enough:
                    return found, index + 1
    return found, len(value)


def _first_repetition(value: list[Any]) -> tuple[int, ...]:
    """The indices of the first item equal to an earlier one and of that one, or () for a
    list of distinct items (reading each item, as ``uniqueItems`` does)."""
    texts = set(map(type, value)) <= {str}  # the usual list: texts compare as they are
    if texts and len(set(value)) == len(value):
        return ()
    first: dict[Any, int] = {}
    pair: tuple[int, ...] = ()
    for index, item in enumerate(value):
        earlier = first.setdefault(item if texts else canonical(item), index)
        if earlier != index and not pair:
            pair = (earlier, index)
    return pair


def prune(compiler: Compiler, data: Any, enough: int, prune_from: int | None = None) -> Pruned:
    """``data`` with its long lists and wide mappings cut to the parts that can fail (see the
    module's text); ``data`` itself, uncut, where anything is in doubt. From its ``enough``-th
    failing item or key on, the rest of a list or mapping is kept whole (cheaper, as exact:
    the caller reads no more errors than that)."""
    pruner = _Pruner(compiler, PRUNE_FROM if prune_from is None else prune_from, enough)
    try:
        cut = pruner.walk(data, (compiler.root,), ()) if isinstance(data, list | dict) \
            else data
    except (Unsupported, TypeError, ValueError, KeyError, RecursionError, re.error):
        return Pruned(data, {})
    return Pruned(cut, pruner.kept)
