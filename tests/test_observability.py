"""CORS allow-list, Prometheus metrics and structured JSON logs."""

from __future__ import annotations

import json
import logging
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import SecretStr, ValidationError

from app.config import Settings
from app.logs import JsonFormatter, RequestIdFilter, configure_logging
from app.main import create_app
from app.metrics import REGISTRY, time_evaluation
from tests.factories import make_zone

PORTAL = "https://portal.kjt.zj.example"


@pytest.fixture
def cors_client(settings: Settings) -> Iterator[TestClient]:
    app = create_app(settings.model_copy(update={"cors_origins": [PORTAL, "http://localhost:5173"]}))
    with TestClient(app) as client:
        yield client
    app.state.engine.dispose()


def test_cors_origins_setting_parses_and_validates(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ZONESCORE_CORS_ORIGINS", f" {PORTAL} ,http://localhost:5173/")
    assert Settings().cors_origins == [PORTAL, "http://localhost:5173"]
    monkeypatch.setenv("ZONESCORE_CORS_ORIGINS", "")
    assert Settings().cors_origins == []
    for bad in ("*", "portal.example", "https://portal.example/path"):
        monkeypatch.setenv("ZONESCORE_CORS_ORIGINS", bad)
        with pytest.raises(ValidationError):
            Settings()


def test_cors_preflight_allowed_and_denied(cors_client: TestClient) -> None:
    request_headers = {"Access-Control-Request-Method": "GET", "Access-Control-Request-Headers": "accept-language"}
    allowed = cors_client.options("/api/v1/zones", headers={"Origin": PORTAL, **request_headers})
    assert allowed.status_code == 200
    assert allowed.headers["access-control-allow-origin"] == PORTAL
    assert "GET" in allowed.headers["access-control-allow-methods"]
    denied = cors_client.options("/api/v1/zones", headers={"Origin": "https://evil.example", **request_headers})
    assert denied.status_code == 400 and "access-control-allow-origin" not in denied.headers
    # A refusal is a problem like every other error, with the request id (Starlette sends plain text).
    assert denied.headers["content-type"].startswith("application/problem+json")
    body = denied.json()
    assert body["status"] == 400 and "origin" in body["detail"] and body["request_id"] == denied.headers["x-request-id"]
    bad_header = cors_client.options("/api/v1/zones", headers={
        "Origin": PORTAL, "Access-Control-Request-Method": "GET", "Access-Control-Request-Headers": "x-evil"})
    assert bad_header.status_code == 400 and "headers" in bad_header.json()["detail"]
    simple = cors_client.get("/api/v1/indicators", headers={"Origin": PORTAL})
    assert simple.headers["access-control-allow-origin"] == PORTAL
    assert "etag" in simple.headers["access-control-expose-headers"].lower()
    other = cors_client.get("/api/v1/indicators", headers={"Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in other.headers


def test_no_cors_headers_by_default(client: TestClient) -> None:
    response = client.get("/api/v1/indicators", headers={"Origin": PORTAL})
    assert "access-control-allow-origin" not in response.headers
    preflight = client.options("/api/v1/zones", headers={"Origin": PORTAL, "Access-Control-Request-Method": "GET"})
    assert "access-control-allow-origin" not in preflight.headers


def _sample(text: str, name: str, **labels: str) -> float:
    for line in text.splitlines():
        if not line.startswith(name + "{"):
            continue
        found = dict(re.findall(r'(\w+)="([^"]*)"', line[: line.rindex("}")]))
        if all(found.get(k) == v for k, v in labels.items()):
            return float(line.rsplit(" ", 1)[1])
    return 0.0


def test_metrics_count_requests_by_route_template_and_imports(client: TestClient) -> None:
    before = client.get("/metrics").text
    make_zone(client, "DEMO-33-N01")
    for code in ("DEMO-33-N01", "DEMO-33-N01", "NOPE-1"):
        client.get(f"/api/v1/zones/{code}")
    client.get("/no/such/path")
    client.get("/static/swagger-ui/swagger-ui.css")
    csv_bytes = b"zone_code,year,rd_intensity,hte_count\r\nDEMO-33-N01,2024,6.8,1236\r\n"
    assert client.post("/api/v1/imports", files={"file": ("a.csv", csv_bytes, "text/csv")}).status_code == 200
    with time_evaluation("innovation-peak"):
        pass
    response = client.get("/metrics")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/plain")
    after = response.text

    def delta(name: str, **labels: str) -> float:
        return _sample(after, name, **labels) - _sample(before, name, **labels)

    route = "/api/v1/zones/{code}"
    assert delta("zonescore_http_requests_total", method="GET", route=route, status="200") == 2
    assert delta("zonescore_http_requests_total", method="GET", route=route, status="404") == 1
    assert delta("zonescore_http_requests_total", method="POST", route="/api/v1/zones", status="201") == 1
    assert delta("zonescore_http_requests_total", route="other", status="404") == 1
    assert "NOPE-1" not in after and "swagger-ui.css" not in after
    assert delta("zonescore_http_requests_total", route="/static/{path}", status="200") == 1
    assert delta("zonescore_http_request_duration_seconds_count", method="GET", route=route, status="200") == 2
    assert delta("zonescore_imported_rows_total", file_format="csv") == 1
    assert delta("zonescore_imported_cells_total", result="inserted") == 2
    assert delta("zonescore_evaluation_duration_seconds_count", model="innovation-peak") == 1


def test_metrics_labels_come_from_a_closed_set(client: TestClient) -> None:
    # Made-up methods and paths must not add time series: 5,000 of them grew /metrics by 10 MB.
    before = client.get("/metrics").text
    for n in range(40):
        client.request(f"FOO{n}", "/api/v1/zones")
        client.request(f"BAR{n}", f"/no/such/{n}")
    text = client.get("/metrics").text
    assert "FOO" not in text and "BAR" not in text and "/no/such" not in text

    def delta(**labels: str) -> float:  # the registry lives as long as the process, across tests
        return _sample(text, "zonescore_http_requests_total", **labels) - _sample(
            before, "zonescore_http_requests_total", **labels)

    assert delta(method="other", route="/api/v1/zones", status="405") == 40
    assert delta(method="other", route="other", status="404") == 40
    methods = set(re.findall(r'zonescore_http_requests_total\{method="([^"]*)"', text))
    assert methods <= {"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "CONNECT", "other"}


def test_metrics_can_be_closed_with_a_token(app: FastAPI, anon_client: TestClient) -> None:
    token = "metrics-token-0123456789abcdef"
    app.state.settings = app.state.settings.model_copy(update={"metrics_token": SecretStr(token)})
    refused = anon_client.get("/metrics")
    assert refused.status_code == 401 and refused.headers["content-type"].startswith("application/problem+json")
    assert refused.headers["www-authenticate"] == "Bearer" and "zonescore_" not in refused.text
    assert anon_client.get("/metrics", headers={"Authorization": "Bearer wrong-token-0123456789"}).status_code == 401
    # An API key is not the metrics token.
    assert anon_client.get("/metrics", headers={"X-API-Key": token}).status_code == 401
    allowed = anon_client.get("/metrics", headers={"Authorization": f"Bearer {token}"})
    assert allowed.status_code == 200 and "zonescore_http_requests_total" in allowed.text


def test_metrics_aggregate_worker_processes_in_multiprocess_mode(tmp_path: Path) -> None:
    # Two separate processes count, as uvicorn workers would; a third renders the sum.
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(tmp_path)}
    count = "from app.metrics import observe_request; observe_request('GET', '/api/v1/zones', 200, 0.01)"
    for _ in range(2):
        subprocess.run([sys.executable, "-c", count], env=env, check=True, cwd=Path(__file__).parent.parent)
    render = "import sys; from app.metrics import render_metrics; sys.stdout.write(render_metrics().decode())"
    text = subprocess.run([sys.executable, "-c", render], env=env, check=True, capture_output=True, text=True,
                          cwd=Path(__file__).parent.parent).stdout
    assert _sample(text, "zonescore_http_requests_total", route="/api/v1/zones", status="200") == 2


def test_metrics_registry_is_private() -> None:
    names = {m.name for m in REGISTRY.collect()}
    assert {"zonescore_http_requests", "zonescore_evaluation_duration_seconds"} <= names


def test_access_log_records_carry_the_request_id(client: TestClient, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="zonescore.access"):
        response = client.get("/api/v1/zones", headers={"X-Request-ID": "portal-req-42"})
    # The server names the request itself; the client's id is logged beside it, never instead of it.
    server_id = response.headers["x-request-id"]
    assert re.fullmatch(r"[0-9a-f]{32}", server_id)
    records = [r for r in caplog.records if r.name == "zonescore.access"]
    assert len(records) == 1
    record = records[0]
    assert record.__dict__["request_id"] == server_id and record.__dict__["client_request_id"] == "portal-req-42"
    assert record.__dict__["status"] == 200 and record.__dict__["path"] == "/api/v1/zones"
    entry = json.loads(JsonFormatter().format(record))
    assert entry["request_id"] == server_id and entry["client_request_id"] == "portal-req-42"
    assert entry["method"] == "GET" and entry["status"] == 200
    assert entry["logger"] == "zonescore.access" and entry["level"] == "INFO"
    assert isinstance(entry["duration_ms"], float) and entry["time"].endswith("+00:00")


def test_logs_inside_a_request_get_its_id(app: FastAPI, client: TestClient, caplog: pytest.LogCaptureFixture) -> None:
    # A handler's own log call passes no request id; the filter finds it in the request's context.
    def handler() -> dict[str, str]:
        logging.getLogger("zonescore.test").info("working on it")
        return {"status": "ok"}

    app.add_api_route("/test-log", handler)
    caplog.handler.addFilter(RequestIdFilter())
    with caplog.at_level(logging.INFO):
        server_id = client.get("/test-log", headers={"X-Request-ID": "abc-123"}).headers["x-request-id"]
    inside = [r for r in caplog.records if r.name == "zonescore.test"]
    assert len(inside) == 1 and inside[0].__dict__["request_id"] == server_id
    assert json.loads(JsonFormatter().format(inside[0]))["request_id"] == server_id
    logging.getLogger("zonescore.test").info("outside")
    assert caplog.records[-1].__dict__["request_id"] is None


def test_json_and_text_formats_write_one_line_per_record(capsys: pytest.CaptureFixture[str]) -> None:
    try:
        configure_logging("INFO", "json")
        logging.getLogger("zonescore.test").info("导入完成 %d 行", 3, extra={"rows": 3})
        line = capsys.readouterr().err.strip().splitlines()[-1]
        entry = json.loads(line)
        assert entry["message"] == "导入完成 3 行" and entry["rows"] == 3 and entry["request_id"] is None
        configure_logging("INFO", "text")
        logging.getLogger("zonescore.test").warning("plain")
        text = capsys.readouterr().err.strip().splitlines()
        assert len(text) == 1 and text[0].endswith("WARNING zonescore.test [None] plain")
    finally:
        configure_logging("INFO", "json")
