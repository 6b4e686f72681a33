"""Rules and packs as the engine sees them, after loading and compiling."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from netsep_check.rules.vocabulary import AREAS, SEVERITIES, STRENGTHS

if TYPE_CHECKING:  # annotations only
    from netsep_check.rules.operators.base import Compiled

__all__ = ["AREAS", "SEVERITIES", "STRENGTHS", "Disabled", "Pack", "Rule"]


@dataclass(frozen=True)
class Rule:
    """One compiled rule, with the texts a report and ``explain`` need."""

    id: str
    area: str
    severity: str
    title: dict[str, str]
    rationale: dict[str, str]
    remediation: dict[str, str]
    basis: dict[str, Any]
    check: Compiled
    when: Compiled | None = None
    waivable: bool = True
    file: str = ""
    line: int | None = None
    tests: tuple[dict[str, Any], ...] = ()
    spec: dict[str, Any] = field(default_factory=dict, repr=False)  # the rule as written

    @cached_property  # asked for every finding; kept in the instance dict, frozen or not
    def reads(self) -> tuple[str, ...]:
        paths = (*(self.when.reads if self.when else ()), *self.check.reads)
        return tuple(dict.fromkeys(paths))


@dataclass(frozen=True)
class Disabled:
    rule: str
    reason: str
    by_pack: str


@dataclass(frozen=True)
class Pack:
    """A policy pack ready to evaluate: metadata, resolved parameters and compiled rules."""

    id: str
    version: str
    regime: str | None
    effective_on: str
    title: dict[str, str]
    sources: tuple[dict[str, Any], ...]
    parameters: dict[str, Any]
    parameter_docs: dict[str, dict[str, str]]
    rules: tuple[Rule, ...]
    disabled: tuple[Disabled, ...]
    digest: str
    meta_paths: tuple[Path, ...]  # pack.yaml files, base pack first
    rule_paths: tuple[Path, ...]  # rule files in evaluation order
    test_bases: dict[str, str]
    extends: str | None = None

    def rule(self, rule_id: str) -> Rule | None:
        return next((rule for rule in self.rules if rule.id == rule_id), None)
