"""A fast yes/no JSON Schema check, so that a valid document never waits for jsonschema.

jsonschema gives the full, located error list that an invalid input deserves, but importing
it costs more than the rest of a check (attrs, referencing, rpds), and it validates a 5 KB
profile in about 5 ms and a 100,000-entry one in over ten seconds. Most inputs are valid. So
each schema is compiled here, once, into plain closures that answer one question — would
jsonschema find no error? — and only a "no" goes to jsonschema for the error list.

The contract is one-sided: :func:`compile_schema` must never say "valid" where jsonschema
(Draft 2020-12, with the ``date`` format checked, and our linear ``uniqueItems``) would report
an error. Being stricter only costs the slow path. Every keyword is implemented as jsonschema
implements it (``unevaluatedProperties`` follows its ``find_evaluated_property_keys_by_schema``);
a schema using a keyword not listed in ``_KEYWORDS`` is not compiled at all (``None``), and the
tests compare the two on generated documents.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from itertools import compress
from operator import itemgetter
from typing import Any

from netsep_check.validate.fast_checks import (
    COMBINE,
    Check,
    Unsupported,
    among,
    canonical_or_none,
    is_date,
    is_type,
    keys_if,
    longer,
    matches,
    member,
    pattern_search,
    shorter,
    unique,
    valid_keys,
)
from netsep_check.values import canonical

_ANNOTATIONS = {"$schema", "$id", "$comment", "$defs", "definitions", "title", "description",
                "default", "examples", "deprecated", "readOnly", "writeOnly", "$anchor"}
_KEYWORDS = {"type", "enum", "const", "required", "properties", "patternProperties",
             "additionalProperties", "unevaluatedProperties", "items", "$ref", "pattern",
             "minLength", "maxLength", "minItems", "maxItems", "uniqueItems", "minProperties",
             "maxProperties", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum",
             "format", "if", "then", "else", "allOf", "anyOf", "oneOf", "not"}


def _any(v: Any) -> bool:
    return True


ANY: Check = _any  # the check of a schema that holds for every value


class Compiler:
    def __init__(self, root: dict[str, Any]) -> None:
        self.root = root
        self.checks: dict[int, Check] = {}  # id(schema node) → its check
        self.keep: list[Any] = []  # keep compiled nodes alive so their ids stay theirs
        # the column checks of texts: a yes from one says every item is a text
        self._text_columns: set[Callable[[list[Any]], bool]] = set()
        self._columns: dict[int, Callable[[list[Any]], bool] | None] = {}  # column_of's

    def resolve(self, ref: str) -> Any:
        if (ref != "#" and not ref.startswith("#/")) or "%" in ref:
            raise Unsupported(f"$ref {ref!r}")  # anchors, other documents, escapes: jsonschema
        node: Any = self.root
        for part in ref[1:].split("/")[1:] if ref != "#" else []:
            part = part.replace("~1", "/").replace("~0", "~")
            if not isinstance(node, dict) or part not in node:
                raise Unsupported(f"$ref {ref!r} does not resolve")
            node = node[part]
        return node

    def check(self, schema: Any) -> Check:
        """The compiled check of a schema node (built once; references may recurse)."""
        if schema is True:
            return ANY
        if schema is False:
            return lambda v: False
        if not isinstance(schema, dict):
            raise Unsupported("a schema that is not an object or a boolean")
        key = id(schema)
        if key in self.checks:
            return self.checks[key]
        slot: list[Check] = []
        self.checks[key] = lambda v: slot[0](v)  # a forward reference for recursive $refs
        self.keep.append(schema)
        compiled = self._compile(schema)
        slot.append(compiled)
        self.checks[key] = compiled
        return compiled

    def _compile(self, schema: dict[str, Any]) -> Check:
        if "$anchor" in schema or ("$id" in schema and schema is not self.root):
            raise Unsupported("$anchor or an embedded $id")  # they change what $ref resolves to
        unknown = set(schema) - _KEYWORDS - _ANNOTATIONS
        if unknown:
            raise Unsupported(f"keywords {sorted(unknown)}")
        parts: list[Check] = []
        add = parts.append

        text_node = schema.get("type") == "string"  # its type and text keywords: one check
        if text_node:
            add(self._text(schema))
        elif "type" in schema:
            kinds = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
            tests = [is_type(kind) for kind in kinds]
            add(tests[0] if len(tests) == 1 else (lambda v: any(t(v) for t in tests)))
        if "enum" in schema:
            try:
                allowed = frozenset(canonical(e) for e in schema["enum"])
            except TypeError:
                raise Unsupported("enum of unhashable values") from None
            texts = frozenset(e for e in schema["enum"] if type(e) is str)
            add(lambda v: v in texts if type(v) is str else member(v, allowed))
        if "const" in schema:
            wanted = canonical(schema["const"])
            add(lambda v: canonical_or_none(v) == wanted)
        if "$ref" in schema:  # a node still being compiled (recursion) gives its forward check
            add(self.check(self.resolve(schema["$ref"])))
        if not text_node:
            self._strings(schema, add)
        self._arrays(schema, add)
        self._numbers(schema, add)
        self._objects(schema, add)
        self._logic(schema, add)

        if not parts:
            return ANY
        if len(parts) == 1:
            return parts[0]
        parts_t = tuple(parts)

        def every(v: Any) -> bool:  # a loop: all() over a generator costs twice as much
            for part in parts_t:  # noqa: SIM110 - speed, see above
                if not part(v):
                    return False
            return True
        return every

    def _text(self, schema: dict[str, Any]) -> Check:
        """``type: string`` with its pattern, lengths and format, fused (most leaves of a
        profile): what :meth:`_strings` adds, after the type check, in one call."""
        checks: list[Check] = []
        self._strings(schema, checks.append)
        if not checks:
            return lambda v: isinstance(v, str)
        search = pattern_search(schema["pattern"]) if "pattern" in schema else None
        low = schema.get("minLength")
        high = schema.get("maxLength")
        date = "format" in schema  # _strings has refused any format but date

        def text(v: Any) -> bool:
            if not isinstance(v, str):
                return False
            if search is not None and search(v) is None:
                return False
            if low is not None and len(v) < low:
                return False
            if high is not None and len(v) > high:
                return False
            return not date or is_date(v)
        return text

    def _strings(self, schema: dict[str, Any], add: Callable[[Check], None]) -> None:
        if "pattern" in schema:
            search = pattern_search(schema["pattern"])
            add(lambda v: not isinstance(v, str) or search(v) is not None)
        if "minLength" in schema:
            low = schema["minLength"]
            add(lambda v: not isinstance(v, str) or len(v) >= low)
        if "maxLength" in schema:
            high = schema["maxLength"]
            add(lambda v: not isinstance(v, str) or len(v) <= high)
        if "format" in schema:
            if schema["format"] != "date":
                raise Unsupported(f"format {schema['format']!r}")
            add(lambda v: not isinstance(v, str) or is_date(v))

    def _arrays(self, schema: dict[str, Any], add: Callable[[Check], None]) -> None:
        distinct = schema.get("uniqueItems") is True
        if "items" in schema:
            item = self.check(schema["items"])
            whole = self.column(schema["items"])
            texts = whole is not None and whole in self._text_columns

            def items(v: Any) -> bool:
                """Every item valid, and no two equal if ``uniqueItems``: one check, so that
                a list of texts known valid by its column check is not read again for the
                types of its items."""
                if isinstance(v, list):
                    if whole is not None and len(v) > 8 and whole(v):  # at C speed
                        if not distinct:
                            return True
                        return len(set(v)) == len(v) if texts else unique(v)
                    for x in v:
                        if not item(x):
                            return False
                    return not distinct or unique(v)
                return True
            add(items)
        elif distinct:
            add(lambda v: not isinstance(v, list) or unique(v))
        if "minItems" in schema:
            low = schema["minItems"]
            add(lambda v: not isinstance(v, list) or len(v) >= low)
        if "maxItems" in schema:
            high = schema["maxItems"]
            add(lambda v: not isinstance(v, list) or len(v) <= high)

    def _numbers(self, schema: dict[str, Any], add: Callable[[Check], None]) -> None:
        def number(v: Any) -> bool:
            return isinstance(v, int | float) and not isinstance(v, bool)

        if "minimum" in schema:
            low = schema["minimum"]
            add(lambda v: not number(v) or v >= low)
        if "maximum" in schema:
            high = schema["maximum"]
            add(lambda v: not number(v) or v <= high)
        if "exclusiveMinimum" in schema:
            low_x = schema["exclusiveMinimum"]
            add(lambda v: not number(v) or v > low_x)
        if "exclusiveMaximum" in schema:
            high_x = schema["exclusiveMaximum"]
            add(lambda v: not number(v) or v < high_x)

    def _objects(self, schema: dict[str, Any], add: Callable[[Check], None]) -> None:
        if "required" in schema:
            required = frozenset(schema["required"])
            add(lambda v: not isinstance(v, dict) or required <= v.keys())
        if "minProperties" in schema:
            low = schema["minProperties"]
            add(lambda v: not isinstance(v, dict) or len(v) >= low)
        if "maxProperties" in schema:
            high = schema["maxProperties"]
            add(lambda v: not isinstance(v, dict) or len(v) <= high)
        properties = {k: self.check(s) for k, s in schema.get("properties", {}).items()}
        patterns = [(re.compile(p).search, self.check(s))
                    for p, s in schema.get("patternProperties", {}).items()]
        if properties and "additionalProperties" in schema:
            # One pass over the keys: each named key's own check, the others' extra check
            # (unless a pattern covers them) — the two keywords below, fused.
            extra_check = self.check(schema["additionalProperties"])
            joined_patterns = "|".join(schema.get("patternProperties", {}))
            covered = re.compile(joined_patterns).search if joined_patterns else None

            def props_extra(v: Any) -> bool:
                if not isinstance(v, dict):
                    return True
                for key, value in v.items():
                    test = properties.get(key)
                    if test is not None:
                        if not test(value):
                            return False
                    elif (covered is None or covered(key) is None) and not extra_check(value):
                        return False
                return True
            add(props_extra)
        elif properties:
            def props(v: Any) -> bool:
                if not isinstance(v, dict):
                    return True
                for key, value in v.items():
                    test = properties.get(key)
                    if test is not None and not test(value):
                        return False
                return True
            add(props)
        patterns = [(search, test) for search, test in patterns if test is not ANY]
        if patterns:
            def pattern_props(v: Any) -> bool:
                if not isinstance(v, dict):
                    return True
                return all(test(value) for key, value in v.items()
                           for search, test in patterns if search(key))
            add(pattern_props)
        if "additionalProperties" in schema and not properties:
            extra = self.check(schema["additionalProperties"])
            joined = "|".join(schema.get("patternProperties", {}))
            search_any = re.compile(joined).search if joined else None

            def additional(v: Any) -> bool:
                if not isinstance(v, dict):
                    return True
                for key, value in v.items():
                    if key in properties or (search_any is not None and search_any(key)):
                        continue
                    if not extra(value):
                        return False
                return True
            add(additional)
        if "unevaluatedProperties" in schema:
            rest = self.check(schema["unevaluatedProperties"])
            evaluated = self.evaluated(schema)
            always = self.always_evaluated(schema, ())

            def unevaluated(v: Any) -> bool:
                if not isinstance(v, dict):
                    return True
                if always.issuperset(v):
                    return True  # every key is evaluated: nothing is left for ``rest``
                done = evaluated(v)
                return all(rest(value) for key, value in v.items() if key not in done)
            add(unevaluated)

    def _logic(self, schema: dict[str, Any], add: Callable[[Check], None]) -> None:
        for name in ("allOf", "anyOf", "oneOf"):
            if name in schema:
                subs = tuple(self.check(s) for s in schema[name])
                add(COMBINE[name](subs))
        if "not" in schema:
            negated = self.check(schema["not"])
            add(lambda v: not negated(v))
        if "if" in schema:
            condition = self.check(schema["if"])
            then = self.check(schema["then"]) if "then" in schema else None
            otherwise = self.check(schema["else"]) if "else" in schema else None

            def branch(v: Any) -> bool:
                if condition(v):
                    return then is None or then(v)
                return otherwise is None or otherwise(v)
            add(branch)

    # -- whole columns at once ------------------------------------------------------------
    # A long list of strings or of flat records is checked column by column with C-level
    # map/set operations. A column check returning True proves every item valid; False only
    # means "not proven" and the item-by-item check decides.

    def _chain(self, schema: Any) -> list[dict[str, Any]] | None:
        """The schema and the schemas its ``$ref`` chain leads to, or None for a cycle."""
        chain: list[dict[str, Any]] = []
        node = schema
        while isinstance(node, dict):
            if any(node is seen for seen in chain):
                return None
            chain.append(node)
            if "$ref" not in node:
                return chain
            node = self.resolve(node["$ref"])
        return None

    def column(self, schema: Any) -> Callable[[list[Any]], bool] | None:
        """A whole-list check for items under ``schema``, where one can be built."""
        chain = self._chain(schema)
        if chain is None:
            return None
        keywords = set().union(*(set(node) - _ANNOTATIONS - {"$ref"} for node in chain))
        if keywords <= {"type", "pattern", "minLength", "maxLength", "enum", "format"}:
            return self._text_column(chain)
        shaped = [node for node in chain if set(node) - _ANNOTATIONS - {"$ref"}]
        if keywords <= {"type", "properties", "required", "additionalProperties",
                        "patternProperties"} and len(shaped) == 1:
            return self._record_column(shaped[0])
        return None

    def column_of(self, schema: Any) -> Callable[[list[Any]], bool] | None:
        """:meth:`column`, built once per node (validate/prune.py asks for it each time)."""
        if id(schema) not in self._columns:
            self.keep.append(schema)
            self._columns[id(schema)] = self.column(schema)
        return self._columns[id(schema)]

    def _text_column(self, chain: list[dict[str, Any]]) -> Callable[[list[Any]], bool] | None:
        tests: list[Callable[[list[Any]], bool]] = []
        patterns: list[Callable[[list[Any]], bool]] = []
        for node in chain:
            if node.get("type", "string") != "string":
                return None
            if "pattern" in node:
                search = pattern_search(node["pattern"])
                patterns.append(matches(search, node["pattern"]))
                tests.append(patterns[-1])
            if "minLength" in node:
                tests.append(longer(node["minLength"]))
            if "maxLength" in node:
                tests.append(shorter(node["maxLength"]))
            if "enum" in node:
                tests.append(among(frozenset(e for e in node["enum"] if type(e) is str)))
            if "format" in node:
                if node["format"] != "date":
                    return None
                tests.append(lambda col: all(map(is_date, col)))

        # A pattern's test reads every item as text first: a join or a search raises
        # TypeError on any item that is not text, which is then the type check (one pass
        # fewer over a long column); lengths and members are asked only of texts.
        tests.sort(key=lambda test: test not in patterns)
        typed = bool(patterns)

        def text_column(col: list[Any]) -> bool:
            if not col or (not typed and not set(map(type, col)) <= {str}):
                return False
            try:
                for test in tests:  # a loop, not all(): speed
                    if not test(col):
                        return False
            except TypeError:  # an item that is not text
                return False
            return True
        self._text_columns.add(text_column)
        return text_column

    def _record_column(self, node: dict[str, Any]) -> Callable[[list[Any]], bool] | None:
        if node.get("type", "object") != "object" or node.get("additionalProperties") is not \
                False:
            return None
        properties = node.get("properties", {})
        searches = [re.compile(p).search for p in node.get("patternProperties", {})]
        if any(search(name) for search in searches for name in properties):
            return None  # a named key that a pattern covers too: item by item
        named = frozenset(properties)
        required = frozenset(node.get("required", ()))
        columns = []
        for name, sub in properties.items():
            each = self.check(sub)
            whole = self.column(sub)
            columns.append((name, each, whole))

        if not required <= named:
            return None  # a required key that no property names: item by item
        width = len(required)
        take = {name: itemgetter(name) for name in required}

        def record_column(col: list[Any]) -> bool:
            if not take and not set(map(type, col)) <= {dict}:
                return False
            try:  # each required key's values, taken at C speed: a missing one is a KeyError,
                # an item that is not a mapping (a text, a number, a list, null) a TypeError
                taken = {name: list(map(get, col)) for name, get in take.items()}
            except (KeyError, TypeError):
                return False
            # An item with no more keys than the required ones holds exactly those (named):
            # only the wider items (a path, a digest, a note) can hold any other key
            wider = list(compress(col, map(width.__lt__, map(len, col))))
            if wider and not all(map(named.issuperset, wider)):
                return False  # a key not named (x_ notes): item by item
            for name, each, whole in columns:
                values = taken[name] if name in taken else [
                    item[name] for item in wider if name in item]
                if not values:
                    continue
                if whole is not None and whole(values):
                    continue
                if not all(map(each, values)):
                    return False
            return True
        return record_column

    def always_evaluated(self, schema: Any, seen: tuple[int, ...]) -> frozenset[str]:
        """Keys that :meth:`evaluated` counts whenever they are present *and the schema holds*:
        the ``properties`` of the schema, of what its ``$ref`` leads to (followed whatever the
        value) and of its ``allOf`` parts (each holds when the schema holds). A mapping with
        no other key leaves nothing to ``unevaluatedProperties``; if an ``allOf`` part fails,
        so does the schema, through that part's own check."""
        if not isinstance(schema, dict) or id(schema) in seen:
            return frozenset()
        seen = (*seen, id(schema))
        named = schema.get("properties")
        names = set(named) if isinstance(named, dict) else set()
        if "$ref" in schema:
            names |= self.always_evaluated(self.resolve(schema["$ref"]), seen)
        for sub in schema.get("allOf", []) if isinstance(schema.get("allOf"), list) else []:
            names |= self.always_evaluated(sub, seen)
        return frozenset(names)

    def evaluated(self, schema: Any) -> Callable[[dict[str, Any]], set[str]]:
        """The keys jsonschema counts as evaluated for ``unevaluatedProperties``, computed as
        its ``find_evaluated_property_keys_by_schema`` does."""
        if isinstance(schema, bool):
            return lambda v: set()
        if not isinstance(schema, dict):
            raise Unsupported("a schema that is not an object or a boolean")
        if "dependentSchemas" in schema or "$dynamicRef" in schema:
            raise Unsupported("dependentSchemas or $dynamicRef under unevaluatedProperties")
        steps: list[Callable[[dict[str, Any]], Any]] = []
        if "$ref" in schema:
            target = self.resolve(schema["$ref"])
            if target is schema:
                raise Unsupported("a schema referring to itself")
            steps.append(self.evaluated(target))
        named = set(schema.get("properties", {}))
        if named:
            steps.append(lambda v: named & v.keys())
        for name in ("additionalProperties", "unevaluatedProperties"):
            if name in schema:
                steps.append(valid_keys(self.check(schema[name])))
        searches = [re.compile(p).search for p in schema.get("patternProperties", {})]
        if searches:
            steps.append(lambda v: {k for k in v if any(s(k) for s in searches)})
        for name in ("allOf", "oneOf", "anyOf"):
            for sub in schema.get(name, []):
                steps.append(keys_if(self.check(sub), self.evaluated(sub)))
        if "if" in schema:
            condition, if_keys = self.check(schema["if"]), self.evaluated(schema["if"])
            then_keys = self.evaluated(schema["then"]) if "then" in schema else None
            else_keys = self.evaluated(schema["else"]) if "else" in schema else None

            def branch(v: dict[str, Any]) -> set[str]:
                if condition(v):
                    return if_keys(v) | (then_keys(v) if then_keys else set())
                return else_keys(v) if else_keys else set()
            steps.append(branch)

        def keys(v: dict[str, Any]) -> set[str]:
            found: set[str] = set()
            for step in steps:
                found.update(step(v))
            return found
        return keys


def compile_nodes(schema: dict[str, Any]) -> Compiler | None:
    """The schema compiled: its :meth:`Compiler.check` of any node the root reaches is built
    (validate/prune.py asks for the checks of list items). None where only jsonschema can."""
    compiler = Compiler(schema)
    try:
        compiler.check(schema)
    except (Unsupported, re.error, TypeError, KeyError, ValueError, RecursionError):
        return None
    return compiler


def compile_schema(schema: dict[str, Any]) -> Check | None:
    """A function answering "is this instance valid?", or None where only jsonschema can."""
    compiler = compile_nodes(schema)
    return None if compiler is None else compiler.check(schema)
