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
        source = rule.basis.get("source", "")
        if " " not in source and source not in sources:
            problems.append(Problem(rule.file, f"rule {rule.id}: basis.source {source!r} is not "
                                    f"a source of pack {pack.id} (known: "
                                    f"{', '.join(sorted(sources)) or 'none'})", rule.line, None,
                                    rule.id))
    return problems

