"""A ``not`` that an element of ``every`` fails is said of that element.

``DATA-OWN-CATEGORY`` fails an own category named after excluded data whatever reading is
stated, through a ``not``; its failure leaf named no field and no value ("this must not hold:
…"), so every such category was the same failing element, in the message and for baselines
and diffs.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

from netsep_check.api import Options, diff_sides
from netsep_check.api import run as judge
from netsep_check.report import renderer
from tests.conftest import EXAMPLES

FIELD = "usage.data_categories[]"


def _base() -> dict[str, Any]:
    text = (EXAMPLES / "m365-compliant.yaml").read_text(encoding="utf-8")
    return json.loads(json.dumps(yaml.safe_load(text), default=str))


def _json_report(source: Path, target: Path) -> Path:
    result = judge([source], Options(evidence_root=EXAMPLES, jobs=1))
    target.write_text(renderer("json")(result, "en"), encoding="utf-8")
    return target


def test_a_category_named_after_customer_data_is_its_own_failing_element(tmp_path):
    """``DATA-OWN-CATEGORY`` fails an own category named after excluded data whatever
    reading is stated, through a ``not``: its leaf named no field and no value, so every such
    category was the same failing element — a baseline with other:customer_a took a new
    other:customer_b for a known failure, and a diff said nothing newly failed."""
    def named(cats: list[str], name: str) -> Path:
        data = _base()
        data["usage"]["data_categories"] += cats
        data["designation"]["approved_scope"]["data_categories"] += cats
        data["usage"]["own_data_categories"] = [
            {"category": c, "reading": "no customer data",
             "evidence": [data["evidence"][0]["id"]]} for c in cats]
        (tmp_path / name).write_text(json.dumps(data), encoding="utf-8")
        return tmp_path / name

    base = _json_report(named(["other:customer_a"], "a.json"), tmp_path / "a-report.json")
    head = named(["other:customer_a", "other:customer_b"], "b.json")
    result = judge([head], Options(evidence_root=EXAMPLES, jobs=1, baseline=base))
    [finding] = [f for f in result.reports[0].findings if f.status == "fail"]
    assert finding.rule.id == "DATA-OWN-CATEGORY" and not finding.known
    assert result.exit_code == 1
    words = renderer("json")(result, "en")
    assert "other:customer_b, of which this must not hold" in words
    diff = diff_sides(base, head, Options(evidence_root=EXAMPLES))
    assert [(c.rule_id, c.new) for c in diff.newly_failing] == [
        ("DATA-OWN-CATEGORY", ((FIELD, "other:customer_b"),))]
