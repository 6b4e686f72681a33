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


def _peak(args: list[str], stdout_path: Path, temporary: Path | None = None) -> int:
    """Peak resident memory (kB) of ``netsep-check ARGS`` run with its standard output in
    ``stdout_path`` (and ``temporary`` as its temporary folder), measured by a parent that
    runs nothing else."""
    import os

    env = {**os.environ, "TMPDIR": str(temporary)} if temporary is not None else None
    code = ("import resource, subprocess, sys\n"
            "with open(sys.argv[1], 'wb') as out:\n"
            "    subprocess.run([sys.executable, '-m', 'netsep_check', *sys.argv[2:]],\n"
            "                   stdout=out, check=False)\n"
            "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n")
    done = subprocess.run([sys.executable, "-c", code, str(stdout_path), *args],
                          capture_output=True, text=True, check=True, cwd=ROOT, timeout=300,
                          env=env)
    return int(done.stdout)


def _batch(folder: Path, count: int) -> Path:
    text = (ROOT / "examples" / "m365-compliant.yaml").read_text(encoding="utf-8")
    folder.mkdir()
    for index in range(count):
        (folder / f"p{index:03d}.yaml").write_text(
            text.replace("name: 예시은행", f"name: 예시은행 {index}", 1), encoding="utf-8")
    return folder


def test_a_batch_report_on_standard_output_is_the_file_and_is_not_copied_in_memory(tmp_path):
    """A batch's JSON on standard output (``> file``, as CI jobs take it) is byte for byte the
    ``-o`` file, and written part by part: it was joined, decoded and encoded again first
    (three more copies of 70 kB a profile)."""
    folder = _batch(tmp_path / "batch", 400)
    args = ["check", "--format", "json", "--jobs", "1", "--no-evidence-check", str(folder)]
    written = tmp_path / "report.json"
    by_file = _peak([*args, "-o", str(written)], tmp_path / "quiet.txt")
    by_stdout = _peak(args, tmp_path / "stdout.json")
    assert (tmp_path / "stdout.json").read_bytes() == written.read_bytes()
    size_kb = written.stat().st_size // 1024
    assert size_kb > 20_000  # 400 profiles of about 70 kB
    assert by_stdout < by_file + size_kb, (by_stdout, by_file, size_kb)


def test_a_batch_judged_with_one_job_spools_its_lines_as_it_judges(tmp_path):
    """With one job the command judges every profile itself; each report's JSON line (about
    70 kB) is spooled as it is made, not held until the report: 360 more profiles cost far
    less memory than their lines. The report is the one two jobs write, and no spool folder
    is left behind."""
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    peaks, reports = {}, {}
    for count in (40, 400):
        folder = _batch(tmp_path / f"batch{count}", count)
        reports[count] = tmp_path / f"report{count}.json"
        peaks[count] = _peak(["check", "--format", "json", "--jobs", "1", "--no-evidence-check",
                              str(folder), "-o", str(reports[count])],
                             tmp_path / "quiet.txt", temporary)
    assert not list(temporary.iterdir())
    lines_kb = (reports[400].stat().st_size - reports[40].stat().st_size) // 1024
    assert lines_kb > 20_000
    assert peaks[400] - peaks[40] < lines_kb // 2, (peaks, lines_kb)
    two_jobs = tmp_path / "two.json"
    _peak(["check", "--format", "json", "--jobs", "2", "--no-evidence-check",
           str(tmp_path / "batch400"), "-o", str(two_jobs)], tmp_path / "quiet.txt")
    assert two_jobs.read_bytes() == reports[400].read_bytes()
