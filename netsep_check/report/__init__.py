"""Stage 5 — report: renderers over evaluated reports; a renderer never evaluates anything."""

from collections.abc import Callable

from netsep_check.evaluate.findings import Report

Renderer = Callable[[list[Report], str], str]


def renderer(name: str) -> Renderer:
    """The renderer for a format, imported only when asked for."""
    if name == "json":
        from netsep_check.report.json_report import render_json
        return render_json
    if name == "text":
        from netsep_check.report.text import render_text
        return render_text
    raise KeyError(name)


FORMATS = ("text", "json")
