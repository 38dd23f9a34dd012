"""The ``Host`` header: answer only the names in ZONESCORE_ALLOWED_HOSTS, and never echo it in a redirect.

A client chooses the Host header freely. Anything built from it — a redirect's ``Location`` above all —
could send a person or a cache to another site (``GET /api/v1/zones/`` with ``Host: evil.example`` was
redirected to ``http://evil.example/api/v1/zones``). So redirects the framework builds from the request
URL (the trailing-slash redirect) are sent as a relative ``Location`` (a path), which the client resolves
against the address it actually used; and with ZONESCORE_ALLOWED_HOSTS set, requests for other hosts are
refused with a 400 problem before they reach anything else.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.api.health import PROBE_PATHS
from app.errors import problem_response


def host_name(host_header: str) -> str:
    """The name in a Host header without its port (``[::1]:8000`` → ``[::1]``), lower-case."""
    host = host_header.strip().lower()
    if host.startswith("["):
        return host[: host.find("]") + 1] if "]" in host else host
    name, _, port = host.rpartition(":")
    return name if name and port.isdigit() else host


def host_allowed(host_header: str, patterns: list[str]) -> bool:
    """True when the Host header matches one of ``patterns`` (none: every host; ``*.x.org``: subdomains)."""
    if not patterns or "*" in patterns:
        return True
    name = host_name(host_header)
    return any(name == p or (p.startswith("*.") and name.endswith(p[1:])) for p in patterns)


class HostMiddleware:
    """Refuses hosts outside ZONESCORE_ALLOWED_HOSTS; makes same-host redirects relative."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        host = dict(scope.get("headers") or []).get(b"host", b"").decode("latin-1")
        allowed = host_allowed(host, scope["app"].state.settings.allowed_hosts) or scope["path"] in PROBE_PATHS
        if not allowed:
            response = problem_response(
                Request(scope), 400, "this server does not answer for the host named in the Host header "
                "(ZONESCORE_ALLOWED_HOSTS)", slug="host-not-allowed", title="Host not allowed")
            await response(scope, receive, send)
            return

        async def send_relative(message: Message) -> None:
            if message["type"] == "http.response.start" and 300 <= message["status"] < 400:
                message["headers"] = [(k, _relative(v, host) if k.lower() == b"location" else v)
                                      for k, v in message.get("headers", [])]
            await send(message)

        await self.app(scope, receive, send_relative)


def _relative(location: bytes, host: str) -> bytes:
    # Only a Location pointing back at the request's own Host was built from it; others stay as they are.
    parts = urlsplit(location.decode("latin-1"))
    if not parts.netloc or parts.netloc.lower() != host.strip().lower():
        return location
    # One leading slash: "//x" would be read as another host (a scheme-relative reference).
    path = "/" + parts.path.lstrip("/") + (f"?{parts.query}" if parts.query else "")
    return path.encode("latin-1")
