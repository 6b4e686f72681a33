"""The committee report (``netsep-check report committee``): what it says, in Korean and English,
from the installed command; printed to A4 in headless Chromium (skipped, with the reason, where
Chromium is absent), offline, with its pages rendered to PNG where poppler's pdftoppm exists.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from netsep_check.api import Checker, result_of
from netsep_check.cli import main
from netsep_check.evaluate.diff import side_from_report
from netsep_check.report import renderer
from netsep_check.report.committee import default_period, render_committee

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples/pulse-noncompliant-controls.yaml"
SCREENSHOT = ROOT / "docs/img/committee-report.png"


def annotated_profile(tmp: Path) -> Path:
    """pulse-noncompliant-controls with an owner and due date on two controls."""
    text = EXAMPLE.read_text(encoding="utf-8").replace(
        "sharing_controls: {status: implemented, external_sharing: open, evidence: [EV-30]}",
        "sharing_controls: {status: implemented, external_sharing: open, evidence: [EV-30], "
        "x_owner: 정보보호팀 김민수, x_due: 2025-06-30}").replace(
        "training: {status: implemented, last_performed_on: 2023-12-05, evidence: [EV-41]}",
        "training: {status: implemented, last_performed_on: 2023-12-05, evidence: [EV-41], "
        "x_owner: 인사팀 이서연, x_due: 2025-05-31}")
    path = tmp / "profile.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_registered_as_a_format() -> None:
    assert renderer("committee") is render_committee


def test_default_period_is_the_six_months_to_the_evaluation_date() -> None:
    assert default_period(dt.date(2025, 3, 31)) == (dt.date(2024, 10, 1), dt.date(2025, 3, 31))
    assert default_period(dt.date(2025, 8, 31)) == (dt.date(2025, 3, 1), dt.date(2025, 8, 31))
    assert default_period(dt.date(2026, 6, 30)) == (dt.date(2026, 1, 1), dt.date(2026, 6, 30))
    assert default_period(dt.date(2025, 12, 31)) == (dt.date(2025, 7, 1), dt.date(2025, 12, 31))
    assert default_period(dt.date(2025, 1, 15)) == (dt.date(2024, 7, 16), dt.date(2025, 1, 15))
    assert default_period(dt.date(2024, 8, 29)) == (dt.date(2024, 2, 29), dt.date(2024, 8, 29))


def test_korean_content(mixed_report, parse_html) -> None:
    page = render_committee(result_of([mixed_report]), "ko", prepared_by="정보보호부 홍길동")
    dom = parse_html(page)
    text = dom.text
    assert dom.find("html").attrs["lang"] == "ko"
    csp = next(m for m in dom.iter("meta") if m.attrs.get("http-equiv"))
    assert "default-src 'none'" in csp.attrs["content"]
    assert not re.search(r"https?://", page)
    assert not any(n.attrs.get(a) for n in dom.iter() for a in ("src", "href"))
    for needed in ("정보보호위원회 보고 안건", "보고 개요", "평가 결과 요약", "영역별·통제별 평가 결과",
                   "미이행 사항 및 조치 계획", "예외 승인 현황", "직전 보고 대비 변동 사항",
                   "평가에 사용한 증빙", "확인 및 서명", "작성", "검토",
                   "정보보호최고책임자(CISO)", "정보보호부 홍길동",
                   mixed_report.pack.digest, mixed_report.profile_sha256,
                   "2024. 10. 1. ~ 2025. 3. 31."):
        assert needed in text, needed
    for finding in mixed_report.findings:  # every control, with its result
        assert finding.rule.id in text
    plan = page[page.index("미이행 사항 및 조치 계획"):page.index("예외 승인 현황")]
    for finding in mixed_report.findings:
        if finding.status in ("fail", "error"):
            assert finding.rule.id in plan
            assert finding.rule.remediation["ko"][:20] in plan
        elif finding.status == "waived":
            assert finding.rule.id not in plan
    # the waiver: approver, expiry, ticket
    assert "RISK-2025-0042" in text and "2025-12-31" in text and "2025-01-10" in text
    # sandbox purpose, statutory wording; no English label left in the Korean document
    assert "혁신금융서비스 지정(2024. 9. 27.)" in text
    for english in ("Overview", "Sign-off", "Owner", "Due date", "Evidence relied on"):
        assert english not in text


def test_standing_regime_purpose_cites_the_enforcement_rule(report_of) -> None:
    page = render_committee(result_of([report_of("standing-compliant")]), "ko")
    assert "전자금융감독규정시행세칙 제2조의3제1항제3호" in page
    assert "보안통제 이행 여부를 반기 1회 이상 평가하여" in page
    assert "정보보호최고책임자(CISO)가 위원장인 정보보호위원회" in page


def test_english(mixed_report) -> None:
    page = render_committee(result_of([mixed_report]), "en")
    assert '<html lang="en">' in page
    for needed in ("Report to the Information Protection Committee", "Sign-off",
                   "Chief Information Security Officer (CISO)", "Open findings and remediation"):
        assert needed in page
    assert "보고 개요" not in page


def test_owners_due_dates_and_evidence_hashes(tmp_path, parse_html) -> None:
    report = Checker(verify_evidence=False).check(annotated_profile(tmp_path))
    dom = parse_html(render_committee(result_of([report]), "ko"))
    sharing = next(r for r in dom.iter("tr") if "SAAS-SHARING-NOT-OPEN" in r.text
                   and "정보보호팀 김민수" in r.text)
    assert "2025-06-30" in sharing.text
    blank = next(r for r in dom.iter("tr") if "NET-MFA-ALL-USERS" in r.text
                 and r.find(cls="blank") is not None)
    assert len(blank.find_all(cls="blank")) == 2  # owner and due left to fill in
    training = next(r for r in dom.iter("tr") if "OPS-TRAINING-CURRENT" in r.text
                    and "인사팀 이서연" in r.text)
    assert "2025-05-31" in training.text


def test_evidence_files_listed_with_sha256(report_of) -> None:
    report = report_of("m365-compliant")
    page = render_committee(result_of([report]), "ko")
    for record in report.evidence_checked:
        assert record.sha256 in page
        assert record.path in page
    assert "파일 존재, SHA-256 일치" in page


def test_changes_since_the_previous_report(report_of) -> None:
    report = report_of("pulse-noncompliant-controls")
    earlier = dataclasses.replace(report, findings=[
        dataclasses.replace(f, status="pass") if f.rule.id == "OPS-TRAINING-CURRENT" else f
        for f in report.findings])
    previous = [side_from_report(earlier, "2024-H2.json")]
    page = render_committee(result_of([report]), "ko", previous=previous, previous_source="2024-H2.json")
    section = page[page.index("직전 보고 대비 변동 사항"):page.index("평가에 사용한 증빙")]
    assert "2024-H2.json" in section
    assert "OPS-TRAINING-CURRENT" in section and "새로 위반" in section
    assert "NET-MFA-ALL-USERS" in section and "계속 위반" in section
    assert "직전 보고서가 제시되지 않아" in render_committee(result_of([report]), "ko")


def test_deterministic(report_of) -> None:
    report = report_of("pulse-noncompliant-controls")
    assert render_committee(result_of([report]), "ko") == render_committee(result_of([report]), "ko")


def test_cli_end_to_end(tmp_path) -> None:
    runner = CliRunner()
    previous = tmp_path / "previous.json"
    result = runner.invoke(main, ["check", str(EXAMPLE), "--as-of", "2024-09-30",
                                  "--format", "json", "-o", str(previous)])
    assert result.exit_code in (0, 1), result.output
    out = tmp_path / "committee.html"
    result = runner.invoke(main, [
        "report", "committee", str(annotated_profile(tmp_path)), "--period",
        "2024-10-01..2025-03-31", "--previous", str(previous), "--prepared-by", "정보보호부 홍길동",
        "--waivers", str(ROOT / "examples/waivers.yaml"), "--lang", "ko", "-o", str(out)])
    assert result.exit_code == 1, result.output  # failing rules: exit 1 as check does
    page = out.read_text(encoding="utf-8")
    assert "2024. 10. 1. ~ 2025. 3. 31." in page and "previous.json" in page
    assert "RISK-2025-0042" in page  # the waiver was applied and is listed
    assert "새로 위반" in page or "계속 위반" in page


def test_check_format_committee(tmp_path) -> None:
    out = tmp_path / "c.html"
    result = CliRunner().invoke(main, ["check", str(EXAMPLE), str(ROOT / "examples/pulse-compliant.yaml"),
                                       "--format", "committee", "--lang", "en", "-o", str(out)])
    assert result.exit_code == 1, result.output
    page = out.read_text(encoding="utf-8")
    assert page.count('<article class="committee-report">') == 2  # one per profile
    assert "No previous report was given" in page


def test_severity_term(mixed_report) -> None:
    page = render_committee(result_of([mixed_report]), "ko")
    assert "PROV-RATED · 심각" in page and "치명" not in page


@pytest.mark.parametrize("period", ["2025-06-30..2025-01-01", "2025-01-01", "x..y"])
def test_bad_period_is_a_usage_error(period) -> None:
    result = CliRunner().invoke(main, ["report", "committee", str(EXAMPLE), "--period", period])
    assert result.exit_code == 2
    assert "--period" in result.output


def test_bad_previous_report_is_exit_2(tmp_path) -> None:
    bad = tmp_path / "prev.json"
    bad.write_text(json.dumps({"profile_version": 1}), encoding="utf-8")
    result = CliRunner().invoke(main, ["report", "committee", str(EXAMPLE), "--previous",
                                       str(bad)])
    assert result.exit_code == 2
    assert "prev.json" in result.output


# --- printed in headless Chromium --------------------------------------------------------

def _browser_helpers():
    """The offline Chromium harness of the HTML report's browser test (one copy of it)."""
    spec = importlib.util.spec_from_file_location(
        "netsep_browser_harness", Path(__file__).with_name("test_render_html_browser.py"))
    module = sys.modules.get(spec.name)
    if module is None:
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module  # dataclasses look their module up there
        spec.loader.exec_module(module)
    return module


harness = _browser_helpers()
needs_chromium = pytest.mark.skipif(
    harness.CHROMIUM is None,
    reason="Chromium not found (neither `chromium` on PATH nor /usr/bin/chromium); install "
           "Debian's `chromium` package (.ci/run does) to print the committee report")


def _korean_font() -> bool:
    """Whether fontconfig knows a font with Hangul (without one, Chromium prints Korean with
    glyphs missing, and the printed text cannot be read back)."""
    if shutil.which("fc-list") is None:
        return True  # no fontconfig to ask: let the print show
    found = subprocess.run(["fc-list", ":lang=ko", "family"], capture_output=True, text=True)
    return bool(found.stdout.strip())


needs_korean_font = pytest.mark.skipif(
    not _korean_font(), reason="no font with Hangul (fc-list :lang=ko is empty); install one "
                               "such as Debian's fonts-nanum (.ci/run does) to print Korean")


def _pdf_pages(pdf: bytes) -> list[tuple[float, float]]:
    """(width, height) in points of every page of a PDF Chromium wrote."""
    sizes = []
    for match in re.finditer(rb"/Type\s*/Page\b(?!s).{0,400}?/MediaBox\s*\[\s*([\d.]+)\s+"
                             rb"([\d.]+)\s+([\d.]+)\s+([\d.]+)\s*\]", pdf, re.S):
        x0, y0, x1, y1 = (float(v) for v in match.groups())
        sizes.append((x1 - x0, y1 - y0))
    if not sizes:  # MediaBox before /Type in the dictionary
        for match in re.finditer(rb"/MediaBox\s*\[\s*([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)"
                                 rb"\s*\]", pdf):
            x0, y0, x1, y1 = (float(v) for v in match.groups())
            sizes.append((x1 - x0, y1 - y0))
    return sizes


@needs_chromium
@needs_korean_font
@pytest.mark.parametrize("lang", ["ko", "en"])
def test_prints_to_a4_offline(tmp_path, parse_html, monkeypatch, lang) -> None:
    monkeypatch.chdir(ROOT)
    report = Checker().check(EXAMPLE.relative_to(ROOT))
    page = tmp_path / f"committee-{lang}.html"
    page.write_text(render_committee(result_of([report]), lang, prepared_by="정보보호부 홍길동"),
                    encoding="utf-8")
    dom_visit = harness.visit(page, tmp_path, "--dump-dom")
    assert dom_visit.returncode == 0, dom_visit.stderr[-2000:]
    harness.assert_offline(dom_visit)
    dom = parse_html(dom_visit.stdout)
    assert dom.find("html").attrs.get("lang") == lang
    assert {"ko": "정보보호최고책임자(CISO)", "en": "(CISO)"}[lang] in dom.text

    pdf = tmp_path / f"committee-{lang}.pdf"
    printed = harness.visit(page, tmp_path, "--no-pdf-header-footer", f"--print-to-pdf={pdf}")
    assert printed.returncode == 0, printed.stderr[-2000:]
    harness.assert_offline(printed)
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF")
    sizes = _pdf_pages(data)
    assert len(sizes) >= 5, sizes  # chapters start on new pages
    for width, height in sizes:  # A4: 210 × 297 mm = 595 × 842 pt
        assert abs(width - 595) < 3 and abs(height - 842) < 3, (width, height)
    if shutil.which("pdftotext"):
        first = subprocess.run(["pdftotext", "-f", "1", "-l", "1", "-layout", str(pdf), "-"],
                               capture_output=True, text=True, check=True).stdout
        assert report.firm in first and report.pack.digest in first
        texts = [subprocess.run(["pdftotext", "-f", str(i), "-l", str(i), str(pdf), "-"],
                                capture_output=True, text=True, check=True).stdout
                 for i in range(1, len(sizes) + 1)]
        heading = {"ko": "확인 및 서명", "en": "Sign-off"}[lang]
        assert heading in texts[-1] or heading in texts[-2]
        for i, text in enumerate(texts[1:], 2):  # every page carries its number "i / n"
            assert re.search(rf"(?<!\d){i}\s*/\s*{len(sizes)}(?!\d)", text), i


@needs_chromium
def test_page_screenshot(tmp_path, monkeypatch) -> None:
    """Page 1 as PNG (poppler's pdftoppm): the README's picture with NETSEP_UPDATE_SCREENSHOT=1."""
    if not shutil.which("pdftoppm"):
        pytest.skip("pdftoppm (poppler-utils) not found: the printed page is not rendered to PNG")
    update = os.environ.get("NETSEP_UPDATE_SCREENSHOT") == "1"
    monkeypatch.chdir(ROOT)
    report = Checker().check(EXAMPLE.relative_to(ROOT))
    from netsep_check.evaluate.waivers import apply_waivers, load_waivers

    apply_waivers([report], load_waivers(ROOT / "examples/waivers.yaml"))
    page = tmp_path / "committee.html"
    page.write_text(render_committee(result_of([report]), "ko", prepared_by="정보보호부 홍길동"),
                    encoding="utf-8")
    pdf = tmp_path / "committee.pdf"
    printed = harness.visit(page, tmp_path, "--no-pdf-header-footer", f"--print-to-pdf={pdf}")
    assert printed.returncode == 0, printed.stderr[-2000:]
    subprocess.run(["pdftoppm", "-f", "1", "-l", "1", "-r", "96", "-png", "-singlefile",
                    str(pdf), str(tmp_path / "page")], check=True)
    png = tmp_path / "page.png"
    width, height = harness.png_size(png)
    assert abs(width / height - 210 / 297) < 0.01  # an A4 page
    assert png.stat().st_size > 30_000  # a rendered page, not a blank one
    if update:
        SCREENSHOT.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(png, SCREENSHOT)


def test_profile_text_is_escaped(mixed_report) -> None:
    hostile = dataclasses.replace(mixed_report, firm='<script>alert(1)</script> "x" ://evil')
    page = render_committee(result_of([hostile]), "ko", prepared_by="<img src=x>")
    assert "<script>" not in page and "<img" not in page
    assert "://evil" not in page  # written as &#58;// like the HTML report
    assert "&lt;script&gt;" in page
