"""Connection bounds of `zonescore serve` against real sockets: header and body deadlines, the connection
bound, and the start-up warnings."""

from __future__ import annotations

import socket
import time
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from typer.testing import CliRunner

from app.cli import cli
from app.config import Settings
from app.server import GuardedH11Protocol, startup_warnings
from tests.live import live_server

FAST = {"ZONESCORE_HEADER_TIMEOUT_SECONDS": "1", "ZONESCORE_BODY_TIMEOUT_SECONDS": "1"}


def _connect(base: str) -> socket.socket:
    parts = urlsplit(base)
    sock = socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 80), timeout=10)
    return sock


def _read_until_closed(sock: socket.socket) -> tuple[bytes, float]:
    """Everything the server sends until it closes, and how long that took."""
    start = time.monotonic()
    chunks = []
    while True:
        try:
            chunk = sock.recv(65536)
        except ConnectionResetError:
            break
        if not chunk:
            break
        chunks.append(chunk)
    return b"".join(chunks), time.monotonic() - start


def test_unfinished_headers_get_408_and_silent_connections_are_closed(database_url: str) -> None:
    with live_server(database_url, env=FAST) as base:
        with _connect(base) as half_open:
            half_open.sendall(b"GET /api/v1/zones HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ")
            answer, waited = _read_until_closed(half_open)
        assert answer.startswith(b"HTTP/1.1 408 ") and b"application/problem+json" in answer
        assert b"ZONESCORE_HEADER_TIMEOUT_SECONDS" in answer and waited < 4
        with _connect(base) as silent:
            answer, waited = _read_until_closed(silent)
        assert answer == b"" and waited < 4
        # Trickling the headers a byte at a time does not buy more time: the deadline is per request.
        with _connect(base) as trickle:
            start = time.monotonic()
            try:
                for byte in b"GET /api/v1/zones HTTP/1.1\r\nHost: 127.0.0.1\r\nX-A: bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb":
                    trickle.sendall(bytes([byte]))
                    time.sleep(0.1)
            except (BrokenPipeError, ConnectionResetError):
                pass
            answer, _ = _read_until_closed(trickle)
            assert answer.startswith(b"HTTP/1.1 408 ") and time.monotonic() - start < 4
        # A kept-alive connection: the next request's headers have the same deadline.
        with _connect(base) as keep_alive:
            keep_alive.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            first = b""
            while not first.endswith(b'{"status":"ok"}'):  # the whole first response, head and body
                first += keep_alive.recv(65536)
            assert first.startswith(b"HTTP/1.1 200 ")
            keep_alive.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n")
            answer, waited = _read_until_closed(keep_alive)
            assert answer.startswith(b"HTTP/1.1 408 ") and waited < 4
        # The server is fine and answers complete requests at once.
        assert httpx.get(f"{base}/api/v1/zones").status_code == 200


def test_a_body_that_does_not_arrive_in_time_is_a_408(database_url: str) -> None:
    with live_server(database_url, env=FAST) as base, _connect(base) as sock:
        sock.sendall(b"POST /api/v1/observations HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                     b"Content-Length: 1000\r\n\r\n{\"observations\": [")
        answer, waited = _read_until_closed(sock)
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 408 ") and b"application/problem+json" in head
    assert b"connection: close" in head.lower() and b"ZONESCORE_BODY_TIMEOUT_SECONDS" in body and waited < 5


def test_connections_beyond_the_bound_get_503(database_url: str) -> None:
    with live_server(database_url, env={"ZONESCORE_MAX_CONNECTIONS": "3"}) as base:
        idle = [_connect(base) for _ in range(3)]
        try:
            time.sleep(0.3)
            assert httpx.get(f"{base}/healthz").status_code == 503
        finally:
            for sock in idle:
                sock.close()
        time.sleep(0.3)
        assert httpx.get(f"{base}/healthz").status_code == 200


def test_serve_passes_the_bounds_to_uvicorn_and_warns(monkeypatch: pytest.MonkeyPatch) -> None:
    import uvicorn

    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kwargs: calls.append({"app": app, **kwargs}))
    monkeypatch.setenv("ZONESCORE_KEEP_ALIVE_SECONDS", "7")
    monkeypatch.setenv("ZONESCORE_MAX_CONNECTIONS", "321")
    monkeypatch.delenv("ZONESCORE_REDIS_URL", raising=False)
    from app.config import get_settings

    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(cli, ["serve", "--workers", "4", "--host", "127.0.0.1"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    (call,) = calls
    assert call["http"] is GuardedH11Protocol and call["workers"] == 4
    assert call["timeout_keep_alive"] == 7 and call["limit_concurrency"] == 321
    assert "counted per process without ZONESCORE_REDIS_URL" in result.output
    assert "4 x 600 requests per minute" in result.output


def test_startup_warnings() -> None:
    base = Settings(database_url="sqlite:///x.db")
    assert startup_warnings(base, host="127.0.0.1", workers=1) == []
    assert startup_warnings(base.model_copy(update={"redis_url": "redis://r:6379/0"}), host="::1", workers=4) == []
    assert len(startup_warnings(base, host="127.0.0.1", workers=2)) == 1
    assert "ZONESCORE_ALLOWED_HOSTS" in startup_warnings(base, host="0.0.0.0", workers=1)[0]
    assert startup_warnings(base.model_copy(update={"allowed_hosts": ["api.example.org"]}), host="0.0.0.0",
                            workers=1) == []
    assert "ZONESCORE_SESSION_SECRET" in startup_warnings(base.model_copy(update={"require_read_key": True}),
                                                          host="localhost", workers=1)[0]
