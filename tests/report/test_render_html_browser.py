"""The HTML report in a real browser: headless Chromium renders it, shows the findings, and the
page makes no network request. Skipped, with the reason, only where Chromium is absent.

How "no network request" is established, without DevTools:

* every run goes through an HTTP proxy we own (``--proxy-server`` → a socket server on
  127.0.0.1 that records the first line of each connection; ``--proxy-bypass-list=<-loopback>``
  sends even loopback through it) and ``--host-resolver-rules`` maps every name to NOTFOUND, so
  nothing can leave the machine;
* Chromium writes a NetLog (``--log-net-log``), in which each URL request carries its
  initiator: requests of the page have the page's origin (``null`` for a ``file:`` page),
  Chromium's own service traffic (component updates, account checks: made by the browser even
  with ``--disable-background-networking``) has ``not an origin``;
* the test asserts that the page initiated no request, and that every connection the proxy saw
  belongs to a request the NetLog attributes to the browser itself;
* a positive control (a page with an external image and stylesheet) shows both detectors catch
  a page's request in this very environment, so the "nothing" above is not vacuous;
* and the rendered DOM holds no ``src``/``href`` pointing anywhere but ``#`` or ``data:``.

The screenshot goes to ``docs/img/html-report.png`` when ``NETSEP_UPDATE_SCREENSHOT=1``, else
into the test's temporary folder.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import struct
import subprocess
import threading
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from netsep_check.api import result_of
from netsep_check.report.html import render_html
from netsep_check.report.messages import finding_message

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOT = ROOT / "docs/img/html-report.png"
EXAMPLE = ROOT / "examples/pulse-noncompliant-controls.yaml"
WINDOW = (1280, 2000)
TIMEOUT = 120


def find_chromium() -> str | None:
    for candidate in (shutil.which("chromium"), "/usr/bin/chromium"):
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return candidate
    return None


CHROMIUM = find_chromium()
pytestmark = pytest.mark.skipif(
    CHROMIUM is None,
    reason="Chromium not found (neither `chromium` on PATH nor /usr/bin/chromium); install "
           "Debian's `chromium` package (.ci/run does) to test the HTML report in a browser")


class ProxyRecorder:
    """A socket server on 127.0.0.1 that records each connection's request line, then closes."""

    def __init__(self) -> None:
        self.requests: list[str] = []
        self._server = socket.create_server(("127.0.0.1", 0))
        self._server.settimeout(0.2)
        self.port = self._server.getsockname()[1]
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)

    def __enter__(self) -> ProxyRecorder:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self._server.close()

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._server.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            with conn:
                conn.settimeout(2)
                try:
                    data = conn.recv(4096)
                except OSError:
                    data = b""
                self.requests.append(data.split(b"\r\n", 1)[0].decode("latin-1") or "<no data>")

    @property
    def hosts(self) -> set[str]:
        """Hosts the proxy was asked for (``CONNECT host:443`` or ``GET http://host/...``)."""
        found = set()
        for line in self.requests:
            if line == "<no data>":  # a connection that asked for nothing within 2 s (a slow
                continue             # pre-connect under load): it names no host
            parts = line.split()
            target = parts[1] if len(parts) > 1 else line
            host = target.rsplit(":", 1)[0] if parts[:1] == ["CONNECT"] else urlsplit(target).hostname
            found.add(host or target)
        return found


@dataclass
class Visit:
    returncode: int
    stdout: str
    stderr: str
    proxy_requests: list[str]
    proxy_hosts: set[str]
    page_requests: list[str] = field(default_factory=list)  # URLs the page asked for
    browser_hosts: set[str] = field(default_factory=set)  # hosts of Chromium's own requests


def net_log_requests(path: Path) -> tuple[list[str], set[str]]:
    """(URLs requested by a page, hosts requested by the browser itself) from a NetLog file."""
    log = json.loads(path.read_text(encoding="utf-8"))
    start = log["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"]
    page, browser = [], set()
    for event in log["events"]:
        params = event.get("params") or {}
        if event["type"] != start or "url" not in params:
            continue
        if params.get("initiator") == "not an origin":
            browser.add(urlsplit(params["url"]).hostname or "")
        else:
            page.append(params["url"])
    return page, browser


def visit(page: Path, tmp: Path, *extra: str) -> Visit:
    """Open ``page`` in headless Chromium, offline, through the recording proxy."""
    profile = tmp / f"chromium-profile-{len(list(tmp.glob('chromium-profile-*')))}"
    net_log = profile.with_suffix(".netlog.json")
    with ProxyRecorder() as proxy:
        command = [
            CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
            "--no-first-run", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--disable-extensions", "--disable-default-apps",
            "--hide-scrollbars", f"--user-data-dir={profile}",
            f"--proxy-server=http://127.0.0.1:{proxy.port}", "--proxy-bypass-list=<-loopback>",
            "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
            f"--log-net-log={net_log}", f"--window-size={WINDOW[0]},{WINDOW[1]}",
            *extra, page.resolve().as_uri()]
        process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                   text=True, start_new_session=True)
        try:
            stdout, stderr = process.communicate(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            pytest.fail(f"Chromium did not finish within {TIMEOUT}s: {' '.join(command)}")
    result = Visit(process.returncode, stdout, stderr, list(proxy.requests), proxy.hosts)
    assert net_log.is_file(), f"Chromium wrote no NetLog; stderr:\n{stderr[-2000:]}"
    result.page_requests, result.browser_hosts = net_log_requests(net_log)
    return result


def assert_offline(result: Visit) -> None:
    assert result.page_requests == [], f"the page made network requests: {result.page_requests}"
    unexplained = result.proxy_hosts - result.browser_hosts
    assert not unexplained, (f"connections not made by the browser's own services: "
                             f"{sorted(unexplained)} (all: {result.proxy_requests})")


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    return struct.unpack(">II", data[16:24])


def test_positive_control_detects_a_page_request(tmp_path: Path) -> None:
    """Without this, "no request seen" could just mean the detectors see nothing here."""
    page = tmp_path / "canary.html"
    page.write_text('<!DOCTYPE html><html><head><link rel="stylesheet" '
                    'href="https://netsep-canary.invalid/a.css"></head><body><p>canary</p>'
                    '<img src="http://netsep-canary.invalid/x.png"></body></html>',
                    encoding="utf-8")
    result = visit(page, tmp_path, "--dump-dom")
    assert result.returncode == 0, result.stderr[-2000:]
    assert "canary" in result.stdout
    assert {"http://netsep-canary.invalid/x.png", "https://netsep-canary.invalid/a.css"} \
        <= set(result.page_requests), "the NetLog did not show the page's own requests"
    assert "netsep-canary.invalid" in result.proxy_hosts, \
        f"the proxy did not see the page's request: {result.proxy_requests}"
    assert "netsep-canary.invalid" not in result.browser_hosts


@pytest.fixture
def report(monkeypatch: pytest.MonkeyPatch):
    """Checked from the repository folder, as CI does: the report shows the path as given."""
    from netsep_check.api import Checker

    monkeypatch.chdir(ROOT)
    return Checker().check(EXAMPLE.relative_to(ROOT))


@pytest.mark.parametrize("lang", ["ko", "en"])
def test_rendered_dom_shows_the_findings(report, parse_html, tmp_path: Path, lang: str) -> None:
    page = tmp_path / f"report-{lang}.html"
    page.write_text(render_html(result_of([report]), lang), encoding="utf-8")
    result = visit(page, tmp_path, "--dump-dom")
    assert result.returncode == 0, result.stderr[-2000:]
    assert_offline(result)

    dom = parse_html(result.stdout)
    assert dom.find("html").attrs.get("lang") == lang
    cards = {node.attrs["id"]: node for node in dom.find_all("article", "finding")}
    failing = [f for f in report.findings if f.failing]
    assert len(failing) >= 4
    assert len(cards) == len(failing)
    for finding in failing:
        card = cards[f"report-1-{finding.rule.id}"]
        assert finding.rule.title[lang] in card.text
        assert finding_message(finding, lang) in card.text
        assert f":{finding.line}" in card.text
    for node in dom.iter():
        for name in ("src", "href", "srcset", "action", "data", "poster"):
            value = node.attrs.get(name)
            if value is not None:
                assert value.startswith(("#", "data:")), (node.tag, name, value)
    assert dom.find(cls="verdict").text.startswith({"ko": "부적합", "en": "NOT COMPLIANT"}[lang])


def test_screenshot(report, tmp_path: Path) -> None:
    update = os.environ.get("NETSEP_UPDATE_SCREENSHOT") == "1"
    if update and shutil.which("fc-list"):
        korean = subprocess.run(["fc-list", ":lang=ko", "family"], capture_output=True,
                                text=True, check=False).stdout.strip()
        assert korean, ("no Korean font installed: the docs screenshot would show empty boxes; "
                        "install fonts-nanum or fonts-noto-cjk first")
    page = tmp_path / "html-report.html"
    page.write_text(render_html(result_of([report]), "ko"), encoding="utf-8")
    target = SCREENSHOT if update else tmp_path / "html-report.png"
    target.parent.mkdir(parents=True, exist_ok=True)
    result = visit(page, tmp_path, f"--screenshot={target}")
    assert result.returncode == 0, result.stderr[-2000:]
    assert_offline(result)
    assert target.is_file(), f"no screenshot written; stderr:\n{result.stderr[-2000:]}"
    assert png_size(target) == WINDOW
    assert target.stat().st_size > 20_000  # a rendered page, not a blank one
