"""Security headers on every response: a Content-Security-Policy, ``nosniff``, ``Referrer-Policy`` and
the frame policy.

JSON, CSV and the other API responses get the strictest policy (``default-src 'none'``: nothing in them
may load or run anything, and no site may frame them). The HTML pages (/ui, /docs, /redoc) set their
own policy with :func:`html_policy`, which allows exactly their inline ``<script>`` and ``<style>``
blocks by SHA-256 hash and nothing else inline; the middleware leaves such a policy as it is.

Frames: the /ui pages may be embedded by the portals named in ZONESCORE_FRAME_ANCESTORS (CSP
``frame-ancestors``); everything else may not be framed at all.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

_INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.S)
_INLINE_STYLE = re.compile(r"<style>(.*?)</style>", re.S)

API_POLICY = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
FIXED_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    # Links from the pages to other sites never carry the page's URL (which holds filters and run ids).
    "Referrer-Policy": "no-referrer",
}
# What a response without a policy of its own gets (X-Frame-Options for browsers without frame-ancestors).
API_HEADERS = {**FIXED_HEADERS, "Content-Security-Policy": API_POLICY, "X-Frame-Options": "DENY"}
_FIXED = [(k.lower().encode(), v.encode()) for k, v in FIXED_HEADERS.items()]


def _hashes(pattern: re.Pattern[str], html: str) -> list[str]:
    return [f"'sha256-{base64.b64encode(hashlib.sha256(m.encode()).digest()).decode()}'"
            for m in pattern.findall(html)]


def frame_ancestors_source(origins: Iterable[str]) -> str:
    """The ``frame-ancestors`` sources: the given origins, or ``'none'``."""
    return " ".join(origins) or "'none'"


def html_policy(html: str, *, frame_ancestors: Iterable[str] = (), scripts: str = "'self'",
                styles: str = "'self'", extra: str = "") -> str:
    """A CSP for the page ``html``: its own inline script and style blocks (by hash), assets from this
    origin only, images also as ``data:`` URLs, forms posting only here, framed only by ``frame_ancestors``."""
    script_src = " ".join([scripts, *_hashes(_INLINE_SCRIPT, html)])
    # Browsers ignore 'unsafe-inline' next to a hash: a list that needs it gets none.
    style_src = styles if "'unsafe-inline'" in styles else " ".join([styles, *_hashes(_INLINE_STYLE, html)])
    policy = (f"default-src 'none'; script-src {script_src}; style-src {style_src}; img-src 'self' data:; "
              f"connect-src 'self'; form-action 'self'; base-uri 'none'; "
              f"frame-ancestors {frame_ancestors_source(frame_ancestors)}")
    return f"{policy}; {extra}" if extra else policy


class SecurityHeadersMiddleware:
    """Adds the fixed headers to every response, and the API policy where a response set no CSP."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {k.lower() for k, _ in headers}
                headers.extend((k, v) for k, v in _FIXED if k not in present)
                if b"content-security-policy" not in present:
                    headers.append((b"content-security-policy", API_POLICY.encode()))
                    headers.append((b"x-frame-options", b"DENY"))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)
