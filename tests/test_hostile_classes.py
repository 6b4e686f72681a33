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

import pytest
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


# --- 2. a custom pack cannot weaken a designation condition ---------------------------------

RULE = """\
rules:
  - id: {id}
    area: designation
    severity: low
    title: {{ko: 제목, en: title}}
    rationale: {{ko: 취지, en: why}}
    remediation: {{ko: 조치, en: fix}}
    basis: {{source: netsep-derived, clause: c1, strength: derived}}
    waivable: true
{body}"""

COPY_OF_DESIG_LENGTH = """\
    when:
      all:
        - eq: {value: false, path: designation.extended}
        - exists: designation
    check:
      span_at_most_days: {start: designation.designated_on, end: designation.valid_until, days: 731}
""".replace("- eq: {value: false, path: designation.extended}\n        - exists: designation",
            "- exists: designation\n        - eq: {value: false, path: designation.extended}")

TRIVIAL = "    check: {exists: firm.name}\n"


def _pack(folder: Path, head: str, files: dict[str, str] | None = None) -> Path:
    """A pack folder: ``pack.yaml`` with ``head`` under ``pack:``, and the given files."""
    folder.mkdir(parents=True, exist_ok=True)
    text = ("pack:\n  id: firm-pack\n  version: \"1\"\n  title: {ko: 우리 팩, en: our pack}\n"
            + head)
    (folder / "pack.yaml").write_text(text, encoding="utf-8")
    for name, content in (files or {}).items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(content, encoding="utf-8")
    return folder


def _line(path: Path, needle: str) -> int:
    text = path.read_text(encoding="utf-8")
    return text[:text.index(needle)].count("\n") + 1


WHY = "we know better than the regulator"
WEAKENINGS = {
    # name: (pack.yaml head, other files, file the error names, text on the named line, words)
    "disable-non-waivable": (
        "  extends: sandbox-2024\n  disable:\n    - {rule: DESIG-LENGTH, reason: WHY}\n",
        {}, "pack.yaml", "- {rule: DESIG-LENGTH", ("cannot disable DESIG-LENGTH",)),
    "disable-non-waivable-of-own-base": (
        "  extends: base\n  disable:\n    - {rule: FIRM-STRICT, reason: WHY}\n",
        {"base/pack.yaml": "pack:\n  id: firm-base\n  version: \"1\"\n  title: {ko: 기, en: b}\n"
         "  extends: sandbox-2024\n  rule_files: [strict.yaml]\n",
         "base/strict.yaml": RULE.format(id="FIRM-STRICT", body=TRIVIAL).replace(
             "waivable: true", "waivable: false")},
        "pack.yaml", "- {rule: FIRM-STRICT", ("cannot disable FIRM-STRICT", "not waivable")),
    "override-read-parameter": (
        "  extends: sandbox-2024\n  parameters:\n    designation_max_days: {value: 3000}\n",
        {}, "pack.yaml", "designation_max_days:", ("DESIG-LENGTH", "designation_max_days")),
    "override-read-list-parameter": (
        "  extends: sandbox-2024\n  parameters:\n"
        "    accepted_results: {value: [suitable, met, unsuitable]}\n",
        {}, "pack.yaml", "accepted_results:", ("PROV-RATED",)),
    "override-through-parameter-file": (
        "  extends: sandbox-2024\n  parameter_files: [params.yaml]\n",
        {"params.yaml": "parameters:\n  recognised_evaluators: {value: [fsi, anyone]}\n"},
        "params.yaml", "recognised_evaluators:", ("PROV-EVALUATOR",)),
    "redefine-same-id-without-extends": (
        "  rule_files: [rules.yaml]\n",
        {"rules.yaml": RULE.format(id="DESIG-LENGTH", body=TRIVIAL)},
        "rules.yaml", "- id: DESIG-LENGTH", ("DESIG-LENGTH", "redefine")),
    "copy-as-waivable": (
        "  extends: sandbox-2024\n  rule_files: [rules.yaml]\n",
        {"rules.yaml": RULE.format(id="FIRM-COPY", body=COPY_OF_DESIG_LENGTH)},
        "rules.yaml", "- id: FIRM-COPY", ("copies DESIG-LENGTH", "waivable")),
    "builtin-pack-id": (
        "  extends: sandbox-2024\n", {}, "pack.yaml", "id: firm-pack", ("built-in pack",)),
    "designation-regime-without-its-conditions": (
        "  regime: sandbox\n  rule_files: [rules.yaml]\n",
        {"rules.yaml": RULE.format(id="FIRM-ONLY", body=TRIVIAL)},
        "pack.yaml", "pack:", ("must extend sandbox-2024",)),
    "rule-file-with-dotdot": (
        "  extends: sandbox-2024\n  rule_files: [../outside.yaml]\n", {},
        "pack.yaml", "rule_files:", ("'..'",)),
    "rule-file-absolute": (
        "  extends: sandbox-2024\n  rule_files: [ABSOLUTE]\n", {},
        "pack.yaml", "rule_files:", ("absolute path",)),
    "parameter-file-with-dotdot": (
        "  extends: sandbox-2024\n  parameter_files: [../../policies/common/parameters.yaml]\n",
        {}, "pack.yaml", "parameter_files:", ("'..'",)),
    "extends-absolute": (
        "  extends: ABSOLUTE_DIR\n", {}, "pack.yaml", "extends:", ("absolute path",)),
}


@pytest.mark.parametrize("name", sorted(WEAKENINGS))
def test_custom_pack_cannot_weaken(tmp_path, name):
    head, files, named, needle, words = WEAKENINGS[name]
    outside = tmp_path / "outside.yaml"
    outside.write_text(RULE.format(id="FIRM-OUT", body=TRIVIAL), encoding="utf-8")
    head = head.replace("WHY", WHY).replace("ABSOLUTE_DIR", str(ROOT / "policies" / "sandbox-2024"))
    head = head.replace("ABSOLUTE", str(outside))
    folder = _pack(tmp_path / "firm", head, files)
    if name == "builtin-pack-id":
        text = (folder / "pack.yaml").read_text(encoding="utf-8")
        (folder / "pack.yaml").write_text(text.replace("id: firm-pack", "id: sandbox-2024"),
                                          encoding="utf-8")
        needle = "id: sandbox-2024"
    outcome = run_process("check", "--pack", folder, PROFILE, "--format", "json",
                          "--evidence-root", EXAMPLES)
    line = _line(folder / named, needle)
    assert_input_error(outcome, f"{named}:{line}", *words)
    assert outcome.stdout == ""


def test_policy_folder_cannot_copy_a_condition_as_waivable(tmp_path):
    folder = tmp_path / "rules"
    folder.mkdir()
    (folder / "copy.yaml").write_text(RULE.format(id="FIRM-COPY", body=COPY_OF_DESIG_LENGTH),
                                      encoding="utf-8")
    outcome = run_process("check", "--policy", folder, PROFILE, "--evidence-root", EXAMPLES)
    assert_input_error(outcome, "copy.yaml:2", "copies DESIG-LENGTH")


def test_rule_file_symlinked_out_of_the_pack(tmp_path):
    outside = tmp_path / "outside.yaml"
    outside.write_text(RULE.format(id="FIRM-OUT", body=TRIVIAL), encoding="utf-8")
    folder = _pack(tmp_path / "firm", "  extends: sandbox-2024\n  rule_files: [linked.yaml]\n")
    (folder / "linked.yaml").symlink_to(outside)
    outcome = run_process("check", "--pack", folder, PROFILE, "--evidence-root", EXAMPLES)
    assert_input_error(outcome, f"pack.yaml:{_line(folder / 'pack.yaml', 'rule_files')}",
                       "outside the pack's folder")


def test_extends_resolves_against_the_pack_folder(tmp_path):
    folder = _pack(tmp_path / "firm", "  extends: base\n", {
        "base/pack.yaml": "pack:\n  id: firm-base\n  version: \"1\"\n  title: {ko: 기, en: b}\n"
                          "  extends: sandbox-2024\n"})
    outcome = run_process("check", "--pack", folder, PROFILE, "--format", "json",
                          "--evidence-root", EXAMPLES, cwd=tmp_path.parent)
    assert outcome.code == 0, outcome.stderr
    assert json.loads(outcome.stdout)["pack"]["extends"] == "firm-base"


def test_harmless_custom_pack_still_loads(tmp_path):
    """Stricter waivable parameters, waivable rules disabled, rules of one's own: accepted."""
    folder = _pack(tmp_path / "firm", "  extends: sandbox-2024\n  parameters:\n"
                   "    log_retention_days: {value: 400}\n    designation_max_days: {value: 731}\n"
                   "  rule_files: [rules/own.yaml]\n  disable:\n"
                   "    - {rule: OPS-TRAINING-CURRENT, reason: tracked in HR}\n",
                   {"rules/own.yaml": RULE.format(id="FIRM-OWN", body=TRIVIAL)})
    outcome = run_process("check", "--pack", folder, PROFILE, "--format", "json",
                          "--evidence-root", EXAMPLES)
    assert outcome.code == 0, outcome.stderr
