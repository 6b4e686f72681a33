"""The cross-check as a pure function: kinds, what is never evidence, raw comparisons."""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from netsep_check.api import Checker
from netsep_check.errors import InputError
from netsep_check.evaluate.crosscheck import crosscheck, summary
from netsep_check.facts.mapping import load_mapping
from netsep_check.facts.model import Fact, FactsSource, TenantFacts, sealed, tenant_hash

ROOT = Path(__file__).resolve().parents[2]
TENANT = "11111111-2222-3333-4444-555555555555"
AS_OF = dt.date(2026, 5, 8)


@pytest.fixture(scope="module")
def profile() -> dict:
    return Checker().load(ROOT / "examples" / "m365-tenant-measured.yaml")[1]


def facts(*items: Fact, tenant: str = TENANT, when: str = "2026-05-04T17:15:48.307Z"):
    source = FactsSource("scubagear", "ScubaGear", "1.8.0", "R-1", when, "0" * 64)
    return sealed(TenantFacts(source, tenant_hash(tenant), "m365", tuple(items)), "f.json")


def policy(pid: str, value: str, check: str = "automated") -> Fact:
    return Fact(pid, "policy", check, value, "shall")


def setting(fid: str, value) -> Fact:
    return Fact(fid, "setting", "automated", value)


def run(profile, *items, **kw):
    mine = copy.deepcopy(profile)
    mine["tenant"] = {"id": TENANT}
    for path, value in kw.pop("set", {}).items():
        node = mine
        *head, last = path.split(".")
        for key in head:
            node = node[key]
        node[last] = value
    return crosscheck(mine, [facts(*items, **kw)], load_mapping(), AS_OF, 90)


def one(results, control, check="policies"):
    found = [r for r in results if r.control == control and r.check == check]
    assert len(found) == 1, found
    return found[0]


def test_high_fail_contradicts_and_names_the_policies(profile):
    results = run(profile, policy("MS.AAD.5.1v1", "fail"), policy("MS.AAD.5.3v1", "pass"))
    result = one(results, "saas_management.third_party_apps")
    assert result.kind == "contradiction" and result.policies == ("MS.AAD.5.1v1",)
    assert result.declared == "implemented" and result.area == "saas_management"
    assert result.source.report_id == "R-1" and len(result.source.sha256) == 64
    assert result.path == ("security_measures", "saas_management", "third_party_apps", "status")


def test_medium_fail_is_weak_never_a_contradiction(profile):
    result = one(run(profile, policy("MS.TEAMS.5.1v2", "warning"), policy("MS.AAD.5.1v1", "pass")),
                 "saas_management.third_party_apps")
    assert result.kind == "weak" and result.policies == ("MS.TEAMS.5.1v2",)


def test_high_pass_confirms(profile):
    result = one(run(profile, policy("MS.AAD.5.1v1", "pass")), "saas_management.third_party_apps")
    assert result.kind == "confirmed" and result.measured[0].value == "pass"


@pytest.mark.parametrize("fact", [
    policy("MS.AAD.5.1v1", "not_checked", check="manual"),  # manual: no evidence
    policy("MS.AAD.5.1v1", "pass", check="not_applicable"),  # n/a Pass: no evidence
    policy("MS.AAD.5.1v1", "fail", check="manual"),
    policy("MS.AAD.5.1v1", "omitted"), policy("MS.AAD.5.1v1", "error"),
    policy("MS.AAD.5.5v1", "fail"), policy("MS.AAD.5.5v1", "pass"),  # low confidence
    policy("MS.TEAMS.5.1v2", "pass"),  # a medium Pass confirms nothing
])
def test_never_evidence_either_way(profile, fact):
    assert one(run(profile, fact), "saas_management.third_party_apps").kind == "unmeasured"


def test_when_conditions_follow_the_declared_scope(profile):
    facts_ = (policy("MS.AAD.3.2v2", "pass"), policy("MS.AAD.3.6v1", "fail"))
    all_users = one(run(profile, *facts_), "network_link.strong_authentication")
    assert all_users.kind == "weak"  # 3.6 is medium for an all-users claim
    admins = one(run(profile, *facts_, set={
        "security_measures.network_link.strong_authentication.applies_to": "admins_only"}),
        "network_link.strong_authentication")
    assert admins.kind == "contradiction" and admins.policies == ("MS.AAD.3.6v1",)


def test_claims_not_implemented_are_not_cross_checked(profile):
    results = run(profile, policy("MS.AAD.5.1v1", "fail"), set={
        "security_measures.saas_management.third_party_apps.status": "partial"})
    assert not [r for r in results if r.control == "saas_management.third_party_apps"
                and r.check == "policies"]


@pytest.mark.parametrize("sp, od, restriction, declared, kind", [
    ("disabled", "disabled", "none", "disabled", "confirmed"),
    ("anyone", "disabled", "none", "disabled", "contradiction"),
    ("disabled", "anyone", "none", "restricted", "contradiction"),  # the more open one counts
    ("existing_guests", "disabled", "none", "restricted", "confirmed"),
    ("new_and_existing_guests", "disabled", "allow_list", "restricted", "confirmed"),
    ("new_and_existing_guests", "disabled", "none", "restricted", "contradiction"),
    ("existing_guests", "existing_guests", "none", "disabled", "contradiction"),
    ("anyone", "anyone", "none", "open", "confirmed"),
])
def test_sharing_level(profile, sp, od, restriction, declared, kind):
    result = one(run(profile, setting("sharepoint.sharing_capability", sp),
                     setting("onedrive.sharing_capability", od),
                     setting("sharepoint.domain_restriction", restriction),
                     set={"security_measures.saas_management.sharing_controls.external_sharing":
                          declared}),
                 "saas_management.sharing_controls", "sharing_level")
    assert result.kind == kind and result.declared == declared
    assert result.path[-1] == "external_sharing"


@pytest.mark.parametrize("facts_, declared, kind", [
    ((setting("licence.advanced_auditing", False),), 365, "contradiction"),  # 180 days kept
    ((setting("licence.advanced_auditing", False),), 180, "confirmed"),
    ((setting("licence.advanced_auditing", True),), 365, "unmeasured"),  # 1.8.0: no policy
    ((setting("licence.advanced_auditing", True), setting("audit.retention_days", 365)), 365,
     "confirmed"),
    ((setting("licence.advanced_auditing", True), setting("audit.retention_days", 365)), 730,
     "contradiction"),
    ((setting("audit.unified_log_enabled", False),), 30, "contradiction"),
])
def test_audit_retention(profile, facts_, declared, kind):
    result = one(run(profile, *facts_, set={
        "security_measures.saas_management.audit_logging.retention_days": declared}),
        "saas_management.audit_logging", "retention_days")
    assert result.kind == kind


def test_licensed_copilot_not_declared_is_a_scope_question(profile):
    plans = setting("licence.service_plans", ("EXCHANGE_S_ENTERPRISE", "M365_COPILOT_APPS",
                                              "FORMS_PLAN_E5"))
    result = one(run(profile, plans), "usage.saas_products", "licensed_products")
    assert result.kind == "weak" and result.area == "scope"
    assert dict(result.detail)["undeclared"] == ("copilot",)  # forms: context only
    declared = run(profile, plans, set={
        "usage.saas_products": ["exchange_online", "copilot"],
        "designation.approved_scope.saas_products": ["exchange_online", "copilot"]})
    assert one(declared, "usage.saas_products", "licensed_products").kind != "weak"


def test_other_tenant_is_an_input_error(profile):
    with pytest.raises(InputError) as caught:
        run(profile, policy("MS.AAD.5.1v1", "pass"), tenant="99999999-2222-3333-4444-555555555555")
    assert "another tenant" in str(caught.value)
    hashed = copy.deepcopy(profile)
    hashed["tenant"] = {"id_sha256": tenant_hash(TENANT)}
    crosscheck(hashed, [facts()], load_mapping(), AS_OF, 90)  # the hash form matches too


def test_stale_facts_are_a_finding_and_confirm_nothing(profile):
    results = run(profile, policy("MS.AAD.5.1v1", "pass"), policy("MS.AAD.7.2v1", "fail"),
                  when="2025-01-01T00:00:00Z")
    stale = one(results, "tenant_facts", "facts_age")
    assert stale.kind == "stale" and dict(stale.detail)["max_age_days"] == 90
    assert one(results, "saas_management.third_party_apps").kind == "unmeasured"
    assert one(results, "saas_management.least_privilege").kind == "contradiction"


def test_results_are_immutable_and_summarised(profile):
    results = run(profile, policy("MS.AAD.5.1v1", "fail"), policy("MS.SHAREPOINT.1.1v1", "pass"))
    assert isinstance(results, tuple)
    with pytest.raises(dataclasses.FrozenInstanceError):
        results[0].kind = "confirmed"  # type: ignore[misc]
    kinds = summary(results)
    assert "saas_management.third_party_apps" in kinds["contradicted"]
    assert "saas_management.sharing_controls" in kinds["confirmed"]


@pytest.mark.parametrize("value", [5, "x", None, True, ("a", 3), ((),), 2.5])
def test_odd_values_in_a_hand_made_facts_file_never_crash(profile, value):
    ids = ("licence.service_plans", "dlp.content_types", "apps.risky_applications",
           "conditional_access.device_required", "sharepoint.sharing_capability",
           "audit.retention_days", "licence.advanced_auditing", "audit.unified_log_enabled")
    results = run(profile, *(setting(i, value) for i in ids))
    assert all(r.kind in ("contradiction", "weak", "confirmed", "unmeasured") for r in results)


@pytest.mark.parametrize("when, ok", [("2026-05-04T17:15:48.3070000Z", True),
                                      ("2026-05-04T23:30:00-09:00", True),
                                      ("2026-13-45T00:00:00Z", False)])
def test_timestamps(profile, when, ok):
    if ok:  # read, and within 90 days of as_of (a -09:00 evening is the next UTC day)
        assert not [r for r in run(profile, when=when) if r.kind == "stale"]
    else:
        with pytest.raises(InputError):
            run(profile, when=when)


@given(st.one_of(st.text(max_size=30), st.sampled_from([
    "Korea Resident Registration Number", "KOREA passport", "resident REGISTRATION",
    "\u212aorea", "re\u017fident regi\u017ftration", "주민등록번호", "외국인등록번호",
    "U.S. Social Security Number", "re\ufb06ration", "Kor ea", "여권 번호", "운전면허"])))
def test_korean_types_are_found_as_the_pattern_finds_them(text):
    import re

    from netsep_check.evaluate.crosscheck import _KOREAN, _korean

    assert _korean(text) == (re.search(_KOREAN, text, re.I) is not None)
