"""Review 5 (cold review of the parallel batch: workers judging, JSON lines spooled to a
private temporary folder, files sifted only when they cannot be judged): defects found by
attacking the installed command, each with the test that showed it."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.test_hostile_classes import _left_in_session, _live_in_session

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"


@pytest.fixture(scope="module")
def many(tmp_path_factory):
    """Enough profiles that a --jobs 2 batch runs for seconds (its spool folder in use)."""
    folder = tmp_path_factory.mktemp("many")
    for index in range(150):
        for path in sorted(EXAMPLES.glob("*.yaml")):
            if path.name != "waivers.yaml":
                shutil.copy(path, folder / f"{index:03}-{path.name}")
    return folder


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc")
def test_a_hang_up_ends_the_workers_and_leaves_no_spool(many, tmp_path):
    """SIGHUP (a terminal closed, an ssh session dropped) killed the command at once: its
    workers lived on, blocked for ever writing results nobody reads, and the spool folder
    (70 kB a profile) stayed in TMPDIR. It must end the run as SIGTERM does: exit 129, every
    worker ended, no spool folder, the previous report untouched."""
    spools = tmp_path / "tmp"
    spools.mkdir()
    output = tmp_path / "r.json"
    output.write_text("previous report\n", encoding="utf-8")
    proc = subprocess.Popen(
        [sys.executable, "-m", "netsep_check", "check", many, "--jobs", "2",
         "--format", "json", "-o", output, "--evidence-root", EXAMPLES],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT,
        start_new_session=True, env={**os.environ, "TMPDIR": str(spools)})
    try:
        deadline = time.monotonic() + 30
        while not any(spools.iterdir()) and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.5)
        assert proc.poll() is None, "the batch ended before it could be hung up"
        assert any(spools.iterdir()), "no spool folder: nothing to test"
        os.kill(proc.pid, signal.SIGHUP)
        _, stderr = proc.communicate(timeout=20)
        left = _left_in_session(proc.pid)
    finally:
        for pid in _live_in_session(proc.pid):
            os.kill(pid, signal.SIGKILL)
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert left == []
    assert list(spools.iterdir()) == []
    assert proc.returncode == 129, stderr
    assert "Traceback" not in stderr
    assert output.read_text(encoding="utf-8") == "previous report\n"


def test_a_batch_with_standard_error_closed_is_judged_not_an_internal_error(tmp_path):
    """``2>&-``: Python starts with ``sys.stderr`` None, and the progress-bar test asked it
    ``isatty()``: an internal error (exit 3) instead of the batch's verdict."""
    folder = tmp_path / "batch"
    folder.mkdir()
    for name in ("m365-compliant.yaml", "pulse-noncompliant-controls.yaml"):
        shutil.copy(EXAMPLES / name, folder / name)
    output = tmp_path / "r.json"
    proc = subprocess.run(
        [sys.executable, "-m", "netsep_check", "check", folder, "--jobs", "2",
         "--format", "json", "-o", output, "--evidence-root", EXAMPLES],
        stdout=subprocess.DEVNULL, cwd=ROOT, preexec_fn=lambda: os.close(2), timeout=120)
    assert proc.returncode == 1
    assert '"verdict": "fail"' in output.read_text(encoding="utf-8")


def test_a_batch_with_a_progress_bar_leaves_nothing_in_tmpdir(tmp_path):
    """On a terminal the progress bar's thread makes the workers start from a fork server,
    whose socket sits in a ``pymp-*`` folder of TMPDIR that multiprocessing removes at exit;
    the command leaves by ``os._exit`` (no exit handlers), so every interactive batch left
    one behind."""
    import pty

    folder = tmp_path / "batch"
    folder.mkdir()
    for name in ("m365-compliant.yaml", "pulse-noncompliant-controls.yaml"):
        shutil.copy(EXAMPLES / name, folder / name)
    spools = tmp_path / "tmp"
    spools.mkdir()
    main, terminal = pty.openpty()
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "netsep_check", "check", folder, "--jobs", "2",
             "--format", "json", "-o", tmp_path / "r.json", "--evidence-root", EXAMPLES],
            stdout=subprocess.DEVNULL, stderr=terminal, cwd=ROOT, timeout=120,
            env={**os.environ, "TMPDIR": str(spools)})
    finally:
        os.close(terminal)
        os.close(main)
    assert proc.returncode == 1
    assert list(spools.iterdir()) == []


def test_a_batch_run_under_nohup_survives_a_hang_up():
    """Answering SIGHUP must not undo ``nohup``: an ignored hang-up stays ignored."""
    from netsep_check.errors import raise_terminated, restore_termination, trap_termination

    previous = signal.signal(signal.SIGHUP, signal.SIG_IGN)
    try:
        handlers = trap_termination()
        try:
            assert signal.getsignal(signal.SIGHUP) == signal.SIG_IGN
            assert signal.getsignal(signal.SIGTERM) is raise_terminated
        finally:
            restore_termination(handlers)
    finally:
        signal.signal(signal.SIGHUP, previous)


def test_jobs_2_writes_every_format_as_jobs_1_does_for_a_hostile_folder(tmp_path):
    """A folder with a waivers file, a pack, a JSON report, a broken profile, a named pipe
    and links, judged with waivers and a baseline (reports replaced after judging, so their
    spooled lines must not be used): byte for byte the same files, exit code and messages."""
    folder = tmp_path / "mixed"
    folder.mkdir()
    for name in ("m365-compliant.yaml", "m365-noncompliant-scope.yaml",
                 "pulse-noncompliant-controls.yaml"):
        for copy in range(3):
            shutil.copy(EXAMPLES / name, folder / f"{copy}-{name}")
    shutil.copytree(EXAMPLES / "evidence", folder / "evidence")
    shutil.copy(EXAMPLES / "custom-pack" / "pack.yaml", folder / "pack.yaml")
    waivers = (EXAMPLES / "waivers.yaml").read_text(encoding="utf-8")
    (folder / "w.yaml").write_text(waivers, encoding="utf-8")
    (folder / "broken.yaml").write_text("profile_version: [\n", encoding="utf-8")
    os.mkfifo(folder / "pipe.yaml")
    (folder / "link.yaml").symlink_to("0-m365-compliant.yaml")
    env = {**os.environ, "TMPDIR": str(tmp_path)}

    def check(jobs: int, *more: object) -> tuple[int, str, dict[str, bytes]]:
        out = tmp_path / f"out{jobs}"
        out.mkdir(exist_ok=True)
        proc = subprocess.run(
            [sys.executable, "-m", "netsep_check", "check", folder, *more,
             "--jobs", str(jobs), "--lang", "en", "--format", "json", "-o", out / "r.json",
             "--format", "markdown", "-o", out / "r.md", "--format", "sarif",
             "-o", out / "r.sarif", "--format", "text"],
            capture_output=True, cwd=tmp_path, env=env, timeout=300)
        files = {p.name: p.read_bytes() for p in sorted(out.iterdir())}
        messages = proc.stderr.decode().replace(str(out), "OUT")
        return proc.returncode, proc.stdout.decode() + messages, files

    base = tmp_path / "base.json"
    subprocess.run([sys.executable, "-m", "netsep_check", "check",
                    folder / "0-m365-noncompliant-scope.yaml", "--format", "json",
                    "-o", base], cwd=tmp_path, env=env, capture_output=True, timeout=120)
    (tmp_path / "waivers.yaml").write_text(waivers, encoding="utf-8")
    more = ("--waivers", tmp_path / "waivers.yaml", "--baseline", base,
            "--as-of", "2025-06-30")
    one, two = check(1, *more), check(2, *more)
    assert one == two
    assert one[0] == 2  # the broken profile and the pipe
    assert "skipped" in one[1] and "a waivers file" in one[1]
    assert [p for p in tmp_path.iterdir() if p.name.startswith(("netsep-check-", "pymp-"))] == []


def _killed(chunk):  # what the out-of-memory killer does to a worker
    os.kill(os.getpid(), signal.SIGKILL)


def test_a_worker_killed_from_outside_is_a_named_error_not_an_internal_one(
        examples, tmp_path, monkeypatch, run):
    import netsep_check.batch as batch
    from netsep_check.api import Checker
    from netsep_check.errors import RunInputError

    folder = tmp_path / "batch"
    folder.mkdir()
    for index in range(6):
        shutil.copy(examples / "m365-compliant.yaml", folder / f"{index}.yaml")
    shutil.copytree(examples / "evidence", folder / "evidence")

    monkeypatch.setattr(batch, "_check_chunk_encoded", _killed)  # workers are forked with it
    with pytest.raises(RunInputError) as raised:
        batch.run_batch(Checker(), sorted(folder.glob("*.yaml")), jobs=2, json_lang="ko")
    assert raised.value.problems[0].code == "batch.worker_lost"
    out = tmp_path / "out.json"
    result = run("check", folder, "--format", "json", "-o", out, "--jobs", "2", "--lang", "en")
    assert result.exit_code == 2, result.stderr
    assert "worker process" in result.stderr and "internal error" not in result.stderr
    assert not out.exists()
