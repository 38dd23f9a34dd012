"""Structured logs: a JSON formatter (one object per line), the request id on every record, and an
ASGI access-log middleware that also feeds the request metrics.

``ZONESCORE_LOG_FORMAT=json`` (default) suits log collectors (Loki, ELK, 阿里云 SLS …): each line is
one object with ``time``, ``level``, ``logger``, ``message`` and ``request_id``; access records add
``method``, ``path``, ``route``, ``status``, ``duration_ms`` and ``client_request_id`` (the client's own
``X-Request-ID``, when it sent a well-formed one). ``text`` is for a terminal.
"""

from __future__ import annotations

import json
import logging
import sys
import time
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.metrics import UNMATCHED_ROUTE, observe_request

request_id_var: ContextVar[str | None] = ContextVar("zonescore_request_id", default=None)

access_log = logging.getLogger("zonescore.access")

# Attributes every LogRecord has; anything else on a record came from ``extra=`` and is logged too.
# uvicorn's "color_message" repeats the message with terminal colour codes.
_STANDARD = frozenset(vars(logging.LogRecord("", 0, "", 0, "", None, None))) | {
    "message", "asctime", "taskName", "color_message",
}


class RequestIdFilter(logging.Filter):
    """Puts the current request's id on every record (``None`` outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Add ``request_id`` unless the caller passed one in ``extra``."""
        if getattr(record, "request_id", None) is None:
            record.request_id = request_id_var.get()
        return True


class JsonFormatter(logging.Formatter):
    """Formats a record as one line of JSON."""

    def format(self, record: logging.LogRecord) -> str:
        """The record as a JSON object: fixed keys first, then the ``extra`` fields."""
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD and key not in entry:
                entry[key] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


class _CurrentStderrHandler(logging.StreamHandler):  # type: ignore[type-arg]
    # Looks up sys.stderr at each write, so a replaced stream (test capture, reloaders) is honoured
    # instead of writing to a closed one.
    def emit(self, record: logging.LogRecord) -> None:
        self.stream = sys.stderr
        super().emit(record)


_HANDLER_MARK = "_zonescore_handler"


def configure_logging(level: str = "INFO", log_format: str = "json") -> None:
    """Send all logs to stderr in ``log_format`` (json or text); idempotent, keeps foreign handlers."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        if getattr(handler, _HANDLER_MARK, False):
            root.removeHandler(handler)
    handler = _CurrentStderrHandler()
    setattr(handler, _HANDLER_MARK, True)
    handler.addFilter(RequestIdFilter())
    if log_format == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"))
    root.addHandler(handler)
    root.setLevel(level.upper())
    # uvicorn's own access log would repeat ours without the request id; its error log stays.
    logging.getLogger("uvicorn.access").disabled = True


def _route_template(scope: Scope) -> str:
    route = scope.get("route")
    path = getattr(route, "path", None)
    if isinstance(path, str) and path:
        return path
    # A mounted app (the static files) gets no route in the scope, but the router extends its
    # root_path by the mount prefix; label all of its paths by that prefix.
    mounted = str(scope.get("root_path", ""))[len(str(scope.get("app_root_path", ""))):]
    return f"{mounted}/{{path}}" if mounted else UNMATCHED_ROUTE


class AccessLogMiddleware:
    """Logs one ``zonescore.access`` record per HTTP request and records its metrics.

    Install it inside :class:`app.middleware.RequestIdMiddleware` (add it first) so the id is known.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        state = scope.get("state", {})
        request_id = state.get("request_id")
        token = request_id_var.set(request_id)
        start = time.perf_counter()
        status = 500  # if the app fails before starting a response, the server error handler sends 500

        async def send_and_capture(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, send_and_capture)
        finally:
            seconds = time.perf_counter() - start
            route = _route_template(scope)
            observe_request(scope["method"], route, status, seconds)
            access_log.info(
                "%s %s %s", scope["method"], scope["path"], status,
                extra={"method": scope["method"], "path": scope["path"], "route": route, "status": status,
                       "duration_ms": round(seconds * 1000, 2), "request_id": request_id,
                       "client_request_id": state.get("client_request_id")},
            )
            request_id_var.reset(token)
