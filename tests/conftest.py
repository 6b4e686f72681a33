"""Shared fixtures: where the examples are, and a CLI runner that keeps stdout and stderr apart."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"


# The examples are assessments made in 2025 (their waivers run through 2025-12-31). The day
# of the run is fixed for in-process tests, so the examples keep their meaning whatever the
# calendar says; tests of the real clock replace it themselves (tests/test_waivers.py).
EXAMPLES_TODAY = __import__("datetime").date(2025, 6, 30)


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch):
    import netsep_check.clock

    monkeypatch.setattr(netsep_check.clock, "today", lambda: EXAMPLES_TODAY)
    return EXAMPLES_TODAY


@pytest.fixture
def examples() -> Path:
    return EXAMPLES


@pytest.fixture
def run():
    """Invoke the CLI in-process: ``run("check", path)`` → click Result (stdout/stderr apart)."""
    from netsep_check.cli import main

    def invoke(*args: object, input: str | None = None):
        runner = CliRunner()
        return runner.invoke(main, [str(a) for a in args], input=input, catch_exceptions=False)

    return invoke


def copy_evidence(folder: Path) -> None:
    """Profiles cite evidence files relative to their folder: a copy takes them along."""
    shutil.copytree(EXAMPLES / "evidence", folder / "evidence", dirs_exist_ok=True)


def variant(folder: Path, source: str, name: str, *replacements: tuple[str, str]) -> Path:
    """A copy of an example (with its evidence) with text replaced; each old text must occur."""
    text = (EXAMPLES / source).read_text(encoding="utf-8")
    for old, new in replacements:
        assert old in text, old
        text = text.replace(old, new)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    copy_evidence(folder)
    return path


def all_paths(value, prefix: tuple = ()) -> list[tuple]:
    """Every path in a JSON-like tree, the root first."""
    found = [prefix]
    if isinstance(value, dict):
        for key, child in value.items():
            found += all_paths(child, (*prefix, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            found += all_paths(child, (*prefix, index))
    return found
