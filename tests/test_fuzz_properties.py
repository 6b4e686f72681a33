"""Generated junk thrown at the loader and at ``check``: a verdict or a clean input error, always.

Three sources of junk: random YAML/JSON trees, random bytes (alone and spliced into a valid
profile), and mutations of the valid examples (a key deleted, a scalar's type changed, junk
inserted). Every outcome must be a :class:`Report` (exit 0 or 1) or an :class:`InputError`
(exit 2) whose problems name the file; any other exception is a defect.
"""

from __future__ import annotations

import json
import os
import random
import tempfile
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from netsep_check.api import Checker
from netsep_check.cli import main
from netsep_check.errors import InputError
from netsep_check.evaluate import Report
from netsep_check.load import load_document
from netsep_check.load.document import parse_source
from netsep_check.load.source import Source
from tests.conftest import all_paths

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
EXAMPLE_FILES = sorted(p for p in EXAMPLES.glob("*.yaml") if p.name != "waivers.yaml"
                       and "profile_version" in p.read_text(encoding="utf-8"))
# CI runs a few dozen examples per property (the suite stays within seconds); a longer hunt:
# NETSEP_FUZZ_SCALE=50 python -m pytest tests/test_fuzz_properties.py
SCALE = int(os.environ.get("NETSEP_FUZZ_SCALE", "1"))


def _settings(examples: int) -> settings:
    return settings(max_examples=examples * SCALE, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


FAST = _settings(60)

_WORK = Path(tempfile.mkdtemp(prefix="netsep-fuzz-"))
_CHECKER = Checker()  # packs compiled once for every example


def _example_data() -> list[dict[str, Any]]:
    return [load_document(p).data for p in EXAMPLE_FILES]


EXAMPLE_DATA = _example_data()

# --- strategies -------------------------------------------------------------------------------

_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=12)
_keys = st.one_of(st.sampled_from(["id", "status", "evidence", "path", "sha256", "tasks",
                                   "regime", "as_of", "x_note", "<<", "yes", "on"]), _text)
scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-10**6, 10**6),
    st.floats(allow_nan=False, allow_infinity=False), _text,
    st.sampled_from(["yes", "NO", "on", "2025-02-30", "2025-03-31", "730", "1.2", "~",
                     "implemented", "sandbox", "m365", "../../etc/passwd", "*", "&a"]))
trees = st.recursive(scalars, lambda children: st.one_of(
    st.lists(children, max_size=5), st.dictionaries(_keys, children, max_size=5)),
    max_leaves=40)


def _write(name: str, data: bytes) -> Path:
    path = _WORK / name
    path.write_bytes(data)
    return path


def _outcome(path: Path) -> Report | InputError:
    """Check one file through the API: a report, or the input error (anything else raises)."""
    try:
        return _CHECKER.check(path)
    except InputError as exc:
        assert exc.problems, "an input error without a problem"
        assert all(p.file and p.message for p in exc.problems)
        return exc


def _dump(data: Any, fmt: str) -> bytes:
    if fmt == "json":
        return json.dumps(data, ensure_ascii=False).encode("utf-8")
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False).encode("utf-8")


# --- properties --------------------------------------------------------------------------------

@FAST
@given(tree=trees, fmt=st.sampled_from(["yaml", "json"]))
def test_random_trees_give_a_verdict_or_an_input_error(tree, fmt):
    path = _write(f"tree.{fmt}", _dump(tree, fmt))
    outcome = _outcome(path)
    if isinstance(outcome, InputError):
        assert all(p.file == str(path) for p in outcome.problems)


# What YAML allows unescaped (no control, surrogate or non-characters): libyaml refuses raw
# DEL and C1 controls, and "\\ud83d\\ude00" surrogate-pair escapes, that JSON accepts. A JSON
# profile holding them still loads (through json); it only loses its line numbers.
_yaml_text = st.text(st.characters(blacklist_categories=("Cs", "Cc", "Cn")), max_size=12)
yaml_safe_trees = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-10**6, 10**6),
              st.floats(allow_nan=False, allow_infinity=False), _yaml_text),
    lambda children: st.one_of(st.lists(children, max_size=5),
                               st.dictionaries(_yaml_text, children, max_size=5)),
    max_leaves=40)


@FAST
@given(tree=yaml_safe_trees, indent=st.sampled_from([None, 0, 1, 2, 4]))
def test_the_yaml_builder_reads_json_as_json_does(tree, indent):
    """JSON is YAML: the event builder and ``json`` agree on every tree, and the positions
    found in the JSON text (the fast path's JsonMarks) are the YAML builder's marks."""
    text = json.dumps(tree, ensure_ascii=False, indent=indent)
    as_yaml = parse_source(Source("t.yaml", text, ""))
    as_json = parse_source(Source("t.json", text, ""))
    assert as_yaml.data == json.loads(text) == as_json.data
    assert as_yaml.position(()) == as_json.position(()) == (1, 1)
    for path in all_paths(tree):
        assert as_json.position(path) == as_yaml.position(path), path
        assert as_json.marks.get(path) == as_yaml.marks.get(path), path
    for path in [("nowhere",), (10**6,), *((*p, "x", 0) for p in all_paths(tree)[:5])]:
        assert as_json.position(path) == as_yaml.position(path), path


@FAST
@given(data=st.binary(max_size=400), name=st.sampled_from(["b.yaml", "b.json"]))
def test_random_bytes(data, name):
    path = _write(name, data)
    try:
        load_document(path)
    except InputError as exc:
        assert exc.problems[0].file == str(path)
    assert isinstance(_outcome(path), Report | InputError)


@FAST
@given(junk=st.binary(min_size=1, max_size=40), where=st.floats(0, 1),
       example=st.sampled_from(range(len(EXAMPLE_FILES))))
def test_bytes_spliced_into_a_valid_profile(junk, where, example):
    text = EXAMPLE_FILES[example].read_bytes()
    at = int(where * len(text))
    _outcome(_write("spliced.yaml", text[:at] + junk + text[at:]))




def _mutate(data: Any, rng: random.Random, replacement: Any, how: str) -> Any:
    data = json.loads(json.dumps(data))  # a deep copy
    paths = [p for p in all_paths(data) if p]
    path = rng.choice(paths)
    parent = data
    for part in path[:-1]:
        parent = parent[part]
    last = path[-1]
    if how == "delete":
        del parent[last]
    elif how == "retype":
        parent[last] = replacement
    else:  # insert junk beside the chosen value
        if isinstance(parent, list):
            parent.insert(last, replacement)
        else:
            parent[f"junk_{rng.randrange(1000)}"] = replacement
    return data


@_settings(150)
@given(example=st.sampled_from(range(len(EXAMPLE_DATA))), seed=st.integers(0, 2**32 - 1),
       how=st.sampled_from(["delete", "retype", "insert"]), replacement=trees,
       fmt=st.sampled_from(["yaml", "json"]))
def test_mutated_profiles(example, seed, how, replacement, fmt):
    mutated = _mutate(EXAMPLE_DATA[example], random.Random(seed), replacement, how)
    path = _write(f"mutated.{fmt}", _dump(mutated, fmt))
    _outcome(path)


_runner = CliRunner()


@_settings(40)
@given(example=st.sampled_from(range(len(EXAMPLE_DATA))), seed=st.integers(0, 2**32 - 1),
       how=st.sampled_from(["delete", "retype", "insert"]), replacement=trees,
       fmt=st.sampled_from(["text", "json"]))
def test_cli_exit_codes_on_mutated_profiles(example, seed, how, replacement, fmt):
    mutated = _mutate(EXAMPLE_DATA[example], random.Random(seed), replacement, how)
    path = _write("cli.yaml", _dump(mutated, "yaml"))
    result = _runner.invoke(main, ["check", str(path), "--format", fmt, "--lang", "en"],
                            catch_exceptions=True)
    assert result.exit_code in (0, 1, 2), (result.exit_code, result.output[-2000:])
    assert "Traceback" not in result.output and "internal error" not in result.output
    if result.exit_code == 2:
        assert str(path) in result.stderr


@pytest.mark.parametrize("example", EXAMPLE_FILES, ids=lambda p: p.name)
def test_unmutated_examples_give_reports(example):
    assert isinstance(_outcome(example), Report)
