"""Inputs whose reports would be far larger than they are, or slow to word or to match
against an egress log: refused or bounded (found by an independent hostile run, 2026-12-01).

A 2 MB firm name, repeated in each SARIF result and each OSCAL POA&M item of a profile with
55 failing rules, asked for more than 1 GiB (exit 3, MemoryError); an 8-million-character
product id was wrapped by the text report into 150,000 table lines per MB (18 s). Names and
ids now have a length in the profile contract (firm name 300 characters, ids and categories
128), so a report stays proportional to its input.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from netsep_check.errors import EXIT_INPUT
from netsep_check.evaluate.egress import under_any
from tests.conftest import EXAMPLES
from tests.test_hostile_classes import WALL, run_process


def _data(name: str = "m365-noncompliant-scope.yaml") -> dict[str, Any]:
    text = (EXAMPLES / name).read_text(encoding="utf-8")
    return json.loads(json.dumps(yaml.safe_load(text), default=str))


def _write(path: Path, data: dict[str, Any]) -> Path:
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def _long_firm(path: Path, length: int) -> Path:
    data = _data()
    data["firm"]["name"] = "가" * length
    return _write(path, data)


def _long_product(path: Path, length: int) -> Path:
    data = _data()
    data["usage"]["saas_products"].append("a" * length)
    return _write(path, data)


@pytest.mark.parametrize("fmt", ["oscal-poam", "sarif"])
def test_a_long_firm_name_is_refused_not_repeated_into_gigabytes(tmp_path, fmt):
    outcome = run_process("check", _long_firm(tmp_path / "p.json", 2_000_000), "--format",
                          fmt, "-o", tmp_path / "out", "--lang", "en", "--evidence-root",
                          EXAMPLES)
    assert "Traceback" not in outcome.text and outcome.code == EXIT_INPUT, outcome.text[-2000:]
    assert "firm.name: must be at most 300 characters" in outcome.stderr
    assert outcome.seconds < WALL


def test_a_long_product_id_is_refused_not_wrapped_for_seconds(tmp_path):
    outcome = run_process("check", _long_product(tmp_path / "p.json", 8_000_000), "--format",
                          "text", "-o", tmp_path / "out", "--lang", "en", "--evidence-root",
                          EXAMPLES)
    assert "Traceback" not in outcome.text and outcome.code == EXIT_INPUT, outcome.text[-2000:]
    assert "must be at most 128 characters" in outcome.stderr
    assert outcome.seconds < WALL


@pytest.mark.parametrize(("field", "limit"), [("firm", 300), ("product", 128)])
def test_names_at_their_length_are_judged(tmp_path, field, limit):
    """The limits refuse nothing a real profile holds: at the length, judged (exit 1: the
    scope example fails)."""
    make = _long_firm if field == "firm" else _long_product
    outcome = run_process("check", make(tmp_path / "p.json", limit), "--format", "json",
                          "-o", tmp_path / "out.json", "--evidence-root", EXAMPLES)
    assert outcome.code == 1, outcome.text[-2000:]


# --- egress logs: no path that grows as tenants² or wildcards × log lines -------------------

def _destinations(path: Path, hosts: list[str]) -> Path:
    data = _data("m365-compliant.yaml")
    access = data["security_measures"]["network_link"]["internet_access_control"]
    access["allowed_destinations"] += hosts
    return _write(path, data)


def test_20000_own_tenant_hosts_with_an_egress_log_are_judged_within_bounds(tmp_path):
    """A new set of labels per entry: 44 s for 20,000 ``tN.sharepoint.com``; now linear."""
    profile = _destinations(tmp_path / "p.json", [f"t{i}.sharepoint.com" for i in range(20_000)])
    outcome = run_process("check", profile, "--egress-log",
                          EXAMPLES / "tenant" / "proxy-access.log", "--format", "json", "-o",
                          tmp_path / "out.json", "--evidence-root", EXAMPLES)
    assert "Traceback" not in outcome.text and outcome.code in (0, 1), outcome.text[-2000:]
    assert outcome.seconds < WALL


def test_500000_wildcards_against_a_log_of_20000_hosts_within_bounds(tmp_path):
    """``str.endswith`` over 500,000 suffixes for each of 20,000 hosts: 31 s; now a set
    lookup per dot of the host."""
    profile = _destinations(tmp_path / "p.json", [f"*.a{i}.example.com" for i in range(500_000)])
    log = tmp_path / "log.csv"
    log.write_text("host,count\n" + "".join(
        f"h{i}.b{i}.other{i % 7}.com,1\n" if i % 3 else f"x.a{i}.example.com,2\n"
        for i in range(20_000)), encoding="utf-8")
    outcome = run_process("check", profile, "--egress-log", log, "--format", "json", "-o",
                          tmp_path / "out.json", "--evidence-root", EXAMPLES)
    assert "Traceback" not in outcome.text and outcome.code == 1, outcome.text[-2000:]
    assert outcome.seconds < WALL
    report = json.loads((tmp_path / "out.json").read_text(encoding="utf-8"))
    assert report["summary"]["verdict"] == "fail"


_LABEL = st.text("ab.", min_size=0, max_size=6)


@settings(max_examples=300, deadline=None)
@given(suffixes=st.lists(_LABEL.map(lambda s: "." + s), max_size=40),
       hosts=st.lists(_LABEL, max_size=20))
def test_a_host_is_under_a_wildcard_exactly_as_endswith_says(suffixes, hosts):
    """The set lookup (over 16 wildcards) answers as ``str.endswith`` over them all."""
    under = under_any(tuple(suffixes))
    for host in hosts:
        assert under(host) == (bool(suffixes) and host.endswith(tuple(suffixes))), host


# --- a waivers file on one line: each waiver's line found without searching back to the start

def _waivers(path: Path, count: int, pad: int = 0) -> Path:
    waivers = [{"rule": "SAAS-LOG-RETENTION", "firm": f"회사{i}",
                "justification": f"justification {i} 정당화 " + "x" * pad,
                "approved_by": "CISO", "approved_on": "2025-01-10", "ticket": f"T-{i}",
                "expires_on": "2025-12-31"} for i in range(count)]
    path.write_text(json.dumps({"waivers": waivers}, ensure_ascii=False), encoding="utf-8")
    return path


def test_a_waivers_file_of_60000_is_refused_at_once(tmp_path):
    """Each waiver's column searched back to the start of a one-line file: 79 s for 60,000
    (12 MB); then 18 s for 78,000 unmatched ones in the text report (each printed). A file
    holds at most 10,000 waivers, said before the schema walks every entry."""
    outcome = run_process("check", EXAMPLES / "pulse-noncompliant-controls.yaml", "--waivers",
                          _waivers(tmp_path / "waivers.json", 60_000), "--format", "text",
                          "-o", tmp_path / "out.txt", "--evidence-root", EXAMPLES,
                          "--lang", "en")
    assert "Traceback" not in outcome.text and outcome.code == EXIT_INPUT, outcome.text[-2000:]
    assert "waivers: has more than 10000 item(s)" in outcome.stderr
    assert outcome.seconds < 2


@pytest.mark.parametrize("fmt", ["text", "oscal-poam"])
def test_10000_unmatched_waivers_on_one_line_are_judged_within_bounds(tmp_path, fmt):
    outcome = run_process("check", EXAMPLES / "pulse-noncompliant-controls.yaml", "--waivers",
                          _waivers(tmp_path / "waivers.json", 10_000, 150), "--format", fmt,
                          "-o", tmp_path / "out", "--evidence-root", EXAMPLES)
    assert "Traceback" not in outcome.text and outcome.code == 1, outcome.text[-2000:]
    assert outcome.seconds < WALL


# --- a run larger than its memory: said, exit 2, nothing written ------------------------------

def test_a_run_out_of_memory_says_so_and_writes_nothing(run, tmp_path, monkeypatch):
    """A batch's OSCAL POA&M of 1,000 failing profiles (485 MB) asked for 3.9 GB: under a
    1 GiB limit it ended as an internal error (exit 3, "a bug in netsep-check"). Running out
    of memory is now said as such, in the reader's language, with what to do (exit 2)."""
    from netsep_check.report import sarif

    def no_memory(*args: Any, **kwargs: Any) -> str:
        raise MemoryError

    monkeypatch.setattr(sarif, "render_sarif", no_memory)
    out = tmp_path / "r.sarif"
    result = run("check", EXAMPLES / "pulse-noncompliant-controls.yaml", "--format", "sarif",
                 "-o", out, "--evidence-root", EXAMPLES, "--lang", "en")
    assert result.exit_code == EXIT_INPUT
    assert "needed more memory than it was given" in result.stderr
    assert "bug" not in result.stderr and not out.exists()
    korean = run("check", EXAMPLES / "pulse-noncompliant-controls.yaml", "--format", "sarif",
                 "-o", out, "--evidence-root", EXAMPLES)
    assert "메모리" in korean.stderr and korean.exit_code == EXIT_INPUT


@pytest.mark.parametrize("megabytes", [60, 80, 100, 150])
def test_a_batch_poam_beyond_its_memory_is_said_never_a_defect(tmp_path, megabytes):
    """Under any memory limit: the report is made, or the run says it ran out of memory
    (exit 2, nothing written) — never a traceback, never exit 3, never the exit 1 of a
    ``SystemError`` (the interpreter failing mid-handler, found at 80 MB)."""
    folder = tmp_path / "batch"
    folder.mkdir()
    data = _data("pulse-noncompliant-controls.yaml")
    for i in range(100):
        data["firm"]["name"] = f"회사 {i:03d}"
        _write(folder / f"p{i:03d}.json", data)
    out = tmp_path / "out.json"
    outcome = run_process("check", folder, "--format", "oscal-poam", "-o", out,
                          "--evidence-root", EXAMPLES, "--lang", "en", memory=megabytes << 20)
    assert "Traceback" not in outcome.text, outcome.text[-2000:]
    if megabytes <= 80:  # far too little for 100 profiles' POA&M: said
        assert outcome.code == EXIT_INPUT, outcome.text[-2000:]
    assert outcome.code in (1, EXIT_INPUT), outcome.text[-2000:]
    if outcome.code == EXIT_INPUT:
        assert "needed more memory than it was given" in outcome.stderr
        assert not out.exists()
    else:
        assert json.loads(out.read_text(encoding="utf-8"))["plan-of-action-and-milestones"]
