"""``policy test``: run the test cases each rule carries beside it.

A case patches one of the pack's base profiles (``set`` field paths, ``unset`` them, judge on
another ``as_of``), checks the patched profile is still a valid profile, judges the one rule
and compares the status with ``expect``.
"""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

from netsep_check._record import record
from netsep_check.errors import InputError, Problem
from netsep_check.evaluate import judge
from netsep_check.evaluate.findings import EvidenceRecord
from netsep_check.load import Document, load_document
from netsep_check.report.messages import finding_message
from netsep_check.rules.model import CompiledRule, Pack, Rule
from netsep_check.rules.operators.base import Ctx, Env, RuleSyntaxError, compile_path
from netsep_check.validate import validate_profile


@record
class CaseResult:
    rule: Rule
    name: str
    expected: str
    actual: str
    detail: str = ""

    @property
    def ok(self) -> bool:
        return self.expected == self.actual


@record
class Coverage:
    rule: Rule
    has_pass: bool
    has_fail: bool

    @property
    def complete(self) -> bool:
        return self.has_pass and self.has_fail


def _keys(text: str) -> tuple[str | int, ...]:
    try:
        return compile_path(text, Env({})).keys
    except RuleSyntaxError as exc:
        raise ValueError(exc.message) from None


def patch(data: dict[str, Any], sets: dict[str, Any], unsets: list[str]) -> dict[str, Any]:
    """A deep copy of ``data`` with field paths set (creating mappings) or removed."""
    result = copy.deepcopy(data)
    for text, value in sets.items():
        keys = _keys(text)
        cur: Any = result
        for key in keys[:-1]:
            if isinstance(key, str) and isinstance(cur, dict) and key not in cur:
                cur[key] = {}
            cur = cur[key]
        cur[keys[-1]] = copy.deepcopy(value)
    for text in unsets:
        keys = _keys(text)
        cur = result
        for key in keys[:-1]:
            cur = cur[key]
        del cur[keys[-1]]
    return result


class _Bases:
    """The pack's base profiles, loaded and validated once."""

    def __init__(self, pack: Pack) -> None:
        self.pack = pack
        self._cache: dict[str, dict[str, Any]] = {}

    def default(self) -> str:
        if not self.pack.test_bases:
            raise InputError.one(self.pack.id, "the pack names no test_bases to run cases on")
        return next(iter(self.pack.test_bases))

    def get(self, name: str) -> dict[str, Any]:
        if name not in self._cache:
            if name not in self.pack.test_bases:
                raise KeyError(name)
            try:
                document = load_document(self.pack.test_bases[name])
                self._cache[name] = validate_profile(document)
            except InputError as exc:
                exc.problems.insert(0, Problem(self.pack.id, f"test base {name!r} of pack "
                                               f"{self.pack.id} cannot be used:"))
                raise

        return self._cache[name]


def _evidence(data: dict[str, Any], case: dict[str, Any]) -> tuple[EvidenceRecord, ...]:
    """Evidence-file records as if the files had been read: ``evidence_files`` maps an
    evidence id to how its file came out (for rules using the ``evidence_files`` operator)."""
    outcomes = case.get("evidence_files") or {}
    records = []
    for index, entry in enumerate(data.get("evidence") or []):
        status = outcomes.get(entry.get("id")) if isinstance(entry, dict) else None
        if status is None:
            continue
        stated = entry.get("sha256") or "0" * 64
        found = stated if status == "ok" else ("f" * 64 if status == "sha256_mismatch" else None)
        records.append(EvidenceRecord(index, entry["id"], entry.get("path") or f"{entry['id']}.pdf",
                                      None, status, None, found,
                                      stated if status in ("ok", "sha256_mismatch") else None))
    return tuple(records)


def run_case(compiled: CompiledRule, case: dict[str, Any], bases: _Bases) -> CaseResult:
    rule = compiled.rule
    name = case.get("name", "(unnamed)")
    expected = case["expect"]
    base_name = case.get("base") or bases.default()
    try:
        base = bases.get(base_name)
    except KeyError:
        return CaseResult(rule, name, expected, "broken", f"no test base named {base_name!r}")
    try:
        data = patch(base, case.get("set", {}), case.get("unset", []))
    except (KeyError, IndexError, TypeError, ValueError) as exc:
        return CaseResult(rule, name, expected, "broken", f"cannot apply the patch: {exc}")
    document = Document(f"{rule.file} [{rule.id} case {name!r}]", data, "", "")
    try:
        validate_profile(document)
    except InputError as exc:
        return CaseResult(rule, name, expected, "broken",
                          "patched profile is invalid: " + "; ".join(
                              f"{p.path}: {p.message}" for p in exc.problems[:3]))
    as_of = dt.date.fromisoformat(case.get("as_of") or data["assessment"]["as_of"])
    if case.get("as_of"):
        data["assessment"]["as_of"] = as_of.isoformat()
    try:
        finding = judge(compiled, Ctx(data, as_of, _evidence(data, case)), document)
    except InputError as exc:  # too much to judge: the case cannot say (never a pass)
        return CaseResult(rule, name, expected, "broken",
                          "; ".join(p.message for p in exc.problems[:3]))
    detail = finding_message(finding, "en")
    return CaseResult(rule, name, expected, finding.status, detail)


def run_cases(pack: Pack, only: set[str] | None = None) -> tuple[list[CaseResult], list[Coverage]]:
    """Run every case of every rule (or of the rules in ``only``)."""
    bases = _Bases(pack)
    results: list[CaseResult] = []
    coverage: list[Coverage] = []
    for compiled in pack.compiled:
        rule = compiled.rule
        if only is not None and rule.id not in only:
            continue
        outcomes = [run_case(compiled, case, bases) for case in rule.tests]
        results.extend(outcomes)
        coverage.append(Coverage(rule, any(c.expected == "pass" for c in outcomes),
                                 any(c.expected == "fail" for c in outcomes)))
    return results, coverage
