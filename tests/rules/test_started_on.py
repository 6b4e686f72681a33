"""A start of use after the assessment date is not use in progress: it switched off the duties
reckoned from it (the semiannual self-assessment) and the profile read COMPLIANT (found by an
independent hostile run, 2026-12-01). Both regimes' in-force rules now fail it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from netsep_check.api import Options, run
from tests.conftest import EXAMPLES


@pytest.mark.parametrize(("example", "rule"), [("m365-compliant.yaml", "DESIG-IN-FORCE"),
                                               ("standing-compliant.yaml", "SE-IN-FORCE")])
@pytest.mark.parametrize("offset", [0, 1, 30_000])
def test_use_starting_after_the_assessment_date_fails_in_force(tmp_path: Path, example, rule,
                                                               offset):
    import datetime as dt

    data = json.loads(json.dumps(yaml.safe_load(
        (EXAMPLES / example).read_text(encoding="utf-8")), default=str))
    as_of = dt.date.fromisoformat(data["assessment"]["as_of"])
    started = min(as_of + dt.timedelta(days=offset), dt.date(8999, 12, 31))
    if "designation" in data:
        started = max(started, dt.date.fromisoformat(data["designation"]["designated_on"]))
    data["usage"]["started_on"] = started.isoformat()
    path = tmp_path / "p.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    result = run([path], Options(evidence_root=EXAMPLES))
    status = {f.rule.id: f.status for f in result.reports[0].findings}[rule]
    assert status == ("pass" if offset == 0 else "fail")
    if offset:
        assert result.exit_code == 1 and result.verdict == "fail"
