"""Hostile input: every malformed or malicious file is a clean input error (exit 2).

Each case runs the command line and asserts exit code 2, a short message that names the file
(and the line, where there is one), no traceback, and bounded time. The cases that could cost
real time or memory (alias bombs, deep nesting, oversized and wide-and-deep files) run in a
child process under ``RLIMIT_AS`` = 1 GiB and a 20 s wall-clock timeout; the rest run
in-process through click's runner, timed by the wall clock.

The same hostile documents go in as a profile, as a rule file (``check --policy DIR``) and as
a waivers file (``check --waivers FILE``).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from netsep_check.cli import main

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
PROFILE = EXAMPLES / "m365-compliant.yaml"
PROFILE_TEXT = PROFILE.read_text(encoding="utf-8")
DEFAULT_LIMIT = 16 * 1024 * 1024
GIB = 1 << 30
WALL = 20.0  # seconds; generous: every case here takes well under one


@dataclass
class Outcome:
    code: int
    stdout: str
    stderr: str
    seconds: float


def _english(args: tuple[object, ...]) -> list[str]:
    """These tests read the English messages: commands that speak take ``--lang en``."""
    words = [str(a) for a in args]
    if words and words[0] in ("check", "validate", "diff") and "--lang" not in words:
        words[1:1] = ["--lang", "en"]
    return words


def run_inprocess(*args: object) -> Outcome:
    args = tuple(_english(args))
    runner = CliRunner()
    start = time.perf_counter()
    result = runner.invoke(main, [str(a) for a in args], catch_exceptions=True)
    seconds = time.perf_counter() - start
    return Outcome(result.exit_code, result.stdout, result.stderr, seconds)


def _memory_limit(limit: int):
    def apply() -> None:  # runs in the child before exec
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    return apply


def run_process(*args: object, timeout: float = WALL, memory: int = GIB) -> Outcome:
    """The CLI in a child process with its address space capped at ``memory`` bytes."""
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "netsep_check", *_english(args)],
                          capture_output=True, text=True, timeout=timeout,
                          preexec_fn=_memory_limit(memory), cwd=ROOT)
    return Outcome(proc.returncode, proc.stdout, proc.stderr, time.perf_counter() - start)


def assert_input_error(outcome: Outcome, file: Path, line: int | None = None,
                       words: tuple[str, ...] = (), max_lines: int = 3) -> None:
    """Exit 2, no traceback, a short message naming ``file`` (and ``line``) and ``words``."""
    text = outcome.stdout + outcome.stderr
    assert "Traceback" not in text, text
    assert outcome.code == 2, f"exit {outcome.code}: {text[:2000]}"
    assert outcome.seconds < WALL
    message = outcome.stderr
    assert message.strip(), "no message"
    lines = message.strip().splitlines()
    assert len(lines) <= max_lines and len(message) < 400 * max_lines, message[:3000]
    assert file.name in message, message
    if line is not None:
        assert re.search(rf"{re.escape(file.name)}:{line}\b", message), message
    for word in words:
        assert word.lower() in message.lower(), f"{word!r} not in {message!r}"


# --- hostile documents, each with the line its error is on and words its message must say ----

def _laughs(levels: int = 9) -> str:
    lines = ["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for i in range(1, levels + 1):
        refs = ", ".join([f"*a{i - 1}"] * 9)
        lines.append(f"a{i}: &a{i} [{refs}]")
    return "\n".join(lines) + "\n"


def _mapping_laughs(levels: int = 8) -> str:
    lines = ["m0: &m0 {a: x, b: x, c: x, d: x, e: x, f: x, g: x, h: x, i: x, j: x}"]
    for i in range(1, levels + 1):
        refs = ", ".join(f"k{j}: *m{i - 1}" for j in range(10))
        lines.append(f"m{i}: &m{i} {{{refs}}}")
    return "\n".join(lines) + "\n"


DEEP = 50_000


@dataclass
class Case:
    content: bytes
    line: int | None
    words: tuple[str, ...]
    heavy: bool = False  # run in a child process under the memory and time limits
    suffix: str = ".yaml"
    max_lines: int = 3
    memory: int = GIB


def _case(text: str | bytes, line: int | None, *words: str, heavy: bool = False,
          suffix: str = ".yaml", max_lines: int = 3, memory: int = GIB) -> Case:
    data = text.encode("utf-8") if isinstance(text, str) else text
    return Case(data, line, words, heavy, suffix, max_lines, memory)


# Cases that are wrong before any schema is consulted: the same for profiles, rules, waivers.
DOCUMENT_CASES: dict[str, Case] = {
    "billion-laughs": _case(_laughs(), None, "alias", heavy=True),
    "billion-laughs-mappings": _case(_mapping_laughs(), None, "alias", heavy=True),
    "deep-flow-sequences": _case("a: " + "[" * DEEP + "]" * DEEP + "\n", 1, "nesting",
                                 heavy=True),
    "deep-flow-mappings": _case("a: " + "{a: " * DEEP + "1" + "}" * DEEP + "\n", 1, "nesting",
                                heavy=True),
    "deep-block-sequences": _case("a:\n" + "- " * DEEP + "x\n", 2, "nesting", heavy=True),
    "deep-block-mappings": _case("".join(" " * i + f"k{i}:\n" for i in range(3000)) + "x\n",
                                 None, "nesting", heavy=True),
    "deep-json-arrays": _case("[" * DEEP + "]" * DEEP, None, "nesting", heavy=True,
                              suffix=".json"),
    "deep-json-objects": _case('{"a":' * DEEP + "1" + "}" * DEEP, None, "nesting", heavy=True,
                               suffix=".json"),
    "invalid-utf8": _case(b"rules:\n  - id: \xff\xfe\n", 2, "UTF-8"),
    "invalid-utf8-surrogate": _case(b"a: \xed\xa0\x80\n", 1, "UTF-8"),
    "utf16-le-bom": _case("a: 1\n".encode("utf-16"), 1, "UTF-16"),
    "utf16-be-bom": _case(b"\xfe\xff" + "a: 1\n".encode("utf-16-be"), 1, "UTF-16"),
    "utf16-le-no-bom": _case("a: 1\nb: 2\n".encode("utf-16-le"), 1, "UTF-16"),
    "utf16-be-no-bom": _case("a: 1\nb: 2\n".encode("utf-16-be"), 1, "UTF-16"),
    "nul-byte": _case(b"a: 1\nb: x\x00y\n", 2, "NUL"),
    "python-object": _case("a: !!python/object:os.system {}\n", 1, "not allowed"),
    "python-apply": _case("a: !!python/object/apply:os.system ['echo pwned']\n", 1,
                          "not allowed"),
    "python-name": _case("a: !!python/name:os.system\n", 1, "not allowed"),
    "python-verbatim": _case("a: !<tag:yaml.org,2002:python/object/new:os.system> [x]\n", 1,
                             "not allowed"),
    "tag-directive": _case("%TAG !p! tag:yaml.org,2002:python/\n---\na: !p!object:os.system {}\n",
                           3, "not allowed"),
    "custom-tag": _case("a: !vault secret\n", 1, "not allowed"),
    "custom-tag-mapping": _case("a: !include {file: /etc/passwd}\n", 1, "not allowed"),
    "binary-tag": _case("a: !!binary aGVsbG8=\n", 1, "not allowed"),
    "timestamp-tag": _case("a: !!timestamp 2025-01-01\n", 1, "not allowed"),
    "set-tag": _case("a: !!set {x, y}\n", 1, "not allowed"),
    "duplicate-top": _case("a: 1\nb: 2\na: 3\n", 3, "duplicate key 'a'", "line 1"),
    "duplicate-depth-3": _case("a:\n  b:\n    c: 1\n    d: 2\n    c: 3\n", 5,
                               "duplicate key 'c'"),
    "duplicate-in-list": _case("a:\n  - {x: 1, y: 2}\n  - {x: 1, x: 2}\n", 3,
                               "duplicate key 'x'"),
    "duplicate-json": _case('{"a": {"b": [{"c": 1,\n "c": 2}]}}', 2, "duplicate key 'c'",
                            suffix=".json"),
    "merge-key": _case("a: &a {x: 1}\nb:\n  <<: *a\n", 3, "merge"),
    "multi-document": _case("a: 1\n---\nb: 2\n", 2, "more than one"),
    "multi-document-empty": _case("---\na: 1\n...\n---\n", 4, "more than one"),
    "empty": _case("", 1, "empty"),
    "only-whitespace": _case("   \n\n", 1, "empty"),
    "only-comments": _case("# nothing here\n", 1, "no YAML document"),
    "list-not-mapping": _case("- a\n- b\n", 1, "mapping", "list"),
    "scalar-not-mapping": _case("just text\n", 1, "mapping"),
    "null-document": _case("null\n", 1, "mapping"),
    "huge-integer": _case("a: " + "9" * 5000 + "\n", 1, "digits"),
    # JSON's decoder says only that some number is too long (in Python's English, no line)
    "huge-integer-json": _case('{"a": "9 lives",\n "b": -' + "9" * 5000 + "}", 2, "digits",
                               "far more", suffix=".json"),
    "syntax-error": _case("a: [1, 2\n", 2, "syntax"),
    "control-character": _case("a: \x07\n", None, "character"),
    "complex-key": _case("? [a, b]\n: 1\n", 1, "key"),
    "integer-key": _case("1: a\n", 1, "key"),
}

PROFILE_ONLY: dict[str, Case] = {
    # Wide and deep: 98 levels, 600,000 values in 1.2 MB. Line marks kept as a map from full
    # paths cost depth × values (600 MB here); kept as a tree, one tuple a value (under 100 MB).
    "wide-and-deep": _case("{a: " * 98 + "[" + "a," * 600_000 + "a]" + "}" * 98 + "\n", 1,
                           "unknown key", heavy=True, max_lines=12, memory=GIB // 2),
}


def _write(tmp_path: Path, name: str, case: Case) -> Path:
    path = tmp_path / f"{name}{case.suffix}"
    path.write_bytes(case.content)
    return path


def _run(case: Case, *args: object) -> Outcome:
    return run_process(*args, memory=case.memory) if case.heavy else run_inprocess(*args)


# --- profiles ---------------------------------------------------------------------------------

@pytest.mark.parametrize("name", sorted(DOCUMENT_CASES) + sorted(PROFILE_ONLY))
def test_hostile_profile(tmp_path, name):
    case = {**DOCUMENT_CASES, **PROFILE_ONLY}[name]
    path = _write(tmp_path, name, case)
    outcome = _run(case, "check", path, "--format", "json")
    assert_input_error(outcome, path, case.line, case.words, case.max_lines)
    document = json.loads(outcome.stdout)  # the JSON output says why, too: no silent report
    assert document["reports"] == [] and document["summary"]["verdict"] == "undetermined"
    assert [item["file"] for item in document["invalid"]] == [str(path)]


def test_python_tag_runs_nothing(tmp_path):
    marker = tmp_path / "pwned"
    path = tmp_path / "p.yaml"
    path.write_text(f"a: !!python/object/apply:os.system ['touch {marker}']\n", encoding="utf-8")
    assert_input_error(run_inprocess("check", path), path, 1, ("not allowed",))
    assert not marker.exists()


def test_file_over_default_limit(tmp_path):
    path = tmp_path / "big.yaml"
    path.write_bytes(b"a: " + b"x" * DEFAULT_LIMIT + b"\n")
    outcome = run_process("check", path)
    assert_input_error(outcome, path, None, (f"limit of {DEFAULT_LIMIT} bytes", "--max-size"))


def test_file_over_configured_limit(tmp_path):
    path = tmp_path / "p.yaml"
    path.write_text(PROFILE_TEXT, encoding="utf-8")
    outcome = run_inprocess("check", path, "--max-size", 1000)
    assert_input_error(outcome, path, None, ("limit of 1000 bytes",))
    # the same file passes with a limit it fits in
    assert run_inprocess("check", "--max-size", len(PROFILE_TEXT.encode()) + 1,
                         PROFILE, "--format", "json").code == 0


def test_max_size_must_be_positive():
    outcome = run_inprocess("check", PROFILE, "--max-size", 0)
    assert outcome.code == 2 and "Traceback" not in outcome.stderr


# Schema-level cases: a valid example with one value changed.

def _line_of(text: str, needle: str) -> int:
    return text[:text.index(needle)].count("\n") + 1


SCHEMA_CASES = {
    # YAML 1.1 booleans where a boolean is wanted
    "yes-boolean": ("extended: false", "extended: yes", ("true or false", "only true and false")),
    "on-boolean": ("mobile_access: false", "mobile_access: on",
                   ("true or false", "only true and false")),
    "NO-boolean": ("pseudonymised_data: false", "pseudonymised_data: NO",
                   ("true or false", "only true and false")),
    # a number where text is wanted, and text where a number is wanted
    "number-for-text": ('number: "2024-FSC-0927-05"', "number: 20240927",
                        ("expected text", "quotes")),
    "text-for-number": ("retention_days: 730", 'retention_days: "730"',
                        ("expected a whole number", "text")),
    "version-as-text": ("profile_version: 1", 'profile_version: "1"', ("whole number",)),
    # dates that do not exist
    "february-30": ("as_of: 2025-03-31", "as_of: 2025-02-30", ("not a real calendar date",)),
    "month-13": ("designated_on: 2024-12-18", "designated_on: 2024-13-01",
                 ("not a real calendar date",)),
    "date-as-number": ("as_of: 2025-03-31", "as_of: 20250331", ("expected text",)),
}


@pytest.mark.parametrize("name", sorted(SCHEMA_CASES))
def test_profile_schema_case(tmp_path, name):
    old, new, words = SCHEMA_CASES[name]
    assert old in PROFILE_TEXT
    text = PROFILE_TEXT.replace(old, new, 1)
    path = tmp_path / f"{name}.yaml"
    path.write_text(text, encoding="utf-8")
    outcome = run_inprocess("check", path)
    assert_input_error(outcome, path, _line_of(text, new), words)


def test_profile_list_instead_of_mapping_in_a_field(tmp_path):
    text = PROFILE_TEXT.replace("firm:\n  name: 예시은행\n  sector: bank\n",
                                "firm:\n  - name: 예시은행\n  - sector: bank\n")
    path = tmp_path / "p.yaml"
    path.write_text(text, encoding="utf-8")
    assert_input_error(run_inprocess("check", path), path, _line_of(text, "firm:"),
                       ("expected a mapping",))


# --- policy files (check --policy DIR) -----------------------------------------------------------

RULE = """\
rules:
  - id: FIRM-HOSTILE
    area: evidence
    severity: low
    title: {ko: 제목, en: title}
    rationale: {ko: 취지, en: why}
    remediation: {ko: 조치, en: fix}
    basis: {source: a custom source, clause: c, strength: derived}
    waivable: true
    check: {exists: firm.name}
    tests:
      - {expect: pass, as_of: 2025-01-01}
"""


def _policy(tmp_path: Path, name: str, content: bytes, suffix: str = ".yaml") -> Path:
    folder = tmp_path / "policy"
    folder.mkdir(exist_ok=True)
    path = folder / f"{name}{suffix if suffix != '.json' else '.yaml'}"
    path.write_bytes(content)
    return path


def test_valid_policy_passes(tmp_path):
    _policy(tmp_path, "ok", RULE.encode())
    assert run_inprocess("check", "--policy", tmp_path / "policy", PROFILE,
                         "--format", "json").code == 0


POLICY_SKIP = {"deep-json-arrays", "deep-json-objects", "duplicate-json"}  # rule files are YAML


@pytest.mark.parametrize("name", sorted(set(DOCUMENT_CASES) - POLICY_SKIP))
def test_hostile_policy_file(tmp_path, name):
    case = DOCUMENT_CASES[name]
    path = _policy(tmp_path, name, case.content)
    outcome = _run(case, "check", "--policy", tmp_path / "policy", PROFILE, "--format", "json")
    assert_input_error(outcome, path, case.line, case.words)


def test_policy_file_over_limit(tmp_path):
    path = _policy(tmp_path, "big", b"rules: []\n# " + b"x" * DEFAULT_LIMIT + b"\n")
    outcome = run_process("check", "--policy", tmp_path / "policy", PROFILE)
    assert_input_error(outcome, path, None, ("limit",))


POLICY_SCHEMA_CASES = {
    "yes-boolean": ("waivable: true", "waivable: yes", ("true or false", "only true and false")),
    "On-boolean": ("waivable: true", "waivable: On", ("true or false",)),
    "number-for-text": ("clause: c", "clause: 15", ("expected text", "quotes")),
    "number-for-path": ("exists: firm.name", "exists: 42", ("path",)),
    "text-for-number": ("check: {exists: firm.name}",
                        'check: {within_days: {path: assessment.as_of, days: "30"}}',
                        ("whole number",)),
    "test-date-february-30": ("as_of: 2025-01-01", "as_of: 2025-02-30",
                              ("not a real calendar date",)),
    "condition-date-february-30": ("check: {exists: firm.name}",
                                   "check: {date_ge: {path: assessment.as_of, "
                                   "value: 2025-02-30}}", ("not a date",)),
}


@pytest.mark.parametrize("name", sorted(POLICY_SCHEMA_CASES))
def test_policy_schema_case(tmp_path, name):
    old, new, words = POLICY_SCHEMA_CASES[name]
    assert old in RULE
    text = RULE.replace(old, new, 1)
    path = _policy(tmp_path, name, text.encode())
    outcome = run_inprocess("check", "--policy", tmp_path / "policy", PROFILE)
    assert_input_error(outcome, path, _line_of(text, new), words)


def test_policy_rules_mapping_instead_of_list(tmp_path):
    path = _policy(tmp_path, "rules", b"rules:\n  id: FIRM-X\n  area: evidence\n")
    outcome = run_inprocess("check", "--policy", tmp_path / "policy", PROFILE)
    assert_input_error(outcome, path, 1, ("expected a list",))


# --- waiver files (check --waivers FILE) -------------------------------------------------------

def _has_waivers() -> bool:
    command = main.get_command(None, "check")  # type: ignore[arg-type]  # loaded on demand
    return any("--waivers" in param.opts for param in command.params)


needs_waivers = pytest.mark.skipif(not _has_waivers(),
                                   reason="check has no --waivers option yet (being written)")

WAIVERS = """\
waivers:
  - rule: SAAS-LOG-RETENTION
    path: security_measures.saas_management.audit_logging.retention_days
    justification: logs are exported daily to the on-premises server, kept for 5 years
    approved_by: Information Protection Committee
    approved_on: 2025-01-10
    ticket: RISK-2025-0042
    expires_on: 2025-12-31
"""


@needs_waivers
def test_valid_waivers_accepted(tmp_path):
    path = tmp_path / "w.yaml"
    path.write_text(WAIVERS, encoding="utf-8")
    outcome = run_inprocess("check", "--waivers", path, EXAMPLES / "pulse-noncompliant-controls.yaml",
                            "--format", "json")
    assert outcome.code in (0, 1), outcome.stderr


@needs_waivers
@pytest.mark.parametrize("name", sorted(DOCUMENT_CASES))
def test_hostile_waivers_file(tmp_path, name):
    case = DOCUMENT_CASES[name]
    path = _write(tmp_path, name, case)
    outcome = _run(case, "check", "--waivers", path, PROFILE, "--format", "json")
    assert_input_error(outcome, path, case.line, case.words)


@needs_waivers
def test_waivers_file_over_limit(tmp_path):
    path = tmp_path / "w.yaml"
    path.write_bytes(WAIVERS.encode() + b"# " + b"x" * DEFAULT_LIMIT + b"\n")
    assert_input_error(run_process("check", "--waivers", path, PROFILE), path, None,
                       ("limit",))


WAIVER_SCHEMA_CASES = {
    "february-30": ("approved_on: 2025-01-10", "approved_on: 2025-02-30",
                    ("not a real calendar date",)),
    "expires-month-13": ("expires_on: 2025-12-31", "expires_on: 2025-13-01",
                         ("not a real calendar date",)),
    "number-for-text": ("ticket: RISK-2025-0042", "ticket: 20250042",
                        ("expected text", "quotes")),
    "date-as-number": ("approved_on: 2025-01-10", "approved_on: 20250110", ("expected text",)),
    "yes-for-text": ("approved_by: Information Protection Committee", "approved_by: yes",
                     None),
    "list-for-text": ("justification: logs", "justification:\n      - logs", ("expected text",)),
}


@needs_waivers
@pytest.mark.parametrize("name", sorted(WAIVER_SCHEMA_CASES))
def test_waivers_schema_case(tmp_path, name):
    old, new, words = WAIVER_SCHEMA_CASES[name]
    assert old in WAIVERS
    text = WAIVERS.replace(old, new, 1)
    path = tmp_path / f"{name}.yaml"
    path.write_text(text, encoding="utf-8")
    outcome = run_inprocess("check", "--waivers", path, PROFILE)
    if words is None:  # "yes" is text here, as any text: no YAML 1.1 boolean turns it into one
        assert outcome.code in (0, 1), outcome.stderr
        return
    assert_input_error(outcome, path, _line_of(text, new.splitlines()[0]), words)
