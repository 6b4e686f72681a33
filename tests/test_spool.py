"""A parallel batch's JSON lines spooled by the workers and copied into the report file: the
same report as judging in one process, no spool left behind, and lines sent inline when a
worker cannot spool."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from netsep_check.api import Checker, Options, run
from netsep_check.batch import run_batch
from netsep_check.errors import InputError
from netsep_check.output import FileRange, as_bytes, write_all
from netsep_check.report import json_report
from netsep_check.report.json_report import render_json, render_json_parts
from netsep_check.spool import SpoolFolder, WorkerSpool


def _folder(tmp_path: Path, examples: Path, copies: int = 6) -> Path:
    folder = tmp_path / "batch"
    folder.mkdir()
    for path in sorted(examples.glob("*.yaml")):
        if path.name != "waivers.yaml":
            for index in range(copies):
                shutil.copy(path, folder / f"{index}-{path.name}")
    shutil.copytree(examples / "evidence", folder / "evidence")
    return folder


@pytest.fixture
def private_tmp(tmp_path, monkeypatch):
    spools = tmp_path / "tmp"
    spools.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(spools))
    return spools


def test_workers_spool_their_lines_and_the_report_is_the_one_process_report(
        examples, tmp_path, private_tmp):
    folder = _folder(tmp_path, examples)
    plain = render_json(run([folder], Options(jobs=1)), "ko")
    result = run([folder], Options(jobs=2, json_lang="ko"))
    spooled = [json_report._ENCODED[id(r)][2] for r in result.reports]
    assert spooled and all(isinstance(line, FileRange) for line in spooled)
    assert list(private_tmp.iterdir()) == []  # the folder is gone, the ranges still readable
    assert as_bytes(render_json_parts(result, "ko")).decode("utf-8") == plain
    assert render_json(result, "ko") == plain
    out = tmp_path / "out.json"
    write_all([(out, render_json_parts(result, "ko"))])
    assert out.read_text(encoding="utf-8") == plain


def test_a_worker_that_cannot_spool_sends_its_lines_inline(examples, tmp_path, monkeypatch):
    folder = _folder(tmp_path, examples)
    plain = render_json(run([folder], Options(jobs=1)), "en")
    monkeypatch.setattr(SpoolFolder, "make", classmethod(
        lambda cls: cls(str(tmp_path / "no-such-folder"))))
    result = run([folder], Options(jobs=2, json_lang="en"))
    lines = [json_report._ENCODED[id(r)][2] for r in result.reports]
    assert lines and all(isinstance(line, bytes) for line in lines)
    assert render_json(result, "en") == plain


def test_no_spool_is_left_when_a_batch_is_refused(examples, tmp_path, private_tmp):
    folder = _folder(tmp_path, examples, copies=2)
    with pytest.raises(InputError):  # the pack cannot be found: the whole run is refused
        run_batch(Checker(pack_ref="no-such-pack"), sorted(folder.glob("*.yaml")), jobs=2,
                  json_lang="ko")
    assert list(private_tmp.iterdir()) == []


def test_worker_spool_reports_where_each_line_is(tmp_path):
    spool = WorkerSpool(str(tmp_path))
    first = spool.put([b"one", "둘".encode()])
    second = spool.put([b"three"])
    assert first == [(0, 3), (3, 3)] and second == [(6, 5)]
    folder = SpoolFolder(str(tmp_path))
    parts = [folder.part(os.getpid(), offset, length) for offset, length in first + second]
    assert [part.read() for part in parts] == [b"one", "둘".encode(), b"three"]
    assert WorkerSpool(str(tmp_path / "missing")).put([b"x"]) is None  # inline instead


def test_ranges_are_copied_into_files_and_devices_and_a_short_one_is_an_error(tmp_path):
    source = tmp_path / "spool"
    source.write_bytes(b"0123456789")

    class Open:
        fd = os.open(source, os.O_RDONLY)

    content = [b"[", FileRange(Open, 2, 3), b",", FileRange(Open, 7, 3), b"]"]
    out = tmp_path / "out.txt"
    write_all([(out, content), (Path(os.devnull), content)])
    assert out.read_bytes() == b"[234,789]" == as_bytes(content)
    read, write = os.pipe()
    try:
        write_all([(Path(f"/dev/fd/{write}"), content)])
        assert os.read(read, 100) == b"[234,789]"
    finally:
        os.close(read)
        os.close(write)
    out.write_text("previous report", encoding="utf-8")
    with pytest.raises(InputError, match="cannot write report"):
        write_all([(out, [b"[", FileRange(Open, 8, 5), b"]"])])  # 3 bytes short
    assert out.read_text(encoding="utf-8") == "previous report"  # untouched
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".out")] == []
    os.close(Open.fd)


def test_a_spooled_batch_written_by_the_command_is_valid_json(run, examples, tmp_path,
                                                               private_tmp):
    folder = _folder(tmp_path, examples, copies=3)
    out = tmp_path / "report.json"
    result = run("check", folder, "--format", "json", "-o", out, "--jobs", "2")
    assert result.exit_code == 1, result.stderr
    document = json.loads(out.read_text(encoding="utf-8"))
    assert len(document["reports"]) == len(list(folder.glob("*.yaml")))
    assert list(private_tmp.iterdir()) == []


@settings(max_examples=200, deadline=None)
@given(parts=st.lists(st.binary(max_size=40), max_size=1200),
       limits=st.lists(st.integers(0, 300), min_size=1, max_size=20))
def test_parts_are_written_whole_and_in_order_however_writev_cuts_them(parts, limits):
    """The parts of a report held in memory go out a few hundred to a call, never joined;
    a call that writes only part of what it was given (as writev may) is picked up where it
    stopped."""
    import itertools
    from unittest import mock

    from netsep_check import output

    cuts = itertools.cycle(limits)

    def short_writev(fd, buffers):
        data = b"".join(buffers)
        if not data:
            return 0
        return os.write(fd, data[:max(1, next(cuts))])

    with tempfile.TemporaryFile() as sink, mock.patch.object(output.os, "writev", short_writev):
        output._write_parts(sink.fileno(), parts)
        sink.seek(0)
        assert sink.read() == b"".join(parts)
