"""The installed command leaves without tearing the interpreter down (netsep_check.cli.run):
every byte of its output still arrives, and its exit code is main's."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

from netsep_check.cli import main

ROOT = Path(__file__).resolve().parents[1]


def _command(*args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "netsep_check", *args], capture_output=True,
                          check=False, cwd=ROOT, timeout=120)


def test_the_report_and_exit_code_arrive_whole():
    profile = str(ROOT / "examples" / "m365-compliant.yaml")
    done = _command("check", "--format", "json", "--no-evidence-check", profile)
    assert done.returncode in (0, 1), done.stderr
    report = json.loads(done.stdout)
    in_process = CliRunner().invoke(main, ["check", "--format", "json", "--no-evidence-check",
                                           profile])
    assert done.returncode == in_process.exit_code
    assert report == json.loads(in_process.stdout)


def test_a_long_output_is_flushed_before_the_exit():
    done = _command("schema", "profile")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == json.loads(CliRunner().invoke(main, ["schema", "profile"]
                                                                    ).stdout)


def test_input_errors_and_usage_errors_keep_their_codes_and_words(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("a: [\n", encoding="utf-8")
    done = _command("check", "--lang", "en", str(bad))
    assert done.returncode == 2
    assert b"YAML syntax error" in done.stderr
    assert _command("no-such-command").returncode == 2
    assert _command("--version").stdout.startswith(b"netsep-check")
