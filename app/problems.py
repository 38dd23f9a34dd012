"""The catalog of problem types and error codes that error responses carry.

Every error response is RFC 9457 problem+json whose ``type`` is ``<service>/problems/<slug>``, a page
served by this service (:mod:`app.ui.problems`) that explains the type; every item of its ``errors``
list has a ``code``, explained at ``/problems/<code>``. The wording of each explanation lives in the
text table (:mod:`app.texts`, keys ``problem_<slug>`` and ``error_<code>``), so the pages, the
OpenAPI document and a test that every raised slug and code is listed here all read one catalog.

Codes of request validation that pydantic produces (``missing``, ``int_parsing``, ``enum`` …) are its
error types; they are explained together on one generic page rather than listed one by one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import get_args

from pydantic_core.core_schema import ErrorType


@dataclass(frozen=True)
class ProblemType:
    """One ``type`` of problem+json: its slug (the last part of the URL), HTTP status and English title."""

    slug: str
    status: int
    title: str

    @property
    def text_key(self) -> str:
        """The key of its explanation in :mod:`app.texts`."""
        return "problem_" + self.slug.replace("-", "_")


@dataclass(frozen=True)
class ErrorCode:
    """One ``errors[].code``: the problem type it appears under (most often) and its explanation key."""

    code: str
    slug: str

    @property
    def text_key(self) -> str:
        """The key of its explanation in :mod:`app.texts`."""
        return "error_" + self.code


PROBLEM_TYPES: dict[str, ProblemType] = {t.slug: t for t in (
    ProblemType("bad-request", 400, "Bad request"),
    ProblemType("export-too-large", 400, "Export too large"),
    ProblemType("host-not-allowed", 400, "Host not allowed"),
    ProblemType("unauthorized", 401, "Unauthorized"),
    ProblemType("forbidden", 403, "Forbidden"),
    ProblemType("cors-refused", 403, "Cross-origin request refused"),
    ProblemType("not-found", 404, "Not found"),
    ProblemType("method-not-allowed", 405, "Method not allowed"),
    ProblemType("not-acceptable", 406, "Not acceptable"),
    ProblemType("request-timeout", 408, "Request timeout"),
    ProblemType("conflict", 409, "Conflict"),
    ProblemType("gone", 410, "Gone"),
    ProblemType("payload-too-large", 413, "Payload too large"),
    ProblemType("unsupported-media-type", 415, "Unsupported media type"),
    ProblemType("validation-failed", 422, "Validation failed"),
    ProblemType("too-many-requests", 429, "Too many requests"),
    ProblemType("internal-error", 500, "Internal server error"),
    ProblemType("service-unavailable", 503, "Service unavailable"),
)}

# The type of an error raised without one of the service's own classes (a 404 for an unknown path, a
# 405 …): by status. Statuses not listed fall back to ``bad-request``.
SLUG_BY_STATUS: dict[int, str] = {
    400: "bad-request", 401: "unauthorized", 403: "forbidden", 404: "not-found", 405: "method-not-allowed",
    406: "not-acceptable", 408: "request-timeout", 409: "conflict", 410: "gone", 413: "payload-too-large",
    415: "unsupported-media-type", 422: "validation-failed", 429: "too-many-requests", 500: "internal-error",
    503: "service-unavailable",
}

_V, _F, _P = "validation-failed", "forbidden", "payload-too-large"
ERROR_CODES: dict[str, ErrorCode] = {e.code: e for e in (
    # observation batches and file imports (the same codes for both)
    ErrorCode("unknown_zone", _V),
    ErrorCode("unknown_indicator", _V),
    ErrorCode("year_out_of_range", _V),
    ErrorCode("duplicate_key", _V),
    ErrorCode("missing_value", _V),
    ErrorCode("not_a_number", _V),
    ErrorCode("not_finite", _V),
    ErrorCode("negative_count", _V),
    ErrorCode("not_whole_number", _V),
    ErrorCode("not_a_flag", _V),
    ErrorCode("out_of_range", _V),
    ErrorCode("zone_outside_key_provinces", _F),
    # file imports only: the file's structure and its zone, indicator and year cells
    ErrorCode("invalid_file", _V),
    ErrorCode("missing_column", _V),
    ErrorCode("duplicate_column", _V),
    ErrorCode("unnamed_column", _V),
    ErrorCode("missing_zone_code", _V),
    ErrorCode("missing_indicator_code", _V),
    ErrorCode("invalid_year", _V),
    ErrorCode("code_too_long", _V),
    ErrorCode("control_character", _V),
    ErrorCode("excel_error", _V),
    ErrorCode("formula_without_value", _V),
    ErrorCode("damaged_workbook", _V),
    ErrorCode("unsafe_workbook", _V),
    # file imports beyond a limit or the parser's bounds (413)
    ErrorCode("too_many_rows", _P),
    ErrorCode("too_many_columns", _P),
    ErrorCode("too_many_cells", _P),
    ErrorCode("too_many_shared_strings", _P),
    ErrorCode("too_large_part", _P),
    ErrorCode("too_large_uncompressed", _P),
    ErrorCode("too_large_text", _P),
    ErrorCode("parser_memory_bound", _P),
    ErrorCode("parser_cpu_bound", _P),
    # chain breakdowns, evaluations, webhooks
    ErrorCode("unknown_chain", _V),
    ErrorCode("no_zones", _V),
    ErrorCode("no_data", _V),
    ErrorCode("unsupported_options", _V),
    ErrorCode("url_not_allowed", _V),
    ErrorCode("exceeds_zone_revenue", _V),
    # publication
    ErrorCode("run_outside_key_provinces", _F),
    ErrorCode("reason_required", _V),
    # panels
    ErrorCode("not_a_spec_model", _V),
    ErrorCode("window_too_short", _V),
    ErrorCode("window_too_long", _V),
    ErrorCode("year_outside_window", _V),
    ErrorCode("indicator_short", _V),
    # filters whose allowed values depend on the run (its tiers, its peer groups)
    ErrorCode("not_in_run", _V),
    # declarative model specs (POST /models)
    ErrorCode("duplicate", _V),
    ErrorCode("unknown_pillar", _V),
    ErrorCode("unknown_dimension", _V),
    ErrorCode("missing_target", _V),
    ErrorCode("no_weight", _V),
    ErrorCode("empty_pillar", _V),
    ErrorCode("empty", _V),
    ErrorCode("incompatible", _V),
    ErrorCode("tier_count", _V),
    ErrorCode("cap_exceeded", _V),
    ErrorCode("thresholds_order", _V),
    ErrorCode("thresholds_range", _V),
    ErrorCode("share_range", _V),
    ErrorCode("unknown_method", _V),
    ErrorCode("same_pillar", _V),
    ErrorCode("uncertainty_unsupported", _V),
    ErrorCode("calibration_unsupported", _V),
    # expert judgments (AHP)
    ErrorCode("missing_judgments", _V),
    ErrorCode("matrix_items", _V),
    ErrorCode("inconsistent_judgments", _V),
)}

PYDANTIC_ERROR_TYPES: frozenset[str] = frozenset(get_args(ErrorType))
"""Error types of pydantic's request validation (``missing``, ``enum``, ``int_parsing`` …)."""


def slug_for_status(status: int) -> str:
    """The problem type of an error that has only a status."""
    return SLUG_BY_STATUS.get(status, "bad-request")


def codes_of(slug: str) -> list[ErrorCode]:
    """The error codes listed under problem type ``slug``, in catalog order."""
    return [e for e in ERROR_CODES.values() if e.slug == slug]
