"""The tenant mapping (policies/tenant-mapping/*.yaml): measured facts → profile controls.

Loaded like a rule file: read with the project's loader, checked against its JSON Schema, then
linted against the profile schema (every control key, field and ``when`` value must exist) and
the importer's known policy ids. Nothing in it is evaluated as code: ``compare`` names one of a
fixed set of comparisons.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cached_property, lru_cache
from operator import methodcaller
from pathlib import Path
from typing import Any

from netsep_check._record import record
from netsep_check.errors import InputError, Problem
from netsep_check.load import Document

CONFIDENCES = ("high", "medium", "low")


@record
class PolicyRow:
    policy: str  # normalised id
    control: str  # area.control (or usage.saas_products)
    confidence: str
    when: tuple[tuple[str, tuple[str, ...]], ...]
    rationale: dict[str, str]
    line: int | None = None

    def applies(self, control: dict[str, Any]) -> bool:
        return all(control.get(field) in values for field, values in self.when)


@record
class SettingRow:
    facts: tuple[str, ...]
    control: str
    field: str | None
    compare: str
    confidence: str
    rationale: dict[str, str]
    line: int | None = None


@record
class ProductRow:
    plans: tuple[str, ...]  # service-plan name patterns; * matches any run of characters
    product: str
    confidence: str

    def matches(self, plan: str) -> bool:
        return _plan_test(self.plans)(plan.upper())

    def matches_any(self, upper: Sequence[str]) -> bool:
        """Whether one of ``upper`` (plan names, upper-cased: ``plan.upper()``) matches."""
        return any(map(_plan_test(self.plans), upper))


_GLOB = frozenset("*?[")


@lru_cache(maxsize=256)
def _plan_test(plans: tuple[str, ...]) -> Any:
    """Whether an upper-cased plan name matches one of ``plans`` (fnmatch patterns, upper-cased):
    a prefix test when every pattern is ``PREFIX*`` — all of the built-in mapping's — else the
    patterns as one regular expression."""
    upper = tuple(p.upper() for p in plans)
    if all(p.endswith("*") and not _GLOB & set(p[:-1]) for p in upper):
        prefixes = tuple(p[:-1] for p in upper)
        return methodcaller("startswith", prefixes)  # name.startswith(prefixes), called in C
    import fnmatch  # only for a pattern other than PREFIX*
    import re

    pattern = re.compile("|".join(fnmatch.translate(p) for p in upper))
    return lambda name: pattern.match(name) is not None


@record
class TenantMapping:
    id: str
    importer: str
    version: str
    title: dict[str, str]
    policies: tuple[PolicyRow, ...]
    settings: tuple[SettingRow, ...]
    products: tuple[ProductRow, ...]
    file: str
    sha256: str

    def rows_for(self, control: str) -> tuple[tuple[PolicyRow, ...], tuple[SettingRow, ...]]:
        return self._by_control.get(control, ((), ()))

    @cached_property
    def _by_control(self) -> dict[str, tuple[tuple[PolicyRow, ...], tuple[SettingRow, ...]]]:
        """Each control's rows, in the mapping's order (found once: a check asks per
        control, and per finding)."""
        policies: dict[str, list[PolicyRow]] = {}
        settings: dict[str, list[SettingRow]] = {}
        for row in self.policies:
            policies.setdefault(row.control, []).append(row)
        for setting in self.settings:
            settings.setdefault(setting.control, []).append(setting)
        return {key: (tuple(policies.get(key, ())), tuple(settings.get(key, ())))
                for key in (*policies, *settings)}

    def controls(self) -> tuple[str, ...]:
        keys = [r.control for r in self.policies] + [r.control for r in self.settings]
        return tuple(dict.fromkeys(keys))


def mapping_root() -> Path:
    from netsep_check.rules.packs import policies_root

    return policies_root() / "tenant-mapping"


@lru_cache(maxsize=1)
def _profile_schema() -> dict[str, Any]:
    from netsep_check.validate.schema_errors import packaged_schema

    return packaged_schema("profile")


def _control_schema(control: str) -> dict[str, Any] | None:
    """The profile schema's definition of a control key, with its own properties merged."""
    schema = _profile_schema()
    defs = schema["$defs"]
    area, _, name = control.partition(".")
    if area == "usage":
        node = schema["properties"]["usage"]["properties"].get(name)
        return node
    area_node = schema["properties"]["security_measures"]["properties"].get(area)
    if area_node is None:
        return None
    area_def = defs[area_node["$ref"].split("/")[-1]] if "$ref" in area_node else area_node
    node = area_def.get("properties", {}).get(name)
    if node is None:
        return None
    if "$ref" in node:
        node = defs[node["$ref"].split("/")[-1]]
    base = defs.get("control_base", {})
    return {**node, "properties": {**base.get("properties", {}), **node.get("properties", {})}}


def lint_mapping(document: Document) -> list[Problem]:
    """Problems the schema cannot see: unknown control keys, fields and values, unknown or
    repeated policy ids."""
    from netsep_check.facts import importer

    data = document.data
    known: frozenset[str] = frozenset()
    normalise = None
    module = importer(data["mapping"]["importer"])
    known = module.known_ids()
    normalise = module.normalise_id
    problems: list[Problem] = []
    seen: dict[tuple, int] = {}

    def problem(path: tuple, message: str) -> None:
        from netsep_check.load import format_path

        problems.append(Problem(document.file, message, document.line(path), None,
                                format_path(path)))

    for section in ("policies", "settings"):
        for index, row in enumerate(data.get(section) or []):
            node = _control_schema(row["control"])
            if node is None:
                problem((section, index, "control"), f"no control {row['control']!r} in the "
                        "profile schema (area.control, e.g. saas_management.third_party_apps)")
                continue
            props = node.get("properties", {})
            fields = dict(row.get("when") or {})
            if row.get("field"):
                fields[row["field"]] = []
            for field, values in fields.items():
                if field not in props:
                    problem((section, index), f"control {row['control']} has no field {field!r}")
                    continue
                allowed = props[field].get("enum")
                for value in values:
                    if allowed is not None and value not in allowed:
                        problem((section, index, "when", field), f"{value!r} is not a value of "
                                f"{row['control']}.{field} ({', '.join(allowed)})")
            if section == "policies":
                policy = normalise(row["policy"]) or row["policy"]
                if row["policy"].upper() not in known and policy.upper() not in known:
                    problem((section, index, "policy"), f"unknown policy id {row['policy']} "
                            f"(not in the {data['mapping']['importer']} baselines or migration "
                            "table)")
                key = (policy, row["control"], tuple(sorted((k, tuple(v)) for k, v in
                                                            fields.items())))
                if key in seen:
                    problem((section, index, "policy"), f"{row['policy']} → {row['control']} "
                            f"is mapped twice (first at policies[{seen[key]}])")
                seen.setdefault(key, index)
    return problems


def _build(document: Document) -> TenantMapping:
    from netsep_check.facts import importer

    data = document.data
    normalise = importer(data["mapping"]["importer"]).normalise_id
    policies = tuple(
        PolicyRow(policy=normalise(row["policy"]) or row["policy"], control=row["control"],
                  confidence=row["confidence"],
                  when=tuple((k, tuple(v)) for k, v in (row.get("when") or {}).items()),
                  rationale=dict(row["rationale"]), line=document.line(("policies", i)))
        for i, row in enumerate(data["policies"]))
    settings = tuple(
        SettingRow(facts=tuple(row["facts"]), control=row["control"], field=row.get("field"),
                   compare=row["compare"], confidence=row["confidence"],
                   rationale=dict(row["rationale"]), line=document.line(("settings", i)))
        for i, row in enumerate(data.get("settings") or []))
    products = tuple(ProductRow(tuple(row["plans"]), row["product"], row["confidence"])
                     for row in data.get("products") or [])
    meta = data["mapping"]
    return TenantMapping(meta["id"], meta["importer"], meta["version"], dict(meta["title"]),
                         policies, settings, products, document.file, document.sha256)


def _checked(path: Path, schema_name: str, what: str) -> Document:
    from netsep_check.rules.packs import schema_checked
    from netsep_check.validate.schema_errors import packaged_schema

    return schema_checked(path, packaged_schema(schema_name), what)


def load_mapping(path: Path | str | None = None, importer_name: str = "scubagear",
                 lint: bool | None = None) -> TenantMapping:
    """Load and schema-check a mapping file (default: the built-in one of the importer) and
    lint it; the built-in mapping is linted by the tests (tests/facts/test_mapping.py) rather
    than on every check, as built-in packs are."""
    builtin = path is None
    path = Path(path) if path is not None else mapping_root() / f"{importer_name}.yaml"
    lint = not builtin if lint is None else lint
    if builtin and not lint:  # built once, then read from the cache beside the packs
        return _builtin_mapping(path.resolve(), importer_name)
    return _load_mapping_cached(path.resolve(), lint)


@lru_cache(maxsize=8)
def _builtin_mapping(path: Path, importer_name: str) -> TenantMapping:
    from netsep_check.facts import IMPORTERS
    from netsep_check.facts.mapping_cache import cached_mapping

    if importer_name not in IMPORTERS:  # the usual error, from the usual place
        return _load_mapping_cached(path, False)
    return cached_mapping(path, importer_name, IMPORTERS[importer_name],
                          lambda: _load_mapping_cached(path, False))


@lru_cache(maxsize=8)
def _load_mapping_cached(path: Path, lint: bool) -> TenantMapping:
    document = _checked(path, "tenant-mapping", "tenant mapping")
    problems = lint_mapping(document) if lint else []
    if problems:
        raise InputError(problems)
    return _build(document)


def __getattr__(name: str) -> Any:
    """The egress host table (:class:`HostTable`, :func:`load_hosts`) lives with the egress
    log reader (facts/egress.py), imported only when a log is read; named here as before."""
    if name in ("HostTable", "load_hosts"):
        from netsep_check.facts import egress

        return getattr(egress, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
