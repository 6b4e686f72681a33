"""Review of e59f288..29b2279 (spool sweep, SIGTERM/SIGHUP trap, tenant_suffixes)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from netsep_check import spool

ROOT = Path(__file__).resolve().parents[1]
linux_only = pytest.mark.skipif(not os.path.exists("/proc/self/ns/pid"),
                                reason="PID namespaces: Linux only")


def _cli(*args: str, env: dict[str, str] | None = None,
         cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "netsep_check", *args], capture_output=True,
                          text=True, env={**os.environ, **(env or {})}, cwd=cwd, timeout=120)


@linux_only
@pytest.mark.parametrize("pid_text", ["\u00b2", "99999999999999999999", "\u0661\u0662\u0663"])
def test_sweep_never_fails_on_an_odd_name_anyone_can_make_in_tmp(tmp_path, pid_text):
    """Any user can make an entry in /tmp: 'netsep-check-spool-<ns>-²-x' made every parallel
    batch of every user end with an internal error (int('²') is a ValueError, a 20-digit
    pid an OverflowError in os.kill); a name not of ASCII digits is not one of ours."""
    odd = tmp_path / f"netsep-check-spool-{spool._namespace()}-{pid_text}-abc"
    odd.mkdir()
    assert spool.sweep(str(tmp_path)) == []
    assert odd.exists()


@linux_only
def test_a_batch_runs_beside_an_odd_spool_name_in_tmpdir(tmp_path):
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    (tmp / f"netsep-check-spool-{spool._namespace()}-\u00b2-abc").mkdir()
    folder = tmp_path / "p"
    folder.mkdir()
    for i in range(3):
        (folder / f"p{i}.yaml").write_bytes((ROOT / "examples/m365-compliant.yaml").read_bytes())
    done = _cli("check", str(folder), "--jobs", "2", "--format", "json", "-o",
                str(tmp_path / "r.json"), env={"TMPDIR": str(tmp)})
    assert done.returncode in (0, 1), done.stderr
    assert "internal error" not in done.stderr
