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
    from netsep_check.load.source import open_regular, read_bounded

    try:  # a named pipe, device or socket is refused at once, never waited on
        handle, info = open_regular(path, file)
        with handle:
            data = read_bounded(handle, info.st_size, max_bytes)
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


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result = dict(pairs)
    if len(result) != len(pairs):
        raise ValueError("duplicate key")
    return result


def _plain_facts(text: str) -> dict[str, Any] | None:
    """The data of a facts document that is plainly well-formed and valid — JSON without an
    escape, a repeated key or a NaN, within the loader's bounds, and one the schema surely
    accepts (:func:`netsep_check.facts.model.plainly_valid`) — else None: the document is
    then read as any JSON input is (line marks, every bound) and checked against the schema,
    which name what is wrong. Both ways give the same data for a valid document."""
    import json

    from netsep_check.facts.model import plainly_valid

    if "\\" in text:
        return None  # an escape (a lone surrogate?): the careful way
    try:
        data = json.loads(text, object_pairs_hook=_unique_keys,
                          parse_constant=_refuse_constant)
    except (ValueError, RecursionError):  # JSONDecodeError is a ValueError
        return None
    if not plainly_valid(data):
        return None
    from netsep_check.load.tree import DEFAULT_MAX_NODES

    # A valid document nests 4 deep, within the loader's bound (load/tree.py Limits); its
    # values, counted as the loader counts them (load/shape.py), may not be.
    facts = data["facts"]
    nodes = 1 + len(data) + 8 + len(data.get("unknown_policies", ())) + len(facts) + sum(
        map(len, facts)) + sum([len(f["value"]) for f in facts if type(f["value"]) is list])
    return data if nodes <= DEFAULT_MAX_NODES else None


def _no_long_value(document: Any, schema: dict[str, Any]) -> None:
    """A fact's value longer than the schema allows, refused before the schema judges it:
    jsonschema judges each alternative of ``value`` (anyOf) in full, so a list of 300,000
    values made 300,000 errors before the first was said (13 s and 1 GB for a 0.9 MB file)."""
    from netsep_check.load.document import format_path

    facts = document.data.get("facts")
    most = schema["properties"]["facts"]["items"]["properties"]["value"]["anyOf"][1]["maxItems"]
    for i, fact in enumerate(facts if isinstance(facts, list) else ()):
        value = fact.get("value") if isinstance(fact, dict) else None
        if isinstance(value, list) and len(value) > most:
            path = ("facts", i, "value")
            line, column = document.position(path) or (None, None)
            raise InputError.one(document.file, f"has more than {most} item(s)", line, column,
                                 format_path(path), code="schema.too_many_items", max=most)


def _facts_document(data: bytes, file: str) -> TenantFacts:
    from netsep_check.facts.model import from_dict
    from netsep_check.load.document import parse_source
    from netsep_check.load.source import Source, decode, sha256
    from netsep_check.validate.schema_errors import packaged_schema, schema_problems

    digest = sha256(data).hexdigest()
    text = decode(data, file)
    plain = _plain_facts(text)
    if plain is not None:
        return from_dict(plain, file, digest)
    document = parse_source(Source(file if file.endswith(".json") else file + "#.json",
                                   text, digest))
    document.file = file
    if not isinstance(document.data, dict):
        raise InputError.one(file, "a tenant-facts document must be a JSON object", 1, 1)
    schema = packaged_schema("tenant-facts")
    _no_long_value(document, schema)
    problems = schema_problems(document, schema)
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
