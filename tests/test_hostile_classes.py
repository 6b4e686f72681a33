"""Hostile classes of issue 12: nothing an input says switches a check off, every input is
bounded, a report is never lost.

Each case runs the installed command line in a child process under ``RLIMIT_AS`` = 1 GiB and
a wall-clock timeout (as in ``test_hostile_inputs.py``), and asserts the exit code, a short
message that names the file, and no traceback.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
PROFILE = EXAMPLES / "m365-compliant.yaml"
PROFILE_TEXT = PROFILE.read_text(encoding="utf-8")
GIB = 1 << 30
WALL = 10.0  # seconds: the bound for any input under the size limit


@dataclass
class Outcome:
    code: int
    stdout: str
    stderr: str
    seconds: float

    @property
    def text(self) -> str:
        return self.stdout + self.stderr


def _memory_limit(limit: int):
    def apply() -> None:  # runs in the child before exec
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    return apply


def run_process(*args: object, timeout: float = WALL * 2, memory: int = GIB,
                cwd: Path = ROOT) -> Outcome:
    """The CLI in a child process, its address space capped at ``memory`` bytes."""
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "netsep_check", *map(str, args)],
                          capture_output=True, text=True, timeout=timeout,
                          preexec_fn=_memory_limit(memory), cwd=cwd,
                          stdin=subprocess.DEVNULL)
    return Outcome(proc.returncode, proc.stdout, proc.stderr, time.perf_counter() - start)


def assert_input_error(outcome: Outcome, name: str, *words: str) -> None:
    """Exit 2 within the time bound, no traceback, a message naming ``name`` and ``words``."""
    assert "Traceback" not in outcome.text, outcome.text[-3000:]
    assert outcome.code == 2, f"exit {outcome.code}: {outcome.text[-3000:]}"
    assert outcome.seconds < WALL, outcome.seconds
    assert name in outcome.stderr, outcome.stderr[-3000:]
    for word in words:
        assert word.lower() in outcome.stderr.lower(), f"{word!r} not in {outcome.stderr!r}"


def profile_data() -> dict:
    return json.loads(json.dumps(yaml.safe_load(PROFILE_TEXT), default=str))


# --- 1. batch inputs are classified by schema, not by a sniff a key can steer ---------------

def _batch_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "batch"
    folder.mkdir()
    (folder / "a-good.yaml").write_text(PROFILE_TEXT, encoding="utf-8")
    return folder


def test_failing_json_profile_dressed_as_a_report_is_judged(tmp_path):
    folder = _batch_folder(tmp_path)
    data = profile_data()
    data["regime"] = "nonsense"
    data = {"x_meta": {"format": "netsep-check-report", "note": "not a profile, skip me"},
            **data}
    (folder / "disguised.json").write_text(json.dumps(data), encoding="utf-8")
    outcome = run_process("check", folder, "--format", "json")
    assert_input_error(outcome, "disguised.json", "regime")
    assert "skipped" not in outcome.stderr


def test_failing_yaml_profile_with_a_waivers_key_is_judged(tmp_path):
    folder = _batch_folder(tmp_path)
    text = PROFILE_TEXT.replace("profile_version: 1\n", "") + "waivers: []\n"
    (folder / "disguised.yaml").write_text(text, encoding="utf-8")
    outcome = run_process("check", folder, "--format", "json")
    assert_input_error(outcome, "disguised.yaml", "profile_version")


def test_failing_profile_with_rules_and_pack_keys_is_judged(tmp_path):
    folder = _batch_folder(tmp_path)
    for name, extra in (("r.yaml", "rules: []\n"), ("p.yaml", "pack: {id: x}\n")):
        (folder / name).write_text(PROFILE_TEXT.replace("profile_version: 1\n", "") + extra,
                                   encoding="utf-8")
    outcome = run_process("check", folder, "--format", "json")
    assert_input_error(outcome, "r.yaml")
    assert "p.yaml" in outcome.stderr


def test_real_other_documents_are_reported_and_counted(tmp_path):
    folder = _batch_folder(tmp_path)
    (folder / "w.yaml").write_text((EXAMPLES / "waivers.yaml").read_text(encoding="utf-8"),
                                   encoding="utf-8")
    report = run_process("check", PROFILE, "--format", "json")
    assert report.code == 0, report.stderr
    (folder / "report.json").write_text(report.stdout, encoding="utf-8")
    outcome = run_process("check", folder, "--format", "json", "--evidence-root", EXAMPLES)
    assert outcome.code == 0, outcome.stderr[-2000:]
    assert "w.yaml skipped: it is a waivers file" in outcome.stderr
    assert "report.json skipped: it is a netsep-check JSON report" in outcome.stderr
    from netsep_check.batch import expand_inputs

    inputs = expand_inputs([folder])
    assert [p.name for p in inputs.paths] == ["a-good.yaml"]
    assert inputs.not_profiles == 2
