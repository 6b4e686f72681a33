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

FORMAT = 2  # of what encode() writes
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
    """A built mapping as plain JSON data, a list per field of each kind of row (what
    :func:`decode` checks a column at a time)."""
    policies, settings, products = mapping.policies, mapping.settings, mapping.products
    return {
        "id": mapping.id, "importer": mapping.importer, "version": mapping.version,
        "title": mapping.title, "file": mapping.file, "sha256": mapping.sha256,
        "policies": {
            "policy": [r.policy for r in policies], "control": [r.control for r in policies],
            "confidence": [r.confidence for r in policies],
            "when": [[[k, list(v)] for k, v in r.when] for r in policies],
            "rationale": [r.rationale for r in policies], "line": [r.line for r in policies]},
        "settings": {
            "facts": [list(r.facts) for r in settings], "control": [r.control for r in settings],
            "field": [r.field for r in settings], "compare": [r.compare for r in settings],
            "confidence": [r.confidence for r in settings],
            "rationale": [r.rationale for r in settings], "line": [r.line for r in settings]},
        "products": {
            "plans": [list(r.plans) for r in products], "product": [r.product for r in products],
            "confidence": [r.confidence for r in products]},
    }


def _texts(value: Any) -> bool:
    return type(value) is list and all([type(v) is str for v in value])


def _all_words(column: list[Any]) -> bool:
    """Every item a mapping of texts to texts (a rationale, a title)."""
    if not all([type(d) is dict for d in column]):
        return False
    return all([type(k) is str and type(v) is str for d in column for k, v in d.items()])


def _columns(data: Any, names: tuple[str, ...]) -> list[list[Any]] | None:
    """The columns ``names`` of a kind of row, all lists of one length; None otherwise."""
    if type(data) is not dict or data.keys() != set(names):
        return None
    columns = [data[name] for name in names]
    if any(type(c) is not list or len(c) != len(columns[0]) for c in columns):
        return None
    return columns


def _lines(column: list[Any]) -> bool:
    return all([v is None or type(v) is int for v in column])


def _policies(data: Any) -> tuple[PolicyRow, ...] | None:
    columns = _columns(data, ("policy", "control", "confidence", "when", "rationale", "line"))
    if columns is None:
        return None
    policy, control, confidence, when, rationale, line = columns
    if not (_texts(policy) and _texts(control) and all([c in CONFIDENCES for c in confidence])
            and all([type(w) is list for w in when])
            and all([type(p) is list and len(p) == 2 and type(p[0]) is str
                     and type(p[1]) is list for w in when for p in w])
            and all([type(v) is str for w in when for p in w for v in p[1]])
            and _all_words(rationale) and _lines(line)):
        return None
    pairs = [tuple([(k, tuple(v)) for k, v in w]) for w in when]
    return tuple(map(PolicyRow, policy, control, confidence, pairs, rationale, line))


def _settings(data: Any) -> tuple[SettingRow, ...] | None:
    columns = _columns(data, ("facts", "control", "field", "compare", "confidence",
                              "rationale", "line"))
    if columns is None:
        return None
    facts, control, field, compare, confidence, rationale, line = columns
    if not (all([_texts(f) and bool(f) for f in facts]) and _texts(control)
            and all([f is None or type(f) is str for f in field])
            and all([c in COMPARISONS for c in compare])
            and all([c in CONFIDENCES for c in confidence])
            and _all_words(rationale) and _lines(line)):
        return None
    return tuple(map(SettingRow, map(tuple, facts), control, field, compare, confidence,
                     rationale, line))


def _products(data: Any) -> tuple[ProductRow, ...] | None:
    columns = _columns(data, ("plans", "product", "confidence"))
    if columns is None:
        return None
    plans, product, confidence = columns
    if not (all(map(_texts, plans)) and _texts(product)
            and all([c in CONFIDENCES for c in confidence])):
        return None
    return tuple(map(ProductRow, map(tuple, plans), product, confidence))


def decode(data: Any, importer: str) -> TenantMapping | None:
    """The mapping an entry holds, or None when it is not exactly what :func:`encode` writes
    for the mapping of ``importer`` (every field of every row of its type, every word one of
    those allowed)."""
    if type(data) is not dict or data.get("importer") != importer:
        return None
    meta: list[Any] = [data.get(key) for key in ("id", "version", "file", "sha256")]
    if not all(type(v) is str for v in meta) or not _all_words([data.get("title")]):
        return None
    policies = _policies(data.get("policies"))
    settings = _settings(data.get("settings"))
    products = _products(data.get("products"))
    if policies is None or settings is None or products is None:
        return None
    mapping_id, version, file, digest = meta
    return TenantMapping(mapping_id, importer, version, data["title"], policies, settings,
                         products, file, digest)


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
