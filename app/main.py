"""create_app(): routers, middleware, error handlers."""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from app.api import (
    audit,
    chains,
    evaluations,
    health,
    imports,
    indicators,
    keys,
    labels,
    models,
    observations,
    panels,
    webhooks,
    zones,
)
from app.api.responses import API_RESPONSES, problem_responses
from app.config import Settings, get_settings
from app.cors import install_cors
from app.db import make_engine, make_session_factory
from app.docs import OPENAPI_TAGS, install_docs, install_openapi
from app.errors import install_error_handlers
from app.hosts import HostMiddleware
from app.logs import AccessLogMiddleware, configure_logging
from app.metrics import router as metrics_router
from app.middleware import BodyLimitMiddleware, RateLimitMiddleware, RequestIdMiddleware
from app.ratelimit import make_rate_limiter
from app.security_headers import SecurityHeadersMiddleware
from app.services.webhooks import WebhookDispatcher
from app.ui.panels import router as ui_panels_router
from app.ui.routes import router as ui_router
from app.ui.session import install_sign_in

DESCRIPTION = """
zonescore stores the indicators of China's high-tech industrial zones (高新区) and scores, ranks
and classifies them with pluggable, documented scoring models — classified, tiered and
innovation-first, as the policy article 从"产业高原"到"创新高峰" asks.
"""

# Every route: body limits, validation, the rate limit, internal errors, the database being down.
_ERRORS = problem_responses(413, 422, 429, 500, 503)


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    # Everything built at start-up (routes, schemas, catalogs, imported modules) lives as long as the
    # process: move it out of the collector's reach, so full collections stay short under load
    # (measured: an ~80 ms pause of the event loop per full collection otherwise; benchmarks/README.md).
    gc.collect()
    gc.freeze()
    yield
    # Let queued webhook deliveries finish (they are bounded by attempts × timeout) before exiting.
    app.state.webhook_dispatcher.shutdown(wait=True)
    await app.state.rate_limiter.aclose()


def create_app(settings: Settings | None = None) -> FastAPI:
    """Build the application for ``settings`` (default: from the environment)."""
    settings = settings or get_settings()
    configure_logging(settings.log_level, settings.log_format)
    # docs_url/redoc_url=None: FastAPI's own pages load assets from a CDN; install_docs serves local copies.
    app = FastAPI(title="zonescore", version="0.1.0", description=DESCRIPTION, responses=_ERRORS,
                  openapi_tags=OPENAPI_TAGS, docs_url=None, redoc_url=None, lifespan=_lifespan)
    app.state.settings = settings
    app.state.engine = make_engine(settings.database_url)
    app.state.session_factory = make_session_factory(app.state.engine)
    app.state.rate_limiter = make_rate_limiter(settings.redis_url, settings.redis_prefix)
    app.state.webhook_dispatcher = WebhookDispatcher(app.state.session_factory, settings)
    # Added first = innermost. Outermost to innermost: request id, access log (sees every refusal),
    # security headers, allowed hosts, CORS (answers preflights), rate limit, body limits, the routes.
    app.add_middleware(BodyLimitMiddleware)
    app.add_middleware(RateLimitMiddleware)
    install_cors(app, settings.cors_origins)
    app.add_middleware(HostMiddleware)
    app.add_middleware(SecurityHeadersMiddleware)
    app.add_middleware(AccessLogMiddleware)  # inside RequestIdMiddleware, which sets the id it logs
    app.add_middleware(RequestIdMiddleware)
    install_error_handlers(app)
    app.include_router(health.router)
    app.include_router(metrics_router)
    # The /api/v1 routes authenticate; every route but the probes counts against the rate limit.
    for router in (zones.router, indicators.router, observations.router, chains.router, imports.router,
                   labels.router, models.router, evaluations.router, panels.router, webhooks.router, keys.router,
                   audit.router):
        app.include_router(router, responses=API_RESPONSES)
    app.include_router(ui_router)
    install_sign_in(app)
    app.include_router(ui_panels_router)
    install_docs(app)
    install_openapi(app)
    return app
