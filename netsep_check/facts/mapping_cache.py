"""The built-in tenant mapping, built once and kept beside the built-in packs' parsed files.

Loading the built-in mapping (``policies/tenant-mapping/<importer>.yaml``) means reading it
through the parsed cache, building its rows and normalising every policy id through the
importer's migration table (which imports the importer and reads its CSV): a fifth of what
tenant facts add to a check. The built rows are plain data, so they are kept as JSON by
:func:`netsep_check.rules.parsed.derived` — the same folder, the same trust, the same switch
(``NETSEP_CHECK_NO_PARSED_CACHE=1``) — named by everything they depend on: the mapping file's
path, size and modification time; the name, size and modification time of every file in
``netsep_check/facts/`` (the code that builds them — this module, ``mapping.py``, the importer
— and the importer's tables), as Python's own ``__pycache__`` names a module's source, and of
the tenant-mapping schema; the hash of the YAML reader's code (the parsed cache's own key); the
tool's version and :data:`FORMAT`.

An entry read back is never trusted blindly: :func:`decode` checks it field by field (types,
allowed values, the importer) and one it refuses — corrupt, hand-edited, of another layout — is
built again from the file and written anew. Only the built-in mapping read without linting is
cached; a firm's own mapping (``--tenant-mapping``, linted) is always read from its file.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import netsep_check
from netsep_check.facts.mapping import (
    CONFIDENCES,
    PolicyRow,
    ProductRow,
    SettingRow,
    TenantMapping,
)

FORMAT = 1  # of what encode() writes
# The comparisons the tenant-mapping schema allows (a test checks they are the schema's).
COMPARISONS = ("sharing_level", "retention_days", "must_be_true", "must_be_zero",
               "korean_types", "licensed_products")


def cache_key(path: Path, importer_module: str) -> str:
    """Everything a built mapping depends on, as text (``derived`` hashes it into a name).

    The code is named by the size and modification time of every file in this folder (the
    modules that build a mapping, the importers and their tables), as Python's own
    ``__pycache__`` names the source a compiled module was made from: a changed module, data
    table or importer makes a new entry."""
    here = Path(__file__).parent
    files = []
    with os.scandir(here) as entries:
        for entry in entries:
            if entry.is_file():
                info = entry.stat()
                files.append(f"{entry.name}:{info.st_size}:{info.st_mtime_ns}")
    if not importer_module.startswith(f"{__package__}."):  # pragma: no cover - none yet
        import importlib.util

        spec = importlib.util.find_spec(importer_module)
        origin = Path(spec.origin) if spec is not None and spec.origin else None
        if origin is None:
            raise ImportError(f"no module {importer_module}")
        info = origin.stat()
        files.append(f"{origin}:{info.st_size}:{info.st_mtime_ns}")
    from netsep_check.rules.parsed import _code_key  # the YAML reader's (cached: the packs)

    schema = Path(netsep_check.__file__).parent / "schemas" / "tenant-mapping.schema.json"
    for file in (schema, path):
        info = file.stat()
        files.append(f"{file}:{info.st_size}:{info.st_mtime_ns}")
    return "\n".join(("tenant-mapping", str(FORMAT), netsep_check.__version__, _code_key(),
                      importer_module, str(path), *sorted(files)))


def encode(mapping: TenantMapping) -> dict[str, Any]:
    """A built mapping as plain JSON data (rows as lists: what :func:`decode` reads back)."""
    return {
        "id": mapping.id, "importer": mapping.importer, "version": mapping.version,
        "title": mapping.title, "file": mapping.file, "sha256": mapping.sha256,
        "policies": [[r.policy, r.control, r.confidence, [[k, list(v)] for k, v in r.when],
                      r.rationale, r.line] for r in mapping.policies],
        "settings": [[list(r.facts), r.control, r.field, r.compare, r.confidence, r.rationale,
                      r.line] for r in mapping.settings],
        "products": [[list(r.plans), r.product, r.confidence] for r in mapping.products],
    }


class _Refused(Exception):
    """A cache entry that is not what :func:`encode` writes."""


def _text(value: Any) -> str:
    if type(value) is not str:
        raise _Refused
    return value


def _texts(value: Any) -> tuple[str, ...]:
    if type(value) is not list or any(type(v) is not str for v in value):
        raise _Refused
    return tuple(value)


def _words(value: Any) -> dict[str, str]:
    if type(value) is not dict or any(type(k) is not str or type(v) is not str
                                      for k, v in value.items()):
        raise _Refused
    return dict(value)


def _line(value: Any) -> int | None:
    if value is not None and type(value) is not int:
        raise _Refused
    return value


def _confidence(value: Any) -> str:
    if value not in CONFIDENCES or type(value) is not str:
        raise _Refused
    return value


def _row(value: Any, size: int) -> list[Any]:
    if type(value) is not list or len(value) != size:
        raise _Refused
    return value


def _rows(data: dict[str, Any], key: str) -> list[Any]:
    value = data.get(key)
    if type(value) is not list:
        raise _Refused
    return value


def _when(value: Any) -> tuple[tuple[str, tuple[str, ...]], ...]:
    if type(value) is not list:
        raise _Refused
    return tuple((_text(pair[0]), _texts(pair[1])) for pair in (_row(v, 2) for v in value))


def _policy(value: Any) -> PolicyRow:
    policy, control, confidence, when, rationale, line = _row(value, 6)
    return PolicyRow(_text(policy), _text(control), _confidence(confidence), _when(when),
                     _words(rationale), _line(line))


def _setting(value: Any) -> SettingRow:
    facts, control, field, compare, confidence, rationale, line = _row(value, 7)
    if compare not in COMPARISONS or type(compare) is not str or not facts:
        raise _Refused
    return SettingRow(_texts(facts), _text(control), None if field is None else _text(field),
                      compare, _confidence(confidence), _words(rationale), _line(line))


def _product(value: Any) -> ProductRow:
    plans, product, confidence = _row(value, 3)
    return ProductRow(_texts(plans), _text(product), _confidence(confidence))


def decode(data: Any, importer: str) -> TenantMapping | None:
    """The mapping an entry holds, or None when it is not exactly what :func:`encode` writes
    for the mapping of ``importer``."""
    try:
        if type(data) is not dict or data.get("importer") != importer:
            raise _Refused
        return TenantMapping(
            _text(data.get("id")), importer, _text(data.get("version")),
            _words(data.get("title")),
            tuple(_policy(v) for v in _rows(data, "policies")),
            tuple(_setting(v) for v in _rows(data, "settings")),
            tuple(_product(v) for v in _rows(data, "products")),
            _text(data.get("file")), _text(data.get("sha256")))
    except (_Refused, ValueError, TypeError):  # ValueError: a row of the wrong length
        return None


def cached_mapping(path: Path, importer: str, importer_module: str,
                   build: Callable[[], TenantMapping]) -> TenantMapping:
    """The built-in mapping at ``path``: read from the cache, else ``build()`` and kept."""
    from netsep_check.rules.parsed import derived

    made: list[TenantMapping] = []
    read: list[TenantMapping] = []

    def make() -> dict[str, Any]:
        made.append(build())
        return encode(made[0])

    def valid(entry: Any) -> bool:
        mapping = decode(entry, importer)
        if mapping is not None:
            read.append(mapping)
        return mapping is not None

    derived(cache_key(path, importer_module), make, valid)
    return made[0] if made else read[-1]
