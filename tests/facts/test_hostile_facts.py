"""Tenant-facts files that could hide a contradiction or end in an internal error (found by an
independent hostile run, 2026-12-01)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from netsep_check.api import Options, run
from netsep_check.errors import EXIT_FAIL, EXIT_INPUT
from netsep_check.facts.model import parse_timestamp
from tests.conftest import EXAMPLES

FACTS = EXAMPLES / "tenant" / "scubagear-facts.json"
PROFILE = EXAMPLES / "m365-tenant-measured.yaml"


def _facts() -> dict[str, Any]:
    return json.loads(FACTS.read_text(encoding="utf-8"))


def _judge(path: Path) -> Any:
    return run([PROFILE], Options(evidence_root=EXAMPLES, tenant_facts=(path,)))


def _passing_copies_first(data: dict[str, Any]) -> dict[str, Any]:
    """Each fact again, first, as a pass (a policy) or as itself (a setting): the copy a
    reader that keeps the first of an id would read."""
    copies = [{**fact, "value": "pass"} if fact["kind"] == "policy" else dict(fact)
              for fact in data["facts"]]
    return {**data, "facts": copies + data["facts"]}


def test_the_example_facts_contradict_the_profile():
    result = _judge(FACTS)
    assert result.exit_code == EXIT_FAIL
    assert any(f.rule.id.startswith("TENANT-") and f.failing for f in result.reports[0].findings)


def test_a_fact_given_twice_is_an_input_error_not_a_pass(tmp_path):
    """A passing copy of each fact put first hid all 13 contradictions: exit 0."""
    path = tmp_path / "facts.json"
    path.write_text(json.dumps(_passing_copies_first(_facts())), encoding="utf-8")
    result = _judge(path)
    assert result.exit_code == EXIT_INPUT and not result.reports
    [problem] = [p for i in result.invalid for p in i.problems]
    assert problem.code == "facts.duplicate_id" and problem.path.endswith(".id")


@pytest.mark.parametrize("stamp", ["0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00"])
def test_a_timestamp_beyond_the_calendar_in_utc_is_an_input_error(tmp_path, stamp):
    """An offset that carries the moment before the year 1 or after 9999: OverflowError,
    exit 3, in check, due and import."""
    with pytest.raises(ValueError, match="outside the years"):
        parse_timestamp(stamp)
    data = _facts()
    data["source"]["collected_at"] = stamp
    path = tmp_path / "facts.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    result = _judge(path)
    assert result.exit_code == EXIT_INPUT


def test_a_collected_at_of_a_million_digits_is_refused(tmp_path):
    """Repeated in each of 45 tenant findings and wrapped by the text report: 35 s for 3 MB."""
    data = _facts()
    data["source"]["collected_at"] = "2026-05-04T17:15:48." + "1" * 1_000_000 + "Z"
    path = tmp_path / "facts.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    result = _judge(path)
    assert result.exit_code == EXIT_INPUT
    assert "at most 64 characters" in str(result.invalid[0].problems[0])


def test_a_64_mib_results_file_of_empty_mappings_is_refused_before_it_is_built(tmp_path):
    """22 million ``{}`` in a ScubaGear results file (64 MiB, its size limit): json built
    them all before the value limit was asked, over 1 GiB."""
    from tests.test_hostile_classes import GIB, WALL, run_process

    count = (64 * 1024 * 1024 - 200) // 3
    path = tmp_path / "ScubaResults.json"
    with path.open("w", encoding="utf-8") as handle:
        handle.write('{"MetaData": {}, "Results": {}, "Raw": {"junk": [')
        handle.write("{}," * (count - 1) + "{}]}}")
    assert path.stat().st_size <= 64 * 1024 * 1024
    outcome = run_process("check", PROFILE, "--evidence-root", EXAMPLES, "--tenant-facts", path,
                          "--lang", "en", memory=GIB)
    assert "Traceback" not in outcome.text and outcome.code == EXIT_INPUT, outcome.text[-2000:]
    assert "more than 4000000 values" in outcome.stderr
    assert outcome.seconds < WALL
