"""Evaluation runs, rankings, scorecards and comparisons."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool

from app.api.deps import Limit, Offset, SessionDep
from app.api.responses import problem_responses
from app.db import session_scope
from app.schemas.common import Page
from app.schemas.evaluation import (
    Comparison,
    EvaluationRequest,
    EvaluationRunDetail,
    EvaluationRunOut,
    RankingRow,
    Scorecard,
)
from app.services import evaluations as service

router = APIRouter(prefix="/api/v1/evaluations", tags=["evaluations"])


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


def _detail(session: SessionDep, run_id: int) -> EvaluationRunDetail:
    run = service.get_run(session, run_id)
    return EvaluationRunDetail(**service.run_out(session, run).model_dump(), info=run.info,
                               methodology=run.methodology)


@router.post("", summary="Run an evaluation", response_model=EvaluationRunDetail, status_code=201,
             responses=problem_responses(404))
def create_evaluation(session: SessionDep, body: EvaluationRequest) -> EvaluationRunDetail:
    """Compute and store an immutable run of ``model`` for ``year`` over the filtered zones.

    The run records the model version, the options and a hash of all inputs: re-running on unchanged
    data gives the same input hash and the same results.
    """
    run = service.run_evaluation(session, body)
    return _detail(session, run.id)


@router.get("", summary="List evaluation runs", response_model=Page[EvaluationRunOut])
def list_evaluations(
    session: SessionDep,
    model: Annotated[str | None, Query(description="model key")] = None,
    year: Annotated[int | None, Query(ge=1900, le=2200)] = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> Page[EvaluationRunOut]:
    """Stored evaluation runs, newest first, filtered by model key and year, with the total count."""
    runs, total = service.list_runs(session, model=model, year=year, limit=limit, offset=offset)
    return Page[EvaluationRunOut](items=[service.run_out(session, r) for r in runs], total=total, limit=limit,
                                  offset=offset)


@router.get("/compare", summary="Compare two runs", response_model=Comparison, responses=problem_responses(404))
def compare_evaluations(
    session: SessionDep,
    base: Annotated[int, Query(description="run id of the base scheme, e.g. a comprehensive run")],
    other: Annotated[int, Query(description="run id of the other scheme, e.g. an innovation-peak run")],
    threshold: Annotated[int | None, Query(ge=1, description="rank change that counts as a move")] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 50,
) -> Comparison:
    """Who moves up or down from ``base`` to ``other``; ``overrated`` names the zones the base scheme
    ranked much higher — under ``comprehensive`` vs ``innovation-peak``, the 产业高原 / 低新化 candidates."""
    return service.compare(session, base, other, threshold=threshold, limit=limit)


@router.get("/{run_id}", summary="One evaluation run", response_model=EvaluationRunDetail,
            responses=problem_responses(404))
def get_evaluation(session: SessionDep, run_id: int) -> EvaluationRunDetail:
    """The run with model-level information: nominal, applied and effective weights, correlation flags,
    excluded indicators and zones with reasons, the methods used, peer groups and sensitivity indices."""
    return _detail(session, run_id)


@router.get("/{run_id}/rankings", summary="Ranking of a run", response_model=Page[RankingRow],
            responses=problem_responses(404))
async def get_rankings(
    request: Request,
    run_id: int,
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
    filtered by province, level, tier, peer group, profile and badge, sorted and paginated."""
    # Runs never change once stored, so a page read once is served from a per-app cache straight from
    # the event loop; only a first read opens a session (in the thread pool, like the sync routes).
    state = request.app.state
    cache: service.RankingsCache | None = getattr(state, "rankings_cache", None)
    if cache is None:
        cache = state.rankings_cache = service.RankingsCache()
    params: dict[str, Any] = {"province": province, "level": level, "tier": tier, "peer_group": peer_group,
                              "profile": profile, "badge": badge, "sort": sort.value, "limit": limit,
                              "offset": offset}
    key = (run_id, *params.values())
    body = cache.get(key)
    if body is None:
        body = await run_in_threadpool(_read_rankings, state.session_factory, run_id, params)
        cache.put(key, body)
    return Response(body, media_type="application/json")


def _read_rankings(factory: sessionmaker[Session], run_id: int, params: dict[str, Any]) -> bytes:
    for session in session_scope(factory):
        return service.rankings_json(session, run_id, **params)
    raise AssertionError("unreachable")


@router.get("/{run_id}/zones/{code}", summary="A zone's scorecard", response_model=Scorecard,
            responses=problem_responses(404))
def get_scorecard(session: SessionDep, run_id: int, code: str) -> Scorecard:
    """Composite, pillars, ranks, tier, profile, badges, contributions, strengths and weaknesses, gap to
    the next tier, rank interval, and the change against the same model's run for the previous year."""
    return service.scorecard(session, run_id, code)
