"""The cache of parsed built-in pack files (netsep_check/rules/parsed.py): used only for the
built-in packs, keyed by the file's bytes, never trusted past a change, never a failure."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from netsep_check.errors import InputError
from netsep_check.load import load_document
from netsep_check.rules import load_pack, packs, parsed
from netsep_check.rules.schema import rules_schema
from netsep_check.validate.schema_errors import schema_key, schema_problems

ROOT = Path(__file__).resolve().parents[2]
BUILTIN_FILES = sorted(p for p in (ROOT / "policies").rglob("*.yaml")
                       if "tests" not in p.relative_to(ROOT / "policies").parts
                       and "\nrules:" in "\n" + p.read_text(encoding="utf-8"))


def _check(document):
    problems = schema_problems(document, rules_schema())
    if problems:
        raise InputError(problems)


def _load(path: Path, root: Path):
    return parsed.load_builtin(path, "policies/x.yaml", root, schema_key(rules_schema()), _check)


@pytest.mark.parametrize("path", BUILTIN_FILES, ids=lambda p: p.name)
def test_a_cached_file_reads_back_as_parsed(tmp_path, path):
    """Data, digest and the line of every value are the same from the cache as parsed anew."""
    fresh = load_document(path, display="policies/x.yaml")
    first = _load(path, tmp_path)
    assert len(list((tmp_path / parsed.FOLDER).glob("*.json"))) == 1
    cached = _load(path, tmp_path)
    assert cached.data == fresh.data == first.data
    assert cached.sha256 == fresh.sha256
    for index, rule in enumerate(fresh.data["rules"]):
        for part in ("id", "check", "title", "basis", "tests"):
            where = ("rules", index, part)
            assert cached.position(where) == fresh.position(where), where
        for case, _ in enumerate(rule.get("tests", ())):  # deeper than the cache keeps
            where = ("rules", index, "tests", case, "expect")
            assert cached.position(where) == fresh.position(where), where


def test_the_cache_is_used_and_a_changed_file_is_parsed_again(tmp_path, monkeypatch):
    source = tmp_path / "rules.yaml"
    shutil.copy(ROOT / "policies" / "common" / "evidence.yaml", source)
    first = _load(source, tmp_path)

    def no_parse(*_args, **_kwargs):
        raise AssertionError("parsed again although the cache holds the file")

    monkeypatch.setattr(parsed, "parse_source", no_parse)
    assert _load(source, tmp_path).data == first.data
    monkeypatch.undo()
    changed = source.read_text(encoding="utf-8").replace("severity: medium", "severity: low", 1)
    assert changed != source.read_text(encoding="utf-8")
    source.write_text(changed, encoding="utf-8")
    again = _load(source, tmp_path)
    assert again.data != first.data  # the new bytes, never the old entry
    assert again.sha256 != first.sha256


def test_a_file_that_fails_its_schema_is_never_cached(tmp_path):
    source = tmp_path / "rules.yaml"
    source.write_text("rules:\n  - id: X\n", encoding="utf-8")
    with pytest.raises(InputError):
        _load(source, tmp_path)
    assert not list((tmp_path / parsed.FOLDER).glob("*.json"))


@pytest.mark.parametrize("content", ["", "{not json", "[1, 2]", '{"sha256": "0", "data": {}}'])
def test_a_damaged_or_foreign_entry_is_ignored(tmp_path, content):
    source = tmp_path / "rules.yaml"
    shutil.copy(ROOT / "policies" / "common" / "evidence.yaml", source)
    expected = _load(source, tmp_path).data
    (entry,) = (tmp_path / parsed.FOLDER).glob("*.json")
    entry.write_text(content, encoding="utf-8")
    assert _load(source, tmp_path).data == expected


def test_a_folder_that_cannot_be_written_only_means_no_cache(tmp_path):
    source = tmp_path / "rules.yaml"
    shutil.copy(ROOT / "policies" / "common" / "evidence.yaml", source)
    (tmp_path / parsed.FOLDER).write_text("a file where the cache folder would be")
    assert _load(source, tmp_path).data["rules"]
    assert _load(source, tmp_path).data["rules"]


def test_turned_off_by_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("NETSEP_CHECK_NO_PARSED_CACHE", "1")
    source = tmp_path / "rules.yaml"
    shutil.copy(ROOT / "policies" / "common" / "evidence.yaml", source)
    _load(source, tmp_path)
    assert not (tmp_path / parsed.FOLDER).exists()


def test_a_firms_own_pack_is_never_read_through_the_cache(tmp_path, monkeypatch):
    """Only the built-in packs' folder: a firm's pack is parsed every time, from its bytes."""
    calls = []
    real = parsed.load_builtin
    monkeypatch.setattr(parsed, "load_builtin", lambda path, *a: calls.append(path) or
                        real(path, *a))
    pack = tmp_path / "firm"
    pack.mkdir()
    (pack / "pack.yaml").write_text(
        "pack:\n  id: firm-pack\n  version: '1'\n  title: {en: Firm, ko: 회사}\n"
        "  extends: sandbox-2024\n", encoding="utf-8")
    loaded = load_pack(pack)
    assert loaded.extends == "sandbox-2024"
    assert calls and all(packs.is_builtin(Path(p)) for p in calls)
    assert (pack / "pack.yaml").resolve() not in {Path(p).resolve() for p in calls}
    assert not (pack / parsed.FOLDER).exists()


def test_pack_digest_is_the_digest_of_the_bytes_read():
    """The digest every report shows: SHA-256 over each file's name and the SHA-256 of its
    bytes, whether those were parsed or found in the cache."""
    import hashlib

    pack = load_pack("sandbox-2024")
    outer = hashlib.sha256()
    for path in (*pack.meta_paths, *pack.rule_paths):
        outer.update(packs.display_name(Path(path)).encode())
        outer.update(hashlib.sha256(Path(path).read_bytes()).digest())
    assert pack.digest == outer.hexdigest()
    assert json.dumps(pack.digest)
