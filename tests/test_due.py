"""netsep-check due: the date logic (evaluate/deadlines.py), its renderers and the command."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from netsep_check.api import Checker
from netsep_check.evaluate.deadlines import (
    OVERDUE,
    UNDETERMINED,
    UPCOMING,
    firm_deadlines,
    months_before,
    period_end,
    within,
)
from tests.conftest import EXAMPLES, variant

D = dt.date
M365 = EXAMPLES / "m365-compliant.yaml"
STANDING = EXAMPLES / "standing-compliant.yaml"
PULSE = EXAMPLES / "pulse-compliant.yaml"


def deadlines(path: Path, as_of: D):
    checker = Checker()
    document, profile = checker.load(path)
    pack = checker.pack("sandbox-2024" if profile["regime"] == "sandbox"
                        else "standing-exception-2026")
    return firm_deadlines(document.file, profile, pack.parameters, as_of)


def item(group, kind: str):
    found = [i for i in group.items if i.kind == kind]
    assert len(found) == 1, (kind, group.items)
    return found[0]


# --- calendar ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("start", "years", "months", "end"), [
    (D(2024, 9, 27), 2, 0, D(2026, 9, 26)),   # the designations of the seed (domain.md §5)
    (D(2024, 9, 27), 4, 0, D(2028, 9, 26)),   # with the one extension
    (D(2024, 2, 29), 2, 0, D(2026, 2, 28)),   # no 29 February in the final year: month's end
    (D(2024, 2, 29), 4, 0, D(2028, 2, 28)),   # 2028-02-29 exists: the day before it
    (D(2024, 1, 1), 1, 0, D(2024, 12, 31)),
    (D(2024, 3, 1), 2, 0, D(2026, 2, 28)),
    (D(2024, 8, 31), 0, 6, D(2025, 2, 28)),   # no 31 February
    (D(2023, 8, 31), 0, 6, D(2024, 2, 29)),   # leap year: 29 February is the month's end
    (D(2024, 8, 28), 0, 6, D(2025, 2, 27)),
    (D(2024, 12, 31), 3, 0, D(2027, 12, 30)),
])
def test_period_end_follows_the_calendar(start, years, months, end):
    assert period_end(start, years=years, months=months) == end


@pytest.mark.parametrize(("day", "months", "before"), [
    (D(2026, 9, 26), 3, D(2026, 6, 26)),
    (D(2026, 5, 31), 3, D(2026, 2, 28)),  # no 31 February: the month's last day
    (D(2028, 5, 31), 3, D(2028, 2, 29)),
    (D(2026, 2, 15), 3, D(2025, 11, 15)),  # across a year
])
def test_months_before(day, months, before):
    assert months_before(day, months) == before


# --- what the dates are ---------------------------------------------------------------------

def test_designation_end_of_the_seed_and_its_request_dates():
    group = deadlines(M365, D(2026, 3, 1))
    end = item(group, "designation_end")
    assert (end.due, end.state, end.strength, end.capped) == (D(2026, 12, 17), UPCOMING,
                                                              "secondary", False)
    assert end.days_left == (D(2026, 12, 17) - D(2026, 3, 1)).days
    request = item(group, "extension_request")
    assert request.due == D(2026, 9, 17)
    assert request.strength == "derived"  # no statutory deadline verified: not presented as law
    assert item(group, "improvement_request").strength == "secondary"


def test_designation_end_is_the_last_day_in_force():
    assert item(deadlines(M365, D(2026, 12, 17)), "designation_end").state == UPCOMING
    lapsed = item(deadlines(M365, D(2026, 12, 18)), "designation_end")
    assert (lapsed.state, lapsed.days_left) == (OVERDUE, -1)


def test_a_stated_end_beyond_the_legal_maximum_is_capped(tmp_path):
    path = variant(tmp_path, "m365-compliant.yaml", "long.yaml",
                   ("valid_until: 2026-12-17", "valid_until: 2027-12-17"))
    end = item(deadlines(path, D(2026, 3, 1)), "designation_end")
    assert (end.due, end.capped, end.stated) == (D(2026, 12, 17), True, D(2027, 12, 17))


def test_an_extended_designation_has_no_extension_request(tmp_path):
    path = variant(tmp_path, "m365-compliant.yaml", "ext.yaml",
                   ("valid_until: 2026-12-17", "valid_until: 2028-12-17"),
                   ("extended: false", "extended: true"))
    group = deadlines(path, D(2026, 3, 1))
    assert item(group, "designation_end").due == D(2028, 12, 17)
    assert not [i for i in group.items if i.kind == "extension_request"]


def test_standing_exception_has_no_designation_dates_and_says_what_it_cannot_date():
    group = deadlines(STANDING, D(2026, 6, 1))
    kinds = {i.kind for i in group.items}
    assert not kinds & {"designation_end", "extension_request", "improvement_request"}
    comprehensive = item(group, "provider_comprehensive")
    assert comprehensive.due is None and comprehensive.state == UNDETERMINED
    assert comprehensive.reason == "last_comprehensive_unknown"
    assert group.items[-1].state == UNDETERMINED  # the undated come last


@pytest.mark.parametrize(("kind", "rule"), [
    ("training", "OPS-TRAINING-CURRENT"), ("self_assessment", "GOV-SELF-ASSESSMENT"),
    ("upload_scan", "SAAS-UPLOAD-SCAN-CURRENT"), ("provider_periodic", "PROV-EVAL-CURRENT"),
])
def test_a_recurring_due_date_is_the_last_day_its_rule_passes(kind, rule, tmp_path):
    profile = M365
    if kind == "self_assessment":  # the 2026 duty exists from 2026-10-20 (domain.md §5)
        profile = variant(tmp_path, "m365-compliant.yaml", "later.yaml",
                          ("last_performed_on: 2025-01-15", "last_performed_on: 2026-06-01"))
    due = item(deadlines(profile, D(2026, 7, 1) if kind == "self_assessment" else
                         D(2025, 3, 31)), kind).due
    assert due is not None

    def status(day: D) -> str:
        report = Checker(as_of=day, verify_evidence=False).check(profile)
        return next(f.status for f in report.findings if f.rule.id == rule)

    assert status(due) == "pass"
    assert status(due + dt.timedelta(days=1)) == "fail"


def test_a_control_not_implemented_is_listed_undated(tmp_path):
    path = variant(tmp_path, "m365-compliant.yaml", "untrained.yaml",
                   ("training: {status: implemented", "training: {status: planned"))
    training = item(deadlines(path, D(2025, 3, 31)), "training")
    assert (training.due, training.reason) == (None, "not_implemented")


def test_overdue_first_then_by_date():
    group = deadlines(M365, D(2026, 3, 1))
    states = [i.state for i in group.items]
    assert states == sorted(states, key=[OVERDUE, UPCOMING, UNDETERMINED].index)
    overdue = [i.due for i in group.items if i.state == OVERDUE]
    upcoming = [i.due for i in group.items if i.state == UPCOMING]
    assert overdue and upcoming
    assert overdue == sorted(overdue) and upcoming == sorted(upcoming)
    assert group.items[0].state == OVERDUE


def test_within_keeps_overdue_and_undated():
    group = deadlines(STANDING, D(2026, 6, 1))
    kept = within(group, 0)
    assert all(i.state != UPCOMING or i.days_left <= 0 for i in kept.items)
    assert any(i.state == UNDETERMINED for i in kept.items)


# --- the command ------------------------------------------------------------------------------

def test_due_exit_1_when_overdue_and_0_when_not(run):
    late = run("due", M365, "--as-of", "2026-03-01")
    assert late.exit_code == 1, late.stderr
    assert "기한 경과" in late.stdout
    fine = run("due", M365, "--as-of", "2025-03-31", "--lang", "en")
    assert fine.exit_code == 0, fine.stdout
    assert "designation ends" in fine.stdout and "OVERDUE" not in fine.stdout


def test_due_bad_input_is_exit_2(run, tmp_path):
    assert run("due", tmp_path / "nope.yaml").exit_code == 2
    assert run("due", M365, "--as-of", "2026-13-01").exit_code == 2
    broken = tmp_path / "broken.yaml"
    broken.write_text("profile_version: 1\nfirm: [\n", encoding="utf-8")
    result = run("due", broken, M365, "--as-of", "2025-03-31")
    assert result.exit_code == 2 and "broken.yaml" in result.stderr
    assert "예시은행" in result.stdout  # the valid profile is still listed


def test_due_batch_is_per_firm_in_order_with_waivers(run):
    result = run("due", M365, STANDING, PULSE, "--as-of", "2026-03-01", "--format", "json",
                 "--waivers", EXAMPLES / "waivers.yaml", "--lang", "en")
    document = json.loads(result.stdout)
    assert document["format"] == "netsep-check-deadlines"
    groups = document["groups"]
    assert [g["file"].rsplit("/", 1)[-1] for g in groups] == [
        "m365-compliant.yaml", "standing-compliant.yaml", "pulse-compliant.yaml",
        "waivers.yaml"]
    assert groups[0]["firm"] == "예시은행" and groups[1]["regime"] == "standing_exception"
    waiver = groups[3]["deadlines"][0]
    assert (waiver["kind"], waiver["due"], waiver["subject"]) == (
        "waiver_expiry", "2025-12-31", "RISK-2025-0042")
    for group in groups:
        ranks = [{"overdue": 0, "upcoming": 1, "undetermined": 2}[d["state"]]
                 for d in group["deadlines"]]
        assert ranks == sorted(ranks)
    assert result.exit_code == 1


def test_due_within_filters(run):
    result = run("due", M365, "--as-of", "2025-03-31", "--within", "60", "--format", "json")
    dues = [d for g in json.loads(result.stdout)["groups"] for d in g["deadlines"]]
    assert all(d["days_left"] is None or d["days_left"] <= 60 for d in dues)
    everything = run("due", M365, "--as-of", "2025-03-31", "--format", "json")
    assert len(json.loads(everything.stdout)["groups"][0]["deadlines"]) > len(dues)


# --- the calendar -----------------------------------------------------------------------------

def _events(text: str):
    from icalendar import Calendar

    calendar = Calendar.from_ical(text)
    return [c for c in calendar.walk("VEVENT")]


@pytest.mark.parametrize(("lang", "words"), [("ko", "지정기간 종료일"), ("en", "designation ends")])
def test_ics_parses_back_with_the_expected_events(run, tmp_path, lang, words):
    out = tmp_path / "due.ics"
    result = run("due", M365, STANDING, "--as-of", "2026-03-01", "--format", "ics",
                 "--lang", lang, "-o", out)
    assert result.exit_code == 1  # some are overdue
    events = _events(out.read_text(encoding="utf-8"))
    json_doc = json.loads(run("due", M365, STANDING, "--as-of", "2026-03-01", "--format",
                              "json").stdout)
    listed = [d for g in json_doc["groups"] for d in g["deadlines"]]  # undated too
    assert len(events) == len(listed)
    by_summary = {str(e["SUMMARY"]): e for e in events}
    end = next(e for s, e in by_summary.items() if words in s and "예시은행" in s)
    start = end.decoded("DTSTART")
    assert isinstance(start, dt.date) and not isinstance(start, dt.datetime)  # all-day
    assert start == D(2026, 12, 17)
    assert end.decoded("DTEND") == D(2026, 12, 18)
    assert all(str(e["UID"]).endswith("@netsep-check") for e in events)
    assert len({str(e["UID"]) for e in events}) == len(events)


def test_ics_is_deterministic_and_uids_survive_a_moved_date(run, tmp_path):
    first = run("due", M365, "--as-of", "2026-03-01", "--format", "ics").stdout
    again = run("due", M365, "--as-of", "2026-03-01", "--format", "ics").stdout
    assert first == again
    moved = variant(tmp_path, "m365-compliant.yaml", "m365-compliant.yaml",
                    ("last_performed_on: 2025-02-10", "last_performed_on: 2025-12-10"))
    later = run("due", moved, "--as-of", "2026-03-01", "--format", "ics").stdout

    def training(text):
        return next(e for e in _events(text) if "교육" in str(e["SUMMARY"]))

    assert str(training(first)["UID"]) == str(training(later)["UID"])
    assert training(first).decoded("DTSTART") == D(2026, 2, 10)
    assert training(later).decoded("DTSTART") == D(2026, 12, 10)


def test_tenant_facts_going_stale(run):
    """issue 11 §3: tenant facts are dated too — tenant_facts_max_age_days after collection."""
    facts = EXAMPLES / "tenant" / "scubagear-facts.json"
    result = run("due", M365, "--tenant-facts", facts, "--format", "json", "--as-of",
                 "2026-05-08")
    document = json.loads(result.stdout)
    stale = [d for g in document["groups"] for d in g["deadlines"]
             if d["kind"] == "tenant_facts_stale"]
    assert len(stale) == 1 and stale[0]["rule"] == "TENANT-FACTS-AGE"
    collected = dt.date.fromisoformat(stale[0]["counted_from"])
    assert dt.date.fromisoformat(stale[0]["due"]) == collected + dt.timedelta(days=90)
    assert document["not_covered"] == []
