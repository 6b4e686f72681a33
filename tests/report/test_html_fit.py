"""HTML that fits its readers: headings in order, Korean marked lang="ko", a matrix that wraps."""

from __future__ import annotations

import itertools
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path
from typing import ClassVar

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
HANGUL = re.compile("[\uac00-\ud7a3]")
LONG_NAME = "주식회사한국초장기명칭금융지주회사디지털전환추진본부클라우드보안운영센터"


class _Page(HTMLParser):
    VOID: ClassVar[set[str]] = {"meta", "br", "col", "img", "hr", "input", "link", "rect"}

    def __init__(self) -> None:
        super().__init__()
        self.headings: list[int] = []
        self.stack: list[tuple[str, str | None]] = []
        self.korean_outside: list[str] = []
        self.in_style = False

    def handle_starttag(self, tag, attrs):
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))
        if tag == "style":
            self.in_style = True
        if tag not in self.VOID:
            self.stack.append((tag, dict(attrs).get("lang")))

    def handle_endtag(self, tag):
        if tag == "style":
            self.in_style = False
        while self.stack:
            if self.stack.pop()[0] == tag:
                break

    def handle_data(self, data):
        if self.in_style or not HANGUL.search(data):
            return
        lang = next((lang for _, lang in reversed(self.stack) if lang), None)
        if lang != "ko":
            self.korean_outside.append(data.strip())


def _batch(run, tmp_path: Path, lang: str) -> str:
    shutil.copytree(EXAMPLES / "evidence", tmp_path / "evidence")
    for name in ("m365-compliant.yaml", "pulse-noncompliant-controls.yaml"):
        shutil.copy(EXAMPLES / name, tmp_path / name)
    long = tmp_path / "long.yaml"
    text = (EXAMPLES / "m365-noncompliant-scope.yaml").read_text(encoding="utf-8")
    old = next(line for line in text.splitlines() if line.startswith("  name: "))
    long.write_text(text.replace(old, f"  name: {LONG_NAME}", 1), encoding="utf-8")
    result = run("check", tmp_path, "--format", "html", "--lang", lang)
    assert result.exit_code == 1, result.stderr
    return result.stdout


def _check_headings(levels: list[int]) -> None:
    assert levels and levels[0] == 1 and levels.count(1) == 1, levels
    for before, after in itertools.pairwise(levels):
        assert after <= before + 1, f"h{before} followed by h{after}: {levels}"


def test_headings_in_order_single_and_batch(run, tmp_path, examples):
    for lang in ("ko", "en"):
        single = run("check", examples / "m365-noncompliant-scope.yaml", "--format", "html",
                     "--lang", lang)
        page = _Page()
        page.feed(single.stdout)
        _check_headings(page.headings)
    page = _Page()
    page.feed(_batch(run, tmp_path, "en"))
    _check_headings(page.headings)


def test_korean_text_is_marked_lang_ko_in_english_reports(run, tmp_path):
    out = _batch(run, tmp_path, "en")
    assert '<html lang="en">' in out
    page = _Page()
    page.feed(out)
    assert page.korean_outside == []
    assert f'<span lang="ko">{LONG_NAME}</span>' in out  # Hangul firm names
    assert out.count('lang="ko"') > 3  # and Korean basis titles


def test_batch_matrix_wraps_long_korean_names_on_screen_and_in_print(run, tmp_path):
    out = _batch(run, tmp_path, "ko")
    css = out[out.index("<style>"):out.index("</style>")]
    screen, _, paper = css.partition("@media print")
    assert re.search(r"table\.matrix \{\{?[^}]*table-layout: fixed", screen)
    assert re.search(r"td\.firm \{[^}]*word-break: keep-all", screen)
    assert re.search(r"td\.firm \{[^}]*overflow-wrap: anywhere", screen)
    assert re.search(r"td\.firm \{[^}]*word-break: keep-all", paper)
    assert "table.matrix td:first-child code { white-space: nowrap" not in css
    assert re.search(r'<table class="matrix"><colgroup><col class="c-firm">', out)
    assert '<td class="firm"><strong>' in out and LONG_NAME in out
