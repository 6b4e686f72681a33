"""Date operators, judged on ``assessment.as_of`` (or ``--as-of``): date_le, date_ge, date_lt,
date_gt, within_days, span_at_most_days."""

from __future__ import annotations

import calendar
import datetime as dt
import operator as py
from typing import Any

from netsep_check.rules.operators.base import (
    FALLBACK,
    Compiled,
    Ctx,
    Env,
    EvalError,
    Failure,
    RuleSyntaxError,
    as_date,
    compile_operand,
    compile_path,
    param_int,
    reads_no_variable,
    require_keys,
    walker,
)
from netsep_check.rules.operators.registry import Operator, SubCompile

_CMP = {"date_le": (py.le, "is on or before", "이(가) 다음 날짜 이전(당일 포함):"),
        "date_ge": (py.ge, "is on or after", "이(가) 다음 날짜 이후(당일 포함):"),
        "date_lt": (py.lt, "is before", "이(가) 다음 날짜 전(당일 제외):"),
        "date_gt": (py.gt, "is after", "이(가) 다음 날짜 후(당일 제외):")}
_DAYS = {"description": "a whole number of days, or {param: N}"}


def _comparison(name: str) -> Any:
    compare, en, ko = _CMP[name]

    def compile_(spec: Any, env: Env, sub: SubCompile) -> Compiled:
        require_keys(spec, env, {"path", "value"})
        ref = compile_path(spec["path"], env)
        rhs = compile_operand(spec["value"], env)
        if rhs.constant:  # a literal date that is no date (2025-02-30) is the rule's error
            try:
                as_date(rhs.get(Ctx(None, dt.date.min)), rhs.label)
            except EvalError as exc:
                raise RuleSyntaxError(exc.message, env.where) from None

        def test(ctx: Ctx) -> list[Failure] | None:
            actual = as_date(ref.get(ctx), ref.text)
            expected = as_date(rhs.get(ctx), rhs.label)
            if compare(actual, expected):
                return None
            return [Failure(ref.concrete(ctx), name, actual.isoformat(), expected.isoformat(),
                            rhs.label)]

        fetch, other = ref.fetch, rhs.fetch
        fixed = as_date(rhs.value, rhs.label) if rhs.constant else None

        def holds(ctx: Ctx) -> bool:
            expected = fixed if fixed is not None else fast_date(other(ctx))
            return bool(compare(fast_date(fetch(ctx)), expected))

        staged = None
        if ref.var is not None and reads_no_variable(spec["value"], env):
            walk = walker(ref.keys)

            def stage(ctx: Ctx) -> Any:  # the other side read once (as_of, a date, a field)
                expected = fixed if fixed is not None else fast_date(other(ctx))

                def on_value(value: Any) -> bool:
                    return bool(compare(fast_date(walk(value)), expected))
                return on_value
            staged = (ref.var, stage)

        return Compiled(test, (ref.schema_path, *rhs.reads),
                        {"en": f"{ref.text} {en} {rhs.label}", "ko": f"{ref.text}{ko} {rhs.label}"},
                        holds=holds, staged=staged)

    return compile_


def fast_date(value: Any) -> dt.date:
    """:func:`as_date` for fast checks: what is no date raises (and is judged in detail)."""
    if type(value) is str:
        return dt.date.fromisoformat(value)
    if isinstance(value, dt.date):
        return value
    raise FALLBACK


def _within_days(spec: Any, env: Env, sub: SubCompile) -> Compiled:
    require_keys(spec, env, {"path", "days"})
    ref = compile_path(spec["path"], env)
    days, label = param_int(spec["days"], env, "days")
    window = dt.timedelta(days=days)

    def test(ctx: Ctx) -> list[Failure] | None:
        actual = as_date(ref.get(ctx), ref.text)
        earliest = ctx.as_of - window
        if earliest <= actual <= ctx.as_of:
            return None
        code = "within_days_future" if actual > ctx.as_of else "within_days"
        return [Failure(ref.concrete(ctx), code, actual.isoformat(),
                        f"{earliest.isoformat()} … {ctx.as_of.isoformat()}", label)]

    fetch = ref.fetch

    def holds(ctx: Ctx) -> bool:
        actual = fast_date(fetch(ctx))
        return ctx.as_of - window <= actual <= ctx.as_of

    staged = None
    if ref.var is not None:
        walk = walker(ref.keys)

        def stage(ctx: Ctx) -> Any:
            latest = ctx.as_of
            earliest = latest - window

            def on_value(value: Any) -> bool:
                return earliest <= fast_date(walk(value)) <= latest
            return on_value
        staged = (ref.var, stage)

    return Compiled(test, (ref.schema_path,),
                    {"en": f"{ref.text} lies within {label} days before as_of (and not after it)",
                     "ko": f"{ref.text}이(가) 기준일(as_of) 이전 {label}일 이내(기준일 이후 아님)"},
                    holds=holds, staged=staged)


def _span(spec: Any, env: Env, sub: SubCompile) -> Compiled:
    require_keys(spec, env, {"start", "end", "days"})
    start = compile_path(spec["start"], env)
    end = compile_path(spec["end"], env)
    days, label = param_int(spec["days"], env, "days")

    def test(ctx: Ctx) -> list[Failure] | None:
        first = as_date(start.get(ctx), start.text)
        last = as_date(end.get(ctx), end.text)
        span = (last - first).days
        if 0 <= span <= days:
            return None
        return [Failure(end.concrete(ctx), "span_at_most_days", span, days, label)]

    first_of, last_of = start.fetch, end.fetch

    def holds(ctx: Ctx) -> bool:
        return 0 <= (fast_date(last_of(ctx)) - fast_date(first_of(ctx))).days <= days

    return Compiled(test, (start.schema_path, end.schema_path),
                    {"en": f"{end.text} is on or after {start.text} and at most {label} days later",
                     "ko": f"{end.text}이(가) {start.text} 이후이며 그 차이가 {label}일 이내"},
                    holds=holds)


def add_months(day: dt.date, months: int) -> dt.date | None:
    """The corresponding day ``months`` later (negative: earlier); None when that month has
    no such day (31 August + 6 months)."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    if day.day > calendar.monthrange(year, month + 1)[1]:
        return None
    return dt.date(year, month + 1, day.day)


def period_end(start: dt.date, years: int = 0, months: int = 0) -> dt.date:
    """Last day of a period of years/months that begins on (and counts) ``start``, by the
    calendar (Civil Act Art. 160): the day before the corresponding day; when the final
    month has no corresponding day, the last day of that month.

    2024-09-27 + 2 years → 2026-09-26; 2024-02-29 + 2 years → 2026-02-28;
    2024-08-31 + 6 months → 2025-02-28."""
    total = years * 12 + months
    same = add_months(start, total)
    if same is not None:
        return same - dt.timedelta(days=1)
    index = start.year * 12 + (start.month - 1) + total
    year, month = divmod(index, 12)
    return dt.date(year, month + 1, calendar.monthrange(year, month + 1)[1])


def _span_years(spec: Any, env: Env, sub: SubCompile) -> Compiled:
    require_keys(spec, env, {"start", "end", "years"})
    start = compile_path(spec["start"], env)
    end = compile_path(spec["end"], env)
    years, label = param_int(spec["years"], env, "years")
    if years > 100:
        raise RuleSyntaxError("years must be at most 100", env.where)

    def test(ctx: Ctx) -> list[Failure] | None:
        first = as_date(start.get(ctx), start.text)
        last = as_date(end.get(ctx), end.text)
        limit = period_end(first, years)
        if first <= last <= limit:
            return None
        return [Failure(end.concrete(ctx), "span_at_most_years", last.isoformat(),
                        limit.isoformat(), label)]

    return Compiled(test, (start.schema_path, end.schema_path),
                    {"en": f"{end.text} is on or after {start.text} and no later than the last "
                           f"day of a period of {label} calendar year(s) starting on it",
                     "ko": f"{end.text}이(가) {start.text} 이후이며, 그날부터 {label}년인 기간의 "
                           "마지막 날 이전(당일 포함)"})


_PV = {"type": "object", "required": ["path", "value"], "additionalProperties": False,
       "properties": {"path": {"type": "string"},
                      "value": {"description": "a date, {path: P} or {as_of: days}"}}}
OPERATORS = {
    name: Operator(name, "dates", _comparison(name), summary, example, _PV)
    for name, summary, example in [
        ("date_le", "the date field is on or before the value",
         {"path": "designation.designated_on", "value": {"as_of": 0}}),
        ("date_ge", "the date field is on or after the value",
         {"path": "designation.valid_until", "value": {"as_of": 0}}),
        ("date_lt", "the date field is strictly before the value",
         {"path": "governance.risk_assessment.approved_on",
          "value": {"path": "designation.designated_on"}}),
        ("date_gt", "the date field is strictly after the value",
         {"path": "designation.valid_until", "value": "2024-09-27"}),
    ]
}
OPERATORS["within_days"] = Operator(
    "within_days", "dates", _within_days,
    "the date field is no more than N days before as_of, and not after it (\"not overdue\")",
    {"path": "governance.self_assessment.last_performed_on", "days": 183},
    {"type": "object", "required": ["path", "days"], "additionalProperties": False,
     "properties": {"path": {"type": "string"}, "days": _DAYS}})
OPERATORS["span_at_most_days"] = Operator(
    "span_at_most_days", "dates", _span,
    "the end date is on or after the start date and at most N days later",
    {"start": "designation.designated_on", "end": "designation.valid_until", "days": 731},
    {"type": "object", "required": ["start", "end", "days"], "additionalProperties": False,
     "properties": {"start": {"type": "string"}, "end": {"type": "string"}, "days": _DAYS}})
OPERATORS["span_at_most_years"] = Operator(
    "span_at_most_years", "dates", _span_years,
    "the end date is on or after the start date and no later than the last day of a period of "
    "N calendar years that starts on it (2 years from 2024-09-27 end on 2026-09-26)",
    {"start": "designation.designated_on", "end": "designation.valid_until", "years": 2},
    {"type": "object", "required": ["start", "end", "years"], "additionalProperties": False,
     "properties": {"start": {"type": "string"}, "end": {"type": "string"},
                    "years": {"description": "a whole number of years, or {param: N}"}}})
