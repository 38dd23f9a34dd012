"""Evaluation runs, rankings, scorecards and comparisons."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request, Response
from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool

from app.api.deps import MAX_INT, JsonBody, Limit, Offset, SessionDep, SettingsDep
from app.api.downloads import DOWNLOAD_CONTENT, ExportFormat, FormatDep, export_response
from app.api.responses import NOT_MODIFIED, WRITE_RESPONSES, problem_responses
from app.db import session_scope
from app.http_cache import CACHE_REVALIDATE, cache_headers, json_response, not_modified, representation_tag
from app.i18n import Lang, Language
from app.schemas.common import Page
from app.schemas.evaluation import (
    Comparison,
    EvaluationRequest,
    EvaluationRunDetail,
    EvaluationRunOut,
    RankingRow,
    Scorecard,
)
from app.security import EvaluateKey, ReadAccess
from app.services import evaluation_exports as exports
from app.services import evaluations as service
from app.services import webhooks

# Bump when the JSON or file layout of a result changes: stored runs never change, but a new release
# may render them differently, and clients hold immutable copies for a year.
RESULT_REPRESENTATION = "1"

router = APIRouter(prefix="/api/v1/evaluations", tags=["evaluations"])

RunId = Annotated[int, Path(ge=1, le=MAX_INT, description="evaluation run id", examples=[1])]


class RankingSort(StrEnum):
    """Sort orders of a ranking."""

    RANK = "rank"
    RANK_DESC = "-rank"
    COMPOSITE = "composite"
    COMPOSITE_DESC = "-composite"
    RPI = "rpi"
    RPI_DESC = "-rpi"
    ZONE_CODE = "zone_code"
    PEER_RANK = "peer_rank"


def _cache(request: Request, fmt: ExportFormat, lang: Language) -> tuple[str, dict[str, str]]:
    """The strong ETag of an immutable result representation and the headers that go with it.

    A stored run never changes, so the path (run id, zone), every query parameter, the negotiated
    format and language fully determine the body: no need to build it to know its tag.
    """
    return representation_tag(request, f"result:{RESULT_REPRESENTATION}", fmt.value, lang.value)


def _detail(session: SessionDep, run_id: int) -> EvaluationRunDetail:
    return service.run_detail(session, service.get_run(session, run_id))


@router.post("", summary="Run an evaluation", response_model=EvaluationRunDetail, status_code=201,
             dependencies=[JsonBody], responses={**WRITE_RESPONSES, **problem_responses(404)})
def create_evaluation(
    request: Request, session: SessionDep, key: EvaluateKey, body: EvaluationRequest
) -> EvaluationRunDetail:
    """Compute and store an immutable run of ``model`` for ``year`` over the filtered zones.

    The run records the model version, the options and a hash of all inputs: re-running on unchanged
    data gives the same input hash and the same results. Registered webhooks are notified once the run
    is committed. Needs a key with the ``evaluate`` scope.
    """
    run = service.run_evaluation(session, body, actor=key.actor)
    webhooks.notify_after_commit(session, run.id, request.app.state.webhook_dispatcher)
    return _detail(session, run.id)


@router.get("", summary="List evaluation runs", response_model=Page[EvaluationRunOut])
def list_evaluations(
    session: SessionDep,
    reader: ReadAccess,
    response: Response,
    model: Annotated[str | None, Query(description="model key")] = None,
    year: Annotated[int | None, Query(ge=1900, le=2200)] = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> Page[EvaluationRunOut]:
    """Stored evaluation runs, newest first, filtered by model key and year, with the total count.

    Not cacheable like a single run: new runs appear in the list at any time."""
    response.headers["Cache-Control"] = CACHE_REVALIDATE
    runs, total = service.list_runs(session, model=model, year=year, limit=limit, offset=offset)
    return Page[EvaluationRunOut](items=[service.run_out(session, r) for r in runs], total=total, limit=limit,
                                  offset=offset)


@router.get("/compare", summary="Compare two runs", response_model=Comparison, responses=problem_responses(404))
def compare_evaluations(
    session: SessionDep,
    reader: ReadAccess,
    base: Annotated[int, Query(ge=1, le=MAX_INT, description="run id of the base scheme, e.g. a comprehensive run")],
    other: Annotated[int, Query(ge=1, le=MAX_INT, description="run id of the other scheme, e.g. innovation-peak")],
    threshold: Annotated[int | None, Query(ge=1, le=MAX_INT, description="rank change that counts as a move")] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 50,
) -> Comparison:
    """Who moves up or down from ``base`` to ``other``; ``overrated`` names the zones the base scheme
    ranked much higher — under ``comprehensive`` vs ``innovation-peak``, the 产业高原 / 低新化 candidates."""
    return service.compare(session, base, other, threshold=threshold, limit=limit)


@router.get("/{run_id}", summary="One evaluation run", response_model=EvaluationRunDetail,
            responses={**NOT_MODIFIED, **problem_responses(404)})
def get_evaluation(
    request: Request, session: SessionDep, reader: ReadAccess, lang: Lang, run_id: RunId
) -> Response:
    """The run with model-level information: nominal, applied and effective weights, correlation flags,
    excluded indicators and zones with reasons, the methods used, peer groups and sensitivity indices.

    Runs are immutable: the reply has a strong ETag and `Cache-Control: public, max-age=31536000,
    immutable`; `If-None-Match` with the tag gives `304 Not Modified`."""
    service.get_run(session, run_id)
    etag, extra = _cache(request, ExportFormat.JSON, lang)
    if (hit := not_modified(request, etag, immutable=True, extra=extra)) is not None:
        return hit
    return json_response(_detail(session, run_id), etag=etag, immutable=True, extra=extra)


@router.get("/{run_id}/rankings", summary="Ranking of a run", response_model=Page[RankingRow],
            responses={200: {"content": DOWNLOAD_CONTENT}, **NOT_MODIFIED, **problem_responses(404, 406)})
async def get_rankings(
    request: Request,
    reader: ReadAccess,
    settings: SettingsDep,
    fmt: FormatDep,
    lang: Lang,
    run_id: RunId,
    province: str | None = None,
    level: str | None = None,
    tier: str | None = None,
    peer_group: str | None = None,
    profile: str | None = None,
    badge: str | None = None,
    sort: RankingSort = RankingSort.RANK,
    limit: Limit = 50,
    offset: Offset = 0,
) -> Response:
    """Ranked zones of a run (composite, RPI, tier and subgroup, peer group, profile, badges, rank interval),
    filtered by province, level, tier, peer group, profile and badge, sorted and paginated.

    `?format=csv` (UTF-8 with BOM) or `?format=xlsx` (or the matching `Accept`) downloads every matching
    zone (limit/offset apply to JSON only) with headers and labels in `?lang=` (default zh-CN); the XLSX
    file adds a methodology sheet (pillars, indicators and weights, methods, thresholds) of this run.
    Cached as immutable with a strong ETag, like the run."""
    etag, extra = _cache(request, fmt, lang)
    filters: dict[str, Any] = {"province": province, "level": level, "tier": tier, "peer_group": peer_group,
                               "profile": profile, "badge": badge, "sort": sort.value}
    state = request.app.state
    if fmt is not ExportFormat.JSON:
        body = await run_in_threadpool(_export_rankings, state.session_factory, run_id, fmt, lang,
                                       settings.max_export_rows, filters)
        if (hit := not_modified(request, etag, immutable=True, extra=extra)) is not None:
            return hit
        return export_response(body, fmt, f"evaluation-{run_id}-rankings",
                               headers=cache_headers(etag, immutable=True, extra=extra))
    # Runs never change once stored, so a page read once is served from a per-app cache straight from
    # the event loop; only a first read opens a session (in the thread pool, like the sync routes).
    # The first read also proves the run exists, so a cached page is never served for a missing run.
    cache: service.RankingsCache | None = getattr(state, "rankings_cache", None)
    if cache is None:
        cache = state.rankings_cache = service.RankingsCache()
    params = {**filters, "limit": limit, "offset": offset}
    key = (run_id, *params.values())
    page = cache.get(key)
    if page is None:
        page = await run_in_threadpool(_read_rankings, state.session_factory, run_id, params)
        cache.put(key, page)
    if (hit := not_modified(request, etag, immutable=True, extra=extra)) is not None:
        return hit
    return Response(page, media_type="application/json", headers=cache_headers(etag, immutable=True, extra=extra))


def _read_rankings(factory: sessionmaker[Session], run_id: int, params: dict[str, Any]) -> bytes:
    with session_scope(factory) as session:
        return service.rankings_json(session, run_id, **params)
    raise AssertionError("unreachable")


def _export_rankings(
    factory: sessionmaker[Session], run_id: int, fmt: ExportFormat, lang: Language, max_rows: int,
    filters: dict[str, Any],
) -> bytes:
    with session_scope(factory) as session:
        return exports.rankings_file(session, run_id, fmt.file_format(), lang, max_rows=max_rows, **filters)
    raise AssertionError("unreachable")


@router.get("/{run_id}/zones/{code}", summary="A zone's scorecard", response_model=Scorecard,
            responses={200: {"content": DOWNLOAD_CONTENT}, **NOT_MODIFIED, **problem_responses(404, 406)})
def get_scorecard(
    request: Request, session: SessionDep, reader: ReadAccess, fmt: FormatDep, lang: Lang, run_id: RunId,
    code: str,
) -> Response:
    """Composite, pillars, ranks, tier, profile, badges, contributions, strengths and weaknesses, gap to
    the next tier, rank interval, and the change against the same model's earlier run for the previous year.

    `?format=xlsx` downloads three sheets (headline fields, indicator contributions, strengths and
    weaknesses in words); `?format=csv` the contributions table with strengths and weaknesses marked.
    Cached as immutable with a strong ETag, like the run."""
    card = service.scorecard(session, run_id, code)  # 404 before any 304: a missing zone has no representation
    etag, extra = _cache(request, fmt, lang)
    if (hit := not_modified(request, etag, immutable=True, extra=extra)) is not None:
        return hit
    if fmt is not ExportFormat.JSON:
        body = exports.scorecard_file(session, run_id, code, fmt.file_format(), lang)
        return export_response(body, fmt, f"evaluation-{run_id}-{code}",
                               headers=cache_headers(etag, immutable=True, extra=extra))
    return json_response(card.out(), etag=etag, immutable=True, extra=extra)
