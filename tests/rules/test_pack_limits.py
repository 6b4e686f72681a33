"""A pack of tens of thousands of rules (found by an independent hostile run, 2026-12-01: 20,000
trivial rules took 10 s in the text report, which lists every rule): at most MAX_RULES."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from netsep_check.errors import InputError
from netsep_check.rules import load_pack
from netsep_check.rules.packs import MAX_RULES


def _pack(folder: Path, extra: int) -> Path:
    folder.mkdir()
    (folder / "pack.yaml").write_text(yaml.safe_dump({"pack": {
        "id": "many-rules", "version": "1", "extends": "sandbox-2024",
        "title": {"ko": "규칙", "en": "rules"}, "rule_files": ["rules.yaml"]}}), encoding="utf-8")
    rules = [{"id": f"X-{i:05d}", "area": "network_link", "severity": "low",
              "title": {"ko": "t", "en": "t"}, "rationale": {"ko": "r", "en": "r"},
              "remediation": {"ko": "r", "en": "r"},
              "basis": {"source": "fsc-2024-09-27", "clause": "x", "strength": "derived"},
              "check": {"exists": "firm.name"}} for i in range(extra)]
    (folder / "rules.yaml").write_text(yaml.safe_dump({"rules": rules}), encoding="utf-8")
    return folder


def test_a_pack_at_the_limit_loads_one_over_is_refused(tmp_path):
    base = len(load_pack("sandbox-2024").rules)
    assert len(load_pack(_pack(tmp_path / "at", MAX_RULES - base)).rules) == MAX_RULES
    with pytest.raises(InputError) as caught:
        load_pack(_pack(tmp_path / "over", MAX_RULES - base + 1))
    [problem] = caught.value.problems
    assert problem.code == "pack.too_many_rules" and problem.file.endswith("pack.yaml")
