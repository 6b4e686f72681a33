"""Shared fixtures: where the examples are, and a CLI runner that keeps stdout and stderr apart."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"


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
