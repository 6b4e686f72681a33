"""The HTML report's stylesheet: status colours, system font stacks (Latin, Korean, mono), the
screen layout and the A4 print rules. Inline in the page: no external CSS or font."""

from __future__ import annotations

# status → (solid, text on light background, light background)
COLOURS = {
    "fail": ("#d92d20", "#b42318", "#fef3f2"),
    "error": ("#7a5af8", "#5925dc", "#f4f3ff"),
    "waived": ("#f79009", "#b54708", "#fffaeb"),
    "pass": ("#17b26a", "#067647", "#ecfdf3"),
    "not_applicable": ("#98a2b3", "#475467", "#f2f4f7"),
}

_FONTS_LATIN = ('system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial')
_FONTS_KO = ('"Apple SD Gothic Neo", "Malgun Gothic", "맑은 고딕", "Noto Sans KR", '
             '"Noto Sans CJK KR", "Source Han Sans K", "NanumGothic", "나눔고딕", "Nanum Gothic"')
_FONTS_MONO = ('ui-monospace, "SFMono-Regular", "D2Coding", "NanumGothicCoding", Menlo, Consolas, '
               '"DejaVu Sans Mono", "Liberation Mono", monospace')


def css() -> str:
    """The whole stylesheet, one ``.st-STATUS`` rule per status colour last."""
    status_rules = []
    for status, (solid, fg, bg) in COLOURS.items():
        status_rules.append(
            f".st-{status} {{ --solid: {solid}; --fg: {fg}; --bg: {bg}; }}")
    return "\n".join([f"""
:root {{
  --ink: #101828; --muted: #475467; --faint: #667085; --line: #e4e7ec; --paper: #ffffff;
  --canvas: #f4f5f7; --accent: #1d3b6f;
  --sans: {_FONTS_LATIN}, {_FONTS_KO}, sans-serif;
  --mono: {_FONTS_MONO};
}}
html:lang(ko) {{ --sans: {_FONTS_KO}, {_FONTS_LATIN}, sans-serif; }}
* {{ box-sizing: border-box; }}
html {{ -webkit-text-size-adjust: 100%; }}
body {{ margin: 0; background: var(--canvas); color: var(--ink); font: 14px/1.55 var(--sans);
  word-break: keep-all; overflow-wrap: break-word; }}
code, .mono {{ font-family: var(--mono); font-size: 0.92em; overflow-wrap: anywhere;
  word-break: normal; }}
a {{ color: var(--accent); }}
h1, h2, h3, h4, h5 {{ line-height: 1.3; margin: 0; }}
.masthead {{ background: var(--accent); color: #fff; padding: 22px 0 20px; }}
.masthead .wrap {{ display: flex; justify-content: space-between; align-items: flex-end;
  gap: 16px; flex-wrap: wrap; }}
.masthead .brand {{ font: 600 12px/1 var(--mono); letter-spacing: 0.08em; opacity: 0.8;
  text-transform: uppercase; margin-bottom: 6px; }}
.masthead h1 {{ font-size: 22px; font-weight: 700; }}
.masthead .gen {{ font-size: 12px; opacity: 0.85; text-align: right; }}
.wrap {{ max-width: 1120px; margin: 0 auto; padding: 0 24px; }}
main.wrap {{ padding-top: 20px; padding-bottom: 32px; }}
.panel {{ background: var(--paper); border: 1px solid var(--line); border-radius: 10px;
  padding: 20px 24px; margin-bottom: 20px; }}
.report-head {{ display: flex; justify-content: space-between; align-items: center; gap: 16px;
  flex-wrap: wrap; margin-bottom: 14px; }}
.report-head h2 {{ font-size: 21px; }}
.report-head .file {{ color: var(--muted); font-size: 13px; margin-top: 2px; }}
.verdict {{ font-weight: 700; font-size: 15px; padding: 8px 14px; border-radius: 8px;
  color: var(--fg); background: var(--bg); border: 1px solid var(--solid); }}
dl.meta {{ display: grid; grid-template-columns: max-content 1fr max-content 1fr;
  gap: 4px 14px; margin: 0 0 16px; font-size: 13px; }}
dl.meta dt {{ color: var(--faint); }}
dl.meta dd {{ margin: 0; min-width: 0; }}
.notes {{ margin: 0 0 16px; padding: 10px 14px; border-left: 3px solid var(--faint);
  background: #f9fafb; font-size: 13px; color: var(--muted); }}
.notes p {{ margin: 2px 0; }}
.tiles {{ display: grid; grid-template-columns: repeat(5, 1fr); gap: 10px; margin-bottom: 18px; }}
.tile {{ border: 1px solid var(--line); border-top: 4px solid var(--solid); border-radius: 8px;
  padding: 8px 12px; background: var(--paper); }}
.tile .n {{ font-size: 24px; font-weight: 700; color: var(--fg); line-height: 1.2; }}
.tile .l {{ font-size: 12px; color: var(--muted); }}
.tile.zero .n {{ color: #98a2b3; }}
figure.chart {{ margin: 0 0 6px; }}
figure.chart figcaption, h3 {{ font-size: 15px; font-weight: 700; margin: 0 0 8px; }}
h3 {{ margin-top: 22px; }}
.matrix-panel h2 {{ font-size: 15px; font-weight: 700; margin: 0 0 8px; }}
svg.bars {{ width: 100%; max-width: 920px; height: auto; display: block;
  font-family: var(--sans); }}
svg.bars .lbl {{ font-size: 13px; fill: var(--ink); }}
svg.bars .cnt {{ font-size: 11px; font-weight: 700; }}
svg.bars .tot {{ font-size: 12px; fill: var(--muted); }}
svg.bars .grid {{ stroke: var(--line); stroke-width: 1; }}
.legend {{ display: flex; gap: 14px; flex-wrap: wrap; font-size: 12px; color: var(--muted);
  margin: 4px 0 0; padding: 0; list-style: none; }}
.legend li::before {{ content: ""; display: inline-block; width: 10px; height: 10px;
  border-radius: 2px; background: var(--solid); margin-right: 5px; vertical-align: -1px; }}
table {{ border-collapse: collapse; width: 100%; font-size: 13px; }}
th, td {{ text-align: left; vertical-align: top; padding: 7px 10px;
  border-bottom: 1px solid var(--line); }}
thead th {{ background: #f9fafb; color: var(--muted); font-weight: 600; font-size: 12px;
  border-bottom: 1px solid #d0d5dd; white-space: nowrap; }}
td.num, th.num {{ text-align: right; font-variant-numeric: tabular-nums; }}
.badge {{ display: inline-block; padding: 1px 8px; border-radius: 999px; font-size: 12px;
  font-weight: 600; color: var(--fg); background: var(--bg); border: 1px solid var(--solid);
  white-space: nowrap; }}
.sev {{ display: inline-block; padding: 0 6px; border-radius: 4px; font-size: 11.5px;
  font-weight: 600; border: 1px solid currentColor; white-space: nowrap; }}
.sev-critical {{ color: #912018; }} .sev-high {{ color: #c4320a; }}
.sev-medium {{ color: #93370d; }} .sev-low {{ color: #475467; }}
.strength {{ display: inline-block; font-size: 11.5px; padding: 0 6px; border-radius: 4px;
  white-space: nowrap; background: #eef4ff; color: #3538cd; border: 1px solid #c7d7fe; }}
.strength.str-secondary {{ background: #f0f9ff; color: #026aa2; border-color: #b9e6fe; }}
.strength.str-derived {{ background: #fff; color: #b54708; border: 1px dashed #f79009; }}
.rid {{ font-family: var(--mono); font-weight: 600; font-size: 12.5px; white-space: nowrap; }}
.overview td .rid a {{ text-decoration: none; }}
.area {{ margin-top: 22px; }}
.area > h4 {{ font-size: 15px; display: flex; align-items: baseline; gap: 10px; flex-wrap: wrap;
  padding-bottom: 6px; border-bottom: 2px solid var(--ink); margin-bottom: 10px; }}
.area > h4 .code {{ font: 12px var(--mono); color: var(--faint); font-weight: 400; }}
.area > h4 .counts {{ margin-left: auto; display: flex; gap: 6px; font-weight: 400; }}
article.finding {{ border: 1px solid var(--line); border-left: 5px solid var(--solid);
  border-radius: 8px; padding: 12px 16px; margin: 0 0 10px; background: var(--paper); }}
article.finding header {{ display: flex; align-items: center; gap: 8px; flex-wrap: wrap; }}
article.finding h5 {{ font-size: 14.5px; font-weight: 700; flex: 1 1 320px; }}
article.finding .msg {{ margin: 8px 0 8px; padding: 7px 10px; background: var(--bg);
  color: var(--fg); border-radius: 6px; font-size: 13px; }}
dl.facts {{ display: grid; grid-template-columns: 7.5em 1fr; gap: 4px 12px; margin: 0;
  font-size: 13px; }}
dl.facts dt {{ color: var(--faint); }}
dl.facts dd {{ margin: 0; min-width: 0; }}
.src {{ color: var(--muted); font-size: 12px; }}
.derived-note {{ color: #b54708; font-size: 12px; }}
table.rest, table.overview {{ table-layout: fixed; }}
table.rest col.c-rule {{ width: 24%; }}
table.rest col.c-title {{ width: 36%; }}
table.overview col.c-status {{ width: 11%; }}
table.overview col.c-rule {{ width: 25%; }}
table.overview col.c-sev {{ width: 9%; }}
col.c-line {{ width: 48px; }}
td.line {{ text-align: right; white-space: nowrap; }}
table .rid {{ white-space: normal; overflow-wrap: anywhere; }}
table.rest td .rid {{ display: block; margin-top: 4px; }}
table.matrix th, table.matrix td {{ text-align: center; vertical-align: middle; }}
table.matrix th:first-child, table.matrix td:first-child,
table.matrix th:nth-child(2), table.matrix td:nth-child(2) {{ text-align: left; }}
table.matrix thead th {{ white-space: normal; font-size: 11.5px; }}
table.matrix td.cell .badge {{ min-width: 0; max-width: 100%; padding: 1px 5px;
  font-size: 11px; white-space: nowrap; }}
table.matrix th, table.matrix td {{ padding: 6px 4px; }}
table.matrix th:first-child, table.matrix td:first-child {{ padding-left: 10px; }}
table.matrix .none {{ color: #98a2b3; }}
/* A long Korean firm name wraps between words (keep-all: never inside a Korean word), and a
   word longer than its column still breaks (anywhere) rather than widening the table: the
   layout is fixed, so columns keep their widths on screen and on paper. */
table.matrix {{ table-layout: fixed; min-width: 640px; }}
table.matrix col.c-firm {{ width: 24%; }}
table.matrix col.c-verdict {{ width: 9%; }}
table.matrix td.firm {{ white-space: normal; word-break: keep-all; overflow-wrap: anywhere; }}
table.matrix td.firm code {{ white-space: normal; word-break: normal;
  overflow-wrap: anywhere; }}
table.matrix thead th {{ word-break: keep-all; overflow-wrap: anywhere; hyphens: auto;
  font-size: 11px; }}
.scroll {{ overflow-x: auto; }}
.back {{ font-size: 12px; }}
footer.foot {{ color: var(--faint); font-size: 12px; border-top: 1px solid var(--line);
  padding-top: 12px; margin-top: 8px; }}
footer.foot p {{ margin: 3px 0; }}
@media (max-width: 720px) {{
  .tiles {{ grid-template-columns: repeat(3, 1fr); }}
  dl.meta {{ grid-template-columns: max-content 1fr; }}
}}
@page {{ size: A4; margin: 14mm 12mm; }}
@media print {{
  * {{ -webkit-print-color-adjust: exact; print-color-adjust: exact; }}
  body {{ background: #fff; font-size: 9.5pt; }}
  .wrap {{ max-width: none; padding: 0; }}
  .masthead {{ background: #fff; color: var(--ink); border-bottom: 2px solid var(--ink);
    padding: 0 0 8px; margin-bottom: 10px; }}
  .panel {{ border: none; padding: 0; margin-bottom: 12px; }}
  .report + .report, .matrix-panel + .report {{ break-before: page; }}
  article.finding, tr, figure.chart, .tiles, .report-head {{ break-inside: avoid; }}
  h2, h3, h4 {{ break-after: avoid; }}
  a {{ color: inherit; text-decoration: none; }}
  .back {{ display: none; }}
  .tiles {{ grid-template-columns: repeat(5, 1fr); }}
  .tile .n {{ font-size: 18pt; }}
  .scroll {{ overflow: visible; }}
  table.matrix {{ font-size: 8pt; min-width: 0; width: 100%; }}
  table.matrix td.firm {{ word-break: keep-all; overflow-wrap: anywhere; }}
  table.matrix th, table.matrix td {{ padding: 4px 3px; }}
  table.matrix .badge {{ min-width: 0; padding: 0 4px; font-size: 7.5pt; }}
  table.matrix td:first-child code {{ white-space: normal; overflow-wrap: anywhere; }}
}}

""".strip(), *status_rules])
