"""create_app(): routers, middleware, error handlers."""

from __future__ import annotations

import logging

from fastapi import FastAPI

from app.api import chains, health, imports, indicators, labels, observations, zones
from app.config import Settings, get_settings
from app.db import make_engine, make_session_factory
from app.docs import OPENAPI_TAGS, install_docs, install_openapi
from app.errors import ProblemDetail, install_error_handlers
from app.middleware import RequestIdMiddleware

DESCRIPTION = """
zonescore stores the indicators of China's high-tech industrial zones (高新区) and scores, ranks
and classifies them with pluggable, documented scoring models — classified, tiered and
innovation-first, as the policy article 从"产业高原"到"创新高峰" asks.
"""

_ERRORS = {
    code: {"model": ProblemDetail, "content": {"application/problem+json": {}}, "description": desc}
    for code, desc in {422: "Validation failed: every bad row and field is listed", 500: "Internal error"}.items()
}


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the application for ``settings`` (default: from the environment)."""
    settings = settings or get_settings()
    logging.basicConfig(level=settings.log_level)
    # docs_url/redoc_url=None: FastAPI's own pages load assets from a CDN; install_docs serves local copies.
    app = FastAPI(title="zonescore", version="0.1.0", description=DESCRIPTION, responses=_ERRORS,  # type: ignore[arg-type]
                  openapi_tags=OPENAPI_TAGS, docs_url=None, redoc_url=None)
    app.state.settings = settings
    app.state.engine = make_engine(settings.database_url)
    app.state.session_factory = make_session_factory(app.state.engine)
    app.add_middleware(RequestIdMiddleware)
    install_error_handlers(app)
    for router in (health.router, zones.router, indicators.router, observations.router, chains.router,
                   imports.router, labels.router):
        app.include_router(router)
    install_docs(app)
    install_openapi(app)
    return app
