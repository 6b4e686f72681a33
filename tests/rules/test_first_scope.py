"""The first scope of the 2024-09-27 decision held no mobile use, generative AI or pseudonymised
data: each was opened later by a separate decision (domain.md §5). A 2024-09-27 designation whose
``approved_scope`` says otherwise read as allowed, and the profile could read COMPLIANT (a false
green left open by the fourth hostile run). Only a designation change counts for that date; a
designation of another date may still allow them in its first scope."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from netsep_check.api import Options, run
from tests.conftest import EXAMPLES

OPENINGS = [("mobile_access", "SCOPE-MOBILE"), ("generative_ai", "SCOPE-GENERATIVE-AI"),
            ("pseudonymised_data", "SCOPE-PSEUDONYMISED")]


def _profile(tmp_path: Path, field: str, designated_on: str,
             change: dict[str, Any] | None = None) -> Path:
    data = json.loads(json.dumps(yaml.safe_load(
        (EXAMPLES / "m365-compliant.yaml").read_text(encoding="utf-8")), default=str))
    designation = data["designation"]
    designation["designated_on"] = designated_on
    designation["approved_scope"][field] = True
    data["usage"][field] = True
    if change is not None:
        designation["scope_changes"] = [change]
    path = tmp_path / f"{field}-{designated_on}.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def _status(path: Path, rule: str) -> tuple[str, str]:
    result = run([path], Options(evidence_root=EXAMPLES))
    return {f.rule.id: f.status for f in result.reports[0].findings}[rule], result.verdict


@pytest.mark.parametrize(("field", "rule"), OPENINGS)
def test_the_2024_09_27_first_scope_does_not_open_what_came_later(tmp_path: Path, field, rule):
    status, verdict = _status(_profile(tmp_path, field, "2024-09-27"), rule)
    assert status == "fail" and verdict == "fail"


@pytest.mark.parametrize(("field", "rule"), OPENINGS)
def test_a_designation_change_opens_it_for_2024_09_27(tmp_path: Path, field, rule):
    change = {"decided_on": "2025-02-20", "reference": "2025-FSC-0220-03",
              "adds": {field: True}, "evidence": ["EV-01"]}
    status, _ = _status(_profile(tmp_path, field, "2024-09-27", change), rule)
    assert status == "pass"


@pytest.mark.parametrize(("field", "rule"), OPENINGS)
def test_another_decision_may_hold_it_in_its_first_scope(tmp_path: Path, field, rule):
    status, _ = _status(_profile(tmp_path, field, "2024-12-18"), rule)
    assert status == "pass"


@pytest.mark.parametrize(("field", "rule"), OPENINGS)
@pytest.mark.parametrize("disguise", ["same day", "the notice again"])
def test_the_first_scope_rewritten_as_a_change_does_not_open_it(tmp_path: Path, field, rule,
                                                                 disguise):
    """A "change" decided on the designation day, or citing only the designation notice, is
    the first designation under another name (sixth hostile run: it read COMPLIANT)."""
    change = {"decided_on": "2024-09-27" if disguise == "same day" else "2025-02-20",
              "reference": "2024-FSC-0927-05", "adds": {field: True},
              "evidence": ["EV-01" if disguise == "same day" else "EV-02"]}
    path = _profile(tmp_path, field, "2024-09-27", change)
    data = json.loads(path.read_text(encoding="utf-8"))
    del data["designation"]["approved_scope"][field]
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    status, verdict = _status(path, rule)
    assert status == "fail" and verdict == "fail"
