"""``policy lint`` and ``policy test`` over a :class:`~netsep_check.authoring.targets.Plan`:
each pack in turn, one line per pack saying what was done, and never a pass on nothing."""

from __future__ import annotations

from pathlib import Path

from netsep_check._record import record
from netsep_check.authoring.cases import run_cases
from netsep_check.authoring.lint import lint_pack
from netsep_check.authoring.targets import Plan, Target, plan
from netsep_check.errors import EXIT_FAIL, EXIT_INPUT, EXIT_OK, Problem


@record
class Outcome:
    """What a policy command prints (``lines``), the problems it found, and its exit code."""

    lines: tuple[str, ...]
    problems: tuple[Problem, ...]
    code: int


def _unique(problems: list[Problem]) -> list[Problem]:
    """A shared file's problem is found once per pack that uses it: say it once."""
    seen: set[str] = set()
    out = []
    for problem in problems:
        if str(problem) not in seen:
            seen.add(str(problem))
            out.append(problem)
    return out


def _shared_lines(work: Plan) -> list[str]:
    return [*(f"{file}: shared, checked with pack {', '.join(users)}"
              for file, users in work.shared),
            *(f"WARN {file}: in a pack's folder, but no pack lists it (rule_files, "
              "parameter_files): not checked" for file in work.unused)]


def _broken(work: Plan) -> tuple[list[str], list[Problem]]:
    lines: list[str] = []
    problems: list[Problem] = []
    for label, found in work.broken:
        lines.append(f"{label}: cannot be loaded ({len(found)} problem{'s' * (len(found) != 1)})")
        problems.extend(found)
    return lines, problems


def _what(target: Target) -> str:
    files = f" (with parameter file {', '.join(target.parameter_files)})" \
        if target.parameter_files else ""
    if target.own is None:
        return f"pack {target.pack.id}"
    return f"{len(target.own)} rules on pack {target.pack.id}{files}"


def run_lint(target: Path | str, base_pack: str | None = None) -> Outcome:
    work = plan(target, base_pack)
    lines, problems = _broken(work)
    for item in work.targets:
        found = _unique(lint_pack(item.pack, item.own))
        count = len(item.pack.rules) if item.own is None else len(item.own)
        state = "clean" if not found else f"{len(found)} problem{'s' * (len(found) != 1)}"
        lines.append(f"{item.label}: {_what(item)}: {count} rules linted, {state}")
        problems.extend(found)
    lines.extend(_shared_lines(work))
    problems = _unique(problems)
    return Outcome(tuple(lines), tuple(problems), EXIT_INPUT if problems else EXIT_OK)


def _case_lines(item: Target, verbose: bool, inherited: bool) -> tuple[list[str], int, int]:
    """The lines for one target, its number of cases and of mismatches (-1: none ran)."""
    only = item.own
    if only is None and item.inherited and not inherited:  # the base pack's cases are its own
        only = frozenset(rule.id for rule in item.pack.rules if rule.id not in item.inherited)
    results, coverage = run_cases(item.pack, None if only is None else set(only))
    bad = [r for r in results if not r.ok]
    lines = []
    for result in results:
        if verbose or not result.ok:
            mark = "ok  " if result.ok else "FAIL"
            lines.append(f"{mark} {result.rule.id} [{result.name}] expected {result.expected}, "
                         f"got {result.actual}" + (f" — {result.detail}" if not result.ok
                                                   and result.detail else ""))
    lacking = [c for c in coverage if not c.complete]
    for c in lacking:
        missing = [w for w, has in (("passing", c.has_pass), ("failing", c.has_fail)) if not has]
        lines.append(f"WARN {c.rule.id} ({c.rule.file}) has no {' and no '.join(missing)} case")
    if not results:
        why = ("it has no rules of its own" if not coverage
               else f"none of its {len(coverage)} rules carries a test case")
        hint = "; --inherited runs the base pack's cases too" if item.inherited and not \
            inherited else ""
        lines.append(f"{item.label}: {_what(item)}: no test case ran — {why}{hint}")
    else:
        lines.append(f"{item.label}: {_what(item)}: {len(results) - len(bad)} passed, "
                     f"{len(bad)} failed ({len(results)} cases over {len(coverage)} rules; "
                     f"{len(lacking)} rules lack a passing or failing case)")
    return lines, len(results), len(bad)


def run_tests(target: Path | str, base_pack: str | None = None, verbose: bool = False,
                 inherited: bool = False) -> Outcome:
    """Run the cases of each pack of ``target``; exit 1 on a mismatch, 2 when a pack (or the
    whole run) executes no case — a test run that tests nothing must not read as a pass."""
    work = plan(target, base_pack)
    lines, problems = _broken(work)
    total = failed = 0
    empty = []
    for item in work.targets:
        found, cases, bad = _case_lines(item, verbose, inherited)
        lines.extend(found)
        total += cases
        failed += bad
        if not cases:
            empty.append(item.label)
    lines.extend(_shared_lines(work))
    if len(work.targets) > 1:
        lines.append(f"{total - failed} passed, {failed} failed over {len(work.targets)} packs")
    for label in empty:
        problems.append(Problem(label, "no test case ran: a test run that tests nothing "
                                "proves nothing (add `tests:` to the rules)"))
    if not work.targets and not problems:
        problems.append(Problem(str(target), "no test case ran: nothing to test"))
    code = EXIT_INPUT if problems else EXIT_FAIL if failed else EXIT_OK
    return Outcome(tuple(lines), tuple(_unique(problems)), code)

