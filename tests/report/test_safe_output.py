"""Text from a profile is shown, never obeyed: escape sequences and bidi overrides made visible."""

from __future__ import annotations

import html
import re
import shutil
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from netsep_check.report._safe import visible

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"

CLASSES = {  # class → (as written in a YAML double-quoted string, the raw text, what shows)
    "csi-colour": ("\\e[31mRED\\e[0m", "\x1b[31mRED\x1b[0m", "\\x1b[31mRED\\x1b[0m"),
    "osc8-link": ("\\e]8;;https://evil.example\\e\\\\click\\e]8;;\\e\\\\",
                  "\x1b]8;;https://evil.example\x1b\\click\x1b]8;;\x1b\\",
                  "\\x1b]8;;https://evil.example\\x1b\\click\\x1b]8;;\\x1b\\"),
    "osc-title": ("\\e]0;pwned\\a", "\x1b]0;pwned\x07", "\\x1b]0;pwned\\x07"),
    "bidi-override": ("gnp\\u202Eexe.txt", "gnp\u202eexe.txt", "gnp<U+202E>exe.txt"),
    "bidi-isolate": ("a\\u2066b\\u2069c", "a\u2066b\u2069c", "a<U+2066>b<U+2069>c"),
    "carriage-return": ("ok\\rFAIL", "ok\rFAIL", "ok\\x0dFAIL"),
    "c1-csi": ("\\x9b31m", "\x9b31m", "\\x9b31m"),
}
RAW = ("\x1b", "\x07", "\x9b", "\r", "\u202e", "\u2066", "\u2069")


@pytest.mark.parametrize("name", sorted(CLASSES))
def test_visible_neutralises_each_class(name):
    _, raw, shown = CLASSES[name]
    assert visible(raw) == shown
    assert not any(ch in visible(raw) for ch in RAW)


def test_visible_keeps_ordinary_text():
    text = "예시은행 — Example Bank\n\tline two (100%) <b>&"
    assert visible(text) == text
    assert visible(None) == ""


def _profile(tmp_path: Path, written: str) -> Path:
    shutil.copytree(EXAMPLES / "evidence", tmp_path / "evidence")
    text = (EXAMPLES / "m365-noncompliant-scope.yaml").read_text(encoding="utf-8")
    old = next(line for line in text.splitlines() if line.startswith("  name: "))
    path = tmp_path / "p.yaml"
    path.write_text(text.replace(old, f'  name: "Bank {written} end"', 1), encoding="utf-8")
    return path


@pytest.mark.parametrize("fmt", ["text", "markdown", "html", "junit"])
@pytest.mark.parametrize("name", sorted(CLASSES))
def test_reports_show_profile_text_without_obeying_it(run, tmp_path, fmt, name):
    written, _raw, shown = CLASSES[name]
    path = _profile(tmp_path, written)
    for lang in ("ko", "en"):
        result = run("check", path, "--format", fmt, "--lang", lang)
        assert result.exit_code == 1, result.stderr
        out = result.stdout
        assert not any(ch in out for ch in RAW), (fmt, name, repr(out[:300]))
        if fmt == "markdown":  # what a Markdown viewer shows: escapes undone
            out = re.sub(r"\\(.)", r"\1", out)
        elif fmt in ("html", "junit"):
            out = html.unescape(out)
        assert f"Bank {shown} end" in out, (fmt, name)


def test_printed_problems_show_escapes_without_obeying_them(run, tmp_path):
    path = tmp_path / "p.yaml"
    path.write_text('profile_version: 1\n"\\e]0;pwned\\a\\e[2J\\u202Ex": 1\n', encoding="utf-8")
    for lang in ("ko", "en"):
        result = run("validate", "--lang", lang, path)
        assert result.exit_code == 2
        assert not any(ch in result.stderr for ch in RAW), repr(result.stderr)
        assert "\\x1b]0;pwned\\x07\\x1b[2J<U+202E>x" in result.stderr


def test_the_batch_matrix_shows_profile_text_without_obeying_it(run, tmp_path):
    written, _, shown = CLASSES["csi-colour"]
    _profile(tmp_path, written)
    shutil.copy(EXAMPLES / "m365-compliant.yaml", tmp_path)
    (tmp_path / "bad\x1b]0;t\x07.yaml").write_text("a: [\n", encoding="utf-8")
    result = run("check", tmp_path, "--lang", "en")
    assert result.exit_code == 2
    assert not any(ch in result.stdout + result.stderr for ch in RAW), repr(result.stdout)
    matrix = result.stdout[result.stdout.rindex("Bank "):]
    assert f"Bank {shown} end" in matrix
    assert "bad\\x1b]0;t\\x07.yaml" in result.stdout and "YAML syntax error" in result.stdout


# --- visible() is a translation table, not a regular expression: the same text out ----------

_REFERENCE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069]")


def _reference_visible(value: str) -> str:
    def spell(match: re.Match[str]) -> str:
        code = ord(match.group())
        return f"\\x{code:02x}" if code <= 0x9F else f"<U+{code:04X}>"
    return _REFERENCE.sub(spell, value)


@settings(max_examples=500, deadline=None)
@given(text=st.text(st.one_of(st.characters(), st.sampled_from(
    list("\x00\x08\t\n\x0b\x1b\x1f\x7f\x85\x9b\x9f\xa0\u061c\u200d\u200e\u200f\u2028"
         "\u202a\u202e\u202f\u2065\u2066\u2069\u206a 한글")))))
def test_visible_spells_exactly_what_the_reference_pattern_finds(text):
    from netsep_check.report._safe import has_unsafe, visible

    assert visible(text) == _reference_visible(text)
    assert has_unsafe(text) == (_REFERENCE.search(text) is not None)
