"""Stage 4 — evaluate: run a compiled pack over one validated profile."""

from __future__ import annotations

import datetime as dt
from typing import Any

from netsep_check.evaluate.findings import Finding, Report
from netsep_check.i18n import LANGS, failure_message, ui
from netsep_check.load import Document, format_path
from netsep_check.rules.model import Pack, Rule
from netsep_check.rules.operators.base import Ctx, EvalError, Failure


def _static_paths(rule: Rule) -> list[str]:
    return list(rule.reads)


_HEADS: dict[str, tuple[str, ...]] = {}


def _position(document: Document, schema_path: str) -> tuple[int, int] | None:
    """Line of a schema-style path such as ``providers[].id``: up to its first ``[]``."""
    keys = _HEADS.get(schema_path)
    if keys is None:
        head = schema_path.split("[]")[0]
        keys = _HEADS[schema_path] = tuple(part for part in head.split(".") if part)
    return document.position(keys)


def _summarise(failures: list[Failure]) -> tuple[Any, Any]:
    if len(failures) == 1:
        return failures[0].actual, failures[0].expected
    actual: dict[str, Any] = {}
    expected: dict[str, Any] = {}
    for i, failure in enumerate(failures):
        key = format_path(failure.path) if failure.path else f"#{i + 1}"
        if key in actual:
            key = f"{key} #{i + 1}"
        actual[key] = failure.actual
        expected[key] = failure.expected
    return actual, expected


def _finding(rule: Rule, document: Document, status: str, failures: list[Failure],
             error: EvalError | None = None) -> Finding:
    if error is not None:
        path = format_path(error.path) if error.path else None
        position = document.position(error.path) if error.path else None
        message = {lang: ui("rule_error", lang, error=error.message) for lang in LANGS}
        return Finding(rule, "error", [path] if path else _static_paths(rule),
                       position[0] if position else None, position[1] if position else None,
                       message=message)
    if not failures:
        paths = _static_paths(rule)
        position = _position(document, paths[0]) if paths else None
        return Finding(rule, status, paths, position[0] if position else None,
                       position[1] if position else None)
    concrete = [f.path for f in failures if f.path is not None]
    paths = list(dict.fromkeys(format_path(p) for p in concrete)) or _static_paths(rule)
    position = document.position(concrete[0]) if concrete else _position(document, paths[0])
    actual, expected = _summarise(failures)
    message = {lang: "; ".join(dict.fromkeys(failure_message(f, lang) for f in failures))
               for lang in LANGS}
    return Finding(rule, status, paths, position[0] if position else None,
                   position[1] if position else None, actual, expected, message, failures)


def judge(rule: Rule, ctx: Ctx, document: Document) -> Finding:
    """The verdict of one rule; a rule that cannot be judged is ``error``, never a pass."""
    try:
        if rule.when is not None and rule.when.test(ctx):
            return _finding(rule, document, "not_applicable", [])
        failures = rule.check.test(ctx)
    except EvalError as exc:
        return _finding(rule, document, "error", [], exc)
    except (TypeError, ValueError, KeyError, AttributeError, IndexError, OverflowError) as exc:
        return _finding(rule, document, "error", [],
                        EvalError(f"the rule failed on this profile ({type(exc).__name__}: {exc})"))
    return _finding(rule, document, "fail" if failures else "pass", failures or [])


def evaluate(document: Document, profile: dict[str, Any], pack: Pack,
             as_of: dt.date | None = None) -> Report:
    """Judge every rule of ``pack`` on a validated ``profile``."""
    profile_as_of = dt.date.fromisoformat(str(profile["assessment"]["as_of"]))
    if as_of is not None and as_of != profile_as_of:  # rules reading the date see --as-of too
        profile = {**profile, "assessment": {**profile["assessment"], "as_of": as_of.isoformat()}}
    ctx = Ctx(profile, as_of or profile_as_of)
    findings = [judge(rule, ctx, document) for rule in pack.rules]
    designation = profile.get("designation") or {}
    return Report(
        profile_file=document.file, profile_sha256=document.sha256, as_of=ctx.as_of,
        as_of_overridden=as_of is not None and as_of != profile_as_of,
        firm=profile["firm"]["name"], regime=profile["regime"],
        service=designation.get("service"), pack=pack, findings=findings)
