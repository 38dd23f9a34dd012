"""``zonescore serve``: uvicorn with bounded connections, and the warnings a deployment should see.

uvicorn offers a keep-alive timeout (``timeout_keep_alive``) and a bound on open connections per
process (``limit_concurrency``: beyond it new requests get a 503), but no timeout for a request's
headers: a connection that sends nothing, or half a request line, is held for ever (measured: one with
unfinished headers was held 40 s, 800 half-open ones all stayed open). :class:`GuardedH11Protocol`
adds that bound: from the connection's first byte — or from the first byte of the next request on a
kept-alive connection — the headers must be complete within ZONESCORE_HEADER_TIMEOUT_SECONDS, else the
server answers 408 (when part of a request arrived) and closes the connection. The time for the body
is bounded in the application (app/middleware.py, ZONESCORE_BODY_TIMEOUT_SECONDS).

The subclass uses what H11Protocol keeps on itself (``conn``, ``transport``, ``loop``), which is not a
public API of uvicorn: tests/test_server_limits.py checks the deadline against real sockets, so an
upgrade of uvicorn that changes them fails there.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

from app.config import Settings, get_settings
from app.errors import PROBLEM_JSON, PROBLEMS_PATH

_LOOPBACK = {"127.0.0.1", "localhost", "::1"}


def _timeout_response(seconds: float) -> bytes:
    body = json.dumps({
        # No request was read, so no base URL: the type is the page's path (a relative reference, RFC 9457 §3.1.1).
        "type": PROBLEMS_PATH + "request-timeout", "title": "Request timeout", "status": 408,
        "detail": f"the request headers were not complete within {seconds:g} seconds "
                  "(ZONESCORE_HEADER_TIMEOUT_SECONDS)",
    }).encode()
    head = (f"HTTP/1.1 408 Request Timeout\r\ncontent-type: {PROBLEM_JSON}\r\nx-content-type-options: nosniff\r\n"
            f"connection: close\r\ncontent-length: {len(body)}\r\n\r\n")
    return head.encode("ascii") + body


class GuardedH11Protocol(H11Protocol):
    """uvicorn's HTTP/1.1 protocol with a deadline for each request's headers."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        """As uvicorn's; the deadline comes from the process's settings (the same in every worker)."""
        super().__init__(*args, **kwargs)
        self._header_timeout = get_settings().header_timeout_seconds
        self._header_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        """Start the clock for the first request's headers as soon as the client connects."""
        super().connection_made(transport)
        self._arm_header_timer()

    def data_received(self, data: bytes) -> None:
        """While a request's headers are incomplete the clock runs; once they are complete it stops."""
        super().data_received(data)
        if self.conn.their_state is h11.IDLE:
            self._arm_header_timer()
        else:
            self._cancel_header_timer()

    def connection_lost(self, exc: Exception | None) -> None:
        """Stop the clock with the connection."""
        self._cancel_header_timer()
        super().connection_lost(exc)

    def _arm_header_timer(self) -> None:
        # Armed once per request, not again on every byte: trickling a header does not buy more time.
        if self._header_timer is None and not self.transport.is_closing():
            self._header_timer = self.loop.call_later(self._header_timeout, self._headers_timed_out)

    def _cancel_header_timer(self) -> None:
        if self._header_timer is not None:
            self._header_timer.cancel()
            self._header_timer = None

    def _headers_timed_out(self) -> None:
        self._header_timer = None
        if self.transport.is_closing() or self.conn.their_state is not h11.IDLE:
            return
        if self.conn.trailing_data[0]:
            # Part of a request arrived: say why the connection ends. A silent one is just closed.
            self.transport.write(_timeout_response(self._header_timeout))
        self.transport.close()


def startup_warnings(settings: Settings, *, host: str, workers: int) -> list[str]:
    """What an operator should know before serving with ``settings`` on ``host`` with ``workers``."""
    warnings: list[str] = []
    if workers > 1 and not settings.redis_url and settings.rate_limit_per_minute > 0:
        warnings.append(
            f"rate limits are counted per process without ZONESCORE_REDIS_URL: with {workers} workers a client "
            f"may make up to {workers} x {settings.rate_limit_per_minute} requests per minute")
    if not settings.allowed_hosts and host.strip("[]").lower() not in _LOOPBACK:
        warnings.append("ZONESCORE_ALLOWED_HOSTS is not set: requests naming any host are answered; set it to "
                        "the names clients use (e.g. api.example.gov.cn)")
    if settings.require_read_key and settings.session_secret is None:
        warnings.append("ZONESCORE_REQUIRE_READ_KEY is set but ZONESCORE_SESSION_SECRET is not: people cannot "
                        "sign in to the /ui pages")
    return warnings


def serve(settings: Settings, *, host: str, port: int, workers: int) -> None:
    """Run the service under uvicorn with the connection bounds of ``settings``."""
    import uvicorn

    # create_app configures logging (JSON by default) and logs every request itself, so uvicorn
    # must neither install its own log config nor write its own access log.
    uvicorn.run("app.main:create_app", factory=True, host=host, port=port, workers=workers, log_config=None,
                access_log=False, http=GuardedH11Protocol, timeout_keep_alive=settings.keep_alive_seconds,
                limit_concurrency=settings.max_connections)
