"""Import a ScubaGear results file (``ScubaResults_<uuid>.json``) as tenant facts.

Read as data only: the file is parsed by ``json`` within size and depth bounds, every value
used is type-checked (a wrong type is an input error naming the field), and nothing else of
it is kept. ``Raw`` holds user and tenant names: only the settings listed in
:data:`SETTINGS` are read from it, as counts, levels, flags and plan names.
"""

from __future__ import annotations

import csv
import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from netsep_check.errors import InputError
from netsep_check.facts.model import (
    Fact,
    FactsSource,
    TenantFacts,
    parse_timestamp,
    sealed,
    tenant_hash,
)
from netsep_check.load.source import decode, sha256

NAME = "scubagear"
DEFAULT_MAX_BYTES = 64 * 1024 * 1024  # the sample is 1.9 MB; a large tenant's Raw is bigger
MAX_DEPTH = 64
MAX_NODES = 4_000_000
MAX_POLICIES = 4000  # policy results kept (the facts schema allows 5,000 facts)
MAX_LIST = 2000  # entries of a list-valued setting (the facts schema's limit)
_HERE = Path(__file__).resolve().parent
_ID = re.compile(r"^MS\.([A-Z]+)\.(\d{1,3})\.(\d{1,3})V(\d{1,3})$")
_TAG = re.compile(r"<[^>]{0,2000}>")
_RESULTS = {"pass": "pass", "fail": "fail", "warning": "warning", "n/a": "not_checked",
            "omitted": "omitted", "incorrect result": "incorrect_result"}
_NOT_APPLICABLE = ("not applicable", "only applicable if", "only applies when")
# SharePoint/OneDrive SharingCapability: number or name → our word
_SHARING = {0: "disabled", 1: "new_and_existing_guests", 2: "anyone", 3: "existing_guests",
            "disabled": "disabled", "externalusersharingonly": "new_and_existing_guests",
            "externaluserandguestsharing": "anyone",
            "existingexternalusersharingonly": "existing_guests"}
_DOMAIN_MODE = {0: "none", 1: "allow_list", 2: "block_list", "none": "none",
                "allowlist": "allow_list", "blocklist": "block_list"}
_DURATIONS = {"sevendays": 7, "onemonth": 30, "threemonths": 90, "sixmonths": 180,
              "ninemonths": 270, "twelvemonths": 365, "oneyear": 365, "threeyears": 1095,
              "fiveyears": 1825, "sevenyears": 2555, "tenyears": 3650}
SETTINGS = ("sharepoint.sharing_capability", "onedrive.sharing_capability",
            "sharepoint.domain_restriction", "audit.unified_log_enabled", "audit.retention_days",
            "licence.advanced_auditing", "licence.service_plans",
            "conditional_access.device_required", "conditional_access.session_limited",
            "apps.risky_applications", "apps.risky_third_party_service_principals",
            "dlp.content_types")


def _fail(file: str, path: str, message: str) -> InputError:
    return InputError.one(file, message, path=path)


def _get(obj: dict[str, Any], key: str, kind: type | tuple[type, ...], file: str, path: str,
         required: bool = True) -> Any:
    value = obj.get(key)
    if value is None:
        if required:
            raise _fail(file, f"{path}.{key}" if path else key, "missing; expected in a "
                        "ScubaGear results file")
        return None
    if isinstance(value, bool) or not isinstance(value, kind):
        names = " or ".join(k.__name__ for k in (kind if isinstance(kind, tuple) else (kind,)))
        raise _fail(file, f"{path}.{key}" if path else key,
                    f"expected {names.replace('str', 'text').replace('dict', 'object')}"
                    f", got {type(value).__name__}")
    return value


@lru_cache(maxsize=1)
def migrations() -> dict[str, str]:
    """Old id → new id, from CISA's migration table; ranges and removals are left out (the
    old id is kept: the mapping names those by their old id)."""
    table: dict[str, str] = {}
    with open(_HERE / "scuba-baseline-policy-migrations.csv", encoding="utf-8-sig",
              newline="") as handle:
        for row in csv.DictReader(handle):
            old, new = row["Old ID"].strip().upper(), row["New ID"].strip().upper()
            if _ID.match(old) and _ID.match(new):
                table[old] = new
    return table


@lru_cache(maxsize=1)
def known_ids() -> frozenset[str]:
    text = (_HERE / "scubagear-policy-ids.txt").read_text(encoding="utf-8")
    return frozenset(line.strip().upper() for line in text.splitlines()
                     if line.strip() and not line.startswith("#"))


def normalise_id(raw: str) -> str | None:
    """``MS.AAD.3.2v1`` → ``MS.AAD.3.2v2`` (following the migration table); None when the
    text is not a policy id at all."""
    policy = raw.strip().upper()
    if not _ID.match(policy):
        return None
    table = migrations()
    for _ in range(10):  # chains are short; a cycle in the table must not hang us
        if policy not in table:
            break
        policy = table[policy]
    base, version = policy.rsplit("V", 1)
    return f"{base}v{version}"


def _plain(text: str) -> str:
    return " ".join(_TAG.sub(" ", text).split()).lower()


def _policy_fact(control: dict[str, Any], file: str, path: str) -> tuple[Fact, bool] | None:
    raw_id = _get(control, "Control ID", str, file, path)
    result = _get(control, "Result", str, file, path)
    criticality = _get(control, "Criticality", str, file, path, required=False) or ""
    details = _get(control, "Details", str, file, path, required=False) or ""
    policy = normalise_id(raw_id)
    if policy is None:
        return None
    value = _RESULTS.get(result.strip().lower())
    if value is None:
        value = "error"  # "Error - Test results missing" and anything new: no evidence
    level = criticality.split("/", 1)[0].strip().lower()
    if criticality.endswith(("/Not-Implemented", "/3rd Party")):
        check = "manual"
    elif value == "pass" and any(p in _plain(details) for p in _NOT_APPLICABLE):
        check = "not_applicable"
    else:
        check = "automated"
    known = policy.upper() in known_ids() or raw_id.strip().upper() in known_ids()
    fact = Fact(id=policy, kind="policy", check=check, value=value,
                criticality=level if level in ("shall", "should") else None,
                reported_id=raw_id if raw_id != policy else None,
                product=policy.split(".")[1].lower())
    return fact, known


_RANK = {"fail": 0, "warning": 1, "error": 2, "incorrect_result": 3, "omitted": 4,
         "not_checked": 5, "pass": 6}


def _policies(results: dict[str, Any], file: str) -> tuple[list[Fact], list[str]]:
    facts: dict[str, Fact] = {}
    unknown: list[str] = []
    for product, groups in results.items():
        if not isinstance(groups, list):
            raise _fail(file, f"Results.{product}", f"expected a list of groups, got "
                        f"{type(groups).__name__}")
        for g, group in enumerate(groups):
            where = f"Results.{product}[{g}]"
            if not isinstance(group, dict):
                raise _fail(file, where, "expected an object (a policy group)")
            for c, control in enumerate(_get(group, "Controls", list, file, where)):
                at = f"{where}.Controls[{c}]"
                if not isinstance(control, dict):
                    raise _fail(file, at, "expected an object (a policy result)")
                made = _policy_fact(control, file, at)
                if made is None:
                    unknown.append(str(control["Control ID"])[:120])
                    continue
                fact, known = made
                if not known:
                    unknown.append(fact.id)
                seen = facts.get(fact.id)  # two versions of one policy: the worse one counts
                if seen is None or _RANK[fact.value] < _RANK[seen.value]:
                    facts[fact.id] = fact
    if len(facts) + len(unknown) > MAX_POLICIES:
        raise _fail(file, "Results", f"more than {MAX_POLICIES} policy results; the SCuBA "
                    "baselines have about 200")
    return sorted(facts.values(), key=lambda f: f.id), sorted(set(unknown))


def _records(raw: dict[str, Any], key: str, file: str) -> list[dict[str, Any]] | None:
    """A Raw entry that is "an object or an array of objects"; None when absent."""
    value = raw.get(key)
    if value is None:
        return None
    if isinstance(value, dict):
        return [value]
    if isinstance(value, list) and all(isinstance(v, dict) for v in value):
        return value
    raise _fail(file, f"Raw.{key}", "expected an object or a list of objects")


def _level(table: dict[Any, str], value: Any, file: str, path: str) -> str | None:
    if value is None:
        return None
    key = value.strip().lower() if isinstance(value, str) else value
    if isinstance(value, bool) or not isinstance(value, int | str) or key not in table:
        raise _fail(file, path, f"unexpected value {str(value)[:40]!r}")
    return table[key]


def _lines(entry: dict[str, Any], key: str) -> list[str]:
    value = entry.get(key)
    if isinstance(value, str):
        return [value]
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def _all_users_all_apps(policy: dict[str, Any]) -> bool:
    return (policy.get("State") == "On"
            and "Users included: All" in _lines(policy, "Users")
            and "Apps included: All" in _lines(policy, "Apps/Actions"))


def _sensitive_types(node: Any, out: set[str], depth: int = 0) -> None:
    if depth > 8:
        return
    if isinstance(node, dict):
        name = node.get("name") or node.get("Name")
        if isinstance(name, str) and ("mincount" in node or "classifiertype" in node
                                      or "confidencelevel" in node):
            out.add(name[:200])
        for value in node.values():
            if isinstance(value, dict | list):
                _sensitive_types(value, out, depth + 1)
    elif isinstance(node, list):
        for value in node:
            _sensitive_types(value, out, depth + 1)


def _settings(raw: dict[str, Any], file: str) -> list[Fact]:
    found: dict[str, Any] = {}
    spo = _records(raw, "SPO_tenant", file)
    if spo:
        found["sharepoint.sharing_capability"] = _level(
            _SHARING, spo[0].get("SharingCapability"), file, "Raw.SPO_tenant[0].SharingCapability")
        found["onedrive.sharing_capability"] = _level(
            _SHARING, spo[0].get("ODBSharingCapability"), file,
            "Raw.SPO_tenant[0].ODBSharingCapability")
        found["sharepoint.domain_restriction"] = _level(
            _DOMAIN_MODE, spo[0].get("SharingDomainRestrictionMode"), file,
            "Raw.SPO_tenant[0].SharingDomainRestrictionMode")
    audit = _records(raw, "admin_audit_log_config", file)
    if audit:
        enabled = audit[0].get("UnifiedAuditLogIngestionEnabled")
        if enabled is not None and not isinstance(enabled, bool):
            raise _fail(file, "Raw.admin_audit_log_config[0].UnifiedAuditLogIngestionEnabled",
                        "expected true or false")
        found["audit.unified_log_enabled"] = enabled
    retention = _records(raw, "unified_audit_log_retention_policies", file)
    if retention is not None:  # ScubaGear after 1.8.0
        days = [_DURATIONS.get(str(p.get("RetentionDuration", "")).lower()) for p in retention
                if p.get("Enabled", True) is not False and p.get("Mode") != "PendingDeletion"]
        found["audit.retention_days"] = max((d for d in days if d), default=0)
    plans = _records(raw, "service_plans", file)
    if plans is not None:
        names = sorted({str(p["ServicePlanName"])[:100] for p in plans
                        if isinstance(p.get("ServicePlanName"), str)
                        and p.get("ProvisioningStatus") == "Success"})
        found["licence.service_plans"] = names
        found["licence.advanced_auditing"] = "M365_ADVANCED_AUDITING" in names
    caps = _records(raw, "cap_table_data", file)
    if caps is not None:
        broad = [p for p in caps if _all_users_all_apps(p)]
        found["conditional_access.device_required"] = any(
            "compliant" in g.lower() or "hybrid" in g.lower()
            for p in broad for g in _lines(p, "Block/Grant Access"))
        found["conditional_access.session_limited"] = any(
            s.startswith("Sign-in frequency") or "never persistent" in s
            for p in broad for s in _lines(p, "Session Controls"))
    for key in ("risky_applications", "risky_third_party_service_principals"):
        items = _records(raw, key, file)
        if items is not None:
            found[f"apps.{key}"] = len(items)
    rules = _records(raw, "dlp_compliance_rules", file)
    if rules is not None:
        types: set[str] = set()
        for rule in rules:
            if rule.get("Disabled") is True:
                continue
            _sensitive_types(rule.get("ContentContainsSensitiveInformation"), types)
            types.update(n[:200] for n in _lines(rule, "ContentNames"))
        found["dlp.content_types"] = sorted(types)
    for key, value in found.items():
        if isinstance(value, list) and len(value) > MAX_LIST:
            raise _fail(file, f"Raw ({key})", f"more than {MAX_LIST} entries")
    return [Fact(id=key, kind="setting", check="automated",
                 value=tuple(value) if isinstance(value, list) else value)
            for key, value in found.items() if value is not None or key.startswith("audit.")]


def parse(data: bytes, file: str) -> TenantFacts:
    """A ScubaGear results file's bytes → tenant facts (or :class:`InputError`)."""
    from netsep_check.load.document import _check_shape
    from netsep_check.load.tree import Limits

    digest = sha256(data).hexdigest()
    text = decode(data, file)
    # every value but the last of a container is followed by a comma: more commas and
    # containers than the limit is more values than it, refused before they are built (22
    # million empty mappings in 64 MiB asked json for more than 1 GiB). A text shorter than
    # twice the limit cannot hold more values than it: not counted (a real file, ~2 MB)
    if len(text) >= 2 * MAX_NODES and \
            text.count(",") + text.count("{") + text.count("[") > MAX_NODES:
        raise InputError.one(file, f"document holds more than {MAX_NODES} values", 1, 1,
                             code="file.too_many_values", limit=MAX_NODES)
    try:
        document = json.loads(text, parse_constant=lambda name: (_ for _ in ()).throw(
            ValueError(f"{name} is not valid JSON")))
    except json.JSONDecodeError as exc:
        ends = text.rstrip()[-1:]
        hint = " (the file does not end with '}': truncated?)" if ends in "{[,:\"" or (
            exc.pos >= len(text.rstrip()) - 1) or ends.isalnum() else ""
        raise InputError.one(file, f"not a ScubaGear results file: JSON syntax error: "
                             f"{exc.msg}{hint}", exc.lineno, exc.colno) from None
    except RecursionError:
        raise InputError.one(file, "nesting too deep to read") from None
    except ValueError as exc:
        raise InputError.one(file, f"JSON error: {exc}") from None
    _check_shape(document, file, Limits(MAX_DEPTH, MAX_NODES))
    if not isinstance(document, dict):
        raise InputError.one(file, "not a ScubaGear results file: expected a JSON object with "
                             "MetaData and Results", 1, 1)
    meta = document.get("MetaData")
    tool = meta.get("Tool") if isinstance(meta, dict) else None
    if not isinstance(meta, dict) or not isinstance(tool, str) or tool.lower() != "scubagear":
        said = f" (MetaData.Tool is {str(tool)[:40]!r})" if tool is not None else ""
        raise InputError.one(file, "not a ScubaGear results file (ScubaResults_*.json): no "
                             f"MetaData.Tool 'ScubaGear'{said}", 1, 1)
    results = _get(document, "Results", dict, file, "")
    policies, unknown = _policies(results, file)
    raw = _get(document, "Raw", dict, file, "", required=False) or {}
    source = FactsSource(
        importer=NAME, tool=tool, tool_version=_get(meta, "ToolVersion", str, file, "MetaData"),
        report_id=_get(meta, "ReportUUID", str, file, "MetaData")[:200],
        collected_at=_timestamp(_get(meta, "TimestampZulu", str, file, "MetaData"), file),
        input_sha256=digest)
    tenant = _get(meta, "TenantId", str, file, "MetaData")
    facts = TenantFacts(source=source, tenant_id_sha256=tenant_hash(tenant), service="m365",
                        facts=(*policies, *_settings(raw, file)),
                        unknown_policies=tuple(unknown))
    return sealed(facts, file)


def _timestamp(value: str, file: str) -> str:
    try:
        moment = parse_timestamp(value)
    except ValueError:
        raise InputError.one(file, f"not an ISO 8601 timestamp: {value[:40]!r}",
                             path="MetaData.TimestampZulu", code="facts.not_a_timestamp",
                             value=value[:40]) from None
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def looks_like(data: bytes) -> bool:
    """Whether a file looks like a ScubaGear results file (its keys, wherever they stand)."""
    return b'"MetaData"' in data and b'"Results"' in data
