"""Pack loading: rule schema, duplicate ids, unknown operators, extension, parameters, digest."""

from __future__ import annotations

import textwrap

import pytest

from netsep_check.errors import InputError
from netsep_check.rules import load_pack

RULE = """\
rules:
  - id: {id}
    area: scope
    severity: low
    title: {{ko: 제목, en: title}}
    rationale: {{ko: 취지, en: why}}
    remediation: {{ko: 조치, en: fix}}
    basis: {{source: custom, clause: c1, strength: derived}}
    check: {check}
"""


def _rule_dir(tmp_path, *rules: tuple[str, str]):
    folder = tmp_path / "rules"
    folder.mkdir(exist_ok=True)
    for index, (rule_id, check) in enumerate(rules):
        (folder / f"r{index}.yaml").write_text(RULE.format(id=rule_id, check=check),
                                              encoding="utf-8")
    return folder


def test_extra_rules_join_the_pack(tmp_path):
    folder = _rule_dir(tmp_path, ("FIRM-ONE", "{exists: usage.tasks}"))
    pack = load_pack("sandbox-2024", (folder,))
    assert pack.rule("FIRM-ONE") is not None
    assert pack.digest != load_pack("sandbox-2024").digest


def test_duplicate_ids_across_files(tmp_path):
    folder = _rule_dir(tmp_path, ("FIRM-ONE", "{exists: usage.tasks}"),
                       ("FIRM-ONE", "{exists: usage.tasks}"))
    with pytest.raises(InputError) as caught:
        load_pack("sandbox-2024", (folder,))
    assert "duplicate rule id FIRM-ONE" in str(caught.value)


def test_duplicate_of_a_builtin_id(tmp_path):
    folder = _rule_dir(tmp_path, ("SCOPE-TASKS", "{exists: usage.tasks}"))
    with pytest.raises(InputError) as caught:
        load_pack("sandbox-2024", (folder,))
    assert "duplicate rule id SCOPE-TASKS" in str(caught.value)


def test_unknown_operator_names_file_and_line(tmp_path):
    folder = _rule_dir(tmp_path, ("FIRM-ONE", "{python: 'import os'}"))
    with pytest.raises(InputError) as caught:
        load_pack("sandbox-2024", (folder,))
    problem = caught.value.problems[0]
    assert problem.file.endswith("r0.yaml") and problem.line == 9
    assert "unknown operator 'python'" in problem.message


def test_unknown_rule_key_is_a_schema_error(tmp_path):
    folder = tmp_path / "rules"
    folder.mkdir()
    text = RULE.format(id="FIRM-ONE", check="{exists: usage.tasks}") + "    sevrity: low\n"
    (folder / "r.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_pack("sandbox-2024", (folder,))
    assert "unknown key 'sevrity'" in str(caught.value)


def test_pack_extension_overrides_parameters_and_disables_with_reason(tmp_path):
    (tmp_path / "pack.yaml").write_text(textwrap.dedent("""\
        pack:
          id: firm
          version: "1"
          extends: sandbox-2024
          title: {ko: 우리 팩, en: our pack}
          parameters:
            log_retention_days: {value: 1000}
          disable:
            - {rule: OPS-TRAINING-CURRENT, reason: "training tracked in the HR system"}
        """), encoding="utf-8")
    pack = load_pack(tmp_path)
    assert pack.parameters["log_retention_days"] == 1000
    assert pack.rule("OPS-TRAINING-CURRENT") is None
    assert pack.disabled[0].reason == "training tracked in the HR system"
    assert pack.extends == "sandbox-2024"


def test_disable_needs_a_reason(tmp_path):
    (tmp_path / "pack.yaml").write_text(textwrap.dedent("""\
        pack:
          id: firm
          version: "1"
          extends: sandbox-2024
          title: {ko: 우리 팩, en: our pack}
          disable:
            - {rule: OPS-TRAINING-CURRENT}
        """), encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_pack(tmp_path)
    assert "missing required key 'reason'" in str(caught.value)


def test_unknown_parameter_override(tmp_path):
    (tmp_path / "pack.yaml").write_text(textwrap.dedent("""\
        pack:
          id: firm
          version: "1"
          extends: sandbox-2024
          title: {ko: 우리 팩, en: our pack}
          parameters:
            log_retension_days: {value: 1000}
        """), encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_pack(tmp_path)
    assert "'log_retension_days' is not a parameter of sandbox-2024" in str(caught.value)


def test_unknown_pack():
    with pytest.raises(InputError) as caught:
        load_pack("sandbox-2099")
    assert "no such pack" in str(caught.value)


def test_digest_is_stable():
    assert load_pack("sandbox-2024").digest == load_pack("sandbox-2024").digest
