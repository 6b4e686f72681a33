"""What the schema nodes that can reach one place of a document ask of the value there, for
validate/prune.py: which of its items or keys may be left out of what jsonschema is given.

The nodes are over-counted (every branch of ``if``, every ``allOf`` part, every
``dependentSchemas`` entry, ``unevaluatedProperties`` for every key), which only keeps more.
A node with a keyword not listed here, or one that quotes or compares its value whole
(``enum``, ``const``, ``anyOf``, ``oneOf``, ``not``, ``contains``, ``prefixItems``,
``unevaluatedItems``, a ``false`` schema, ``items: false``), makes :func:`make_plan` raise
:class:`Frozen`: nothing there or below is cut.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from netsep_check.validate.fast import ANY
from netsep_check.validate.fast_checks import Check

Node = Any  # a schema node: a mapping or a boolean

# Keywords that never look at a list or a mapping, or that look only at its keys.
_INERT = frozenset({
    "$schema", "$id", "$comment", "$defs", "definitions", "title", "description", "default",
    "examples", "deprecated", "readOnly", "writeOnly", "$anchor", "contentMediaType",
    "contentEncoding", "contentSchema", "pattern", "minLength", "maxLength", "format",
    "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf", "required",
    "dependentRequired", "propertyNames"})
_HANDLED = frozenset({"type", "properties", "patternProperties", "additionalProperties",
                      "unevaluatedProperties", "dependentSchemas", "minProperties",
                      "maxProperties", "items", "minItems", "maxItems", "uniqueItems", "$ref",
                      "allOf", "if", "then", "else"})
_SAFE = _INERT | _HANDLED
# A mapping under a node with one of these keeps every key: each counts or reads them all.
# So does one under ``additionalProperties`` holding a schema: jsonschema visits those keys
# in the order of a set of them, which leaving keys out would reshuffle.
_EVERY_KEY = ("unevaluatedProperties", "minProperties", "maxProperties", "propertyNames")
# The keywords that look inside a value: under nodes with none of them nothing can be cut.
_INSIDE = ("properties", "patternProperties", "additionalProperties", "unevaluatedProperties",
           "items")


class Frozen(Exception):
    """Nothing may be cut at this place or below it."""


class Reach(NamedTuple):
    """What reaches the value under one key of a mapping."""

    nodes: tuple[Node, ...]  # the schema nodes
    refused: bool  # a node refuses the key itself (``additionalProperties: false``)
    checks: tuple[Check, ...]  # the nodes' compiled checks, less those that pass anything


@dataclass
class Plan:
    """What the schema nodes reaching one place ask of the value there."""

    nodes: tuple[dict[str, Any], ...]
    check_of: Callable[[Node], Check]  # a node's compiled check (validate/fast.py)
    types: list[set[str]] = field(default_factory=list)
    min_props: int = 0
    max_props: int | None = None
    items: tuple[Node, ...] = ()  # the ``items`` schemas, each once
    unique: bool = False
    min_items: int = 0
    max_items: int | None = None
    patterns: list[tuple[Callable[[str], object], dict[str, Any], Node]] = field(
        default_factory=list)
    named: set[str] = field(default_factory=set)  # keys a node names: never left out
    properties: set[str] = field(default_factory=set)  # the keys of every ``properties``
    every_key: bool = False  # a node counts or reads every key: no key is left out
    inert: bool = False  # no node looks inside the value (an x_ note's {}): nothing to cut
    open: bool = False  # a key no ``properties`` names can reach a node that looks inside
    reached: dict[str, Reach] = field(default_factory=dict)
    by_patterns: dict[tuple[int, ...], Reach] = field(default_factory=dict)

    def fits(self, value: Any) -> bool:
        """No node's ``type``, ``minProperties`` or ``maxProperties`` fails (each quotes the
        value)."""
        kind = "object" if isinstance(value, dict) else "array"
        if any(kind not in kinds for kinds in self.types):
            return False
        if isinstance(value, dict):
            return len(value) >= self.min_props and (
                self.max_props is None or len(value) <= self.max_props)
        return True

    def reach(self, key: str) -> Reach:
        """The schema nodes that can reach the value under ``key``, as jsonschema picks them
        (``properties``, every matching ``patternProperties``, else ``additionalProperties``;
        ``unevaluatedProperties`` always). For ``unevaluatedProperties`` jsonschema also asks
        whether a named or matched key's value passes ``additionalProperties``, but the answer
        cannot change anything: such a key counts as evaluated either way. Known per named
        key, and for any other key per the patterns it matches (600,000 notes: a search
        each)."""
        known = self.reached.get(key)
        if known is not None:
            return known
        matched: tuple[int, ...] = ()
        for index, (search, _, _) in enumerate(self.patterns):
            if search(key):
                matched += (index,)
        if key in self.properties:
            self.reached[key] = self._reach(key, matched)
            return self.reached[key]
        if matched not in self.by_patterns:
            self.by_patterns[matched] = self._reach(key, matched)
        return self.by_patterns[matched]

    def _reach(self, key: str, matched: tuple[int, ...]) -> Reach:
        found: list[Node] = []
        refused = False
        for node in self.nodes:
            properties = node.get("properties", {})
            if key in properties:
                found.append(properties[key])
            mine = [self.patterns[index] for index in matched if self.patterns[index][1] is node]
            found.extend(sub for _, _, sub in mine)
            extra = node.get("additionalProperties", True)
            additional = key not in properties and not mine
            refused = refused or (additional and extra is False)
            if additional and not isinstance(extra, bool):  # false (or true) gives no
                found.append(extra)  # error inside the value
            rest = node.get("unevaluatedProperties", True)
            if not isinstance(rest, bool):
                found.append(rest)
        checks = tuple(check for check in map(self.check_of, found) if check is not ANY)
        return Reach(tuple(found), refused, checks)


def _expand(nodes: tuple[Node, ...], resolve: Callable[[str], Node]
            ) -> tuple[dict[str, Any], ...]:
    """The nodes and every node applied in place through them ($ref, allOf, if/then/else,
    dependentSchemas), each once."""
    found: dict[int, dict[str, Any]] = {}
    stack = list(nodes)
    while stack:
        node = stack.pop()
        if node is True:
            continue
        if not isinstance(node, dict):
            raise Frozen  # false: its error quotes the value
        if id(node) in found:
            continue
        found[id(node)] = node
        if "$ref" in node:
            stack.append(resolve(node["$ref"]))
        stack.extend(node.get("allOf", ()))
        stack.extend(node[word] for word in ("if", "then", "else") if word in node)
        stack.extend(node.get("dependentSchemas", {}).values())
    return tuple(found.values())


def _least(bound: int | None, node: dict[str, Any], word: str) -> int | None:
    return bound if word not in node else node[word] if bound is None else min(bound, node[word])


def make_plan(nodes: tuple[Node, ...], resolve: Callable[[str], Node],
              check_of: Callable[[Node], Check]) -> Plan:
    """The plan of the nodes reaching one place; :class:`Frozen` where nothing may be cut."""
    plan = Plan(_expand(nodes, resolve), check_of)
    items: dict[int, Node] = {}
    for node in plan.nodes:
        if not _SAFE.issuperset(node) or node.get("items", True) is False:
            raise Frozen
        if "type" in node:
            kinds = node["type"] if isinstance(node["type"], list) else [node["type"]]
            plan.types.append(set(kinds))
        plan.min_props = max(plan.min_props, node.get("minProperties", 0))
        plan.max_props = _least(plan.max_props, node, "maxProperties")
        if node.get("items", True) is not True:
            items[id(node["items"])] = node["items"]
        plan.unique = plan.unique or node.get("uniqueItems") is True
        plan.min_items = max(plan.min_items, node.get("minItems", 0))
        plan.max_items = _least(plan.max_items, node, "maxItems")
        for pattern, sub in node.get("patternProperties", {}).items():
            plan.patterns.append((re.compile(pattern).search, node, sub))
        plan.every_key = plan.every_key or any(word in node for word in _EVERY_KEY) or (
            not isinstance(node.get("additionalProperties", True), bool))
        plan.properties.update(node.get("properties", {}))
        plan.named.update(node.get("properties", {}), node.get("required", ()),
                          node.get("dependentSchemas", {}))
        for key, wanted in node.get("dependentRequired", {}).items():
            plan.named.update((key, *wanted))
    plan.items = tuple(items.values())
    plan.inert = not any(word in node for node in plan.nodes for word in _INSIDE)
    others = [sub for _, _, sub in plan.patterns] + [
        node[word] for node in plan.nodes for word in ("additionalProperties",
                                                       "unevaluatedProperties") if word in node]
    plan.open = not all(_inert(sub, resolve) for sub in others)
    return plan


def _inert(node: Node, resolve: Callable[[str], Node]) -> bool:
    """Nothing under ``node`` can be cut: no node it applies looks inside a value."""
    try:
        nodes = _expand((node,), resolve)
    except Frozen:
        return True  # false: its value is never cut
    return not any(word in each for each in nodes for word in _INSIDE)
