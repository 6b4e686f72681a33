"""The command line: every exit code, stdout for reports and stderr for everything else."""

from __future__ import annotations

import json
import subprocess
import sys

import jsonschema
import yaml

from netsep_check.errors import EXIT_FAIL, EXIT_INPUT, EXIT_INTERNAL, EXIT_OK


def test_exit_0_compliant(run, examples):
    result = run("check", examples / "m365-compliant.yaml", "--lang", "en")
    assert result.exit_code == EXIT_OK
    assert "COMPLIANT" in result.stdout and result.stderr == ""


def test_exit_1_failing(run, examples):
    result = run("check", examples / "m365-noncompliant-scope.yaml", "--lang", "en")
    assert result.exit_code == EXIT_FAIL
    assert "SCOPE-PRODUCTS" in result.stdout and "NOT COMPLIANT" in result.stdout


def test_exit_2_invalid_profile_with_location_and_no_traceback(run, tmp_path, examples):
    text = (examples / "m365-compliant.yaml").read_text(encoding="utf-8")
    bad = tmp_path / "bad.yaml"
    bad.write_text(text.replace("sector: bank", "sector: bakery"), encoding="utf-8")
    result = run("check", bad)
    assert result.exit_code == EXIT_INPUT
    assert "UNDETERMINED" in run("check", bad, "--lang", "en").stdout  # no verdict read as green
    assert f"{bad}:" in result.stderr and "firm.sector" in result.stderr
    assert "Traceback" not in result.stderr


def test_exit_2_usage(run, examples):
    assert run("check", examples / "m365-compliant.yaml", "--lang", "fr").exit_code == EXIT_INPUT
    assert run("check", examples / "m365-compliant.yaml",
               "--as-of", "2025-02-30").exit_code == EXIT_INPUT
    assert run("check", examples / "m365-compliant.yaml",
               "--pack", "no-such-pack").exit_code == EXIT_INPUT
    assert run("check").exit_code == EXIT_INPUT


def test_exit_2_bad_rules(run, tmp_path, examples):
    folder = tmp_path / "rules"
    folder.mkdir()
    (folder / "r.yaml").write_text("rules:\n  - id: X\n", encoding="utf-8")
    result = run("check", examples / "m365-compliant.yaml", "--policy", folder)
    assert result.exit_code == EXIT_INPUT and "r.yaml:2" in result.stderr


def test_exit_3_internal_error(run, examples, monkeypatch):
    import netsep_check.api as api

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(api, "evaluate", broken)
    result = run("check", examples / "m365-compliant.yaml")
    assert result.exit_code == EXIT_INTERNAL
    assert "internal error" in result.stderr and "bug in netsep-check" in result.stderr
    assert "Traceback" not in result.stderr


def test_output_file_and_stderr_note(run, tmp_path, examples):
    out = tmp_path / "r.json"
    result = run("check", examples / "pulse-compliant.yaml", "--format", "json", "-o", out)
    assert result.exit_code == EXIT_OK and result.stdout == ""
    assert json.loads(out.read_text(encoding="utf-8"))["summary"]["verdict"] == "pass"


def test_json_report_is_valid_and_byte_identical(run, examples):
    from netsep_check.validate.schema_errors import packaged_schema

    first = run("check", examples / "pulse-noncompliant-controls.yaml", "--format", "json").stdout
    second = run("check", examples / "pulse-noncompliant-controls.yaml", "--format", "json").stdout
    assert first == second
    document = json.loads(first)
    jsonschema.Draft202012Validator(packaged_schema("report")).validate(document)
    finding = next(f for f in document["findings"] if f["rule_id"] == "SAAS-LOG-RETENTION")
    assert finding["status"] == "fail" and finding["actual"] == 180 and finding["expected"] == 365
    assert finding["paths"] == ["security_measures.saas_management.audit_logging.retention_days"]
    assert finding["title"]["ko"] and finding["title"]["en"]


def test_lang_switches_report_language(run, examples):
    ko = run("check", examples / "m365-noncompliant-scope.yaml", "--lang", "ko").stdout
    en = run("check", examples / "m365-noncompliant-scope.yaml", "--lang", "en").stdout
    assert "부적합" in ko and "NOT COMPLIANT" in en


def test_validate(run, examples, tmp_path):
    assert run("validate", examples / "m365-compliant.yaml").exit_code == EXIT_OK
    bad = tmp_path / "bad.yaml"
    bad.write_text("profile_version: 1\n", encoding="utf-8")
    result = run("validate", "--lang", "en", bad)
    assert result.exit_code == EXIT_INPUT and "missing required key 'firm'" in result.stderr


def test_schemas_print_valid_json_schemas(run):
    for name in ("profile", "rules", "pack", "report"):
        result = run("schema", name)
        assert result.exit_code == EXIT_OK
        jsonschema.Draft202012Validator.check_schema(json.loads(result.stdout))


def test_init_template_validates_and_lists_every_control(run, tmp_path):
    for service in ("m365", "pulse"):
        out = tmp_path / f"{service}.yaml"
        assert run("init", "--service", service, "-o", out).exit_code == EXIT_OK
        result = run("validate", out)  # placeholders are not facts: every one is named
        assert result.exit_code == EXIT_INPUT
        for field in ("firm.name", "assessment.prepared_by", "designation.number", "evidence[0].title"):
            assert field in result.stderr, field
        data = yaml.safe_load(out.read_text(encoding="utf-8"))
        assert len(data["security_measures"]["saas_management"]) == 10
        assert run("init", "--service", service, "-o", out).exit_code == EXIT_INPUT  # no overwrite


def test_init_standing_exception_template_is_complete(run, tmp_path):
    out = tmp_path / "standing.yaml"
    assert run("init", "--regime", "standing_exception", "-o", out).exit_code == EXIT_OK
    assert run("validate", out).exit_code == EXIT_INPUT  # placeholders until filled in
    text = out.read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    assert data["regime"] == "standing_exception" and "designation" not in data
    assert len(data["security_measures"]["saas_management"]) == 10
    assert {"measures_plan", "risk_assessment", "self_assessment"} <= set(data["governance"])
    filled = (text.replace("회사명 / Firm name", "예시카드").replace("작성 부서 / Prepared by", "정보보호팀")
              .replace("TODO 승인 주체 / approver", "정보보호위원회")
              .replace("TODO 증빙 자료 제목 / evidence title", "증빙 묶음"))
    out.write_text(filled, encoding="utf-8")
    assert run("validate", out).exit_code == EXIT_OK
    assert run("init", "-o", tmp_path / "x.yaml").exit_code != EXIT_OK  # sandbox needs --service


def test_rules_and_explain(run):
    listing = run("rules", "--pack", "standing-exception-2026", "--format", "json").stdout
    ids = [rule["id"] for rule in json.loads(listing)["rules"]]
    assert "SE-DATA-CREDIT" in ids and "PROV-RATED" in ids
    text = run("explain", "SCOPE-TASKS", "--lang", "en").stdout
    assert "What is checked: for every item used of usage.tasks" in text
    assert "Failing example" in text and "Passing example" in text
    assert run("explain", "NOPE-1").exit_code == EXIT_INPUT


def test_policy_lint_and_test(run, examples, tmp_path):
    assert run("policy", "lint", "policies/sandbox-2024").exit_code == EXIT_OK
    assert run("policy", "test", examples / "custom-pack").exit_code == EXIT_OK
    folder = tmp_path / "rules"
    folder.mkdir()
    (folder / "r.yaml").write_text(
        (examples / "custom-pack" / "rules.yaml").read_text(encoding="utf-8").replace(
            "encryption_in_transit.min_tls_version", "encryption_in_transit.min_tls_versoin"),
        encoding="utf-8")
    lint = run("policy", "lint", folder)
    assert lint.exit_code == EXIT_INPUT
    assert "YB-TLS-13" in lint.stderr and "did you mean 'min_tls_version'" in lint.stderr
    (folder / "r.yaml").write_text(
        (examples / "custom-pack" / "rules.yaml").read_text(encoding="utf-8").replace(
            "{name: tls 1.2, expect: fail}", "{name: tls 1.2, expect: pass}"), encoding="utf-8")
    tested = run("policy", "test", folder)
    assert tested.exit_code == EXIT_FAIL and "FAIL YB-TLS-13 [tls 1.2]" in tested.stdout


def test_custom_pack_effect_shows_in_report(run, examples):
    result = run("check", "--pack", examples / "custom-pack", examples / "m365-compliant.yaml",
                 "--format", "json")
    document = json.loads(result.stdout)
    assert document["pack"]["extends"] == "sandbox-2024"
    assert document["pack"]["parameters"]["log_retention_days"] == 1095
    failing = {f["rule_id"] for f in document["findings"] if f["status"] == "fail"}
    assert failing == {"SAAS-LOG-RETENTION", "YB-TLS-13"}
    assert document["pack"]["disabled"][0]["rule"] == "SAAS-UPLOAD-SCAN-CURRENT"


def test_python_dash_m_and_version():
    done = subprocess.run([sys.executable, "-m", "netsep_check", "--version"],
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0 and "netsep-check" in done.stdout
