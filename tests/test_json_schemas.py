"""A JSON Schema for every JSON the tool writes or reads, and real outputs valid against them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator, FormatChecker

from netsep_check.load import load_document

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
NAMES = ("profile", "rules", "pack", "parameters", "report", "waivers", "diff", "rule-list")


def _schema(run, name: str) -> dict:
    result = run("schema", name)
    assert result.exit_code == 0, result.stderr
    document = json.loads(result.stdout)
    Draft202012Validator.check_schema(document)
    return document


def _validator(run, name: str) -> Draft202012Validator:
    return Draft202012Validator(_schema(run, name), format_checker=FormatChecker())


@pytest.mark.parametrize("name", NAMES)
def test_every_schema_is_printed_valid_and_described(run, name):
    document = _schema(run, name)
    assert document["$id"] == f"urn:netsep-check:schema:{name}:v1"
    assert document.get("title")


def _diff(run, tmp_path: Path, base: Path, head: Path, *more: str) -> dict:
    result = run("diff", base, head, "--format", "json", *more)
    assert result.exit_code in (0, 1), result.stderr
    return json.loads(result.stdout)


def _report(run, tmp_path: Path, profile: Path, name: str) -> Path:
    out = tmp_path / name
    result = run("check", profile, "--format", "json", "-o", out)
    assert result.exit_code in (0, 1), result.stderr
    return out


def test_real_diff_outputs_are_valid(run, tmp_path):
    validator = _validator(run, "diff")
    good, bad = EXAMPLES / "m365-compliant.yaml", EXAMPLES / "m365-noncompliant-scope.yaml"
    cases = [
        _diff(run, tmp_path, good, bad),  # newly failing
        _diff(run, tmp_path, bad, good, "--lang", "en"),  # newly passing
        _diff(run, tmp_path, bad, bad),  # still failing
        _diff(run, tmp_path, EXAMPLES / "pulse-noncompliant-controls.yaml",
              EXAMPLES / "standing-compliant.yaml"),  # other pack: rules dropped, notes
        _diff(run, tmp_path, _report(run, tmp_path, good, "a.json"),
              _report(run, tmp_path, bad, "b.json")),  # two JSON reports
    ]
    groups = set()
    for document in cases:
        errors = sorted(validator.iter_errors(document), key=str)
        assert not errors, [f"{list(e.absolute_path)}: {e.message}" for e in errors]
        groups |= {g for g in ("newly_failing", "newly_passing", "still_failing", "dropped")
                   if document[g]}
    assert groups == {"newly_failing", "newly_passing", "still_failing", "dropped"}
    broken = dict(cases[0], summary={**cases[0]["summary"], "verdict": "maybe"})
    assert not validator.is_valid(broken)


def test_real_parameter_files_are_valid(run, tmp_path):
    validator = _validator(run, "parameters")
    files = sorted((ROOT / "policies").rglob("parameters.yaml"))
    assert files
    for file in files:
        document = load_document(file).data
        assert validator.is_valid(document), file
    assert not validator.is_valid({"parameters": {"x": {"description": {"ko": "a", "en": "b"}}}})
    assert not validator.is_valid({"parameters": {}, "extra": 1})


def test_real_reports_waivers_and_packs_are_valid(run, tmp_path):
    report = json.loads(_report(run, tmp_path, EXAMPLES / "m365-noncompliant-scope.yaml",
                                "r.json").read_text(encoding="utf-8"))
    assert _validator(run, "report").is_valid(report)
    waivers = load_document(EXAMPLES / "waivers.yaml").data
    assert _validator(run, "waivers").is_valid(waivers)
    pack_validator = _validator(run, "pack")
    for pack in sorted((ROOT / "policies").glob("*/pack.yaml")):
        assert pack_validator.is_valid(load_document(pack).data), pack


def test_real_rule_lists_are_valid(run):
    validator = _validator(run, "rule-list")
    for pack in ("sandbox-2024", "standing-exception-2026"):
        result = run("rules", "--pack", pack, "--format", "json")
        document = json.loads(result.stdout)
        assert document["rules"]
        errors = [e.message for e in validator.iter_errors(document)]
        assert not errors, errors


def test_the_contracts_dates_fall_in_the_years_dates_are_reckoned_in():
    """The schemas' date pattern and clock.FIRST_YEAR..LAST_YEAR say the same years."""
    import re

    from netsep_check import clock
    from netsep_check.validate.schema_errors import DATE_PATTERN, packaged_schema

    for name in ("profile", "waivers"):
        assert packaged_schema(name)["$defs"]["date"]["pattern"] == DATE_PATTERN
    for year in (clock.FIRST_YEAR - 1, clock.FIRST_YEAR, clock.LAST_YEAR, clock.LAST_YEAR + 1):
        matched = re.search(DATE_PATTERN, f"{year:04d}-01-01") is not None
        assert matched == (clock.FIRST_YEAR <= year <= clock.LAST_YEAR), year
