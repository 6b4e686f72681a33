"""``netsep-check diff`` in words: text and JSON renderings of an evaluated :class:`Diff`."""

from __future__ import annotations

import json
from typing import Any

from rich.cells import cell_len

from netsep_check import __version__
from netsep_check.evaluate.diff import Change, Diff
from netsep_check.evaluate.findings import LISTED
from netsep_check.i18n import T, ui
from netsep_check.report._safe import visible
from netsep_check.report.messages import note_text
from netsep_check.vocabulary import DIFF_FORMAT_ID, SEVERITIES

_TEXT: dict[str, T] = {
    "base": T("Base", "기준"), "head": T("Head", "비교 대상"),
    "profile": T("profile", "프로파일"), "report": T("report", "보고서"),
    "as_of": T("as of", "기준일"), "pack": T("pack", "정책 팩"),
    "newly_failing": T("Newly failing", "새로 위반"),
    "newly_passing": T("Newly passing", "새로 통과"),
    "still_failing": T("Still failing", "계속 위반"),
    "dropped": T("Failing in base, no longer evaluated", "기준에서는 위반이었으나 더 이상 점검되지 않음"),
    "absent": T("(absent)", "(없음)"),
    "none": T("none", "없음"),
    "new_elements": T("new", "신규"),
    "new_unlisted": T("and {n} more new failing element(s) not listed ({total} in all)",
                      "이 밖에 새로운 위반 항목 {n}건은 나열하지 않았습니다(전체 {total}건)"),
    "verdict_fail": T("NEW FAILURES: {n} rule(s) newly fail", "신규 위반: 새로 위반된 규칙 {n}건"),
    "verdict_pass": T("NO NEW FAILURE", "신규 위반 없음"),
    "notes": T("Notes", "참고"),
}
GROUPS = ("newly_failing", "newly_passing", "still_failing", "dropped")


def label(key: str, lang: str, **fields: Any) -> str:
    return _TEXT[key](lang).format(**fields)


def _change(change: Change, lang: str) -> dict[str, Any]:
    out: dict[str, Any] = {
        "rule_id": change.rule_id, "severity": change.severity, "area": change.area,
        "title": change.title.get(lang) or change.title.get("en", ""),
        "base": change.base, "head": change.head,
        "new": [{"path": path, "value": value} for path, value in change.new[:LISTED]]}
    if len(change.new) > LISTED:  # listed as a report lists a finding's elements, the rest counted
        out["new_unlisted"] = len(change.new) - LISTED
    return out


def diff_dict(diff: Diff, lang: str) -> dict[str, Any]:
    return {
        "format": DIFF_FORMAT_ID, "format_version": 1,
        "tool": {"name": "netsep-check", "version": __version__}, "lang": lang,
        "base": diff.base.as_dict(), "head": diff.head.as_dict(),
        "summary": {"verdict": "fail" if diff.failing else "pass",
                    **{name: len(getattr(diff, name)) for name in GROUPS}},
        **{name: [_change(c, lang) for c in getattr(diff, name)] for name in GROUPS},
        "notes": [note_text(note, lang) for note in diff.notes],
    }


def _status(status: str | None, lang: str) -> str:
    return ui(status, lang) if status else label("absent", lang)


def _pad(text: str, width: int) -> str:
    """Left-justify by display cells (Hangul is two cells wide)."""
    return text + " " * max(0, width - cell_len(text))


def render_diff_text(diff: Diff, lang: str) -> str:
    lines = []
    for key, side in (("base", diff.base), ("head", diff.head)):
        lines.append(f"{label(key, lang)}: {side.source} ({label(side.kind, lang)}; "
                     f"{visible(side.firm)}; {label('as_of', lang)} {side.as_of}; "
                     f"{label('pack', lang)} {side.pack_id} {side.pack_version})")
    for name in GROUPS:
        changes: tuple[Change, ...] = getattr(diff, name)
        if name == "dropped" and not changes:
            continue
        lines.append("")
        lines.append(f"{label(name, lang)} ({len(changes)})")
        if not changes:
            lines.append(f"  {label('none', lang)}")
        width = max((len(c.rule_id) for c in changes), default=0)
        severities = [ui(c.severity, lang) if c.severity in SEVERITIES else c.severity
                      for c in changes]
        sev_width = max((cell_len(s) for s in severities), default=0)
        for c, severity in zip(changes, severities, strict=True):
            title = c.title.get(lang) or c.title.get("en", "")
            lines.append(f"  {c.rule_id:<{width}}  {_pad(severity, sev_width)}  "
                         f"{_status(c.base, lang)} → {_status(c.head, lang)}  {title}")
            if name == "newly_failing" and c.base and c.new:
                for path, value in c.new[:LISTED]:
                    shown = json.dumps(value, ensure_ascii=False)
                    lines.append(f"    + {label('new_elements', lang)}: {path or '-'} = {shown}")
                if len(c.new) > LISTED:
                    more = label("new_unlisted", lang, n=f"{len(c.new) - LISTED:,}",
                                 total=f"{len(c.new):,}")
                    lines.append(f"    + {more}")
    if diff.notes:
        lines.append("")
        lines.append(label("notes", lang))
        lines.extend(f"  - {note_text(note, lang)}" for note in diff.notes)
    lines.append("")
    lines.append(label("verdict_fail", lang, n=len(diff.newly_failing)) if diff.failing
                 else label("verdict_pass", lang))
    return "\n".join(lines) + "\n"


def render_diff(diff: Diff, fmt: str, lang: str) -> str:
    if fmt == "json":
        return json.dumps(diff_dict(diff, lang), ensure_ascii=False, indent=2) + "\n"
    return render_diff_text(diff, lang)
