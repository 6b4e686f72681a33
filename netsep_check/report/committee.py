"""The semiannual report to the information-protection committee (정보보호위원회): one printable,
self-contained HTML file per run, Korean first, in the register of a board paper.

What it holds, per profile: the purpose and what was evaluated against what (regime, pack
version and digest, the profile's SHA-256, period and evaluation date); a summary with the
overall result; per area and per control the result, the condition's legal basis and its
strength, and the evidence relied on with its SHA-256; the open findings with remediation,
owner and due date (``x_owner`` / ``x_due`` on the control in the profile, else blank lines to
fill in); the active waivers with approver and expiry; the changes since a previous JSON report
(:mod:`netsep_check.evaluate.diff`); the evidence list; the legal sources with their strength;
and a sign-off block (작성 / 검토 / 정보보호최고책임자(CISO)).

Self-contained like :mod:`.html`: no external resource, a ``default-src 'none'`` CSP, every
value escaped (``://`` written as ``&#58;//``). A4 print stylesheet: each chapter starts a
page, table headers repeat, rows are not cut. Deterministic: no clock, no random ids.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from netsep_check import __version__
from netsep_check.evaluate.findings import Finding, Report
from netsep_check.evaluate.result import RunResult
from netsep_check.i18n import ui
from netsep_check.report._committee_parts import inputs_section, remarks
from netsep_check.report._committee_parts import table as _table
from netsep_check.report._committee_text import CSS, prose_date, say
from netsep_check.report._common import judged_reports, message, ordered, source, text, title, verdict
from netsep_check.report._profile import ProfileNotes, profile_notes
from netsep_check.report.html import esc
from netsep_check.report.messages import note_text
from netsep_check.rules.model import AREAS
from netsep_check.vocabulary import STATUSES

OPEN = ("fail", "error")


def default_period(as_of: dt.date) -> tuple[dt.date, dt.date]:
    """The six months that end on ``as_of``: from the day after it, six months back
    (2025-03-31 → 2024-10-01..2025-03-31; 2026-06-30 → 2026-01-01..2026-06-30)."""
    after = as_of + dt.timedelta(days=1)
    month = after.month - 6
    year = after.year + (month - 1) // 12
    month = (month - 1) % 12 + 1
    last = (dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)).day
    return dt.date(year, month, min(after.day, last)), as_of


def _status(status: str, lang: str) -> str:
    return f'<span class="st st-{status}">{esc(ui(status, lang))}</span>'


def _severity(severity: str, lang: str) -> str:
    """The severity label; "critical" is 심각 in Korean (the project's term list)."""
    return say("sev_critical", lang) if severity == "critical" else ui(severity, lang)


def _strength(strength: str, lang: str) -> str:
    return (f'<span class="strength str-{esc(strength)}">{esc(ui(strength, lang))}</span>'
            if strength else "")


def _kv(rows: Sequence[tuple[str, str]]) -> str:
    body = "".join(f"<tr><th>{esc(k)}</th><td>{v}</td></tr>" for k, v in rows)
    return f'<table class="kv"><tbody>{body}</tbody></table>'


def _blank(value: str | None) -> str:
    return esc(value) if value else '<span class="blank"></span>'


def _period_text(period: tuple[dt.date, dt.date], lang: str) -> str:
    return f"{prose_date(period[0], lang)} ~ {prose_date(period[1], lang)}"


def _overview(report: Report, lang: str, period: tuple[dt.date, dt.date]) -> str:
    pack = report.pack
    regime = {"sandbox": say("regime_sandbox", lang),
              "standing_exception": say("regime_standing", lang)}
    standing = report.regime == "standing_exception"
    purpose = say("purpose_standing" if standing else "purpose_sandbox", lang)
    rows = [(say("purpose", lang), esc(purpose)
             + (f'<span class="src">{esc(say("purpose_basis_note", lang))}</span>'
                if standing else "")),
            (say("firm", lang), esc(report.firm)),
            (say("regime", lang), esc(regime.get(report.regime, report.regime))
             + (f" · {esc(say('service', lang))}: {esc(report.service)}"
                if report.service else "")),
            (say("pack", lang), f"{esc(text(pack.title, lang))}<span class=src><code>"
                                f"{esc(pack.id)} {esc(pack.version)}</code></span>"),
            (say("digest", lang), f"<code>{esc(pack.digest)}</code>"),
            (say("profile", lang), f"<code>{esc(report.profile_file)}</code><span class=src>"
                                   f"SHA-256 <code>{esc(report.profile_sha256)}</code></span>"),
            (say("period", lang), esc(_period_text(period, lang))),
            (say("as_of", lang), esc(prose_date(report.as_of, lang))
             + (f' ({esc(ui("fmt_as_of_overridden", lang))})' if report.as_of_overridden
                else "")
             + ("" if period[0] <= report.as_of <= period[1]
                else f'<span class="src">{esc(say("as_of_outside", lang))}</span>')),
            (say("tool", lang), esc(f"netsep-check {__version__}"))]
    return f'<h2>1. {esc(say("s_overview", lang))}</h2>' + _kv(rows)


def _counts(findings: Sequence[Finding]) -> dict[str, int]:
    return {status: sum(1 for f in findings if f.status == status) for status in STATUSES}


def _summary(report: Report, lang: str) -> str:
    counts = _counts(report.findings)
    status = verdict(report)
    label = {"fail": ui("verdict_fail", lang, n=counts["fail"] + counts["error"]),
             "undetermined": ui("verdict_error", lang, n=counts["error"]),
             "pass": ui("verdict_pass", lang)}[status]
    points = [say("summary_fail", lang, fail=counts["fail"], error=counts["error"],
                  waived=counts["waived"], passed=counts["pass"], na=counts["not_applicable"],
                  total=len(report.findings))]
    points.append(say("summary_action" if status != "pass" else "summary_clean", lang))
    head = [say("area", lang), *(ui(s, lang) for s in STATUSES), say("result", lang)]
    rows = []
    by_area: dict[str, list[Finding]] = {}
    for finding in report.findings:
        by_area.setdefault(finding.rule.area, []).append(finding)
    for area in [a for a in AREAS if a in by_area] + [a for a in by_area if a not in AREAS]:
        row = _counts(by_area[area])
        worst = next(s for s in STATUSES if row[s])
        rows.append([esc(ui(area, lang) if area in AREAS else area),
                     *(str(row[s]) if row[s] else "–" for s in STATUSES), _status(worst, lang)])
    return (f'<h2>2. {esc(say("s_summary", lang))}</h2><div class="summary-block">'
            f'<p><strong>{esc(say("verdict", lang))}</strong> '
            f'<span class="verdict st-{status}">{esc(label)}</span></p><ul class="points">'
            + "".join(f"<li>{esc(p)}</li>" for p in points) + "</ul>"
            + _table(head, rows, ["25%"] + ["11%"] * 5 + ["20%"], centred=range(1, 7))
            + remarks(report, lang) + "</div>")


def _basis(report: Report, finding: Finding, lang: str) -> str:
    basis = finding.rule.basis
    origin = source(report.pack, basis.get("source"))
    parts = [esc(basis.get("clause") or origin.get("title") or basis.get("source") or ""),
             _strength(basis.get("strength", ""), lang)]
    return " ".join(p for p in parts if p)


def _evidence_cell(report: Report, finding: Finding, notes: ProfileNotes,
                   checked: dict[str, dict[str, Any]]) -> str:
    out = []
    for item in notes.evidence_of(finding):
        digest = (checked.get(item.id) or {}).get("sha256") or item.sha256
        out.append(f'<span class="ev">{esc(item.id)}'
                   + (f" <code>{esc(digest[:8])}…</code>" if digest else "") + "</span>")
    return ", ".join(out) or "–"


def _controls(report: Report, lang: str, notes: ProfileNotes,
              checked: dict[str, dict[str, Any]]) -> str:
    parts = [f'<section class="chapter"><h2>3. {esc(say("s_controls", lang))}</h2>']
    by_area: dict[str, list[Finding]] = {}
    for finding in report.findings:
        by_area.setdefault(finding.rule.area, []).append(finding)
    areas = [a for a in AREAS if a in by_area] + [a for a in by_area if a not in AREAS]
    head = [say("rule", lang), say("condition", lang), say("basis", lang),
            say("result", lang), say("evidence", lang)]
    for n, area in enumerate(areas, 1):
        rows = [[f'<span class="rid">{esc(f.rule.id)}</span>',
                 esc(title(f, lang)), _basis(report, f, lang), _status(f.status, lang),
                 _evidence_cell(report, f, notes, checked)] for f in by_area[area]]
        parts.append(f"<h3>3.{n} {esc(ui(area, lang) if area in AREAS else area)}</h3>")
        parts.append(_table(head, rows, ["17%", "37%", "22%", "9%", "15%"], centred=(3,)))
    parts.append("</section>")
    return "".join(parts)


def _open(report: Report, lang: str, notes: ProfileNotes) -> str:
    findings = ordered(f for f in report.findings if f.status in OPEN)
    parts = [f'<section class="chapter"><h2>4. {esc(say("s_open", lang))}</h2>']
    if not findings:
        return "".join(parts) + f"<p>{esc(say('none', lang))}</p></section>"
    rows = []
    for i, f in enumerate(findings, 1):
        due = notes.due_of(f)
        rows.append([str(i),
                     f'{esc(title(f, lang))}<span class="rid">{esc(f.rule.id)} · '
                     f'{esc(_severity(f.rule.severity, lang))}</span>',
                     f"{_status(f.status, lang)}<br>{esc(message(f, lang))}",
                     esc(text(f.rule.remediation, lang)),
                     _blank(notes.owner_of(f)),
                     f'<span class="d">{esc(due.isoformat())}</span>' if due else _blank(None)])
    head = [say("no", lang), say("rule", lang), say("finding", lang), say("remediation", lang),
            say("owner", lang), say("due", lang)]
    parts.append(_table(head, rows, ["6%", "22%", "24%", "26%", "11%", "11%"], centred=(0,)))
    parts.append(f'<p class="note">{esc(say("owner_hint", lang))}</p></section>')
    return "".join(parts)


def _waivers(report: Report, lang: str) -> str:
    waived = [f for f in report.findings if f.status == "waived" and f.waiver]
    parts = [f'<h2>5. {esc(say("s_waivers", lang))}</h2>']
    if not waived:
        return "".join(parts) + f"<p>{esc(say('none', lang))}</p>"
    rows = []
    for f in waived:
        w = f.waiver.as_dict() if f.waiver else {}
        expires = str(w.get("expires_on") or "")
        left = ""
        try:
            days = (dt.date.fromisoformat(expires) - report.as_of).days
            left = say("waiver_expired", lang) if days < 0 else say("waiver_days_left", lang,
                                                                     n=days)
        except ValueError:
            pass
        rows.append([f'{esc(title(f, lang))}<span class="rid">{esc(f.rule.id)}</span>',
                     esc(w.get("justification") or ""), esc(w.get("approved_by") or ""),
                     f'<span class="d">{esc(w.get("approved_on") or "")}</span>',
                     f'<span class="d">{esc(expires)}</span>'
                     + (f'<span class="src">{esc(left)}</span>' if left else ""),
                     f'<span class="ids">{esc(w.get("ticket") or "")}</span>'])
    head = [say("rule", lang), say("justification", lang), say("approver", lang),
            say("approved_on", lang), say("expires_on", lang), say("ticket", lang)]
    return "".join(parts) + _table(head, rows, ["19%", "33%", "15%", "11%", "11%", "11%"])


def _changes(report: Report, lang: str, previous: Sequence[Any] | None,
             previous_source: str) -> str:
    parts = [f'<h2>6. {esc(say("s_changes", lang))}</h2>']
    if previous is None:
        return "".join(parts) + f"<p>{esc(say('no_previous', lang))}</p>"
    from netsep_check.evaluate.diff import compare, side_from_report

    sides = [s for s in previous if s.firm == report.firm] or (
        list(previous) if len(previous) == 1 else [])
    if not sides:
        return "".join(parts) + f"<p>{esc(say('previous_missing', lang, firm=report.firm))}</p>"
    base = sides[0]
    diff = compare(base, side_from_report(report))
    parts.append("<p>" + esc(say("previous", lang, source=previous_source or base.source,
                                 as_of=base.as_of, pack=base.pack_id,
                                 version=base.pack_version)) + "</p>")
    rows = []
    for group in ("newly_failing", "newly_passing", "still_failing", "dropped"):
        for change in getattr(diff, group):
            rows.append([f'{esc(change.title.get(lang) or change.title.get("en", ""))}'
                         f'<span class="rid">{esc(change.rule_id)}</span>',
                         esc(_group_label(group, lang)),
                         _status(change.base, lang) if change.base else "–",
                         _status(change.head, lang) if change.head else "–"])
    if not rows:
        parts.append(f"<p>{esc(say('no_change', lang))}</p>")
    else:
        head = [say("rule", lang), say("change", lang), say("before", lang), say("now", lang)]
        parts.append(_table(head, rows, ["46%", "24%", "15%", "15%"], centred=(2, 3)))
    parts += [f'<p class="note">{esc(note_text(n, lang))}</p>' for n in diff.notes]
    return "".join(parts)


def _group_label(group: str, lang: str) -> str:
    from netsep_check.report.diff import label

    return label(group, lang)


def _evidence(report: Report, lang: str, notes: ProfileNotes,
              checked: dict[str, dict[str, Any]]) -> str:
    parts = [f'<section class="chapter"><h2>7. {esc(say("s_evidence", lang))}</h2>']
    ids = list(dict.fromkeys([*notes.evidence, *checked]))
    if not ids:
        return "".join(parts) + f"<p>{esc(say('no_evidence', lang))}</p>"
    used: dict[str, list[str]] = {}
    for f in report.findings:
        if f.rule.area == "evidence":
            continue
        for cited in notes.evidence_of(f):
            used.setdefault(cited.id, []).append(f.rule.id)
    rows = []
    for ident in ids:
        item = notes.evidence.get(ident)
        record = checked.get(ident)
        digest = (record or {}).get("sha256") or (item.sha256 if item else None)
        path = (record or {}).get("path") or (item.path if item else None)
        if record:
            check = say(f"ev_{record['status']}", lang)
        elif item and not item.path:
            check = say("ev_unverified", lang)
        else:
            check = say("ev_not_checked", lang)
        rows.append([esc(ident), esc(item.title if item else ""),
                     (f"<code>{esc(path)}</code>" if path else "–")
                     + (f'<span class="src">SHA-256 <code>{esc(digest)}</code></span>'
                        if digest else ""),
                     esc(check),
                     f'<span class="ids">{esc(", ".join(used.get(ident, [])) or "–")}</span>'])
    head = [say("ev_id", lang), say("ev_title", lang), say("ev_file", lang),
            say("ev_check", lang), say("ev_cited_by", lang)]
    parts.append(_table(head, rows, ["9%", "30%", "28%", "14%", "19%"]))
    return "".join(parts)


def _sources(report: Report, lang: str) -> str:
    rows = [[esc(s.get("title") or s.get("id") or ""), esc(s.get("issuer") or ""),
             f'<span class="d">{esc(s.get("date") or "")}</span>',
             _strength(s.get("strength") or "", lang)]
            for s in report.pack.sources]
    head = [say("src_title", lang), say("src_issuer", lang), say("src_date", lang),
            say("strength", lang)]
    return (f'<h2>8. {esc(say("s_sources", lang))}</h2>'
            + _table(head, rows, ["47%", "24%", "14%", "15%"], centred=(2, 3))
            + f'<p class="note">{esc(say("strength_note", lang))}</p>')


def _signoff(lang: str, prepared_by: str | None) -> str:
    roles = [say("prepared_by", lang), say("reviewed_by", lang), say("ciso", lang)]
    head = "<tr><th></th>" + "".join(f"<th>{esc(r)}</th>" for r in roles) + "</tr>"
    rows = "".join(
        f'<tr><th class="row">{esc(say(key, lang))}</th>'
        + "".join(f"<td>{cells[i]}</td>" for i in range(3)) + "</tr>"
        for key, cells in (("sign_name", [esc(prepared_by or ""), "", ""]),
                           ("sign_sig", ["", "", ""]), ("sign_date", ["", "", ""])))
    return (f'<div class="sign-block"><h2>9. {esc(say("s_signoff", lang))}</h2>'
            f'<table class="sign"><colgroup><col style="width:16%"><col><col><col></colgroup>'
            f"<thead>{head}</thead><tbody>{rows}</tbody></table></div>")


def _one(report: Report, lang: str, period: tuple[dt.date, dt.date] | None,
         previous: Sequence[Any] | None, previous_source: str, prepared_by: str | None) -> str:
    notes = profile_notes(report)
    checked = {r.id: r.as_dict() for r in report.evidence_checked if r.id}
    span = period or default_period(report.as_of)
    cover = (f'<header class="cover"><div class="kind">{esc(say("doc_kind", lang))}</div>'
             f'<h1>{esc(say("doc_title", lang))}</h1><div class="firm">{esc(report.firm)}'
             f' · {esc(_period_text(span, lang))}</div></header>')
    body = [cover, _overview(report, lang, span), _summary(report, lang),
            _controls(report, lang, notes, checked), _open(report, lang, notes),
            _waivers(report, lang), _changes(report, lang, previous, previous_source),
            _evidence(report, lang, notes, checked), _sources(report, lang),
            _signoff(lang, prepared_by)]
    if not notes.available:
        body.insert(2, f'<p class="note">{esc(say("annotations_off", lang))}</p>')
    return f'<article class="committee-report">{"".join(body)}</article>'


def render_committee(result: RunResult, lang: str, **options: Any) -> str:
    """The committee report; options: ``period`` (from, to), ``previous`` (sides of a previous
    JSON report, :func:`netsep_check.evaluate.diff.load_report_sides`), ``previous_source``
    (its file name), ``prepared_by``."""
    reports = judged_reports(result)  # none judged: exit 2 saying why
    period = options.get("period")
    previous = options.get("previous")
    articles = [_one(r, lang, period, previous, options.get("previous_source") or "",
                     options.get("prepared_by")) for r in reports]
    generated = say("generated", lang, version=__version__)
    firms = ", ".join(dict.fromkeys(r.firm for r in reports))
    return "\n".join([
        "<!DOCTYPE html>", f'<html lang="{esc(lang)}">', "<head>", '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        "<meta http-equiv=\"Content-Security-Policy\" "
        "content=\"default-src 'none'; style-src 'unsafe-inline'\">",
        f'<meta name="generator" content="netsep-check {esc(__version__)}">',
        f"<title>{esc(say('doc_title', lang))} — {esc(firms)}</title>",
        f"<style>{CSS}\narticle.committee-report + article.committee-report "
        "{ break-before: page; }</style>",
        "</head>", "<body>", inputs_section(result, lang), *articles,
        f'<footer class="doc"><p>{esc(ui("fmt_derived_note", lang))}</p>'
        f"<p>{esc(generated)}</p></footer>", "</body>", "</html>", ""])
