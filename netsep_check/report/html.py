"""The HTML report: ONE self-contained file an auditor can open inside a separated network.

No external CSS, script, font or image, and no ``http(s)`` URL anywhere in the file: styles are
inline, the chart is inline SVG, fonts come from a system font stack, links are ``#anchors`` only.
A Content-Security-Policy ``<meta>`` (``default-src 'none'``) makes the browser refuse any fetch
even if a future edit slipped one in, and a ``://`` inside a profile's own text is written as
``&#58;//`` so that the file holds no URL for a scanner (or a careless click) to follow; the page
reads the same.

Layout: (batch only) a matrix firms × areas with the worst status per cell, each firm linking to
its section; then per profile a header with the verdict, the profile and pack identity, count
tiles, an inline SVG bar chart of counts per area, an overview of the failing findings, and the
findings grouped by area, failing first: failing, error and waived findings as full cards (title,
message, profile file and line, legal basis with source and clause and its strength, remediation,
waiver), passing and not-applicable rules as compact rows. Rules whose basis is ``derived`` are
labelled as our reading, not law. ``lang`` picks the language and the ``<html lang>``. A print
stylesheet (A4, page breaks between firms, colours kept) lets the auditor save it as PDF.
Everything taken from a profile or a pack goes through :func:`html.escape`. Deterministic: no
timestamps, no random ids.
"""

from __future__ import annotations

import html
import re
from typing import TYPE_CHECKING, Any

from netsep_check import __version__
from netsep_check.evaluate.findings import Finding, Report
from netsep_check.i18n import ui
from netsep_check.report._common import (
    derived,
    location,
    message,
    ordered,
    problem_lines,
    run_counts_text,
    run_verdict_text,
    skipped_lines,
    source,
    text,
    title,
    verdict,
    verdict_text,
)
from netsep_check.report._common import notes as report_notes
from netsep_check.report._safe import visible
from netsep_check.report.html_style import COLOURS, css
from netsep_check.vocabulary import AREAS, STATUSES

if TYPE_CHECKING:
    from netsep_check.evaluate.result import RunResult

CARD_STATUSES = ("fail", "error", "waived")
_SAFE_ID = re.compile(r"[^A-Za-z0-9_-]")


def esc(value: object) -> str:
    """Escape for text and attribute values; ``://`` becomes ``&#58;//`` (reads the same);
    control characters and bidirectional overrides are shown, not obeyed (report/_safe.py)."""
    return html.escape(visible(value), quote=True).replace("://", "&#58;//")


_HANGUL = re.compile("[\u1100-\u11ff\u3130-\u318f\uac00-\ud7a3]")


def said(value: object, lang: str) -> str:
    """Text content (not an attribute): escaped as :func:`esc`, and in a report that is not
    Korean, Korean text (a Hangul firm name, a rule title from a ``ko`` field, a Korean
    note) is marked ``lang="ko"`` so that screen readers, hyphenation and font choice (the
    ``:lang(ko)`` font stack) treat it as Korean."""
    shown = esc(value)
    if lang != "ko" and _HANGUL.search(shown):
        return f'<span lang="ko">{shown}</span>'
    return shown


def _anchor(*parts: str) -> str:
    return "-".join(_SAFE_ID.sub("_", part) for part in parts)




def _badge(status: str, lang: str, suffix: str = "") -> str:
    return f'<span class="badge st-{status}">{esc(ui(status, lang))}{esc(suffix)}</span>'


def _severity(severity: str, lang: str) -> str:
    return f'<span class="sev sev-{esc(severity)}">{esc(ui(severity, lang))}</span>'


def _strength(strength: str, lang: str) -> str:
    if not strength:
        return ""
    return f'<span class="strength str-{esc(strength)}">{esc(ui(strength, lang))}</span>'


def _chart(report: Report, lang: str, chart_id: str) -> str:
    """Stacked horizontal bars, one per area, segments in STATUSES order."""
    rows = report.counts_by_area()
    width, label_w, right_w, row_h, bar_h, top = 820, 200, 44, 26, 16, 6
    bar_w = width - label_w - right_w
    height = top + row_h * max(len(rows), 1) + 4
    biggest = max((sum(row.values()) for row in rows.values()), default=1) or 1
    unit = bar_w / biggest
    caption = ui("fmt_counts", lang)
    out = [f'<svg class="bars" viewBox="0 0 {width} {height}" role="img" '
           f'aria-labelledby="{chart_id}-t" preserveAspectRatio="xMinYMin meet">',
           f'<title id="{chart_id}-t">{esc(caption)}</title>']
    for tick in range(biggest + 1):
        x = label_w + tick * unit
        out.append(f'<line class="grid" x1="{x:.1f}" y1="{top - 4}" x2="{x:.1f}" '
                   f'y2="{height - 2}"/>')
    for i, (area, row) in enumerate(rows.items()):
        y = top + i * row_h
        mid = y + row_h / 2
        out.append(f'<text class="lbl" x="{label_w - 10}" y="{mid + 4:.1f}" '
                   f'text-anchor="end">{esc(ui(area, lang))}</text>')
        x = float(label_w)
        for status in STATUSES:
            n = row[status]
            if not n:
                continue
            w = n * unit
            solid = COLOURS[status][0]
            tip = f"{ui(area, lang)} — {ui(status, lang)}: {n}"
            out.append(f'<rect x="{x + 0.5:.1f}" y="{mid - bar_h / 2:.1f}" width="{w - 1:.1f}" '
                       f'height="{bar_h}" rx="3" fill="{solid}"><title>{esc(tip)}</title></rect>')
            if w >= 18:
                ink = "#ffffff" if status in ("fail", "error", "pass") else "#101828"
                out.append(f'<text class="cnt" x="{x + w / 2:.1f}" y="{mid + 4:.1f}" '
                           f'text-anchor="middle" fill="{ink}">{n}</text>')
            x += w
        out.append(f'<text class="tot" x="{width - right_w + 8}" y="{mid + 4:.1f}">'
                   f"{sum(row.values())}</text>")
    out.append("</svg>")
    legend = "".join(f'<li class="st-{s}">{esc(ui(s, lang))}</li>' for s in STATUSES)
    return (f'<figure class="chart"><figcaption>{esc(caption)}</figcaption>{"".join(out)}'
            f'<ul class="legend">{legend}</ul></figure>')


def _basis(report: Report, finding: Finding, lang: str, compact: bool = False) -> str:
    basis = finding.rule.basis
    origin = source(report.pack, basis.get("source"))
    src = origin.get("title") or basis.get("source", "")
    parts = []
    if basis.get("clause"):
        parts.append(said(basis["clause"], lang))
    parts.append(_strength(basis.get("strength", ""), lang))
    line = " ".join(parts)
    if src:
        issuer = (f" · {said(origin['issuer'], lang)}" if origin.get("issuer") and not compact
                  else "")
        line += f'<div class="src">{esc(ui("fmt_source", lang))}: {said(src, lang)}{issuer}</div>'
    return line


def _location(report: Report, finding: Finding) -> str:
    where = location(report, finding)
    if finding.line and finding.column:
        where += f":{finding.column}"
    return where


def _card(report: Report, finding: Finding, lang: str, anchor: str) -> str:
    rule = finding.rule
    facts: list[tuple[str, str]] = []
    paths = ", ".join(finding.paths)
    facts.append((ui("fmt_location", lang),
                  f"<code>{said(_location(report, finding), lang)}</code>"
                  + (f' <span class="src">— <code>{esc(paths)}</code></span>' if paths else "")))
    facts.append((ui("basis", lang), _basis(report, finding, lang)))
    if derived(finding):
        facts.append(("", f'<span class="derived-note">{esc(ui("fmt_derived_note", lang))}'
                          "</span>"))
    remediation = text(rule.remediation, lang)
    if remediation:
        facts.append((ui("remediation", lang), said(remediation, lang)))
    if finding.status == "waived" and finding.waiver:
        waiver: dict[str, Any] = finding.waiver.as_dict()
        details = [f"{ui(key, lang)}: {waiver[field]}" for key, field in (
            ("fmt_approved_by", "approved_by"), ("fmt_approved_on", "approved_on"),
            ("fmt_ticket", "ticket"), ("fmt_expires_on", "expires_on")) if waiver.get(field)]
        if waiver.get("file"):
            details.append(f"{waiver['file']}:{waiver['line']}" if waiver.get("line")
                           else str(waiver["file"]))
        facts.append((ui("fmt_waiver", lang),
                      said(waiver.get("justification") or "", lang)
                      + (f'<div class="src">{esc(" · ".join(details))}</div>' if details else "")))
    dl = "".join(f"<dt>{esc(k)}</dt><dd>{v}</dd>" for k, v in facts)
    msg = message(finding, lang)
    return (f'<article class="finding st-{finding.status}" id="{anchor}">'
            f"<header>{_badge(finding.status, lang)}{_severity(rule.severity, lang)}"
            f'<span class="rid">{esc(rule.id)}</span><h5>{said(title(finding, lang), lang)}</h5>'
            "</header>"
            + (f'<p class="msg">{said(msg, lang)}</p>' if msg else "")
            + f'<dl class="facts">{dl}</dl></article>')


def _rest_table(report: Report, findings: list[Finding], lang: str) -> str:
    head = (f"<thead><tr><th>{esc(ui('status', lang))} · {esc(ui('rule', lang))}</th>"
            f"<th>{esc(ui('fmt_title', lang))}</th><th>{esc(ui('basis', lang))}</th>"
            f'<th class="num">{esc(ui("line", lang))}</th></tr></thead>')
    rows = []
    for finding in findings:
        rows.append(
            f'<tr class="st-{finding.status}"><td>{_badge(finding.status, lang)}'
            f'<span class="rid">{esc(finding.rule.id)}</span></td>'
            f"<td>{said(title(finding, lang), lang)} {_severity(finding.rule.severity, lang)}"
            "</td>"
            f"<td>{_basis(report, finding, lang, compact=True)}</td>"
            f'<td class="line mono">{esc(finding.line or "")}</td></tr>')
    cols = "".join(f'<col class="c-{c}">' for c in ("rule", "title", "basis", "line"))
    return (f'<table class="rest"><colgroup>{cols}</colgroup>{head}'
            f'<tbody>{"".join(rows)}</tbody></table>')


def _overview(report: Report, lang: str, prefix: str) -> str:
    failing = ordered(f for f in report.findings if f.status in CARD_STATUSES)
    if not failing:
        return (f'<h3>{esc(ui("fmt_failing", lang))}</h3>'
                f'<p class="none">{esc(ui("fmt_none_failing", lang))}</p>')
    rows = []
    for finding in failing:
        rows.append(
            f'<tr class="st-{finding.status}"><td>{_badge(finding.status, lang)}</td>'
            f'<td><span class="rid"><a href="#{_anchor(prefix, finding.rule.id)}">'
            f"{esc(finding.rule.id)}</a></span></td>"
            f"<td>{_severity(finding.rule.severity, lang)}</td>"
            f"<td>{said(title(finding, lang), lang)}</td>"
            f'<td class="line mono">{esc(finding.line or "")}</td></tr>')
    keys = ("status", "rule", "severity", "fmt_title", "line")
    head = "".join(f'<th{" class=num" if k == "line" else ""}>{esc(ui(k, lang))}</th>'
                   for k in keys)
    cols = "".join(f'<col class="c-{c}">' for c in ("status", "rule", "sev", "title", "line"))
    heading = ui("fmt_failing", lang)
    if any(f.status == "waived" for f in failing):
        heading += " · " + ui("fmt_waived", lang)
    return (f"<h3>{esc(heading)}</h3>"
            f'<table class="overview"><colgroup>{cols}</colgroup><thead><tr>{head}</tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table>')


def _report(report: Report, lang: str, prefix: str, batch: bool) -> str:
    pack = report.pack
    counts = report.counts()
    status = _css_status(verdict(report))
    overridden = f" ({ui('fmt_as_of_overridden', lang)})" if report.as_of_overridden else ""
    meta = [(ui("profile", lang), f"<code>{said(report.profile_file, lang)}</code>"),
            ("SHA-256", f'<code class="mono">{esc(report.profile_sha256)}</code>'),
            (ui("pack", lang), f"<code>{esc(pack.id)} {esc(pack.version)}</code> "
                               f'<span class="src">{said(text(pack.title, lang), lang)}</span>'),
            (ui("pack", lang) + " digest", f'<code class="mono">{esc(pack.digest)}</code>'),
            (ui("as_of", lang), esc(report.as_of.isoformat() + overridden)),
            (ui("fmt_regime", lang), esc(report.regime)
             + (f" · {esc(ui('fmt_service', lang))} {esc(report.service)}"
                if report.service else ""))]
    parts = [f'<section class="panel report" id="{prefix}">',
             f'<div class="report-head"><div><h2>{said(report.firm, lang)}</h2>'
             f'<div class="file"><code>{said(report.profile_file, lang)}</code></div></div>'
             f'<div class="verdict st-{status}">{esc(verdict_text(report, lang))}</div></div>',
             '<dl class="meta">' + "".join(f"<dt>{esc(k)}</dt><dd>{v}</dd>" for k, v in meta)
             + "</dl>"]
    notes = [said(note, lang) for note in report_notes(report, lang)]
    notes += [f"{esc(ui('fmt_disabled', lang))}: <code>{esc(d.rule)}</code> ({esc(d.by_pack)}): "
              f"{said(d.reason, lang)}" for d in pack.disabled]
    if report.tenant_evidence:
        from netsep_check.report.tenant import evidence_lines

        notes += [said(line.strip(), lang) for line in evidence_lines(report, lang)]
    if notes:
        parts.append('<div class="notes">' + "".join(f"<p>{n}</p>" for n in notes) + "</div>")
    tiles = "".join(
        f'<div class="tile st-{s}{" zero" if not counts[s] else ""}"><div class="n">{counts[s]}'
        f'</div><div class="l">{esc(ui(s, lang))}</div></div>' for s in STATUSES)
    parts.append(f'<div class="tiles">{tiles}</div>')
    parts.append(_chart(report, lang, f"{prefix}-chart"))
    parts.append(_overview(report, lang, prefix))
    parts.append(f'<h3>{esc(ui("fmt_by_area", lang))}</h3>')
    by_area: dict[str, list[Finding]] = {}
    for finding in report.findings:
        by_area.setdefault(finding.rule.area, []).append(finding)
    areas = [a for a in AREAS if a in by_area] + [a for a in by_area if a not in AREAS]
    for area in areas:
        findings = ordered(by_area[area])
        row = {s: sum(1 for f in findings if f.status == s) for s in STATUSES}
        chips = "".join(_badge(s, lang, f" {row[s]}") for s in STATUSES if row[s])
        parts.append(f'<section class="area" id="{_anchor(prefix, "area", area)}">'
                     f'<h4>{esc(ui(area, lang) if area in AREAS else area)}'
                     f'<span class="code">{esc(area)}</span>'
                     f'<span class="counts">{chips}</span></h4>')
        for finding in findings:
            if finding.status in CARD_STATUSES:
                parts.append(_card(report, finding, lang, _anchor(prefix, finding.rule.id)))
        rest = [f for f in findings if f.status not in CARD_STATUSES]
        if rest:
            parts.append(_rest_table(report, rest, lang))
        parts.append("</section>")
    if batch:
        parts.append(f'<p class="back"><a href="#matrix">↑ {esc(ui("fmt_back", lang))}</a></p>')
    parts.append("</section>")
    return "\n".join(parts)


def _css_status(verdict_or_status: str) -> str:
    return "error" if verdict_or_status == "undetermined" else verdict_or_status


def _matrix(result: RunResult, prefixes: dict[str, str], lang: str) -> str:
    """The run's one firms × areas matrix (``evaluate.matrix``): a row per firm."""
    table = result.matrix
    head = (f"<th>{esc(ui('fmt_firm', lang))}</th><th>{esc(ui('fmt_verdict', lang))}</th>"
            + "".join(f"<th>{esc(ui(a, lang))}</th>" for a in table.areas))
    rows = []
    for row in table.rows:
        cells = []
        for area in table.areas:
            status = row.cells.get(area)
            if status is None:
                cells.append('<td class="cell"><span class="none">—</span></td>')
                continue
            cells.append(f'<td class="cell">{_badge(status, lang)}</td>')
        links = " ".join(f'<a href="#{prefixes[p]}"><code>{esc(p)}</code></a>'
                         for p in row.profiles if p in prefixes)
        rows.append(f'<tr><td class="firm"><strong>{said(row.firm, lang)}</strong>'
                    f'<div class="src">{links}</div></td>'
                    f'<td>{_badge(row.worst or "not_applicable", lang)}</td>{"".join(cells)}</tr>')
    cols = ('<col class="c-firm"><col class="c-verdict">'
            + "".join('<col class="c-area">' for _ in table.areas))
    return (f'<section class="panel matrix-panel" id="matrix"><h2>{esc(ui("fmt_matrix", lang))}'
            f'</h2><p>{esc(run_counts_text(result, lang))} — '
            f'<strong>{esc(run_verdict_text(result, lang))}</strong></p>'
            f'<div class="scroll"><table class="matrix"><colgroup>{cols}</colgroup>'
            f'<thead><tr>{head}</tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table></div></section>')


def _invalid(result: RunResult, lang: str) -> str:
    """The inputs that could not be judged, each with every problem found."""
    items = []
    for file, problems in problem_lines(result, lang):
        listed = "".join(f"<li>{esc(p)}</li>" for p in problems)
        items.append(f"<li><code>{esc(file)}</code> — {esc(ui('problems_n', lang, n=len(problems)))}"
                     f"<ul>{listed}</ul></li>")
    skipped = "".join(f"<li>{esc(line)}</li>" for line in skipped_lines(result, lang))
    return (f'<section class="panel invalid" id="invalid"><h2>{esc(ui("invalid_inputs", lang))}'
            f'</h2><p>{esc(run_counts_text(result, lang))} — '
            f'<strong>{esc(run_verdict_text(result, lang))}</strong></p><ul>{"".join(items)}</ul>'
            + (f'<h3>{esc(ui("skipped_inputs", lang))}</h3><ul>{skipped}</ul>' if skipped else "")
            + "</section>")


def render_html(result: RunResult, lang: str) -> str:
    """One HTML document for one report or a batch of them, with the inputs not judged."""
    reports = list(result.reports)
    batch = result.batch
    prefixes = [f"report-{i}" for i in range(1, len(reports) + 1)]
    heading = ui("fmt_report_title", lang)
    subtitle = (run_counts_text(result, lang) if batch or not reports else reports[0].firm)
    packs = list(dict.fromkeys(f"{r.pack.id} {r.pack.version} ({r.pack.digest[:12]})"
                               for r in reports))
    body = []
    if batch and reports:
        first: dict[str, str] = {}
        for report, prefix in zip(reports, prefixes, strict=True):
            first.setdefault(report.profile_file, prefix)
        body.append(_matrix(result, first, lang))
    if result.invalid or result.skipped:
        body.append(_invalid(result, lang))
    body += [_report(r, lang, p, batch) for r, p in zip(reports, prefixes, strict=True)]
    generated = ui("fmt_generated_by", lang, version=__version__)
    return "\n".join([
        "<!DOCTYPE html>",
        f'<html lang="{esc(lang)}">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        "<meta http-equiv=\"Content-Security-Policy\" "
        "content=\"default-src 'none'; style-src 'unsafe-inline'\">",
        f'<meta name="generator" content="netsep-check {esc(__version__)}">',
        f"<title>{esc(heading)} — {esc(subtitle)}</title>",
        f"<style>\n{css()}\n</style>",
        "</head>",
        "<body>",
        '<header class="masthead"><div class="wrap"><div>'
        f'<div class="brand">netsep-check</div><h1>{esc(heading)}</h1>'
        f'<div>{said(subtitle, lang)}</div></div>'
        f'<div class="gen">{esc(generated)}<br>{esc(ui("pack", lang))}: '
        f'{esc(", ".join(packs))}</div></div></header>',
        '<main class="wrap">',
        *body,
        f'<footer class="foot"><p>{esc(ui("fmt_derived_note", lang))}</p>'
        f"<p>{esc(generated)}</p></footer>",
        "</main>",
        "</body>",
        "</html>",
        "",
    ])
