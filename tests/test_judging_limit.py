"""A profile whose judgment would examine too many list elements one by one is refused, never
judged on part of them.

Every failing element of a list is judged in detail (its failure is its identity for
baselines and diffs), at a few microseconds each: 800,000 failing own categories in a 16 MiB
profile took 13 s, 1.1 million shorter ones longer, over the issue's 10 s bound. A judgment
now examines at most ``MAX_DETAILED`` elements in detail over all its rules; a profile that
would need more is an input error (exit 2) in every format, with the limit named.
"""

from __future__ import annotations

import itertools
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from netsep_check.api import Options, run
from netsep_check.errors import EXIT_INPUT
from netsep_check.report import renderer
from netsep_check.report.problems import problem_text
from netsep_check.rules.operators import base
from tests.conftest import EXAMPLES
from tests.test_hostile_classes import GIB, WALL, run_process

CODE = "profile.too_much_to_judge"


def _base() -> dict[str, Any]:
    text = (EXAMPLES / "m365-compliant.yaml").read_text(encoding="utf-8")
    return json.loads(json.dumps(yaml.safe_load(text), default=str))


def own_profile(path: Path, count: int, name: str = "other:cat_{i:07d}") -> Path:
    data = _base()
    data["usage"]["data_categories"] += [name.format(i=i) for i in range(count)]
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def _filled(path: Path, name: str) -> Path:
    """As many own categories named ``name`` as fit in 16 MiB (the size limit)."""
    data = _base()
    room = 16 * 1024 * 1024 - len(json.dumps(data)) - 4096
    cats, i = [], 0
    while room > 0:
        cats.append(name.format(i=i))
        room -= len(cats[-1]) + 4
        i += 1
    data["usage"]["data_categories"] += cats
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


# --- the hostile size: under the size limit, refused within the bounds --------------------

@pytest.mark.parametrize("name", ["other:cat_{i:07d}", "other:c{i:x}"],
                         ids=["800k-long-names", "1.1M-short-names"])
@pytest.mark.parametrize("fmt", ["json", "text"])
def test_a_16_mib_profile_of_failing_own_categories_is_refused_within_bounds(
        tmp_path, name, fmt):
    """13 s (798,519 names of 17 characters) and about 18 s (1.1 to 1.3 million shorter
    ones) before, judged; now refused in a few seconds."""
    profile = _filled(tmp_path / "own.json", name)
    assert profile.stat().st_size <= 16 * 1024 * 1024
    out = tmp_path / f"report.{fmt}"
    outcome = run_process("check", profile, "--format", fmt, "-o", out, "--lang", "en",
                          "--evidence-root", EXAMPLES, memory=GIB)
    assert "Traceback" not in outcome.text, outcome.text[-3000:]
    assert outcome.code == EXIT_INPUT, outcome.text[-3000:]
    assert outcome.seconds < WALL, outcome.seconds
    limit = f"{base.MAX_DETAILED:,}"
    assert f"more than {limit} list elements" in outcome.stderr
    written = out.read_text(encoding="utf-8")
    if fmt == "json":
        invalid = json.loads(written)["invalid"]
        assert [p["code"] for p in invalid[0]["problems"]] == [CODE]
    else:
        assert limit in written


# --- the limit's meaning, at a small limit ------------------------------------------------

@pytest.fixture
def small_limit(monkeypatch):
    monkeypatch.setattr(base, "MAX_DETAILED", 50)
    return 50


def _judged(path: Path) -> Any:
    return run([path], Options(evidence_root=EXAMPLES))


def test_over_the_limit_the_profile_is_an_input_error_in_both_languages(tmp_path,
                                                                         small_limit):
    result = _judged(own_profile(tmp_path / "p.json", 60))
    assert result.exit_code == EXIT_INPUT and result.verdict == "undetermined"
    assert not result.reports
    [problem] = result.invalid[0].problems
    assert problem.code == CODE and problem.params == {"limit": "50"}
    assert "more than 50 list elements" in problem_text(problem, "en")
    assert "50개 넘게" in problem_text(problem, "ko")
    for fmt in ("markdown", "sarif", "junit", "html"):
        assert "more than 50 list elements" in renderer(fmt)(result, "en"), fmt


def _tasks_and_categories(path: Path, tasks: int, categories: int) -> Path:
    data = _base()
    data["usage"]["tasks"] += [f"task_{i:03d}" for i in range(tasks)]  # SCOPE-TASKS fails each
    data["usage"]["data_categories"] += [f"other:cat_{i:03d}" for i in range(categories)]
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_the_limit_counts_every_rule_and_list_of_one_judgment(tmp_path, small_limit):
    """30 failing tasks, or 15 failing own categories (two rules each), are judged; both in
    one profile are refused: the limit is on the judgment, not on a rule or a list."""
    for tasks, categories in ((30, 0), (0, 15)):
        result = _judged(_tasks_and_categories(tmp_path / f"{tasks}.json", tasks, categories))
        assert not result.invalid and result.reports[0].verdict == "fail"
    result = _judged(_tasks_and_categories(tmp_path / "both.json", 30, 15))
    assert [p.code for i in result.invalid for p in i.problems] == [CODE]


_MINIMAL: dict[int, int] = {}


def _minimal_limit(tmp_path: Path, failing: int) -> int:
    """The smallest limit that judges the example with ``failing`` own categories, found by
    halving (remembered per count: the profile is the same for a count)."""
    if failing not in _MINIMAL:
        path = own_profile(tmp_path / f"minimal{failing}.json", failing)
        saved = base.MAX_DETAILED
        low, high = 0, 10_000
        try:
            while low < high:
                base.MAX_DETAILED = (low + high) // 2
                if _judged(path).invalid:
                    low = base.MAX_DETAILED + 1
                else:
                    high = base.MAX_DETAILED
        finally:
            base.MAX_DETAILED = saved
        _MINIMAL[failing] = low
    return _MINIMAL[failing]


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(failing=st.integers(0, 40), limit=st.integers(0, 120))
def test_a_profile_is_refused_or_judged_exactly_as_without_the_limit(tmp_path, monkeypatch,
                                                                     failing, limit):
    """Whatever the limit: the report is the one an unlimited judgment makes, or there is
    none and the profile is refused; and a larger limit never refuses what a smaller one
    judged. It is refused exactly below the count the profile needs."""
    path = own_profile(tmp_path / f"p{failing}.json", failing)
    monkeypatch.setattr(base, "MAX_DETAILED", 10**9)
    unlimited = _judged(path)
    monkeypatch.setattr(base, "MAX_DETAILED", limit)
    limited = _judged(path)
    monkeypatch.setattr(base, "MAX_DETAILED", limit + 1)
    larger = _judged(path)
    if limited.invalid:
        assert not limited.reports
        assert [p.code for p in limited.invalid[0].problems] == [CODE]
    else:
        assert limited.reports == unlimited.reports
        assert larger.reports == unlimited.reports
    assert bool(limited.invalid) == (limit < _minimal_limit(tmp_path, failing))


def test_two_rules_examine_each_failing_category(tmp_path):
    """Each failing own category is examined by two rules (SCOPE-DATA, DATA-OWN-CATEGORY),
    over what the rest of the example costs. (With none at all, a rule that reads the
    categories examines two other elements instead: the count is not additive from zero.)"""
    costs = [_minimal_limit(tmp_path, n) for n in (1, 2, 5, 10)]
    assert [b - a for a, b in itertools.pairwise(costs)] == [2, 6, 10]


def test_a_rule_case_over_the_limit_is_broken_not_a_crash(small_limit):
    """``policy test`` judges a pack's cases one rule at a time: a case the limit refuses
    is reported broken, never a traceback and never the case's expected verdict."""
    from netsep_check.authoring.cases import _Bases, run_case
    from netsep_check.rules import load_pack

    pack = load_pack("sandbox-2024")
    compiled = next(c for c in pack.compiled if c.rule.id == "SCOPE-TASKS")

    case = {"name": "many", "expect": "fail",
            "set": {"usage.tasks": [f"task_{i:03d}" for i in range(60)]}}
    result = run_case(compiled, case, _Bases(pack))
    assert result.actual == "broken" and not result.ok
    assert "more than 50 list elements" in result.detail
