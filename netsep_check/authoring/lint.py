"""``policy lint``: everything that can be wrong with rules before any profile is judged.

Loading a pack already enforces the rule schema, unique ids, known operators and parameters.
Lint adds what loading cannot know: every field path a rule reads must exist in the profile
schema (a typo is an error naming rule, file and line — never a rule that silently never
fires), and every ``basis.source`` id must be a source the pack lists.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Collection
from typing import Any

from netsep_check.errors import Problem
from netsep_check.rules import Pack
from netsep_check.validate import profile_schema

_PART = re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)((?:\[\])*)(\{key\})?$")


class SchemaWalker:
    """Follows schema-style paths (``providers[].id``) through the profile JSON Schema."""

    def __init__(self, schema: dict[str, Any]) -> None:
        self.root = schema

    def _target(self, ref: str) -> dict[str, Any]:
        target: Any = self.root
        for part in ref.lstrip("#/").split("/"):
            target = target[part]
        return target

    def branches(self, node: dict[str, Any], depth: int = 0) -> list[dict[str, Any]]:
        """The node and every subschema whose properties also apply to it."""
        if depth > 20:
            return [node]
        out = [node]
        if isinstance(node.get("$ref"), str):
            out.extend(self.branches(self._target(node["$ref"]), depth + 1))
        for key in ("allOf", "anyOf", "oneOf"):
            for sub in node.get(key, []):
                out.extend(self.branches(sub, depth + 1))
        for key in ("then", "else"):
            if isinstance(node.get(key), dict):
                out.extend(self.branches(node[key], depth + 1))
        return out

    def child(self, nodes: list[dict[str, Any]], key: str) -> list[dict[str, Any]]:
        found = []
        for node in nodes:
            for branch in self.branches(node):
                if key in branch.get("properties", {}):
                    found.append(branch["properties"][key])
                for pattern, sub in branch.get("patternProperties", {}).items():
                    if re.search(pattern, key):
                        found.append(sub)
        return found

    def elements(self, nodes: list[dict[str, Any]]) -> list[dict[str, Any]]:
        found = []
        for node in nodes:
            for branch in self.branches(node):
                if isinstance(branch.get("items"), dict):
                    found.append(branch["items"])
                found.extend(branch.get("properties", {}).values())
                if isinstance(branch.get("additionalProperties"), dict):
                    found.append(branch["additionalProperties"])
        return found

    def keys_at(self, nodes: list[dict[str, Any]]) -> list[str]:
        return sorted({k for node in nodes for b in self.branches(node)
                       for k in b.get("properties", {})})

    def resolve(self, schema_path: str) -> list[dict[str, Any]]:
        """The schema nodes at a schema-style path (empty when it does not exist)."""
        nodes = [self.root]
        for part in schema_path.split("."):
            match = _PART.match(part)
            if not match:
                return []
            name, brackets, key = match.groups()
            nodes = self.child(nodes, name)
            for _ in range(brackets.count("[]")):
                nodes = self.elements(nodes)
            if key or not nodes:
                return []
        return nodes

    def may_be_empty(self, schema_path: str) -> bool:
        """Whether the profile schema lets the list (or mapping) at this path be empty."""
        nodes = self.resolve(schema_path)
        if not nodes:
            return False  # an unknown path is reported on its own
        for node in nodes:
            for branch in self.branches(node):
                if isinstance(branch.get("minItems"), int) and branch["minItems"] >= 1:
                    return False
                if branch.get("required") and branch.get("type") == "object":
                    return False
        return True

    def check(self, schema_path: str) -> str | None:
        """None when the path exists; otherwise what is wrong, with a suggestion."""
        nodes = [self.root]
        walked: list[str] = []
        for part in schema_path.split("."):
            match = _PART.match(part)
            if not match:
                return f"malformed path segment {part!r}"
            name, brackets, key = match.groups()
            found = self.child(nodes, name)
            if not found:
                options = self.keys_at(nodes)
                close = difflib.get_close_matches(name, options, n=1)
                where = ".".join(walked) or "the top level"
                hint = f"; did you mean {close[0]!r}?" if close else ""
                return f"{name!r} is not a field of {where}{hint}"
            nodes = found
            for _ in range(brackets.count("[]")):
                nodes = self.elements(nodes)
                if not nodes:
                    return f"{'.'.join([*walked, name])} is not a list or mapping to iterate"
            walked.append(part)
            if key:
                return None
        return None


_QUANTIFIERS = ("every", "some", "none")
_SET_OPS = ("subset", "superset", "disjoint", "intersects")


def _schema_path(text: Any, variables: dict[str, str]) -> str | None:
    """A rule's field path as a schema-style path, with bound variables replaced."""
    if not isinstance(text, str):
        return None
    head, _, rest = text.partition(".")
    name = re.sub(r"\[-?[0-9]+\]", "[]", head)
    if head in variables:
        return variables[head] + ("." + re.sub(r"\[-?[0-9]+\]", "[]", rest) if rest else "")
    return re.sub(r"\[-?[0-9]+\]", "[]", text) if name else None


def unstated_empty_cases(spec: Any, walker: SchemaWalker,
                         variables: dict[str, str] | None = None) -> list[str]:
    """Quantifiers and set checks over a list that may be empty, without ``if_empty``.

    Over an empty list ``every`` and ``subset`` hold vacuously; a rule must say whether that is
    what it means (``if_empty: pass``) or a failure (``if_empty: fail``). A list may be empty
    when the profile schema allows it, and always after a ``where`` filter."""
    variables = variables or {}
    found: list[str] = []
    if isinstance(spec, list):
        for item in spec:
            found.extend(unstated_empty_cases(item, walker, variables))
        return found
    if not isinstance(spec, dict):
        return found
    for name, arg in spec.items():
        if name in _QUANTIFIERS and isinstance(arg, dict):
            path = _schema_path(arg.get("in"), variables)
            if path and "if_empty" not in arg and ("where" in arg or walker.may_be_empty(path)):
                why = "after its where filter" if "where" in arg else "as the schema allows"
                found.append(f"{name} over {arg.get('in')} may meet no element ({why}) and "
                             "states no if_empty (pass or fail)")
            inner = dict(variables)
            if path:
                inner[str(arg.get("as", "item"))] = path + "[]"
                if arg.get("key_as"):
                    inner[str(arg["key_as"])] = path + "{key}"
            for key in ("where", "check"):
                found.extend(unstated_empty_cases(arg.get(key), walker, inner))
        elif name in _SET_OPS and isinstance(arg, dict):
            path = _schema_path(arg.get("path"), variables)
            if path and "if_empty" not in arg and name in ("subset", "disjoint") \
                    and walker.may_be_empty(path):
                found.append(f"{name} on {arg.get('path')}, a list the schema allows to be empty, "
                             "states no if_empty (pass or fail)")
        elif name in ("all", "any", "not"):
            found.extend(unstated_empty_cases(arg, walker, variables))
    return found


def lint_pack(pack: Pack, only: Collection[str] | None = None) -> list[Problem]:
    """Field paths and sources of every rule of a loaded pack (or of the rules in ``only``)."""
    walker = SchemaWalker(profile_schema())
    sources = {source["id"] for source in pack.sources}
    problems: list[Problem] = []
    for rule in pack.rules:
        if only is not None and rule.id not in only:
            continue
        for schema_path in rule.reads:
            wrong = walker.check(schema_path)
            if wrong:
                problems.append(Problem(rule.file, f"rule {rule.id} reads {schema_path}: {wrong}",
                                        rule.line, None, rule.id))
        for part in ("when", "check"):
            for wrong in unstated_empty_cases(rule.spec.get(part), walker):
                problems.append(Problem(rule.file, f"rule {rule.id} {part}: {wrong}", rule.line,
                                        None, rule.id))
        source = rule.basis.get("source", "")
        if " " not in source and source not in sources:
            problems.append(Problem(rule.file, f"rule {rule.id}: basis.source {source!r} is not "
                                    f"a source of pack {pack.id} (known: "
                                    f"{', '.join(sorted(sources)) or 'none'})", rule.line, None,
                                    rule.id))
    return problems

