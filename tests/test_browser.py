"""Headless Chromium against a real server: /docs, /redoc and the /ui pages load without console
errors, their content (Swagger UI, ReDoc, the SVG charts) is drawn, and screenshots are kept.

How: the app runs under uvicorn on 127.0.0.1 in a thread, on a copy of the demo database with two
evaluation runs. Chromium is started headless with ``--remote-debugging-port=0``; the test reads the
port it chose from ``DevToolsActivePort`` and drives one tab over the DevTools protocol (a websocket):
it navigates, waits until the page's content exists, collects every ``Runtime.exceptionThrown``,
``console.error`` and ``Log.entryAdded`` error (failed resource loads appear there too, so a page
that tried to fetch a CDN asset offline fails), measures the drawn SVG charts with ``getBBox`` and
saves a screenshot under ``test-artifacts/browser/`` (gitignored).

No browser found: the tests skip, unless ``ZONESCORE_REQUIRE_BROWSER=1`` (CI), where they fail.
``ZONESCORE_CHROMIUM`` may name the binary.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
import threading
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from app.config import Settings
from app.db import make_engine, make_session_factory, session_scope
from app.main import create_app
from app.schemas.evaluation import EvaluationRequest
from app.schemas.panel import PanelRequest
from app.services.audit import CLI_ACTOR
from app.services.evaluations import run_evaluation
from app.services.panels import run_panel
from app.services.publication import Publisher, publish
from tests.live import free_port

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts" / "browser"
BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-extensions",
                  "--disable-dev-shm-usage", "--hide-scrollbars", "--remote-allow-origins=*")


def _browser_binary() -> str:
    """The Chromium binary, or skip (fail under ZONESCORE_REQUIRE_BROWSER=1) with the reason."""
    candidates = [os.environ["ZONESCORE_CHROMIUM"]] if os.environ.get("ZONESCORE_CHROMIUM") else list(BROWSERS)
    found = next((path for name in candidates if (path := shutil.which(name))), None)
    problem = None
    if found is None:
        problem = f"no Chromium binary found (tried {', '.join(candidates)}); install Debian's `chromium`"
    else:
        try:
            import websocket  # noqa: F401
        except ImportError:
            problem = "the websocket-client package (a dev dependency) is not installed"
    if problem is not None:
        if os.environ.get("ZONESCORE_REQUIRE_BROWSER") == "1":
            pytest.fail(f"ZONESCORE_REQUIRE_BROWSER=1 but {problem}")
        pytest.skip(problem)
    assert found is not None
    return found


@dataclass
class Server:
    """The app served by uvicorn on 127.0.0.1, and the runs and the panel it holds."""

    base: str
    run_ids: list[int]
    zone: str
    panel_id: int
    database_url: str


@pytest.fixture
def server(sqlite_demo_template: Path, tmp_path: Path) -> Iterator[Server]:
    """uvicorn in a thread on a copy of the demo database holding two published runs (2023 and 2024) and a panel
    (2020–2024)."""
    import uvicorn

    db = tmp_path / "browser.db"
    shutil.copyfile(sqlite_demo_template, db)
    url = f"sqlite:///{db}"
    engine = make_engine(url)
    run_ids: list[int] = []
    for year in (2023, 2024):
        with session_scope(make_session_factory(engine)) as session:
            request = EvaluationRequest.model_validate(
                {"model": "innovation-peak", "year": year, "options": {"seed": 1, "uncertainty_runs": 100}})
            run_ids.append(publish(session, run_evaluation(session, request).id, Publisher(CLI_ACTOR)).id)
    with session_scope(make_session_factory(engine)) as session:
        panel_id = run_panel(session, PanelRequest.model_validate(
            {"model": "innovation-peak", "years": [2020, 2024], "options": {"seed": 1, "uncertainty_runs": 100}})).id
    engine.dispose()
    app = create_app(Settings(database_url=url, log_format="text", log_level="WARNING"))
    port = free_port()
    uv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_config=None, access_log=False))
    thread = threading.Thread(target=uv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not uv.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    base = f"http://127.0.0.1:{port}"
    with urllib.request.urlopen(f"{base}/api/v1/evaluations/{run_ids[-1]}/rankings?limit=5") as reply:
        zone = json.loads(reply.read())["items"][2]["zone_code"]
    try:
        yield Server(base, run_ids, zone, panel_id, url)
    finally:
        uv.should_exit = True
        thread.join(timeout=20)
        app.state.engine.dispose()


class Tab:
    """One browser tab driven over the DevTools protocol; remembers every error it reports."""

    def __init__(self, ws_url: str) -> None:
        import websocket

        self.ws = websocket.create_connection(ws_url, timeout=30, suppress_origin=True)
        self.next_id = 0
        self.events: list[dict[str, Any]] = []
        for domain in ("Page", "Runtime", "Log"):
            self.call(f"{domain}.enable")
        self.call("Emulation.setDeviceMetricsOverride",
                  {"width": 1280, "height": 900, "deviceScaleFactor": 1, "mobile": False})

    def call(self, method: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
        """Send a command and return its result; events that arrive meanwhile are kept."""
        self.next_id += 1
        self.ws.send(json.dumps({"id": self.next_id, "method": method, "params": params or {}}))
        while True:
            message = json.loads(self.ws.recv())
            if message.get("id") == self.next_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                result: dict[str, Any] = message.get("result", {})
                return result
            self.events.append(message)

    def evaluate(self, expression: str) -> Any:
        """The value of a JavaScript expression in the page."""
        reply = self.call("Runtime.evaluate", {"expression": expression, "returnByValue": True})
        return reply.get("result", {}).get("value")

    def load(self, url: str, ready: str, timeout: float = 30.0) -> None:
        """Navigate to ``url`` and wait until the load event and until ``ready`` (JS) is true."""
        self.events.clear()
        self.call("Page.navigate", {"url": url})
        deadline = time.monotonic() + timeout
        while not any(e.get("method") == "Page.loadEventFired" for e in self.events):
            if time.monotonic() > deadline:
                raise AssertionError(f"{url} did not finish loading")
            self.ws.settimeout(max(0.1, deadline - time.monotonic()))
            self.events.append(json.loads(self.ws.recv()))
        while not self.evaluate(f"Boolean({ready})"):
            if time.monotonic() > deadline:
                raise AssertionError(f"{url}: {ready} never became true")
            time.sleep(0.1)
        time.sleep(0.3)  # late console errors of scripts that run after rendering
        self.evaluate("1")  # drains events that arrived in the meantime

    def errors(self) -> list[str]:
        """Uncaught exceptions, console errors and browser log errors since the last navigation."""
        found = []
        for event in self.events:
            method, params = event.get("method"), event.get("params", {})
            if method == "Runtime.exceptionThrown":
                found.append("exception: " + json.dumps(params.get("exceptionDetails", {}))[:500])
            elif method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
                found.append("console: " + json.dumps(params.get("args", []))[:500])
            elif method == "Log.entryAdded" and params.get("entry", {}).get("level") == "error":
                entry = params["entry"]
                found.append(f"log: {entry.get('text')} {entry.get('url', '')}")
        return found

    def screenshot(self, name: str) -> Path:
        """A full-page PNG under test-artifacts/browser/."""
        height = int(self.evaluate("document.documentElement.scrollHeight") or 900)
        self.call("Emulation.setDeviceMetricsOverride",
                  {"width": 1280, "height": min(max(height, 600), 6000), "deviceScaleFactor": 1, "mobile": False})
        data = self.call("Page.captureScreenshot", {"format": "png"})["data"]
        self.call("Emulation.setDeviceMetricsOverride",
                  {"width": 1280, "height": 900, "deviceScaleFactor": 1, "mobile": False})
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        path.write_bytes(base64.b64decode(data))
        return path

    def close(self) -> None:
        """Close the websocket."""
        self.ws.close()


@pytest.fixture
def tab(tmp_path: Path) -> Iterator[Tab]:
    """A fresh headless Chromium (own profile directory) and one tab in it."""
    binary = _browser_binary()
    profile = tmp_path / "chromium-profile"
    process = subprocess.Popen(
        [binary, *CHROMIUM_FLAGS, "--remote-debugging-port=0", f"--user-data-dir={profile}", "about:blank"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    try:
        port_file = profile / "DevToolsActivePort"
        deadline = time.monotonic() + 30
        while not (port_file.exists() and port_file.read_text().strip()):
            if process.poll() is not None or time.monotonic() > deadline:
                stderr = process.stderr.read().decode(errors="replace")[-2000:] if process.stderr else ""
                pytest.fail(f"Chromium did not start its DevTools endpoint: {stderr}")
            time.sleep(0.05)
        port = int(port_file.read_text().split()[0])
        request = urllib.request.Request(f"http://127.0.0.1:{port}/json/new?about:blank", method="PUT")
        with urllib.request.urlopen(request) as reply:
            target = json.loads(reply.read())
        browser_tab = Tab(target["webSocketDebuggerUrl"])
        try:
            yield browser_tab
        finally:
            browser_tab.close()
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _chart_sizes(tab: Tab) -> list[list[float]]:
    sizes: list[list[float]] = tab.evaluate(
        "[...document.querySelectorAll('svg.chart')].map(s => { const b = s.getBBox(); return [b.width, b.height]; })")
    return sizes


def test_docs_pages_render_offline_without_errors(server: Server, tab: Tab) -> None:
    tab.load(f"{server.base}/docs", "document.querySelectorAll('.opblock').length > 10")
    assert tab.errors() == []
    assert tab.evaluate("document.querySelector('.swagger-ui .info .title').textContent").startswith("zonescore")
    tab.screenshot("docs")
    tab.load(f"{server.base}/redoc", "document.querySelector('.api-content h1') !== null")
    assert tab.errors() == []
    assert "zonescore" in tab.evaluate("document.querySelector('.api-content h1').textContent")
    tab.screenshot("redoc")


def test_ui_pages_draw_their_charts_without_errors(server: Server, tab: Tab) -> None:
    run = server.run_ids[-1]
    pages = {
        "ui-index": (f"{server.base}/ui", "document.querySelectorAll('table tbody tr').length >= 2", 0),
        # Chromium asks for English (Accept-Language: en-US); ?lang=zh-CN shows the default portal language.
        "ui-ranking": (f"{server.base}/ui/evaluations/{run}?lang=zh-CN", "document.querySelector('svg.tier-chart')",
                       1),
        "ui-ranking-filtered-en": (f"{server.base}/ui/evaluations/{run}?province=33&tier=strong&lang=en",
                                   "document.querySelector('svg.tier-chart')", 1),
        "ui-zone": (f"{server.base}/ui/evaluations/{run}/zones/{server.zone}?lang=zh-CN",
                    "document.querySelectorAll('svg.chart').length >= 5", 5),
        "ui-zone-en": (f"{server.base}/ui/evaluations/{run}/zones/{server.zone}?lang=en",
                       "document.querySelectorAll('svg.chart').length >= 5", 5),
        "ui-model": (f"{server.base}/ui/models/innovation-peak?lang=zh-CN",
                     "document.querySelector('svg.pillar-chart')", 1),
    }
    for name, (url, ready, charts) in pages.items():
        tab.load(url, ready)
        assert tab.errors() == [], name
        sizes = _chart_sizes(tab)
        assert len(sizes) >= charts, name
        assert all(w > 50 and h > 20 for w, h in sizes), (name, sizes)
        tab.screenshot(name)
    # The zone page's pieces are really drawn: a radar polygon with one corner per pillar, intervals, lines.
    tab.load(f"{server.base}/ui/evaluations/{run}/zones/{server.zone}", "document.querySelector('.radar-zone')")
    corners = tab.evaluate("document.querySelector('.radar-zone').points.numberOfItems")
    assert corners == 6
    assert tab.evaluate("document.querySelectorAll('line.interval').length") >= 5
    assert tab.evaluate("document.querySelectorAll('path.line').length") >= 2
    # The filter form works in the browser: choosing a province and submitting narrows the table.
    tab.load(f"{server.base}/ui/evaluations/{run}", "document.querySelector('form.filters')")
    tab.evaluate("document.querySelector('select[name=province]').value = '33'; "
                 "document.querySelector('form.filters').submit()")
    deadline = time.monotonic() + 20
    while "province=33" not in (tab.evaluate("location.search") or ""):
        assert time.monotonic() < deadline, "the filter form did not submit"
        time.sleep(0.1)
    tab.load(tab.evaluate("location.href"), "document.querySelector('svg.tier-chart')")
    links = tab.evaluate("[...document.querySelectorAll('tbody a[href*=\"/zones/\"]')].map(a => a.href)")
    assert links and all("/zones/DEMO-33-" in link for link in links)


def test_panel_pages_draw_the_heat_maps_and_the_trajectory_without_errors(server: Server, tab: Tab) -> None:
    panel = f"{server.base}/ui/panels/{server.panel_id}"
    pages = {
        "ui-panel": (f"{panel}?lang=zh-CN", "document.querySelectorAll('svg.heat-map').length == 2"),
        "ui-panel-en": (f"{panel}?from_year=2022&to_year=2024&lang=en", "document.querySelector('svg.heat-map')"),
        "ui-panel-zone": (f"{panel}/zones/{server.zone}?lang=zh-CN", "document.querySelector('svg.trajectory-chart')"),
        "ui-zone-on-panel-scale": (f"{server.base}/ui/evaluations/{server.run_ids[-1]}/zones/{server.zone}?lang=zh-CN",
                                   "document.querySelector('svg.trajectory-chart')"),
    }
    for name, (url, ready) in pages.items():
        tab.load(url, ready)
        assert tab.errors() == [], name
        assert all(w > 50 and h > 20 for w, h in _chart_sizes(tab)), name
        tab.screenshot(name)
    tab.load(f"{panel}?lang=zh-CN", "document.querySelectorAll('svg.heat-map').length == 2")
    cells = tab.evaluate("[...document.querySelectorAll('rect.heat-cell')].map(r => { const b = r.getBBox(); "
                         "return [b.width, b.height]; })")
    assert len(cells) == 32 and all(w > 20 and h > 20 for w, h in cells)
    # a heat-map cell links to the list of its zones, and those link to the zones' trajectories
    target = tab.evaluate("document.querySelector('svg.tiers-heat-map a.heat-link').getAttribute('href')")
    tab.evaluate("document.querySelector('svg.tiers-heat-map a.heat-link').dispatchEvent(new MouseEvent('click', "
                 "{bubbles: true}))")
    deadline = time.monotonic() + 10
    while tab.evaluate("location.hash") != target:
        assert time.monotonic() < deadline, "the heat-map cell did not link to its zones"
        time.sleep(0.1)
    links = tab.evaluate(f"[...document.querySelectorAll('{target} a')].map(a => a.getAttribute('href'))")
    assert links and all(f"/ui/panels/{server.panel_id}/zones/DEMO-" in link for link in links)
    tab.load(f"{panel}/zones/{server.zone}", "document.querySelector('svg.trajectory-chart')")
    assert tab.evaluate("document.querySelectorAll('rect.tier-band').length") == 4
    assert tab.evaluate("document.querySelectorAll('svg.trajectory-chart circle.point').length") == 5
    assert tab.evaluate("document.querySelector('line.trend-line').getBBox().width") > 100
def _run_for_province(database_url: str, province: str) -> int:
    engine = make_engine(database_url)
    try:
        with session_scope(make_session_factory(engine)) as session:
            request = EvaluationRequest.model_validate({"model": "innovation-peak", "year": 2024,
                                                        "zones": {"provinces": [province]},
                                                        "options": {"uncertainty_runs": 0}})
            return publish(session, run_evaluation(session, request).id, Publisher(CLI_ACTOR)).id
    finally:
        engine.dispose()
    raise AssertionError("unreachable")


def test_the_english_ranking_fits_its_page_and_reads_peer_groups_and_badges(server: Server, tab: Tab) -> None:
    run = server.run_ids[-1]
    tab.load(f"{server.base}/ui/evaluations/{run}?lang=en", "document.querySelector('table.ranking tbody tr')")
    assert tab.errors() == []
    # nothing sticks out of the page or needs a sideways scroll at 1280 px
    assert tab.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth") <= 0
    assert tab.evaluate("(() => { const t = document.querySelector('table.ranking');"
                        " return t.getBoundingClientRect().right - t.parentElement.getBoundingClientRect().right"
                        " + t.parentElement.scrollWidth - t.parentElement.clientWidth })()") <= 0
    # a badge is one chip on one line, however long its English name
    lines = tab.evaluate("[...document.querySelectorAll('table.ranking .badge')].map(b => b.getClientRects().length)")
    assert lines and set(lines) == {1}
    # peer groups read as words, with the code at hand
    with urllib.request.urlopen(f"{server.base}/api/v1/evaluations/{run}/rankings?limit=100&lang=en") as reply:
        expected = [r["peer_group_label"] for r in json.loads(reply.read())["items"]]
    # the group's words first; its size and mean follow on their own line
    shown = tab.evaluate("[...document.querySelectorAll('table.ranking td.peer-group')]"
                         ".map(td => td.childNodes[0].textContent.trim())")
    assert shown == expected and not any("revenue" in text and "-" in text for text in shown)
    tab.screenshot("ui-ranking-en")


def test_zone_page_charts_keep_their_labels_and_an_honest_scale(server: Server, tab: Tab) -> None:
    run = server.run_ids[-1]
    tab.load(f"{server.base}/ui/evaluations/{run}/zones/{server.zone}?lang=en",
             "document.querySelectorAll('svg.chart').length >= 5")
    # the highlighted zone's name in the uncertainty chart starts inside the chart
    left = tab.evaluate("document.querySelector('svg.interval-plot text.highlight').getBBox().x")
    assert left >= 0
    # ranks across years are drawn on a scale of at least 10 places, so a one-place move looks small
    ticks = tab.evaluate("[...document.querySelector('svg.trend-rank').querySelectorAll('text.y-tick')]"
                         ".map(t => parseFloat(t.textContent))")
    assert ticks and max(ticks) - min(ticks) >= 10
    tab.screenshot("ui-zone-en-scale")


def test_methodology_reads_code_literals_and_runs_show_their_provinces(server: Server, tab: Tab) -> None:
    tab.load(f"{server.base}/ui/models/innovation-peak?lang=en", "document.querySelector('svg.pillar-chart')")
    description = tab.evaluate("document.querySelector('.description').textContent")
    assert "``" not in description
    assert tab.evaluate("document.querySelectorAll('.description code').length") > 0
    province_run = _run_for_province(server.database_url, "33")
    tab.load(f"{server.base}/ui?lang=en", "document.querySelectorAll('table tbody tr').length >= 2")
    scopes = tab.evaluate("Object.fromEntries([...document.querySelectorAll('tr[data-run]')]"
                          ".map(tr => [tr.dataset.run, tr.querySelector('td.scope').textContent.trim()]))")
    assert scopes[str(province_run)] == "Zhejiang"
    assert scopes[str(server.run_ids[-1])] == "All provinces"
    tab.load(f"{server.base}/ui/evaluations/{province_run}?lang=en", "document.querySelector('table.ranking')")
    assert "Zhejiang" in tab.evaluate("document.querySelector('.run-scope').textContent")
    tab.screenshot("ui-index-scopes")
