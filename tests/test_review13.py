"""Small things a hostile run found (2026-12): '-o -', and what a message names."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "netsep_check", *args], capture_output=True,
                          text=True, cwd=cwd, timeout=120,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})


def test_dash_output_is_standard_output_not_a_file_named_dash(tmp_path):
    profile = EXAMPLES / "m365-compliant.yaml"
    done = _cli("check", str(profile), "--format", "json", "-o", "-", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["summary"]
    assert not (tmp_path / "-").exists()
    both = _cli("check", str(profile), "--format", "json", "-o", "-", "--format", "sarif",
                cwd=tmp_path)
    assert both.returncode == 2 and "standard output" in both.stderr
    paired = _cli("check", str(profile), "--format", "json", "-o", "-", "--format", "sarif",
                  "-o", "r.sarif", cwd=tmp_path)
    assert paired.returncode == 0, paired.stderr
    assert json.loads(paired.stdout)["summary"] and (tmp_path / "r.sarif").is_file()
    assert not (tmp_path / "-").exists()


@pytest.mark.parametrize("args", [("policy", "docs"), ("due", str(EXAMPLES / "m365-compliant.yaml")),
                                  ("report", "committee", str(EXAMPLES / "m365-compliant.yaml"))])
def test_dash_output_of_every_command_is_standard_output(tmp_path, args):
    done = _cli(*args, "-o", "-", cwd=tmp_path)
    assert done.returncode in (0, 1), done.stderr
    assert done.stdout.strip() and not (tmp_path / "-").exists()


def test_a_bundle_is_never_written_to_dash(tmp_path):
    done = _cli("bundle", "create", str(EXAMPLES / "m365-compliant.yaml"), "-o", "-", cwd=tmp_path)
    assert done.returncode == 2 and "a bundle is written to a file" in done.stderr
    assert not (tmp_path / "-").exists()


@pytest.mark.parametrize(("codec", "named"), [
    ("utf-32", "UTF-32 (byte-order mark found)"), ("utf-32-le", "UTF-32 without a byte-order mark"),
    ("utf-32-be", "UTF-32 without a byte-order mark"), ("utf-16", "UTF-16 (byte-order mark found)"),
    ("utf-16-le", "UTF-16 without a byte-order mark")])
def test_a_wide_encoding_is_named_as_it_is(tmp_path, codec, named):
    """A UTF-32 file was called UTF-16: its byte-order mark begins with UTF-16's."""
    path = tmp_path / "p.yaml"
    path.write_bytes((EXAMPLES / "m365-compliant.yaml").read_text(encoding="utf-8").encode(codec))
    done = _cli("check", str(path), "--lang", "en", cwd=tmp_path)
    assert done.returncode == 2 and named in done.stderr, done.stderr
    korean = _cli("check", str(path), cwd=tmp_path)
    assert korean.returncode == 2 and named[:6] in korean.stderr and "바이트 순서 표식" in korean.stderr


@pytest.mark.parametrize("fmt", ["committee", "oscal-ar", "oscal-poam"])
def test_a_format_needing_a_judged_profile_prints_each_problem_once(tmp_path, fmt):
    """``check --format committee`` of an invalid profile printed every problem twice: once as
    the run's, once as the format's reason for having nothing to say."""
    bad = tmp_path / "bad.yaml"
    bad.write_text("firm: 3\n", encoding="utf-8")
    done = _cli("check", str(bad), "--format", fmt, "--lang", "en", cwd=tmp_path)
    assert done.returncode == 2 and done.stdout == ""
    lines = done.stderr.splitlines()
    assert lines.count("9 problems found") == 1, done.stderr
    assert sum("missing required key 'usage'" in line for line in lines) == 1
    assert f"no {fmt} report was written" in lines[-1]


def test_a_host_name_longer_than_dns_allows_is_an_input_error(tmp_path):
    """A host name is at most 253 characters (RFC 1035, as written without the final dot);
    a 259-character one was accepted as an allowed destination."""
    import yaml

    data = yaml.safe_load((EXAMPLES / "m365-compliant.yaml").read_text(encoding="utf-8"))
    shutil.copytree(EXAMPLES / "evidence", tmp_path / "evidence")
    control = data["security_measures"]["network_link"]["internet_access_control"]
    longest = ".".join(["a" * 63] * 3 + ["b" * 61])  # 253 characters
    for host, code in ((longest, 0), (longest + "c", 2), ("*." + longest[4:], 0),
                       ("*.x" + longest[2:], 2)):
        control["allowed_destinations"] = ["login.microsoftonline.com", host]
        path = tmp_path / "p.yaml"
        path.write_text(yaml.safe_dump(data), encoding="utf-8")
        done = _cli("check", str(path), "--format", "json", "--lang", "en",
                    cwd=tmp_path)
        assert done.returncode == code, (len(host), done.stderr[-300:])
        if code:
            assert "allowed_destinations[1]" in done.stderr and "253" in done.stderr


@pytest.mark.parametrize("spelling", ["evidence/committee-minutes-2024-08-30.txt",
                                      "./evidence/../evidence/committee-minutes-2024-08-30.txt"])
def test_check_never_writes_over_an_evidence_file_it_read(tmp_path, spelling):
    """``check -o evidence/<minutes>`` replaced the committee minutes the run had just hashed
    with the report (report committee and bundle create refused it; check did not)."""
    shutil.copy(EXAMPLES / "m365-compliant.yaml", tmp_path / "p.yaml")
    shutil.copytree(EXAMPLES / "evidence", tmp_path / "evidence")
    minutes = tmp_path / "evidence" / "committee-minutes-2024-08-30.txt"
    before = minutes.read_bytes()
    done = _cli("check", "p.yaml", "--format", "json", "-o", spelling, cwd=tmp_path)
    assert done.returncode == 2 and "an input of this run" in done.stderr, done.stderr
    assert minutes.read_bytes() == before
    rooted = _cli("check", "p.yaml", "--evidence-root", "evidence/..", "--format", "json",
                  "-o", spelling, cwd=tmp_path)
    assert rooted.returncode == 2 and minutes.read_bytes() == before


@pytest.mark.parametrize("second", ["link.json", "./sub/../r.json", "hard.json"])
def test_two_outputs_naming_one_file_are_a_usage_error(tmp_path, second):
    """``-o r.json -o rl.json`` with rl.json → r.json: the SARIF replaced the JSON report,
    and both were said to be written."""
    (tmp_path / "r.json").write_text("previous", encoding="utf-8")
    (tmp_path / "link.json").symlink_to("r.json")
    (tmp_path / "sub").mkdir()
    os.link(tmp_path / "r.json", tmp_path / "hard.json")
    done = _cli("check", str(EXAMPLES / "m365-compliant.yaml"), "--format", "json", "-o",
                "r.json", "--format", "sarif", "-o", second, cwd=tmp_path)
    assert done.returncode == 2 and "name the same file" in done.stderr, done.stderr
    assert (tmp_path / "r.json").read_text(encoding="utf-8") == "previous"


@pytest.mark.parametrize("linked", [False, True])
@pytest.mark.parametrize("fmt", ["json", "text", "markdown", "junit", "sarif", "html"])
def test_a_sub_folder_of_profiles_is_never_left_out_in_silence(tmp_path, linked, fmt):
    """A folder batch reads one level; a sub-folder (a bank's own checkout linked in) holding
    a failing profile was left out with nothing said, and the batch passed."""
    profiles, elsewhere = tmp_path / "profiles", tmp_path / "elsewhere" / "bankB"
    profiles.mkdir()
    elsewhere.mkdir(parents=True)
    shutil.copy(EXAMPLES / "m365-compliant.yaml", profiles)
    shutil.copytree(EXAMPLES / "evidence", profiles / "evidence")  # no profile in it: no note
    shutil.copy(EXAMPLES / "m365-noncompliant-scope.yaml", elsewhere)
    if linked:
        (profiles / "bankB").symlink_to(elsewhere)
    else:
        shutil.copytree(elsewhere, profiles / "bankB")
    done = _cli("check", "profiles", "--format", fmt, "--lang", "en", cwd=tmp_path)
    assert "profiles/bankB: skipped" in done.stderr
    assert "profiles/evidence" not in done.stderr
    assert "profiles/bankB" in done.stdout, done.stdout[-2000:]
    if fmt == "json":
        assert json.loads(done.stdout)["skipped"] == [{
            "file": "profiles/bankB",
            "kind": "a folder of profile files (a folder's sub-folders are not searched)"}]


def test_a_link_to_a_folder_under_a_double_star_pattern_is_noted(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "elsewhere").mkdir()
    shutil.copy(EXAMPLES / "m365-compliant.yaml", tmp_path / "a")
    shutil.copy(EXAMPLES / "m365-noncompliant-scope.yaml", tmp_path / "elsewhere")
    (tmp_path / "a" / "linked").symlink_to(tmp_path / "elsewhere")
    (tmp_path / "a" / "loop").symlink_to(tmp_path / "a")  # a loop: noted once, never walked
    done = _cli("check", "a/**/*.yaml", "--no-evidence-check", "--format", "json", cwd=tmp_path)
    skipped = {entry["file"] for entry in json.loads(done.stdout)["skipped"]}
    assert skipped == {"a/linked", "a/loop"}, done.stderr


@pytest.mark.parametrize("suffix", ["yaml", "json"])
@pytest.mark.parametrize(("written", "code"), [("364.99999999999999", 2), ("3649999999999999.9e-13", 2),
                                               ("365.0", 0), ("3.65e2", 0), ("365", 0)])
def test_a_fraction_is_never_read_as_a_whole_number(tmp_path, suffix, written, code):
    """``retention_days: 364.99999999999999`` was read as 365.0 (a float holds no more digits),
    which ``integer`` accepts: SAAS-LOG-RETENTION passed a retention under a year."""
    import yaml

    data = yaml.safe_load((EXAMPLES / "m365-compliant.yaml").read_text(encoding="utf-8"))
    shutil.copytree(EXAMPLES / "evidence", tmp_path / "evidence")
    path = tmp_path / f"p.{suffix}"
    marker = 987654321
    data["security_measures"]["saas_management"]["audit_logging"]["retention_days"] = marker
    text = json.dumps(data, default=str) if suffix == "json" else yaml.safe_dump(data)
    path.write_text(text.replace(str(marker), written), encoding="utf-8")
    done = _cli("check", str(path), "--format", "json", "--lang", "en", cwd=tmp_path)
    if code:
        assert done.returncode == 2 and f"number {written} cannot be read exactly" in done.stderr
        line = text[:text.index(str(marker))].count("\n") + 1
        assert f"p.{suffix}:{line}:" in done.stderr, done.stderr
        korean = _cli("check", str(path), "--format", "json", cwd=tmp_path)
        assert "정확히 읽을 수 없습니다" in korean.stderr
    else:
        assert done.returncode == 0, done.stderr


def test_exact_float_never_rounds_a_fraction_to_a_whole_number():
    from decimal import Decimal

    from hypothesis import given
    from hypothesis import strategies as st

    from netsep_check.load.numbers import InexactNumber, exact_float

    @given(st.integers(-10**6, 10**6), st.text("0123456789", min_size=1, max_size=25),
           st.sampled_from(["", "e0", "e1", "e-1", "E+2"]))
    def holds(whole, fraction, exponent):
        text = f"{whole}.{fraction}{exponent}"
        try:
            value = exact_float(text)
        except InexactNumber:
            assert Decimal(text) != Decimal(text).to_integral_value()
            return
        assert value == float(text)
        if value.is_integer():  # a whole number written: no fraction was rounded away
            assert Decimal(text) == Decimal(text).to_integral_value()

    holds()


def test_a_profile_baseline_is_judged_not_trusted(tmp_path):
    """An edited JSON report excused two non-waivable failures (nothing can tell an edited
    report from a real one); a profile given as the baseline is judged now, so it cannot."""
    import yaml

    shutil.copytree(EXAMPLES / "evidence", tmp_path / "evidence")
    base = yaml.safe_load((EXAMPLES / "m365-compliant.yaml").read_text(encoding="utf-8"))
    (tmp_path / "base.yaml").write_text(yaml.safe_dump(base), encoding="utf-8")
    head = json.loads(json.dumps(base, default=str))
    head["usage"]["saas_products"].append("copilot")
    (tmp_path / "head.yaml").write_text(yaml.safe_dump(head), encoding="utf-8")
    gated = _cli("check", "head.yaml", "--baseline", "base.yaml", "--format", "json",
                 cwd=tmp_path)
    assert gated.returncode == 1, gated.stderr
    new = {f["rule_id"] for f in json.loads(gated.stdout)["findings"]
           if f["status"] == "fail" and not f["known"]}
    assert "SCOPE-PRODUCTS" in new
    same = _cli("check", "head.yaml", "--baseline", "./head.yaml", cwd=tmp_path)
    assert same.returncode == 2 and "기준(--baseline)이 이번에 점검하는 프로파일" in same.stderr
    known = _cli("check", "head.yaml", "--baseline", "head.yaml", "--format", "json",
                 "--lang", "en", cwd=tmp_path)
    assert known.returncode == 2


@pytest.mark.parametrize("option", ["--evidence-root", "--sarif-root"])
def test_a_named_pipe_is_not_a_folder(tmp_path, option):
    """click's file_okay=False refuses only a regular file: a FIFO was taken for a folder."""
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    done = _cli("check", str(EXAMPLES / "m365-compliant.yaml"), option, str(fifo), cwd=tmp_path)
    assert done.returncode == 2 and "is not a folder" in done.stderr, done.stderr


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_problems_beside_the_schema_are_listed_then_counted(tmp_path, lang):
    """700,000 citations of undefined evidence ids made 699,987 located problems: 87 s, and
    MemoryError (exit 3) under 1 GiB. Each such check lists 100 and counts the rest."""
    import resource

    import yaml

    data = yaml.safe_load((EXAMPLES / "m365-compliant.yaml").read_text(encoding="utf-8"))
    n = 200_000
    data["security_measures"]["endpoint"]["anti_malware"]["evidence"] = [
        f"EV-X{i}" for i in range(n)]
    path = tmp_path / "p.json"
    path.write_text(json.dumps(data, default=str), encoding="utf-8")

    def bounded() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))
        resource.setrlimit(resource.RLIMIT_CPU, (20, 20))

    done = subprocess.run([sys.executable, "-m", "netsep_check", "check", str(path), "--lang",
                           lang, "--format", "json"], capture_output=True, text=True,
                          timeout=120, preexec_fn=bounded,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 2, done.stderr[-500:]
    lines = done.stderr.splitlines()
    listed = [line for line in lines if "EV-X" in line]
    assert len(listed) == 100
    count = n - 100
    said = (f"... and {count:,} more problem(s) of this kind (evidence id cited but not defined)"
            if lang == "en" else f"... 같은 종류(정의되지 않았는데 인용된 증빙 ID)의 문제 {count:,}건은")
    assert any(said in line for line in lines), lines[-3:]
    total = f"{n:,} problems found" if lang == "en" else f"문제 {n:,}건을 찾았습니다"
    assert lines[-1] == total  # the count counts what it does not list
