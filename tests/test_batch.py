"""Batch review (netsep_check/batch.py): many profiles, in parallel, one matrix, the worst exit
code, one bad profile not hiding the others."""

from __future__ import annotations

import json
import pickle
import shutil
from pathlib import Path

import pytest

from netsep_check.api import Options, run
from netsep_check.batch import expand_inputs, run_batch
from netsep_check.errors import EXIT_FAIL, EXIT_INPUT, EXIT_OK
from netsep_check.evaluate.matrix import matrix
from netsep_check.report.messages import finding_message
from netsep_check.report.text_matrix import render_matrix_text

BROKEN = "profile_version: 1\nfirm: [not closed\n"


def example_profiles(examples: Path) -> list[Path]:
    """The example profiles (the folder also holds waivers.yaml and a custom pack)."""
    return sorted(p for p in examples.glob("*.yaml") if p.name != "waivers.yaml")


def expected_exit(run, profiles: list[Path]) -> int:
    codes = [run("check", p).exit_code for p in profiles]
    return EXIT_INPUT if EXIT_INPUT in codes else max(codes)


@pytest.fixture
def mixed(tmp_path, examples) -> Path:
    """Two valid profiles (one failing) and one deliberately broken, in a folder."""
    folder = tmp_path / "profiles"
    folder.mkdir()
    shutil.copy(examples / "pulse-compliant.yaml", folder / "a-pulse-compliant.yaml")
    (folder / "b-broken.yaml").write_text(BROKEN, encoding="utf-8")
    shutil.copy(examples / "m365-noncompliant-scope.yaml", folder / "c-m365-scope.yaml")
    (folder / "notes.txt").write_text("not a profile", encoding="utf-8")  # not picked up
    shutil.copytree(examples / "evidence", folder / "evidence")  # cited by the profiles
    return folder


def test_batch_of_all_examples_gives_one_matrix_and_the_worst_exit_code(run, examples):
    profiles = example_profiles(examples)
    result = run("check", examples, "--format", "json", "--jobs", "2")
    assert result.exit_code == expected_exit(run, profiles)
    document = json.loads(result.stdout)
    assert document["format"] == "netsep-check-report-batch"
    assert [r["profile"]["file"] for r in document["reports"]] == [str(p) for p in profiles]
    firms = list(dict.fromkeys(r["profile"]["firm"] for r in document["reports"]))
    rows = document["matrix"]["rows"]
    assert [row["firm"] for row in rows] == firms
    for row in rows:  # worst status per cell, over the firm's profiles
        for area, cell in row["cells"].items():
            statuses = [r["summary"]["by_area"][area] for r in document["reports"]
                        if r["profile"]["firm"] == row["firm"] and area in r["summary"]["by_area"]]
            worst = next((s for s in ("fail", "error", "waived", "pass", "not_applicable")
                          if any(counts[s] for counts in statuses)), None)
            assert cell == worst, (row["firm"], area)
    assert document["invalid"] == []
    assert "waivers.yaml: 건너뜀 — 프로파일이 아니라 예외 승인 파일입니다" in result.stderr  # --lang ko
    text = run("check", examples, "--lang", "en", "--jobs", "2")
    assert text.exit_code == result.exit_code
    assert text.stdout.count("Batch matrix") == 1
    assert text.stdout.rindex("Batch matrix") > text.stdout.rindex("netsep-check — ")  # at the end


def test_broken_profile_still_gives_the_others_verdicts_and_exit_2(run, mixed):
    for jobs in ("1", "3"):
        result = run("check", mixed, "--format", "json", "--jobs", jobs)
        assert result.exit_code == EXIT_INPUT
        document = json.loads(result.stdout)
        files = [r["profile"]["file"] for r in document["reports"]]
        assert files == [str(mixed / "a-pulse-compliant.yaml"), str(mixed / "c-m365-scope.yaml")]
        assert [r["summary"]["verdict"] for r in document["reports"]] == ["pass", "fail"]
        assert [i["file"] for i in document["invalid"]] == [str(mixed / "b-broken.yaml")]
        problem = document["invalid"][0]["problems"][0]
        assert problem["line"] == 3 and "YAML syntax error" in problem["message"]
        assert f"{mixed / 'b-broken.yaml'}:3:" in result.stderr
        assert "Traceback" not in result.stderr
    text = run("check", mixed, "--lang", "en")
    assert text.exit_code == EXIT_INPUT
    assert "Inputs not judged (invalid)" in text.stdout and "b-broken.yaml" in text.stdout


def test_exit_code_is_the_worst_over_the_batch(run, examples, tmp_path):
    passing = [examples / "pulse-compliant.yaml", examples / "m365-compliant.yaml"]
    assert run("check", *passing).exit_code == EXIT_OK
    assert run("check", *passing, examples / "m365-noncompliant-scope.yaml").exit_code == EXIT_FAIL
    broken = tmp_path / "broken.yaml"
    broken.write_text(BROKEN, encoding="utf-8")
    assert run("check", *passing, examples / "m365-noncompliant-scope.yaml",
               broken).exit_code == EXIT_INPUT


def test_parallel_and_sequential_give_identical_output_in_input_order(run, examples, tmp_path):
    profiles = list(reversed(example_profiles(examples)))
    outputs = {}
    for jobs in ("1", "2", "4"):
        result = run("check", *profiles, "--format", "json", "--jobs", jobs)
        outputs[jobs] = result.stdout
    assert outputs["1"] == outputs["2"] == outputs["4"]
    document = json.loads(outputs["1"])
    assert [r["profile"]["file"] for r in document["reports"]] == [str(p) for p in profiles]


def test_globs_are_expanded_for_shells_that_do_not(run, examples):
    pattern = str(examples / "*-compliant.yaml")
    result = run("check", pattern, "--format", "json")
    files = [r["profile"]["file"] for r in json.loads(result.stdout)["reports"]]
    assert files == [str(p) for p in sorted(examples.glob("*-compliant.yaml"))]
    assert len(files) == 3 and result.exit_code == EXIT_OK
    nothing = run("check", str(examples / "*.nope"))
    assert nothing.exit_code == EXIT_INPUT and "no file matches this pattern" in nothing.stderr


def test_empty_folder_and_missing_file_are_input_errors(run, tmp_path, examples):
    empty = tmp_path / "empty"
    empty.mkdir()
    result = run("check", empty)
    assert result.exit_code == EXIT_INPUT and "folder holds no profile file" in result.stderr
    result = run("check", examples / "pulse-compliant.yaml", tmp_path / "nope.yaml",
                 "--format", "json")
    assert result.exit_code == EXIT_INPUT
    assert json.loads(result.stdout)["invalid"][0]["problems"][0]["message"] == "no such file"


def test_waivers_and_gate_apply_across_the_batch(run, examples):
    profiles = [examples / "pulse-compliant.yaml", examples / "pulse-noncompliant-controls.yaml"]
    result = run("check", *profiles, "--waivers", examples / "waivers.yaml", "--format", "json",
                 "--jobs", "2")
    assert result.exit_code == EXIT_FAIL
    reports = json.loads(result.stdout)["reports"]
    statuses = {f["rule_id"]: f["status"] for f in reports[1]["findings"]}
    assert statuses["SAAS-LOG-RETENTION"] == "waived"
    assert "matched no failing finding" not in result.stderr  # it matched in one profile
    assert json.loads(result.stdout)["matrix"]["rows"][0]["cells"]["saas_management"] == "fail"


def test_several_formats_in_a_batch(run, examples, tmp_path):
    out = tmp_path / "batch.json"
    md = tmp_path / "batch.md"
    result = run("check", examples, "--format", "json", "-o", out, "--format", "markdown",
                 "-o", md, "--format", "text", "--lang", "en")
    assert "Batch matrix" in result.stdout
    assert "matrix" in json.loads(out.read_text(encoding="utf-8"))
    assert md.read_text(encoding="utf-8").strip()


# --- the module ------------------------------------------------------------------------------

def test_reports_pickle_as_they_are(examples):
    """Rules and packs in a report are plain data: a report crosses a process boundary as it
    is, and comes back equal."""
    from netsep_check.api import Checker

    report = Checker().check(examples / "pulse-noncompliant-controls.yaml")
    again = pickle.loads(pickle.dumps(report))
    assert again == report
    assert [finding_message(f, "ko") for f in again.findings] == [
        finding_message(f, "ko") for f in report.findings]
    evidence_rules = {f.rule.id for f in report.findings if f.rule.area == "evidence"}
    assert {"EVID-FILE-PRESENT", "EVID-SHA256-MATCH", "EVID-IMPLEMENTED-BACKED"} <= evidence_rules


def test_run_batch_in_processes_matches_in_process(examples, mixed):
    from netsep_check.api import Checker

    paths = expand_inputs([mixed]).paths
    sequential = run_batch(Checker(), paths, jobs=1)
    parallel = run_batch(Checker(), paths, jobs=2)
    assert [o.file for o in sequential] == [o.file for o in parallel] == [str(p) for p in paths]
    assert [o.report is None for o in parallel] == [False, True, False]
    for a, b in zip(sequential, parallel, strict=True):
        if a.report is not None:
            assert a.report == b.report
        else:
            assert a.problems == b.problems
    ticks = []
    run_batch(Checker(), paths, jobs=2, on_progress=ticks.append)
    assert sum(ticks) == len(paths)


def test_progress_bar_only_on_a_terminal(examples, capsys):
    from netsep_check.api import Checker

    paths = example_profiles(examples)[:2]
    outcomes = run_batch(Checker(), paths, jobs=1, show=True)  # stderr is not a terminal here
    assert len(outcomes) == 2 and capsys.readouterr().err == ""
    shown = run_batch(Checker(), paths, jobs=1, show=True)
    assert [o.file for o in shown] == [o.file for o in outcomes]


def test_expand_inputs(examples, mixed, tmp_path):
    inputs = expand_inputs([mixed])
    assert [p.name for p in inputs.paths] == ["a-pulse-compliant.yaml", "b-broken.yaml",
                                              "c-m365-scope.yaml"]
    assert inputs.batch
    single = expand_inputs([examples / "pulse-compliant.yaml"])
    assert not single.batch and len(single.paths) == 1
    twice = expand_inputs([examples / "pulse-compliant.yaml", examples / "pulse-compliant.yaml"])
    assert len(twice.paths) == 1
    folder = expand_inputs([examples])
    assert ("waivers file" in dict(folder.skipped)[str(examples / "waivers.yaml")])
    assert examples / "waivers.yaml" not in folder.paths
    explicit = expand_inputs([examples / "waivers.yaml"])  # named explicitly: read as given
    assert explicit.paths == [examples / "waivers.yaml"] and not explicit.skipped


def test_matrix_and_its_text(examples):
    names = ("pulse-compliant.yaml", "pulse-noncompliant-controls.yaml", "m365-compliant.yaml")
    result = run([examples / name for name in names], Options())
    reports = result.reports
    table = matrix(reports)
    assert table == result.matrix
    assert [row.firm for row in table.rows] == [reports[0].firm, reports[2].firm]
    pulse = table.rows[0]
    assert len(pulse.profiles) == 2 and pulse.worst == "fail"
    assert pulse.cells["provider"] == "fail" and pulse.cells["designation"] == "pass"
    assert table.rows[1].worst == "pass"
    text = render_matrix_text(result, "en")
    for word in ("Designation", "Providers", "Overall", "management"):
        assert word in text
    assert "…" not in text  # no header cut short
    assert "통과" in render_matrix_text(result, "ko")


def _not_profiles_folder(tmp_path, examples):
    folder = tmp_path / "mixed-kinds"
    folder.mkdir()
    shutil.copy(examples / "waivers.yaml", folder / "a-waivers.yaml")
    shutil.copy(examples / "m365-compliant.yaml", folder / "b-profile.yaml")
    (folder / "c-broken.yaml").write_text("profile_version: 1\nfirm: [\n", encoding="utf-8")
    only = tmp_path / "only-waivers"
    only.mkdir()
    shutil.copy(examples / "waivers.yaml", only / "w.yaml")
    return folder, only


@pytest.mark.parametrize("jobs", [1, 2])
def test_what_is_not_a_profile_is_found_only_when_it_cannot_be_judged(examples, tmp_path,
                                                                      monkeypatch, jobs):
    """Files a folder brings in are classified lazily: a profile that is judged is never
    read as another kind; a waivers file is skipped and counted; a folder of nothing but
    other documents is a problem in its argument's place; a file also named on its own is
    judged, never skipped."""
    import netsep_check.batch as batch

    folder, only = _not_profiles_folder(tmp_path, examples)
    asked: list[str] = []
    real = batch.other_kind
    monkeypatch.setattr(batch, "other_kind", lambda path: (asked.append(path.name),
                                                           real(path))[1])
    missing = tmp_path / "missing.yaml"
    result = run([str(missing), str(only), str(folder)], Options(jobs=jobs))
    if jobs == 1:  # (workers forked keep their own list)
        assert sorted(asked) == ["a-waivers.yaml", "c-broken.yaml", "w.yaml"]
    assert result.skipped == ((str(only / "w.yaml"), "a waivers file"),
                              (str(folder / "a-waivers.yaml"), "a waivers file"))
    assert [i.file for i in result.invalid] == [str(only), str(missing),  # as they were
                                                str(folder / "c-broken.yaml")]
    assert "folder holds no profile file" in result.invalid[0].problems[0].message
    assert [r.profile_file for r in result.reports] == [str(folder / "b-profile.yaml")]
    named = run([str(folder), str(folder / "a-waivers.yaml")], Options(jobs=jobs))
    assert named.skipped == ()  # named on its own: judged (and refused) as a profile
    assert str(folder / "a-waivers.yaml") in [i.file for i in named.invalid]


def test_expand_inputs_can_leave_the_sifting_for_later(examples, tmp_path):
    folder, only = _not_profiles_folder(tmp_path, examples)
    now = expand_inputs([str(folder), str(only)])
    later = expand_inputs([str(folder), str(only)], sift=False)
    assert [p.name for p in now.paths] == ["b-profile.yaml", "c-broken.yaml"]
    assert len(now.problems) == 1 and now.skipped == [
        (str(folder / "a-waivers.yaml"), "a waivers file"), (str(only / "w.yaml"),
                                                             "a waivers file")]
    assert [p.name for p in later.paths] == ["a-waivers.yaml", "b-profile.yaml",
                                             "c-broken.yaml", "w.yaml"]
    assert later.problems == [] and later.sift == frozenset({0, 1, 2, 3})
    assert later.settle({0, 3}) == now.problems  # the waivers files turned out not profiles
    assert later.settle({0}) == []
