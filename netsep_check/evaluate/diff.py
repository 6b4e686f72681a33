"""Compare two verdicts: ``netsep-check diff BASE HEAD`` and ``check --baseline REPORT``.

Each side is a profile (evaluated here) or a JSON report written by ``check --format json``;
which one is told by content, not by file name. A rule is failing when its status is
``fail`` or ``error`` (``waived`` is not failing). The diff lists the rules that newly fail
(failing in HEAD, not failing or absent in BASE), newly pass (failing in BASE, evaluated and
not failing in HEAD), still fail (failing in both), and the rules failing in BASE that HEAD
no longer evaluates. Only newly failing rules make the diff fail.

A baseline is a JSON report (one report or a batch): ``check --baseline`` then lets only
failing findings whose rule was not failing in the baseline report of the same profile trip
the gate.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rich.cells import cell_len

from netsep_check import __version__
from netsep_check.errors import InputError, Problem
from netsep_check.evaluate.findings import STATUSES, Report
from netsep_check.i18n import ui
from netsep_check.load import DEFAULT_MAX_BYTES, Document, format_path, load_document
from netsep_check.report.json_report import FORMAT_ID, FORMAT_VERSION
from netsep_check.rules.model import SEVERITIES

REPORT_FORMATS = (FORMAT_ID, FORMAT_ID + "-batch")
DIFF_FORMAT_ID = "netsep-check-diff"
FAILING = ("fail", "error")

# Sentences of this module, (en, ko). Kept here rather than in i18n.py: they are diff-only.
_TEXT: dict[str, tuple[str, str]] = {
    "base": ("Base", "기준"), "head": ("Head", "비교 대상"),
    "profile": ("profile", "프로파일"), "report": ("report", "보고서"),
    "as_of": ("as of", "기준일"), "pack": ("pack", "정책 팩"),
    "newly_failing": ("Newly failing", "새로 위반"),
    "newly_passing": ("Newly passing", "새로 통과"),
    "still_failing": ("Still failing", "계속 위반"),
    "dropped": ("Failing in base, no longer evaluated", "기준에서 위반, 더 이상 평가되지 않음"),
    "absent": ("(absent)", "(없음)"),
    "none": ("none", "없음"),
    "verdict_fail": ("NEW FAILURES: {n} rule(s) newly fail", "신규 위반: 새로 위반된 규칙 {n}건"),
    "verdict_pass": ("NO NEW FAILURE", "신규 위반 없음"),
    "notes": ("Notes", "참고"),
}


def _say(key: str, lang: str, **fields: Any) -> str:
    en, ko = _TEXT[key]
    return (ko if lang == "ko" else en).format(**fields)


@dataclass(frozen=True)
class RuleState:
    """One rule's verdict on one side."""

    rule_id: str
    status: str
    severity: str
    area: str
    title: dict[str, str]

    @property
    def failing(self) -> bool:
        return self.status in FAILING


@dataclass
class Side:
    """One side of a comparison: the verdict of every rule on one profile."""

    source: str  # the file given
    kind: str  # "profile" or "report"
    profile_file: str
    firm: str
    as_of: str
    pack_id: str
    pack_version: str
    pack_digest: str
    rules: dict[str, RuleState]

    @property
    def failing(self) -> set[str]:
        return {rule_id for rule_id, state in self.rules.items() if state.failing}

    def as_dict(self) -> dict[str, Any]:
        return {"source": self.source, "kind": self.kind, "profile_file": self.profile_file,
                "firm": self.firm, "as_of": self.as_of,
                "pack": {"id": self.pack_id, "version": self.pack_version,
                         "digest": self.pack_digest}}


def side_from_report(report: Report, source: str | None = None) -> Side:
    rules = {f.rule.id: RuleState(f.rule.id, f.status, f.rule.severity, f.rule.area,
                                  dict(f.rule.title)) for f in report.findings}
    return Side(source or report.profile_file, "profile", report.profile_file, report.firm,
                report.as_of.isoformat(), report.pack.id, report.pack.version,
                report.pack.digest, rules)


# --- JSON reports ---------------------------------------------------------------------------

def is_report_document(data: Any) -> bool:
    """A JSON report of ours (one report or a batch), told by its content."""
    if not isinstance(data, dict):
        return False
    if data.get("format") in REPORT_FORMATS:
        return True
    if "profile_version" in data:
        return False
    # another document of ours (a diff, ...) or a report without its format: read as a
    # report, which names what is wrong, rather than as a profile missing every key
    return isinstance(data.get("format"), str) or "findings" in data or "reports" in data


def _checker(document: Document, problems: list[Problem]) -> Callable[..., bool]:
    def need(ok: bool, path: tuple, message: str) -> bool:
        if not ok:
            position = document.position(path) or (None, None)
            problems.append(Problem(document.file, message, position[0], position[1],
                                    format_path(path) or "(top level)"))
        return ok
    return need


def _side_from_entry(document: Document, entry: Any, base: tuple,
                     need: Callable[..., bool]) -> Side | None:
    if not need(isinstance(entry, dict), base, "a report must be a mapping"):
        return None
    profile = entry.get("profile")
    pack = entry.get("pack") if isinstance(entry.get("pack"), dict) else {}
    findings = entry.get("findings")
    ok = need(isinstance(profile, dict) and isinstance(profile.get("file"), str),
              (*base, "profile"), "missing profile.file (the profile the report is about)")
    ok = need(isinstance(findings, list), (*base, "findings"),
              "missing findings (a list)") and ok
    if not ok:
        return None
    rules: dict[str, RuleState] = {}
    for index, item in enumerate(findings):
        path = (*base, "findings", index)
        if not need(isinstance(item, dict) and isinstance(item.get("rule_id"), str), path,
                    "a finding needs a rule_id"):
            continue
        status = item.get("status")
        if not need(status in STATUSES, (*path, "status"),
                    f"status {status!r} is not one of: {', '.join(STATUSES)}"):
            continue
        title = item.get("title") if isinstance(item.get("title"), dict) else {}
        rules[item["rule_id"]] = RuleState(item["rule_id"], status,
                                           str(item.get("severity", "")),
                                           str(item.get("area", "")),
                                           {k: str(v) for k, v in title.items()})
    return Side(document.file, "report", profile["file"], str(profile.get("firm", "")),
                str(entry.get("as_of", "")), str(pack.get("id", "")),
                str(pack.get("version", "")), str(pack.get("digest", "")), rules)


def sides_from_report_document(document: Document) -> list[Side]:
    """Every report in a JSON report document (one, or a batch), checked as it is read."""
    data = document.data
    problems: list[Problem] = []
    need = _checker(document, problems)
    fmt = data.get("format")
    if fmt is not None and fmt not in REPORT_FORMATS:
        need(False, ("format",), f"format {fmt!r} is not a netsep-check JSON report "
             f"(expected {' or '.join(REPORT_FORMATS)}; write one with check --format json)")
    elif data.get("format_version", FORMAT_VERSION) != FORMAT_VERSION:
        need(False, ("format_version",), f"report format_version {data.get('format_version')!r}"
             f" is not supported (this netsep-check reads version {FORMAT_VERSION})")
    if problems:
        raise InputError(problems)
    if "reports" in data and "findings" not in data:
        entries = data["reports"]
        if not need(isinstance(entries, list), ("reports",), "reports must be a list"):
            raise InputError(problems)
        sides = [_side_from_entry(document, e, ("reports", i), need)
                 for i, e in enumerate(entries)]
    else:
        sides = [_side_from_entry(document, data, (), need)]
    if problems:
        raise InputError(problems)
    return [s for s in sides if s is not None]


def load_report_sides(path: Path | str, max_bytes: int = DEFAULT_MAX_BYTES) -> list[Side]:
    """Read a JSON report file (``check --format json``) into one side per report."""
    document = load_document(path, max_bytes=max_bytes)
    if not is_report_document(document.data):
        raise InputError.one(document.file, "not a netsep-check JSON report (write one with "
                             "check --format json)", 1, 1)
    return sides_from_report_document(document)


def load_side(path: Path | str, checker: Any) -> Side:
    """A profile (evaluated with ``checker``, an :class:`~netsep_check.api.Checker`) or a
    JSON report holding exactly one report."""
    document = load_document(path, max_bytes=checker.max_bytes)
    if is_report_document(document.data):
        sides = sides_from_report_document(document)
        if len(sides) != 1:
            raise InputError.one(document.file, f"the report holds {len(sides)} profiles' "
                                 "reports; diff compares one profile (give a single report)",
                                 1, 1)
        return sides[0]
    return side_from_report(checker.check(path), str(path))


# --- the comparison -------------------------------------------------------------------------

@dataclass(frozen=True)
class Change:
    """One rule across the two sides; ``None`` where a side does not evaluate it."""

    rule_id: str
    severity: str
    area: str
    title: dict[str, str]
    base: str | None
    head: str | None

    def as_dict(self, lang: str) -> dict[str, Any]:
        return {"rule_id": self.rule_id, "severity": self.severity, "area": self.area,
                "title": self.title.get(lang) or self.title.get("en", ""),
                "base": self.base, "head": self.head}


@dataclass
class Diff:
    base: Side
    head: Side
    newly_failing: list[Change] = field(default_factory=list)
    newly_passing: list[Change] = field(default_factory=list)
    still_failing: list[Change] = field(default_factory=list)
    dropped: list[Change] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def failing(self) -> bool:
        """Something newly fails: the diff's gate."""
        return bool(self.newly_failing)


def compare(base: Side, head: Side) -> Diff:
    diff = Diff(base, head)
    order = list(dict.fromkeys([*head.rules, *base.rules]))
    for rule_id in order:
        before, after = base.rules.get(rule_id), head.rules.get(rule_id)
        info = after or before
        assert info is not None
        change = Change(rule_id, info.severity, info.area, info.title,
                        before.status if before else None, after.status if after else None)
        was = before is not None and before.failing
        now = after is not None and after.failing
        if now and not was:
            diff.newly_failing.append(change)
        elif now and was:
            diff.still_failing.append(change)
        elif was and after is None:
            diff.dropped.append(change)
        elif was:
            diff.newly_passing.append(change)
    if (base.pack_id, base.pack_version, base.pack_digest) != (
            head.pack_id, head.pack_version, head.pack_digest):
        diff.notes.append(f"base and head were judged under different packs ({base.pack_id} "
                          f"{base.pack_version} {base.pack_digest[:12]} vs {head.pack_id} "
                          f"{head.pack_version} {head.pack_digest[:12]}); some differences "
                          "may come from the pack, not the profile")
    if base.firm and head.firm and base.firm != head.firm:
        diff.notes.append(f"base and head are about different firms ({base.firm} vs "
                          f"{head.firm})")
    return diff


def diff_dict(diff: Diff, lang: str) -> dict[str, Any]:
    groups = ("newly_failing", "newly_passing", "still_failing", "dropped")
    return {
        "format": DIFF_FORMAT_ID, "format_version": 1,
        "tool": {"name": "netsep-check", "version": __version__}, "lang": lang,
        "base": diff.base.as_dict(), "head": diff.head.as_dict(),
        "summary": {"verdict": "fail" if diff.failing else "pass",
                    **{name: len(getattr(diff, name)) for name in groups}},
        **{name: [c.as_dict(lang) for c in getattr(diff, name)] for name in groups},
        "notes": list(diff.notes),
    }


def _status(status: str | None, lang: str) -> str:
    return ui(status, lang) if status else _say("absent", lang)


def render_diff_text(diff: Diff, lang: str) -> str:
    lines = []
    for key, side in (("base", diff.base), ("head", diff.head)):
        lines.append(f"{_say(key, lang)}: {side.source} ({_say(side.kind, lang)}; "
                     f"{side.firm}; {_say('as_of', lang)} {side.as_of}; "
                     f"{_say('pack', lang)} {side.pack_id} {side.pack_version})")
    for name in ("newly_failing", "newly_passing", "still_failing", "dropped"):
        changes: list[Change] = getattr(diff, name)
        if name == "dropped" and not changes:
            continue
        lines.append("")
        lines.append(f"{_say(name, lang)} ({len(changes)})")
        if not changes:
            lines.append(f"  {_say('none', lang)}")
        width = max((len(c.rule_id) for c in changes), default=0)
        severities = [ui(c.severity, lang) if c.severity in SEVERITIES else c.severity
                      for c in changes]
        sev_width = max((cell_len(s) for s in severities), default=0)
        for c, severity in zip(changes, severities, strict=True):
            title = c.title.get(lang) or c.title.get("en", "")
            lines.append(f"  {c.rule_id:<{width}}  {_pad(severity, sev_width)}  "
                         f"{_status(c.base, lang)} → {_status(c.head, lang)}  {title}")
    if diff.notes:
        lines.append("")
        lines.append(_say("notes", lang))
        lines.extend(f"  - {note}" for note in diff.notes)
    lines.append("")
    lines.append(_say("verdict_fail", lang, n=len(diff.newly_failing)) if diff.failing
                 else _say("verdict_pass", lang))
    return "\n".join(lines) + "\n"


def _pad(text: str, width: int) -> str:
    """Left-justify by display cells (Hangul is two cells wide)."""
    return text + " " * max(0, width - cell_len(text))


def render_diff(diff: Diff, fmt: str, lang: str) -> str:
    if fmt == "json":
        return json.dumps(diff_dict(diff, lang), ensure_ascii=False, indent=2) + "\n"
    return render_diff_text(diff, lang)


# --- baselines ------------------------------------------------------------------------------

@dataclass
class Baseline:
    """The failing rules of each profile in a baseline JSON report."""

    file: str
    sides: list[Side]

    def side_for(self, report: Report) -> Side | None:
        """The baseline report of the same profile: the same file, else the only one of the
        same file name, else the only one of the same firm. Never a report of another firm."""
        exact = [s for s in self.sides if s.profile_file == report.profile_file]
        if exact:
            return exact[0]
        name = Path(report.profile_file).name
        by_name = [s for s in self.sides if Path(s.profile_file).name == name]
        if len(by_name) == 1:
            return by_name[0]
        by_firm = [s for s in self.sides if s.firm == report.firm]
        return by_firm[0] if len(by_firm) == 1 else None

    def excused(self, report: Report) -> set[str]:
        """Rules that *failed* in the baseline for this profile (nothing when none matches).
        A rule that could not be judged there (``error``) excuses nothing now."""
        side = self.side_for(report)
        if side is None:
            return set()
        return {rule_id for rule_id, state in side.rules.items() if state.status == "fail"}

    def annotate(self, report: Report) -> None:
        """Say in the report's notes which baseline it was held against."""
        side = self.side_for(report)
        if side is None:
            report.notes.append(f"baseline {self.file} holds no report for this profile; "
                                "every failing finding counts as new")
            return
        already = sorted(side.failing & {f.rule.id for f in report.failing})
        report.notes.append(f"baseline {self.file} ({side.profile_file}): "
                            f"{len(already)} failing rule(s) were already failing there"
                            + (f" ({', '.join(already)})" if already else "")
                            + "; only the others trip the gate")
        if (side.pack_id, side.pack_version) != (report.pack.id, report.pack.version):
            report.notes.append(f"baseline was judged under pack {side.pack_id} "
                                f"{side.pack_version}, this report under {report.pack.id} "
                                f"{report.pack.version}")


def load_baseline(path: Path | str, max_bytes: int = DEFAULT_MAX_BYTES) -> Baseline:
    sides = load_report_sides(path, max_bytes)
    if not sides:
        raise InputError.one(str(path), "the baseline report holds no report", 1, 1)
    return Baseline(str(path), sides)
