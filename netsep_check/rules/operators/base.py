"""What every operator shares: the evaluation context, failures, operands and field paths.

A condition compiles once into a :class:`Compiled`: a plain closure ``test(ctx)`` that returns
``None`` when the condition holds and a list of :class:`Failure` leaves when it does not, the
field paths it reads (for lint and reports), and its meaning in plain words (for ``explain``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
import threading
from collections.abc import Callable
from dataclasses import field
from typing import Any

from netsep_check._record import record

Path = tuple[str | int, ...]
MAX_DAYS = 36_525  # a century: the longest span a date rule may name
# Elements of a profile's lists that one judgment may examine in detail (a quantifier's
# detailed check of an element: one that fails, or that the fast check cannot pass), over
# all its rules: what bounds a profile under the size limit to a few seconds (800,000 failing
# own categories took 13 s). Beyond it the profile is refused (an input error), never judged
# on part of its elements.
MAX_DETAILED = 500_000


class Ctx:
    """What a compiled condition sees: the profile, the judging date and bound variables."""

    __slots__ = ("as_of", "detailed", "evidence", "root", "vars")

    def __init__(self, root: Any, as_of: dt.date, evidence: Any = None) -> None:
        self.root = root
        self.as_of = as_of
        self.evidence = evidence  # evidence-file records (None: not verified in this run)
        self.vars: dict[str, tuple[Any, Path]] = {}
        # elements this judgment may still examine in detail (see MAX_DETAILED, spend)
        self.detailed = MAX_DETAILED

    def spend(self) -> None:
        """One element examined in detail; :class:`TooMuchToJudge` past the limit."""
        self.detailed -= 1
        if self.detailed < 0:
            raise TooMuchToJudge


class TooMuchToJudge(Exception):
    """A judgment examined more list elements in detail than :data:`MAX_DETAILED`; evaluation
    refuses the profile. Not an :class:`EvalError`, which an ``all`` stops at once a part
    has failed (a rule judged on part of a list could look known to a baseline); a fast
    check that catches everything may swallow it, so evaluation also reads the count
    (``Ctx.detailed`` below zero) when it ends."""


class EvalError(Exception):
    """A rule cannot be judged on this profile (missing field, wrong type): status ``error``.

    ``reason`` says why (``eval_missing``, ``eval_null``, ``eval_not_list``, ...); ``subject``
    names the field or operand, ``value`` the value found, ``operator`` the comparison: the
    failure leaf carries them and ``report/`` words them in the reader's language. ``message``
    is the English sentence, for logs and tracebacks.
    """

    def __init__(self, message: str, path: Path | None = None, *, reason: str = "error",
                 subject: str | None = None, value: Any = None,
                 operator: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.path = path
        self.reason = reason
        self.subject = subject
        self.value = value
        self.operator = operator

    def failure(self) -> Failure:
        """The failure leaf that says why the rule could not be judged."""
        if self.reason == "error":
            return Failure(self.path, "error", self.message)
        return Failure(self.path, self.reason, self.value, self.operator, self.subject)


class RuleSyntaxError(Exception):
    """A condition that does not compile; the pack loader adds file and line."""

    def __init__(self, message: str, where: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.where = where  # e.g. ``check.all[1].subset``


@record(slots=True)
class Failure:
    """One leaf of a failed condition: what was found where, and what was expected."""

    path: Path | None
    code: str  # names a message template in ``report.i18n``
    actual: Any = None
    expected: Any = None
    against: str | None = None  # where ``expected`` came from: a path, a parameter, a literal


Test = Callable[[Ctx], "list[Failure] | None"]
Holds = Callable[[Ctx], bool]


class Fallback(Exception):
    """Raised by a fast check (:attr:`Compiled.holds`) that cannot say: judge in detail."""


# what fast checks raise: the class, so that each raise makes a fresh exception (one instance
# raised again and again would keep every traceback it went through)
FALLBACK = Fallback


class Unstaged(Fallback):
    """Raised by a staged check (:attr:`Compiled.staged`) that cannot say on this element
    because it leaves part of its condition to the bound path (an ``any`` whose staged parts
    do not hold): the quantifier asks the bound fast check instead."""


Stage = Callable[[Ctx], Callable[[Any], bool]]


class PerJudgment:
    """What is made from a list of the profile under judgment (its members, an index, a
    union), kept by the list's identity for that judgment only: one slot, the context and
    its table, read and replaced at once. A thread judging another profile never reads this
    one's table, nothing outlives the profile (a batch's memory stays flat), and a profile
    changed between two judgments is read afresh."""

    __slots__ = ("slot",)

    def __init__(self) -> None:
        self.slot: tuple[Any, dict[int, tuple[Any, Any]]] = (None, {})

    def get(self, ctx: Ctx, container: Any, make: Callable[[Any], Any]) -> Any:
        """``make(container)``, once per list and judgment."""
        judging, table = self.slot
        if judging is not ctx:  # another judgment: its lists only (bounded by its profile)
            table = {}
            self.slot = (ctx, table)
        entry = table.get(id(container))
        if entry is None or entry[0] is not container:
            entry = (container, make(container))
            table[id(container)] = entry
        return entry[1]


@record
class Probe:
    """What an ``eq`` of a bound variable's field with a value not bound to that variable is:
    a lookup. ``some`` uses it to find a match through an index of its list instead of
    testing every element (a join of n ids against n providers costs n, not n²)."""

    var: str
    keys: Path  # the field under the variable
    value: Callable[[Ctx], Any]  # the other side
    # the other side when it is a field of another bound variable: (that variable, its keys)
    other: tuple[str, Path] | None = field(default=None, compare=False)


@record
class Compiled:
    """A compiled condition.

    ``test`` is the detailed check: None when the condition holds, else its failure leaves.
    ``holds`` is the fast check the engine runs first: it builds no leaf and no path, and
    answers only yes or no. Its contract: when it returns, ``test`` on the same context would
    return normally, with no leaf exactly when ``holds`` says True; whenever it cannot be sure
    (a missing field, a wrong type, a null) it raises, and the rule is judged in detail. So a
    verdict and its details always come from ``test``; ``holds`` only spares building details
    for a condition that holds. An operator that gives no ``holds`` gets ``not test(ctx)``.
    """

    test: Test
    reads: tuple[str, ...]  # schema-style paths read, ``[]`` for every element of a list
    text: dict[str, str] = field(default_factory=dict)  # plain words, by language
    probe: Probe | None = None  # set by ``eq`` when it is a lookup (see :class:`Probe`)
    holds: Holds = field(default=None, compare=False, repr=False)  # type: ignore[assignment]
    # when the condition reads one bound variable alone: (that variable, the same yes/no as a
    # function of its value), so a quantifier can test its elements without binding them
    unary: tuple[str, Callable[[Any], bool]] | None = field(default=None, compare=False,
                                                            repr=False)
    # when the condition reads one bound variable and otherwise only the profile, as_of and
    # constants: (that variable, ``stage``), where ``stage(ctx)`` reads what does not depend
    # on the variable, once, and returns the yes/no as a function of the variable's value (a
    # quantifier stages once, then tests each element without binding it). The contract of
    # ``holds`` holds for the function: it answers only what ``test`` would say with the
    # variable bound to that value; ``stage`` or the function raise whenever they cannot say
    # (``Unstaged`` when the bound fast check might still say). A ``unary`` condition is staged.
    staged: tuple[str, Stage] | None = field(default=None, compare=False, repr=False)
    # a common shape a quantifier tests inline, without a call per element (data, not code):
    # ("text", var, key, text, slow): ``var.key == text`` (``slow(value)`` answers for a value
    # that is not a text); ("member", var, texts, positive, on_value): ``var`` itself is
    # (``positive``) or is not one of the constant texts (``on_value`` answers for a value
    # that is not a text). Each answers exactly as ``unary`` does. ("contained", var,
    # members_now, rest): ``var`` itself is in a list of the profile whose members (texts
    # and canonical keys) ``members_now(ctx)`` gives (or raises); ``rest``: what decides for a
    # value not in the list (an ``any`` whose first part it is): False, nothing (the
    # condition fails); "staged", other parts that are all staged; True, other parts.
    # ("whole", var, every_holds): ``var`` itself, as ``unary`` reads it; ``every_holds(a
    # list)`` is True only when ``unary`` holds for every element, else None (ask each).
    shape: tuple[Any, ...] | None = field(default=None, compare=False, repr=False)

    def __post_init__(self) -> None:
        if self.holds is None:
            test = self.test
            object.__setattr__(self, "holds", lambda ctx: not test(ctx))
        if self.staged is None and self.unary is not None:
            var, on_item = self.unary
            object.__setattr__(self, "staged", (var, lambda ctx: on_item))


@record(frozen=False)
class Env:
    """Compile-time environment: pack parameters and the variable names in scope."""

    params: dict[str, Any]
    variables: dict[str, str] = field(default_factory=dict)  # name → schema path of its element
    where: str = "check"

    def at(self, step: str) -> Env:
        return Env(self.params, self.variables, f"{self.where}.{step}")

    def bind(self, name: str, schema_path: str) -> Env:
        return Env(self.params, {**self.variables, name: schema_path}, self.where)


_SEGMENT = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)((?:\[-?[0-9]+\])*)")


@record
class PathRef:
    """A compiled field path, rooted at the profile or at a bound variable."""

    text: str
    var: str | None
    keys: Path
    schema_path: str  # with the variable replaced by the path it ranges over
    # the value, for fast checks: raises (KeyError, IndexError, TypeError or Fallback for a
    # null) where :meth:`get` raises EvalError, and costs no message and no path
    fetch: Callable[[Ctx], Any] = field(default=None, compare=False, repr=False)  # type: ignore[assignment]

    def __post_init__(self) -> None:
        if self.fetch is None:
            object.__setattr__(self, "fetch", fetcher(self.var, self.keys))

    def get(self, ctx: Ctx) -> Any:
        """The value at this path, or :class:`EvalError` when it is absent."""
        try:
            return self.fetch(ctx)  # the common case: there, and not null
        except (KeyError, IndexError, TypeError, Fallback):
            pass  # walk again, to say where it stops
        cur = ctx.root if self.var is None else ctx.vars[self.var][0]
        for key in self.keys:
            try:
                cur = cur[key]
            except (KeyError, IndexError, TypeError):
                raise EvalError(f"{self.text} is not in the profile", self.concrete(ctx),
                                reason="eval_missing", subject=self.text) from None
        if cur is None:
            raise EvalError(f"{self.text} is empty (null)", self.concrete(ctx),
                            reason="eval_null", subject=self.text)
        return cur

    def present(self, ctx: Ctx) -> bool:
        """Whether :meth:`get` would find a value (without making its error)."""
        if self.var is not None:
            ctx.vars[self.var]  # an unbound variable raises, as in get
        try:
            self.fetch(ctx)
        except (KeyError, IndexError, TypeError, Fallback):
            return False
        return True

    def concrete(self, ctx: Ctx) -> Path:
        """The path in the profile, with the variable's own position filled in."""
        base: Path = () if self.var is None else ctx.vars[self.var][1]
        return (*base, *self.keys)


def fetcher(var: str | None, keys: Path) -> Callable[[Ctx], Any]:
    """A closure reading ``keys`` under the profile (``var`` None) or under a bound variable;
    the common lengths unrolled. A null raises :class:`Fallback`; an absent key raises what
    indexing raises."""
    n = len(keys)
    if var is None and n == 1:
        (a,) = keys

        def fetch(ctx: Ctx) -> Any:
            value = ctx.root[a]
            if value is None:
                raise FALLBACK
            return value
    elif var is None and n == 2:
        a, b = keys

        def fetch(ctx: Ctx) -> Any:
            value = ctx.root[a][b]
            if value is None:
                raise FALLBACK
            return value
    elif var is None and n == 3:
        a, b, c = keys

        def fetch(ctx: Ctx) -> Any:
            value = ctx.root[a][b][c]
            if value is None:
                raise FALLBACK
            return value
    elif var is None and n == 4:
        a, b, c, d = keys

        def fetch(ctx: Ctx) -> Any:
            value = ctx.root[a][b][c][d]
            if value is None:
                raise FALLBACK
            return value
    elif var is None and n == 5:
        a, b, c, d, e = keys

        def fetch(ctx: Ctx) -> Any:
            value = ctx.root[a][b][c][d][e]
            if value is None:
                raise FALLBACK
            return value
    elif var is not None and n == 0:
        def fetch(ctx: Ctx) -> Any:
            value = ctx.vars[var][0]
            if value is None:
                raise FALLBACK
            return value
    elif var is not None and n == 1:
        (a,) = keys

        def fetch(ctx: Ctx) -> Any:
            value = ctx.vars[var][0][a]
            if value is None:
                raise FALLBACK
            return value
    elif var is not None and n == 2:
        a, b = keys

        def fetch(ctx: Ctx) -> Any:
            value = ctx.vars[var][0][a][b]
            if value is None:
                raise FALLBACK
            return value
    else:
        def fetch(ctx: Ctx) -> Any:
            value = ctx.root if var is None else ctx.vars[var][0]
            for key in keys:
                value = value[key]
            if value is None:
                raise FALLBACK
            return value
    return fetch


def walker(keys: Path) -> Callable[[Any], Any]:
    """:func:`fetcher` from a given value rather than from the context: the value at ``keys``
    under it; a null raises :class:`Fallback`, an absent key what indexing raises."""
    if not keys:
        def walk(value: Any) -> Any:
            if value is None:
                raise FALLBACK
            return value
    elif len(keys) == 1:
        (a,) = keys

        def walk(value: Any) -> Any:
            value = value[a]
            if value is None:
                raise FALLBACK
            return value
    elif len(keys) == 2:
        a, b = keys

        def walk(value: Any) -> Any:
            value = value[a][b]
            if value is None:
                raise FALLBACK
            return value
    else:
        def walk(value: Any) -> Any:
            for key in keys:
                value = value[key]
            if value is None:
                raise FALLBACK
            return value
    return walk


_PATHS: dict[tuple[str, tuple[tuple[str, str], ...]], PathRef] = {}  # a pack repeats its paths


def compile_path(text: Any, env: Env) -> PathRef:
    """Parse ``a.b[0].c``; the first segment may be a variable bound by a quantifier. A path
    is immutable: the same text under the same bound variables is compiled once."""
    if not isinstance(text, str) or not text:
        raise RuleSyntaxError(f"a field path must be a non-empty string, got {text!r}", env.where)
    key = (text, tuple(env.variables.items()))
    known = _PATHS.get(key)
    if known is None:
        known = _compile_path(text, env)
        if len(_PATHS) < 4096:
            _PATHS[key] = known
    reading = getattr(_COMPILING, "reading", None)
    if known.var is not None and reading:
        reading[-1].add(known.var)
    return known


_COMPILING = threading.local()


def reading() -> list[set[str]]:
    """The variables read by the conditions this thread is compiling, innermost last (see
    rules.compiler.compile_condition): every read of a bound variable goes through
    :func:`compile_path`."""
    found: list[set[str]] | None = getattr(_COMPILING, "reading", None)
    if found is None:
        found = _COMPILING.reading = []
    return found


def once_per_judgment(compiled: Compiled) -> Compiled:
    """``compiled`` answering once per judgment: for a condition inside a quantifier that
    reads none of the variables bound around it (``exists: usage.own_data_categories`` in
    the check of each of 100,000 categories), whose verdict, leaves and error are the same
    for every element. Kept by the context's identity, as :class:`PerJudgment` keeps its
    tables; leaves are handed out as new lists, an error raised again without the frames it
    went through before."""
    test, holds = compiled.test, compiled.holds
    tested: list[Any] = [(None, False, None)]  # (ctx, returned, leaves or the error)
    held: list[Any] = [(None, None)]  # (ctx, the fast check's yes or no)

    def test_once(ctx: Ctx) -> list[Failure] | None:
        judging, returned, outcome = tested[0]
        if judging is not ctx:
            try:
                found = test(ctx)
            except EvalError as exc:
                tested[0] = (ctx, False, exc)
                raise
            tested[0] = (ctx, True, None if found is None else tuple(found))
            return found
        if not returned:
            raise outcome.with_traceback(None)
        return None if outcome is None else list(outcome)

    def holds_once(ctx: Ctx) -> bool:
        judging, answer = held[0]
        if judging is not ctx:
            answer = bool(holds(ctx))  # a fast check that cannot say raises: asked again
            held[0] = (ctx, answer)
        return answer  # type: ignore[no-any-return]

    return dataclasses.replace(compiled, test=test_once, holds=holds_once)


def _compile_path(text: str, env: Env) -> PathRef:
    keys: list[str | int] = []
    schema_parts: list[str] = []
    for segment in text.split("."):
        match = _SEGMENT.fullmatch(segment)
        if not match:
            raise RuleSyntaxError(f"malformed field path {text!r} at {segment!r}", env.where)
        keys.append(match.group(1))
        schema_parts.append(match.group(1))
        for index in re.findall(r"\[(-?[0-9]+)\]", match.group(2)) if match.group(2) else ():
            keys.append(int(index))
            schema_parts[-1] += "[]"
    var = None
    schema_path = ".".join(schema_parts)
    if keys[0] in env.variables:
        var = str(keys.pop(0))
        rest = ".".join(schema_parts[1:])
        schema_path = env.variables[var] + ("." + rest if rest else "")
    return PathRef(text, var, tuple(keys), schema_path)


def var_path(operand: Any, env: Env) -> tuple[str, Path] | None:
    """(variable, keys) when ``operand`` is ``{path: P}`` rooted at a bound variable."""
    if isinstance(operand, dict) and len(operand) == 1 and "path" in operand:
        ref = compile_path(operand["path"], env)
        if ref.var is not None:
            return ref.var, ref.keys
    return None


def reads_no_variable(operand: Any, env: Env) -> bool:
    """Whether ``operand`` (a literal, parameter, as_of or path) reads no bound variable."""
    return not (isinstance(operand, dict) and len(operand) == 1 and "path" in operand
                and compile_path(operand["path"], env).var is not None)


@record
class Operand:
    """The right-hand side of a comparison: a literal, a field path, a parameter or as_of."""

    get: Callable[[Ctx], Any]
    label: str  # how a message names it
    reads: tuple[str, ...] = ()
    constant: bool = True
    # for fast checks: raises where ``get`` raises (see :attr:`PathRef.fetch`)
    fetch: Callable[[Ctx], Any] = field(default=None, compare=False, repr=False)  # type: ignore[assignment]

    def __post_init__(self) -> None:
        if self.fetch is None:
            object.__setattr__(self, "fetch", self.get)

    @property
    def value(self) -> Any:
        """A constant operand's value (a literal or a parameter), read once at compile time."""
        return self.get(_NO_CTX)


def compile_operand(spec: Any, env: Env) -> Operand:
    """``{path: P}``, ``{param: N}``, ``{as_of: DAYS}`` or a literal value."""
    if isinstance(spec, dict) and len(spec) == 1:
        (kind, arg), = spec.items()
        if kind == "path":
            ref = compile_path(arg, env)
            return Operand(ref.get, ref.text, (ref.schema_path,), constant=False,
                           fetch=ref.fetch)
        if kind == "param":
            if arg not in env.params:
                known = ", ".join(sorted(env.params)) or "none"
                raise RuleSyntaxError(f"unknown parameter {arg!r} (the pack defines: {known})",
                                      env.where)
            value = env.params[arg]
            return Operand(lambda ctx: value, f"{_literal(value)} ({arg})")
        if kind == "as_of":
            if not isinstance(arg, int) or isinstance(arg, bool) or abs(arg) > MAX_DAYS:
                raise RuleSyntaxError("as_of takes a whole number of days (0 for as_of itself), "
                                      f"at most {MAX_DAYS} either way", env.where)
            delta = dt.timedelta(days=arg)
            label = "as_of" if arg == 0 else f"as_of {arg:+d} days"
            return Operand(lambda ctx: ctx.as_of + delta, label, constant=False)
    if isinstance(spec, dict):
        raise RuleSyntaxError("an operand is a literal, {path: ...}, {param: ...} or "
                              f"{{as_of: days}}, not {spec!r}", env.where)
    return Operand(lambda ctx: spec, _literal(spec))


_NO_CTX = Ctx({}, dt.date.min)


def param_int(spec: Any, env: Env, what: str) -> tuple[int, str]:
    """A whole number given literally or as ``{param: name}``, resolved at compile time."""
    operand = compile_operand(spec, env)
    value = operand.get(Ctx(None, dt.date.min))
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= MAX_DAYS:
        raise RuleSyntaxError(f"{what} must be a whole number of days from 0 to {MAX_DAYS}, "
                              f"got {value!r}", env.where)
    return value, operand.label


def _literal(value: Any) -> str:
    if isinstance(value, list):
        return "[" + ", ".join(_literal(v) for v in value) + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def require_keys(spec: Any, env: Env, required: set[str],
                 optional: frozenset[str] | set[str] = frozenset()) -> dict[str, Any]:
    """Check an operator's argument mapping: exactly the keys it understands."""
    if not isinstance(spec, dict):
        raise RuleSyntaxError(f"expects a mapping with {', '.join(sorted(required))}", env.where)
    missing = required - spec.keys()
    unknown = spec.keys() - required - optional
    if missing:
        raise RuleSyntaxError(f"missing {', '.join(sorted(missing))}", env.where)
    if unknown:
        raise RuleSyntaxError(f"unknown argument {', '.join(sorted(unknown))} (allowed: "
                              f"{', '.join(sorted(required | optional))})", env.where)
    return spec


IF_EMPTY_SCHEMA = {"enum": ["pass", "fail"],
                   "description": "the verdict when the list (after `where`) has no element"}


def empty_case(spec: dict[str, Any], env: Env) -> str | None:
    """The ``if_empty`` a quantifier or set operator states: ``pass``, ``fail`` or None."""
    value = spec.get("if_empty")
    if value is not None and value not in ("pass", "fail"):
        raise RuleSyntaxError(f"if_empty is pass or fail, not {value!r}", env.where)
    return value


def empty_text(text: dict[str, str], if_empty: str | None, label: str) -> dict[str, str]:
    """The plain words of a condition, with its stated empty case."""
    if if_empty is None:
        return text
    en = "holds" if if_empty == "pass" else "fails"
    ko = "충족으로 봄" if if_empty == "pass" else "위반으로 봄"
    return {"en": f"{text['en']} (if {label} has no such item, the condition {en})",
            "ko": f"{text['ko']} ({label}에 해당 항목이 없으면 {ko})"}


def as_date(value: Any, where: str) -> dt.date:
    """A profile date: ISO string or a date object."""
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    raise EvalError(f"{where} is {value!r}, not a date (YYYY-MM-DD)", reason="eval_not_date",
                    subject=where, value=value)


def show(value: Any) -> str:
    """A value as messages print it."""
    return _literal(value.isoformat() if isinstance(value, dt.date) else value)
