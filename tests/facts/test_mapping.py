"""The tenant mapping is data: schema-checked, linted against the profile schema, and sound."""

from __future__ import annotations

from pathlib import Path

import pytest

from netsep_check.errors import InputError
from netsep_check.facts.mapping import load_hosts, load_mapping, mapping_root

ROOT = Path(__file__).resolve().parents[2]
MAPPING = ROOT / "policies" / "tenant-mapping" / "scubagear.yaml"


def test_builtin_mapping_loads_clean():
    mapping = load_mapping(lint=True)
    assert mapping.importer == "scubagear" and len(mapping.policies) > 60
    assert mapping_root().name == "tenant-mapping"
    third = [r for r in mapping.policies if r.control == "saas_management.third_party_apps"
             and r.confidence == "high"]
    assert {r.policy for r in third} == {"MS.AAD.5.1v1", "MS.AAD.5.2v1", "MS.AAD.5.3v1",
                                         "MS.TEAMS.5.2v2"}
    for row in (*mapping.policies, *mapping.settings):
        assert row.rationale["ko"].strip() and row.rationale["en"].strip()
        assert row.rationale["ko"] != row.rationale["en"]


def test_old_ids_are_normalised_in_the_mapping(tmp_path):
    text = MAPPING.read_text(encoding="utf-8").replace(
        "policy: MS.SECURITYSUITE.5.1v1", "policy: MS.DEFENDER.6.1v1")
    path = tmp_path / "m.yaml"
    path.write_text(text, encoding="utf-8")
    rows = [r for r in load_mapping(path).policies if r.control == "saas_management.audit_logging"]
    assert "MS.SECURITYSUITE.5.1v1" in {r.policy for r in rows}


@pytest.mark.parametrize("old, new, words", [
    ("control: saas_management.third_party_apps\n    confidence: high",
     "control: saas_management.third_party_app\n    confidence: high",
     "no control 'saas_management.third_party_app'"),
    ("policy: MS.AAD.5.1v1", "policy: MS.AAD.55.1v1", "unknown policy id MS.AAD.55.1v1"),
    ("when: {applies_to: [all_users]}", "when: {applies_to: [everyone]}", "'everyone'"),
    ("when: {applies_to: [all_users]}", "when: {appliesto: [all_users]}", "no field 'appliesto'"),
    ("confidence: high", "confidence: certain", "certain"),
    ("compare: sharing_level", "compare: eval", "eval"),
])
def test_lint_flags_bad_rows(tmp_path, old, new, words):
    path = tmp_path / "m.yaml"
    path.write_text(MAPPING.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_mapping(path)
    assert words in str(caught.value)
    assert any(p.line for p in caught.value.problems)


def test_host_table():
    hosts = load_hosts()
    assert hosts.products("bank.sharepoint.com") == ("sharepoint_online", "onedrive")
    assert "copilot" in hosts.products("copilot.microsoft.com")
    assert hosts.products("sharepoint.com.evil.example") == ()
    assert hosts.products("evilsharepoint.com") == ()


def test_schemas_are_printed(run):
    for name in ("tenant-mapping", "tenant-facts"):
        result = run("schema", name)
        assert result.exit_code == 0 and '"$schema"' in result.stdout


def test_explain_shows_the_tenant_policies_of_a_rules_control(run):
    result = run("explain", "SAAS-SHARING-NOT-OPEN", "--lang", "en")
    assert result.exit_code == 0
    assert "Tenant measurements — saas_management.sharing_controls" in result.stdout
    assert "MS.SHAREPOINT.1.1v1" in result.stdout and "sharing_level" in result.stdout
    area = run("explain", "MEAS-SAAS-MANAGEMENT", "--lang", "en")
    assert "saas_management.third_party_apps" in area.stdout  # an area rule: all its controls
    by_key = run("explain", "saas_management.third_party_apps")
    assert by_key.exit_code == 0 and "MS.AAD.5.1v1" in by_key.stdout and "높음" in by_key.stdout
    by_finding = run("explain", "TENANT-THIRD-PARTY-APPS-RISKY", "--lang", "en")
    assert "apps.risky_applications" in by_finding.stdout
    assert run("explain", "saas_management.nothing").exit_code == 2
