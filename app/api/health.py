"""Liveness and readiness."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy import text

from app.migrate import current_revision, head_revision

router = APIRouter(tags=["health"])

# Probes answer whatever the Host header and however busy a client behind the same address is: they are
# exempt from the allowed hosts and the rate limit (they reveal nothing and cost nothing).
PROBE_PATHS = frozenset({"/healthz", "/readyz"})


@router.get("/healthz", summary="Process is up")
def check_liveness() -> dict[str, str]:
    """Always 200 with `{"status": "ok"}` while the process serves requests (liveness probe)."""
    return {"status": "ok"}


@router.get(
    "/readyz",
    summary="Database reachable and migrated",
    responses={503: {"description": "Not ready: the database is unreachable or not at the newest migration",
                     "content": {"application/json": {"example": {
                         "status": "unavailable", "database": "reachable", "migration": "0001",
                         "expected": "0002"}}}}},
)
def check_readiness(request: Request) -> JSONResponse:
    """200 when the database answers and is at the newest migration, else 503 saying which check failed
    (readiness probe; the Docker HEALTHCHECK uses it)."""
    engine = request.app.state.engine
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        current = current_revision(engine)
    except Exception:
        return JSONResponse({"status": "unavailable", "database": "unreachable"}, status_code=503)
    head = head_revision(request.app.state.settings.database_url)
    if current != head:
        return JSONResponse(
            {"status": "unavailable", "database": "reachable", "migration": current, "expected": head},
            status_code=503,
        )
    return JSONResponse({"status": "ready", "database": "reachable", "migration": current})
