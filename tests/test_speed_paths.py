"""Fast paths (bench/run.py) that must change no byte. The batch JSON report line is spliced
from cached pieces (report/json_report.py); it must be byte for byte what ``json.dumps`` makes
of the report dictionary, for every kind of finding."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path

import pytest

from netsep_check.api import Options, run
from netsep_check.report.json_report import (
    batch_document,
    dumps,
    render_json,
    report_dict,
    report_line,
)

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def _slow(report, lang):
    return json.dumps(report_dict(report, lang), ensure_ascii=False, separators=(", ", ": "))


@pytest.fixture(scope="module")
def results():
    profiles = sorted(str(p) for p in EXAMPLES.glob("*.yaml") if p.name != "waivers.yaml")
    plain = run(profiles, Options(jobs=1))
    waived = run(profiles, Options(jobs=1, waivers=EXAMPLES / "waivers.yaml",
                                   today=dt.date(2025, 1, 1)))
    facts = run([str(EXAMPLES / "m365-tenant-measured.yaml")],
                Options(jobs=1, tenant_facts=(EXAMPLES / "tenant" / "scubagear-facts.json",),
                        egress_logs=(EXAMPLES / "tenant" / "proxy-access.log",)))
    unverified = run(profiles, Options(jobs=1, verify_evidence=False,
                                       as_of=dt.date(2026, 3, 1)))
    return [plain, waived, facts, unverified]


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_line_is_json_dumps_of_the_dictionary(results, lang):
    kinds = set()
    for result in results:
        for report in result.reports:
            assert report_line(report, lang) == _slow(report, lang)
            kinds |= {(f.status, bool(f.failures), f.waiver is not None, f.known)
                      for f in report.findings}
    assert ("pass", False, False, False) in kinds and ("fail", True, False, False) in kinds
    assert any(waived for _, _, waived, _ in kinds)


def test_known_and_odd_values(results):
    report = results[0].reports[0]
    odd = [dataclasses.replace(f, known=True) for f in report.findings[:3]]
    odd += [dataclasses.replace(f, line=None, column=None, paths=('a "quoted" \\ path',))
            for f in report.findings[3:6]]
    changed = dataclasses.replace(report, findings=(*odd, *report.findings[6:]),
                                  firm='"pack": null \u2028 회사')
    for lang in ("ko", "en"):
        assert report_line(changed, lang) == _slow(changed, lang)


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_batch_document_text_unchanged(results, lang):
    for result in results:
        if result.batch:
            assert render_json(result, lang) == dumps(batch_document(result, lang))


def test_output_to_dev_null_leaves_the_device(tmp_path):
    """``-o /dev/null`` writes to the device: an atomic rename would replace /dev/null itself
    with a regular file (the benchmark's batch run did, on 1.0 of the atomic writer)."""
    import os
    import stat

    from netsep_check.output import write_all

    if not os.path.exists(os.devnull) or not stat.S_ISCHR(os.stat(os.devnull).st_mode):
        pytest.skip("no character device at os.devnull")
    regular = tmp_path / "report.json"
    write_all([(Path(os.devnull), "x" * 1000), (regular, "{}\n")])
    assert stat.S_ISCHR(os.stat(os.devnull).st_mode)
    assert regular.read_text() == "{}\n"
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_fast_finding_is_the_dataclass(results):
    """evaluate/engine.py builds findings without the frozen dataclass's __init__: it must set
    every field (a field added to Finding must be added there too)."""
    import pickle

    from netsep_check.evaluate.engine import _new_finding
    from netsep_check.evaluate.findings import Finding

    made = results[0].reports[0].findings[0]
    assert set(made.__dict__) == {f.name for f in dataclasses.fields(Finding)}
    slow = Finding(made.rule, made.status, made.paths, made.line, made.column, made.failures)
    fast = _new_finding(made.rule, made.status, made.paths, made.line, made.column,
                        made.failures)
    assert fast == slow and repr(fast) == repr(slow)
    assert pickle.loads(pickle.dumps(fast)) == slow
    assert dataclasses.replace(fast, known=True).known
    with pytest.raises(dataclasses.FrozenInstanceError):
        fast.status = "fail"


def test_placeholder_scan_finds_what_the_full_walk_finds():
    """validate/placeholders.py skips texts that cannot be placeholders; the same (path,
    text) pairs, in the same order, as walking every text."""
    import random

    from netsep_check.validate.placeholders import _is_placeholder, _strings, _suspects

    rng = random.Random(1)
    words = ["TODO x", "  TBD", "FIXME: a", "TODOS", "회사명 / Firm name", " 회사명 / Firm name ",
             "2024-FSC-0000-00", "ok", "T", "\tFIXME", "xTODO", 1, None, True]
    keys = ["firm", "name", "designation", "number", "assessment", "prepared_by", "x_note", "a"]

    def gen(depth):
        if depth > 3 or rng.random() < 0.3:
            return rng.choice(words)
        if rng.random() < 0.5:
            return {rng.choice(keys): gen(depth + 1) for _ in range(rng.randrange(4))}
        return [gen(depth + 1) for _ in range(rng.randrange(4))]

    found = 0
    for _ in range(3000):
        data = {key: gen(1) for key in rng.sample(keys, 4)}
        expected = [(p, t) for p, t in _strings(data, ()) if _is_placeholder(p, t)]
        got: list = []
        _suspects(data, [], got)
        assert got == expected
        found += len(got)
    assert found > 1000


def test_a_json_profile_is_checked_without_importing_pyyaml(tmp_path):
    """A check of a JSON profile never imports PyYAML (15-25 ms of a cold start): the YAML
    builder imports it when it parses YAML. The built-in packs come from their parsed cache
    (rules/parsed.py), which the first run below fills when the policies folder is writable."""
    import subprocess
    import sys

    import yaml

    profile = tmp_path / "p.json"
    data = yaml.safe_load((EXAMPLES / "m365-compliant.yaml").read_text(encoding="utf-8"))
    profile.write_text(json.dumps(data, default=str), encoding="utf-8")
    script = ("import sys\nfrom netsep_check.api import Options, run\n"
              f"result = run([{str(profile)!r}], Options(verify_evidence=False))\n"
              "print(result.reports[0].verdict, 'yaml' in sys.modules)")
    first = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                           timeout=120)
    second = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            timeout=120)
    assert first.returncode == 0 and second.returncode == 0, first.stderr + second.stderr
    from netsep_check.rules.parsed import FOLDER, policies_root

    if not any((policies_root() / FOLDER).glob("*.json")):
        pytest.skip("the built-in packs' cache cannot be written here: YAML is parsed")
    assert second.stdout.split() == ["pass", "False"]


_COUNTING_PASSES = ("import contextlib, gc, io, sys\n"
                    "passes = []\n"
                    "gc.callbacks.append(lambda phase, info: passes.append(1) "
                    "if phase == 'start' else None)\n")


def _counting_passes(body: str) -> list[int]:
    """Run ``body`` in a fresh interpreter whose collector passes are counted in ``passes``;
    the whole numbers it prints."""
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-c", _COUNTING_PASSES + body], capture_output=True,
                          text=True, check=True, timeout=120)
    return [int(word) for word in done.stdout.split()]


def test_the_command_sets_its_collector_thresholds_before_importing_click():
    """click's import under the default thresholds made about twenty collector passes over the
    objects of the modules just imported (3.6 % of ``--version``); set first, none or one."""
    from netsep_check.cli import GC_THRESHOLDS

    passes, threshold = _counting_passes("import netsep_check.cli\n"
                                         "print(len(passes), gc.get_threshold()[0])\n")
    assert threshold == GC_THRESHOLDS[0]
    assert passes <= 2


def test_a_large_profile_is_checked_without_a_collector_pass_and_leaves_little_garbage(tmp_path):
    """A pass while a profile of 120,000 evidence entries is judged re-walked every item of
    its lists (12 ms of 100,000); the command makes none. What it leaves for the collector
    (cycles) stays a few thousand objects, so passes that rare still bound memory."""
    import yaml

    data = yaml.safe_load((EXAMPLES / "m365-compliant.yaml").read_text(encoding="utf-8"))
    data["evidence"] += [{"id": f"EV-G{i:06d}", "title": f"generated evidence item {i}"}
                         for i in range(120_000)]
    path = tmp_path / "large.json"
    path.write_text(json.dumps(data, default=str), encoding="utf-8")
    exit_code, passes, garbage = _counting_passes(
        "import netsep_check.cli as cli\n"
        "passes.clear()\n"
        f"sys.argv = ['netsep-check', 'check', '--format', 'json', '--no-evidence-check', "
        f"'--max-size', '{64 << 20}', {str(path)!r}]\n"
        "try:\n"
        "    with contextlib.redirect_stdout(io.StringIO()):\n"
        "        cli.main()\n"
        "except SystemExit as exc:\n"
        "    exit_code = exc.code\n"
        "gc.callbacks.clear()\n"
        "print(exit_code, len(passes), gc.collect())\n")
    assert exit_code == 0
    assert passes == 0
    assert garbage < 5_000


def test_a_parsed_mapping_of_texts_is_untracked_and_one_holding_a_container_is_not():
    """load/shape.py counts a long list of mappings by length alone when none is tracked by
    the collector (CPython tracks a mapping once a key or value is a list or a mapping); a
    tracked one sends the list to the value-by-value reading."""
    import gc

    flat, nested, empty = json.loads('[{"id": "a", "n": 1, "x": null}, {"a": [1]}, {"a": {}}]')
    assert not gc.is_tracked(flat)
    assert gc.is_tracked(nested) and gc.is_tracked(empty)
    from netsep_check.load.shape import _containers

    entries = [dict(flat) for _ in range(300)]
    assert _containers([], [entries]) == ([], [], [entries])
    assert _containers([], [[*entries, nested]])[0][-1] is nested
