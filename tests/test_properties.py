"""Properties of evaluation over generated schema-valid profiles (hypothesis)."""

from __future__ import annotations

import copy
import datetime as dt
import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from netsep_check.evaluate import evaluate
from netsep_check.load import Document, load_document
from netsep_check.rules import load_pack
from netsep_check.validate import validate_profile
from tests.conftest import EXAMPLES

BASES = {name: validate_profile(load_document(EXAMPLES / name)) for name in
         ("m365-compliant.yaml", "pulse-compliant.yaml", "standing-compliant.yaml")}
PACKS = {ref: load_pack(ref) for ref in ("sandbox-2024", "standing-exception-2026")}
CATEGORIES = ["public", "internal_business", "personal_information", "credit_information",
              "financial_transaction_information", "unique_identification_information",
              "pseudonymised_information", "other:hr_records"]
EXCLUDED = ["personal_information", "credit_information", "financial_transaction_information",
            "unique_identification_information", "pseudonymised_information"]
STATUSES = ["implemented", "partial", "planned", "not_implemented", "not_applicable"]
DATES = st.dates(dt.date(2022, 1, 1), dt.date(2028, 12, 31)).map(dt.date.isoformat)
IDS = st.sampled_from(["email", "calendar", "chat", "crm", "teams", "copilot", "microsoft",
                       "workvivo", "openai"])
SETTINGS = settings(max_examples=40, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


@st.composite
def profiles(draw):
    """A schema-valid profile: one of the examples with many of its facts redrawn."""
    data = copy.deepcopy(BASES[draw(st.sampled_from(sorted(BASES)))])
    usage = data["usage"]
    usage["data_categories"] = draw(st.lists(st.sampled_from(CATEGORIES), unique=True))
    usage["tasks"] = draw(st.lists(IDS, unique=True, max_size=4))
    usage["saas_products"] = draw(st.lists(IDS, unique=True, max_size=4))
    usage["mobile_access"] = draw(st.booleans())
    usage["pseudonymised_data"] = draw(st.booleans())
    if draw(st.booleans()):
        usage["generative_ai"] = draw(st.booleans())
    evaluation = data["providers"][0]["security_evaluation"]
    evaluation["result"] = draw(st.sampled_from(["suitable", "met", "unsuitable", "pending"]))
    evaluation["evaluated_on"] = draw(DATES)
    data["assessment"]["as_of"] = draw(DATES)
    for area in data["security_measures"].values():
        for control in area.values():
            control["status"] = draw(st.sampled_from(STATUSES))
            if control["status"] == "not_applicable":
                control["note"] = "n/a"
            if draw(st.integers(0, 4)) == 0:
                control.pop("evidence", None)
    measures = data["security_measures"]
    measures["saas_management"]["audit_logging"]["retention_days"] = draw(st.integers(0, 4000))
    measures["saas_management"]["sharing_controls"]["external_sharing"] = draw(
        st.sampled_from(["disabled", "restricted", "open"]))
    if draw(st.booleans()):
        del measures["network_link"]["strong_authentication"]["applies_to"]
    if "designation" in data:
        data["designation"]["valid_until"] = draw(DATES)
        data["designation"]["extended"] = draw(st.booleans())
    return data


def _document(data) -> Document:
    return Document("generated.yaml", data, "0" * 64, "")


def _verdicts(data, pack):
    return {f.rule.id: (f.status, frozenset(f.paths)) for f in
            evaluate(_document(data), data, pack).findings}


def _shuffled(value, rng):
    if isinstance(value, dict):
        items = list(value.items())
        rng.shuffle(items)
        return {k: _shuffled(v, rng) for k, v in items}
    if isinstance(value, list):
        return [_shuffled(v, rng) for v in value]
    return value


@SETTINGS
@given(profiles(), st.sampled_from(sorted(PACKS)))
def test_every_rule_gets_a_verdict_on_any_valid_profile(data, ref):
    validate_profile(_document(data))  # the generator only makes valid profiles
    pack = PACKS[ref]
    report = evaluate(_document(data), data, pack)
    assert [f.rule.id for f in report.findings] == [r.id for r in pack.rules]
    assert {f.status for f in report.findings} <= {"pass", "fail", "not_applicable"}


@SETTINGS
@given(profiles(), st.sampled_from(sorted(PACKS)), st.integers(0, 2**32))
def test_verdicts_do_not_depend_on_key_order(data, ref, seed):
    shuffled = _shuffled(data, random.Random(seed))
    assert _verdicts(data, PACKS[ref]) == _verdicts(shuffled, PACKS[ref])


@SETTINGS
@given(profiles(), st.sampled_from(sorted(PACKS)), st.sampled_from(EXCLUDED))
def test_adding_excluded_data_never_turns_a_failing_data_rule_into_a_pass(data, ref, category):
    pack = PACKS[ref]
    before = {k: v[0] for k, v in _verdicts(data, pack).items()}
    # an empty list fails the own-category rule as data none declared; once the category is
    # listed, the excluded-data rules judge it instead (review11)
    declared_none = not data["usage"]["data_categories"]
    widened = copy.deepcopy(data)
    if category not in widened["usage"]["data_categories"]:
        widened["usage"]["data_categories"].append(category)
    after = {k: v[0] for k, v in _verdicts(widened, pack).items()}
    for rule in pack.rules:
        if rule.area == "data" and before[rule.id] == "fail":
            if declared_none and rule.id in ("DATA-OWN-CATEGORY", "SE-DATA-OWN-CATEGORY"):
                continue
            assert after[rule.id] == "fail", rule.id
