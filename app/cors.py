"""Cross-origin calls from the portals named in ZONESCORE_CORS_ORIGINS, with refusals as problem+json."""

from __future__ import annotations

from fastapi import FastAPI
from starlette.datastructures import Headers
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.types import Receive, Scope, Send

from app.errors import problem_response

ALLOW_METHODS = ["GET", "POST", "PATCH", "DELETE", "OPTIONS"]
ALLOW_HEADERS = ["Accept", "Accept-Language", "Content-Type", "If-None-Match", "X-Request-ID", "X-API-Key",
                 "Authorization", "Idempotency-Key"]
EXPOSE_HEADERS = ["ETag", "X-Request-ID", "Content-Disposition", "Content-Language", "Retry-After", "RateLimit",
                  "RateLimit-Policy", "Link"]


class ProblemCORSMiddleware(CORSMiddleware):
    """Starlette's CORS middleware, except that a refused preflight is a 400 problem+json like every
    other error of the service (Starlette answers it in plain text)."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Answer preflights here; everything else goes through Starlette's handling."""
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        headers = Headers(scope=scope)
        if not (scope["method"] == "OPTIONS" and "origin" in headers and "access-control-request-method" in headers):
            await super().__call__(scope, receive, send)
            return
        response = self.preflight_response(request_headers=headers)
        if response.status_code == 400:
            detail = bytes(response.body).decode("utf-8", "replace")
            allow = {k: v for k, v in response.headers.items() if k.lower().startswith("access-control-")}
            response = problem_response(
                Request(scope), 400, f"{detail}: this origin, method or header may not call the API cross-site "
                "(ZONESCORE_CORS_ORIGINS)", slug="cors-refused", title="Cross-origin request refused",
                headers={**allow, "Vary": "Origin"})
        await response(scope, receive, send)


def install_cors(app: FastAPI, origins: list[str]) -> None:
    """Let ``origins`` call the API from browsers (nothing is added when the list is empty)."""
    if origins:
        app.add_middleware(ProblemCORSMiddleware, allow_origins=origins, allow_methods=ALLOW_METHODS,
                           allow_headers=ALLOW_HEADERS, expose_headers=EXPOSE_HEADERS, max_age=600)
