"""The controls a finding is about are found by walking a tree of the profile's control paths.

The OSCAL and committee reports name, for each finding, the evidence, owners and due dates of
the controls on its paths: every failing path was compared with every control, and 10,000 own
categories with their readings (each a control citing evidence) against 10,000 failing elements
of SCOPE-DATA took 132 s in OSCAL (5,000: 36 s).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import EXAMPLES
from tests.test_hostile_classes import WALL, run_process

PROPERTY = settings(max_examples=300, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow])


def profile(path: Path, count: int) -> Path:
    """The compliant M365 example with ``count`` own categories, each with its reading."""
    text = (EXAMPLES / "m365-compliant.yaml").read_text(encoding="utf-8")
    data = json.loads(json.dumps(yaml.safe_load(text), default=str))
    cats = [f"other:cat_{i}" for i in range(count)]
    data["usage"]["data_categories"] += cats
    evidence = [data["evidence"][0]["id"]]
    data["usage"]["own_data_categories"] = [
        {"category": c, "reading": "no customer data", "evidence": evidence} for c in cats]
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


STEP = st.sampled_from(["a", "b", "evidence", 0, 1, 2])  # a key or a list position


def _text(path: list[object]) -> str:
    """A finding's path as reports write it: ``[]`` for any position (``*`` here)."""
    out = ""
    for step in path:
        if step == "*":
            out += "[]"
        elif isinstance(step, int):
            out += f"[{step}]"
        else:
            out += f".{step}" if out else str(step)
    return out


@PROPERTY
@given(st.lists(st.lists(STEP, min_size=1, max_size=4), max_size=30),
       st.lists(st.lists(st.one_of(STEP, st.just("*")), min_size=1, max_size=5), min_size=1,
                max_size=3))
def test_controls_found_by_the_tree_are_those_every_pair_finds(controls, wanted):
    """Each finding's controls, by the tree, are those ``_on_path`` matches with one of its
    paths compared with every control: on or under a path, or above it, ``[]`` any position,
    in profile order, each once."""
    from netsep_check.report._profile import Control, ProfileNotes, _on_path, tokens

    notes = ProfileNotes(controls=[Control(tuple(path), None, (), None, None)
                                   for path in controls], available=True)
    paths = tuple(_text(path) for path in wanted if not isinstance(path[0], int))
    finding = type("F", (), {"paths": paths})()
    expected = [c for c in notes.controls if any(_on_path(tokens(p), c.path) for p in paths)]
    assert notes.controls_of(finding) == expected  # type: ignore[arg-type]
    assert notes.controls_of(finding) == expected  # type: ignore[arg-type]  # remembered


@pytest.mark.parametrize("fmt", ["oscal-ar", "oscal-poam", "committee"])
def test_controls_of_a_finding_are_found_without_comparing_every_pair(tmp_path, fmt):
    """The formats that name each finding's evidence and owners compared every failing path
    with every control of the profile: 30,000 own categories, each with its reading (a
    control citing evidence), against 30,000 failing elements of SCOPE-DATA was 9 × 10^8
    comparisons (5,000 took 36 s, 10,000 took 132 s); now a walk down a tree of paths."""
    path = profile(tmp_path / "own.json", 30_000)
    outcome = run_process("check" if fmt != "committee" else "report", *(
        ["committee"] if fmt == "committee" else []), path,
        *(["--format", fmt] if fmt != "committee" else []), "-o", tmp_path / "out",
        "--evidence-root", EXAMPLES)
    assert "Traceback" not in outcome.text, outcome.text[-3000:]
    assert outcome.code == 1, outcome.text[-3000:]
    assert outcome.seconds < WALL, outcome.seconds
