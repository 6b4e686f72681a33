"""No network, proven: ``check`` in every output format runs with sockets blocked, no schema
refers outside itself, and a ``$ref`` to the web is refused rather than fetched."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from netsep_check.cli import main
from netsep_check.report import FORMATS

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"


class NetworkBlocked(OSError):
    pass


@pytest.fixture
def attempts(monkeypatch) -> Iterator[list[str]]:
    """Make every way of opening a connection raise, and record each attempt."""
    tried: list[str] = []

    def refuse(name: str) -> Any:
        def blocked(*args: Any, **kwargs: Any) -> Any:
            tried.append(f"{name}{args!r}")
            raise NetworkBlocked(f"network access attempted: {name}")
        return blocked

    class BlockedSocket(socket.socket):  # a class still, so ssl can subclass it on import
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            refuse("socket.socket")(*args, **kwargs)

    monkeypatch.setattr(socket, "socket", BlockedSocket)
    monkeypatch.setattr(socket, "create_connection", refuse("socket.create_connection"))
    monkeypatch.setattr(socket, "getaddrinfo", refuse("socket.getaddrinfo"))
    yield tried


def test_the_block_works(attempts):
    import urllib.request

    with pytest.raises(OSError):
        urllib.request.urlopen("http://example.invalid/", timeout=1)
    assert attempts


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("profile", ["m365-compliant.yaml", "pulse-noncompliant-controls.yaml"])
def test_check_in_every_format_opens_no_connection(attempts, tmp_path, fmt, profile):
    output = tmp_path / f"report.{fmt}"
    result = CliRunner().invoke(main, ["check", str(EXAMPLES / profile), "--format", fmt,
                                       "--output", str(output), "--lang", "en"],
                                catch_exceptions=False)
    assert result.exit_code in (0, 1), result.output
    assert output.stat().st_size > 0
    assert attempts == []


def test_waivers_and_policy_and_evidence_root_open_no_connection(attempts):
    result = CliRunner().invoke(main, [
        "check", str(EXAMPLES / "pulse-noncompliant-controls.yaml"), "--format", "json",
        "--waivers", str(EXAMPLES / "waivers.yaml"), "--pack", str(EXAMPLES / "custom-pack"),
        "--evidence-root", str(EXAMPLES)], catch_exceptions=False)
    assert result.exit_code in (0, 1), result.output
    assert attempts == []


# --- schemas: nothing outside themselves ----------------------------------------------------

def _refs(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("$ref", "$dynamicRef") and isinstance(value, str):
                yield value
            yield from _refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from _refs(value)


def _schemas() -> dict[str, dict]:
    from netsep_check.rules import schema as rule_schemas
    from netsep_check.validate.schema_errors import packaged_schema

    found = {"rules": rule_schemas.rules_schema(), "pack": rule_schemas.pack_schema()}
    if hasattr(rule_schemas, "parameters_schema"):
        found["parameters"] = rule_schemas.parameters_schema()
    for path in sorted((ROOT / "netsep_check" / "schemas").glob("*.schema.json")):
        name = path.name.removesuffix(".schema.json")
        found[name] = packaged_schema(name)
    assert {"profile", "rules", "pack"} <= set(found)
    return found


@pytest.mark.parametrize("name", sorted(_schemas()))
def test_schemas_have_only_local_refs(name):
    schema = _schemas()[name]
    refs = list(_refs(schema))
    assert all(ref.startswith("#") for ref in refs), [r for r in refs if not r.startswith("#")]
    assert not str(schema.get("$id", "urn:")).startswith(("http:", "https:"))


@pytest.mark.parametrize("ref", ["http://example.invalid/evil.schema.json",
                                 "https://example.invalid/schemas/profile.json#/$defs/x",
                                 "other.schema.json#/$defs/x"])
def test_a_remote_ref_is_refused_not_fetched(attempts, ref):
    from netsep_check.validate.schema_errors import validator

    schema = {"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object",
              "properties": {"a": {"$ref": ref}}}
    with pytest.raises(Exception) as caught:
        list(validator(schema).iter_errors({"a": 1}))
    assert not isinstance(caught.value, NetworkBlocked)
    assert attempts == []


def test_the_json_schema_meta_schemas_resolve_offline(attempts):
    """jsonschema ships the draft meta-schemas; referring to one reads the bundled copy."""
    from netsep_check.validate.schema_errors import validator

    schema = {"$ref": "https://json-schema.org/draft/2020-12/schema"}
    assert list(validator(schema).iter_errors({"type": 12}))  # judged, from the local copy
    assert attempts == []


def test_profile_validation_opens_no_connection(attempts, tmp_path):
    """Invalid profiles too: describing every error reads no remote schema either."""
    text = (EXAMPLES / "m365-compliant.yaml").read_text(encoding="utf-8")
    bad = tmp_path / "bad.yaml"
    bad.write_text(text.replace("sector: bank", "sector: 1").replace("extended: false",
                                                                      "extended: yes"),
                   encoding="utf-8")
    result = CliRunner().invoke(main, ["check", str(bad)], catch_exceptions=False)
    assert result.exit_code == 2
    assert attempts == []
    assert json.dumps(attempts) == "[]"
