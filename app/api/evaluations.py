"""Evaluation runs, rankings, scorecards and comparisons."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated, Any

import pydantic_core
from fastapi import APIRouter, Depends, Path, Query, Request, Response
from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool

from app.api.deps import MAX_INT, JsonBody, Limit, Offset, SessionDep, SettingsDep
from app.api.downloads import DOWNLOAD_CONTENT, ExportFormat, FormatDep, export_response
from app.api.filters import RankingFilters, RankingFiltersDep, RunFiltersDep
from app.api.paging import LINK_HEADER, page_links, set_page_links
from app.api.responses import NOT_MODIFIED, WRITE_RESPONSES, problem_responses
from app.config import Settings
from app.db import session_scope
from app.errors import Forbidden
from app.http_cache import (
    CACHE_PRIVATE,
    CACHE_REVALIDATE,
    cache_headers,
    json_response,
    not_modified,
    short_public,
    version_etag,
)
from app.i18n import Lang, Language, LocalisedLang, localised_headers
from app.schemas.common import Page
from app.schemas.evaluation import (
    Comparison,
    EvaluationRequest,
    EvaluationRunDetail,
    EvaluationRunOut,
    RankingRow,
    Scorecard,
    WithdrawalRequest,
)
from app.security import EvaluateKey, PublishKey, ReadAccess, publisher_of, viewer_of
from app.services import evaluation_exports as exports
from app.services import evaluations as service
from app.services import publication
from app.services.publication import RunState
from app.services.run_status import RunStatus, Viewer

# Bump when the JSON or file layout of a result changes: a new release may render a stored run
# differently, and clients keep copies (revalidated by ETag).
RESULT_REPRESENTATION = "2"

router = APIRouter(prefix="/api/v1/evaluations", tags=["evaluations"])

RunId = Annotated[int, Path(ge=1, le=MAX_INT, description="evaluation run id", examples=[1])]


class RankingSort(StrEnum):
    """Sort orders of a ranking: rank, composite, RPI (``-`` first: descending), zone code, rank in peer group."""

    RANK = "rank"
    RANK_DESC = "-rank"
    COMPOSITE = "composite"
    COMPOSITE_DESC = "-composite"
    RPI = "rpi"
    RPI_DESC = "-rpi"
    ZONE_CODE = "zone_code"
    PEER_RANK = "peer_rank"


def result_cache(request: Request, fmt: ExportFormat, lang: Language, state: RunState, settings: Settings,
                 *, depends_on: str = "") -> tuple[str, dict[str, str]]:
    """The strong ETag of a result representation and the headers that go with it.

    A run's results never change, so the path (run id, zone), every query parameter, the negotiated
    format and language, the run's publication state (status and its change counter) and ``depends_on``
    (e.g. the previous year's official run of a scorecard) fully determine the body: no need to build it
    to know its tag. Published runs may be superseded or withdrawn at any time, so shared caches keep them
    only briefly and then revalidate; a draft is for its caller alone. A superseded run links its successor.
    """
    query = "&".join(f"{k}={v}" for k, v in sorted(request.query_params.multi_items()))
    etag = version_etag(f"result:{RESULT_REPRESENTATION}:{request.url.path}?{query}:{fmt.value}:{lang.value}:"
                        f"{state.validator()}:{depends_on}")
    policy = CACHE_PRIVATE if state.status is RunStatus.DRAFT else short_public(settings.result_max_age_seconds)
    headers = {"Content-Language": lang.value, "Vary": "Accept, Accept-Language", "Cache-Control": policy}
    if state.superseded_by is not None:
        headers["Link"] = f'</api/v1/evaluations/{state.superseded_by}>; rel="successor-version"'
    return etag, headers


@router.post("", summary="Run an evaluation", response_model=EvaluationRunDetail, status_code=201,
             dependencies=[JsonBody], responses={**WRITE_RESPONSES, **problem_responses(404)})
def create_evaluation(
    session: SessionDep, key: EvaluateKey, lang: LocalisedLang, body: EvaluationRequest
) -> Response:
    """Compute and store a run of ``model`` for ``year`` over the filtered zones, as a **draft**.

    The run records the model version, the options and a hash of all inputs: re-running on unchanged
    data gives the same input hash and the same results. A draft is visible only to keys with the
    ``evaluate`` or ``publish`` scope until it is published (`POST /evaluations/{id}/publish`).
    Needs a key with the ``evaluate`` scope.
    """
    run = service.run_evaluation(session, body, actor=key.actor)
    # Answered as bytes from the run just stored, not read back and validated again against the response
    # model (a run's detail holds every weight, flag and method: that was a tenth of the request).
    detail = service.run_detail(session, run, lang)
    return Response(detail.model_dump_json().encode(), status_code=201, media_type="application/json",
                    headers=localised_headers(lang))


@router.post("/{run_id}/publish", summary="Publish a draft run", response_model=EvaluationRunDetail,
             responses={**WRITE_RESPONSES, **problem_responses(404)})
def publish_evaluation(session: SessionDep, key: PublishKey, run_id: RunId) -> EvaluationRunDetail:
    """Make the draft the official result of its model, year and zone filter; the run published there
    before becomes ``superseded`` and links to this one. Receivers get ``evaluation.published`` (and
    ``evaluation.superseded`` for the run replaced). Needs the ``publish`` scope; a key limited to
    provinces may publish only runs whose zone filter lies within them. 409 unless the run is a draft."""
    run = publication.publish(session, run_id, publisher_of(key))
    return service.run_detail(session, run)


@router.post("/{run_id}/withdraw", summary="Withdraw a run", response_model=EvaluationRunOut,
             dependencies=[JsonBody], responses={**WRITE_RESPONSES, **problem_responses(404)})
def withdraw_evaluation(
    session: SessionDep, key: PublishKey, run_id: RunId, body: WithdrawalRequest
) -> EvaluationRunOut:
    """Take a run back for good, with a reason (required): from then on every read of it answers
    **410 Gone** with the reason and time, in every server process at once. Receivers get
    ``evaluation.withdrawn`` if the run was public. Needs the ``publish`` scope (province-limited as for
    publishing); 409 for a run withdrawn before."""
    run = publication.withdraw(session, run_id, body.reason, publisher_of(key))
    return service.run_out(session, run)


@router.get("", summary="List evaluation runs", response_model=Page[EvaluationRunOut])
def list_evaluations(
    request: Request,
    session: SessionDep,
    reader: ReadAccess,
    response: Response,
    lang: LocalisedLang,
    model: Annotated[str | None, Query(max_length=64, description="model key", examples=["innovation-peak"])] = None,
    year: Annotated[int | None, Query(ge=1900, le=2200, description="evaluation year", examples=[2024])] = None,
    status: Annotated[RunStatus | None, Query(description="only runs in this state (default: every state the "
                                              "caller may see except withdrawn)", examples=["published"])] = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> Page[EvaluationRunOut]:
    """Stored evaluation runs, newest first, filtered by model key, year and status, with the total count.

    Anonymous and ``read`` callers see published and superseded runs (and withdrawn ones with
    ``status=withdrawn``); keys with ``evaluate`` or ``publish`` also see drafts. Not cacheable like a
    single run: runs appear and change state at any time."""
    viewer = viewer_of(reader)
    response.headers["Cache-Control"] = CACHE_PRIVATE if viewer.sees_drafts else CACHE_REVALIDATE
    if status is not None and not viewer.may_see(status):
        raise Forbidden("drafts are listed only to keys with the 'evaluate' or 'publish' scope")
    statuses = viewer.statuses() if status is None else (status,)
    runs, total = service.list_runs(session, model=model, year=year, limit=limit, offset=offset, statuses=statuses)
    set_page_links(request, response, total=total, limit=limit, offset=offset)
    return Page[EvaluationRunOut](items=[service.run_out(session, r, lang) for r in runs], total=total,
                                  limit=limit, offset=offset)


@router.get("/compare", summary="Compare two runs", response_model=Comparison,
            responses=problem_responses(404, 410))
def compare_evaluations(
    session: SessionDep,
    reader: ReadAccess,
    lang: LocalisedLang,
    base: Annotated[int, Query(ge=1, le=MAX_INT, description="run id of the base scheme, e.g. a comprehensive run",
                               examples=[2])],
    other: Annotated[int, Query(ge=1, le=MAX_INT, description="run id of the other scheme, e.g. innovation-peak",
                                examples=[1])],
    threshold: Annotated[int | None, Query(ge=1, le=MAX_INT, description="rank change that counts as a move "
                                           "(default: 10% of the common zones, at least 3)", examples=[10])] = None,
    limit: Annotated[int, Query(ge=1, le=1000, description="most zones in each list", examples=[50])] = 50,
) -> Comparison:
    """Who moves up or down from ``base`` to ``other``; ``overrated`` names the zones the base scheme
    ranked much higher — under ``comprehensive`` vs ``innovation-peak``, the 产业高原 / 低新化 candidates.
    Both runs must be visible to the caller (a withdrawn one answers 410)."""
    viewer = viewer_of(reader)
    publication.visible_state(session, base, viewer)
    publication.visible_state(session, other, viewer)
    return service.compare(session, base, other, threshold=threshold, limit=limit, lang=lang)


@router.get("/{run_id}", summary="One evaluation run", response_model=EvaluationRunDetail,
            responses={**NOT_MODIFIED, **problem_responses(404, 410)})
def get_evaluation(
    request: Request, session: SessionDep, settings: SettingsDep, reader: ReadAccess, lang: Lang, run_id: RunId
) -> Response:
    """The run with model-level information: nominal, applied and effective weights, correlation flags,
    excluded indicators and zones with reasons, the methods used, peer groups and sensitivity indices —
    and its publication state (a superseded run names its successor, also in a `Link` header).

    A draft is visible only to keys with ``evaluate`` or ``publish`` (404 for others); a withdrawn run
    answers 410 Gone with the reason and time. The reply has a strong ETag (`If-None-Match` gives
    `304 Not Modified`) and a short, revalidated freshness (`public, max-age=60, must-revalidate` by
    default): the run may be superseded or withdrawn at any time."""
    state = publication.visible_state(session, run_id, viewer_of(reader))
    etag, headers = result_cache(request, ExportFormat.JSON, lang, state, settings)
    if (hit := not_modified(request, etag, extra=headers)) is not None:
        return hit
    return json_response(service.run_detail_json(session, service.get_run(session, run_id), lang), etag=etag,
                         extra=headers)


@dataclass(frozen=True)
class RankingQuery:
    """The validated filters, sort and page of a ranking request (shared with the official ranking)."""

    filters: RankingFilters
    sort: RankingSort
    limit: int
    offset: int


SortParam = Annotated[RankingSort, Query(description="order of the rows: rank, composite or rpi (a leading - "
                                         "reverses), zone_code, or peer_rank (by peer group, then rank in it)",
                                         examples=["-composite"])]


async def ranking_query(filters: RankingFiltersDep, sort: SortParam = RankingSort.RANK, limit: Limit = 50,
                  offset: Offset = 0) -> RankingQuery:
    """Dependency: the ranking request of a run."""
    return RankingQuery(filters, sort, limit, offset)


async def run_ranking_query(filters: RunFiltersDep, sort: SortParam = RankingSort.RANK, limit: Limit = 50,
                      offset: Offset = 0) -> RankingQuery:
    """Dependency: the ranking request of the official run (``province`` names the run, not a filter)."""
    return RankingQuery(filters, sort, limit, offset)


def read_state(factory: sessionmaker[Session], run_id: int, viewer: Viewer) -> RunState:
    """The run's state when ``viewer`` may see it (NotFound / Gone otherwise), in a session of its own."""
    with session_scope(factory) as session:
        return publication.visible_state(session, run_id, viewer)
    raise AssertionError("unreachable")


async def rankings_response(request: Request, settings: Settings, fmt: ExportFormat, lang: Language,
                            state: RunState, query: RankingQuery, extra: dict[str, Any] | None = None) -> Response:
    """The ranking of the run in ``state`` (already checked visible) as JSON or a download, with its cache
    headers and paging links; ``extra`` adds members to the JSON page (the official ranking names its run)."""
    etag, headers = result_cache(request, fmt, lang, state, settings)
    app_state = request.app.state
    if fmt is not ExportFormat.JSON:
        body = await run_in_threadpool(_export_rankings, app_state.session_factory, state.id, fmt, lang,
                                       settings.max_export_rows, query)
        if (hit := not_modified(request, etag, extra=headers)) is not None:
            return hit
        return export_response(body, fmt, f"evaluation-{state.id}-rankings", headers=cache_headers(etag, extra=headers))
    # A run's ranking never changes, so a page read once is kept in a per-app cache; whether the run may
    # still be served is read from the database on every request (read_state), never from the cache.
    cache: service.RankingsCache | None = getattr(app_state, "rankings_cache", None)
    if cache is None:
        cache = app_state.rankings_cache = service.RankingsCache()
    key = (state.id, query, lang.value)
    page = cache.get(key)
    if page is None:
        page = await run_in_threadpool(_read_rankings, app_state.session_factory, state.id, query, lang)
        cache.put(key, page)
    body, total = page
    links = page_links(request, total=total, limit=query.limit, offset=query.offset)
    headers[LINK_HEADER] = f"{headers[LINK_HEADER]}, {links}" if LINK_HEADER in headers else links
    if (hit := not_modified(request, etag, extra=headers)) is not None:
        return hit
    if extra:  # spliced in front of the page's members: the cached page is not parsed and written again
        body = b"{" + pydantic_core.to_json(extra)[1:-1] + b"," + body[1:]
    return Response(body, media_type="application/json", headers=cache_headers(etag, extra=headers))


@router.get("/{run_id}/rankings", summary="Ranking of a run", response_model=Page[RankingRow],
            responses={200: {"content": DOWNLOAD_CONTENT}, **NOT_MODIFIED, **problem_responses(404, 406, 410)})
async def get_rankings(
    request: Request,
    reader: ReadAccess,
    settings: SettingsDep,
    fmt: FormatDep,
    lang: Lang,
    run_id: RunId,
    query: Annotated[RankingQuery, Depends(ranking_query)],
) -> Response:
    """Ranked zones of a run (composite, RPI, tier and subgroup, peer group, profile, badges, rank interval),
    filtered by province, level, tier, peer group, profile and badge, sorted and paginated. Every code comes
    with its label in the language asked for (`tier` and `tier_label` …); repeat a filter for several values
    (any of them matches); an unknown value is a 422 naming the allowed ones.

    `?format=csv` (UTF-8 with BOM) or `?format=xlsx` (or the matching `Accept`) downloads every matching
    zone (limit/offset apply to JSON only) with headers and labels in `?lang=` (default zh-CN); the XLSX
    file adds a methodology sheet (pillars, indicators and weights, methods, thresholds) of this run.
    Visibility and caching as for the run (404 for a draft the caller may not see, 410 once withdrawn); the
    `Link` header points at the other pages."""
    state = await run_in_threadpool(read_state, request.app.state.session_factory, run_id, viewer_of(reader))
    return await rankings_response(request, settings, fmt, lang, state, query)


def _read_rankings(factory: sessionmaker[Session], run_id: int, query: RankingQuery,
                   lang: Language) -> tuple[bytes, int]:
    with session_scope(factory) as session:
        return service.rankings_page_json(session, run_id, sort=query.sort.value, limit=query.limit,
                                          offset=query.offset, lang=lang, **query.filters.kwargs())
    raise AssertionError("unreachable")


def _export_rankings(
    factory: sessionmaker[Session], run_id: int, fmt: ExportFormat, lang: Language, max_rows: int,
    query: RankingQuery,
) -> bytes:
    with session_scope(factory) as session:
        return exports.rankings_file(session, run_id, fmt.file_format(), lang, max_rows=max_rows,
                                     sort=query.sort.value, **query.filters.kwargs())
    raise AssertionError("unreachable")


@router.get("/{run_id}/zones/{code}", summary="A zone's scorecard", response_model=Scorecard,
            responses={200: {"content": DOWNLOAD_CONTENT}, **NOT_MODIFIED, **problem_responses(404, 406, 410)})
def get_scorecard(
    request: Request, session: SessionDep, settings: SettingsDep, reader: ReadAccess, fmt: FormatDep, lang: Lang,
    run_id: RunId, code: Annotated[str, Path(max_length=40, description="zone code", examples=["DEMO-33-N01"])],
) -> Response:
    """Composite, pillars, ranks, tier, profile, badges, contributions, strengths and weaknesses, gap to
    the next tier, rank interval, and the change against the same model's official (published) run for
    the previous year.

    `?format=xlsx` downloads three sheets (headline fields, indicator contributions, strengths and
    weaknesses in words); `?format=csv` the contributions table with strengths and weaknesses marked.
    Visibility and caching as for the run; the ETag also names the previous year's official run, which
    changes when that year's official run does."""
    state = publication.visible_state(session, run_id, viewer_of(reader))
    card = service.scorecard(session, run_id, code)  # 404 before any 304: a missing zone has no representation
    previous = card.previous_year.previous_run_id if card.previous_year else None
    etag, headers = result_cache(request, fmt, lang, state, settings, depends_on=f"previous:{previous}")
    if (hit := not_modified(request, etag, extra=headers)) is not None:
        return hit
    if fmt is not ExportFormat.JSON:
        body = exports.scorecard_file(session, run_id, code, fmt.file_format(), lang)
        return export_response(body, fmt, f"evaluation-{run_id}-{code}", headers=cache_headers(etag, extra=headers))
    return json_response(card.out(lang), etag=etag, extra=headers)
