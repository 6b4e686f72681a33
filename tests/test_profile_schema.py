"""The profile JSON Schema (profile-v1) against the examples, the templates and broken profiles.

Plain jsonschema + yaml.safe_load here. safe_load turns unquoted dates into datetime.date (and
yes/no into booleans), unlike the project's loader, so every YAML document goes through `as_json`
first and the negative cases build the "as JSON would give them" values directly.
"""

from __future__ import annotations

import copy
import hashlib
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema import Draft202012Validator, FormatChecker

ROOT = Path(__file__).parents[1]
SCHEMA_PATH = ROOT / "netsep_check/schemas/profile.schema.json"
EXAMPLES_DIR = ROOT / "examples"
TEMPLATES_DIR = ROOT / "netsep_check/templates"

EXAMPLES = [
    "m365-compliant.yaml",
    "m365-noncompliant-scope.yaml",
    "pulse-compliant.yaml",
    "pulse-noncompliant-controls.yaml",
    "standing-compliant.yaml",
]
TEMPLATES = ["profile-m365.yaml", "profile-pulse.yaml", "profile-standing.yaml"]

# The control table of profile-v1 ("every key must be present in its area").
SPEC_CONTROLS = {
    "endpoint": [
        "approved_devices_only",
        "device_registration",
        "compensating_controls",
        "leak_prevention",
        "anti_malware",
        "mobile_controls",
    ],
    "network_link": [
        "authorised_terminal_restriction",
        "strong_authentication",
        "relay_gateway",
        "traffic_separation",
        "encryption_in_transit",
        "internet_access_control",
    ],
    "saas_management": [
        "least_privilege",
        "sharing_controls",
        "audit_logging",
        "log_monitoring",
        "sensitive_data_monitoring",
        "sensitive_upload_scan",
        "input_restriction",
        "file_malware_protection",
        "exfiltration_prevention",
        "third_party_apps",
    ],
    "operating_policy": [
        "asset_inventory",
        "pseudonymised_data_handling",
        "usage_guide",
        "training",
        "change_review",
        "vulnerability_management",
        "incident_response",
    ],
    "governance": ["risk_assessment", "self_assessment", "measures_confirmation"],
}


def as_json(data: Any) -> Any:
    """Round-trip through JSON so datetime.date values become 'YYYY-MM-DD' strings."""
    return json.loads(json.dumps(data, default=str))


def load_yaml(path: Path) -> Any:
    return as_json(yaml.safe_load(path.read_text(encoding="utf-8")))


@pytest.fixture(scope="module")
def schema() -> dict:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def validator(schema: dict) -> Draft202012Validator:
    return Draft202012Validator(schema, format_checker=FormatChecker())


@pytest.fixture(scope="module")
def base_profile() -> dict:
    return load_yaml(EXAMPLES_DIR / "m365-compliant.yaml")


def error_text(validator: Draft202012Validator, instance: Any) -> list[str]:
    """One line per error: the path of the offending value and the message."""
    return [
        "/".join(str(p) for p in err.absolute_path) + ": " + err.message
        for err in validator.iter_errors(instance)
    ]


def walk(node: Any) -> Iterator[Any]:
    yield node
    if isinstance(node, dict):
        for value in node.values():
            yield from walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from walk(value)


def controls(profile: dict) -> Iterator[tuple[str, str, dict]]:
    for area, keys in SPEC_CONTROLS.items():
        holder = (
            profile["governance"] if area == "governance" else profile["security_measures"][area]
        )
        for key in keys:
            yield area, key, holder[key]


def cited_evidence_ids(profile: dict) -> set[str]:
    cited = set()
    for provider in profile["providers"]:
        cited.update(provider["security_evaluation"].get("evidence", []))
    for _, _, control in controls(profile):
        cited.update(control.get("evidence", []))
    return cited


# --- the schema itself -------------------------------------------------------------------------


def test_schema_is_a_valid_draft_2020_12_schema(schema: dict) -> None:
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"] == "urn:netsep-check:schema:profile:v1"


def test_schema_uses_only_local_refs(schema: dict) -> None:
    refs = [n["$ref"] for n in walk(schema) if isinstance(n, dict) and "$ref" in n]
    assert refs
    assert all(r.startswith("#/$defs/") for r in refs), [r for r in refs if not r.startswith("#/")]
    for r in refs:
        assert r.removeprefix("#/$defs/") in schema["$defs"], r


def test_every_object_schema_is_closed_but_allows_x_keys(schema: dict) -> None:
    for node in walk(schema):
        if not (isinstance(node, dict) and node.get("type") == "object"):
            continue
        if node is schema["$defs"]["control_base"]:
            continue  # extended by every control_* def, which closes it with unevaluatedProperties
        closed = (
            node.get("additionalProperties") is False or node.get("unevaluatedProperties") is False
        )
        assert closed, node.get("title")
        if node.get("additionalProperties") is False:
            assert "^x_" in node["patternProperties"], node.get("title")
    for name, node in schema["$defs"].items():
        if name.startswith("control_") and name != "control_base":
            assert node["$ref"] == "#/$defs/control_base", name
            assert node["unevaluatedProperties"] is False, name


def test_schema_requires_every_control_of_the_spec_table(schema: dict) -> None:
    for area, keys in SPEC_CONTROLS.items():
        area_def = schema["$defs"][f"area_{area}"]
        assert area_def["required"] == keys, area
        optional = OPTIONAL_CONTROLS.get(area, [])  # added compatibly, not required
        assert list(area_def["properties"]) == keys + optional, area


OPTIONAL_CONTROLS = {"governance": ["measures_plan"]}


# --- examples and templates --------------------------------------------------------------------


@pytest.mark.parametrize("name", EXAMPLES)
def test_example_is_valid(validator: Draft202012Validator, name: str) -> None:
    path = EXAMPLES_DIR / name
    assert path.read_text(encoding="utf-8").startswith("#"), "examples start with a comment"
    assert error_text(validator, load_yaml(path)) == []


@pytest.mark.parametrize("name", EXAMPLES + TEMPLATES)
def test_cited_evidence_is_defined_once_and_files_match(name: str) -> None:
    path = EXAMPLES_DIR / name if name in EXAMPLES else TEMPLATES_DIR / name
    profile = load_yaml(path)
    ids = [entry["id"] for entry in profile["evidence"]]
    assert len(ids) == len(set(ids)), "evidence ids are unique"
    assert cited_evidence_ids(profile) <= set(ids), "every cited evidence id is defined"
    for entry in profile["evidence"]:
        if "path" in entry:
            file = path.parent / entry["path"]
            assert file.is_file(), entry["path"]
            if "sha256" in entry:
                assert hashlib.sha256(file.read_bytes()).hexdigest() == entry["sha256"], entry["id"]


def test_m365_compliant_example_has_files_with_hashes(base_profile: dict) -> None:
    hashed = [e for e in base_profile["evidence"] if "path" in e and "sha256" in e]
    assert len(hashed) >= 2


@pytest.mark.parametrize("name", TEMPLATES)
def test_template_is_valid_as_shipped(validator: Draft202012Validator, name: str) -> None:
    profile = load_yaml(TEMPLATES_DIR / name)
    assert error_text(validator, profile) == []
    if name == "profile-standing.yaml":
        assert profile["regime"] == "standing_exception" and "designation" not in profile
    else:
        assert profile["regime"] == "sandbox"
        assert profile["designation"]["service"] == name.removeprefix("profile-").removesuffix(".yaml")
    assert [e["id"] for e in profile["evidence"]] == ["EV-01"]
    for area, key, control in controls(profile):
        if (area, key) == ("governance", "measures_confirmation") and "designation" not in profile:
            assert control["status"] == "not_applicable"  # a sandbox-only step
            continue
        assert control["status"] == "planned", (area, key)
        assert control["evidence"] == ["EV-01"], (area, key)


@pytest.mark.parametrize("name", TEMPLATES)
def test_template_comments_every_control(name: str) -> None:
    lines = (TEMPLATES_DIR / name).read_text(encoding="utf-8").splitlines()
    for keys in SPEC_CONTROLS.values():
        for key in keys:
            (index,) = [i for i, line in enumerate(lines) if line.strip() == f"{key}:"]
            # a Korean line and an English line of comment just above the key
            assert lines[index - 1].strip().startswith("#"), key
            assert lines[index - 2].strip().startswith("#"), key


# --- accepted variations -----------------------------------------------------------------------

Mutation = Callable[[dict], None]


def _set(path: str, value: Any) -> Mutation:
    """Set the value at a '/'-separated path (list indexes are numbers)."""

    def mutate(profile: dict) -> None:
        *parents, last = path.split("/")
        node: Any = profile
        for part in parents:
            node = node[int(part)] if isinstance(node, list) else node[part]
        if isinstance(node, list):
            node[int(last)] = value
        else:
            node[last] = value

    return mutate


def _del(path: str) -> Mutation:
    def mutate(profile: dict) -> None:
        *parents, last = path.split("/")
        node: Any = profile
        for part in parents:
            node = node[int(part)] if isinstance(node, list) else node[part]
        del node[last]

    return mutate


def _append(path: str, value: Any) -> Mutation:
    def mutate(profile: dict) -> None:
        node: Any = profile
        for part in path.split("/"):
            node = node[int(part)] if isinstance(node, list) else node[part]
        node.append(value)

    return mutate


def _all(*mutations: Mutation) -> Mutation:
    def mutate(profile: dict) -> None:
        for m in mutations:
            m(profile)

    return mutate


ACCEPTED: dict[str, Mutation] = {
    "x_key_top_level": _set("x_internal_ticket", "SEC-1234"),
    "x_key_in_firm": _set("firm/x_business_registration", "110111-0000000"),
    "x_key_in_designation_scope": _set("designation/approved_scope/x_memo", {"any": ["thing", 1]}),
    "x_key_in_usage": _set("usage/x_users", 1200),
    "x_key_in_provider": _set("providers/0/x_contract", "EA-2024"),
    "x_key_in_security_evaluation": _set("providers/0/security_evaluation/x_ref", None),
    "x_key_in_security_measures": _set("security_measures/x_owner", "IT보안부"),
    "x_key_in_area": _set("security_measures/endpoint/x_note", "단말 1,200대"),
    "x_key_in_control": _set("security_measures/endpoint/anti_malware/x_product", "V3"),
    "x_key_in_extended_control": _set(
        "security_measures/saas_management/audit_logging/x_siem", True
    ),
    "x_key_in_governance": _set("governance/x_committee", "정보보호위원회"),
    "x_key_in_evidence_entry": _set("evidence/0/x_received", "2024-06-20"),
    "standing_exception_without_designation": _all(
        _set("regime", "standing_exception"), _del("designation")
    ),
    "standing_exception_keeps_designation": _set("regime", "standing_exception"),
    "own_data_category": _append("usage/data_categories", "other:my_cat"),
    "own_data_category_in_scope": _append(
        "designation/approved_scope/data_categories", "other:hr_notice"
    ),
    "control_with_status_only": _set(
        "security_measures/endpoint/anti_malware", {"status": "partial"}
    ),
    "tls_1_3": _set("security_measures/network_link/encryption_in_transit/min_tls_version", "1.3"),
    "wildcard_destination": _append(
        "security_measures/network_link/internet_access_control/allowed_destinations",
        "*.office.com",
    ),
    "leap_day": _set("assessment/as_of", "2024-02-29"),
    "no_prepared_by": _del("assessment/prepared_by"),
    "evaluation_without_evidence": _del("providers/0/security_evaluation/evidence"),
    "met_result": _set("providers/0/security_evaluation/result", "met"),
}


@pytest.mark.parametrize("mutation", ACCEPTED.values(), ids=ACCEPTED.keys())
def test_schema_accepts(
    validator: Draft202012Validator, base_profile: dict, mutation: Mutation
) -> None:
    profile = copy.deepcopy(base_profile)
    mutation(profile)
    assert error_text(validator, profile) == []


# --- rejected profiles -------------------------------------------------------------------------

# name -> (mutation, a word that must appear in some error's path or message: the field is named)
REJECTED: dict[str, tuple[Mutation, str]] = {
    "unknown_top_level_key": (_set("colour", "red"), "colour"),
    "unknown_key_in_firm": (_set("firm/ceo", "홍길동"), "ceo"),
    "unknown_key_in_control": (_set("security_measures/endpoint/anti_malware/staus", "x"), "staus"),
    "unknown_key_in_extended_control": (
        _set("security_measures/network_link/strong_authentication/method", "otp"),
        "method",
    ),
    "extra_field_of_another_control": (
        _set("security_measures/endpoint/anti_malware/retention_days", 730),
        "retention_days",
    ),
    "unknown_control_in_area": (
        _set("security_measures/endpoint/usb_block", {"status": "implemented"}),
        "usb_block",
    ),
    "unknown_key_in_security_evaluation": (
        _set("providers/0/security_evaluation/score", 95),
        "score",
    ),
    "unknown_key_in_evidence_entry": (_set("evidence/0/url", "https://example.com"), "url"),
    "unknown_key_in_approved_scope": (
        _set("designation/approved_scope/products", ["teams"]),
        "products",
    ),
    "x_must_be_a_prefix": (_set("usage/my_x_note", "a"), "my_x_note"),
    "missing_control_key": (
        _del("security_measures/saas_management/audit_logging"),
        "audit_logging",
    ),
    "missing_governance_key": (_del("governance/self_assessment"), "self_assessment"),
    "missing_area": (_del("security_measures/operating_policy"), "operating_policy"),
    "missing_evidence_section": (_del("evidence"), "evidence"),
    "sandbox_without_designation": (_del("designation"), "designation"),
    "designation_missing_scope": (_del("designation/approved_scope"), "approved_scope"),
    "bad_designated_service": (_set("designation/service", "copilot"), "copilot"),
    "designation_number_not_string": (_set("designation/number", 2024), "number"),
    "bad_regime": (_set("regime", "exception"), "regime"),
    "bad_data_category": (_append("usage/data_categories", "customer_data"), "customer_data"),
    "other_category_bad_id": (_append("usage/data_categories", "other:Bad Cat"), "other:Bad Cat"),
    "other_category_empty_id": (_append("usage/data_categories", "other:"), "other:"),
    "yes_string_for_boolean": (_set("usage/mobile_access", "yes"), "mobile_access"),
    "number_for_boolean": (_set("designation/extended", 0), "extended"),
    "missing_usage_flag": (_del("usage/pseudonymised_data"), "pseudonymised_data"),
    "tls_version_as_number": (
        _set("security_measures/network_link/encryption_in_transit/min_tls_version", 1.2),
        "min_tls_version",
    ),
    "tls_version_too_old": (
        _set("security_measures/network_link/encryption_in_transit/min_tls_version", "1.1"),
        "min_tls_version",
    ),
    "not_applicable_without_note": (
        _set("security_measures/endpoint/mobile_controls", {"status": "not_applicable"}),
        "note",
    ),
    "not_applicable_empty_note": (
        _set(
            "security_measures/endpoint/mobile_controls", {"status": "not_applicable", "note": ""}
        ),
        "note",
    ),
    "not_applicable_blank_note": (
        _set("governance/measures_confirmation", {"status": "not_applicable", "note": "  "}),
        "note",
    ),
    "bad_status": (_set("security_measures/endpoint/anti_malware/status", "done"), "status"),
    "control_without_status": (
        _set("security_measures/endpoint/anti_malware", {"evidence": ["EV-10"]}),
        "status",
    ),
    "control_as_plain_string": (
        _set("security_measures/endpoint/anti_malware", "implemented"),
        "anti_malware",
    ),
    "impossible_date": (_set("assessment/as_of", "2025-02-30"), "as_of"),
    "slashed_date": (_set("designation/valid_until", "2026/09/26"), "valid_until"),
    "compact_date": (_set("governance/risk_assessment/approved_on", "20240830"), "approved_on"),
    "date_as_number": (
        _set("security_measures/operating_policy/training/last_performed_on", 20250210),
        "last_performed_on",
    ),
    "bad_sector": (_set("firm/sector", "bank_holding"), "sector"),
    "empty_firm_name": (_set("firm/name", ""), "name"),
    "profile_version_2": (_set("profile_version", 2), "profile_version"),
    "profile_version_string": (_set("profile_version", "1"), "profile_version"),
    "duplicate_task": (_append("usage/tasks", "email"), "tasks"),
    "duplicate_scope_product": (
        _append("designation/approved_scope/saas_products", "teams"),
        "saas_products",
    ),
    "duplicate_evidence_citation": (
        _append("security_measures/endpoint/anti_malware/evidence", "EV-10"),
        "evidence",
    ),
    "task_id_not_snake_case": (_append("usage/tasks", "Video-Meeting"), "Video-Meeting"),
    "provider_id_not_snake_case": (_set("providers/0/id", "Microsoft"), "Microsoft"),
    "no_providers": (_set("providers", []), "providers"),
    "provider_without_evaluation": (_del("providers/0/security_evaluation"), "security_evaluation"),
    "evaluation_without_date": (
        _del("providers/0/security_evaluation/evaluated_on"),
        "evaluated_on",
    ),
    "bad_evaluation_result": (
        _set("providers/0/security_evaluation/result", "approved"),
        "approved",
    ),
    "bad_evaluation_kind": (_set("providers/0/security_evaluation/kind", "annual"), "annual"),
    "evaluator_not_an_id": (
        _set("providers/0/security_evaluation/evaluator", "금융보안원"),
        "evaluator",
    ),
    "bad_applies_to": (
        _set("security_measures/network_link/strong_authentication/applies_to", "everyone"),
        "everyone",
    ),
    "bad_external_sharing": (
        _set("security_measures/saas_management/sharing_controls/external_sharing", "public"),
        "public",
    ),
    "retention_as_string": (
        _set("security_measures/saas_management/audit_logging/retention_days", "730"),
        "retention_days",
    ),
    "retention_negative": (
        _set("security_measures/saas_management/audit_logging/retention_days", -1),
        "retention_days",
    ),
    "retention_fraction": (
        _set("security_measures/saas_management/audit_logging/retention_days", 730.5),
        "retention_days",
    ),
    "destination_is_a_url": (
        _append(
            "security_measures/network_link/internet_access_control/allowed_destinations",
            "https://outlook.office365.com/",
        ),
        "allowed_destinations",
    ),
    "destinations_not_a_list": (
        _set(
            "security_measures/network_link/internet_access_control/allowed_destinations",
            "outlook.office365.com",
        ),
        "allowed_destinations",
    ),
    "bad_evidence_id": (
        _set("security_measures/endpoint/anti_malware/evidence", ["EV 10"]),
        "EV 10",
    ),
    "evidence_entry_without_title": (_del("evidence/0/title"), "title"),
    "evidence_entry_bad_id": (_set("evidence/0/id", "-EV-01"), "-EV-01"),
    "sha256_upper_case": (_set("evidence/0/sha256", "A" * 64), "sha256"),
    "sha256_too_short": (_set("evidence/0/sha256", "ab12"), "sha256"),
}


@pytest.mark.parametrize(("mutation", "named"), REJECTED.values(), ids=REJECTED.keys())
def test_schema_rejects(
    validator: Draft202012Validator, base_profile: dict, mutation: Mutation, named: str
) -> None:
    profile = copy.deepcopy(base_profile)
    mutation(profile)
    errors = error_text(validator, profile)
    assert errors, "the schema accepted a profile it must reject"
    assert any(named in e for e in errors), errors


def test_impossible_date_needs_the_format_checker(schema: dict, base_profile: dict) -> None:
    """2025-02-30 matches the pattern; only a FormatChecker catches it, so callers must pass one."""
    profile = copy.deepcopy(base_profile)
    profile["assessment"]["as_of"] = "2025-02-30"
    assert Draft202012Validator(schema).is_valid(profile)
    assert not Draft202012Validator(schema, format_checker=FormatChecker()).is_valid(profile)
