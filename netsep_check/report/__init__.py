"""Stage 5 — report: renderers over evaluated reports; a renderer never evaluates anything.

A plain registry: format name → (module, function). Modules are imported only when their
format is asked for, so a JSON run in CI never pays for rich or the HTML renderer.
"""

from collections.abc import Callable
from importlib import import_module
from typing import TYPE_CHECKING

from netsep_check.vocabulary import FORMATS as VOCABULARY_FORMATS

if TYPE_CHECKING:  # not at run time: `netsep-check --version` needs FORMATS only
    from netsep_check.evaluate.result import RunResult

# render(result, lang, **options) -> text; the text renderer also takes color and width
Renderer = Callable[..., str]
_Signature = Callable[["RunResult", str], str]

_RENDERERS: dict[str, tuple[str, str]] = {
    "text": ("netsep_check.report.text", "render_text"),
    "json": ("netsep_check.report.json_report", "render_json"),
    "sarif": ("netsep_check.report.sarif", "render_sarif"),
    "junit": ("netsep_check.report.junit", "render_junit"),
    "markdown": ("netsep_check.report.markdown", "render_markdown"),
    "html": ("netsep_check.report.html", "render_html"),
    "oscal-ar": ("netsep_check.report.oscal_ar", "render_oscal_ar"),
    "oscal-poam": ("netsep_check.report.oscal_poam", "render_oscal_poam"),
    "committee": ("netsep_check.report.committee", "render_committee"),
}
FORMATS = tuple(_RENDERERS)
assert FORMATS == VOCABULARY_FORMATS, "the registry and vocabulary.FORMATS list the same formats"


def renderer(name: str) -> Renderer:
    """The renderer for a format (``KeyError`` for an unknown one)."""
    module, function = _RENDERERS[name]
    return getattr(import_module(module), function)
