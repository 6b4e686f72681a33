"""The built-in tenant mapping's cache (netsep_check/facts/mapping_cache.py): the same mapping as
built from the file, rebuilt when the file or the code changes, never trusted when damaged."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from netsep_check.facts import IMPORTERS, mapping, mapping_cache
from netsep_check.rules import parsed
from netsep_check.validate.schema_errors import packaged_schema

ROOT = Path(__file__).resolve().parents[2]
MAPPING = ROOT / "policies" / "tenant-mapping" / "scubagear.yaml"
MODULE = IMPORTERS["scubagear"]


@pytest.fixture
def cache_root(tmp_path, monkeypatch):
    """The cache folder in a temporary place; the mapping file a copy there."""
    root = tmp_path / "root"
    root.mkdir()
    monkeypatch.setattr(parsed, "policies_root", lambda: root)
    monkeypatch.delenv("NETSEP_CHECK_NO_PARSED_CACHE", raising=False)
    copy = tmp_path / "scubagear.yaml"
    shutil.copy(MAPPING, copy)
    return root, copy


class Builds:
    def __init__(self, path: Path) -> None:
        self.path, self.count = path, 0

    def __call__(self) -> mapping.TenantMapping:
        self.count += 1
        return mapping._load_mapping_cached.__wrapped__(self.path, False)


def _load(path: Path, builds: Builds) -> mapping.TenantMapping:
    return mapping_cache.cached_mapping(path, "scubagear", MODULE, builds)


def _entries(root: Path) -> list[Path]:
    return sorted((root / parsed.FOLDER).glob("*.json"))


def test_the_builtin_mapping_from_the_cache_is_the_mapping_built_from_its_file():
    built = mapping._load_mapping_cached.__wrapped__(MAPPING.resolve(), False)
    assert mapping_cache.decode(mapping_cache.encode(built), "scubagear") == built
    assert mapping.load_mapping() == built  # through the cache (made or read)
    assert mapping.load_mapping(lint=True) == built


def test_built_once_then_read_back(cache_root):
    root, path = cache_root
    builds = Builds(path)
    first = _load(path, builds)
    assert builds.count == 1 and len(_entries(root)) == 1
    again = _load(path, builds)
    assert builds.count == 1  # read from the cache, not built
    assert again == first and again.sha256 == first.sha256


def test_a_changed_mapping_file_is_built_again(cache_root):
    _root, path = cache_root
    builds = Builds(path)
    first = _load(path, builds)
    text = path.read_text(encoding="utf-8").replace('version: "1.0.0"', 'version: "1.0.1"', 1)
    path.write_text(text, encoding="utf-8")
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 10**9))
    changed = _load(path, builds)
    assert builds.count == 2
    assert first.version == "1.0.0" and changed.version == "1.0.1"
    assert changed.sha256 != first.sha256


def test_a_changed_module_or_table_makes_a_new_key(tmp_path, monkeypatch):
    """A file beside the code (a module, the migration table) changed: a new entry."""
    here = tmp_path / "facts"
    shutil.copytree(Path(mapping_cache.__file__).parent, here,
                    ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(mapping_cache, "__file__", str(here / "mapping_cache.py"))
    before = mapping_cache.cache_key(MAPPING, MODULE)
    assert mapping_cache.cache_key(MAPPING, MODULE) == before
    table = here / "scuba-baseline-policy-migrations.csv"
    table.write_text(table.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert mapping_cache.cache_key(MAPPING, MODULE) != before
    after_table = mapping_cache.cache_key(MAPPING, MODULE)
    code = here / "mapping.py"
    info = code.stat()
    os.utime(code, ns=(info.st_atime_ns, info.st_mtime_ns + 10**9))  # same size, touched
    assert mapping_cache.cache_key(MAPPING, MODULE) != after_table


def test_the_key_names_the_version_and_format(monkeypatch):
    before = mapping_cache.cache_key(MAPPING, MODULE)
    monkeypatch.setattr(mapping_cache, "FORMAT", mapping_cache.FORMAT + 1)
    assert mapping_cache.cache_key(MAPPING, MODULE) != before
    monkeypatch.undo()
    monkeypatch.setattr(mapping_cache.netsep_check, "__version__", "0.0.0-test")
    assert mapping_cache.cache_key(MAPPING, MODULE) != before


def _damage(entry: Path, change) -> None:
    content = json.loads(entry.read_text(encoding="utf-8"))
    change(content["data"])
    entry.write_text(json.dumps(content), encoding="utf-8")


DAMAGES = {
    "confidence": lambda d: d["policies"]["confidence"].__setitem__(0, "certain"),
    "comparison": lambda d: d["settings"]["compare"].__setitem__(0, "eval"),
    "column short": lambda d: d["policies"]["line"].pop(),
    "column missing": lambda d: d["settings"].pop("field"),
    "column extra": lambda d: d["products"].__setitem__("extra", []),
    "line as text": lambda d: d["policies"]["line"].__setitem__(0, "12"),
    "boolean line": lambda d: d["policies"]["line"].__setitem__(0, True),
    "when not pairs": lambda d: d["policies"]["when"].__setitem__(0, {"applies_to": ["a"]}),
    "when pair short": lambda d: d["policies"]["when"].__setitem__(0, [["applies_to"]]),
    "when values text": lambda d: d["policies"]["when"].__setitem__(0, [["a", "all"]]),
    "rationale not words": lambda d: d["settings"]["rationale"].__setitem__(0, {"en": 1}),
    "policy id a number": lambda d: d["policies"]["policy"].__setitem__(0, 5),
    "field a number": lambda d: d["settings"]["field"].__setitem__(0, 5),
    "another importer": lambda d: d.__setitem__("importer", "maester"),
    "plans not a list": lambda d: d["products"]["plans"].__setitem__(0, "M365*"),
    "no policies": lambda d: d.pop("policies"),
    "no setting facts": lambda d: d["settings"]["facts"].__setitem__(0, []),
    "title not words": lambda d: d.__setitem__("title", ["x"]),
    "digest missing": lambda d: d.pop("sha256"),
}


@pytest.mark.parametrize("damage", DAMAGES.values(), ids=DAMAGES.keys())
def test_a_damaged_entry_is_refused_and_built_again(cache_root, damage):
    root, path = cache_root
    builds = Builds(path)
    first = _load(path, builds)
    (entry,) = _entries(root)
    _damage(entry, damage)
    again = _load(path, builds)
    assert builds.count == 2 and again == first  # built again, not read as damaged
    assert _load(path, builds) == first and builds.count == 2  # and written anew


@pytest.mark.parametrize("content", [b"", b"{", b"\xff\xfe", b"[]", b'{"key": 1}',
                                     b'{"key": null, "data": {}}'])
def test_a_corrupt_or_foreign_file_is_refused_and_built_again(cache_root, content):
    root, path = cache_root
    builds = Builds(path)
    first = _load(path, builds)
    (entry,) = _entries(root)
    entry.write_bytes(content)
    assert _load(path, builds) == first and builds.count == 2


def test_an_entry_under_another_key_is_not_read(cache_root):
    """The key is kept inside the entry: a file of another key under this name is refused."""
    root, path = cache_root
    builds = Builds(path)
    first = _load(path, builds)
    (entry,) = _entries(root)
    content = json.loads(entry.read_text(encoding="utf-8"))
    content["key"] = content["key"].replace("tenant-mapping", "tenant-mapping-old")
    entry.write_text(json.dumps(content), encoding="utf-8")
    assert _load(path, builds) == first and builds.count == 2


def test_turned_off_by_the_environment(cache_root, monkeypatch):
    root, path = cache_root
    monkeypatch.setenv("NETSEP_CHECK_NO_PARSED_CACHE", "1")
    builds = Builds(path)
    _load(path, builds)
    _load(path, builds)
    assert builds.count == 2 and not _entries(root)


def test_a_firms_own_mapping_is_never_cached(tmp_path, monkeypatch):
    path = tmp_path / "m.yaml"
    shutil.copy(MAPPING, path)

    def no_cache(*_args, **_kwargs):
        raise AssertionError("a mapping given by path went through the cache")

    monkeypatch.setattr(mapping_cache, "cached_mapping", no_cache)
    assert mapping.load_mapping(path).importer == "scubagear"
    assert mapping.load_mapping(path, lint=False).importer == "scubagear"


def test_the_comparisons_are_the_schemas():
    schema = packaged_schema("tenant-mapping")
    compare = schema["properties"]["settings"]["items"]["properties"]["compare"]
    assert tuple(compare["enum"]) == mapping_cache.COMPARISONS


def test_the_built_in_mapping_has_every_kind_of_row():
    """What the damage cases above reach into is there to damage."""
    built = mapping.load_mapping()
    assert built.policies and built.settings and built.products
    assert any(r.when for r in built.policies) and any(r.field for r in built.settings)
