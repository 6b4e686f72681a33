"""Rules and packs as the engine sees them, after loading and compiling.

A rule is split in two: :class:`Rule` is plain metadata (ids, texts, basis, the paths it reads
and its meaning in words) that reports carry and pickle as they are; :class:`CompiledRule`
pairs it with its compiled conditions (closures), which only the engine needs. Likewise
:class:`PackInfo` is what a report says of its pack, and :class:`Pack` adds compiled rules.
"""

from __future__ import annotations

import dataclasses
from dataclasses import field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from netsep_check._record import record
from netsep_check.vocabulary import AREAS, SEVERITIES, STRENGTHS

if TYPE_CHECKING:  # annotations only
    from netsep_check.rules.operators.base import Compiled

__all__ = ["AREAS", "SEVERITIES", "STRENGTHS", "CompiledRule", "Disabled", "Pack", "PackInfo",
           "Rule"]


@record
class Rule:
    """One rule's metadata: what a report, ``explain`` and a waiver need; no closures."""

    id: str
    area: str
    severity: str
    title: dict[str, str]
    rationale: dict[str, str]
    remediation: dict[str, str]
    basis: dict[str, Any]
    waivable: bool = True
    file: str = ""
    line: int | None = None
    tests: tuple[dict[str, Any], ...] = ()
    reads: tuple[str, ...] = ()  # schema-style paths read by ``when`` and ``check``
    check_reads: tuple[str, ...] = ()  # those read by ``check`` alone
    meaning: dict[str, dict[str, str] | None] = field(default_factory=dict)  # when/check, by lang
    spec: dict[str, Any] = field(default_factory=dict, repr=False)  # the rule as written


@record
class CompiledRule:
    """A rule with its compiled conditions: ``when`` (applicability) and ``check``."""

    rule: Rule
    check: Compiled
    when: Compiled | None = None
    notes: tuple[tuple[Compiled, dict[str, str]], ...] = ()  # (condition, text by language)


@record
class Disabled:
    rule: str
    reason: str
    by_pack: str


@record
class PackInfo:
    """A policy pack's metadata, resolved parameters and rules (plain data, picklable)."""

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
    # parameters a pack set over its base pack's values: name, from, to, the pack that set it
    overrides: tuple[dict[str, Any], ...] = ()

    def rule(self, rule_id: str) -> Rule | None:
        return next((rule for rule in self.rules if rule.id == rule_id), None)


@record
class Pack(PackInfo):
    """A pack ready to evaluate: its metadata and its compiled rules, in evaluation order."""

    compiled: tuple[CompiledRule, ...] = ()

    def info(self) -> PackInfo:
        """The pack without its closures: what a report holds (made once per pack, so every
        report of a run shares it)."""
        info = self.__dict__.get("_info")
        if info is None:
            names = [f.name for f in dataclasses.fields(PackInfo)]
            info = PackInfo(**{name: getattr(self, name) for name in names})
            object.__setattr__(self, "_info", info)  # a cache, not a field: frozen as before
        return info
