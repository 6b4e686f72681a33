"""Whatever a results file holds, the importer returns facts or an InputError: never a crash."""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from netsep_check.errors import InputError
from netsep_check.facts.model import TenantFacts
from netsep_check.facts.scubagear import parse

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "scubagear" / \
    "ScubaResults_fa5589b7-d528-4f80.json"
BASE = json.loads(SAMPLE.read_text(encoding="utf-8-sig"))
SMALL = {"MetaData": BASE["MetaData"], "Results": {"AAD": BASE["Results"]["AAD"][:2]},
         "Raw": {k: BASE["Raw"][k] for k in ("SPO_tenant", "admin_audit_log_config",
                                             "cap_table_data", "risky_applications",
                                             "dlp_compliance_rules", "service_plans")}}
SPOTS = [("MetaData",), ("MetaData", "Tool"), ("MetaData", "TenantId"),
         ("MetaData", "TimestampZulu"), ("MetaData", "ReportUUID"), ("Results",),
         ("Results", "AAD"), ("Results", "AAD", 0), ("Results", "AAD", 0, "Controls"),
         ("Results", "AAD", 0, "Controls", 0), ("Results", "AAD", 0, "Controls", 0, "Result"),
         ("Results", "AAD", 0, "Controls", 0, "Control ID"),
         ("Results", "AAD", 0, "Controls", 0, "Criticality"),
         ("Results", "AAD", 0, "Controls", 0, "Details"), ("Raw",), ("Raw", "SPO_tenant"),
         ("Raw", "SPO_tenant", 0, "SharingCapability"),
         ("Raw", "SPO_tenant", 0, "SharingDomainRestrictionMode"),
         ("Raw", "admin_audit_log_config", 0, "UnifiedAuditLogIngestionEnabled"),
         ("Raw", "cap_table_data"), ("Raw", "cap_table_data", 0, "Users"),
         ("Raw", "cap_table_data", 0, "Session Controls"), ("Raw", "risky_applications"),
         ("Raw", "dlp_compliance_rules", 3, "ContentContainsSensitiveInformation"),
         ("Raw", "service_plans", 0), ("Raw", "service_plans", 0, "ServicePlanName"),
         ("Raw", "unified_audit_log_retention_policies")]
values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-5, 5), st.floats(allow_nan=False),
              st.text(max_size=8), st.sampled_from(["Pass", "Fail", "ScubaGear", "MS.AAD.1.1v1",
                                                   "Shall/Not-Implemented", "TwelveMonths",
                                                   "2026-01-01T00:00:00Z", "Anyone"])),
    lambda c: st.one_of(st.lists(c, max_size=3), st.dictionaries(st.text(max_size=5), c,
                                                                  max_size=3)), max_leaves=8)


def _put(document, spot, value):
    node = document
    for key in spot[:-1]:
        node = node[key]
    node[spot[-1]] = value


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(SPOTS), values), min_size=1, max_size=3))
def test_any_value_anywhere_is_facts_or_input_error(changes):
    document = json.loads(json.dumps(SMALL))
    for spot, value in changes:
        try:
            _put(document, spot, value)
        except (KeyError, IndexError, TypeError):
            continue  # an earlier change removed the place
    try:
        facts = parse(json.dumps(document).encode(), "x.json")
    except InputError as error:
        assert error.problems and all(p.message for p in error.problems)
    else:
        assert isinstance(facts, TenantFacts)
