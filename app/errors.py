"""One error hierarchy, rendered as RFC 9457 problem+json.

Every error the service returns goes through here, so clients always get the same shape and no
stack trace, SQL or file path ever leaks.
"""

from __future__ import annotations

import logging
from collections import Counter
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from sqlalchemy.exc import DataError, DBAPIError
from sqlalchemy.exc import TimeoutError as SQLAlchemyTimeoutError
from starlette.exceptions import HTTPException as StarletteHTTPException

from app.db import is_retryable, is_unavailable
from app.security_headers import API_HEADERS
from app.services.problem_log import DEFAULT_MAX_PROBLEMS

log = logging.getLogger("zonescore.errors")

PROBLEM_JSON = "application/problem+json"
PROBLEM_BASE = "https://zonescore.example/problems/"


class Problem(BaseModel):
    """A single bad field, row or cell."""

    row: int | None = None
    column: str | None = None
    code: str
    message: str
    value: str | None = None


class ProblemDetail(BaseModel):
    """The body of every error response (RFC 9457)."""

    type: str
    title: str
    status: int
    detail: str
    instance: str | None = None
    request_id: str | None = None
    errors: list[Problem] = []
    error_totals: dict[str, int] | None = Field(
        default=None, description="how many problems of each code there are in all; `errors` lists the first "
        "ZONESCORE_MAX_PROBLEMS of them (null when there are none)")


class AppError(Exception):
    """Base of the service's errors: a status, a stable type slug, a title and a detail."""

    status: int = 400
    slug: str = "bad-request"
    title: str = "Bad request"

    def __init__(
        self,
        detail: str,
        *,
        errors: list[Problem] | None = None,
        headers: dict[str, str] | None = None,
        error_totals: dict[str, int] | None = None,
    ):
        super().__init__(detail)
        self.detail = detail
        self.errors = errors or []
        self.headers = headers or {}
        self.error_totals = error_totals
        """per code, every problem found when ``errors`` holds only the first of them"""


class NotFound(AppError):
    """A named resource does not exist."""

    status, slug, title = 404, "not-found", "Not found"


class Conflict(AppError):
    """The request conflicts with stored state (duplicate, immutable, concurrent change)."""

    status, slug, title = 409, "conflict", "Conflict"


class Unauthorized(AppError):
    """No API key, or one that is unknown or revoked."""

    status, slug, title = 401, "unauthorized", "Unauthorized"

    def __init__(self, detail: str, *, errors: list[Problem] | None = None, headers: dict[str, str] | None = None):
        # RFC 9110: a 401 names the scheme the client should use.
        super().__init__(detail, errors=errors, headers={"WWW-Authenticate": "Bearer", **(headers or {})})


class Forbidden(AppError):
    """The key is valid but lacks the scope, or the data belongs to a province the key may not write."""

    status, slug, title = 403, "forbidden", "Forbidden"


class TooManyRequests(AppError):
    """The key (or, for anonymous reads, the client address) used up its request budget."""

    status, slug, title = 429, "too-many-requests", "Too many requests"


class ValidationFailed(AppError):
    """The input is well-formed but its content is invalid; ``errors`` lists every bad row/field."""

    status, slug, title = 422, "validation-failed", "Validation failed"


class PayloadTooLarge(AppError):
    """The body or upload is larger than the configured limit."""

    status, slug, title = 413, "payload-too-large", "Payload too large"


class ServiceUnavailable(AppError):
    """The service cannot do this right now — the database cannot be reached, or every import parser is busy;
    ``Retry-After`` says when to try again."""

    status, slug, title = 503, "service-unavailable", "Service unavailable"


class UnsupportedMediaType(AppError):
    """The body's media type is not one the endpoint accepts."""

    status, slug, title = 415, "unsupported-media-type", "Unsupported media type"


_TITLES = {
    400: "Bad request",
    401: "Unauthorized",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    406: "Not acceptable",
    408: "Request timeout",
    409: "Conflict",
    413: "Payload too large",
    415: "Unsupported media type",
    422: "Validation failed",
    429: "Too many requests",
    500: "Internal server error",
    503: "Service unavailable",
}

# Seconds a client is asked to wait when the database is unavailable: long enough for a restart or a
# fail-over to make progress, short enough that a portal's retry soon succeeds.
DATABASE_RETRY_AFTER = "5"


def _request_id(request: Request) -> str | None:
    rid = getattr(request.state, "request_id", None)
    return rid if isinstance(rid, str) else None


def problem_response(
    request: Request,
    status: int,
    detail: str,
    *,
    slug: str | None = None,
    title: str | None = None,
    errors: list[Problem] | None = None,
    headers: dict[str, str] | None = None,
    error_totals: dict[str, int] | None = None,
) -> JSONResponse:
    """Build a problem+json response carrying the request id; ``errors`` cut to the first
    ``max_problems`` (setting), ``error_totals`` counting all of them per code."""
    errors = errors or []
    if errors and error_totals is None:
        error_totals = dict(Counter(p.code for p in errors))
    body = ProblemDetail(
        type=PROBLEM_BASE + (slug or f"http-{status}"),
        title=title or _TITLES.get(status, "Error"),
        status=status,
        detail=detail,
        instance=request.url.path,
        request_id=_request_id(request),
        errors=errors[: _max_problems(request)],
        error_totals=error_totals or None,
    )
    # The 500 handler runs outside the request-id and security-header middleware: set those here too.
    all_headers = {**API_HEADERS, **(headers or {})}
    if body.request_id:
        all_headers["X-Request-ID"] = body.request_id
    return JSONResponse(
        body.model_dump(mode="json"), status_code=status, media_type=PROBLEM_JSON, headers=all_headers
    )


def _max_problems(request: Request) -> int:
    settings = getattr(request.app.state, "settings", None)
    return settings.max_problems if settings is not None else DEFAULT_MAX_PROBLEMS


def loc_to_row_column(loc: tuple[Any, ...]) -> tuple[int | None, str | None]:
    """A validation location as (1-based row of the first list index, the other parts joined by dots)."""
    # Turn pydantic's ("body", "items", 3, "value") into row 4 (1-based), column "value".
    row: int | None = None
    parts: list[str] = []
    for i, part in enumerate(loc):
        if i == 0 and part in ("body", "query", "path", "header"):
            parts.append(str(part))
            continue
        if isinstance(part, int) and row is None:
            row = part + 1
            continue
        parts.append(str(part))
    return row, ".".join(parts) or None


def _short(value: Any) -> str | None:
    if value is None:
        return None
    text = repr(value) if not isinstance(value, str) else value
    return text[:200]


def _database_unavailable(request: Request, exc: Exception) -> JSONResponse:
    log.warning("database unavailable in request %s %s %s: %s", _request_id(request), request.method,
                request.url.path, getattr(exc, "orig", None) or type(exc).__name__)
    return problem_response(
        request, ServiceUnavailable.status, "the database is unavailable right now; nothing was done; retry "
        f"after {DATABASE_RETRY_AFTER} seconds", slug=ServiceUnavailable.slug, title=ServiceUnavailable.title,
        headers={"Retry-After": DATABASE_RETRY_AFTER},
    )


def install_error_handlers(app: FastAPI) -> None:
    """Register the handlers that turn every exception into problem+json."""

    @app.exception_handler(AppError)
    async def _app_error(request: Request, exc: AppError) -> JSONResponse:
        return problem_response(
            request, exc.status, exc.detail, slug=exc.slug, title=exc.title, errors=exc.errors, headers=exc.headers,
            error_totals=exc.error_totals,
        )

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        problems: list[Problem] = []
        totals, cap = Counter[str](), _max_problems(request)
        for err in exc.errors():
            code = str(err.get("type", "invalid"))
            totals[code] += 1
            if len(problems) < cap:  # a 200,000-item batch of one wrong type is 200,000 errors
                row, column = loc_to_row_column(tuple(err.get("loc", ())))
                problems.append(Problem(row=row, column=column, code=code, message=str(err.get("msg", "invalid")),
                                        value=_short(err.get("input"))))
        detail = f"{totals.total()} problem(s) in the request"
        return problem_response(request, 422, detail, slug="validation-failed", errors=problems,
                                error_totals=dict(totals))

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        detail = exc.detail if isinstance(exc.detail, str) else _TITLES.get(exc.status_code, "Error")
        return problem_response(request, exc.status_code, detail, headers=getattr(exc, "headers", None))

    @app.exception_handler(DBAPIError)
    async def _database(request: Request, exc: DBAPIError) -> JSONResponse:
        if isinstance(exc, DataError):
            # The database refused a value the request carried, e.g. a NUL character in a text (PostgreSQL
            # cannot store or even compare one) — found by the schema fuzzing; a client error, not ours.
            log.info("data error in request %s: %s", _request_id(request), exc.orig)
            return problem_response(
                request, 422, "a value in the request cannot be stored or compared by the database "
                "(for example a NUL character in a text)", slug="validation-failed",
            )
        if is_unavailable(exc):
            return _database_unavailable(request, exc)
        if not is_retryable(exc):
            return await _unhandled(request, exc)
        # A constraint the checks could not see coming, a deadlock or a serialization failure: a concurrent
        # write that still collided after the retries. The statement and its parameters stay in the log;
        # the client learns only that nothing was written.
        log.warning("concurrent-write error in request %s %s %s: %s", _request_id(request), request.method,
                    request.url.path, exc.orig)
        return problem_response(
            request, 409, "the write conflicts with data stored meanwhile (e.g. by a concurrent request); "
            "nothing was written; retry", slug="conflict", title="Conflict",
        )

    @app.exception_handler(SQLAlchemyTimeoutError)
    async def _pool_exhausted(request: Request, exc: SQLAlchemyTimeoutError) -> JSONResponse:
        # Every pooled connection stayed busy past the pool's timeout: the database is overloaded.
        return _database_unavailable(request, exc)

    @app.exception_handler(Exception)
    async def _unhandled(request: Request, exc: Exception) -> JSONResponse:
        # The message carries the request id so the log line can be found from what the client quotes.
        log.error("unhandled error in request %s %s %s", _request_id(request), request.method, request.url.path,
                  exc_info=exc, extra={"request_id": _request_id(request), "path": request.url.path})
        return problem_response(
            request, 500, "An internal error occurred; quote the request id when reporting it.",
            slug="internal-error",
        )
