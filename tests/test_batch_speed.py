"""The batch's speed paths say exactly what the plain paths say: JSON lines encoded by the
workers, reports crossing process boundaries, waivers applied after the workers are done."""

from __future__ import annotations

import gc
import json
import shutil
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from netsep_check.api import Checker, Options, run
from netsep_check.batch import chunks_of, run_batch
from netsep_check.report import json_report
from netsep_check.report.json_report import (
    remember_line,
    render_json,
    report_line,
    report_line_bytes,
)


def _folder(tmp_path: Path, examples: Path) -> Path:
    folder = tmp_path / "batch"
    folder.mkdir()
    for path in sorted(examples.glob("*.yaml")):
        if path.name != "waivers.yaml":
            shutil.copy(path, folder / path.name)
    (folder / "zz-broken.yaml").write_text("profile_version: 1\nfirm: [\n", encoding="utf-8")
    shutil.copytree(examples / "evidence", folder / "evidence")
    return folder


def test_batch_json_is_byte_identical_with_one_and_two_jobs(run, examples, tmp_path):
    folder = _folder(tmp_path, examples)
    for extra in ([], ["--waivers", str(examples / "waivers.yaml")], ["--lang", "en"]):
        texts = {}
        for jobs in ("1", "2"):
            out, md = tmp_path / f"out-{jobs}.json", tmp_path / f"out-{jobs}.md"
            result = run("check", folder, "--format", "json", "-o", out, "--format",
                         "markdown", "-o", md, "--jobs", jobs, *extra)
            assert result.exit_code == 2, result.stderr  # the broken profile
            texts[jobs] = (out.read_bytes(), md.read_bytes())
        assert texts["1"] == texts["2"]
        document = json.loads(texts["1"][0])
        assert len(document["reports"]) >= 5 and len(document["invalid"]) == 1


def test_api_run_with_json_lang_renders_what_a_plain_run_renders(examples, tmp_path):
    folder = _folder(tmp_path, examples)
    for lang in ("ko", "en"):
        plain = render_json(run([folder], Options(jobs=1)), lang)
        hinted = render_json(run([folder], Options(jobs=2, json_lang=lang)), lang)
        wrong = render_json(run([folder], Options(jobs=2, json_lang="en" if lang == "ko"
                                                  else "ko")), lang)
        assert plain == hinted == wrong


def test_workers_encode_lines_that_the_parent_reuses(examples, tmp_path):
    folder = _folder(tmp_path, examples)
    paths = sorted(folder.glob("*.yaml"))
    outcomes = run_batch(Checker(), paths, jobs=2, json_lang="en")
    reports = [o.report for o in outcomes if o.report is not None]
    # the workers' reports come with their lines (the command judges none itself)
    assert reports and all(id(r) in json_report._ENCODED for r in reports)
    fresh = Checker()
    for report in reports:  # the line a worker made is the line this process would make
        again = fresh.check(report.profile_file)
        assert report_line(report, "en") == report_line(again, "en")
        assert report_line(report, "ko") == report_line(again, "ko")  # another language
    keys = [id(r) for r in reports]
    del outcomes, reports, report
    gc.collect()
    assert not any(key in json_report._ENCODED for key in keys)  # gone with their reports


def test_the_workers_judge_every_chunk_once_in_input_order(examples, tmp_path, monkeypatch):
    folder = _folder(tmp_path, examples)
    paths = sorted(folder.glob("*.yaml"))
    many = []
    for index in range(40):  # 40 copies: chunks enough for both workers to take several
        for path in paths:
            copy = folder / f"{index:02d}-{path.name}"
            copy.write_bytes(path.read_bytes())
            many.append(copy)
    import os

    import netsep_check.batch as batch

    judged: list[tuple[int, str]] = []  # in the command itself: none (a worker's list is its own)
    real = Checker.check
    command = os.getpid()
    monkeypatch.setattr(Checker, "check", lambda self, path: (
        judged.append((os.getpid(), str(path))) if os.getpid() == command else None,
        real(self, path))[1])
    decoded: list[int] = []
    real_decode = batch._decode_results
    monkeypatch.setattr(batch, "_decode_results", lambda payload, known: (
        decoded.append(payload[0]), real_decode(payload, known))[1])
    outcomes = run_batch(Checker(), many, jobs=2, json_lang="ko")
    assert [o.file for o in outcomes] == [str(p) for p in many]
    assert judged == []  # every profile was judged by a worker
    assert len(set(decoded)) == 2 and command not in decoded  # two workers, both used
    # every report's JSON line was made where it was judged
    assert all(o.report is None or id(o.report) in json_report._ENCODED for o in outcomes)
    assert any(o.report is not None for o in outcomes)
    sequential = run_batch(Checker(), many, jobs=1)
    assert [(o.report, o.problems) for o in outcomes] == [
        (o.report, o.problems) for o in sequential]


def test_a_remembered_line_is_used_only_for_its_own_report_and_language(examples):
    import dataclasses

    report = Checker().check(examples / "pulse-compliant.yaml")
    real = report_line(report, "en")
    remember_line(report, "en", b"MARK")
    assert report_line(report, "en") == "MARK"  # the very object, the same language
    assert report_line_bytes(report, "en") == b"MARK"
    assert report_line(report, "ko") != "MARK"
    replaced = dataclasses.replace(report)  # what waivers and a baseline make: a new report
    assert report_line(replaced, "en") == real


@given(st.integers(0, 5000), st.integers(1, 16))
def test_chunks_keep_every_item_in_order_and_shrink_toward_the_end(count, workers):
    chunks = chunks_of(list(range(count)), workers)
    assert [item for chunk in chunks for item in chunk] == list(range(count))
    sizes = [len(chunk) for chunk in chunks]
    assert all(0 < size <= 32 for size in sizes)
    assert sizes == sorted(sizes, reverse=True)  # the last ones are the smallest
    assert count == 0 or sizes[-1] == 1  # the workers finish within one profile of each other
