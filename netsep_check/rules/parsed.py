"""The built-in packs' files, parsed once: a cache beside them, like Python's ``__pycache__``.

Reading a built-in rule file means parsing its YAML with the line of every value and checking it
against its schema: about 40 ms for the two packs, most of a single check's own time. The result
of both is plain data (the values, and a tree of line marks), so it is kept as JSON in
``__parsed__/`` inside the built-in policies folder, named by the SHA-256 of the file's bytes,
the schema, the tool's version and this format. A file whose bytes changed simply has no entry
yet. Only the built-in packs' own folder is used — never a firm's pack, never a user folder: the
cache has the same trust as the code beside it (whoever can write there can edit the code), and
it holds data only (``json``, never ``pickle`` or ``marshal``), so it cannot carry code either.

A folder that cannot be written (a system-wide install) just means no cache: every file is
parsed, as without one. ``NETSEP_CHECK_NO_PARSED_CACHE=1`` turns it off (for measurement).
"""

from __future__ import annotations

import functools
import json
import os
from pathlib import Path
from typing import Any

import netsep_check
from netsep_check.load import Document, FieldPath
from netsep_check.load.document import parse_source
from netsep_check.load.source import read_source, sha256
from netsep_check.load.tree import Marks, build_tree

FORMAT = 2
FOLDER = "__parsed__"


def policies_root() -> Path:
    """The built-in packs: inside the installed package, or ``policies/`` in a checkout."""
    installed = Path(netsep_check.__file__).parent / "_policies"
    if installed.is_dir():
        return installed
    return Path(netsep_check.__file__).parent.parent / "policies"


def _enabled() -> bool:
    return os.environ.get("NETSEP_CHECK_NO_PARSED_CACHE", "") in ("", "0")


@functools.cache
def _code_key() -> str:
    """The SHA-256 of the code that turns a file's text into what the cache holds (the YAML
    tree builder, the document, this module): a change to it, released or not, makes new
    entries rather than reading old ones."""
    import netsep_check.load.document as document
    import netsep_check.load.tree as tree

    digest = sha256()
    for module in (tree, document):
        digest.update(Path(str(module.__file__)).read_bytes())
    digest.update(Path(__file__).read_bytes())
    return digest.hexdigest()


def entry_name(source_sha256: str, schema_key: str) -> str:
    """The cache entry's file name: everything its content depends on, hashed."""
    key = (f"{FORMAT}\n{netsep_check.__version__}\n{_code_key()}\n{schema_key}\n"
           f"{source_sha256}")
    return sha256(key.encode()).hexdigest()[:40] + ".json"


def _read(path: Path) -> Any:
    try:
        with open(path, encoding="utf-8") as handle:
            return json.load(handle)
    except (OSError, ValueError):  # missing, half-written by an older crash, not ours
        return None


def _write(path: Path, content: dict[str, Any]) -> None:
    """Write atomically (temporary file, then rename); any failure only means no cache."""
    import tempfile  # only when writing: rarely

    try:
        path.parent.mkdir(exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".json")
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                json.dump(content, out, ensure_ascii=False, separators=(",", ":"))
            os.chmod(temporary, 0o644)  # readable by every user, as the files beside it
            os.replace(temporary, path)
        except BaseException:
            os.unlink(temporary)
            raise
    except OSError:
        pass


DEPTH = 3  # marks kept to ("rules", i, "check"), ("pack", "parameters", name): what loading asks


def _pruned(children: Any, depth: int) -> Any:
    """The marks tree down to ``depth`` levels: a value there keeps its line, not its own
    children's."""
    if depth == 0 or not isinstance(children, dict | list):
        return None
    entries = children.items() if isinstance(children, dict) else enumerate(children)
    pruned = {key: [entry[0], entry[1], *([] if len(entry) < 3 or depth == 1
                                          else [_pruned(entry[2], depth - 1)])]
              for key, entry in entries}
    return pruned if isinstance(children, dict) else list(pruned.values())


def _marks_root(marks: Any) -> Any:
    root = getattr(marks, "_root", None)
    return _pruned(root[2], DEPTH) if isinstance(root, tuple) and len(root) > 2 else None


class _ShallowMarks(Marks):
    """Marks read from the cache, ``DEPTH`` levels deep; a deeper path (a test case's line for
    ``policy test``) parses the file's text once for all of its marks."""

    __slots__ = ("_file", "_full", "_text")

    def __init__(self, children: Any, text: str, file: str) -> None:
        super().__init__(children)
        self._text, self._file = text, file
        self._full: Marks | None = None

    def _deep(self) -> Marks:
        if self._full is None:
            self._full = build_tree(self._text, self._file)[1]
        return self._full

    def nearest(self, path: FieldPath) -> tuple[int, int]:
        return super().nearest(path) if len(path) <= DEPTH else self._deep().nearest(path)

    def get(self, path: FieldPath, default: Any = None) -> tuple[int, int] | Any:
        return super().get(path, default) if len(path) <= DEPTH \
            else self._deep().get(path, default)


def load_builtin(path: Path, display: str, root: Path, schema_key: str,
                 check: Any) -> Document:
    """Load one built-in file through the cache.

    ``check(document)`` raises on a document that is not acceptable (the schema check); a
    document is cached only once it has passed, so a cached entry is one that passed.
    """
    source = read_source(path, display=display)
    cache = root / FOLDER / entry_name(source.sha256, schema_key)
    if _enabled():
        cached = _read(cache)
        if isinstance(cached, dict) and cached.get("sha256") == source.sha256 \
                and "data" in cached:
            return Document(source.file, cached["data"], source.sha256, source.text,
                            _ShallowMarks(cached.get("marks"), source.text, source.file))
    document = parse_source(source)
    check(document)
    if _enabled():
        _write(cache, {"sha256": source.sha256, "data": document.data,
                       "marks": _marks_root(document.marks)})
    return document


def derived(key: str, make: Any, valid: Any) -> Any:
    """Data derived from a file the tool ships or depends on (the Public Suffix List's sets),
    kept in the same folder: ``make()`` once, then read back. ``key`` names everything the data
    depends on (the source file's path, size and modification time, the format of what
    ``make`` returns); an entry that ``valid(data)`` refuses is made again."""
    cache = policies_root() / FOLDER / (sha256(key.encode()).hexdigest()[:40] + ".json")
    if _enabled():
        cached = _read(cache)
        if isinstance(cached, dict) and cached.get("key") == key and valid(cached.get("data")):
            return cached["data"]
    data = make()
    if _enabled():
        _write(cache, {"key": key, "data": data})
    return data
