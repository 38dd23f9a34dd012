"""Prometheus metrics, exposed at ``GET /metrics``.

Every label comes from a closed set, so the number of time series stays bounded whatever clients
send: requests are counted and timed by route *template* (``/api/v1/zones/{code}``), never by the raw
path (unmatched paths share the label ``other``), and by method only for the methods HTTP defines
(anything else, e.g. a made-up ``FOO``, is counted as ``other``).

With several worker processes (``zonescore serve --workers 4``) each process counts separately; set
``PROMETHEUS_MULTIPROC_DIR`` to an empty, writable directory before start-up and ``/metrics``
aggregates all workers (prometheus_client's multiprocess mode).

For the lead's evaluation runs::

    from app.metrics import time_evaluation
    with time_evaluation(model.key):
        result = model.evaluate(matrix, options=options)
"""

from __future__ import annotations

import hmac
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager

from fastapi import APIRouter, Request, Response
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.multiprocess import MultiProcessCollector

from app.api.responses import problem_responses
from app.errors import Unauthorized
from app.schemas.common import WriteSummary

REGISTRY = CollectorRegistry(auto_describe=True)

HTTP_REQUESTS = Counter(
    "zonescore_http_requests", "HTTP requests served, by method, route template and status code.",
    ["method", "route", "status"], registry=REGISTRY,
)
HTTP_REQUEST_DURATION = Histogram(
    "zonescore_http_request_duration_seconds", "Time to serve an HTTP request, by method, route template and status.",
    ["method", "route", "status"], registry=REGISTRY,
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0),
)
IMPORTED_ROWS = Counter(
    "zonescore_imported_rows", "Data rows of successfully imported files, by file format.",
    ["file_format"], registry=REGISTRY,
)
IMPORTED_CELLS = Counter(
    "zonescore_imported_cells", "Observation cells of successfully imported files, by what happened to them.",
    ["result"], registry=REGISTRY,
)
# Evaluations of a few hundred zones with a 1,000-run Monte Carlo take seconds to minutes.
EVALUATION_DURATION = Histogram(
    "zonescore_evaluation_duration_seconds", "Wall time of an evaluation run, by scoring model key.",
    ["model"], registry=REGISTRY,
    buckets=(0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0, 600.0),
)

OTHER = "other"
UNMATCHED_ROUTE = OTHER
KNOWN_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "CONNECT"})


def observe_request(method: str, route: str, status: int, seconds: float) -> None:
    """Count and time one served request (called by the access-log middleware with the route template)."""
    labels = (method if method in KNOWN_METHODS else OTHER, route, str(status))
    HTTP_REQUESTS.labels(*labels).inc()
    HTTP_REQUEST_DURATION.labels(*labels).observe(seconds)


def record_import(file_format: str, rows: int, summary: WriteSummary) -> None:
    """Count the rows and cells of a successfully imported file."""
    IMPORTED_ROWS.labels(file_format).inc(rows)
    IMPORTED_CELLS.labels("inserted").inc(summary.inserted)
    IMPORTED_CELLS.labels("updated").inc(summary.updated)
    IMPORTED_CELLS.labels("unchanged").inc(summary.unchanged)


def observe_evaluation(model_key: str, seconds: float) -> None:
    """Record the duration of one evaluation run of ``model_key``."""
    EVALUATION_DURATION.labels(model_key).observe(seconds)


@contextmanager
def time_evaluation(model_key: str) -> Iterator[None]:
    """Time the enclosed evaluation of ``model_key`` (recorded whether it succeeds or fails)."""
    start = time.perf_counter()
    try:
        yield
    finally:
        observe_evaluation(model_key, time.perf_counter() - start)


def render_metrics() -> bytes:
    """The metrics in the Prometheus text format (all workers' when PROMETHEUS_MULTIPROC_DIR is set)."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        MultiProcessCollector(registry)  # type: ignore[no-untyped-call]  # prometheus_client lacks the hint
        return generate_latest(registry)
    return generate_latest(REGISTRY)


router = APIRouter(tags=["health"])


@router.get(
    "/metrics",
    summary="Prometheus metrics",
    response_class=Response,
    responses={200: {"content": {CONTENT_TYPE_LATEST.split(";")[0]: {"schema": {"type": "string"}}}},
               **problem_responses(401)},
)
def get_metrics(request: Request) -> Response:
    """Request counts and latencies by route template and status, imported rows and cells, and evaluation
    durations, in the Prometheus text exposition format. With ZONESCORE_METRICS_TOKEN set, only for
    `Authorization: Bearer <token>`."""
    _check_token(request)
    return Response(render_metrics(), media_type=CONTENT_TYPE_LATEST)


def _check_token(request: Request) -> None:
    token = request.app.state.settings.metrics_token
    if token is None:
        return
    scheme, _, sent = request.headers.get("authorization", "").partition(" ")
    # Compared in constant time, as bytes (compare_digest refuses non-ASCII str).
    if scheme.lower() != "bearer" or not hmac.compare_digest(sent.strip().encode(), token.get_secret_value().encode()):
        raise Unauthorized("the metrics need the token of ZONESCORE_METRICS_TOKEN as 'Authorization: Bearer <token>'")
