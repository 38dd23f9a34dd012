"""One error hierarchy, rendered as RFC 9457 problem+json.

Every error the service returns goes through here, so clients always get the same shape and no
stack trace, SQL or file path ever leaks.
"""

from __future__ import annotations

import json
import logging
from collections import Counter
from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from pydantic import ValidationError as PydanticValidationError
from sqlalchemy.exc import DataError, DBAPIError
from sqlalchemy.exc import TimeoutError as SQLAlchemyTimeoutError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from app.db import is_retryable, is_unavailable
from app.problems import slug_for_status
from app.schemas.codes import allowed_text
from app.security_headers import API_HEADERS
from app.services.problem_log import DEFAULT_MAX_PROBLEMS

log = logging.getLogger("zonescore.errors")

PROBLEM_JSON = "application/problem+json"
PROBLEMS_PATH = "/problems/"
"""Problem types are pages of the service under this path (``app.ui.problems``)."""
MAX_VALUE_CHARS = 200


class Problem(BaseModel):
    """A single bad field, row or cell."""

    row: int | None = Field(default=None, description="1-based row of the batch or file; null when the problem "
                            "concerns no single row", examples=[3])
    column: str | None = Field(default=None, description="the field, parameter (query.tier) or the file's own "
                               "column header the problem is in", examples=["zone_code"])
    code: str = Field(description="stable code of the problem, explained at /problems/{code}",
                      examples=["unknown_zone"])
    message: str = Field(description="what is wrong, in English", examples=["no zone with code 'DEMO-33-N99'"])
    value: str | None = Field(default=None, description="the value received (a text as sent, anything else as "
                              f"compact JSON), cut at {MAX_VALUE_CHARS} characters", examples=["DEMO-33-N99"])


def not_in(owner: str, name: str, value: str, allowed: Sequence[str]) -> Problem:
    """``not_in_run``: a filter value that does not occur in a stored run or panel (``owner``, e.g. "run 7"),
    naming the values that do — a typo would otherwise answer an empty page that looks like a real one."""
    return Problem(column=name, code="not_in_run", value=value,
                   message=f"{owner} has no {name} {value!r}; it has {allowed_text(allowed)}")


class ProblemDetail(BaseModel):
    """The body of every error response (RFC 9457 problem+json)."""

    type: str = Field(description="URL of the page explaining this problem type (/problems/{slug} on this "
                      "service)", examples=["http://127.0.0.1:8000/problems/not-found"])
    title: str = Field(description="short English summary of the type", examples=["Not found"])
    status: int = Field(description="the HTTP status code", examples=[404])
    detail: str = Field(description="what went wrong in this request", examples=["no evaluation run 99"])
    instance: str | None = Field(default=None, description="the path of the request",
                                 examples=["/api/v1/evaluations/99"])
    request_id: str | None = Field(default=None, description="the request id (also the X-Request-ID header); "
                                   "quote it when reporting a problem", examples=["3f2b9c0e8a7d4e51b6c2a9f04d7e1c55"])
    errors: list[Problem] = Field(default=[], description="every bad row, column or field, for 4xx errors about "
                                  "the content of the request (the first ZONESCORE_MAX_PROBLEMS of them)")
    error_totals: dict[str, int] | None = Field(
        default=None, description="how many problems of each code there are in all; `errors` lists the first "
        "ZONESCORE_MAX_PROBLEMS of them (null when there are none)", examples=[{"not_a_number": 1200}])


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
        extensions: dict[str, Any] | None = None,
    ):
        super().__init__(detail)
        self.detail = detail
        self.errors = errors or []
        self.headers = headers or {}
        self.error_totals = error_totals
        """per code, every problem found when ``errors`` holds only the first of them"""
        # RFC 9457 extension members: more fields of the problem body, e.g. a withdrawal's reason.
        self.extensions = extensions or {}


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


class Gone(AppError):
    """The resource existed and was taken back for good, e.g. a withdrawn evaluation run."""

    status, slug, title = 410, "gone", "Gone"


class Forbidden(AppError):
    """The key is valid but lacks the scope, or the data belongs to a province the key may not write."""

    status, slug, title = 403, "forbidden", "Forbidden"


class TooManyRequests(AppError):
    """The key (or, for anonymous reads, the client address) used up its request budget."""

    status, slug, title = 429, "too-many-requests", "Too many requests"


class ValidationFailed(AppError):
    """The input is well-formed but its content is invalid; ``errors`` lists every bad row/field."""

    status, slug, title = 422, "validation-failed", "Validation failed"


def invalid_spec(exc: PydanticValidationError, what: str) -> ValidationFailed:
    """A 422 listing every error of a validated document (a model spec, expert judgments) at its
    dotted location, e.g. ``weighting.ahp.experts.0.pillars``."""
    problems = [
        Problem(column=".".join(str(p) for p in err["loc"]) or None, code=err["type"], message=err["msg"],
                value=json_value(err.get("input")))
        for err in exc.errors()
    ]
    return ValidationFailed(f"{what} is invalid: {len(problems)} problem(s)", errors=problems)


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
    410: "Gone",
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


def problem_type_url(request: Request, slug: str) -> str:
    """The absolute URL of the page explaining problem type ``slug`` (honours a proxy's root path)."""
    return str(request.base_url).rstrip("/") + PROBLEMS_PATH + slug


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
    extensions: dict[str, Any] | None = None,
) -> JSONResponse:
    """Build a problem+json response carrying the request id (and ``extensions`` as more members); ``errors``
    cut to the first ``max_problems`` (setting), ``error_totals`` counting all of them per code."""
    errors = errors or []
    if errors and error_totals is None:
        error_totals = dict(Counter(p.code for p in errors))
    body = ProblemDetail(
        type=problem_type_url(request, slug or slug_for_status(status)),
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
    content = {**jsonable_encoder(extensions or {}), **body.model_dump(mode="json")}
    return JSONResponse(content, status_code=status, media_type=PROBLEM_JSON, headers=all_headers)


def _max_problems(request: Request) -> int:
    settings = getattr(request.app.state, "settings", None)
    return settings.max_problems if settings is not None else DEFAULT_MAX_PROBLEMS


def loc_to_row_column(loc: tuple[Any, ...]) -> tuple[int | None, str | None]:
    """A validation location as (1-based row of the first list index of a body, the other parts joined by dots)."""
    # Turn pydantic's ("body", "items", 3, "value") into row 4 (1-based), column "body.items.value". Only a
    # body has rows; the index of a repeated query parameter (("query", "province", 1)) is no row.
    row: int | None = None
    parts: list[str] = []
    for i, part in enumerate(loc):
        if i == 0 and part in ("body", "query", "path", "header"):
            parts.append(str(part))
            continue
        if isinstance(part, int):
            if row is None and loc[0] not in ("query", "path", "header"):
                row = part + 1
            continue
        parts.append(str(part))
    return row, ".".join(parts) or None


def json_value(value: Any) -> str | None:
    """A received value as shown in a problem: a text as it is, anything else as compact JSON, cut short."""
    if value is None:
        return None
    if isinstance(value, str):
        return value[:MAX_VALUE_CHARS]
    try:
        text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False, default=str)
    except ValueError:  # NaN or infinity: not JSON, said the way JavaScript would print them
        text = str(value).replace("inf", "Infinity").replace("nan", "NaN")
    return text[:MAX_VALUE_CHARS]


_METHODS = ("DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT")


def allowed_methods(request: Request) -> list[str]:
    """Every method some route serves at the request's path, sorted: the ``Allow`` of a 405.

    Each method is tried against the routes (an included router answers for all of its routes), so
    paths served by several routes, such as ``GET`` and ``POST /zones``, list all of their methods.
    """
    return [method for method in _METHODS
            if any(route.matches({**request.scope, "method": method})[0] is Match.FULL
                   for route in request.app.router.routes)]


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
            error_totals=exc.error_totals, extensions=exc.extensions,
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
                                        value=json_value(err.get("input"))))
        detail = f"{totals.total()} problem(s) in the request"
        return problem_response(request, 422, detail, slug="validation-failed", errors=problems,
                                error_totals=dict(totals))

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        detail = exc.detail if isinstance(exc.detail, str) else _TITLES.get(exc.status_code, "Error")
        headers = dict(getattr(exc, "headers", None) or {})
        if exc.status_code == 405:
            # Starlette names only the methods of the first route matching the path; a path served by
            # several routes (GET and POST /zones are two) must list them all (RFC 9110 §15.5.6).
            headers["Allow"] = ", ".join(allowed_methods(request))
        return problem_response(request, exc.status_code, detail, headers=headers)

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
