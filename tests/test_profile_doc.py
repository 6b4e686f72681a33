"""docs/profile.md is the contract: its field reference lists exactly the fields of the schema."""

from __future__ import annotations

import re
from typing import Any

from netsep_check.validate import profile_schema
from tests.conftest import ROOT

_COMMON = {"status", "evidence", "note"}  # every control's own fields, documented once


def _deref(schema: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    for _ in range(10):
        if "$ref" not in node:
            return node
        target: Any = schema
        for part in node["$ref"].lstrip("#/").split("/"):
            target = target[part]
        rest = {k: v for k, v in node.items() if k != "$ref"}
        node = {**target, **rest,
                "properties": {**target.get("properties", {}), **rest.get("properties", {})}}
    return node


def schema_fields(schema: dict[str, Any]) -> set[str]:
    found: set[str] = set()

    def walk(node: dict[str, Any], path: str) -> None:
        node = _deref(schema, node)
        if "items" in node:
            items = _deref(schema, node["items"])
            for key, child in items.get("properties", {}).items():
                found.add(f"{path}[].{key}")
                walk(child, f"{path}[].{key}")
            return
        props = node.get("properties", {})
        control = {"status", "evidence"} <= set(props) and path.startswith(
            ("security_measures.", "governance."))
        for key, child in props.items():
            if control and key in _COMMON:
                continue
            sub = f"{path}.{key}" if path else key
            found.add(sub)
            walk(child, sub)

    walk(schema, "")
    return found


def test_profile_doc_lists_every_schema_field_and_no_other():
    page = (ROOT / "docs" / "profile.md").read_text(encoding="utf-8")
    table = page.split("## Field reference", 1)[1]
    documented = set(re.findall(r"^\| `([^`]+)` \|", table, re.M))
    fields = schema_fields(profile_schema())
    assert fields - documented == set(), "fields missing from docs/profile.md"
    assert documented - fields == set(), "docs/profile.md names fields the schema lacks"
    assert len(fields) > 100


def test_profile_doc_explains_every_added_field_in_prose():
    page = (ROOT / "docs" / "profile.md").read_text(encoding="utf-8")
    prose = page.split("## Field reference", 1)[0]
    for name in ("scope_changes", "decided_on", "adds", "conditions", "started_on", "products",
                 "measures_plan", "approved_by", "generative_ai", "mobile_access",
                 "pseudonymised_data", "extension", "own_data_categories"):
        assert name in prose, name


def test_readme_links_the_contract_inside_the_repository():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "docs/profile.md" in readme and "shared/spec" not in readme
