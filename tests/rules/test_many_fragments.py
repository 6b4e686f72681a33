"""``text_includes`` over tens of thousands of fragments (a firm's own pack): one pass over
the text, not every fragment tried at every position (found by an independent hostile run,
2026-12-01: 50,000 fragments against 20,000 evidence titles took over 60 s)."""

from __future__ import annotations

import json
import random

import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from netsep_check.rules.operators.text import _ALTERNATIVES, _automaton, _finder
from tests.conftest import EXAMPLES
from tests.test_hostile_classes import WALL, run_process


@settings(max_examples=400, deadline=None)
@given(fragments=st.lists(st.text("abcá", min_size=1, max_size=5), min_size=1, max_size=40),
       text=st.text("abcád", max_size=40))
def test_the_automaton_answers_as_any_fragment_in_the_text(fragments, text):
    assert (_automaton(fragments)(text) is not None) == any(f in text for f in fragments)


def test_many_fragments_are_searched_by_the_automaton_few_by_one_pattern():
    few = ["ab", "cd"]
    many = [f"x{i}" for i in range(_ALTERNATIVES + 1)]
    assert _finder(few)("zzcd") is not None and _finder(few)("zz") is None
    assert _finder(many)("..x256..") is not None and _finder(many)("..y..") is None


def test_50000_fragments_against_20000_titles_within_bounds(tmp_path):
    rng = random.Random(2)
    pack = tmp_path / "pack"
    pack.mkdir()
    (pack / "pack.yaml").write_text(yaml.safe_dump({"pack": {
        "id": "many-fragments", "version": "1", "extends": "sandbox-2024",
        "title": {"ko": "조각", "en": "fragments"}, "rule_files": ["rules.yaml"]}}),
        encoding="utf-8")
    fragments = ["".join(rng.choices("abcdefghijklmnopqrstuvwxyz", k=8)) for _ in range(50_000)]
    rule = {"id": "X-FRAG", "area": "network_link", "severity": "medium",
            "title": {"ko": "조각", "en": "fragments"}, "rationale": {"ko": "r", "en": "r"},
            "remediation": {"ko": "r", "en": "r"},
            "basis": {"source": "fsc-2024-09-27", "clause": "x", "strength": "derived"},
            "check": {"every": {"in": "evidence", "as": "e", "if_empty": "pass", "check": {
                "not": {"text_includes": {"path": "e.title", "value": fragments}}}}}}
    (pack / "rules.yaml").write_text(yaml.safe_dump({"rules": [rule]}), encoding="utf-8")
    data = json.loads(json.dumps(yaml.safe_load(
        (EXAMPLES / "m365-compliant.yaml").read_text(encoding="utf-8")), default=str))
    data["evidence"] += [{"id": f"EV-X{i}", "title": " ".join(
        "".join(rng.choices("abcdefghij", k=7)) for _ in range(12))} for i in range(20_000)]
    profile = tmp_path / "p.json"
    profile.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    outcome = run_process("check", profile, "--pack", pack, "--format", "json", "-o",
                          tmp_path / "out.json", "--evidence-root", EXAMPLES)
    assert "Traceback" not in outcome.text and outcome.code == 0, outcome.text[-2000:]
    assert outcome.seconds < WALL
