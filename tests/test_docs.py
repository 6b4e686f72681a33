"""Generated documentation stays in sync with the packs and the operator registry."""

from __future__ import annotations

import re

from netsep_check.authoring.explain import reference_markdown
from netsep_check.rules import builtin_pack_ids, load_pack
from netsep_check.rules.compiler import compile_condition
from netsep_check.rules.operators import REGISTRY
from netsep_check.rules.operators.base import Env
from tests.conftest import ROOT


def test_rule_reference_is_generated_from_the_packs():
    expected = reference_markdown([load_pack(ref) for ref in builtin_pack_ids()])
    actual = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    assert actual == expected, "docs/rules.md is stale: run `netsep-check policy docs -o docs/rules.md`"


def test_rule_language_page_documents_every_operator_with_an_example():
    import yaml

    page = (ROOT / "docs" / "rule-language.md").read_text(encoding="utf-8")
    for name in REGISTRY:
        match = re.search(rf"#### `{name}`\n\n.*?\n\n```yaml\n(.*?)```", page, re.S)
        assert match, f"operator {name} is not documented"
        compile_condition(yaml.safe_load(match.group(1)), Env({"log_retention_days": 365}))


def test_explain_works_for_every_builtin_rule_in_both_languages():
    from netsep_check.authoring.explain import explain_rule

    for ref in builtin_pack_ids():
        pack = load_pack(ref)
        for rule in pack.rules:
            for lang in ("ko", "en"):
                text = explain_rule(rule, pack, lang)
                assert rule.id in text and rule.title[lang] in text
                assert rule.meaning["check"][lang] in text
            assert "Failing example" in explain_rule(rule, pack, "en")
