"""One run, one truth (issue 8): every format tells what the JSON says — invalid inputs, the
verdict, waivers per firm, baselines and diffs by finding, disabled rules."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from netsep_check.errors import EXIT_FAIL, EXIT_INPUT, EXIT_OK
from tests.conftest import EXAMPLES, variant

SIX = ("text", "json", "sarif", "junit", "markdown", "html")
BROKEN = "profile_version: 1\nfirm:\n  name: 깨진회사\n  sector: [not closed\n"


def _outputs(run, tmp_path: Path, *args: object, lang: str = "en") -> tuple[int, dict[str, str]]:
    pairs: list[object] = []
    for fmt in SIX:
        pairs += ["--format", fmt, "-o", tmp_path / f"out.{fmt}"]
    result = run("check", *args, *pairs, "--lang", lang, "--jobs", "1")
    return result.exit_code, {fmt: (tmp_path / f"out.{fmt}").read_text(encoding="utf-8")
                              for fmt in SIX if (tmp_path / f"out.{fmt}").exists()}


@pytest.fixture
def batch(tmp_path) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("pulse-compliant.yaml", "m365-noncompliant-scope.yaml"):
        variant(folder, name, name)
    (folder / "z-broken.yaml").write_text(BROKEN, encoding="utf-8")
    return folder


def test_an_invalid_profile_shows_in_all_six_formats_of_a_batch(run, tmp_path, batch):
    code, out = _outputs(run, tmp_path, batch)
    assert code == EXIT_INPUT and set(out) == set(SIX)
    broken = str(batch / "z-broken.yaml")
    for fmt, text in out.items():
        assert "z-broken.yaml" in text, fmt
    assert "3 profile(s) given, 2 judged, 1 invalid" in out["html"]
    assert "3 profile(s) given, 2 judged, 1 invalid" in out["markdown"]
    assert "3 profile(s) given, 2 judged, 1 invalid" in out["text"]
    document = json.loads(out["json"])
    assert [i["file"] for i in document["invalid"]] == [broken]
    assert document["summary"]["invalid"] == 1 and document["summary"]["exit_code"] == 2
    sarif = json.loads(out["sarif"])
    located = [r for run_ in sarif["runs"] for r in run_["results"]
               if r["ruleId"] == "INPUT-INVALID"]
    assert len(located) == 1 and located[0]["level"] == "error"
    region = located[0]["locations"][0]["physicalLocation"]["region"]
    assert region["startLine"] == document["invalid"][0]["problems"][0]["line"]
    junit = ET.fromstring(out["junit"])
    errors = [case for case in junit.iter("testcase") if case.get("name") == "INPUT-INVALID"]
    assert len(errors) == 1 and errors[0].find("error") is not None


@pytest.mark.parametrize("fmt", ["html", "sarif", "junit", "markdown"])
def test_a_single_invalid_profile_still_writes_its_output_saying_why(run, tmp_path, fmt):
    bad = tmp_path / "bad.yaml"
    bad.write_text(BROKEN, encoding="utf-8")
    out = tmp_path / f"report.{fmt}"
    result = run("check", bad, "--format", fmt, "-o", out, "--lang", "en")
    assert result.exit_code == EXIT_INPUT
    text = out.read_text(encoding="utf-8")
    assert "bad.yaml" in text and ("invalid" in text.lower() or "INPUT-INVALID" in text)


@pytest.fixture
def error_only(tmp_path) -> Path:
    """A firm rule that cannot be judged on the compliant example (an optional field absent),
    so the only failing finding is an error."""
    folder = tmp_path / "rules"
    folder.mkdir()
    (folder / "firm.yaml").write_text("""\
rules:
  - id: FIRM-STARTED
    area: governance
    severity: low
    title: {ko: 이용 개시일 기재, en: The start of use is recorded}
    rationale: {ko: 내부 기준입니다., en: Our own baseline.}
    remediation: {ko: usage.started_on을 기재하십시오., en: Record usage.started_on.}
    basis: {source: "firm directive", clause: "internal", strength: derived}
    check: {date_le: {path: usage.started_on, value: {as_of: 0}}}
""", encoding="utf-8")
    return folder


def test_an_error_only_run_reads_undetermined_in_every_format(run, tmp_path, error_only):
    profile = variant(tmp_path, "m365-compliant.yaml", "m.yaml")
    code, out = _outputs(run, tmp_path, profile, "--policy", error_only)
    assert code == EXIT_FAIL  # an error is failing: documented exit 1
    assert json.loads(out["json"])["summary"]["verdict"] == "undetermined"
    for fmt in ("text", "markdown", "html"):
        assert "UNDETERMINED" in out[fmt], fmt
        assert "NOT COMPLIANT" not in out[fmt] and "COMPLIANT: no failing" not in out[fmt], fmt
    sarif = json.loads(out["sarif"])
    assert {r["properties"]["netsepCheck"]["verdict"] for r in sarif["runs"]} == {"undetermined"}
    junit = ET.fromstring(out["junit"])
    verdicts = [p.get("value") for p in junit.iter("property") if p.get("name") == "verdict"]
    assert verdicts == ["undetermined"]
    assert [c.find("error") is not None for c in junit.iter("testcase")
            if c.get("name", "").startswith("FIRM-STARTED")] == [True]


# --- baselines and diffs compare findings, not rules ---------------------------------------

@pytest.fixture
def one_more_product(tmp_path) -> Path:
    """m365-noncompliant-scope (copilot outside the scope) with a second unapproved product."""
    return variant(tmp_path, "m365-noncompliant-scope.yaml", "m365-noncompliant-scope.yaml",
                   ("saas_products: [exchange_online, sharepoint_online, onedrive, teams, copilot]",
                    "saas_products: [exchange_online, sharepoint_online, onedrive, teams, copilot, "
                    "power_automate]"))


def test_a_new_element_of_a_failing_rule_is_a_new_failure_for_diff(run, one_more_product):
    base = EXAMPLES / "m365-noncompliant-scope.yaml"
    result = run("diff", base, one_more_product, "--format", "json", "--lang", "en",
                 "--no-evidence-check")
    assert result.exit_code == EXIT_FAIL, result.stdout
    document = json.loads(result.stdout)
    new = {c["rule_id"]: c for c in document["newly_failing"]}
    assert "SCOPE-PRODUCTS" in new
    assert {"path": "usage.saas_products[]", "value": "power_automate"} in new["SCOPE-PRODUCTS"]["new"]
    same = run("diff", base, base, "--no-evidence-check")
    assert same.exit_code == EXIT_OK


def test_a_new_element_of_a_failing_rule_trips_a_baseline(run, tmp_path, one_more_product):
    baseline = tmp_path / "baseline.json"
    run("check", EXAMPLES / "m365-noncompliant-scope.yaml", "--format", "json", "-o", baseline)
    again = run("check", EXAMPLES / "m365-noncompliant-scope.yaml", "--baseline", baseline)
    assert again.exit_code == EXIT_OK  # nothing new
    worse = run("check", one_more_product, "--baseline", baseline, "--format", "json",
                "--lang", "en", "--no-evidence-check")
    assert worse.exit_code == EXIT_FAIL
    findings = {f["rule_id"]: f for f in json.loads(worse.stdout)["findings"]}
    assert findings["SCOPE-PRODUCTS"]["status"] == "fail"
    assert not findings["SCOPE-PRODUCTS"]["known"]  # a new element: not excused
    assert findings["SCOPE-TASKS"]["known"]  # the same elements as before: excused


def test_diff_reads_standard_input_once(run, tmp_path):
    profile = EXAMPLES / "m365-noncompliant-scope.yaml"
    result = run("diff", "-", profile, "--no-evidence-check", "--lang", "en",
                 input=profile.read_text(encoding="utf-8"))
    assert result.exit_code == EXIT_OK, result.stderr + result.stdout
    assert "NO NEW FAILURE" in result.stdout


# --- waivers are scoped to a firm -----------------------------------------------------------

@pytest.fixture
def two_firms(tmp_path) -> list[Path]:
    """Two firms with the same log-retention gap."""
    ours = variant(tmp_path, "pulse-noncompliant-controls.yaml", "a.yaml")
    theirs = variant(tmp_path, "pulse-noncompliant-controls.yaml", "b.yaml",
                     ("name: 예시증권", "name: 다른증권"))
    return [ours, theirs]


def test_a_waiver_for_one_firm_excuses_only_that_firm(run, two_firms):
    result = run("check", *two_firms, "--waivers", EXAMPLES / "waivers.yaml", "--format",
                 "json", "--jobs", "1")
    reports = {r["profile"]["firm"]: r for r in json.loads(result.stdout)["reports"]}
    status = {firm: {f["rule_id"]: f["status"] for f in r["findings"]}["SAAS-LOG-RETENTION"]
              for firm, r in reports.items()}
    assert status == {"예시증권": "waived", "다른증권": "fail"}


def test_a_waiver_without_firm_in_a_batch_is_an_input_error(run, tmp_path, two_firms):
    text = (EXAMPLES / "waivers.yaml").read_text(encoding="utf-8")
    waivers = tmp_path / "w.yaml"
    waivers.write_text(re.sub(r"\n    firm: .*", "", text), encoding="utf-8")
    result = run("check", *two_firms, "--waivers", waivers, "--lang", "en")
    assert result.exit_code == EXIT_INPUT
    assert "names no firm" in result.stderr
    single = run("check", two_firms[0], "--waivers", waivers)  # one profile: unambiguous
    assert single.exit_code in (EXIT_OK, EXIT_FAIL)


# --- a disabled rule shows in every format --------------------------------------------------

def test_a_disabled_rule_shows_in_every_format(run, tmp_path):
    profile = variant(tmp_path, "m365-compliant.yaml", "m.yaml")
    _, out = _outputs(run, tmp_path, profile, "--pack", EXAMPLES / "custom-pack")
    for fmt, text in out.items():
        assert "SAAS-UPLOAD-SCAN-CURRENT" in text, fmt
    sarif = json.loads(out["sarif"])
    rules = [r for run_ in sarif["runs"] for r in run_["tool"]["driver"]["rules"]
             if r["id"] == "SAAS-UPLOAD-SCAN-CURRENT"]
    assert rules and rules[0]["defaultConfiguration"]["enabled"] is False
    junit = ET.fromstring(out["junit"])
    cases = [c for c in junit.iter("testcase") if c.get("name", "").startswith(
        "SAAS-UPLOAD-SCAN-CURRENT")]
    assert cases and cases[0].find("skipped") is not None


def test_an_assumption_a_pass_rests_on_is_said_in_a_note(run, tmp_path):
    """PROV-COVERS-PRODUCTS takes an evaluation that names no products to cover them all:
    the report says so rather than pass silently (issue 9)."""
    silent = "names no products"
    bare = run("check", EXAMPLES / "m365-compliant.yaml", "--format", "json", "--lang", "en")
    assert any(silent in note for note in json.loads(bare.stdout)["notes"])
    listed = variant(tmp_path, "m365-compliant.yaml", "m.yaml",
                     ("result: suitable", "result: suitable\n      products: "
                      "[exchange_online, sharepoint_online, onedrive, teams]"))
    named = run("check", listed, "--format", "json", "--lang", "en")
    document = json.loads(named.stdout)
    assert not any(silent in note for note in document["notes"])
    assert {f["rule_id"]: f["status"] for f in document["findings"]}[
        "PROV-COVERS-PRODUCTS"] == "pass"


def test_a_rule_that_cannot_be_judged_fails_the_run_whatever_fail_on(run, tmp_path, error_only):
    profile = variant(tmp_path, "m365-compliant.yaml", "m.yaml")
    result = run("check", profile, "--policy", error_only, "--fail-on", "critical",
                 "--format", "json")
    assert result.exit_code == EXIT_FAIL  # undetermined is never read as compliant
    assert json.loads(result.stdout)["summary"]["verdict"] == "undetermined"


@pytest.mark.parametrize("fmt", ["oscal-ar", "oscal-poam", "committee"])
def test_the_other_formats_never_crash_on_invalid_or_undetermined(run, tmp_path, fmt,
                                                                  error_only):
    bad = tmp_path / "bad.yaml"
    bad.write_text(BROKEN, encoding="utf-8")
    out = tmp_path / "out"
    alone = run("check", bad, "--format", fmt, "-o", out, "--lang", "en")
    assert alone.exit_code == EXIT_INPUT and "bad.yaml" in alone.stderr
    profile = variant(tmp_path, "m365-compliant.yaml", "m.yaml")
    undetermined = run("check", profile, "--policy", error_only, "--format", fmt, "-o", out)
    assert undetermined.exit_code == EXIT_FAIL and out.read_text(encoding="utf-8").strip()
    if fmt != "committee":
        mixed = run("check", bad, profile, "--format", fmt, "-o", out, "--lang", "en",
                    "--jobs", "1")
        assert mixed.exit_code == EXIT_INPUT and "bad.yaml" in out.read_text(encoding="utf-8")


def test_a_provider_recorded_twice_is_an_input_error(run, tmp_path):
    """A second record of the same provider (one suitable, one not) must not let a rule pick
    the good one: found by a cold review as a false green."""
    profile = variant(tmp_path, "m365-compliant.yaml", "dup.yaml", (
        "security_measures:",
        "  - id: microsoft\n    name: Microsoft Corporation\n    security_evaluation:\n"
        "      evaluator: fsi\n      result: unsuitable\n      kind: periodic\n"
        "      evaluated_on: 2025-01-10\nsecurity_measures:"))
    result = run("check", profile, "--lang", "en")
    assert result.exit_code == EXIT_INPUT and "recorded twice" in result.stderr


def test_notes_are_in_sarif_and_junit_too(run, tmp_path):
    """Every report's notes (here: evidence not verified) are in SARIF (tool notifications)
    and JUnit (system-out), as in the other formats."""
    profile = variant(tmp_path, "m365-compliant.yaml", "m.yaml")
    _, out = _outputs(run, tmp_path, profile, "--no-evidence-check")
    for fmt in ("text", "json", "sarif", "junit", "markdown", "html"):
        assert "not verified" in out[fmt], fmt
    sarif = json.loads(out["sarif"])
    said = [n["message"]["text"] for r in sarif["runs"] for i in r.get("invocations", [])
            for n in i.get("toolExecutionNotifications", [])]
    assert any("not verified" in text for text in said)


def test_a_parameter_a_firm_pack_changed_is_said_in_every_report(run, tmp_path):
    """A firm's pack that changes a waivable parameter (here log retention, 365 → 1095 days;
    1 day would loosen it) is not silent: every report names the change (cold review F1)."""
    profile = variant(tmp_path, "m365-compliant.yaml", "m.yaml")
    _, out = _outputs(run, tmp_path, profile, "--pack", EXAMPLES / "custom-pack")
    for fmt in SIX:
        text = out[fmt].replace("\\_", "_")  # Markdown escapes underscores
        assert "log_retention_days" in text and "1095" in text, fmt


def test_why_a_rule_cannot_be_judged_is_said_in_the_readers_language(run, tmp_path, error_only):
    """An error leaf carries its reason as data; the words are made in the report's language."""
    profile = variant(tmp_path, "m365-compliant.yaml", "m.yaml")
    korean = run("check", profile, "--policy", error_only, "--format", "json")
    english = run("check", profile, "--policy", error_only, "--format", "json", "--lang", "en")

    def leaf(result):
        report = json.loads(result.stdout)
        (finding,) = [f for f in report["findings"] if f["rule_id"] == "FIRM-STARTED"]
        assert finding["status"] == "error"
        return finding
    ko, en = leaf(korean), leaf(english)
    assert "프로파일에 usage.started_on이(가) 없습니다" in json.dumps(ko, ensure_ascii=False)
    assert "is not in the profile" not in json.dumps(ko, ensure_ascii=False)
    assert "usage.started_on is not in the profile" in json.dumps(en)
    assert ko["failures"][0]["code"] == en["failures"][0]["code"] == "eval_missing"
