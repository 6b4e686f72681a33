"""Reports for the renderer tests, built by running the library on the examples.

Renderers never evaluate, so the tests feed them real :class:`Report` objects from
``Checker().check(...)``; the waived and error cases, which no example produces on its own,
are derived from a real report by copying findings (the cached reports are never mutated).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from html.parser import HTMLParser
from pathlib import Path

import pytest

from netsep_check.api import Checker
from netsep_check.evaluate.findings import AppliedWaiver, Report
from netsep_check.rules.operators.base import Failure

EXAMPLES_DIR = Path(__file__).resolve().parents[2] / "examples"
PROFILES = ("m365-compliant", "m365-noncompliant-scope", "pulse-compliant",
            "pulse-noncompliant-controls", "standing-compliant")

WAIVER = {"rule": "SAAS-LOG-RETENTION",
          "path": "security_measures.saas_management.audit_logging.retention_days",
          "justification": "Logs are exported daily to the on-premises server (5 years).",
          "approved_by": "정보보호위원회", "approved_on": "2025-01-10", "ticket": "RISK-2025-0042",
          "expires_on": "2025-12-31", "file": "examples/waivers.yaml", "line": 17}


@pytest.fixture(scope="session")
def checker() -> Checker:
    return Checker()


@pytest.fixture(scope="session")
def report_of(checker: Checker) -> Callable[[str], Report]:
    """``report_of("pulse-compliant")`` → the report of ``examples/pulse-compliant.yaml``."""
    cache: dict[str, Report] = {}

    def get(name: str) -> Report:
        if name not in cache:
            cache[name] = checker.check(EXAMPLES_DIR / f"{name}.yaml")
        return cache[name]

    return get


@pytest.fixture(scope="session")
def all_reports(checker: Checker) -> list[Report]:
    """Every example profile the built-in packs can judge (the batch of the examples)."""
    paths = [EXAMPLES_DIR / f"{name}.yaml" for name in PROFILES]
    return [checker.check(path) for path in paths if path.exists()]


@pytest.fixture
def mixed_report(report_of: Callable[[str], Report]) -> Report:
    """pulse-noncompliant-controls with SAAS-LOG-RETENTION waived and PROV-RATED an error."""
    base = report_of("pulse-noncompliant-controls")
    findings = []
    for finding in base.findings:
        if finding.rule.id == "SAAS-LOG-RETENTION":
            finding = dataclasses.replace(finding, status="waived", waiver=AppliedWaiver(
                **WAIVER, firm=None, state="active"))
        elif finding.rule.id == "PROV-RATED":
            finding = dataclasses.replace(finding, status="error", failures=(Failure(
                None, "error", "providers[0].security_evaluation is not a mapping"),))
        findings.append(finding)
    return dataclasses.replace(base, findings=tuple(findings))


# A small DOM for the HTML tests (the report's own HTML and Chromium's --dump-dom output).

_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
         "track", "wbr"}


@dataclasses.dataclass
class Node:
    tag: str
    attrs: dict[str, str]
    children: list[Node | str] = dataclasses.field(default_factory=list)

    def iter(self, tag: str | None = None) -> Iterator[Node]:
        if tag is None or self.tag == tag:
            yield self
        for child in self.children:
            if isinstance(child, Node):
                yield from child.iter(tag)

    def find_all(self, tag: str | None = None, cls: str | None = None) -> list[Node]:
        return [n for n in self.iter(tag) if cls is None or cls in n.classes]

    def find(self, tag: str | None = None, cls: str | None = None) -> Node | None:
        return next(iter(self.find_all(tag, cls)), None)

    def by_id(self, ident: str) -> Node | None:
        return next((n for n in self.iter() if n.attrs.get("id") == ident), None)

    @property
    def classes(self) -> list[str]:
        return (self.attrs.get("class") or "").split()

    @property
    def text(self) -> str:
        parts = [c if isinstance(c, str) else c.text for c in self.children]
        return " ".join(" ".join(parts).split())


class _Builder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", {})
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].children.append(node)
        if tag not in _VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.stack[-1].children.append(Node(tag, {k: v or "" for k, v in attrs}))

    def handle_endtag(self, tag: str) -> None:
        if tag in _VOID:
            return
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return
        raise AssertionError(f"stray </{tag}>")

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


@pytest.fixture(scope="session")
def parse_html() -> Callable[[str], Node]:
    def parse(text: str) -> Node:
        builder = _Builder()
        builder.feed(text)
        builder.close()
        return builder.root

    return parse
