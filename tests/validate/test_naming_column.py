"""A long column of naming texts (evidence titles) is filtered at C speed before each text is
judged: the texts it finds are exactly those :func:`says_nothing` finds one by one."""

from __future__ import annotations

import sys
import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from netsep_check.validate.naming import _candidates, says_nothing

_PIECES = ["-", "N/A", "없음", "해당 없음", "(TBD)", "t.b.d.", "ＴＢＤ", " ", "\u200b", "\u3000",
           "미정", "TODO", "none", "x", "2025", "TBS 방송 자료", "보안 정책", "e\u0301", "\x00",
           "a", "é", "㆒", "①", "ß", "Ⅸ", "_", "__", "n/a!", "Placeholder", "k", "정", "\t"]


def _naive(texts: list[str]) -> list[int]:
    return [i for i, text in enumerate(texts) if says_nothing(text)]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.lists(st.sampled_from(_PIECES), max_size=4).map("".join)
                | st.text(max_size=6), min_size=1, max_size=80))
def test_the_column_filter_misses_no_text_that_says_nothing(texts):
    found = [i for i in _candidates(texts) if says_nothing(texts[i])]
    assert found == _naive(texts)


def test_a_column_of_ordinary_titles_leaves_nothing_to_judge_one_by_one():
    ascii_titles = [f"generated evidence item {i}" for i in range(1000)]
    korean_titles = [f"보안 점검 결과 {i}호" for i in range(1000)]
    assert _candidates(ascii_titles) == [] and _candidates(korean_titles) == []
    assert _candidates([*ascii_titles, "N/A", *korean_titles, "없음"]) == [1000, 2001]


def test_no_ascii_letter_with_marks_folds_into_a_word_that_says_nothing():
    """The filter's premise, over every ASCII letter and digit followed by every combining
    mark: folded, it still holds a character no word that says nothing holds."""
    from netsep_check.validate.naming import _SAYS_NOTHING

    letters = set("".join(_SAYS_NOTHING))
    marks = [chr(cp) for cp in range(sys.maxunicode + 1) if not 0xD800 <= cp <= 0xDFFF
             and unicodedata.category(chr(cp)).startswith("M")]
    strong = [c for c in "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
              if c.lower() not in letters]
    for c in strong:
        for mark in marks:
            folded = unicodedata.normalize("NFKC", c + mark).casefold()
            assert any(ch not in letters and unicodedata.category(ch)[0] not in "ZPSC"
                       for ch in folded), (c, hex(ord(mark)))


def test_a_long_evidence_list_with_a_title_that_says_nothing_is_refused(tmp_path):
    import json
    from pathlib import Path

    import pytest
    import yaml

    from netsep_check.errors import InputError
    from netsep_check.load import load_document
    from netsep_check.validate import validate_profile

    root = Path(__file__).resolve().parents[2]
    data = yaml.safe_load((root / "examples" / "m365-compliant.yaml").read_text(encoding="utf-8"))
    data["evidence"] += [{"id": f"EV-G{i:04d}", "title": f"generated {i}"} for i in range(100)]
    data["evidence"][-7]["title"] = "해당 없음"
    data["evidence"][-3]["title"] = "\u200b-"
    path = tmp_path / "p.json"
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1, default=str), encoding="utf-8")
    with pytest.raises(InputError) as caught:
        validate_profile(load_document(path))
    said = [p for p in caught.value.problems if p.code == "text.says_nothing"]
    n = len(data["evidence"])
    assert [p.path for p in said] == [f"evidence[{n - 7}].title", f"evidence[{n - 3}].title"]
    assert all(p.line for p in said)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["", "-", "없음", "x1", "N/A", "보안", "\x00", "g"]),
                min_size=1, max_size=12))
def test_empty_texts_first_last_and_in_a_row_are_found(texts):
    found = [i for i in _candidates(texts) if says_nothing(texts[i])]
    assert found == _naive(texts)


def test_a_long_column_with_a_value_that_is_not_text_still_finds_the_empty_title():
    from netsep_check.validate.naming import _column

    items = [{"title": f"t{i}"} for i in range(70)]
    items[3]["title"] = 5
    items[9] = "not a mapping"
    items[20]["title"] = "N/A"
    found = [(path, text) for path, text in _column(items, "title", ("evidence",))
             if says_nothing(text)]
    assert found == [(("evidence", 20, "title"), "N/A")]


def test_a_long_text_that_says_nothing_is_shown_in_part(tmp_path):
    """A 2 MB title of dashes was repeated whole in the problem's line (a 15 MB one took 15 MB
    of standard error)."""
    import json
    from pathlib import Path

    import pytest
    import yaml

    from netsep_check.errors import InputError
    from netsep_check.load import load_document
    from netsep_check.validate import validate_profile

    root = Path(__file__).resolve().parents[2]
    data = yaml.safe_load((root / "examples" / "m365-compliant.yaml").read_text(encoding="utf-8"))
    data["evidence"][0]["title"] = "-" * 2_000_000
    path = tmp_path / "p.json"
    path.write_text(json.dumps(data, default=str), encoding="utf-8")
    with pytest.raises(InputError) as caught:
        validate_profile(load_document(path))
    (said,) = [p for p in caught.value.problems if p.code == "text.says_nothing"]
    assert len(said.message) < 300 and "… (+1999940)" in said.message
    assert len(said.params["value"]) < 120
