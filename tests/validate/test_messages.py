"""Messages people can act on: a typo names only itself, and problems speak --lang."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from netsep_check.errors import EXIT_INPUT, EXIT_OK, Problem
from netsep_check.load import load_document
from netsep_check.report.problems import CATALOGUE, problem_line, problem_text
from netsep_check.validate.fast import compile_schema
from netsep_check.validate.profile import profile_schema
from netsep_check.validate.schema_errors import schema_problems

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "m365-compliant.yaml"

# (where, old text, new text, path of the problem, keys the message must offer)
TYPOS = {
    "control": ("approved_devices_only: {status: implemented, evidence: [EV-10]}",
                "approved_devices_only: {status: implemented, evidence: [EV-10], colour: red}",
                "security_measures.endpoint.approved_devices_only.colour",
                ["evidence", "note", "status"]),
    "control-with-own-keys": (
        "strong_authentication: {status: implemented, applies_to: all_users, evidence: [EV-21]}",
        "strong_authentication: {status: implemented, applies_to: all_users, evidence: [EV-21], "
        "colour: red}",
        "security_measures.network_link.strong_authentication.colour",
        ["applies_to", "evidence", "note", "status"]),
    "governance-control": (
        "risk_assessment: {status: implemented, approved_on: 2024-08-30, evidence: [EV-50]}",
        "risk_assessment: {status: implemented, approved_on: 2024-08-30, evidence: [EV-50], "
        "colour: red}",
        "governance.risk_assessment.colour", ["approved_on", "evidence", "note", "status"]),
    "firm": ("  sector: bank\n", "  sector: bank\n  colour: red\n", "firm.colour",
             ["name", "sector"]),
    "provider": ("      evaluated_on: 2024-06-14\n",
                 "      evaluated_on: 2024-06-14\n      colour: red\n",
                 "providers[0].security_evaluation.colour", ["evaluated_on", "evaluator"]),
    "evidence-entry": ("  - id: EV-01\n", "  - id: EV-01\n    colour: red\n",
                       "evidence[0].colour", ["id", "path", "sha256", "title"]),
    "top-level": ("regime: sandbox\n", "regime: sandbox\ncolour: red\n", "colour",
                  ["assessment", "firm", "regime"]),
}


def _variant(tmp_path: Path, old: str, new: str, name: str = "p.yaml") -> Path:
    text = EXAMPLE.read_text(encoding="utf-8")
    assert old in text, old
    path = tmp_path / name
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


@pytest.mark.parametrize("where", sorted(TYPOS))
def test_a_typo_names_only_the_unknown_key_and_what_was_expected(tmp_path, where):
    old, new, path, expected = TYPOS[where]
    document = load_document(_variant(tmp_path, old, new))
    problems = schema_problems(document, profile_schema())
    assert [p.path for p in problems] == [path], [str(p) for p in problems]
    problem = problems[0]
    assert problem.code == "schema.unknown_key" and problem.params["key"] == "colour"
    assert "'colour'" in problem.message and "none" not in problem.message
    offered = re.search(r"expected one of: ([^;)]*)", problem.message).group(1).split(", ")
    assert set(expected) <= set(offered), problem.message
    assert "colour" not in offered
    assert problem.line is not None and problem.column is not None
    # validate/fast.py agrees: not valid with the typo, valid without it
    check = compile_schema(profile_schema())
    assert check is not None
    assert check(document.data) is False
    assert check(load_document(EXAMPLE).data) is True


def test_undefined_evidence_reported_with_the_schema_errors_with_column(tmp_path, run):
    path = _variant(tmp_path, "extended: false", "extended: maybe")
    text = path.read_text(encoding="utf-8").replace(
        "approved_devices_only: {status: implemented, evidence: [EV-10]}",
        "approved_devices_only: {status: implemented, evidence: [EV-99]}")
    path.write_text(text, encoding="utf-8")
    result = run("validate", "--lang", "en", path)
    assert result.exit_code == EXIT_INPUT
    assert "designation.extended: expected true or false" in result.stderr
    line = next(i for i, row in enumerate(text.splitlines(), 1) if "EV-99" in row)
    column = text.splitlines()[line - 1].index("EV-99") + 1
    assert (f"{path}:{line}:{column}: security_measures.endpoint.approved_devices_only."
            f"evidence[0]: evidence id 'EV-99' is cited but not defined") in result.stderr
    assert "2 problems found" in result.stderr


def test_validate_speaks_korean_by_default_and_english_when_asked(tmp_path, run):
    bad = _variant(tmp_path, "  sector: bank\n", "  sector: bank\n  colour: red\n")
    korean = run("validate", bad)
    assert korean.exit_code == EXIT_INPUT
    assert "오류:" in korean.stderr and "알 수 없는 키 'colour'" in korean.stderr
    assert "unknown key" not in korean.stderr
    english = run("validate", "--lang", "en", bad)
    assert english.exit_code == EXIT_INPUT
    assert "error:" in english.stderr and "unknown key 'colour'" in english.stderr
    assert "알 수 없는" not in english.stderr
    assert "유효한 프로파일" in run("validate", EXAMPLE).stderr
    assert run("validate", "--lang", "en", EXAMPLE).exit_code == EXIT_OK


def test_check_input_errors_follow_lang(tmp_path, run):
    missing = tmp_path / "nope.yaml"
    assert "파일이 없습니다" in run("check", missing).stderr
    assert "no such file" in run("check", "--lang", "en", missing).stderr
    syntax = tmp_path / "s.yaml"
    syntax.write_text("a: [1, 2\n", encoding="utf-8")
    assert "YAML 구문 오류" in run("check", syntax).stderr
    duplicate = tmp_path / "d.yaml"
    duplicate.write_text("a: 1\na: 2\n", encoding="utf-8")
    assert "키 'a'이(가) 중복되었습니다 (처음 정의: 1행)" in run("check", duplicate).stderr
    bad_json = tmp_path / "j.json"
    bad_json.write_text("{\"a\": }", encoding="utf-8")
    assert "JSON 구문 오류" in run("check", bad_json).stderr
    empty = tmp_path / "e.yaml"
    empty.write_text("", encoding="utf-8")
    assert "파일이 비어 있습니다" in run("check", empty).stderr
    utf16 = tmp_path / "u.yaml"
    utf16.write_bytes("a: 1\n".encode("utf-16"))
    assert "UTF-16" in run("check", utf16).stderr and "저장하십시오" in run("check", utf16).stderr


@pytest.mark.parametrize("edit, code, korean", [
    (("regime: sandbox", "regime: sandbox2"), "schema.not_in_enum", "허용되지 않는 값"),
    (("as_of: 2025-03-31", "as_of: 2025-02-30"), "schema.bad_date", "실제 날짜가 아닙니다"),
    (("  sector: bank\n", ""), "schema.missing_key", "필수 키 'sector'"),
    (("name: 예시은행", "name: ''"), "schema.empty", "비어 있으면 안 됩니다"),
    (("tasks: [email, calendar, messaging, video_meeting, document_collaboration]\n  data",
      "tasks: [Email]\n  data"), "schema.bad_pattern", "형식이 아닙니다"),
    (("extended: false", "extended: yes"), "schema.wrong_type", "true와 false만"),
])
def test_schema_problems_have_codes_and_korean_text(tmp_path, edit, code, korean):
    document = load_document(_variant(tmp_path, *edit))
    problems = schema_problems(document, profile_schema())
    assert code in [p.code for p in problems], [(p.code, p.message) for p in problems]
    problem = next(p for p in problems if p.code == code)
    assert korean in problem_text(problem, "ko")
    assert problem_text(problem, "en") == problem.message
    assert problem_line(problem, "en") == str(problem)


def test_every_code_made_in_the_package_is_in_the_catalogue():
    source = ROOT / "netsep_check"
    made = set()
    for file in source.rglob("*.py"):
        text = file.read_text(encoding="utf-8")
        made |= set(re.findall(r"code=\"([a-z0-9_.]+)\"", text))
        made |= set(re.findall(r"\"((?:schema|evidence|file|yaml|json)\.[a-z_]+)\"", text))
    assert made, "no codes found"
    assert made <= set(CATALOGUE), sorted(made - set(CATALOGUE))
    for code, (en, ko) in CATALOGUE.items():
        assert en and ko and en != ko, code


def test_unknown_code_and_bad_params_fall_back_to_english():
    unknown = Problem("f.yaml", "something odd", 3, 4, "a.b", "no.such.code", {})
    assert problem_line(unknown, "ko") == "f.yaml:3:4: a.b: something odd"
    assert problem_text(unknown, "ko") == "something odd"
    misfit = Problem("f.yaml", "missing required key 'x'", None, None, None,
                     "schema.missing_key", {})
    assert problem_line(misfit, "ko") == "f.yaml: missing required key 'x'"


BAD_FILES = {  # name → bytes (a profile-like file that cannot be used)
    "syntax.yaml": b"a: [1, 2\n",
    "duplicate.yaml": b"a: 1\na: 2\n",
    "duplicate.json": b'{"a": 1, "a": 2}',
    "syntax.json": b'{"a": }',
    "empty.yaml": b"",
    "comments.yaml": b"# only\n",
    "bom.yaml": "a: 1\n".encode("utf-16"),
    "nobom.yaml": "a: 1\n".encode("utf-16-le"),
    "nul.yaml": b"a: 1\x00\n",
    "latin1.yaml": b"a: caf\xe9\n",
    "list.yaml": b"- 1\n",
    "two.yaml": b"a: 1\n---\nb: 2\n",
    "tag.yaml": b"a: !!python/object:os.system x\n",
    "badint.yaml": b"a: !!int abc\n",
    "alias.yaml": b"a: &x 1\nb: *y\n",
    "merge.yaml": b"a:\n  <<: {b: 1}\n",
    "complexkey.yaml": b"? [1]\n: 2\n",
    "long.yaml": b"a: " + b"9" * 5000 + b"\n",
    "deep.yaml": b"a: " + b"[" * 300 + b"]" * 300 + b"\n",
}


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_english_catalogue_text_is_the_message_and_korean_is_korean(tmp_path, name):
    from netsep_check.errors import InputError
    from netsep_check.load import require_mapping

    path = tmp_path / name
    path.write_bytes(BAD_FILES[name])
    with pytest.raises(InputError) as caught:
        require_mapping(load_document(path))
    for problem in caught.value.problems:
        assert problem.code in CATALOGUE, (problem.code, problem.message)
        assert problem_line(problem, "en") == str(problem)
        assert problem_text(problem, "en") == problem.message
        korean = problem_line(problem, "ko")
        assert re.search("[\uac00-\ud7a3]", korean) and korean != str(problem)


def test_schema_messages_in_english_are_unchanged(tmp_path):
    edits = [("regime: sandbox", "regime: sandbox2"), ("as_of: 2025-03-31", "as_of: 20250331"),
             ("profile_version: 1", "profile_version: 2"), ("extended: false", "extended: 0"),
             ("  sector: bank\n", "  sector: bank\n  colour: red\n"),
             ("number: \"2024-FSC-0927-05\"", "number: 2024"),
             ("tasks: [email, calendar, messaging, video_meeting, document_collaboration]\n"
              "  data", "tasks: [email, email]\n  data")]
    text = EXAMPLE.read_text(encoding="utf-8")
    for old, new in edits:
        assert old in text, old
        text = text.replace(old, new, 1)
    path = tmp_path / "p.yaml"
    path.write_text(text, encoding="utf-8")
    problems = schema_problems(load_document(path), profile_schema())
    assert len(problems) >= len(edits)
    for problem in problems:
        assert problem.code in CATALOGUE, problem.message
        assert problem_line(problem, "en") == str(problem)
        assert problem_text(problem, "ko") != problem.message
