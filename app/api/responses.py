"""OpenAPI descriptions of the problem+json error responses, with realistic examples.

Routers pass ``responses=problem_responses(404, 422)`` so every documented operation lists the
errors it can actually return, each with the same :class:`~app.errors.ProblemDetail` model.
"""

from __future__ import annotations

from typing import Any

from app.errors import PROBLEM_BASE, PROBLEM_JSON, ProblemDetail

_EXAMPLES: dict[int, tuple[str, dict[str, Any]]] = {
    400: ("Bad request, e.g. a download matching more rows than ZONESCORE_MAX_EXPORT_ROWS", {
        "slug": "export-too-large", "title": "Export too large",
        "detail": "612000 observations match; an export holds at most 500000: narrow the filters",
        "instance": "/api/v1/observations",
    }),
    401: ("No API key, or an unknown or revoked one", {
        "slug": "unauthorized", "title": "Unauthorized",
        "detail": "this operation needs an API key: send 'Authorization: Bearer <key>' or 'X-API-Key: <key>'",
        "instance": "/api/v1/observations",
    }),
    403: ("The key lacks the scope, or the data lies outside the key's provinces", {
        "slug": "forbidden", "title": "Forbidden",
        "detail": "the key may write zones of provinces 33 only; not: DEMO-32-N01",
        "instance": "/api/v1/observations",
    }),
    404: ("No such resource", {
        "slug": "not-found", "title": "Not found", "detail": "no zone with code 'DEMO-33-N99'",
        "instance": "/api/v1/zones/DEMO-33-N99",
    }),
    406: ("None of the requested formats can be produced", {
        "slug": "not-acceptable", "title": "Not acceptable",
        "detail": "format 'pdf' is not available; choose one of json, csv, xlsx",
        "instance": "/api/v1/zones",
    }),
    409: ("Conflicts with stored data", {
        "slug": "conflict", "title": "Conflict", "detail": "a zone with code 'DEMO-33-N01' already exists",
        "instance": "/api/v1/zones",
    }),
    413: ("Body, file or batch too large", {
        "slug": "payload-too-large", "title": "Payload too large",
        "detail": "the file is larger than the limit of 20971520 bytes", "instance": "/api/v1/imports",
    }),
    415: ("Media type not accepted", {
        "slug": "unsupported-media-type", "title": "Unsupported media type",
        "detail": "expected a CSV or XLSX file", "instance": "/api/v1/imports",
    }),
    422: ("Validation failed; every bad row and field is listed", {
        "slug": "validation-failed", "title": "Validation failed",
        "detail": "2 problem(s) in 2 row(s); nothing was written", "instance": "/api/v1/observations",
        "errors": [
            {"row": 1, "column": "zone_code", "code": "unknown_zone",
             "message": "no zone with code 'DEMO-33-N99'", "value": "DEMO-33-N99"},
            {"row": 2, "column": "value", "code": "out_of_range",
             "message": "rd_intensity must be between 0 and 100 (%)", "value": "180"},
        ],
        "error_totals": {"unknown_zone": 1, "out_of_range": 1},
    }),
    429: ("Too many requests; retry after the seconds in Retry-After", {
        "slug": "too-many-requests", "title": "Too many requests",
        "detail": "rate limit of 600 requests per minute reached; retry in 4 s", "instance": "/api/v1/zones",
    }),
    500: ("Internal error; quote the request id when reporting it", {
        "slug": "internal-error", "title": "Internal server error",
        "detail": "An internal error occurred; quote the request id when reporting it.",
        "instance": "/api/v1/zones",
    }),
    503: ("The database is unavailable, or (imports) every import parser is busy; retry after the seconds in "
          "Retry-After", {
        "slug": "service-unavailable", "title": "Service unavailable",
        "detail": "the database is unavailable right now; nothing was done; retry after 5 seconds",
        "instance": "/api/v1/zones",
    }),
}


NOT_MODIFIED: dict[int | str, dict[str, Any]] = {
    304: {"description": "Not modified: the copy named in If-None-Match is current (ETag, Cache-Control)"}
}


def problem_example(status: int) -> dict[str, Any]:
    """An example problem+json body for ``status`` (as served, with ``type`` and ``request_id``)."""
    _, raw = _EXAMPLES[status]
    body = {k: v for k, v in raw.items() if k != "slug"}
    return {"type": PROBLEM_BASE + str(raw["slug"]), "status": status, **body,
            "request_id": "3f2b9c0e8a7d4e51b6c2a9f04d7e1c55", "errors": raw.get("errors", []),
            "error_totals": raw.get("error_totals")}


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """The ``responses=`` entry documenting ``statuses`` as problem+json with examples."""
    return {
        status: {
            "model": ProblemDetail,
            "description": _EXAMPLES[status][0],
            "content": {PROBLEM_JSON: {"example": problem_example(status)}},
        }
        for status in statuses
    }


# Extra documented errors of write routes: an unparsable body, a conflict (duplicate, concurrent change,
# an Idempotency-Key reused with other content), a body of the wrong media type.
WRITE_RESPONSES = problem_responses(400, 409, 415)
# Every /api/v1 route authenticates (or may, when reads need a key).
API_RESPONSES = problem_responses(401, 403)
