"""Problem+json for every error, nothing leaked; 415, 413 (before the body is read), 429, idempotency."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from app.orm import AuditEvent, ChainBreakdown, Observation, ObservationChange
from tests.conftest import KeyFactory
from tests.factories import make_zone, obs, zone_body

Z = "TEST-33-N01"
LEAKS = ("SELECT", "INSERT", "Traceback", "/work", "/home", ".py", "sqlite", "psycopg", "secret_table")


def _problem(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body: dict[str, Any] = response.json()
    assert body["status"] == status and body["type"].startswith("https://") and body["title"]
    assert body["request_id"] == response.headers["x-request-id"]
    return body


def _no_leak(response: Any) -> None:
    for needle in LEAKS:
        assert needle not in response.text, needle


def _counts(session: Session) -> tuple[int, ...]:
    session.expire_all()
    return tuple(session.scalar(select(func.count()).select_from(t)) or 0
                 for t in (Observation, ObservationChange, AuditEvent, ChainBreakdown))


@pytest.fixture
def zone(client: TestClient) -> str:
    make_zone(client, Z)
    return Z


@pytest.mark.parametrize(("path", "method"), [("/api/v1/observations", "POST"), ("/api/v1/zones", "POST"),
                                              (f"/api/v1/zones/{Z}", "PATCH"), ("/api/v1/chain-breakdowns", "POST"),
                                              ("/api/v1/keys", "POST")])
@pytest.mark.parametrize("content_type", ["text/plain", "application/xml", "application/x-www-form-urlencoded", None])
def test_json_endpoints_refuse_other_media_types(
    client: TestClient, session: Session, zone: str, path: str, method: str, content_type: str | None
) -> None:
    before = _counts(session)
    headers = {"content-type": content_type} if content_type else {}
    body = '{"observations": []}' if content_type != "application/xml" else "<observations/>"
    response = client.request(method, path, content=body.encode(), headers=headers)
    _problem(response, 415)
    assert _counts(session) == before


def test_import_refuses_a_json_body(client: TestClient, zone: str) -> None:
    _problem(client.post("/api/v1/imports", json={"file": "zone_code,year\n"}), 415)


def test_400_404_405_and_validation_are_problems(client: TestClient) -> None:
    # not UTF-8: the body cannot even be decoded
    _problem(client.post("/api/v1/zones", content=b"\xff\xfe{", headers={"content-type": "application/json"}), 400)
    broken_multipart = b"--b\r\nNone--b--\r\n"
    _problem(client.post("/api/v1/imports", content=broken_multipart,
                         headers={"content-type": "multipart/form-data; boundary=b"}), 400)
    _problem(client.get("/api/v1/nowhere"), 404)
    _problem(client.delete("/api/v1/zones"), 405)
    _problem(client.post("/api/v1/zones", json={"code": 5}), 422)
    _problem(client.post("/api/v1/zones", content=b"{", headers={"content-type": "application/json"}), 422)


def test_unhandled_exception_is_a_bare_500_and_logged_with_the_request_id(
    app: FastAPI, client: TestClient, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app.services import zones

    def explode(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("boom at /work/app/secret.py: SELECT password FROM secret_table")

    monkeypatch.setattr(zones, "list_zones", explode)
    with caplog.at_level(logging.ERROR, logger="zonescore.errors"):
        response = client.get("/api/v1/zones", headers={"X-Request-ID": "trace-me-42"})
    body = _problem(response, 500)
    _no_leak(response)
    # The server's own id, not the one the client sent (see test_observability for the client's id).
    assert body["request_id"] != "trace-me-42" and "boom" not in body["detail"]
    assert any(body["request_id"] in r.getMessage() and r.exc_info for r in caplog.records)


def test_a_real_database_error_leaks_nothing(app: FastAPI, client: TestClient, zone: str) -> None:
    with app.state.engine.begin() as conn:
        conn.execute(text("DROP TABLE chain_key_products"))  # it references chain_breakdowns
        conn.execute(text("DROP TABLE chain_breakdowns"))
    response = client.get("/api/v1/chain-breakdowns")
    _problem(response, 500)
    _no_leak(response)
    assert "chain_breakdowns" not in response.text.replace("/api/v1/chain-breakdowns", "")


def test_integrity_error_is_a_409_without_sql(
    client: TestClient, session: Session, zone: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from app.api import observations

    def collide(*args: Any, **kwargs: Any) -> Any:
        raise IntegrityError("INSERT INTO secret_table VALUES (1)", {}, Exception("duplicate key /work/x.py"))

    monkeypatch.setattr(observations, "write_observations", collide)
    response = client.post("/api/v1/observations", json={"observations": [obs(zone, "rd_intensity", 2023, 1.0)]})
    _problem(response, 409)
    _no_leak(response)


def test_a_failing_commit_is_an_error_not_a_200(
    client: TestClient, session: Session, zone: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The commit happens after the handler returned; it must still decide the response.
    before = _counts(session)

    def fail(self: Session) -> None:
        raise OperationalError("COMMIT", {}, Exception("disk I/O error"))

    monkeypatch.setattr(Session, "commit", fail)
    response = client.post("/api/v1/observations", json={"observations": [obs(zone, "rd_intensity", 2023, 1.0)]})
    monkeypatch.undo()
    _problem(response, 500)
    assert _counts(session) == before


def _asgi_post(app: FastAPI, path: str, chunks: list[bytes], headers: list[tuple[bytes, bytes]]) -> tuple[int, int]:
    """Post ``chunks`` straight through ASGI; return the status and how many chunks the app consumed."""
    consumed = 0
    status = 0

    async def receive() -> dict[str, Any]:
        nonlocal consumed
        if consumed < len(chunks):
            consumed += 1
            return {"type": "http.request", "body": chunks[consumed - 1], "more_body": consumed < len(chunks)}
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]

    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST", "scheme": "http",
             "path": path, "raw_path": path.encode(), "query_string": b"", "root_path": "",
             "headers": [(b"host", b"test"), (b"content-type", b"application/json"), *headers],
             "client": ("127.0.0.1", 1234), "server": ("test", 80)}
    asyncio.run(app(scope, receive, send))  # type: ignore[arg-type]
    return status, consumed


def test_body_limit_refuses_before_reading(app: FastAPI, client: TestClient, admin_key: str) -> None:
    app.state.settings = app.state.settings.model_copy(update={"max_upload_bytes": 1000})
    limit = 1000 + 64 * 1024
    chunks = [b"x" * 16384] * 20  # 320 KiB, far above the limit
    auth = (b"authorization", f"Bearer {admin_key}".encode())
    # Declared too large: refused without reading one chunk.
    status, consumed = _asgi_post(app, "/api/v1/observations", chunks,
                                  [auth, (b"content-length", str(sum(map(len, chunks))).encode())])
    assert (status, consumed) == (413, 0)
    # Streamed without a length: cut off as soon as the count passes the limit.
    status, consumed = _asgi_post(app, "/api/v1/observations", chunks, [auth])
    assert status == 413 and consumed == limit // 16384 + 1 < len(chunks)
    # Through HTTP, a problem with the request id
    response = client.post("/api/v1/zones", content=b"{" + b" " * limit + b"}",
                           headers={"content-type": "application/json"})
    _problem(response, 413)


def test_rate_limit_per_key_and_per_address(
    app: FastAPI, anon_client: TestClient, make_key: KeyFactory
) -> None:
    app.state.settings = app.state.settings.model_copy(update={"rate_limit_per_minute": 3})
    first, second = make_key("read", name="one"), make_key("read", name="two")
    for _ in range(3):
        assert anon_client.get("/api/v1/indicators", headers={"X-API-Key": first}).status_code == 200
    limited = anon_client.get("/api/v1/indicators", headers={"X-API-Key": first})
    _problem(limited, 429)
    assert int(limited.headers["retry-after"]) >= 1
    assert anon_client.get("/api/v1/indicators", headers={"X-API-Key": second}).status_code == 200
    for _ in range(3):
        assert anon_client.get("/api/v1/zones").status_code == 200
    _problem(anon_client.get("/api/v1/zones"), 429)
    # 0 turns it off
    app.state.settings = app.state.settings.model_copy(update={"rate_limit_per_minute": 0})
    assert anon_client.get("/api/v1/zones").status_code == 200


def test_rate_limit_window_counts_exactly() -> None:
    from app.ratelimit import LocalRateLimiter

    now = [0.0]
    limiter = LocalRateLimiter(clock=lambda: now[0])
    decisions = [limiter.take("k", 60) for _ in range(61)]
    assert [d.allowed for d in decisions if d] == [True] * 60 + [False]
    assert decisions[0] and decisions[0].remaining == 59 and decisions[59] and decisions[59].remaining == 0
    # However the requests are spread over the window, no 61st goes through before it ends ...
    now[0] += 59.0
    refused = limiter.take("k", 60)
    assert refused and not refused.allowed and 0.9 < refused.reset_seconds <= 1.0
    assert refused.headers() == {"RateLimit-Policy": '"default";q=60;w=60', "RateLimit": '"default";r=0;t=1',
                                 "Retry-After": "1"}
    # ... and the first request after it opens a new one.
    now[0] += 1.0
    fresh = limiter.take("k", 60)
    assert fresh and fresh.allowed and fresh.remaining == 59 and fresh.reset_seconds == 60
    assert (limiter.take("other", 60) or refused).allowed
    assert limiter.take("k", 0) is None  # 0 turns the limit off


def test_every_route_but_the_probes_is_limited_and_says_so(
    app: FastAPI, anon_client: TestClient, make_key: KeyFactory
) -> None:
    app.state.settings = app.state.settings.model_copy(update={"rate_limit_per_minute": 2})
    paths = ["/ui", "/api/v1/labels", "/openapi.json", "/docs", "/redoc", "/metrics",
             "/static/swagger-ui/swagger-ui.css", "/no/such/path"]
    for path in paths:
        first = anon_client.get(path)
        assert first.headers["ratelimit-policy"] == '"default";q=2;w=60', path
        assert first.headers["ratelimit"].startswith('"default";r=1;t='), path
        anon_client.get(path)
        limited = anon_client.get(path)
        _problem(limited, 429)
        assert limited.headers["ratelimit"].startswith('"default";r=0;t=') and int(limited.headers["retry-after"]) >= 1
        app.state.rate_limiter = type(app.state.rate_limiter)()  # a fresh budget for the next path
    for probe in ("/healthz", "/readyz"):
        assert all(anon_client.get(probe).status_code == 200 for _ in range(5))
        assert "ratelimit" not in anon_client.get(probe).headers
    # An unknown key is charged to the address, so guessing keys is limited like anything else.
    for _ in range(2):
        assert anon_client.get("/api/v1/zones", headers={"X-API-Key": "zs_guess"}).status_code == 401
    _problem(anon_client.get("/api/v1/zones", headers={"X-API-Key": "zs_another_guess"}), 429)
    # A valid key has a budget of its own, whatever its address did.
    key = make_key("read", name="reader")
    assert anon_client.get("/api/v1/zones", headers={"X-API-Key": key}).status_code == 200


@pytest.mark.parametrize("route", ["observations", "chain-breakdowns", "imports"])
def test_idempotency_key_replays_the_first_result(
    client: TestClient, anon_client: TestClient, session: Session, make_key: KeyFactory, zone: str, route: str
) -> None:
    def send(value: float, key: str = "batch-2024-05-01", c: TestClient = client,
             extra: dict[str, str] | None = None) -> Any:
        headers = {"Idempotency-Key": key, **(extra or {})}
        if route == "observations":
            return c.post("/api/v1/observations", headers=headers,
                          json={"observations": [obs(zone, "rd_intensity", 2023, value)]})
        if route == "chain-breakdowns":
            item = {"zone_code": zone, "year": 2023, "chain_code": "integrated_circuits", "revenue": value,
                    "segments_covered": 2, "key_components": 3, "key_components_with_alt": 1,
                    "local_procurement_share": 5.0}
            return c.post("/api/v1/chain-breakdowns", headers=headers, json={"breakdowns": [item]})
        data = f"zone_code,year,rd_intensity\n{zone},2023,{value}\n".encode()
        return c.post("/api/v1/imports", headers=headers, files={"file": ("a.csv", data, "text/csv")})

    first = send(1.0)
    assert first.status_code == 200 and "idempotent-replayed" not in first.headers
    after_first = _counts(session)
    again = send(1.0)
    assert (again.status_code, again.json()) == (first.status_code, first.json())
    assert again.headers["idempotent-replayed"] == "true"
    assert _counts(session) == after_first
    # Same key, other content: refused, nothing written
    _problem(send(2.0), 409)
    assert _counts(session) == after_first
    # Keys are per API key: another key's identical header is a new request
    other = make_key("submit", name="other")
    fresh = send(2.0, c=anon_client, extra={"X-API-Key": other})
    assert fresh.status_code == 200 and "idempotent-replayed" not in fresh.headers
    assert fresh.json()["updated"] == 1
    # Failed requests are not remembered: after fixing the data the same key works
    bad = send(500.0 if route != "chain-breakdowns" else -1.0, key="retry-me")
    _problem(bad, 422)
    assert send(3.0, key="retry-me").status_code == 200


def test_zone_create_conflict_is_problem(client: TestClient) -> None:
    make_zone(client)
    _problem(client.post("/api/v1/zones", json=zone_body()), 409)


def test_huge_ids_are_a_validation_error(client: TestClient) -> None:
    # Found by the schema fuzzing: an unbounded integer overflowed the SQLite driver (a 500).
    huge = str(2**70)
    _problem(client.get("/api/v1/audit", params={"key_id": huge}), 422)
    _problem(client.get("/api/v1/zones", params={"offset": huge}), 422)
    _problem(client.delete(f"/api/v1/keys/{huge}"), 422)


@pytest.mark.parametrize("where", ["postgresql", "sqlite"])
def test_an_unreachable_database_is_a_503_with_retry_after(where: str, tmp_path: Any) -> None:
    from app.config import Settings
    from app.main import create_app
    from tests.live import free_port

    # Nothing listens on the port; a directory is no database file. Neither needs a server to exist.
    url = (f"postgresql+psycopg://zonescore@127.0.0.1:{free_port()}/zonescore?connect_timeout=2"
           if where == "postgresql" else f"sqlite:///{tmp_path}")
    application = create_app(Settings(database_url=url))
    with TestClient(application, raise_server_exceptions=False) as down:
        for method, path, headers in [("GET", "/api/v1/zones", {}), ("GET", "/api/v1/zones", {"X-API-Key": "zs_x"}),
                                      ("POST", "/api/v1/zones", {"X-API-Key": "zs_x"}), ("GET", "/ui", {})]:
            response = down.request(method, path, headers=headers, json=zone_body())
            body = _problem(response, 503)
            assert response.headers["retry-after"] == "5" and "retry" in body["detail"], (method, path)
            _no_leak(response)
        # Nothing that needs no database is affected.
        assert down.get("/healthz").status_code == 200 and down.get("/openapi.json").status_code == 200
        assert down.get("/readyz").status_code == 503
    application.state.engine.dispose()


def test_only_outages_are_503s() -> None:
    from app.db import is_unavailable

    def sqlite_error(name: str) -> OperationalError:
        orig = Exception("x")
        orig.sqlite_errorname = name  # type: ignore[attr-defined]
        return OperationalError("SELECT 1", {}, orig)

    assert is_unavailable(sqlite_error("SQLITE_BUSY")) and is_unavailable(sqlite_error("SQLITE_CANTOPEN"))
    # A missing table is our fault (500), not an outage.
    assert not is_unavailable(sqlite_error("SQLITE_ERROR"))
