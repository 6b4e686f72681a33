"""Review 11 (red team for false greens in the rule packs): each test here failed on bc9371e.

Every case starts from a compliant example and changes what a firm wanting to look compliant
would change; the rule named must then fail (never pass, never be not applicable), and the
example itself must still pass (no false red for an ordinary compliant bank)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import EXAMPLES


def _set(doc: dict, path: str, value: Any) -> None:
    *parents, last = path.split(".")
    node: Any = doc
    for key in parents:
        node = node[int(key)] if isinstance(node, list) else node.setdefault(key, {})
    if isinstance(node, list):
        node[int(last)] = value
    elif value is None:
        node.pop(last, None)
    else:
        node[last] = value


def _check(run, tmp_path: Path, example: str, changes: dict[str, Any]) -> tuple[int, dict]:
    doc = yaml.safe_load((EXAMPLES / example).read_text(encoding="utf-8"))
    for path, value in changes.items():
        _set(doc, path, value)
    profile = tmp_path / "profile.json"
    profile.write_text(json.dumps(doc, ensure_ascii=False, default=str), encoding="utf-8")
    result = run("check", profile, "--format", "json", "--no-evidence-check")
    if result.exit_code == 2:
        return 2, {}
    report = json.loads(result.stdout)
    return result.exit_code, {f["rule_id"]: f["status"] for f in report["findings"]}


M365 = "m365-compliant.yaml"
PULSE = "pulse-compliant.yaml"
STANDING = "standing-compliant.yaml"


@pytest.mark.parametrize("example", [M365, PULSE, STANDING])
def test_the_compliant_examples_stay_compliant(run, tmp_path, example):
    code, statuses = _check(run, tmp_path, example, {})
    assert code == 0 and "fail" not in statuses.values()


_CHAT = {"usage.tasks": ["email", "calendar", "messaging", "video_meeting",
                         "document_collaboration", "customer_chat"]}


@pytest.mark.parametrize("change", [
    {"decided_on": "2020-01-10", "adds": {"tasks": ["customer_chat"]}, "evidence": ["EV-02"]},
    {"decided_on": "2025-01-10", "adds": {"tasks": ["customer_chat"]}},
    {"decided_on": "2025-01-10", "adds": {"tasks": ["customer_chat"]}, "evidence": []},
], ids=["decided before the designation existed", "no evidence", "empty evidence"])
def test_a_scope_change_counts_only_within_the_designation_and_on_record(run, tmp_path, change):
    """A designation change (지정내용 변경) is an FSC decision on the designation: one dated before
    the designation, or recorded with no evidence of the decision, widened nothing."""
    code, statuses = _check(run, tmp_path, M365, {**_CHAT, "designation.scope_changes": [change]})
    assert statuses["SCOPE-TASKS"] == "fail" and code == 1


def test_a_scope_change_on_record_within_the_designation_still_widens(run, tmp_path):
    change = {"decided_on": "2025-01-10", "adds": {"tasks": ["customer_chat"]},
              "evidence": ["EV-02"]}
    code, statuses = _check(run, tmp_path, M365, {**_CHAT, "designation.scope_changes": [change]})
    assert statuses["SCOPE-TASKS"] == "pass" and code == 0


@pytest.mark.parametrize("changes, rule", [
    ({"usage.mobile_access": True,
      "security_measures.endpoint.mobile_controls": {"status": "implemented", "evidence": ["EV-10"]},
      "designation.scope_changes": [{"decided_on": "2023-01-10", "adds": {"mobile_access": True},
                                     "evidence": ["EV-02"]}]}, "SCOPE-MOBILE"),
    ({"usage.saas_products": ["exchange_online", "sharepoint_online", "onedrive", "teams", "slack"],
      "designation.scope_changes": [{"decided_on": "2025-01-10",
                                     "adds": {"saas_products": ["slack"]}}]}, "SCOPE-PRODUCTS"),
    ({"usage.providers": ["microsoft", "slack"],
      "designation.scope_changes": [{"decided_on": "2024-01-10", "adds": {"providers": ["slack"]},
                                     "evidence": ["EV-02"]}]}, "DESIG-SERVICE-LABEL"),
], ids=["mobile opened before the designation", "a product added with no evidence",
        "a provider added before the designation"])
def test_every_rule_reading_scope_changes_applies_the_same_test(run, tmp_path, changes, rule):
    code, statuses = _check(run, tmp_path, M365, changes)
    assert statuses[rule] == "fail" and code == 1


def test_the_measures_are_confirmed_before_launch(run, tmp_path):
    """FSI release of 2025-06-30: the measures are confirmed by the incident-response institution
    before the service starts ("서비스 개시 전"); a confirmation after usage.started_on is late."""
    code, statuses = _check(run, tmp_path, M365, {"usage.started_on": "2024-12-20",
                                                  "governance.measures_confirmation.confirmed_on":
                                                      "2025-03-01"})
    assert statuses["GOV-MEASURES-CONFIRMED"] == "fail" and code == 1
    code, statuses = _check(run, tmp_path, M365, {"usage.started_on": "2024-12-20"})
    assert statuses["GOV-MEASURES-CONFIRMED"] == "pass" and code == 0


def test_use_under_the_designation_starts_no_earlier_than_the_designation(run, tmp_path):
    code, statuses = _check(run, tmp_path, M365, {"usage.started_on": "2024-10-01"})
    assert statuses["DESIG-IN-FORCE"] == "fail" and code == 1
    code, statuses = _check(run, tmp_path, M365, {"usage.started_on": "2024-12-18"})
    assert statuses["DESIG-IN-FORCE"] == "pass" and code == 0


@pytest.mark.parametrize("example", [M365, PULSE, STANDING])
@pytest.mark.parametrize("evidence", [None, []], ids=["absent", "empty"])
def test_a_rating_without_its_result_letter_is_not_shown(run, tmp_path, example, evidence):
    """No public register of results exists: the firm supplies the evaluation record. A result
    claimed with no evidence cited is not shown."""
    code, statuses = _check(run, tmp_path, example,
                            {"providers.0.security_evaluation.evidence": evidence})
    assert statuses["PROV-RATED"] == "fail" and code == 1


@pytest.mark.parametrize("text", ["-", "N/A", "n/a", "없음", "해당 없음", "미정", "tbd", "(TBD)",
                                  "t.b.d.", "To do", "ＴＢＤ", "none", "?", ".", "\u200b", "-\u200b",
                                  "\u3000"])
def test_an_evidence_title_that_says_nothing_is_refused(run, tmp_path, text):
    doc_changes = {}
    doc = yaml.safe_load((EXAMPLES / M365).read_text(encoding="utf-8"))
    index = next(i for i, e in enumerate(doc["evidence"]) if e["id"] == "EV-21")
    doc_changes[f"evidence.{index}.title"] = text
    code, _ = _check(run, tmp_path, M365, doc_changes)
    assert code == 2


@pytest.mark.parametrize("text", [" ", "-", "N/A", "없음", "\u200b"])
def test_a_plan_approved_by_no_one_is_refused(run, tmp_path, text):
    code, _ = _check(run, tmp_path, STANDING, {"governance.measures_plan.approved_by": text})
    assert code == 2


@pytest.mark.parametrize("text", ["-", "N/A", "없음", "\u200b"])
def test_an_extension_decision_without_a_reference_is_refused(run, tmp_path, text):
    code, _ = _check(run, tmp_path, M365, {
        "designation.valid_until": "2027-12-17", "designation.extended": True,
        "designation.extension": {"decided_on": "2025-02-20", "reference": text,
                                  "evidence": ["EV-02"]}})
    assert code == 2


@pytest.mark.parametrize("title", ["Microsoft 365 증빙 (N/A 항목 제외)", "없음 처리 결과 보고서",
                                   "TBS 방송 자료", "2025-03 점검 결과 - 요약"])
def test_an_evidence_title_with_words_is_accepted(run, tmp_path, title):
    doc = yaml.safe_load((EXAMPLES / M365).read_text(encoding="utf-8"))
    index = next(i for i, e in enumerate(doc["evidence"]) if e["id"] == "EV-21")
    code, _ = _check(run, tmp_path, M365, {f"evidence.{index}.title": title})
    assert code == 0


@pytest.mark.parametrize("category", ["other:passport_scans", "other:jumin_numbers",
                                      "other:ssn_list", "other:list_of_rrn", "other:client_accounts",
                                      "other:kyc_documents", "other:cardholder_data",
                                      "other:loan_applications", "other:driver_license_copies",
                                      # found by an independent hostile run, 2026-12-01
                                      "other:pii", "other:users_pii", "other:gaein_jeongbo",
                                      "other:sinyong_jeongbo", "other:goyu_sikbyeol",
                                      "other:gogaek_jeongbo", "other:georae_naeyeok",
                                      "other:social_security", "other:tax_id"])
def test_excluded_data_under_another_word_is_not_passed_on_the_firms_reading(run, tmp_path,
                                                                            category):
    """Passport and resident numbers are 고유식별정보, cardholders' and borrowers' data is
    개인신용정보: named so, an own category is that data, whatever reading the firm states."""
    code, statuses = _check(run, tmp_path, STANDING, {
        "usage.data_categories": ["internal_business", category],
        "usage.own_data_categories": [{"category": category, "reading": "고객 정보 없음",
                                       "evidence": ["EV-40"]}]})
    assert statuses["SE-DATA-OWN-CATEGORY"] == "fail" and code == 1


@pytest.mark.parametrize("category", ["other:business_news", "other:survey_results",
                                      "other:pipeline_metrics", "other:gongji_jeongbo"])
def test_an_own_category_merely_holding_the_letters_still_rests_on_the_reading(run, tmp_path,
                                                                               category):
    code, statuses = _check(run, tmp_path, STANDING, {
        "usage.data_categories": ["internal_business", category],
        "usage.own_data_categories": [{"category": category, "reading": "사내 소식만",
                                       "evidence": ["EV-40"]}]})
    assert statuses["SE-DATA-OWN-CATEGORY"] == "pass" and code == 0


@pytest.mark.parametrize("product", ["bing_chat_enterprise", "dalle_3", "stable_diffusion",
                                     "qwen_chat", "upstage_askup"])
def test_a_generative_ai_product_under_its_own_name_is_generative_ai(run, tmp_path, product):
    code, statuses = _check(run, tmp_path, STANDING, {
        "usage.saas_products": ["exchange_online", product],
        "providers.0.security_evaluation.products": ["exchange_online", product]})
    assert statuses["SE-NO-GENERATIVE-AI"] == "fail" and code == 1


def test_a_period_from_29_february_ends_on_the_last_day_of_february(run, tmp_path):
    """Civil Act Art. 160(3): a period of years whose last year has no corresponding day ends
    on the last day of that month; two years from 2024-02-29 end on 2026-02-28 (a false red:
    the limit was 2026-02-27)."""
    base = {"designation.designated_on": "2024-02-29", "assessment.as_of": "2025-06-30"}
    _, statuses = _check(run, tmp_path, M365, {**base, "designation.valid_until": "2026-02-28"})
    assert statuses["DESIG-LENGTH"] == "pass"
    _, statuses = _check(run, tmp_path, M365, {**base, "designation.valid_until": "2026-03-01"})
    assert statuses["DESIG-LENGTH"] == "fail"


def test_a_firm_specific_condition_met_shows_its_evidence(run, tmp_path):
    condition = {"id": "quarterly_report", "text": "분기별 이용 현황 보고", "status": "met"}
    code, statuses = _check(run, tmp_path, M365, {"designation.conditions": [condition]})
    assert statuses["DESIG-CONDITIONS"] == "fail" and code == 1
    condition["evidence"] = ["EV-02"]
    code, statuses = _check(run, tmp_path, M365, {"designation.conditions": [condition]})
    assert statuses["DESIG-CONDITIONS"] == "pass" and code == 0


@pytest.mark.parametrize("example, rule", [(M365, "DATA-OWN-CATEGORY"), (PULSE, "DATA-OWN-CATEGORY"),
                                           (STANDING, "SE-DATA-OWN-CATEGORY")])
def test_saas_in_use_with_no_data_declared_is_not_judged_clean(run, tmp_path, example, rule):
    """data_categories: [] passed every excluded-data rule (nothing listed, nothing excluded)
    while mail, chat and documents were in use: the rules cannot tell, so it fails."""
    changes: dict[str, Any] = {"usage.data_categories": []}
    if example != STANDING:
        changes["designation.approved_scope.data_categories"] = []
    code, statuses = _check(run, tmp_path, example, changes)
    assert statuses[rule] == "fail" and code == 1


def test_saas_in_use_for_no_declared_task_is_not_within_scope(run, tmp_path):
    code, statuses = _check(run, tmp_path, M365, {"usage.tasks": []})
    assert statuses["SCOPE-TASKS"] == "fail" and code == 1


def test_an_empty_evidence_file_backs_nothing(run, tmp_path):
    """A 0-byte file with the digest of nothing passed EVID-FILE-PRESENT, EVID-SHA256-MATCH and
    EVID-IMPLEMENTED-BACKED: the MFA control rested on an empty file."""
    import hashlib

    doc = yaml.safe_load((EXAMPLES / M365).read_text(encoding="utf-8"))
    (tmp_path / "evidence").mkdir()
    (tmp_path / "evidence" / "mfa.png").write_bytes(b"")
    for entry in doc["evidence"]:
        entry.pop("path", None)
        entry.pop("sha256", None)
        if entry["id"] == "EV-21":
            entry["path"] = "evidence/mfa.png"
            entry["sha256"] = hashlib.sha256(b"").hexdigest()
    profile = tmp_path / "profile.json"
    profile.write_text(json.dumps(doc, ensure_ascii=False, default=str), encoding="utf-8")
    result = run("check", profile, "--format", "json")
    statuses = {f["rule_id"]: f["status"] for f in json.loads(result.stdout)["findings"]}
    assert statuses["EVID-FILE-PRESENT"] == "fail"
    assert statuses["EVID-IMPLEMENTED-BACKED"] == "fail" and result.exit_code == 1
    (tmp_path / "evidence" / "mfa.png").write_bytes(b"\x89PNG")
    doc["evidence"][[e["id"] for e in doc["evidence"]].index("EV-21")]["sha256"] = \
        hashlib.sha256(b"\x89PNG").hexdigest()
    profile.write_text(json.dumps(doc, ensure_ascii=False, default=str), encoding="utf-8")
    result = run("check", profile, "--format", "json")
    assert result.exit_code == 0
