"""The built-in packs: every rule's own cases pass, every rule has both, lint is clean."""

from __future__ import annotations

import pytest

from netsep_check.authoring.cases import run_cases
from netsep_check.authoring.lint import lint_pack
from netsep_check.rules import builtin_pack_ids, load_pack

PACKS = {ref: load_pack(ref) for ref in builtin_pack_ids()}
CASES = [(ref, result) for ref, pack in PACKS.items() for result in run_cases(pack)[0]]


def test_both_regimes_have_a_pack():
    assert set(PACKS) == {"sandbox-2024", "standing-exception-2026"}


@pytest.mark.parametrize(("ref", "result"), CASES,
                         ids=[f"{ref}:{r.rule.id}:{r.name}" for ref, r in CASES])
def test_rule_case(ref, result):
    assert result.ok, f"{result.rule.id} [{result.name}]: expected {result.expected}, " \
                      f"got {result.actual} — {result.detail}"


@pytest.mark.parametrize("ref", sorted(PACKS))
def test_every_rule_has_a_passing_and_a_failing_case(ref):
    _, coverage = run_cases(PACKS[ref])
    assert [c.rule.id for c in coverage if not c.complete] == []


@pytest.mark.parametrize("ref", sorted(PACKS))
def test_lint_clean(ref):
    assert [str(p) for p in lint_pack(PACKS[ref])] == []


@pytest.mark.parametrize("ref", sorted(PACKS))
def test_rules_are_bilingual_and_honest_about_strength(ref):
    for rule in PACKS[ref].rules:
        for text in (rule.title, rule.rationale, rule.remediation):
            assert text["ko"].strip() and text["en"].strip()
        if rule.basis["strength"] == "derived":
            # a derived rule says it is our reading, in both languages, and never claims law
            assert "our reading" in (rule.title["en"] + rule.rationale["en"])
            assert "해석" in (rule.title["ko"] + rule.rationale["ko"])


def test_designation_conditions_are_not_waivable():
    pack = PACKS["sandbox-2024"]
    for rule in pack.rules:
        if rule.area in ("scope", "data") or rule.id in ("PROV-RATED", "PROV-EVALUATOR"):
            assert not rule.waivable, rule.id


# Rules whose basis is derived in one regime and not the other: a derived rule's title says so,
# so each pack words its own.
REGIME_SPECIFIC = {"CTRL-SAAS-INPUT-RESTRICTION", "GOV-RISK-ASSESSMENT", "GOV-SELF-ASSESSMENT"}


def test_shared_rules_are_written_once():
    sandbox = {r.id: r for r in PACKS["sandbox-2024"].rules}
    standing = {r.id: r for r in PACKS["standing-exception-2026"].rules}
    shared = set(sandbox) & set(standing)
    assert {"PROV-RATED", "CTRL-NET-MFA", "GOV-MEASURES-PLAN", "SAAS-LOG-RETENTION"} <= shared
    for rule_id in REGIME_SPECIFIC:  # same control, different basis and words: one per pack
        assert sandbox[rule_id].file.startswith("policies/sandbox-2024/")
        assert standing[rule_id].file.startswith("policies/standing-exception-2026/")
        assert sandbox[rule_id].basis["strength"] == "derived"
        assert standing[rule_id].basis["strength"] == "secondary"
    for rule_id in shared - REGIME_SPECIFIC:
        assert sandbox[rule_id].file == standing[rule_id].file
        assert sandbox[rule_id].file.startswith("policies/common/")


def test_shared_rule_basis_follows_the_regime():
    sandbox = PACKS["sandbox-2024"].rule("PROV-RATED")
    standing = PACKS["standing-exception-2026"].rule("PROV-RATED")
    assert sandbox.basis["strength"] == "official"
    assert standing.basis["strength"] == "secondary"
