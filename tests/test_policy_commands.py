"""``policy test`` and ``policy lint``: never a pass on nothing, relative folders like absolute
ones, a copied pack that still tests, and folders that hold several packs."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from netsep_check.errors import EXIT_FAIL, EXIT_INPUT, EXIT_OK

ROOT = Path(__file__).resolve().parents[1]
RULES = (ROOT / "examples" / "custom-pack" / "rules.yaml").read_text(encoding="utf-8")


def _rules_folder(parent: Path, text: str = RULES) -> Path:
    folder = parent / "firm-rules"
    folder.mkdir()
    (folder / "tls.yaml").write_text(text, encoding="utf-8")
    return folder


def test_relative_folder_is_tested_like_an_absolute_one(run, tmp_path, monkeypatch):
    folder = _rules_folder(tmp_path)
    absolute = run("policy", "test", folder)
    monkeypatch.chdir(tmp_path)
    relative = run("policy", "test", "firm-rules")
    assert absolute.exit_code == relative.exit_code == EXIT_OK
    for result in (absolute, relative):
        assert "2 passed, 0 failed (2 cases over 1 rules" in result.stdout
    broken = RULES.replace("{name: tls 1.2, expect: fail}", "{name: tls 1.2, expect: pass}")
    (folder / "tls.yaml").write_text(broken, encoding="utf-8")
    failing = run("policy", "test", "firm-rules")
    assert failing.exit_code == EXIT_FAIL and "FAIL YB-TLS-13 [tls 1.2]" in failing.stdout


def test_a_run_without_cases_exits_2(run, tmp_path, monkeypatch):
    untested = RULES[:RULES.index("    tests:")]
    _rules_folder(tmp_path, untested)
    monkeypatch.chdir(tmp_path)
    result = run("policy", "test", "firm-rules")
    assert result.exit_code == EXIT_INPUT
    assert "no test case ran" in result.stderr and "no test case ran" in result.stdout
    pack = tmp_path / "pack"
    shutil.copytree(ROOT / "examples" / "custom-pack", pack)
    (pack / "rules.yaml").write_text(untested, encoding="utf-8")
    result = run("policy", "test", pack)
    assert result.exit_code == EXIT_INPUT and "--inherited" in result.stdout
    inherited = run("policy", "test", pack, "--inherited")  # the stricter parameter flips some
    assert inherited.exit_code == EXIT_FAIL and "no test case ran" not in inherited.stdout


def test_copied_custom_pack_still_tests(run, tmp_path, monkeypatch):
    copy = tmp_path / "elsewhere" / "our-pack"
    shutil.copytree(ROOT / "examples" / "custom-pack", copy)
    assert "builtin:sandbox-2024/m365" in (copy / "pack.yaml").read_text(encoding="utf-8")
    monkeypatch.chdir(tmp_path / "elsewhere")
    result = run("policy", "test", "our-pack")
    assert result.exit_code == EXIT_OK, result.stderr
    assert "pack yesibank-sandbox: 2 passed, 0 failed" in result.stdout
    assert run("policy", "lint", "our-pack").exit_code == EXIT_OK


@pytest.mark.parametrize(("ref", "message"), [
    ("builtin:sandbox-2024/m366", "has no test base 'm366' (it has: m365, pulse)"),
    ("builtin:sandbox/m365", "'sandbox' is not a built-in pack"),
])
def test_a_wrong_builtin_test_base_is_an_input_error(run, tmp_path, ref, message):
    copy = tmp_path / "pack"
    shutil.copytree(ROOT / "examples" / "custom-pack", copy)
    text = (copy / "pack.yaml").read_text(encoding="utf-8")
    (copy / "pack.yaml").write_text(text.replace("builtin:sandbox-2024/m365", ref),
                                    encoding="utf-8")
    result = run("policy", "test", copy)
    assert result.exit_code == EXIT_INPUT
    assert message in result.stderr and "pack.yaml:" in result.stderr


def test_builtin_test_base_resolves_into_the_installed_policies():
    from netsep_check.rules import load_pack, policies_root

    pack = load_pack(ROOT / "examples" / "custom-pack")
    expected = (policies_root() / "sandbox-2024" / "tests" / "base-m365.yaml").resolve()
    assert Path(pack.test_bases["m365"]) == expected


def test_folder_of_packs_is_handled_pack_by_pack(run, monkeypatch):
    monkeypatch.chdir(ROOT)
    tested = run("policy", "test", "policies")
    assert tested.exit_code == EXIT_OK, tested.stderr
    for pack in ("sandbox-2024", "standing-exception-2026"):
        assert f"policies/{pack}: pack {pack}: " in tested.stdout
    assert "policies/common/parameters.yaml: shared, checked with pack sandbox-2024, " \
           "standing-exception-2026" in tested.stdout
    assert "over 2 packs" in tested.stdout
    linted = run("policy", "lint", "policies")
    assert linted.exit_code == EXIT_OK, linted.stderr
    assert "policies/sandbox-2024: pack sandbox-2024: " in linted.stderr
    assert "policies/standing-exception-2026: pack standing-exception-2026: " in linted.stderr


def test_common_folder_with_its_parameter_file(run, monkeypatch):
    monkeypatch.chdir(ROOT)
    for command in ("lint", "test"):
        result = run("policy", command, "policies/common")
        assert result.exit_code == EXIT_OK, result.stderr
        assert "(with parameter file policies/common/parameters.yaml)" in \
            result.stdout + result.stderr


def test_folder_of_packs_reports_each_broken_pack_and_loose_files(run, tmp_path):
    # a firm's own tree (a copy of the built-in packs would reuse their ids and read files
    # through '..': both refused since issue 12, so the firm's pack stands beside its rules)
    tree = tmp_path / "policies"
    tree.mkdir()
    shutil.copytree(ROOT / "examples" / "custom-pack", tree / "firm")
    (tree / "extra").mkdir()
    (tree / "extra" / "tls.yaml").write_text(RULES.replace("YB-TLS-13", "YB-TLS-14"),
                                             encoding="utf-8")
    tested = run("policy", "test", tree)
    assert tested.exit_code == EXIT_OK, tested.stderr
    assert "pack yesibank-sandbox: 2 passed" in tested.stdout
    assert "(files no pack uses): 1 rules on pack sandbox-2024: 2 passed" in tested.stdout
    (tree / "firm" / "rules.yaml").write_text(RULES.replace(
        "encryption_in_transit.min_tls_version", "encryption_in_transit.min_tls_versoin"),
        encoding="utf-8")
    linted = run("policy", "lint", tree)
    assert linted.exit_code == EXIT_INPUT
    assert re.search(r"firm: pack yesibank-sandbox: \d+ rules linted, 1 problem\n", linted.stderr)
    assert "did you mean 'min_tls_version'" in linted.stderr
    assert "(files no pack uses): 1 rules on pack sandbox-2024: 1 rules linted, 1 problem" \
        in linted.stderr  # its basis names the firm's source, which sandbox-2024 lacks
    (tree / "firm" / "forgotten.yaml").write_text(RULES, encoding="utf-8")
    linted = run("policy", "lint", tree / "firm")
    assert f"WARN {tree / 'firm' / 'forgotten.yaml'}: in a pack's folder, but no pack lists it" \
        in linted.stderr
