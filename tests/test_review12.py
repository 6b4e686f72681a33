"""Review of e59f288..29b2279 (spool sweep, SIGTERM/SIGHUP trap, tenant_suffixes)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from netsep_check import spool

ROOT = Path(__file__).resolve().parents[1]
linux_only = pytest.mark.skipif(not os.path.exists("/proc/self/ns/pid"),
                                reason="PID namespaces: Linux only")


def _cli(*args: str, env: dict[str, str] | None = None,
         cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "netsep_check", *args], capture_output=True,
                          text=True, env={**os.environ, **(env or {})}, cwd=cwd, timeout=120)


@linux_only
@pytest.mark.parametrize("pid_text", ["\u00b2", "99999999999999999999", "\u0661\u0662\u0663"])
def test_sweep_never_fails_on_an_odd_name_anyone_can_make_in_tmp(tmp_path, pid_text):
    """Any user can make an entry in /tmp: 'netsep-check-spool-<ns>-²-x' made every parallel
    batch of every user end with an internal error (int('²') is a ValueError, a 20-digit
    pid an OverflowError in os.kill); a name not of ASCII digits is not one of ours."""
    odd = tmp_path / f"netsep-check-spool-{spool._namespace()}-{pid_text}-abc"
    odd.mkdir()
    assert spool.sweep(str(tmp_path)) == []
    assert odd.exists()


@linux_only
def test_a_batch_runs_beside_an_odd_spool_name_in_tmpdir(tmp_path):
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    (tmp / f"netsep-check-spool-{spool._namespace()}-\u00b2-abc").mkdir()
    folder = tmp_path / "p"
    folder.mkdir()
    for i in range(3):
        (folder / f"p{i}.yaml").write_bytes((ROOT / "examples/m365-compliant.yaml").read_bytes())
    done = _cli("check", str(folder), "--jobs", "2", "--format", "json", "-o",
                str(tmp_path / "r.json"), env={"TMPDIR": str(tmp)})
    assert done.returncode in (0, 1), done.stderr
    assert "internal error" not in done.stderr


def _batch_folder(tmp_path: Path, count: int = 40) -> Path:
    folder = tmp_path / "p"
    folder.mkdir()
    data = (ROOT / "examples/m365-compliant.yaml").read_bytes()
    for i in range(count):
        (folder / f"p{i}.yaml").write_bytes(data)
    return folder


_IGNORING_CALLER = r"""
import os, signal, sys, threading, time
from netsep_check import api
signal.signal(signal.SIGTERM, signal.SIG_IGN)
def poke():
    while True:
        time.sleep(0.02)
        os.kill(os.getpid(), signal.SIGTERM)
threading.Thread(target=poke, daemon=True).start()
try:
    api.run([sys.argv[1]], api.Options(jobs=2, json_lang="en"))
except BaseException as exc:
    print("raised", type(exc).__name__)
else:
    print("completed")
print("ignored after", signal.getsignal(signal.SIGTERM) == signal.SIG_IGN)
"""


def test_a_library_caller_that_ignores_sigterm_is_not_interrupted_by_a_batch(tmp_path):
    """A caller ignoring SIGTERM (a supervisor's child told to outlive it) had api.run of a
    parallel batch raise Terminated, a KeyboardInterrupt, into its code: the batch trapped
    SIGTERM over the caller's SIG_IGN. An ignored signal stays ignored (as SIGHUP under
    nohup already did)."""
    folder = _batch_folder(tmp_path)
    done = subprocess.run([sys.executable, "-c", _IGNORING_CALLER, str(folder)],
                          capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert done.stdout.split("\n")[:2] == ["completed", "ignored after True"], done


def test_the_command_keeps_an_inherited_ignored_sigterm(tmp_path):
    """``trap '' TERM; netsep-check ...``: an ignored signal is inherited ignored; the command
    must not turn it into its end (exit 143)."""
    folder = _batch_folder(tmp_path)
    code = (
        "import os, signal, subprocess, sys, time\n"
        "signal.signal(signal.SIGTERM, signal.SIG_IGN)\n"
        "p = subprocess.Popen([sys.executable, '-m', 'netsep_check', 'check', sys.argv[1],"
        " '--format', 'json', '-o', sys.argv[2]], stdout=subprocess.DEVNULL)\n"
        "for _ in range(200):\n"
        "    time.sleep(0.02)\n"
        "    if p.poll() is not None: break\n"
        "    p.send_signal(signal.SIGTERM)\n"
        "print(p.wait())\n")
    done = subprocess.run([sys.executable, "-c", code, str(folder), str(tmp_path / "r.json")],
                          capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert done.stdout.strip() in ("0", "1"), done
    assert (tmp_path / "r.json").exists()


def _pack_with_tenant_suffixes(tmp_path: Path, value: object) -> Path:
    import yaml

    pack = yaml.safe_load((ROOT / "examples/custom-pack/pack.yaml").read_text(encoding="utf-8"))
    pack["pack"]["parameters"] = {"tenant_suffixes": {"value": value}}
    folder = tmp_path / "pack"
    folder.mkdir()
    (folder / "pack.yaml").write_text(yaml.safe_dump(pack, allow_unicode=True),
                                      encoding="utf-8")
    (folder / "rules.yaml").write_bytes((ROOT / "examples/custom-pack/rules.yaml").read_bytes())
    return folder


@pytest.mark.parametrize("value", [["*.*.share point.com"], ["sharepoint.com/sites/x"],
                                   ["\uff53\uff48\uff41\uff52\uff45\uff50\uff4f\uff49\uff4e\uff54.com"],
                                   ["share point.com"], ["a*b.com"]])
def test_a_tenant_suffix_that_is_no_domain_is_a_pack_error_not_a_silent_pass(tmp_path, value):
    """A pack whose tenant_suffixes holds something no host can end with ('*.*.sharepoint.com',
    a URL path, full-width letters) was linted clean, and *.sharepoint.com then passed
    NET-ALLOWED-DESTINATIONS: the pack author believed SharePoint covered (a false green
    by a typo). It is an error naming the parameter."""
    folder = _pack_with_tenant_suffixes(tmp_path, value)
    done = _cli("policy", "lint", str(folder))
    assert done.returncode == 2, done
    assert "tenant_suffixes" in done.stderr and "Traceback" not in done.stderr


# '*.*.X' (2026-12) names tenants two labels beneath X (<name>.<region>.cloudapp.azure.com):
# a wildcard over X, or over one label beneath it, reaches them all
@pytest.mark.parametrize("value", [[], ["SharePoint.com"], ["*.sharepoint.com", "workvivo.com."],
                                   ["*.*.sharepoint.com"]])
def test_a_tenant_suffix_written_loosely_still_counts(tmp_path, value):
    folder = _pack_with_tenant_suffixes(tmp_path, value)
    assert _cli("policy", "lint", str(folder)).returncode == 0


def test_a_long_tenant_suffix_list_does_not_slow_each_wildcard():
    """Each '*.' entry was compared with every tenant suffix: 5,000 wildcard destinations
    against a pack of 200,000 suffixes took 5 minutes. One look-up per entry now."""
    import time

    from netsep_check.rules.operators.text import host_reach

    tenants = frozenset(f"t{i}.tenants.example.com" for i in range(200_000))
    started = time.perf_counter()
    for i in range(5_000):
        assert host_reach(f"*.d{i}.example.org", tenants) is None
    assert host_reach("*.tenants.example.com", tenants) == "tenant_suffix"
    assert host_reach("*.t7.tenants.example.com", tenants) == "tenant_suffix"
    assert host_reach("*.x.t7.tenants.example.com", tenants) is None
    deep = frozenset(f"*.*.t{i}.regions.example.com" for i in range(200_000))
    for i in range(5_000):
        assert host_reach(f"*.d{i}.example.org", deep) is None
    assert host_reach("*.r.t7.regions.example.com", deep) == "tenant_suffix"
    assert host_reach("*.x.r.t7.regions.example.com", deep) is None
    assert time.perf_counter() - started < 5


def test_a_second_termination_signal_does_not_interrupt_the_unwinding():
    """The first SIGTERM raises Terminated; a second one (a supervisor repeating it, SIGTERM
    then SIGHUP when the terminal closes) raised another Terminated in the middle of the
    ``finally`` blocks or of the command's own answer: 'Aborted!' with exit 1 (click's), or a
    temporary file left. Once ending, the command ignores them until it has ended."""
    import signal

    from netsep_check.errors import Terminated, restore_termination, trap_termination

    previous = trap_termination()
    try:
        with pytest.raises(Terminated) as caught:
            os.kill(os.getpid(), signal.SIGTERM)
            for _ in range(100):  # the handler runs between bytecodes
                pass
        assert caught.value.exit_code == 143
        os.kill(os.getpid(), signal.SIGTERM)  # ignored while unwinding: no second raise
        os.kill(os.getpid(), signal.SIGHUP)
        for _ in range(100):
            pass
    finally:
        restore_termination(previous)
    assert signal.getsignal(signal.SIGTERM) == signal.SIG_DFL
    assert signal.getsignal(signal.SIGHUP) == signal.SIG_DFL


def test_two_sigterms_at_once_end_a_parallel_batch_with_143(tmp_path):
    import signal
    import time

    # enough profiles that the batch still runs when the signals come (300 were judged
    # within 0.6 s on a quiet host: the batch ended first, exit 1, and nothing was tested)
    folder = _batch_folder(tmp_path, 1500)
    codes = []
    for attempt in range(6):
        proc = subprocess.Popen(
            [sys.executable, "-m", "netsep_check", "check", str(folder), "--jobs", "2",
             "--format", "json", "-o", str(tmp_path / "r.json")],
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, cwd=ROOT,
            env={**os.environ, "TMPDIR": str(tmp_path)})
        time.sleep(0.6 + 0.05 * attempt)
        for _ in range(5):
            if proc.poll() is None:
                os.kill(proc.pid, signal.SIGTERM)
            time.sleep(0.003)
        _, err = proc.communicate(timeout=60)
        codes.append(proc.returncode)
        assert "Aborted" not in err and "internal error" not in err, err
        assert err.strip() in ("terminated", "") or "report written" in err, err
    assert 143 in codes, codes
    left = [p.name for p in tmp_path.iterdir() if p.name.startswith(("netsep-check-spool", "."))]
    assert left == [], left


def test_the_korean_tenant_explanation_closes_its_example_before_the_next_sentence(
        run, tmp_path):
    """'(예: yesibank.sharepoint.com. 접미사 전체에 대한 ... 가리키지 않음)': a sentence inside
    the example's parentheses, ending in a note-style noun form amid 습니다 sentences."""
    from tests.test_review10 import _egress, _profile

    profile = _profile(tmp_path, ["yesibank.sharepoint.com", "teams.microsoft.com"])
    ko = _egress(run, profile, "attacker.sharepoint.com,1\n", tmp_path, lang="ko")["message"]
    assert "(예: yesibank.sharepoint.com). 접미사 전체에 대한 '*.' 와일드카드는 어느 테넌트도 " \
           "가리키지 않습니다" in ko


def test_a_tenant_wildcard_failure_names_the_suffix_it_reaches(tmp_path):
    """The failure named the whole parameter ('[sharepoint.com, workvivo.com, workvivo.us,
    workvivo.eu] (tenant_suffixes)') for *.workvivo.eu, and a pack of 200,000 suffixes put all
    of them in every such message (a 14 MB JSON report for one entry): it names the suffix."""
    import json

    import yaml

    profile = yaml.safe_load((ROOT / "examples/m365-compliant.yaml").read_text(encoding="utf-8"))
    control = profile["security_measures"]["network_link"]["internet_access_control"]
    control["allowed_destinations"] = ["*.workvivo.eu"]
    path = tmp_path / "p.yaml"
    path.write_text(yaml.safe_dump(profile, allow_unicode=True), encoding="utf-8")
    for lang in ("en", "ko"):
        done = _cli("check", str(path), "--format", "json", "--lang", lang)
        report = json.loads(done.stdout)
        (finding,) = [f for f in report["findings"] if f["rule_id"] == "NET-ALLOWED-DESTINATIONS"]
        assert finding["status"] == "fail"
        assert "workvivo.eu" in finding["message"] and "workvivo.us" not in finding["message"]
        assert "tenant_suffixes)" not in finding["message"]
