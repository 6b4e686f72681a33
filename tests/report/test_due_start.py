"""`due` and GOV-SELF-ASSESSMENT tell one story (domain.md §5, "Dates and duties"): the 2026
semiannual evaluation is not listed before the duty existed (2026-04-20), is never overdue
while the rule does not apply yet, and is overdue exactly when the rule fails for lack of a
recent evaluation."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from netsep_check.api import Checker
from netsep_check.evaluate.deadlines import OVERDUE, UPCOMING, firm_deadlines
from netsep_check.report.deadlines_text import render_text
from tests.conftest import EXAMPLES, variant

D = dt.date
RULE = "GOV-SELF-ASSESSMENT"


def _due(path: Path, day: D):
    checker = Checker()
    document, profile = checker.load(path)
    pack = checker.pack("sandbox-2024" if profile["regime"] == "sandbox"
                        else "standing-exception-2026")
    group = firm_deadlines(document.file, profile, pack.parameters, day)
    return group, [i for i in group.items if i.kind == "self_assessment"]


def _rule(path: Path, day: D) -> str:
    report = Checker(as_of=day, verify_evidence=False).check(path)
    return next(f.status for f in report.findings if f.rule.id == RULE)


@pytest.mark.parametrize("day", [D(2025, 3, 31), D(2025, 6, 30), D(2026, 1, 19), D(2026, 4, 19)])
@pytest.mark.parametrize("name", ["m365-compliant.yaml", "pulse-compliant.yaml"])
def test_no_semiannual_duty_before_it_existed(name, day):
    group, items = _due(EXAMPLES / name, day)
    assert items == [], items
    assert _rule(EXAMPLES / name, day) == "not_applicable"
    assert "self-assessment" not in render_text([group], "en", None)


def test_before_the_first_due_date_it_is_upcoming_on_that_date():
    """m365-compliant last evaluated 2025-01-15: 183 days on is 2025-07-17, long past in May
    2026, but the rule does not apply before 2026-10-20, so nothing is overdue before then."""
    path = EXAMPLES / "m365-compliant.yaml"
    for day in (D(2026, 4, 20), D(2026, 7, 1), D(2026, 10, 19)):
        _, [item] = _due(path, day)
        assert (item.due, item.state, item.reason) == (D(2026, 10, 19), UPCOMING,
                                                       "first_evaluation"), day
        assert _rule(path, day) == "not_applicable"
    _, [item] = _due(path, D(2026, 10, 20))
    assert item.state == OVERDUE and _rule(path, D(2026, 10, 20)) == "fail"


def test_a_late_start_of_use_moves_the_first_due_date(tmp_path):
    path = variant(tmp_path, "m365-compliant.yaml", "late.yaml",
                   ("usage:\n", "usage:\n  started_on: 2026-09-01\n"))
    first = D(2026, 9, 1) + dt.timedelta(days=183)  # the rule applies from this day
    _, [item] = _due(path, D(2026, 11, 30))
    assert (item.due, item.state) == (first - dt.timedelta(days=1), UPCOMING)
    assert _rule(path, first - dt.timedelta(days=1)) == "not_applicable"
    assert _rule(path, first) == "fail"
    _, [item] = _due(path, first)
    assert item.state == OVERDUE


@pytest.mark.parametrize("day", [D(2026, 4, 20) + dt.timedelta(days=n) for n in range(0, 400, 23)])
@pytest.mark.parametrize("name", ["m365-compliant.yaml", "standing-compliant.yaml"])
def test_overdue_exactly_when_the_rule_fails(name, day):
    path = EXAMPLES / name
    _, items = _due(path, day)
    status = _rule(path, day)
    assert len(items) == 1
    assert (items[0].state == OVERDUE) == (status == "fail"), (day, items[0], status)


def test_the_korean_label_of_the_first_evaluation():
    from netsep_check.report.deadlines_text import detail

    _, [item] = _due(EXAMPLES / "m365-compliant.yaml", D(2026, 7, 1))
    assert "첫 평가 기한" in detail(item, "ko") and "first evaluation" in detail(item, "en")


# --- the three formats of `due` list the same deadlines ------------------------------------

def test_text_json_and_calendar_list_the_same_deadlines(run, tmp_path):
    from icalendar import Calendar

    untrained = variant(tmp_path, "m365-compliant.yaml", "untrained.yaml",
                        ("training: {status: implemented", "training: {status: planned"))
    facts = EXAMPLES / "tenant" / "scubagear-facts.json"
    args = ("due", untrained, EXAMPLES / "standing-compliant.yaml", "--tenant-facts", facts,
            "--as-of", "2026-07-01", "--lang", "en")
    document = __import__("json").loads(run(*args, "--format", "json").stdout)
    listed = [(g["file"], d) for g in document["groups"] for d in g["deadlines"]]
    assert any(d["due"] is None for _, d in listed)  # an undated one among them
    text = run(*args, "--format", "text").stdout
    assert "not dated by this version" not in text  # tenant facts are dated (JSON agrees)
    assert document["not_covered"] == []
    assert text.count("\n!! ") + text.count("\n?? ") + text.count("\n   20") == len(listed)
    events = Calendar.from_ical(run(*args, "--format", "ics").stdout).walk("VEVENT")
    assert len(events) == len(listed)
    undated = [e for e in events if str(e["SUMMARY"]).startswith("[UNDATED]")]
    assert len(undated) == sum(1 for _, d in listed if d["due"] is None)
    assert all(e.decoded("DTSTART") == D(2026, 7, 1) for e in undated)  # the judging date
    assert all("no date recorded" in str(e["DESCRIPTION"]) or "not implemented"
               in str(e["DESCRIPTION"]) or "comprehensive" in str(e["DESCRIPTION"])
               for e in undated)
