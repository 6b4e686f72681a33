"""Red-team findings: each test is an attack that once broke the installed command.

Every attack runs the real command in a child process, bounded in time (``WALL`` seconds) and
memory (``RLIMIT_AS``), so a hang or a blow-up fails the test instead of the machine.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import EXAMPLES, copy_evidence

WALL = 20.0  # seconds a single command may take, start-up included
GIB = 1 << 30


def _limit_memory() -> None:  # pragma: no cover - runs in the child
    resource.setrlimit(resource.RLIMIT_AS, (2 * GIB, 2 * GIB))


def nc(*args: object, cwd: Path | None = None, timeout: float = WALL,
       ) -> subprocess.CompletedProcess[str]:
    """``netsep-check ARGS`` in a child process; a timeout fails the calling test."""
    command = [sys.executable, "-m", "netsep_check", *(str(a) for a in args)]
    env = dict(os.environ, PYTHONIOENCODING="utf-8", COLUMNS="120")
    try:
        done = subprocess.run(command, cwd=cwd, capture_output=True, text=True,
                              encoding="utf-8", errors="replace", timeout=timeout,
                              preexec_fn=_limit_memory, env=env)
    except subprocess.TimeoutExpired:
        pytest.fail(f"netsep-check {' '.join(command[3:])} ran past {timeout} s")
    assert "Traceback" not in done.stderr, done.stderr[-2000:]
    assert done.returncode != 3, done.stderr[-2000:]
    return done


def example(tmp_path: Path, name: str = "m365-compliant.yaml") -> Path:
    """A copy of an example profile (with its evidence) in ``tmp_path``."""
    path = tmp_path / name
    path.write_text((EXAMPLES / name).read_text(encoding="utf-8"), encoding="utf-8")
    copy_evidence(tmp_path)
    return path


# --- 1. thousands of unknown keys: every one was listed (and laid out by rich) ----------------

@pytest.mark.parametrize("command", ["check", "validate"])
def test_many_unknown_keys_are_capped_not_listed_one_by_one(tmp_path, command):
    """A 3 MB file of 300 000 unknown top-level keys (well under the 16 MiB limit) took 90 s in
    ``check``: one jsonschema error expanded into 300 000 problems, each printed through rich.
    The problems listed are capped like every other schema error, the rest counted."""
    path = tmp_path / "keys.yaml"
    path.write_text("".join(f"k{i}: 1\n" for i in range(300_000)), encoding="utf-8")
    started = time.monotonic()
    done = nc(command, path, "--lang", "en")
    assert done.returncode == 2
    assert time.monotonic() - started < 10
    lines = done.stderr.splitlines()
    assert len(lines) < 300, len(lines)
    assert "unknown key 'k0'" in done.stderr
    assert "more schema error(s) not listed" in done.stderr
    if command == "validate":  # the count comes after what it counts
        assert "more schema error(s) not listed" in lines[-2], lines[-3:]


# --- 2. egress log: lines naming no readable destination vanished behind a pass -------------

def test_egress_lines_not_read_do_not_pass_silently(tmp_path):
    """A CSV egress log with one readable allowed line and one line naming a destination the
    reader cannot take (a negative count, a non-ASCII host) passed: "all 5 requests went to
    allowed destinations", the skipped lines said nowhere. The check cannot tell what those
    lines reached, so it must not pass, and every format says how many lines were not read."""
    profile = example(tmp_path)
    log = tmp_path / "egress.csv"
    log.write_text("host,count\nlogin.microsoftonline.com,5\nevil.example.com,-5\n"
                   "악성.example,3\n", encoding="utf-8")
    done = nc("check", profile, "--egress-log", log, "--format", "json", "--lang", "en")
    assert done.returncode == 1, done.stdout[-1500:]
    report = json.loads(done.stdout)
    egress = [f for f in report["findings"] if f["rule_id"] == "EGRESS-DESTINATIONS"]
    assert [f["status"] for f in egress] == ["fail"]
    text = nc("check", profile, "--egress-log", log, "--lang", "en").stdout
    assert "2 of 4 lines" in " ".join(text.split())


# --- 3. a glob pattern over a folder with symbolic-link loops -------------------------------

def test_recursive_pattern_does_not_follow_link_loops(tmp_path):
    """``check 'dir/**/*.yaml'`` where dir holds two links to itself never ended: glob.glob
    follows links to folders, and each level doubles the paths until the kernel's 40-link
    limit (2**40 of them). A pattern's ``**`` does not descend through links to folders."""
    folder = tmp_path / "profiles"
    folder.mkdir()
    example(folder)
    (folder / "l1").symlink_to(".", target_is_directory=True)
    (folder / "l2").symlink_to(".", target_is_directory=True)
    done = nc("check", f"{folder}/**/*.yaml", "--format", "json", "--lang", "en")
    assert done.returncode == 0, done.stderr[-1500:]
    assert [r["profile"]["firm"] for r in json.loads(done.stdout)["reports"]] == ["예시은행"]
    relative = nc("check", "profiles/**/*.yaml", "--lang", "en", cwd=tmp_path)
    assert relative.returncode == 0, relative.stderr[-1500:]
    every = nc("check", "profiles/**", "--lang", "en", cwd=tmp_path)  # the evidence too
    assert every.returncode == 2 and "committee-minutes" in every.stderr, every.stderr[-1500:]


# --- 4. an id with a trailing line break passed the snake_case pattern ----------------------

def test_id_with_trailing_line_break_is_not_snake_case(tmp_path):
    """JSON Schema patterns are ECMA-262 regular expressions, whose ``$`` matches only at the
    end of the text; Python's ``$`` also matches before a final line break. So "workvivo\\n"
    passed ``^[a-z][a-z0-9_]*$``, was shown as "workvivo" in every report, and escaped the
    pack's provider and product lists: Workvivo Pulse labelled m365, processing personal and
    credit information, came out COMPLIANT. Such an id is a schema error."""
    import yaml

    data = yaml.safe_load((EXAMPLES / "pulse-compliant.yaml").read_text(encoding="utf-8"))
    data["designation"]["service"] = "m365"
    for block in (data["usage"], data["designation"]["approved_scope"]):
        block["saas_products"] = ["pulse\n"]
        block["providers"] = ["workvivo\n"]
        block["data_categories"] = ["public", "personal_information", "credit_information"]
    data["providers"][0]["id"] = "workvivo\n"
    path = tmp_path / "spoof.json"
    path.write_text(json.dumps(data, ensure_ascii=False, default=str), encoding="utf-8")
    copy_evidence(tmp_path)
    done = nc("check", path, "--lang", "en")
    assert done.returncode == 2, done.stdout[-800:]
    assert "usage.providers[0]" in done.stderr
    assert nc("validate", path, "--lang", "en").returncode == 2


# --- 5. --output naming an input: check refused it, the other commands overwrote it -------

@pytest.mark.parametrize("command", [
    ("bundle", "create", "{profile}", "-o", "{profile}"),
    ("bundle", "create", "{profile}", "-o", "{evidence}"),
    ("due", "{profile}", "-o", "{profile}"),
    ("report", "committee", "{profile}", "-o", "{profile}"),
    ("report", "committee", "{profile}", "-o", "{evidence}"),
    ("report", "committee", "{profile}", "--previous", "{previous}", "-o", "{previous}"),
    ("import", "scubagear", "{scuba}", "-o", "{scuba}"),
], ids=["bundle-profile", "bundle-evidence", "due", "committee-profile", "committee-evidence",
        "committee-previous", "import"])
def test_output_never_overwrites_an_input(tmp_path, command):
    """``check -o PROFILE`` is refused ("an input of this run"), but ``bundle create``,
    ``due`` and ``report committee`` wrote over the very profile, evidence file or previous
    report they were reading: ``bundle create p.yaml -o evidence/notice.pdf`` replaced the
    evidence it had just sealed. Every command refuses an --output that names an input."""
    profile = example(tmp_path)
    evidence = tmp_path / "evidence" / "fsi-evaluation-microsoft-2024.txt"
    previous = tmp_path / "previous.json"
    previous.write_text(nc("check", profile, "--format", "json").stdout, encoding="utf-8")
    scuba = tmp_path / "ScubaResults.json"
    scuba.write_bytes((Path(__file__).parent / "data" / "scubagear"
                       / "ScubaResults_fa5589b7-d528-4f80.json").read_bytes())
    files = {"profile": profile, "evidence": evidence, "previous": previous, "scuba": scuba}
    before = {name: path.read_bytes() for name, path in files.items()}
    args = [part.format(**files) for part in command]
    done = nc(*args, "--lang", "en") if command[0] in ("due", "report") else nc(*args)
    assert done.returncode == 2, (done.returncode, done.stderr[-800:])
    assert "input" in done.stderr or "입력" in done.stderr  # in the command's language
    for name, path in files.items():
        assert path.read_bytes() == before[name], f"{name} was overwritten"


# --- 6. the library: nothing judged read as a pass; options the command line never sends ---

def test_library_run_of_no_profile_is_not_a_pass():
    """``api.run([])`` returned exit code 0 and verdict "pass": nothing judged, reported
    compliant. The command line always names a profile; the library must refuse too."""
    from netsep_check.api import run
    from netsep_check.errors import InputError

    with pytest.raises(InputError, match="no profile"):
        run([])
    with pytest.raises(InputError, match="list of profile"):
        run(str(EXAMPLES / "m365-compliant.yaml"))  # type: ignore[arg-type]  # a bare string


@pytest.mark.parametrize("options", [
    {"fail_on": "bogus"}, {"fail_on": None}, {"as_of": "2025-01-01"}, {"today": "2025-01-01"},
    {"jobs": 0}, {"max_bytes": 0}, {"policy_dirs": "dir"}, {"pack": 123}, {"waivers": 123},
    {"verify_evidence": None}, {"verify_evidence": "no"}, {"tenant_facts": [1]},
], ids=lambda o: f"{next(iter(o))}={next(iter(o.values()))!r}")
def test_library_options_out_of_range_are_input_errors(options):
    """Options the command line validates (click) reached the library unchecked: a KeyError
    or AttributeError (a traceback) or, for jobs=0, a silent run. Each is an InputError."""
    from netsep_check.api import Options, run
    from netsep_check.errors import InputError

    with pytest.raises(InputError):
        run([EXAMPLES / "pulse-noncompliant-controls.yaml"], Options(**options))


def test_library_path_with_nul_is_an_input_error():
    from netsep_check.api import run

    result = run([str(EXAMPLES / "m365-compliant.yaml") + "\x00"])
    assert result.exit_code == 2 and not result.reports


# --- 7. --as-of and --period took any ISO 8601 form Python reads ------------------------------

@pytest.mark.parametrize("day", ["20250101", "2025-W01-1", "2025001"])
def test_as_of_is_a_calendar_date_written_yyyy_mm_dd(tmp_path, day):
    """``--as-of 2025-W01-1`` judged the profile on 2024-12-30 and ``--as-of 20250101`` was
    taken too: Python 3.11's ``date.fromisoformat`` reads week dates and the basic form. Every
    date of the contract is YYYY-MM-DD; anything else is a usage error."""
    profile = example(tmp_path)
    done = nc("check", profile, "--as-of", day)
    assert done.returncode == 2 and "YYYY-MM-DD" in done.stderr, done.stderr[-500:]
    period = nc("report", "committee", profile, "--period", f"{day}..2025-06-30")
    assert period.returncode == 2, period.stderr[-500:]


# --- 8. scope changes: every task in use against every change ---------------------------------

def _scope_changes_profile(tmp_path: Path, tasks: int, changes: int) -> Path:
    import yaml

    data = yaml.safe_load((EXAMPLES / "m365-compliant.yaml").read_text(encoding="utf-8"))
    per = tasks // changes
    data["designation"]["scope_changes"] = [
        {"decided_on": "2025-01-01", "adds": {"tasks": [f"c{i}" for i in
                                                       range(j * per, (j + 1) * per)]},
         "evidence": ["EV-02"]}  # a change counts only with its decision on record
        for j in range(changes)]
    data["usage"]["tasks"] = [f"c{i}" for i in range(tasks)]
    path = tmp_path / "changes.json"
    path.write_text(json.dumps(data, ensure_ascii=False, default=str), encoding="utf-8")
    copy_evidence(tmp_path)
    return path


def test_many_tasks_in_few_scope_changes_is_linear(tmp_path):
    """200,000 tasks in use, each added by one of 20 scope changes (a 3 MB profile): every
    task looked for in the changes rebuilt the membership set of each change's list at every
    step (``contains`` kept one list: the last), 4×10^10 steps, no end in sight. The sets are
    kept per list now."""
    path = _scope_changes_profile(tmp_path, 200_000, 20)
    started = time.monotonic()
    done = nc("check", path, "--format", "json", "-o", tmp_path / "r.json")
    assert done.returncode == 0, done.stderr[-800:]
    assert time.monotonic() - started < 15


def test_many_tasks_against_many_scope_changes_is_bounded(tmp_path):
    """5,000 tasks against 5,000 scope changes (a 500 KB profile) took about 30 s pair by
    pair; the scope rules' some-over-changes is a join now (rules/operators/quantifiers.py),
    whether the tasks are added or not."""
    path = _scope_changes_profile(tmp_path, 5_000, 5_000)
    done = nc("check", path, "--format", "json", "-o", tmp_path / "r.json", timeout=10)
    assert done.returncode == 0, done.stderr[-800:]
    data = json.loads(path.read_text(encoding="utf-8"))
    data["usage"]["tasks"] = [f"z{i}" for i in range(5_000)]  # none added: every one fails
    path.write_text(json.dumps(data), encoding="utf-8")
    done = nc("check", path, "--format", "json", "-o", tmp_path / "r.json", timeout=10)
    assert done.returncode == 1, done.stderr[-800:]


def test_policy_docs_never_writes_into_the_built_in_packs(tmp_path):
    """Review: `policy docs -o` over a built-in pack file broke every later check."""
    from netsep_check.rules import policies_root

    target = policies_root() / "common" / "parameters.yaml"
    before = target.read_bytes()
    done = subprocess.run([sys.executable, "-m", "netsep_check", "policy", "docs", "-o",
                           str(target)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and "built-in packs" in done.stderr, done.stderr[-500:]
    assert target.read_bytes() == before


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
@pytest.mark.parametrize("redirect", [">/dev/full", ">&-", "<&- >/dev/null"],
                         ids=["stdout-full", "stdout-closed", "stdin-closed"])
@pytest.mark.parametrize("args", [["check", "--format", "json", "{profile}"],
                                  ["check", "--format", "json", "-"], ["rules"], ["--version"]],
                         ids=["check", "check-stdin", "rules", "version"])
def test_standard_streams_full_or_closed_are_input_errors(args, redirect):
    """Review: a full or closed standard output (or a closed standard input read as '-') was
    exit 3 with a traceback; it is a named error (exit 2): the report did not arrive, which
    is never a pass. --version writes nothing to a closed output and exits 0."""
    import shlex

    words = [a.replace("{profile}", str(EXAMPLES / "m365-compliant.yaml")) for a in args]
    command = " ".join(shlex.quote(w) for w in [sys.executable, "-m", "netsep_check", *words])
    if "-" in words and "stdin" not in redirect:
        command += f" < {shlex.quote(str(EXAMPLES / 'm365-compliant.yaml'))}"
    done = subprocess.run(["sh", "-c", f"{command} {redirect}"], capture_output=True,
                          text=True, timeout=60)
    assert "Traceback" not in done.stderr and "internal error" not in done.stderr, done.stderr
    if redirect == "<&- >/dev/null":
        expected = 2 if "-" in words else 0  # the profile is compliant: exit 0
    elif redirect == ">&-" and words == ["--version"]:
        expected = 0
    else:
        expected = 2
    assert done.returncode == expected, (done.returncode, done.stderr[-500:])


def test_an_output_through_a_link_writes_the_file_it_names(tmp_path):
    """Review: -o link.json replaced the link and left the file it names as it was (a stale
    report, "report written"); -o /dev/stdout into a pipe replaced the link (as root: the
    system's /dev/stdout) and wrote nothing."""
    real = tmp_path / "real.json"
    real.write_text('{"verdict": "OLD"}', encoding="utf-8")
    link = tmp_path / "link.json"
    link.symlink_to(real.name)
    profile = EXAMPLES / "m365-compliant.yaml"
    done = nc("check", "--format", "json", "-o", link, profile)
    assert done.returncode == 0, done.stderr[-500:]
    assert link.is_symlink() and json.loads(real.read_text(encoding="utf-8"))["summary"]["verdict"] == "pass"
    fd1 = tmp_path / "fd1"
    fd1.symlink_to("/proc/self/fd/1")
    if Path("/proc/self/fd/1").exists():
        done = nc("check", "--format", "json", "-o", fd1, profile)
        assert done.returncode == 0 and json.loads(done.stdout)["summary"]["verdict"] == "pass"
        assert fd1.is_symlink()


def test_an_output_named_pipe_no_one_reads_is_an_error_not_a_hang(tmp_path):
    import os

    fifo = tmp_path / "report.fifo"
    os.mkfifo(fifo)
    done = nc("check", "--format", "json", "-o", fifo, EXAMPLES / "m365-compliant.yaml",
              timeout=20)
    assert done.returncode == 2 and "보고서를 쓸 수 없습니다" in done.stderr, done.stderr[-500:]


def test_import_and_bundle_outputs_follow_links_and_never_replace_a_device(tmp_path):
    """``import -o`` renamed a temporary file over its output, ``bundle create -o`` a partial
    zip: through a link they replaced the link, and as root ``-o /dev/null`` would replace
    the device. (Checked here through links, so that a regression harms only tmp_path.)"""
    results = Path(__file__).parent / "data" / "scubagear" / \
        "ScubaResults_fa5589b7-d528-4f80.json"
    real = tmp_path / "facts.json"
    real.write_text("{}", encoding="utf-8")
    link = tmp_path / "facts-link.json"
    link.symlink_to(real.name)
    done = nc("import", "scubagear", results, "-o", link)
    assert done.returncode == 0, done.stderr[-500:]
    assert link.is_symlink() and "netsep-check-tenant-facts" in real.read_text(encoding="utf-8")
    device = tmp_path / "null"
    device.symlink_to(os.devnull)
    done = nc("import", "scubagear", results, "-o", device)
    assert done.returncode == 0 and device.is_symlink(), done.stderr[-500:]
    profile = tmp_path / "m365-compliant.yaml"
    profile.write_text((EXAMPLES / "m365-compliant.yaml").read_text(encoding="utf-8"),
                       encoding="utf-8")
    copy_evidence(tmp_path)
    done = nc("bundle", "create", profile, "-o", device)
    assert done.returncode == 2 and device.is_symlink(), done.stderr[-500:]
    zipped = tmp_path / "b.zip"
    zipped.write_bytes(b"")
    zip_link = tmp_path / "b-link.zip"
    zip_link.symlink_to(zipped.name)
    done = nc("bundle", "create", profile, "-o", zip_link)
    assert done.returncode == 0 and zip_link.is_symlink(), done.stderr[-500:]
    assert zipped.read_bytes()[:2] == b"PK"
