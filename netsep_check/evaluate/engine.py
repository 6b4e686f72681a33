"""Stage 4 — evaluate: run a compiled pack over one validated profile.

Returns data, never sentences: each finding holds its failure leaves, and the report layer
words them in the reader's language.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from netsep_check.errors import InputError
from netsep_check.evaluate.findings import (
    LISTED,
    Elements,
    EvidenceRecord,
    Finding,
    Note,
    Report,
    elements_of,
    keyed_path,
)
from netsep_check.load import Document, format_path
from netsep_check.rules.model import CompiledRule, Pack, Rule
from netsep_check.rules.operators.base import Ctx, EvalError, Failure, TooMuchToJudge

if TYPE_CHECKING:
    from netsep_check.evaluate.tenant import TenantInput

_HEADS: dict[str, tuple[str, ...]] = {}


def _position(document: Document, schema_path: str) -> tuple[int, int] | None:
    """Line of a schema-style path such as ``providers[].id``: up to its first ``[]``."""
    return document.position(_head(schema_path))


def _new_finding(rule: Rule, status: str, paths: tuple[str, ...], line: int | None,
                 column: int | None, failures: tuple[Failure, ...], unlisted: int = 0,
                 elements: Elements | None = None,
                 keys: tuple[str | None, ...] = ()) -> Finding:
    """``Finding(rule, status, paths, line, column, failures, unlisted=..., elements=...,
    keys=...)`` without the frozen dataclass's per-field ``object.__setattr__`` calls (a third
    of the cost of a passing rule); the same object: equality, hash, repr, pickling and
    ``replace`` read the fields."""
    finding: Finding = object.__new__(Finding)
    finding.__dict__.update(rule=rule, status=status, paths=paths, line=line, column=column,
                            failures=failures, waiver=None, known=False, unlisted=unlisted,
                            elements=elements, keys=keys)
    return finding


_FORMATTED: dict[tuple[str | int, ...], str] = {}


def _format(path: tuple[str | int, ...]) -> str:
    """:func:`format_path`, remembered (the same fields fail in many profiles; bounded)."""
    text = _FORMATTED.get(path)
    if text is None:
        if len(_FORMATTED) >= 4096:
            _FORMATTED.clear()
        text = _FORMATTED[path] = format_path(path)
    return text


def _finding(rule: Rule, document: Document, status: str,
             failures: tuple[Failure, ...] = ()) -> Finding:
    """A finding listing at most :data:`LISTED` of its failure leaves: the others are
    counted (``unlisted``) and every leaf's identity is kept (``elements``), so no report
    format has to carry 100,000 sentences and no baseline or diff loses an element."""
    data = document.data  # a leaf in a named item is identified by its name (keyed_path)
    found = [keyed_path(f.path, data) if f.path else None for f in failures]
    keys = tuple(found) if any(key is not None for key in found) else ()
    unlisted, elements = 0, None
    if len(failures) > LISTED:
        unlisted, elements = len(failures) - LISTED, elements_of(failures, keys)
        failures, keys = failures[:LISTED], keys[:LISTED]
    concrete = [f.path for f in failures if f.path is not None]
    if len(concrete) == 1:
        paths: tuple[str, ...] = (_format(concrete[0]),)
    else:
        paths = tuple(dict.fromkeys(format_path(p) for p in concrete)) or rule.reads
    position = document.position(concrete[0]) if concrete else (
        _position(document, paths[0]) if paths else None)
    return _new_finding(rule, status, paths, position[0] if position else None,
                        position[1] if position else None, failures, unlisted, elements,
                        keys)


_SHARED_MAX = 512  # plain findings kept per rule (distinct status and position pairs)


class _Step:
    """One rule as the evaluation loop runs it: its fast checks, the head of its first path
    (where a finding without leaves stands) and the plain findings made so far. A finding is
    frozen, so two profiles on which a rule passes at the same line share one."""

    __slots__ = ("check", "compiled", "fields", "head", "not_applicable", "passed", "rule",
                 "when")

    def row(self) -> tuple[Any, ...]:
        """What the loop reads of this step, unpacked at once: (when, check, head, the
        passed and the not-applicable tables, the step)."""
        return (self.when, self.check, self.head, self.passed, self.not_applicable, self)

    def __init__(self, compiled: CompiledRule) -> None:
        self.compiled = compiled
        self.rule = compiled.rule
        self.when = compiled.when.holds if compiled.when is not None else None
        self.check = compiled.check.holds
        reads = self.rule.reads
        self.head = _head(reads[0]) if reads else None
        # plain findings by position (line, column), one table per status, and the fields
        # of each (a copy with its line and column is a new finding's __dict__)
        self.passed: dict[tuple[int, int] | None, Finding] = {}
        self.not_applicable: dict[tuple[int, int] | None, Finding] = {}
        fields = {"rule": self.rule, "status": "pass", "paths": reads, "line": None,
                  "column": None, "failures": (), "waiver": None, "known": False,
                  "unlisted": 0, "elements": None, "keys": ()}
        self.fields = {id(self.passed): fields,
                       id(self.not_applicable): {**fields, "status": "not_applicable"}}


def _head(schema_path: str) -> tuple[str, ...]:
    keys = _HEADS.get(schema_path)
    if keys is None:
        head = schema_path.split("[]")[0]
        keys = _HEADS[schema_path] = tuple(part for part in head.split(".") if part)
    return keys


def _plan(pack: Pack) -> tuple[tuple[Any, ...], ...]:
    """The pack's steps (as :meth:`_Step.row`), made once per pack (a cache beside its
    fields, as ``Pack.info``)."""
    plan = pack.__dict__.get("_plan")
    if plan is None:
        plan = tuple(_Step(compiled).row() for compiled in pack.compiled)
        object.__setattr__(pack, "_plan", plan)
    return plan


def _noted(pack: Pack) -> tuple[int, ...]:
    """The positions of the pack's rules that have notes (made once per pack)."""
    noted = pack.__dict__.get("_noted")
    if noted is None:
        noted = tuple(i for i, compiled in enumerate(pack.compiled) if compiled.notes)
        object.__setattr__(pack, "_noted", noted)
    return noted


def _run(plan: tuple[tuple[Any, ...], ...], ctx: Ctx, document: Document) -> list[Finding]:
    """Every step's finding. The fast checks (``Compiled.holds``) answer first: a rule that
    is not applicable or that passes needs no failure leaf. Anything else (a failure, an
    error, a fast check that cannot say) is judged in detail by :func:`judge_detailed`, which
    alone makes fails and errors (told that the rule applies when its ``when`` said so)."""
    findings: list[Finding] = []
    append = findings.append
    known = document._positions  # the positions found so far (Document.position's cache)
    new, set_attribute = object.__new__, object.__setattr__
    position = document.position
    for when, check, head, passed, not_applicable, step in plan:
        if when is None:
            applies = True
        else:
            try:
                applies = when(ctx)
            except Exception:
                append(judge_detailed(step.compiled, ctx, document))
                continue
        if applies:
            try:
                holds = check(ctx)
            except Exception:
                holds = False
            if not holds:  # applicable (its ``when`` holds), and its check does not
                append(judge_detailed(step.compiled, ctx, document, applicable=True))
                continue
            shared = passed
        else:
            shared = not_applicable
        where = None if head is None else (known.get(head) or position(head))
        finding = shared.get(where)
        if finding is None:
            finding = new(Finding)
            fields = step.fields[id(shared)].copy()
            if where:
                fields["line"], fields["column"] = where
            set_attribute(finding, "__dict__", fields)  # a frozen dataclass: as _new_finding
            if len(shared) >= _SHARED_MAX:
                shared.clear()
            shared[where] = finding
        append(finding)
    return findings


def judge(compiled: CompiledRule, ctx: Ctx, document: Document) -> Finding:
    """The verdict of one rule; a rule that cannot be judged is ``error``, never a pass."""
    with _within_limit(ctx, document):
        return _run((_Step(compiled).row(),), ctx, document)[0]


@contextlib.contextmanager
def _within_limit(ctx: Ctx, document: Document) -> Iterator[None]:
    """The profile refused (:class:`InputError`) when its judgment passed
    :data:`~netsep_check.rules.operators.base.MAX_DETAILED`: never a report judged on part of
    a list, also where a check caught the signal (the count is read when judging ends)."""
    try:
        yield
    except TooMuchToJudge:
        raise _refused(document) from None
    if ctx.detailed < 0:
        raise _refused(document)


def _refused(document: Document) -> InputError:
    from netsep_check.rules.operators import base

    limit = base.MAX_DETAILED
    return InputError.one(
        document.file, f"judging this profile would examine more than {limit:,} list "
        "elements one by one (failing elements, or elements a fast check cannot pass): it "
        "is refused rather than judged on part of them", code="profile.too_much_to_judge",
        limit=f"{limit:,}")


def judge_detailed(compiled: CompiledRule, ctx: Ctx, document: Document,
                   applicable: bool = False) -> Finding:
    """The verdict of one rule from its detailed checks alone, with every failure leaf.
    ``applicable``: its ``when`` is known to hold (a fast check said so), not asked again."""
    rule = compiled.rule
    try:
        if not applicable and compiled.when is not None and compiled.when.test(ctx):
            return _finding(rule, document, "not_applicable")
        failures = compiled.check.test(ctx)
    except EvalError as exc:
        return _finding(rule, document, "error", (exc.failure(),))
    except (TypeError, ValueError, KeyError, AttributeError, IndexError, OverflowError) as exc:
        detail = f"{type(exc).__name__}: {exc}"
        return _finding(rule, document, "error", (Failure(None, "eval_internal", detail),))
    if failures:
        return _finding(rule, document, "fail", tuple(failures))
    return _finding(rule, document, "pass")


def rule_notes(compiled: CompiledRule, finding: Finding, ctx: Ctx) -> list[Note]:
    """The notes a judged rule states about this profile (its ``notes`` whose condition holds):
    an assumption its verdict rests on is said, not left silent."""
    if not compiled.notes or finding.status in ("not_applicable", "error"):
        return []
    said = []
    for condition, text in compiled.notes:
        try:
            holds = not condition.test(ctx)
        except EvalError:
            continue
        if holds:
            said.append(Note("rule_note", {"rule": compiled.rule.id, **text}))
    return said


def evaluate(document: Document, profile: dict[str, Any], pack: Pack,
             as_of: dt.date | None = None,
             evidence: tuple[EvidenceRecord, ...] | None = None,
             notes: tuple[Note, ...] = (), tenant: TenantInput | None = None) -> Report:
    """Judge every rule of ``pack`` on a validated ``profile``. ``evidence``: the evidence
    files verified before evaluation (``None`` when verification was switched off);
    ``tenant``: tenant facts and egress logs cross-checked before evaluation."""
    profile_as_of = dt.date.fromisoformat(str(profile["assessment"]["as_of"]))
    if as_of is not None and as_of != profile_as_of:  # rules reading the date see --as-of too
        profile = {**profile, "assessment": {**profile["assessment"], "as_of": as_of.isoformat()}}
    ctx = Ctx(profile, as_of or profile_as_of, evidence)
    plan = _plan(pack)
    with _within_limit(ctx, document):
        found = _run(plan, ctx, document)
        noted = _noted(pack)
        if noted:
            notes = (*notes, *(note for i in noted
                               for note in rule_notes(plan[i][-1].compiled, found[i], ctx)))
        else:
            notes = tuple(notes)
    findings = tuple(found)
    tenant_evidence: tuple[dict[str, Any], ...] = ()
    if tenant is not None:
        from netsep_check.evaluate.tenant import evidence_records, tenant_findings

        findings += tenant_findings(tenant.results, document, tenant.mappings)
        tenant_evidence = evidence_records(tenant.results, tenant.sources)
    designation = profile.get("designation") or {}
    return Report(
        profile_file=document.file, profile_sha256=document.sha256, as_of=ctx.as_of,
        as_of_overridden=as_of is not None and as_of != profile_as_of,
        firm=profile["firm"]["name"], regime=profile["regime"],
        service=designation.get("service"), pack=pack.info(), findings=findings,
        notes=notes, evidence_checked=evidence or (), evidence_verified=evidence is not None,
        tenant_evidence=tenant_evidence)
