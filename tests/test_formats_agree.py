"""One result, many renderings: every format of one mixed batch mentions every item of it.

The batch holds a judged failing profile (with a waived finding), a judged passing one, an
input that cannot be read, a file that is not a profile (skipped), a pack that disables a rule,
a waiver that matches nothing, and notes. Each of the nine formats renders the same
:class:`RunResult`; each must name every one of those items (a format silent about something
another shows is the worst bug class), and the machine-readable ones must carry the same
verdicts.
"""

from __future__ import annotations

import html
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from netsep_check.api import Options, run
from netsep_check.report import FORMATS, renderer
from netsep_check.report._common import problem_text, verdict_text
from netsep_check.report.messages import report_notes
from tests.conftest import EXAMPLES, EXAMPLES_TODAY, variant

BROKEN = "profile_version: 1\nfirm:\n  name: 깨진회사\n  sector: [not closed\n"
UNMATCHED = """\
  - rule: NET-TLS-MIN
    firm: 예시증권
    justification: TLS settings are being reviewed with the provider.
    approved_by: CISO 김정호
    approved_on: 2025-02-01
    ticket: RISK-2025-0077
    expires_on: 2025-09-30
"""
PACK = """\
pack:
  id: firm-pack
  version: "1"
  extends: sandbox-2024
  title: {ko: 회사 기준, en: Firm baseline}
  disable:
    - rule: SAAS-UPLOAD-SCAN-CURRENT
      reason: Replaced by the bank-wide DLP scan (ticket SEC-2025-014).
"""


@pytest.fixture(scope="module")
def mixed(tmp_path_factory) -> Any:
    """The RunResult of the mixed batch."""
    root = tmp_path_factory.mktemp("agree")
    folder = root / "in"
    folder.mkdir()
    variant(folder, "pulse-noncompliant-controls.yaml", "a-failing.yaml")
    variant(folder, "pulse-compliant.yaml", "b-passing.yaml")
    (folder / "z-broken.yaml").write_text(BROKEN, encoding="utf-8")
    waivers = (EXAMPLES / "waivers.yaml").read_text(encoding="utf-8") + UNMATCHED
    (folder / "w-not-a-profile.yaml").write_text(waivers, encoding="utf-8")  # skipped
    (root / "waivers.yaml").write_text(waivers, encoding="utf-8")
    (root / "pack").mkdir()
    (root / "pack" / "pack.yaml").write_text(PACK, encoding="utf-8")
    result = run([folder], Options(pack=str(root / "pack"), waivers=root / "waivers.yaml",
                                   jobs=1, today=EXAMPLES_TODAY))  # module scope: no fixture
    return result, root


def _strings(value: Any) -> list[str]:
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return [str(value)] if value is not None else []


def _flat(text: str) -> str:
    return " ".join(text.split())


def readable(fmt: str, out: str) -> str:
    """What a reader of the format sees, as one line of plain text."""
    if fmt in ("json", "sarif", "oscal-ar", "oscal-poam"):
        return _flat("\n".join(_strings(json.loads(out))))
    if fmt == "junit":
        root = ET.fromstring(out)
        return _flat("\n".join(part for node in root.iter()
                               for part in (*node.attrib.values(), node.text or "")))
    if fmt in ("html", "committee"):
        return _flat(html.unescape(re.sub(r"<[^>]+>", "", out)))
    if fmt == "markdown":
        return _flat(re.sub(r"\\(.)", r"\1", out))
    return _flat(out)


def render(result: Any, fmt: str, lang: str, root: Path) -> str:
    options: dict[str, Any] = {}
    if fmt == "text":
        options["width"] = 4000  # no wrapping inside a table cell
    elif fmt == "sarif":
        options["root"] = root
    return renderer(fmt)(result, lang, **options)


def items(result: Any, lang: str) -> dict[str, list[str]]:
    """Each item of the batch and the words any rendering of it must hold."""
    failing = result.reports[0]
    waived = next(f for f in failing.findings if f.status == "waived")
    assert waived.waiver is not None
    broken = result.invalid[0]
    out = {
        "failing profile": ["a-failing.yaml", *(f.rule.id for f in failing.findings
                                                if f.status == "fail")],
        "passing profile": ["b-passing.yaml"],
        "input not judged": ["z-broken.yaml", *(problem_text(p, lang) for p in broken.problems)],
        "file skipped": ["w-not-a-profile.yaml"],
        "disabled rule": ["SAAS-UPLOAD-SCAN-CURRENT", "bank-wide DLP scan"],
        "waived finding": [waived.rule.id, waived.waiver.approved_by, waived.waiver.approved_on,
                           waived.waiver.ticket, waived.waiver.expires_on,
                           _flat(waived.waiver.justification)],
        "unmatched waiver": ["RISK-2025-0077"],
    }
    for report in result.reports:
        out[f"notes of {Path(report.profile_file).name}"] = report_notes(report, lang)
    return out


def test_the_batch_holds_every_kind_of_item(mixed) -> None:
    result, _ = mixed
    failing, passing = result.reports
    assert (failing.verdict, passing.verdict, result.verdict) == ("fail", "pass", "fail")
    assert [f.rule.id for f in failing.findings if f.status == "waived"] == ["SAAS-LOG-RETENTION"]
    assert len(result.invalid) == 1 and len(result.skipped) == 1
    assert [w.ticket for w in result.unmatched_waivers] == ["RISK-2025-0077"]
    assert all(r.pack.disabled for r in result.reports)
    assert all(r.notes for r in result.reports)
    assert result.exit_code == 2


@pytest.mark.parametrize("lang", ["en", "ko"])
@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_mentions_every_item(mixed, fmt, lang) -> None:
    result, root = mixed
    seen = readable(fmt, render(result, fmt, lang, root))
    missing = {name: [w for w in words if _flat(w) not in seen]
               for name, words in items(result, lang).items()}
    assert not {k: v for k, v in missing.items() if v}, fmt


@pytest.mark.parametrize("fmt", ["text", "markdown", "html", "committee"])
def test_every_human_format_says_each_verdict(mixed, fmt) -> None:
    result, root = mixed
    for lang in ("en", "ko"):
        seen = readable(fmt, render(result, fmt, lang, root))
        for report in result.reports:
            assert _flat(verdict_text(report, lang)) in seen, (fmt, lang, report.profile_file)


def test_the_machine_formats_carry_the_same_verdicts(mixed) -> None:
    result, root = mixed
    out = {fmt: render(result, fmt, "en", root)
           for fmt in ("json", "sarif", "junit", "oscal-ar", "oscal-poam")}
    document = json.loads(out["json"])
    assert document["summary"]["verdict"] == result.verdict
    assert [r["summary"]["verdict"] for r in document["reports"]] == ["fail", "pass"]
    sarif = json.loads(out["sarif"])
    assert {r["properties"]["netsepCheck"]["verdict"] for r in sarif["runs"]} == {"fail"}
    junit = ET.fromstring(out["junit"])
    verdicts = [p.get("value") for p in junit.iter("property") if p.get("name") == "verdict"]
    assert verdicts == ["fail", "pass", "fail"]  # two reports, then the inputs not judged
    for fmt, root_key in (("oscal-ar", "assessment-results"),
                          ("oscal-poam", "plan-of-action-and-milestones")):
        meta = json.loads(out[fmt])[root_key]["metadata"]
        props = {p["name"]: p["value"] for p in meta["props"]}
        assert (props["run-verdict"], props["inputs-invalid"], props["inputs-skipped"]) == (
            "fail", "1", "1"), fmt
    ar = json.loads(out["oscal-ar"])["assessment-results"]
    per_report = [{p["name"]: p["value"] for p in r["props"]}.get("verdict")
                  for r in ar["results"]]
    assert per_report == ["fail", "pass", None]  # and the result of the inputs not judged


def test_oscal_lists_the_input_not_judged_as_a_finding_and_a_poam_item(mixed) -> None:
    result, root = mixed
    ar = json.loads(render(result, "oscal-ar", "en", root))["assessment-results"]
    inputs = ar["results"][-1]
    [finding] = inputs["findings"]
    assert finding["target"]["target-id"] == "INPUT-INVALID"
    assert finding["target"]["status"]["state"] == "not-satisfied"
    assert "z-broken.yaml" in finding["description"]
    assert [r["status"] for r in inputs["risks"]] == ["open"]
    poam = json.loads(render(result, "oscal-poam", "en", root))["plan-of-action-and-milestones"]
    titles = [item["title"] for item in poam["poam-items"]]
    assert any("z-broken.yaml" in t for t in titles), titles


@pytest.mark.parametrize("fmt", ["oscal-ar", "oscal-poam"])
def test_oscal_of_the_mixed_batch_is_valid(mixed, fmt) -> None:
    from tests.report.test_render_oscal import DATA, OscalValidator, errors

    result, root = mixed
    name = ("oscal_assessment-results_schema.json" if fmt == "oscal-ar"
            else "oscal_poam_schema.json")
    validator = OscalValidator(json.loads((DATA / name).read_text(encoding="utf-8")))
    for lang in ("en", "ko"):
        assert errors(validator, json.loads(render(result, fmt, lang, root))) == [], lang


def test_every_format_is_made_from_the_cli_too(run, mixed, tmp_path) -> None:
    """The same batch through the command: every format written at once, exit 2, each naming
    the files, rules and tickets of every item."""
    result, root = mixed
    pairs: list[object] = []
    for fmt in FORMATS:
        pairs += ["--format", fmt, "-o", tmp_path / f"out.{fmt}"]
    done = run("check", root / "in", "--pack", root / "pack", "--waivers",
               root / "waivers.yaml", *pairs, "--lang", "en", "--jobs", "1")
    assert done.exit_code == 2, done.stderr
    for fmt in FORMATS:
        seen = readable(fmt, (tmp_path / f"out.{fmt}").read_text(encoding="utf-8"))
        for words in items(result, "en").values():  # one-word items: the text format wraps
            for word in (w for w in words if len(w.split()) == 1):  # its cells at 120 columns
                assert word in seen, (fmt, word)


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_every_format_names_the_tenant_evidence(tmp_path, lang) -> None:
    """Tenant facts a profile was cross-checked against: which file (its SHA-256) and the
    controls it contradicted or could not measure, in every format."""
    result = run([EXAMPLES / "m365-tenant-measured.yaml"],
                 Options(tenant_facts=(EXAMPLES / "tenant" / "scubagear-facts.json",), jobs=1))
    [report] = result.reports
    assert report.tenant_evidence
    record = report.tenant_evidence[0]
    words = [record["sha256"], record["report_id"]]
    words += [control for key in ("contradicted", "unmeasured") for control in record.get(key) or []]
    assert len(words) > 2
    for fmt in FORMATS:
        seen = readable(fmt, render(result, fmt, lang, tmp_path))
        assert [w for w in words if w not in seen] == [], fmt


def test_every_format_says_the_judging_date_was_set_by_hand(tmp_path) -> None:
    """``--as-of`` changes what every date rule sees: each format says the date was set."""
    import datetime as dt

    result = run([EXAMPLES / "m365-compliant.yaml"], Options(as_of=dt.date(2025, 4, 1), jobs=1))
    assert result.reports[0].as_of_overridden
    said = {fmt: render(result, fmt, "en", tmp_path) for fmt in FORMATS}
    assert "(--as-of)" in said["text"]
    for fmt in ("markdown", "html", "committee"):
        assert "set with --as-of" in said[fmt], fmt
    assert json.loads(said["json"])["as_of_overridden"] is True
    sarif = json.loads(said["sarif"])
    assert [a["properties"]["as_of_overridden"] for a in sarif["runs"][0]["artifacts"]] == [True]
    junit = ET.fromstring(said["junit"])
    assert [p.get("value") for p in junit.iter("property")
            if p.get("name") == "as_of_overridden"] == ["true"]
    ar = json.loads(said["oscal-ar"])["assessment-results"]
    assert {p["name"]: p["value"] for p in ar["results"][0]["props"]}[
        "as-of-overridden"] == "true"
