"""Hostile classes of issue 12: nothing an input says switches a check off, every input is
bounded, a report is never lost.

Each case runs the installed command line in a child process under ``RLIMIT_AS`` = 1 GiB and
a wall-clock timeout (as in ``test_hostile_inputs.py``), and asserts the exit code, a short
message that names the file, and no traceback.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

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
    seconds: float  # processor time of the child (user + system): what the input cost it

    @property
    def text(self) -> str:
        return self.stdout + self.stderr


def _memory_limit(limit: int):
    def apply() -> None:  # runs in the child before exec
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    return apply


def run_process(*args: object, timeout: float = WALL * 3, memory: int = GIB,
                cwd: Path = ROOT) -> Outcome:
    """The CLI in a child process, its address space capped at ``memory`` bytes.

    The bound is on the child's processor time (a busy CI machine stretches wall time, not
    the work an input costs); a hang still ends at ``timeout`` of wall time."""
    import resource

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    proc = subprocess.run([sys.executable, "-m", "netsep_check", *map(str, args)],
                          capture_output=True, text=True, timeout=timeout,
                          preexec_fn=_memory_limit(memory), cwd=cwd,
                          stdin=subprocess.DEVNULL)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Outcome(proc.returncode, proc.stdout, proc.stderr, cpu)


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


def test_a_huge_waivers_file_with_one_bad_waiver_in_a_folder_is_judged_in_bounds(tmp_path):
    """A file a folder brings in is asked whether it is valid as a waivers file: jsonschema
    walked 62,000 good waivers to find the bad one (10 s); it is asked about the parts that
    can fail only. Not valid as waivers, the file is judged as a profile and refused."""
    folder = _batch_folder(tmp_path)
    waiver = json.loads(json.dumps(yaml.safe_load((EXAMPLES / "waivers.yaml").read_text(
        encoding="utf-8"))["waivers"][0], default=str))
    waivers = [{**waiver, "justification": "j", "approved_by": "a", "ticket": f"T{i}"}
               for i in range(62_000)]
    waivers[-5]["expires_on"] = "soon"
    path = folder / "w.json"
    path.write_text(json.dumps({"waivers": waivers}, ensure_ascii=False, separators=(",", ":")),
                    encoding="utf-8")
    assert path.stat().st_size < 16 << 20
    outcome = run_process("check", folder, "--format", "json", "--lang", "en")
    assert_input_error(outcome, "w.json", "profile_version")
    assert "skipped" not in outcome.stderr


def test_real_other_documents_are_reported_and_counted(tmp_path):
    folder = _batch_folder(tmp_path)
    (folder / "w.yaml").write_text((EXAMPLES / "waivers.yaml").read_text(encoding="utf-8"),
                                   encoding="utf-8")
    report = run_process("check", PROFILE, "--format", "json")
    assert report.code == 0, report.stderr
    (folder / "report.json").write_text(report.stdout, encoding="utf-8")
    outcome = run_process("check", folder, "--format", "json", "--evidence-root", EXAMPLES,
                          "--lang", "en")
    assert outcome.code == 0, outcome.stderr[-2000:]
    assert "w.yaml: skipped: it is a waivers file" in outcome.stderr
    assert "report.json: skipped: it is a netsep-check JSON report" in outcome.stderr
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
      span_at_most_years: {start: designation.designated_on, end: designation.valid_until, years: 2}
""".replace("- eq: {value: false, path: designation.extended}\n        - exists: designation",
            "- exists: designation\n        - eq: {value: false, path: designation.extended}")

TRIVIAL = "    check: {exists: firm.name}\n"
SOURCES = "  sources: [{id: netsep-derived, title: ours, issuer: us, strength: derived}]\n"


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
        "  extends: sandbox-2024\n  parameters:\n    designation_max_years: {value: 30}\n",
        {}, "pack.yaml", "designation_max_years:", ("DESIG-LENGTH", "designation_max_years")),
    "override-read-list-parameter": (
        "  extends: sandbox-2024\n  parameters:\n"
        "    accepted_results: {value: [suitable, met, unsuitable]}\n",
        {}, "pack.yaml", "accepted_results:", ("PROV-RATED",)),
    "override-through-parameter-file": (
        "  extends: sandbox-2024\n  parameter_files: [params.yaml]\n",
        {"params.yaml": "parameters:\n  recognised_evaluators: {value: [fsi, anyone]}\n"},
        "params.yaml", "recognised_evaluators:", ("PROV-EVALUATOR",)),
    "redefine-same-id-without-extends": (
        "  rule_files: [rules.yaml]\n" + SOURCES,
        {"rules.yaml": RULE.format(id="DESIG-LENGTH", body=TRIVIAL)},
        "rules.yaml", "- id: DESIG-LENGTH", ("DESIG-LENGTH", "redefine")),
    "copy-as-waivable": (
        "  extends: sandbox-2024\n  rule_files: [rules.yaml]\n",
        {"rules.yaml": RULE.format(id="FIRM-COPY", body=COPY_OF_DESIG_LENGTH)},
        "rules.yaml", "- id: FIRM-COPY", ("copies DESIG-LENGTH", "waivable")),
    "builtin-pack-id": (
        "  extends: sandbox-2024\n", {}, "pack.yaml", "id: firm-pack", ("built-in pack",)),
    "designation-regime-without-its-conditions": (
        "  regime: sandbox\n  rule_files: [rules.yaml]\n" + SOURCES,
        {"rules.yaml": RULE.format(id="FIRM-ONLY", body=TRIVIAL)},
        "pack.yaml", "pack:", ("must extend sandbox-2024",)),
    "no-regime-at-all": (
        "  rule_files: [rules.yaml]\n" + SOURCES,
        {"rules.yaml": RULE.format(id="FIRM-ONLY", body=TRIVIAL)},
        "pack.yaml", "pack:", ("must declare its regime",)),
    "rule-file-with-dotdot": (
        "  extends: sandbox-2024\n  rule_files: [../outside.yaml]\n", {},
        "pack.yaml", "rule_files:", ("'..'",)),
    "rule-file-absolute": (
        "  extends: sandbox-2024\n  rule_files: [ABSOLUTE]\n", {},
        "pack.yaml", "rule_files:", ("absolute path",)),
    "parameter-file-with-dotdot": (
        "  extends: sandbox-2024\n  parameter_files: [../params.yaml]\n",
        {}, "pack.yaml", "parameter_files:", ("'..'",)),
    "extends-absolute": (
        "  extends: ABSOLUTE_DIR\n", {}, "pack.yaml", "extends:", ("absolute path",)),
}


@pytest.mark.parametrize("name", sorted(WEAKENINGS))
def test_custom_pack_cannot_weaken(tmp_path, name):
    head, files, named, needle, words = WEAKENINGS[name]
    outside = tmp_path / "outside.yaml"
    outside.write_text(RULE.format(id="FIRM-OUT", body=TRIVIAL), encoding="utf-8")
    (tmp_path / "params.yaml").write_text("parameters:\n  log_retention_days: {value: 400}\n",
                                          encoding="utf-8")
    head = head.replace("WHY", WHY).replace("ABSOLUTE_DIR", str(ROOT / "policies" / "sandbox-2024"))
    head = head.replace("ABSOLUTE", str(outside))
    folder = _pack(tmp_path / "firm", head, files)
    if name == "builtin-pack-id":
        text = (folder / "pack.yaml").read_text(encoding="utf-8")
        (folder / "pack.yaml").write_text(text.replace("id: firm-pack", "id: sandbox-2024"),
                                          encoding="utf-8")
        needle = "id: sandbox-2024"
    outcome = run_process("check", "--pack", folder, PROFILE, "--format", "json",
                          "--evidence-root", EXAMPLES, "--lang", "en")
    line = _line(folder / named, needle)
    assert_input_error(outcome, f"{named}:{line}", *words)
    assert outcome.stdout == ""  # a pack that cannot be used: no report at all


def test_policy_folder_cannot_copy_a_condition_as_waivable(tmp_path):
    folder = tmp_path / "rules"
    folder.mkdir()
    (folder / "copy.yaml").write_text(RULE.format(id="FIRM-COPY", body=COPY_OF_DESIG_LENGTH),
                                      encoding="utf-8")
    outcome = run_process("check", "--policy", folder, PROFILE, "--evidence-root", EXAMPLES,
                          "--lang", "en")
    assert_input_error(outcome, "copy.yaml:2", "copies DESIG-LENGTH")
    korean = run_process("check", "--policy", folder, PROFILE, "--evidence-root", EXAMPLES)
    assert_input_error(korean, "copy.yaml:2", "DESIG-LENGTH", "waivable: false를 기재하십시오")


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
                   "    log_retention_days: {value: 400}\n    designation_max_years: {value: 2}\n"
                   "  rule_files: [rules/own.yaml]\n  disable:\n"
                   "    - {rule: OPS-TRAINING-CURRENT, reason: tracked in HR}\n",
                   {"rules/own.yaml": RULE.format(id="FIRM-OWN", body=TRIVIAL)})
    outcome = run_process("check", "--pack", folder, PROFILE, "--format", "json",
                          "--evidence-root", EXAMPLES)
    assert outcome.code == 0, outcome.stderr


# --- 3. every input bounded in time and memory ----------------------------------------------

def _profile_with(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_alias_repeating_a_long_text_is_refused(tmp_path):
    """600 KB of text: one 500 KB path aliased 2,000 times would be 1 GB in every report."""
    index = PROFILE_TEXT.index("\nevidence:\n") + len("\nevidence:\n")
    extra = "  - {id: EV-X0, title: t, path: &p " + "a/" * 250_000 + "}\n"
    extra += "".join(f"  - {{id: EV-X{k}, title: t, path: *p}}\n" for k in range(1, 2000))
    path = _profile_with(tmp_path, "alias-text.yaml",
                         PROFILE_TEXT[:index] + extra + PROFILE_TEXT[index:])
    assert_input_error(run_process("check", path, "--format", "json"), "alias-text.yaml",
                       "alias")


def test_alias_of_a_long_key_and_text_in_a_mapping_is_refused(tmp_path):
    text = PROFILE_TEXT + "x_a: &a {k: " + "v" * 400_000 + "}\nx_b: [" + \
        ", ".join(["*a"] * 5000) + "]\n"
    path = _profile_with(tmp_path, "alias-map.yaml", text)
    assert_input_error(run_process("check", path, "--format", "json"), "alias-map.yaml",
                       "alias")


def test_modest_aliases_still_load(tmp_path):
    text = PROFILE_TEXT + "x_a: &a {k: " + "v" * 1000 + "}\nx_b: [" + \
        ", ".join(["*a"] * 100) + "]\n"
    path = _profile_with(tmp_path, "aliases.yaml", text)
    outcome = run_process("check", path, "--format", "json", "--evidence-root", EXAMPLES)
    assert outcome.code == 0, outcome.stderr


def _providers(count: int, bad: bool) -> dict:
    data = profile_data()
    base = data["providers"][0]
    providers = []
    for index in range(count):
        entry = json.loads(json.dumps(base))
        entry["id"], entry["name"] = f"p{index}", f"Provider {index}"
        if index == 0:  # Microsoft's products are covered only by Microsoft's evaluation
            entry["id"], entry["name"] = base["id"], base["name"]
        # the link from product to provider (PROV-COVERS-PRODUCTS), named by every evaluation
        entry["security_evaluation"]["products"] = data["usage"]["saas_products"]
        if bad:
            entry["security_evaluation"].update(result="unsuitable", evaluator="x")
        providers.append(entry)
    ids = [p["id"] for p in providers]
    data["providers"] = providers
    data["usage"]["providers"] = ids
    data["designation"]["approved_scope"]["providers"] = ids
    # an M365 designation's providers are Microsoft's unless an FSC change added them
    # (DESIG-SERVICE-LABEL): these thousands came by one change
    evidence = data["designation"]["evidence"]
    data["designation"]["scope_changes"] = [
        {"decided_on": "2025-01-10", "adds": {"providers": ids}, "evidence": evidence}]
    return data


@pytest.mark.parametrize("bad", [False, True], ids=["rated", "unrated"])
def test_thousands_of_providers_are_judged_in_linear_time(tmp_path, bad):
    """6,000 providers: each provider rule joins usage.providers with providers (1.0: n²,
    minutes)."""
    path = tmp_path / "providers.json"
    path.write_text(json.dumps(_providers(6000, bad)), encoding="utf-8")
    outcome = run_process("check", path, "--format", "json", "--evidence-root", EXAMPLES)
    assert outcome.code == (1 if bad else 0), outcome.stderr[-2000:]
    assert outcome.seconds < WALL
    failing = {f["rule_id"] for f in json.loads(outcome.stdout)["findings"]
               if f["status"] == "fail"}
    assert failing == ({"PROV-RATED", "PROV-EVALUATOR", "PROV-COVERS-PRODUCTS"} if bad else set())


@pytest.mark.parametrize("suffix", [".json", ".yaml"])
def test_a_million_invalid_items_are_capped_and_counted(tmp_path, suffix):
    data = profile_data()
    data["usage"]["tasks"] = list(range(1_000_000))
    path = tmp_path / f"million{suffix}"
    path.write_text(json.dumps(data), encoding="utf-8")  # JSON is YAML too
    outcome = run_process("check", path, "--format", "json", "--lang", "en")
    assert_input_error(outcome, path.name, "more than 10000 more", "only the first 100")
    assert len(outcome.stderr.splitlines()) < 110


@pytest.mark.parametrize("where", ["top", "usage", "deep"])
def test_a_mapping_of_a_million_unknown_keys_is_refused_in_bounds(tmp_path, where):
    """A mapping with 1.5 million unknown keys just under the size limit (one schema error
    that says a million things): each key was read one by one to note where it stands, every
    key's problem was made (a gigabyte) before all but a hundred were dropped, and the whole
    mapping was indexed for the first key's line (17 s and 1.4 GB before)."""
    keys = ",".join(f'"{i:x}":0' for i in range(1_450_000))
    text = {"top": "{" + keys + "}", "usage": '{"usage":{' + keys + "}}",
            "deep": '{"security_measures":{"endpoint":{' + keys + "}}}"}[where]
    path = tmp_path / "wide.json"
    path.write_text(text, encoding="utf-8")
    assert path.stat().st_size < 16 << 20
    outcome = run_process("check", path, "--format", "json", "--lang", "en")
    assert_input_error(outcome, path.name, "only the first 100")
    assert len(outcome.stderr.splitlines()) < 110


def _one_bad_deep_inside(where: str, records: int) -> tuple[dict, str, str]:
    """A valid profile just under the size limit, made large in one place, with one bad thing
    near the end of it: (data, the path named, the text the error stands at). ``records``:
    how many evidence entries (YAML's loader counts values: 2,000,000 at most)."""
    data = profile_data()
    count = 700_000
    tasks = [f"t{i}" for i in range(count)]
    if where in ("list", "nested", "elsewhere"):
        if where != "elsewhere":
            tasks[count - 5] = "Bad-Task"
        else:
            data["firm"]["sector"] = "bakery"
        if where == "nested":
            data["designation"]["scope_changes"] = [
                {"decided_on": "2025-01-10", "adds": {"tasks": tasks}}]
            return data, "designation.scope_changes[0].adds.tasks[699995]", '"Bad-Task"'
        data["usage"]["tasks"] = tasks
        if where == "elsewhere":
            return data, "firm.sector", '"sector"'
        return data, "usage.tasks[699995]", '"Bad-Task"'
    if where == "mappings":  # the 600,000th of the smallest evidence entries holds a bad key
        entries = [{"id": f"{i:x}", "title": "t"} for i in range(records)]
        entries[records - 10]["oops"] = 1
        at = len(data["evidence"]) + records - 10
        data["evidence"] += entries
        return data, f"evidence[{at}].oops", '"oops"'
    notes = data["security_measures"]["endpoint"]  # a mapping of 600,000 notes, one unknown
    notes.update({f"x_{i}": 0 for i in range(600_000)})
    notes["oops"] = 1
    return data, "security_measures.endpoint.oops", '"oops"'


@pytest.mark.parametrize("suffix", [".json", ".yaml"])
@pytest.mark.parametrize("where", ["list", "nested", "mappings", "wide", "elsewhere"])
def test_one_bad_thing_deep_inside_a_huge_valid_profile_is_refused_in_bounds(
        tmp_path, where, suffix):
    """jsonschema walked every good item to list the one bad one (700,000 tasks and one bad:
    20 s); it is now given only the parts that can fail (validate/prune.py). The error names
    the index in the whole list and stands on its own line and column."""
    data, named, bad = _one_bad_deep_inside(where, 600_000 if suffix == ".json" else 300_000)
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))  # JSON is YAML too
    path = tmp_path / f"deep{suffix}"
    path.write_text(text, encoding="utf-8")
    assert path.stat().st_size < 16 << 20
    outcome = run_process("check", path, "--format", "json", "--lang", "en")
    assert_input_error(outcome, path.name, named)
    located = [line for line in outcome.stderr.splitlines() if f" {named}:" in line]
    assert text.count(bad) == 1
    column = text.index(bad) + 1
    assert located and f"{path.name}:1:{column}: {named}:" in located[0], outcome.stderr[-2000:]


def _fifo(path: Path) -> Path:
    import os

    os.mkfifo(path)
    return path


def _socket(path: Path):
    import socket

    server = socket.socket(socket.AF_UNIX)
    server.bind(str(path))
    return server


SPECIAL_ROLES = {
    "profile": lambda special: ("check", special),
    "waivers": lambda special: ("check", "--waivers", special, PROFILE),
    "baseline": lambda special: ("check", "--baseline", special, PROFILE),
    "policy-file": lambda special: ("check", "--policy", special, PROFILE),
    "policy-folder": lambda special: ("check", "--policy", special.parent, PROFILE),
    "batch-folder": lambda special: ("check", special.parent, PROFILE),
    "batch-pattern": lambda special: ("check", str(special.parent / "*.yaml"), PROFILE),
    "diff": lambda special: ("diff", special, PROFILE),
    "validate": lambda special: ("validate", special),
    "tenant-facts": lambda special: ("check", "--tenant-facts", special, PROFILE),
    "egress-log": lambda special: ("check", "--egress-log", special, PROFILE),
    "import": lambda special: ("import", "scubagear", special),
    "due": lambda special: ("due", special),
    "committee": lambda special: ("report", "committee", special),
    "bundle": lambda special: ("bundle", "verify", special),
}


@pytest.mark.parametrize("kind", ["fifo", "socket", "device"])
@pytest.mark.parametrize("role", sorted(SPECIAL_ROLES))
def test_special_files_are_refused_at_once(tmp_path, role, kind):
    folder = tmp_path / "in"
    folder.mkdir()
    server = None
    if kind == "fifo":
        special = _fifo(folder / "special.yaml")
    elif kind == "socket":
        special = folder / "special.yaml"
        server = _socket(special)
    else:
        if role in ("policy-folder", "batch-folder", "batch-pattern"):
            pytest.skip("a device node cannot be made in a folder without privileges")
        special = Path("/dev/zero")
    try:
        outcome = run_process(*SPECIAL_ROLES[role](special), "--evidence-root", EXAMPLES
                              ) if role not in ("diff", "validate", "import", "due", "bundle") else \
            run_process(*SPECIAL_ROLES[role](special))
    finally:
        if server is not None:
            server.close()
    # said in the command's language: Korean by default
    words = {"fifo": ("named pipe", "이름 있는 파이프"), "socket": ("socket", "소켓"),
             "device": ("character device", "문자 장치")}[kind]
    assert_input_error(outcome, special.name)
    assert any(word in outcome.stderr for word in words), outcome.stderr[-2000:]


@pytest.mark.parametrize("where", ["policy", "batch"])
def test_symlink_loops_in_folders_are_input_errors(tmp_path, where):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "loop.yaml").symlink_to(folder / "loop.yaml")
    (folder / "up").symlink_to(folder)
    args = (("check", "--policy", folder, PROFILE) if where == "policy"
            else ("check", folder, PROFILE))
    assert_input_error(run_process(*args, "--evidence-root", EXAMPLES), "loop.yaml")


def _evidence_profile(tmp_path: Path, target: str) -> Path:
    data = profile_data()
    data["evidence"][0]["path"] = target
    data["evidence"][0].pop("sha256", None)
    path = tmp_path / "root" / "p.json"
    path.parent.mkdir(exist_ok=True)
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def _evidence_status(outcome: Outcome) -> dict:
    assert outcome.code in (0, 1), outcome.stderr[-2000:]
    assert outcome.seconds < WALL
    return {r["id"]: r for r in json.loads(outcome.stdout)["evidence_checked"]}


def test_evidence_hard_link_to_a_file_outside_the_root_is_refused(tmp_path):
    import os

    secret = tmp_path / "secret.txt"
    secret.write_text("outside the root\n", encoding="utf-8")
    path = _evidence_profile(tmp_path, "linked.txt")
    os.link(secret, path.parent / "linked.txt")
    records = _evidence_status(run_process("check", path, "--format", "json"))
    assert records["EV-01"]["status"] == "outside_root"
    assert "hard link" in records["EV-01"]["reason"]


def test_evidence_larger_than_the_cap_is_not_hashed(tmp_path):
    path = _evidence_profile(tmp_path, "huge.bin")
    with open(path.parent / "huge.bin", "wb") as handle:  # sparse: no disk used
        handle.truncate(600 * 1024 * 1024)
    records = _evidence_status(run_process("check", path, "--format", "json"))
    assert records["EV-01"]["status"] == "not_a_file"
    assert "size limit" in records["EV-01"]["reason"]


def test_evidence_fifo_never_hangs(tmp_path):
    path = _evidence_profile(tmp_path, "pipe.txt")
    _fifo(path.parent / "pipe.txt")
    records = _evidence_status(run_process("check", path, "--format", "json"))
    assert records["EV-01"]["status"] == "not_a_file"


def test_evidence_swapped_after_it_was_examined_is_never_read(tmp_path, monkeypatch):
    """Check-then-open: the file is replaced by a named pipe right after any look at it by
    name (stat, lstat, is_file). Opened once and examined through the open descriptor, the
    evidence check never blocks on the pipe and never hashes what it did not examine."""
    import os
    import threading

    from netsep_check.evaluate import evidence
    from netsep_check.load import load_document

    path = _evidence_profile(tmp_path, "doc.txt")
    document = (path.parent / "doc.txt")
    document.write_text("the approved document\n", encoding="utf-8")
    swapped = {"done": False}

    def swap() -> None:
        if not swapped["done"]:
            swapped["done"] = True
            document.unlink()
            os.mkfifo(document)

    real_stat, real_lstat = os.stat, os.lstat

    def stat(target, *args, **kwargs):
        result = real_stat(target, *args, **kwargs)
        if isinstance(target, (str, Path)) and Path(target).name == "doc.txt":
            swap()
        return result

    def lstat(target, *args, **kwargs):
        result = real_lstat(target, *args, **kwargs)
        if isinstance(target, (str, Path)) and Path(target).name == "doc.txt":
            swap()
        return result

    monkeypatch.setattr(evidence.os, "stat", stat)
    monkeypatch.setattr(evidence.os, "lstat", lstat)
    loaded = load_document(path)
    result: dict = {}

    def run() -> None:
        result["records"] = [r.as_dict() for r in evidence.verify_files(loaded.data, path.parent)]

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(5)
    if worker.is_alive():  # unblock the reader before failing
        fd = os.open(document, os.O_WRONLY | os.O_NONBLOCK)
        os.close(fd)
        pytest.fail("the evidence check blocked on a file swapped after it was examined")
    record = {r["id"]: r for r in result["records"]}["EV-01"]
    assert record["status"] in ("present", "not_a_file")
    if record["status"] == "present":  # read before any swap: the approved content
        import hashlib

        assert record["sha256"] == hashlib.sha256(b"the approved document\n").hexdigest()

@pytest.mark.parametrize("fmt", ["json", "text", "sarif", "junit", "markdown", "html"])
def test_lone_surrogate_is_an_input_error_naming_the_field(tmp_path, fmt):
    text = json.dumps(profile_data()).replace(json.dumps("예시은행"), '"bank \\ud800"', 1)
    assert "\\ud800" in text
    path = _profile_with(tmp_path, "surrogate.json", text)
    outcome = run_process("check", path, "--format", fmt)
    assert_input_error(outcome, "surrogate.json:1", "firm.name", "surrogate")


def test_lone_surrogate_in_a_key_of_a_waivers_file(tmp_path):
    path = _profile_with(tmp_path, "w.json", '{"waivers": [], "x_\\udc80": 1}')
    assert_input_error(run_process("check", "--waivers", path, PROFILE), "w.json", "surrogate")


@pytest.mark.parametrize("fmt", ["json", "text", "sarif", "junit", "markdown", "html"])
def test_file_name_that_is_not_utf8_never_crashes(tmp_path, fmt):
    import os

    folder = tmp_path / "batch"
    folder.mkdir()
    name = os.fsdecode(b"\xff\xfe.yaml")
    (folder / name).write_text(PROFILE_TEXT, encoding="utf-8")
    outcome = run_process("check", folder, "--format", fmt, "--evidence-root", EXAMPLES)
    assert outcome.code == 0, outcome.stderr[-2000:]
    assert "\\xff" in outcome.stdout or "xff" in outcome.stdout


def test_rich_markup_in_pack_metadata_is_shown_not_interpreted(tmp_path):
    folder = _pack(tmp_path / "firm",
                   "  extends: sandbox-2024\n  rule_files: [rules.yaml]\n"
                   "  disable:\n    - {rule: OPS-TRAINING-CURRENT, reason: '[red]in HR[/red] [/]'}\n",
                   {"rules.yaml": RULE.format(id="FIRM-MK", body=TRIVIAL).replace(
                       "{ko: 제목, en: title}", "{ko: '[bold]제목[/bold] [/]', en: '[bold]t[/bold]'}")})
    text = (folder / "pack.yaml").read_text(encoding="utf-8")
    (folder / "pack.yaml").write_text(text.replace('version: "1"', 'version: "[blink]9[/blink]"'),
                                      encoding="utf-8")
    outcome = run_process("check", "--pack", folder, PROFILE, "--format", "text",
                          "--evidence-root", EXAMPLES)
    assert outcome.code == 0, outcome.stderr[-2000:]
    for shown in ("[blink]9[/blink]", "[red]in HR[/red] [/]", "[bold]제목[/bold] [/]"):
        assert shown in outcome.stdout, outcome.stdout[:3000]


# --- 4. never lose a report -----------------------------------------------------------------

def _live_in_session(sid: int) -> list[int]:
    """Processes of session ``sid`` still alive (zombies are dead: only not yet reaped)."""
    import os

    alive = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="utf-8") as handle:
                stat = handle.read()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2:].split()
        if int(fields[3]) == sid and fields[0] != "Z":
            alive.append(int(entry))
    return alive


def _left_in_session(sid: int, seconds: float = 5) -> list[int]:
    """Processes of session ``sid`` still alive after waiting up to ``seconds`` for them all
    to end."""
    deadline = time.monotonic() + seconds
    while _live_in_session(sid) and time.monotonic() < deadline:
        time.sleep(0.05)
    return _live_in_session(sid)


def _kill_outright(proc: subprocess.Popen[Any], processes: int, wait: float = 5) -> list[int]:
    """Once ``processes`` of ``proc``'s session run, SIGKILL the command ``proc`` alone; the
    processes of its session still alive ``wait`` seconds later (then killed)."""
    import os
    import signal

    try:
        deadline = time.monotonic() + 30
        while len(_live_in_session(proc.pid)) < processes and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.3)
        assert proc.poll() is None, "the batch ended before it could be killed"
        assert len(_live_in_session(proc.pid)) >= processes, _live_in_session(proc.pid)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
        return _left_in_session(proc.pid, wait)
    finally:
        for pid in _live_in_session(proc.pid):
            os.kill(pid, signal.SIGKILL)


@pytest.fixture(scope="module")
def many_profiles(tmp_path_factory):
    """256 profiles of 1,000 providers each: chunks of 32 that take seconds each, so a run
    that waits for its running chunks (as 1.0 did) is seen to wait."""
    folder = tmp_path_factory.mktemp("many")
    text = json.dumps(_providers(1000, True))
    for index in range(256):
        (folder / f"p{index:04}.json").write_text(text, encoding="utf-8")
    return folder


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")
@pytest.mark.parametrize("how", ["SIGINT-group", "SIGINT", "SIGTERM"])
def test_interrupting_a_parallel_batch_ends_every_worker(many_profiles, tmp_path, how):
    import os
    import signal

    output = tmp_path / "r.json"
    output.write_text("previous report\n", encoding="utf-8")
    proc = subprocess.Popen(
        [sys.executable, "-m", "netsep_check", "check", many_profiles, "--jobs", "3",
         "--format", "json", "-o", output, "--evidence-root", EXAMPLES],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT,
        start_new_session=True)
    try:
        deadline = time.monotonic() + 20
        while len(_live_in_session(proc.pid)) < 3 and time.monotonic() < deadline:
            time.sleep(0.05)  # the command and its 2 workers (and a fork server, if one)
        time.sleep(0.5)
        assert proc.poll() is None, "the batch ended before it could be interrupted"
        workers = _live_in_session(proc.pid)
        assert len(workers) >= 3, workers
        sig = signal.SIGTERM if how == "SIGTERM" else signal.SIGINT
        start = time.monotonic()
        if how.endswith("-group"):
            os.killpg(proc.pid, sig)  # what Ctrl-C in a terminal does
        else:
            os.kill(proc.pid, sig)
        _, stderr = proc.communicate(timeout=20)
        took = time.monotonic() - start
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert proc.returncode == (143 if how == "SIGTERM" else 130), stderr
    assert took < 2, took
    assert stderr.strip() in ("interrupted", "terminated"), stderr
    assert "Traceback" not in stderr
    assert _left_in_session(proc.pid) == []
    assert output.read_text(encoding="utf-8") == "previous report\n"
    assert [p.name for p in tmp_path.iterdir()] == ["r.json"]


# A run whose report writer sends the command a signal halfway through the first file: the
# moment a report is on disk only in part (its temporary file)
_SIGNAL_WHILE_WRITING = """
import os, signal, sys
from netsep_check import output
number = getattr(signal, sys.argv[1])
original = output._write_content
def halfway(fd, content):
    data = content.encode() if isinstance(content, str) else content
    if isinstance(data, bytes):
        os.write(fd, data[: len(data) // 2])
    os.kill(os.getpid(), number)
    original(fd, content)
output._write_content = halfway
sys.argv[:] = ["netsep-check", *sys.argv[2:]]
from netsep_check.cli import run
run()
"""


@pytest.mark.skipif(not hasattr(__import__("signal"), "SIGHUP"), reason="POSIX signals")
@pytest.mark.parametrize(("name", "code"), [("SIGTERM", 143), ("SIGHUP", 129)])
def test_a_signal_while_a_report_is_written_leaves_the_previous_one(tmp_path, name, code):
    """Outside a parallel batch, SIGTERM or a hang-up took its default action: the command
    died at once, and a report being written stayed behind as a temporary file beside the
    previous one. It now ends as Ctrl-C does: one line, exit 143 (129), nothing left."""
    first, second = tmp_path / "r.json", tmp_path / "r.sarif"
    first.write_text("previous report\n", encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-c", _SIGNAL_WHILE_WRITING, name, "check", PROFILE, "--format",
         "json", "-o", first, "--format", "sarif", "-o", second, "--evidence-root", EXAMPLES],
        capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert result.returncode == code, (result.returncode, result.stderr)
    assert result.stderr.strip() == "terminated", result.stderr
    assert first.read_text(encoding="utf-8") == "previous report\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.json"]


def test_a_single_check_ends_at_once_on_sigterm(tmp_path):
    """SIGTERM during a long single check (not a batch): exit 143 and one line."""
    import os
    import signal

    profile = tmp_path / "big.json"
    profile.write_text(json.dumps(_providers(20_000, True)), encoding="utf-8")
    proc = subprocess.Popen(
        [sys.executable, "-m", "netsep_check", "check", profile, "--format", "json", "-o",
         tmp_path / "r.json", "--evidence-root", EXAMPLES],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)
    time.sleep(0.6)  # past the start-up and the imports: within the check
    if proc.poll() is not None:
        pytest.skip("the check ended before the signal")
    os.kill(proc.pid, signal.SIGTERM)
    _, stderr = proc.communicate(timeout=20)
    assert proc.returncode == 143, stderr
    assert stderr.strip() == "terminated" and "Traceback" not in stderr
    assert [p.name for p in tmp_path.iterdir()] == ["big.json"]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="prctl: Linux only")
def test_killing_a_parallel_batch_outright_ends_every_worker(many_profiles, tmp_path):
    """SIGKILL of the command (the OOM killer, a CI job's time-out) leaves it no handler: its
    workers lived on, each blocked for ever on a queue nobody writes. The kernel now ends
    each worker when the command ends (batch._end_with_parent). The spool folder of a
    command killed outright stays behind in TMPDIR (nothing of the command runs to remove
    it) until the next parallel batch, which removes it (spool.sweep)."""
    import os

    spools = tmp_path / "tmp"
    spools.mkdir()
    proc = subprocess.Popen(
        [sys.executable, "-m", "netsep_check", "check", many_profiles, "--jobs", "2",
         "--format", "json", "-o", tmp_path / "r.json", "--evidence-root", EXAMPLES],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT,
        start_new_session=True, env={**os.environ, "TMPDIR": str(spools)})
    left = _kill_outright(proc, 3)  # the command and its 2 workers
    assert left == [], "workers outlived the command"
    stale = [p for p in spools.iterdir() if p.name.startswith("netsep-check-spool-")]
    assert stale, "no spool folder left: the sweep is not tested"  # made before the workers
    again = subprocess.run(
        [sys.executable, "-m", "netsep_check", "check", many_profiles, "--jobs", "2",
         "--format", "json", "-o", tmp_path / "r2.json", "--evidence-root", EXAMPLES],
        capture_output=True, text=True, cwd=ROOT, timeout=300,
        env={**os.environ, "TMPDIR": str(spools)})
    assert again.returncode in (0, 1), again.stderr
    assert list(spools.iterdir()) == [], "the next batch left the killed one's folder"


OUTPUT_SPELLINGS = {
    "same": lambda p: p,
    "dot-slash": lambda p: Path(str(p.parent) + "/./" + p.name),
    "dot-dot": lambda p: p.parent / ".." / p.parent.name / p.name,
    "symlink": None,
    "hard-link": None,
}


@pytest.mark.parametrize("role", ["profile", "waivers", "baseline", "policy", "pack"])
@pytest.mark.parametrize("spelling", sorted(OUTPUT_SPELLINGS))
def test_output_naming_an_input_is_refused(tmp_path, role, spelling):
    import os

    profile = tmp_path / "p.yaml"
    profile.write_text(PROFILE_TEXT, encoding="utf-8")
    waivers = tmp_path / "w.yaml"
    waivers.write_text("waivers: []\n", encoding="utf-8")
    baseline = tmp_path / "b.json"
    baseline.write_text(run_process("check", profile, "--format", "json", "--evidence-root",
                                    EXAMPLES).stdout, encoding="utf-8")
    policy = tmp_path / "policy"
    policy.mkdir()
    rule = policy / "r.yaml"
    rule.write_text(RULE.format(id="FIRM-OWN", body=TRIVIAL), encoding="utf-8")
    pack = _pack(tmp_path / "firm", "  extends: sandbox-2024\n")
    target = {"profile": profile, "waivers": waivers, "baseline": baseline, "policy": rule,
              "pack": pack / "pack.yaml"}[role]
    before = target.read_bytes()
    if spelling == "symlink":
        output = tmp_path / "link.out"
        output.symlink_to(target)
    elif spelling == "hard-link":
        output = tmp_path / "hard.out"
        os.link(target, output)
    else:
        output = OUTPUT_SPELLINGS[spelling](target)
    args = ["check", profile, "--format", "json", "-o", output, "--evidence-root", EXAMPLES]
    args += {"waivers": ["--waivers", waivers], "baseline": ["--baseline", baseline],
             "policy": ["--policy", policy], "pack": ["--pack", pack]}.get(role, [])
    outcome = run_process(*args)
    assert outcome.code == 2, outcome.text[-2000:]
    assert "Traceback" not in outcome.text
    assert "an input of this run" in outcome.stderr
    assert target.read_bytes() == before


def test_reports_are_written_whole_or_not_at_all(tmp_path, monkeypatch):
    """A full disk while the second of two reports is written: neither is replaced, the
    previous files are intact, no temporary file is left."""
    import errno
    import os

    from netsep_check import output as out

    first, second = tmp_path / "r.json", tmp_path / "r.sarif"
    first.write_text("old json\n", encoding="utf-8")
    second.write_text("old sarif\n", encoding="utf-8")
    calls = {"n": 0}
    real_fsync = os.fsync

    def full_disk(fd: int) -> None:
        calls["n"] += 1
        if calls["n"] == 2:
            raise OSError(errno.ENOSPC, "No space left on device")
        real_fsync(fd)

    monkeypatch.setattr(out.os, "fsync", full_disk)
    from netsep_check.errors import InputError

    with pytest.raises(InputError) as caught:
        out.write_all([(first, "new json\n"), (second, "new sarif\n"), (None, "stdout\n")])
    assert "No space left on device" in str(caught.value) and "r.sarif" in str(caught.value)
    assert first.read_text(encoding="utf-8") == "old json\n"
    assert second.read_text(encoding="utf-8") == "old sarif\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.json", "r.sarif"]


def test_a_failing_write_leaves_the_previous_report(tmp_path, monkeypatch):
    import errno

    from netsep_check import output as out
    from netsep_check.errors import InputError

    report = tmp_path / "r.json"
    report.write_text("old\n", encoding="utf-8")

    real = out._write_bytes

    def full(fd, data):  # the disk fills after 10 bytes
        real(fd, bytes(data[:10]))
        raise OSError(errno.ENOSPC, "No space left on device")

    def full_vector(fd, parts):  # the same, for parts written a group at a time
        full(fd, b"".join(parts))

    monkeypatch.setattr(out, "_write_bytes", full)
    monkeypatch.setattr(out.os, "writev", full_vector)
    for content in ("x" * 100_000, b"x" * 100_000, [b"{", b"x" * 100_000, b"}"]):
        with pytest.raises(InputError):
            out.write_all([(report, content)])
        assert report.read_text(encoding="utf-8") == "old\n"
        assert [p.name for p in tmp_path.iterdir()] == ["r.json"]


def test_write_all_replaces_every_file(tmp_path, capsys):
    from netsep_check.output import write_all

    first = tmp_path / "a.txt"
    first.write_text("old\n", encoding="utf-8")
    write_all([(first, "new\n"), (tmp_path / "b.txt", "b\n"), (None, "out\n")])
    assert first.read_text(encoding="utf-8") == "new\n"
    assert (tmp_path / "b.txt").read_text(encoding="utf-8") == "b\n"
    assert capsys.readouterr().out == "out\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt", "b.txt"]


def test_cli_full_disk_keeps_the_previous_report(tmp_path):
    """End to end: the command writes two reports; the second cannot be made (its folder is
    gone), so neither is written and the first keeps its previous content."""
    first = tmp_path / "r.json"
    first.write_text("previous\n", encoding="utf-8")
    outcome = run_process("check", PROFILE, "--evidence-root", EXAMPLES,
                          "--format", "json", "-o", first,
                          "--format", "sarif", "-o", tmp_path / "missing" / "r.sarif")
    assert outcome.code == 2, outcome.text[-2000:]
    assert "보고서를 쓸 수 없습니다" in outcome.stderr and "Traceback" not in outcome.text
    assert "보고서를 하나도 쓰지 않았습니다" in outcome.stderr  # said in the default language
    assert first.read_text(encoding="utf-8") == "previous\n"
    assert [p.name for p in tmp_path.iterdir()] == ["r.json"]


# --- dates at the calendar's ends (independent hostile run, 2026-12-01) -----------------------

_FAR = [("as_of: 2025-03-31", "as_of: 9999-12-31", ("check", "--format", "committee")),
        ("designated_on: 2024-12-18", "designated_on: 9999-12-31", ("due",)),
        ("evaluated_on: 2024-06-14", "evaluated_on: 9999-12-31", ("due",)),
        ("training: {status: implemented, last_performed_on: 2025-02-10",
         "training: {status: implemented, last_performed_on: 9999-12-31", ("due",)),
        ("as_of: 2025-03-31", "as_of: 0001-01-01", ("check",))]


@pytest.mark.parametrize(("old", "new", "command"), _FAR, ids=[
    "committee-as-of", "due-designated", "due-evaluated", "due-training", "year-one"])
def test_a_date_at_the_ends_of_the_calendar_is_an_input_error(tmp_path, old, new, command):
    """A deadline reckoned from 9999-12-31 (or six months before 0001-01-01) has no date:
    exit 3 before. Dates are reckoned in the years 1000 to 8999, and one outside is named."""
    assert old in PROFILE_TEXT
    path = tmp_path / "far.yaml"
    path.write_text(PROFILE_TEXT.replace(old, new, 1), encoding="utf-8")
    outcome = run_process(*command, path, "--lang", "en")
    assert_input_error(outcome, path.name, "1000 to 8999")


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "8999-12-31"])
def test_as_of_at_the_ends_of_the_calendar(day):
    outcome = run_process("check", PROFILE, "--as-of", day, "--format", "committee")
    assert "Traceback" not in outcome.text and outcome.code != 3, outcome.text[-2000:]
    if day == "8999-12-31":
        assert outcome.code in (0, 1), outcome.text[-2000:]
    else:
        assert outcome.code == 2 and "1000 to 8999" in outcome.stderr, outcome.text[-2000:]


def test_a_waiver_dated_at_the_end_of_the_calendar_is_an_input_error(tmp_path):
    waivers = (EXAMPLES / "waivers.yaml").read_text(encoding="utf-8")
    waivers = re.sub(r"approved_on: [0-9-]+", "approved_on: 9999-01-10", waivers)
    waivers = re.sub(r"expires_on: [0-9-]+", "expires_on: 9999-12-31", waivers)
    path = tmp_path / "w.yaml"
    path.write_text(waivers, encoding="utf-8")
    outcome = run_process("check", EXAMPLES / "m365-noncompliant-scope.yaml", "--waivers", path,
                          "--lang", "en")
    assert_input_error(outcome, path.name, "1000 to 8999")


@pytest.mark.parametrize("blank", [b" ", b"\n", b"\r\n"])
def test_white_space_before_a_json_profile_is_read_at_once(tmp_path, blank):
    """Megabytes of white space before a JSON profile's first brace were skipped a character
    at a time, again for every line looked up: 12 s for 1 MB, past a minute for 10 MB."""
    path = tmp_path / "lead.json"
    path.write_bytes(blank * (4_000_000 // len(blank)) + json.dumps(profile_data()).encode())
    outcome = run_process("check", "--format", "json", path, "--evidence-root", EXAMPLES)
    assert outcome.code in (0, 1), outcome.text[-2000:]
    assert outcome.seconds < WALL / 2, outcome.seconds


def test_a_device_that_cannot_be_written_leaves_every_file_as_it_was(tmp_path):
    """``-o r1.json -o /dev/full``: the file was put in place before the device failed, so the
    run exited 2 with one report written (an independent hostile run). Now the device is
    written before any file is put in place."""
    report = tmp_path / "r1.json"
    report.write_text("old\n", encoding="utf-8")
    outcome = run_process("check", PROFILE, "--format", "json", "-o", report,
                          "--format", "sarif", "-o", "/dev/full")
    assert outcome.code == 2 and "Traceback" not in outcome.text, outcome.text[-2000:]
    assert report.read_text(encoding="utf-8") == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["r1.json"]
