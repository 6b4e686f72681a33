"""Tenant facts: what tools measured in a tenant, imported into a format of our own.

Each importer is one module with ``NAME``, ``DEFAULT_MAX_BYTES``, ``parse(data, file)`` and
``looks_like(head)``; :data:`IMPORTERS` lists them (a Maester importer would be one more
line). :func:`load_facts` reads a facts file or any importer's file.
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

from netsep_check.errors import InputError
from netsep_check.facts.model import Fact, FactsSource, TenantFacts, dumps, tenant_hash

IMPORTERS = {"scubagear": "netsep_check.facts.scubagear"}
FACTS_MAX_BYTES = 8 * 1024 * 1024
# The most a file given to --tenant-facts is read: the largest importer's DEFAULT_MAX_BYTES (a
# test checks), known without importing every importer to read a facts file.
READ_MAX_BYTES = 64 * 1024 * 1024

__all__ = ["IMPORTERS", "Fact", "FactsSource", "TenantFacts", "dumps", "import_file",
           "importer", "load_facts", "tenant_hash"]


def importer(name: str) -> Any:
    if name not in IMPORTERS:
        raise InputError.one(name, f"no importer for {name!r} (known: {', '.join(IMPORTERS)})")
    return importlib.import_module(IMPORTERS[name])


def _read(path: Path | str, max_bytes: int) -> bytes:
    file = str(path)
    from netsep_check.load.source import open_regular

    try:  # a named pipe, device or socket is refused at once, never waited on
        handle, _ = open_regular(path, file)
        with handle:
            data = handle.read(max_bytes + 1)
    except OSError as exc:
        raise InputError.one(file, f"cannot read file: {exc.strerror or exc}") from None
    if len(data) > max_bytes:
        raise InputError.one(file, f"file is larger than the limit of {max_bytes} bytes")
    if not data.strip():
        raise InputError.one(file, "file is empty", 1, 1)
    return data


def import_file(name: str, path: Path | str, max_bytes: int | None = None) -> TenantFacts:
    """Import a tool's results file with importer ``name``."""
    module = importer(name)
    return module.parse(_read(path, max_bytes or module.DEFAULT_MAX_BYTES), str(path))


def _facts_document(data: bytes, file: str) -> TenantFacts:
    from netsep_check.facts.model import from_dict
    from netsep_check.load.document import parse_source
    from netsep_check.load.source import Source, decode, sha256
    from netsep_check.validate.schema_errors import packaged_schema, schema_problems

    digest = sha256(data).hexdigest()
    document = parse_source(Source(file if file.endswith(".json") else file + "#.json",
                                   decode(data, file), digest))
    document.file = file
    if not isinstance(document.data, dict):
        raise InputError.one(file, "a tenant-facts document must be a JSON object", 1, 1)
    problems = schema_problems(document, packaged_schema("tenant-facts"))
    if problems:
        raise InputError(problems)
    return from_dict(document.data, file, digest)


def load_facts(path: Path | str) -> TenantFacts:
    """A tenant-facts file, or a results file any importer recognises."""
    data = _read(path, READ_MAX_BYTES)
    head = data[:4096]
    if b'"netsep-check-tenant-facts"' in head or (
            b'"format"' in data and b'"netsep-check-tenant-facts"' in data):
        if len(data) > FACTS_MAX_BYTES:
            raise InputError.one(str(path), f"facts file is larger than the limit of "
                                 f"{FACTS_MAX_BYTES} bytes")
        return _facts_document(data, str(path))
    for module_name in IMPORTERS.values():
        module = importlib.import_module(module_name)
        if module.looks_like(data):
            return module.parse(data, str(path))
    raise InputError.one(str(path), "neither a tenant-facts file (netsep-check import ...) nor "
                         f"a results file of a known tool ({', '.join(IMPORTERS)})", 1, 1)
