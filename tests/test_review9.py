"""Review 9 (cold review of e62b5be..ec097ca): each test here failed on ec097ca."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from tests.test_hostile_classes import EXAMPLES, ROOT, _left_in_session, _live_in_session, _providers


@pytest.fixture(scope="module")
def long_profiles(tmp_path_factory):
    folder = tmp_path_factory.mktemp("many9")
    text = json.dumps(_providers(1000, True))
    for index in range(256):
        (folder / f"p{index:04}.json").write_text(text, encoding="utf-8")
    return folder


@pytest.mark.skipif(not sys.platform.startswith("linux") or not Path("/proc/self/stat").exists(),
                    reason="prctl and /proc: Linux only")
def test_killing_a_batch_with_a_progress_bar_outright_ends_every_worker(long_profiles, tmp_path):
    """stderr a terminal: the progress bar's thread runs, so the workers start from the
    fork server (batch._context). A worker is then the fork server's child, and, as every
    client of it, holds the write end of the server's "alive" pipe: the server ends only
    when every holder closed it. With PR_SET_PDEATHSIG tied to the server, SIGKILL of the
    command left the server waiting for the workers and the workers waiting for the server
    (and for a queue nobody writes): all lived on for ever."""
    import pty

    master, slave = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "netsep_check", "check", long_profiles, "--jobs", "2",
         "--format", "json", "-o", tmp_path / "r.json", "--evidence-root", EXAMPLES],
        stdout=subprocess.DEVNULL, stderr=slave, cwd=ROOT, start_new_session=True,
        env={**os.environ, "TMPDIR": str(tmp_path)})
    os.close(slave)

    def drain() -> None:  # the progress bar must not block on a full terminal
        try:
            while os.read(master, 4096):
                pass
        except OSError:
            pass
    threading.Thread(target=drain, daemon=True).start()
    try:
        deadline = time.monotonic() + 30
        # the command, the resource tracker, the fork server and 2 workers
        while len(_live_in_session(proc.pid)) < 5 and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.3)
        assert proc.poll() is None, "the batch ended before it could be killed"
        assert len(_live_in_session(proc.pid)) >= 5, _live_in_session(proc.pid)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
        left = _left_in_session(proc.pid, 10)
    finally:
        for pid in _live_in_session(proc.pid):
            os.kill(pid, signal.SIGKILL)
        os.close(master)
    assert left == [], "workers (and the fork server) outlived the command"


def test_a_python_without_ctypes_still_runs_a_batch(monkeypatch):
    """_end_with_parent promised "elsewhere (no prctl) nothing changes", but a Python built
    without ctypes (_ctypes needs libffi) raised ImportError from the worker's initializer:
    every worker failed to start and the batch reported a lost worker (exit 2)."""
    from netsep_check import batch

    monkeypatch.setitem(sys.modules, "ctypes", None)  # import ctypes -> ImportError
    batch._end_with_parent(signal.SIGKILL)  # no exception
