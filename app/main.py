"""create_app(): routers, middleware, error handlers."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI

from app.api import audit, chains, health, imports, indicators, keys, observations, zones
from app.config import Settings, get_settings
from app.db import make_engine, make_session_factory
from app.errors import ProblemDetail, install_error_handlers
from app.middleware import BodyLimitMiddleware, RequestIdMiddleware
from app.ratelimit import RateLimiter

DESCRIPTION = """
zonescore stores the indicators of China's high-tech industrial zones (高新区) and scores, ranks
and classifies them with pluggable, documented scoring models — classified, tiered and
innovation-first, as the policy article 从"产业高原"到"创新高峰" asks.
"""

def _problems(descriptions: dict[int, str]) -> dict[int | str, dict[str, Any]]:
    return {code: {"model": ProblemDetail, "content": {"application/problem+json": {}}, "description": desc}
            for code, desc in descriptions.items()}


_ERRORS = _problems({
    413: "The body, file or batch is larger than the limit",
    422: "Validation failed: every bad row and field is listed",
    500: "Internal error",
})
# Only the /api/v1 routes authenticate and count requests; health checks do neither.
_API_ERRORS = _problems({
    401: "No API key, or an unknown or revoked one",
    403: "The key lacks the scope, or the data lies outside the key's provinces",
    429: "Too many requests: see Retry-After",
})


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the application for ``settings`` (default: from the environment)."""
    settings = settings or get_settings()
    logging.basicConfig(level=settings.log_level)
    app = FastAPI(title="zonescore", version="0.1.0", description=DESCRIPTION, responses=_ERRORS)
    app.state.settings = settings
    app.state.engine = make_engine(settings.database_url)
    app.state.session_factory = make_session_factory(app.state.engine)
    app.state.rate_limiter = RateLimiter()
    # Added last = outermost: the request id is set before the body limit can answer 413 with it.
    app.add_middleware(BodyLimitMiddleware)
    app.add_middleware(RequestIdMiddleware)
    install_error_handlers(app)
    app.include_router(health.router)
    for router in (zones.router, indicators.router, observations.router, chains.router, imports.router,
                   keys.router, audit.router):
        app.include_router(router, responses=_API_ERRORS)
    return app
