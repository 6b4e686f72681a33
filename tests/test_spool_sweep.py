"""The spool folders of commands killed outright are removed by the next parallel batch, and
nothing else is: not a live command's, another namespace's, a file or a link of that name."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from netsep_check import spool

pytestmark = pytest.mark.skipif(not os.path.exists("/proc/self/ns/pid"),
                                reason="PID namespaces: Linux only")


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def test_only_a_gone_commands_folder_is_swept(tmp_path):
    ns = spool._namespace()
    dead = _dead_pid()
    gone = tmp_path / f"netsep-check-spool-{ns}-{dead}-abc"
    gone.mkdir()
    (gone / "123.jsonl").write_text("{}\n", encoding="utf-8")
    alive = tmp_path / f"netsep-check-spool-{ns}-{os.getpid()}-abc"
    alive.mkdir()
    other_ns = tmp_path / f"netsep-check-spool-1-{dead}-abc"
    other_ns.mkdir()
    old_style = tmp_path / "netsep-check-spool-abcdef"
    old_style.mkdir()
    a_file = tmp_path / f"netsep-check-spool-{ns}-{dead}-file"
    a_file.write_text("not a folder", encoding="utf-8")
    target = tmp_path / "target"
    target.mkdir()
    (target / "keep").write_text("kept", encoding="utf-8")
    link = tmp_path / f"netsep-check-spool-{ns}-{dead}-link"
    link.symlink_to(target, target_is_directory=True)
    unrelated = tmp_path / "unrelated"
    unrelated.mkdir()

    assert spool.sweep(str(tmp_path)) == [str(gone)]
    assert not gone.exists()
    for kept in (alive, other_ns, old_style, a_file, link, unrelated):
        assert kept.exists() or kept.is_symlink(), kept
    assert (target / "keep").read_text(encoding="utf-8") == "kept"


def test_a_new_folder_names_its_command(tmp_path, monkeypatch):
    monkeypatch.setenv("TMPDIR", str(tmp_path))
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", None)  # TMPDIR read afresh
    folder = spool.SpoolFolder.make()
    assert folder is not None
    try:
        name = os.path.basename(folder.path)
        assert name.startswith(f"netsep-check-spool-{spool._namespace()}-{os.getpid()}-")
        assert spool.sweep(str(tmp_path)) == []  # its command (this process) still runs
    finally:
        folder.remove()
