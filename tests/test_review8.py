"""Review 8 (red team of 6881257, the fused text-list and uniqueItems checks): cases found by
running the installed ``netsep-check`` as a subprocess on copies of the examples.

Line numbers are those an editor, ``grep -n`` and the JSON path show: lines end at LF, CR LF
or CR only. YAML 1.1 (libyaml) also ends a line at NEL (U+0085), LS (U+2028) and PS (U+2029),
so before this review every position after such a character in a YAML text (or in a JSON text
read by the YAML builder for a repeated key) stood one line further down per character."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import copy_evidence

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
_ODD = "\u2028\u0085\u2029"  # three characters YAML 1.1 takes for line breaks, no editor does


def _command() -> list[str]:
    found = shutil.which("netsep-check", path=str(Path(sys.executable).parent))
    return [found] if found else [sys.executable, "-m", "netsep_check"]


def _check(path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*_command(), "check", str(path), "--lang", "en", *args],
                          capture_output=True, text=True, timeout=60, cwd=path.parent)


def _example(name: str) -> str:
    return (EXAMPLES / name).read_text(encoding="utf-8")


def _at(path: Path, needle: str) -> tuple[int, int]:
    """The editor's line (lines end at LF, CR LF, CR) and column of ``needle``'s first
    occurrence."""
    text = path.read_bytes().decode("utf-8")
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return next((i, line.index(needle) + 1) for i, line in enumerate(lines, 1)
                if needle in line)


def _line_of(path: Path, needle: str) -> int:
    return _at(path, needle)[0]


def _failing_egress(profile: Path, log: Path) -> dict[str, Any]:
    """The EGRESS-DESTINATIONS finding of a check of ``profile`` with ``log``, which must
    fail it (exit 1)."""
    result = _check(profile, "--egress-log", str(log), "--format", "json")
    assert result.returncode == 1, result.stderr
    (egress,) = [f for f in json.loads(result.stdout)["findings"]
                 if f["rule_id"] == "EGRESS-DESTINATIONS"]
    assert egress["status"] == "fail"
    return egress


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_bytes(text.encode("utf-8"))
    copy_evidence(folder)
    return path


_TASKS = "tasks: [email, calendar, messaging, video_meeting, document_collaboration]\n  data"


def test_yaml_error_line_after_a_line_separator_in_a_value(tmp_path):
    # netsep-check check p.yaml: "p.yaml:35:28: usage.tasks[2]: expected text" for a value
    # on line 32 (the firm's name holds LS, NEL and PS)
    text = (_example("m365-compliant.yaml")
            .replace("  name: 예시은행", f'  name: "예시{_ODD}은행"')
            .replace(_TASKS, "tasks: [email, calendar, 12345, video_meeting, "
                             "document_collaboration]\n  data"))
    path = _write(tmp_path, "p.yaml", text)
    result = _check(path, "--no-evidence-check")
    assert result.returncode == 2, result.stderr
    line = _line_of(path, "12345")
    assert _at(path, "12345")[1] == 28
    assert f"p.yaml:{line}:28: usage.tasks[2]: expected text" in result.stderr, result.stderr


@pytest.mark.parametrize("brk", ["\n", "\r\n", "\r"])
def test_yaml_column_after_a_line_separator_on_the_same_line(tmp_path, brk):
    # an LS inside a flow list: the item after it stands on the same editor line, further right
    text = (_example("m365-compliant.yaml")
            .replace(_TASKS, 'tasks: [email, "cal\u2028endar", 12345, video_meeting, '
                             'document_collaboration]\n  data')).replace("\n", brk)
    path = _write(tmp_path, "p.yaml", text)
    result = _check(path, "--no-evidence-check")
    assert result.returncode == 2, result.stderr
    line, column = _at(path, "12345")
    assert column == 31
    assert f"p.yaml:{line}:{column}: usage.tasks[2]: expected text" in result.stderr, \
        result.stderr


def _refused_after_odd_breaks(tmp_path: Path, added: str) -> tuple[Path, str]:
    """The example with NEL, LS and PS in its firm name and ``added`` after its
    ``extended: false`` line, refused (exit 2): the file and the error output."""
    text = (_example("m365-compliant.yaml")
            .replace("  name: 예시은행", f'  name: "예시{_ODD}은행"')
            .replace("  extended: false\n", "  extended: false\n" + added))
    path = _write(tmp_path, "p.yaml", text)
    result = _check(path, "--no-evidence-check")
    assert result.returncode == 2, result.stderr
    return path, result.stderr


def test_yaml_duplicate_key_lines_after_a_line_separator(tmp_path):
    # "p.yaml:28:3: duplicate key 'extended' (first defined on line 27)" for lines 25 and 24
    path, stderr = _refused_after_odd_breaks(tmp_path, "  extended: true\n")
    first, second = _line_of(path, "extended: false"), _line_of(path, "extended: true")
    assert (f"p.yaml:{second}:3: duplicate key 'extended' (first defined on line {first})"
            in stderr), stderr


def test_yaml_syntax_error_line_after_a_line_separator(tmp_path):
    path, stderr = _refused_after_odd_breaks(tmp_path, "  - bad\n")
    line = _line_of(path, "- bad")
    assert f"p.yaml:{line}:3: YAML syntax error" in stderr, stderr


def test_json_duplicate_key_line_after_a_literal_line_separator(tmp_path):
    # JSON allows LS, NEL and PS unescaped inside a text; the repeated key is named by the YAML
    # builder, which counted them as line breaks ("line 78" for a key on line 75)
    from netsep_check.load import load_document

    data = load_document(EXAMPLES / "m365-compliant.yaml").data
    data["firm"]["name"] = f"예시{_ODD}은행"
    text = json.dumps(data, ensure_ascii=False, indent=1).replace(
        '"result": "suitable"', '"result": "suitable", "result": "unsuitable"')
    path = _write(tmp_path, "p.json", text)
    result = _check(path, "--no-evidence-check")
    assert result.returncode == 2, result.stderr
    line = _line_of(path, '"result": "unsuitable"')
    assert f"p.json:{line}:27: duplicate key 'result' (first defined on line {line})" \
        in result.stderr, result.stderr


def test_finding_lines_of_a_yaml_profile_with_a_line_separator(tmp_path):
    # the report's finding lines (json "line") must not move when a name holds LS/NEL/PS:
    # the same profile without them gives the lines an editor shows for both
    plain = _write(tmp_path, "plain.yaml", _example("m365-noncompliant-scope.yaml"))
    odd = _write(tmp_path, "odd.yaml", _example("m365-noncompliant-scope.yaml").replace(
        "  name: ", f'  name: "{_ODD}" #', 1))

    def lines(path: Path) -> dict[str, tuple[int, int]]:
        result = _check(path, "--format", "json")
        assert result.returncode == 1, result.stderr
        return {f["rule_id"]: (f["line"], f["column"])
                for f in json.loads(result.stdout)["findings"]}

    got, want = lines(odd), lines(plain)
    assert got == want


def _limited() -> None:  # the brief's bound: at most 1 GiB of address space
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))


def _long_name(tmp_path: Path, name_text: str) -> Path:
    # a firm name of some 15 MB, quoted; the file stays under the 16 MiB limit
    return _write(tmp_path, "p.yaml", _example("m365-compliant.yaml").replace(
        "  name: 예시은행", f'  name: "{name_text}"'))


def test_a_firm_name_of_millions_of_lines_is_refused_at_once(tmp_path):
    # netsep-check check p.yaml (text format): rich laid out each of 5,000,000 lines of the
    # name in the heading; over 1 GiB, MemoryError, exit 3 ("a bug in netsep-check"). Since
    # 2026-12-01 a firm's name is at most 300 characters: refused, naming the field
    path = _long_name(tmp_path, "예시" + "x\\n" * 5_000_000)
    result = subprocess.run([*_command(), "check", str(path), "--lang", "en",
                             "--no-evidence-check"], capture_output=True, text=True,
                            timeout=60, cwd=tmp_path, preexec_fn=_limited)
    assert result.returncode == 2, result.stderr[-2000:]
    assert "firm.name: must be at most 300 characters" in result.stderr


def _named(result: Any, name: str) -> Any:
    """``result`` with every report's firm named ``name`` (what a report read back, or a
    caller of the library, could hold: the renderers stay bounded whatever the name)."""
    import dataclasses

    reports = tuple(dataclasses.replace(r, firm=name) for r in result.reports)
    return dataclasses.replace(result, reports=reports)


def test_text_report_of_a_firm_name_of_millions_of_lines_is_bounded():
    from netsep_check.api import Options, run
    from netsep_check.report import renderer

    result = _named(run([EXAMPLES / "m365-compliant.yaml"], Options(verify_evidence=False)),
                    "예시" + "x\n" * 5_000_000)
    text = renderer("text")(result, "en")
    assert text.startswith("netsep-check — 예시x x x")
    assert "…" in "".join(text.splitlines()[:10])  # the name is cut in the heading
    assert len(text) < 200_000
    assert "COMPLIANT" in text


def test_oscal_report_of_a_long_firm_name_takes_seconds():
    # every observation hashed the key holding the firm's name into its UUID, and folded the
    # name into a prop again: an 11 MB name took 25 s (16 MiB: more than 35 s)
    import time

    from netsep_check.api import Options, run
    from netsep_check.report import renderer

    result = _named(run([EXAMPLES / "m365-compliant.yaml"], Options(verify_evidence=False)),
                    "가나 " * 1_500_000)
    for form in ("oscal-ar", "oscal-poam"):
        start = time.process_time()
        document = json.loads(renderer(form)(result, "en"))
        took = time.process_time() - start
        assert took < 12, (form, took)
        assert document


def test_sarif_notifications_of_an_invalid_profile_each_stand_at_their_own_line(tmp_path):
    # netsep-check check p.yaml --format sarif: every toolExecutionNotification of an invalid
    # input carried the region of its first problem (32:18 for a problem at 32:25), and the
    # run of invalid inputs had no columnKind, so SARIF's default (UTF-16 code units) read
    # the code-point columns one off after an emoji
    text = _example("m365-compliant.yaml").replace(
        _TASKS, 'tasks: [email, "한국😀", 12345, video_meeting, document_collaboration]\n  data')
    path = _write(tmp_path, "p.yaml", text)
    result = _check(path, "--no-evidence-check", "--format", "sarif")
    assert result.returncode == 2, result.stderr
    (run,) = json.loads(result.stdout)["runs"]
    assert run["columnKind"] == "unicodeCodePoints"
    notes = run["invocations"][0]["toolExecutionNotifications"]
    regions = {n["message"]["text"].split(": ")[1]: n["locations"][0]["physicalLocation"]["region"]
               for n in notes}
    line = _line_of(path, "12345")
    assert regions["usage.tasks[1]"] == {"startLine": line, "startColumn": _at(path, '"한국')[1]}
    assert regions["usage.tasks[2]"] == {"startLine": line, "startColumn": _at(path, "12345")[1]}


def test_a_cr_only_squid_log_is_read_line_by_line(tmp_path):
    # FALSE GREEN: netsep-check check m365-compliant.yaml --egress-log access.log, with the
    # example log saved with CR-only line endings (6 requests, 2 to destinations neither
    # allowed nor of an approved product): read as one line, it "passed" with "all 1 requests
    # went to allowed destinations" and exit 0
    profile = _write(tmp_path, "p.yaml", _example("m365-compliant.yaml"))
    lines = (EXAMPLES / "tenant" / "proxy-access.log").read_text(encoding="utf-8").splitlines()
    log = tmp_path / "access.log"
    log.write_bytes(("\r".join(lines) + "\r").encode("utf-8"))
    egress = _failing_egress(profile, log)
    assert "(2 of 6 requests" in egress["message"]


def test_line_breaks_across_read_blocks(tmp_path):
    # the log is read in 1 MiB blocks: a CR ending one block and the LF opening the next are
    # one line break, not an empty line between (the line count names lines in errors); a
    # CR-only log of 15,000 lines is 15,000 lines (main: one line, one request)
    from netsep_check.facts.egress import read_egress

    record = ("1778000000.101    230 10.20.1.15 TCP_TUNNEL/200 5231 CONNECT {}:443 - "
              "HIER_DIRECT/20.190.1.1 -")
    for shift in range(200):
        lines = [record.format("login.microsoftonline.com") + " " * shift,
                 *(record.format("evil.example.com" if i % 1000 == 0 else
                                 "login.microsoftonline.com") for i in range(1, 15_000))]
        data = ("\r\n".join(lines) + "\r\n").encode()
        if data[(1 << 20) - 1:1 << 20] == b"\r":
            break
    else:
        pytest.fail("no padding puts a CR at the block's end")
    log = tmp_path / "access.log"
    log.write_bytes(data)
    summary = read_egress(log, lambda host: host != "evil.example.com")
    assert (summary.lines, summary.requests, summary.unparsed) == (15_000, 15_000, 0)
    assert summary.unaccepted == (("evil.example.com", 14),)
    log.write_bytes(data.replace(b"\r\n", b"\r"))
    summary = read_egress(log, lambda host: host != "evil.example.com")
    assert (summary.lines, summary.requests, summary.unparsed) == (15_000, 15_000, 0)
    assert summary.unaccepted == (("evil.example.com", 14),)


def test_a_url_hiding_its_host_behind_a_fragment_or_backslash_is_not_allowed(tmp_path):
    # FALSE GREEN: a proxy log whose only other requests went to evil.example.com, written
    # "http://evil.example.com#@login.microsoftonline.com/" (the authority ends at "#"; a
    # browser reads "\" as "/"), was read as login.microsoftonline.com: "all 3 requests went
    # to allowed destinations", exit 0
    profile = _write(tmp_path, "p.yaml", _example("m365-compliant.yaml"))
    allowed = next(line for line in (EXAMPLES / "tenant" / "proxy-access.log").read_text(
        encoding="utf-8").splitlines() if "CONNECT login.microsoftonline.com:443" in line)
    tricks = ["GET http://evil.example.com#@login.microsoftonline.com/x",
              "GET http://evil.example.com\\@login.microsoftonline.com/x"]
    log = tmp_path / "access.log"
    log.write_text("\n".join([allowed, *(allowed.replace(
        "CONNECT login.microsoftonline.com:443", trick) for trick in tricks)]) + "\n",
        encoding="utf-8")
    egress = _failing_egress(profile, log)
    assert "evil.example.com (2)" in egress["message"]


def test_a_csv_egress_log_with_a_utf8_bom_names_its_first_host(tmp_path):
    # Excel's "CSV UTF-8" opens with a byte-order mark: the first row's host (500 requests to
    # evil.example.com) was "1 of 2 lines named no destination", the host never named
    profile = _write(tmp_path, "p.yaml", _example("m365-compliant.yaml"))
    log = tmp_path / "egress.csv"
    log.write_bytes(b"\xef\xbb\xbfevil.example.com,500\nlogin.microsoftonline.com,3\n")
    egress = _failing_egress(profile, log)
    assert "evil.example.com (500)" in egress["message"]
