"""The shape of a parsed JSON document: bounds on depth and size, and repeated keys found by
counting (for texts parsed without a Python call per mapping)."""

from __future__ import annotations

from collections.abc import Iterable
from gc import is_tracked
from itertools import chain
from typing import Any

from netsep_check.errors import InputError
from netsep_check.load.tree import Limits

__all__ = ["_check_shape", "_colons_in_texts", "_no_duplicate_keys"]

_CONTAINERS = frozenset({dict, list})
_LONG = 256  # a list this long has its items' types gathered first (see _containers)


def _check_shape(data: Any, file: str, limits: Limits) -> int:
    """Depth and size bounds for trees that did not come through the YAML builder (the
    same bounds: containers nested at most ``max_depth`` deep, at most ``max_nodes`` values).
    One level at a time, counting by length. Returns the number of key-value pairs in all
    mappings.

    A level is its mappings and its lists, each gathered in one list whatever their
    parents: their children are read at C speed (``map``, ``chain``) and the containers among
    them kept by :func:`_containers`, so there is no Python step per container — a ScubaGear
    file holds thousands of small lists, a large profile 100,000 evidence entries."""
    mappings: list[Any] = [data] if type(data) is dict else []
    lists: list[Any] = [data] if type(data) is list else []
    flat: list[list[Any]] = []
    depth = count = 1
    pairs = 0
    while mappings or lists or flat:
        if depth > limits.max_depth:
            raise InputError.one(file, f"nesting deeper than {limits.max_depth} levels",
                                 code="file.too_deep", limit=limits.max_depth)
        in_mappings = sum(map(len, mappings)) + sum(sum(map(len, group)) for group in flat)
        pairs += in_mappings
        count += in_mappings + sum(map(len, lists))
        if count > limits.max_nodes:
            raise InputError.one(file, f"document holds more than {limits.max_nodes} values",
                                 code="file.too_many_values", limit=limits.max_nodes)
        mappings, lists, flat = _containers(mappings, lists)
        depth += 1
    return pairs


def _containers(mappings: list[Any], lists: list[Any]
                ) -> tuple[list[Any], list[Any], list[list[Any]]]:
    """The mappings and the lists among the values of ``mappings`` and the items of ``lists``,
    and the long lists of flat mappings among those items (mappings whose values hold no
    container: 100,000 evidence entries), apart: their values need no reading, only their
    lengths counting. A long list's types are gathered first, at C speed: a list of texts
    alone (100,000 tasks) or of mappings alone then needs no Python step per item. The rest
    (the values of every mapping, the short lists, the long lists of mixed items) are read
    together, in one comprehension."""
    found_mappings: list[Any] = []
    found_lists: list[Any] = []
    flat: list[list[Any]] = []
    if not lists or max(map(len, lists)) < _LONG:  # no long list: no Python step per list
        return (*_kept(chain(chain.from_iterable(map(dict.values, mappings)),
                             chain.from_iterable(lists)), found_mappings, found_lists), flat)
    mixed = []
    for items in lists:
        if len(items) < _LONG:
            mixed.append(items)
            continue
        types = set(map(type, items))
        if types.isdisjoint(_CONTAINERS):
            continue
        if types == {dict}:
            # CPython tracks a mapping for the collector once a key or a value could hold a
            # reference back (a list, a mapping): one that is not tracked holds neither
            # (gc.is_tracked's documented example), asked without reading its values.
            if not any(map(is_tracked, items)) or _CONTAINERS.isdisjoint(
                    map(type, chain.from_iterable(map(dict.values, items)))):
                flat.append(items)
            else:
                found_mappings += items
        elif types == {list}:
            found_lists += items
        else:
            mixed.append(items)
    return (*_kept(chain(chain.from_iterable(map(dict.values, mappings)),
                         chain.from_iterable(mixed)), found_mappings, found_lists), flat)


def _kept(children: Iterable[Any], mappings: list[Any], lists: list[Any]
          ) -> tuple[list[Any], list[Any]]:
    """``mappings`` and ``lists`` with the mappings and the lists among ``children`` added."""
    containers = [child for child in children if type(child) in _CONTAINERS]
    mappings += [child for child in containers if type(child) is dict]
    lists += [child for child in containers if type(child) is list]
    return mappings, lists


def _colons_in_texts(data: Any) -> int:
    """The colons in every key and every text value of ``data``."""
    if type(data) is str:
        return data.count(":")
    level = [data] if type(data) is dict or type(data) is list else []
    colons = 0
    while level:
        keys = [key for value in level if type(value) is dict for key in value]
        children = [child for value in level
                    for child in (value.values() if type(value) is dict else value)]
        texts = [child for child in children if type(child) is str]
        colons += "".join(keys).count(":") + "".join(texts).count(":")
        level = [child for child in children if type(child) is dict or type(child) is list]
    return colons


def _no_duplicate_keys(text: str, data: Any, pairs: int) -> bool:
    """True if no mapping of ``data``, parsed from the JSON ``text`` without the
    duplicate-key hook, lost a repeated key; ``pairs``: the key-value pairs of its mappings.
    Only for a text in which no escape spells a colon (``\\u003a``): each colon of a parsed
    key or text is then written out between its quotes (other escapes spell other
    characters). Every ":" of such a text either parts a key
    from its value or stands inside a key or a text; a repeated key drops at least one pair
    (its separator) and what the dropped value held, so the parsed pairs plus the colons of
    the parsed keys and texts fall short of the text's colons exactly when a key was
    repeated somewhere. Most profiles hold no colon in any text: one count then settles it."""
    colons = text.count(":")
    return colons == pairs or colons == pairs + _colons_in_texts(data)
