"""A waiver of an item rule never makes the condition above it hold (found by an independent
hostile run, 2026-12-01: each of these read COMPLIANT, exit 0).

- The standing exception's published 2026 control list is a condition of the exception: a
  waived item of it (encryption, MFA, least privilege ...) left no rule failing.
  ``SE-LIST-*`` now state the list per area and cannot be waived; nor can its semiannual
  evaluation (``GOV-SELF-ASSESSMENT`` of that pack).
- Under a designation, ``MEAS-ENDPOINT`` and ``MEAS-OPERATING-POLICY`` left out the mobile
  controls and the handling of pseudonymised data even when those were in use, so a waiver of
  ``CTRL-EP-MOBILE`` or ``CTRL-OPS-PSEUDONYMISED`` left the official four-area condition met.
- ``EVID-CITED`` could be waived, so every control claimed implemented with nothing cited read
  COMPLIANT; a claim that cannot be verified cannot be waived.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from netsep_check.errors import EXIT_FAIL, EXIT_INPUT
from tests.conftest import EXAMPLES, copy_evidence
from tests.test_hostile_classes import _pack

# the published 2026 list, per area: (control key, its item rule)
LISTED = {
    "SE-LIST-ENDPOINT": ("endpoint", [
        ("approved_devices_only", "CTRL-EP-APPROVED-DEVICES"),
        ("device_registration", "CTRL-EP-DEVICE-REGISTRATION"),
        ("compensating_controls", "CTRL-EP-COMPENSATING"),
        ("leak_prevention", "CTRL-EP-LEAK-PREVENTION"),
        ("anti_malware", "CTRL-EP-ANTI-MALWARE")]),
    "SE-LIST-NETWORK-LINK": ("network_link", [
        ("strong_authentication", "CTRL-NET-MFA"),
        ("internet_access_control", "CTRL-NET-INTERNET-ACCESS"),
        ("encryption_in_transit", "CTRL-NET-ENCRYPTION")]),
    "SE-LIST-SAAS-MANAGEMENT": ("saas_management", [
        ("least_privilege", "CTRL-SAAS-LEAST-PRIVILEGE"),
        ("sharing_controls", "CTRL-SAAS-SHARING"),
        ("sensitive_data_monitoring", "CTRL-SAAS-DATA-MONITORING")]),
}
CASES = [(condition, area, key, item) for condition, (area, items) in LISTED.items()
         for key, item in items]


def _profile(tmp_path: Path, example: str, change: Any) -> tuple[Path, dict[str, Any]]:
    data = json.loads(json.dumps(yaml.safe_load(
        (EXAMPLES / example).read_text(encoding="utf-8")), default=str))
    change(data)
    path = tmp_path / "profile.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    copy_evidence(tmp_path)
    return path, data


def _waivers(tmp_path: Path, data: dict[str, Any], *rules: str) -> Path:
    as_of = dt.date.fromisoformat(data["assessment"]["as_of"])
    entries = [{"rule": rule, "firm": data["firm"]["name"],
                "justification": "Project scheduled; accepted by the committee until then.",
                "approved_by": "Information Protection Committee", "ticket": "RISK-1",
                "approved_on": (as_of - dt.timedelta(days=30)).isoformat(),
                "expires_on": (as_of + dt.timedelta(days=180)).isoformat()} for rule in rules]
    path = tmp_path / "waivers.yaml"
    path.write_text(yaml.safe_dump({"waivers": entries}, allow_unicode=True), encoding="utf-8")
    return path


@pytest.fixture
def on_the_day(monkeypatch):
    """The run happens on the assessment date (the waivers are current on it)."""
    import netsep_check.clock

    def fix(data: dict[str, Any]) -> None:
        day = dt.date.fromisoformat(data["assessment"]["as_of"])
        monkeypatch.setattr(netsep_check.clock, "today", lambda: day)

    return fix


def _statuses(run: Any, *args: Any) -> tuple[int, dict[str, str], str]:
    result = run("check", *args, "--format", "json", "--lang", "en")
    if result.exit_code == EXIT_INPUT:
        return result.exit_code, {}, result.stderr
    document = json.loads(result.stdout)
    return (result.exit_code, {f["rule_id"]: f["status"] for f in document["findings"]},
            document["summary"]["verdict"])


@pytest.mark.parametrize(("condition", "area", "key", "item"), CASES)
def test_a_waived_item_of_the_2026_list_still_fails_the_list(tmp_path, run, on_the_day,
                                                             condition, area, key, item):
    def change(data: dict[str, Any]) -> None:
        data["security_measures"][area][key] = {"status": "not_implemented",
                                                "note": "not yet"}

    path, data = _profile(tmp_path, "standing-compliant.yaml", change)
    on_the_day(data)
    code, status, verdict = _statuses(run, path, "--waivers", _waivers(tmp_path, data, item))
    assert status[item] == "waived"
    assert status[condition] == "fail" and verdict == "fail" and code == EXIT_FAIL


@pytest.mark.parametrize("condition", sorted(LISTED))
def test_the_list_rules_cannot_be_waived(tmp_path, run, on_the_day, condition):
    path, data = _profile(tmp_path, "standing-compliant.yaml", lambda data: None)
    on_the_day(data)
    code, _, message = _statuses(run, path, "--waivers", _waivers(tmp_path, data, condition))
    assert code == EXIT_INPUT and condition in message


@pytest.mark.parametrize(("example", "rule"), [("standing-compliant.yaml", "GOV-SELF-ASSESSMENT"),
                                               ("standing-compliant.yaml", "EVID-CITED"),
                                               ("m365-compliant.yaml", "EVID-CITED")])
def test_conditions_of_the_exception_and_unverifiable_claims_cannot_be_waived(
        tmp_path, run, on_the_day, example, rule):
    path, data = _profile(tmp_path, example, lambda data: None)
    on_the_day(data)
    code, _, message = _statuses(run, path, "--waivers", _waivers(tmp_path, data, rule))
    assert code == EXIT_INPUT and rule in message


def _opened(field: str) -> dict[str, Any]:
    """A designation change of the m365 example's designation that opens ``field``."""
    return {"decided_on": "2025-02-20", "reference": "2025-FSC-0220-01",
            "adds": {field: True}, "evidence": ["EV-01"]}


@pytest.mark.parametrize(("field", "area", "key", "item", "condition"), [
    ("mobile_access", "endpoint", "mobile_controls", "CTRL-EP-MOBILE", "MEAS-ENDPOINT"),
    ("pseudonymised_data", "operating_policy", "pseudonymised_data_handling",
     "CTRL-OPS-PSEUDONYMISED", "MEAS-OPERATING-POLICY"),
])
def test_a_waived_conditional_control_still_fails_its_area(tmp_path, run, on_the_day, field,
                                                           area, key, item, condition):
    def change(data: dict[str, Any]) -> None:
        data["usage"][field] = True
        data["designation"]["scope_changes"] = [_opened(field)]
        data["security_measures"][area][key] = {"status": "planned", "note": "rollout in Q3"}

    path, data = _profile(tmp_path, "m365-compliant.yaml", change)
    on_the_day(data)
    code, status, verdict = _statuses(run, path, "--waivers", _waivers(tmp_path, data, item))
    assert status[item] == "waived"
    assert status[condition] == "fail" and verdict == "fail" and code == EXIT_FAIL


def test_the_mobile_controls_implemented_pass_the_area(tmp_path, run, on_the_day):
    def change(data: dict[str, Any]) -> None:
        data["usage"]["mobile_access"] = True
        data["designation"]["scope_changes"] = [_opened("mobile_access")]
        data["security_measures"]["endpoint"]["mobile_controls"] = {
            "status": "implemented", "evidence": ["EV-10"]}

    path, data = _profile(tmp_path, "m365-compliant.yaml", change)
    on_the_day(data)
    _, status, _ = _statuses(run, path)
    assert status["MEAS-ENDPOINT"] == "pass" and status["CTRL-EP-MOBILE"] == "pass"


def test_a_pack_cannot_disable_the_list_and_says_so_in_the_readers_language(tmp_path, run):
    folder = _pack(tmp_path / "pack", "  extends: standing-exception-2026\n  disable:\n"
                   "    - rule: SE-LIST-NETWORK-LINK\n      reason: handled elsewhere\n")
    profile = EXAMPLES / "standing-compliant.yaml"
    for lang, said in (("ko", "비활성화할 수 없습니다"), ("en", "cannot disable")):
        result = run("check", profile, "--pack", folder, "--lang", lang)
        assert result.exit_code == EXIT_INPUT
        assert "SE-LIST-NETWORK-LINK" in result.stderr and said in result.stderr


@pytest.mark.parametrize(("example", "prefix"), [("standing-compliant.yaml", "SE-LIST"),
                                                 ("m365-compliant.yaml", "MEAS")])
@pytest.mark.parametrize("case", ["open sharing", "any destination"])
def test_a_waived_reading_does_not_empty_the_area_condition(tmp_path, run, on_the_day, example,
                                                            prefix, case):
    """Sixth hostile run: with the derived rule waived, sharing stated open or an allow-list
    entry of 'any' left the area condition met (it read status alone)."""
    def change(data: dict[str, Any]) -> None:
        if case == "open sharing":
            data["security_measures"]["saas_management"]["sharing_controls"][
                "external_sharing"] = "open"
        else:
            data["security_measures"]["network_link"]["internet_access_control"][
                "allowed_destinations"].append("any")

    waived = "SAAS-SHARING-NOT-OPEN" if case == "open sharing" else "NET-ALLOWED-DESTINATIONS"
    condition = f"{prefix}-{'SAAS-MANAGEMENT' if case == 'open sharing' else 'NETWORK-LINK'}"
    path, data = _profile(tmp_path, example, change)
    on_the_day(data)
    code, status, verdict = _statuses(run, path, "--waivers", _waivers(tmp_path, data, waived))
    assert status[waived] == "waived"
    assert status[condition] == "fail" and verdict == "fail" and code == EXIT_FAIL


def test_a_2024_09_27_designee_cannot_claim_another_date(tmp_path, run):
    def change(data: dict[str, Any]) -> None:
        data["firm"]["name"] = "㈜경남은행"  # on the pack's list of M365 designees
        data["designation"]["designated_on"] = "2024-09-28"
        data["designation"]["valid_until"] = "2026-09-27"

    path, _ = _profile(tmp_path, "m365-compliant.yaml", change)
    code, status, verdict = _statuses(run, path)
    assert status["DESIG-DESIGNEE"] == "fail" and verdict == "fail" and code == EXIT_FAIL


@pytest.mark.parametrize(("example", "change", "waived", "condition"), [
    ("m365-compliant.yaml", ("providers", 0, "security_evaluation", "evaluated_on"),
     "PROV-EVAL-CURRENT", "PROV-RATED"),
    ("standing-compliant.yaml", ("providers", 0, "security_evaluation", "evaluated_on"),
     "PROV-EVAL-CURRENT", "PROV-RATED"),
    ("m365-compliant.yaml", ("security_measures", "saas_management", "sensitive_upload_scan",
                             "last_performed_on"), "SAAS-UPLOAD-SCAN-CURRENT",
     "MEAS-SAAS-MANAGEMENT"),
    ("m365-compliant.yaml", ("security_measures", "operating_policy", "training",
                             "last_performed_on"), "OPS-TRAINING-CURRENT",
     "MEAS-OPERATING-POLICY"),
    ("m365-compliant.yaml", ("security_measures", "saas_management", "audit_logging",
                             "retention_days"), "SAAS-LOG-RETENTION", "MEAS-SAAS-MANAGEMENT"),
])
def test_a_waived_date_or_number_does_not_make_a_control_in_effect(tmp_path, run, on_the_day,
                                                                   example, change, waived,
                                                                   condition):
    """Seventh review: a result, scan or training dated after the assessment date, or logs
    kept for no day, passed the non-waivable condition on the status alone once the derived
    rule that reads the date or the number was waived."""
    def alter(data: dict[str, Any]) -> None:
        *parents, key = change
        node = data
        for part in parents:
            node = node[part]
        node[key] = 0 if key == "retention_days" else (
            dt.date.fromisoformat(data["assessment"]["as_of"]) + dt.timedelta(days=30)
        ).isoformat()

    path, data = _profile(tmp_path, example, alter)
    on_the_day(data)
    code, status, verdict = _statuses(run, path, "--waivers", _waivers(tmp_path, data, waived))
    assert status[waived] in ("waived", "pass")  # waived where it failed
    assert status[condition] == "fail" and verdict == "fail" and code == EXIT_FAIL
