"""Official results: the published run of a model, year and (optionally) province, and its ranking — the
URLs a portal embeds. They follow publication: when a run is superseded they answer its successor, when it
is withdrawn they answer 404 listing what exists."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response
from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool

from app.api.deps import SessionDep, SettingsDep
from app.api.downloads import DOWNLOAD_CONTENT, ExportFormat, FormatDep
from app.api.evaluations import RankingQuery, rankings_response, result_cache, run_ranking_query
from app.api.responses import NOT_MODIFIED, problem_responses
from app.db import session_scope
from app.http_cache import json_response, not_modified
from app.i18n import Lang, Language
from app.schemas.codes import ProvinceCode
from app.schemas.evaluation import EvaluationRunDetail, OfficialRankingPage
from app.security import ReadAccess
from app.services import evaluations as service
from app.services import publication
from app.services.publication import RunState
from app.services.run_document import StoredRun
from app.services.run_status import PUBLIC

router = APIRouter(prefix="/api/v1/official", tags=["official"])

ModelKey = Annotated[str, Query(min_length=1, max_length=64, description="model key", examples=["innovation-peak"])]
Year = Annotated[int, Query(ge=1900, le=2200, description="evaluation year", examples=[2024])]
Province = Annotated[ProvinceCode | None, Query(
    examples=["33"],
    description="GB/T 2260 province code: the run published over that province's zones (default: all zones)")]


def _official(session: Session, model: str, year: int, province: str | None) -> tuple[StoredRun, RunState]:
    run = publication.official_run(session, model=model, year=year, province=province)
    return run, publication.visible_state(session, run.id, PUBLIC)


def _official_in_thread(factory: sessionmaker[Session], model: str, year: int, province: str | None,
                        lang: Language) -> tuple[RunState, dict[str, object]]:
    with session_scope(factory) as session:
        run, state = _official(session, model, year, province)
        return state, {"run": service.run_out(session, run, lang).model_dump(mode="json")}
    raise AssertionError("unreachable")


@router.get("", summary="The official run", response_model=EvaluationRunDetail,
            responses={**NOT_MODIFIED, **problem_responses(404)})
def get_official(
    request: Request, session: SessionDep, settings: SettingsDep, reader: ReadAccess, lang: Lang,
    model: ModelKey, year: Year, province: Province = None,
) -> Response:
    """The currently published run of `model` for `year` over all zones, or over the zones of `province`
    (the run whose zone filter is exactly that province). `Content-Location` names the run itself.

    404 when there is none, with the other public and withdrawn runs of that model and year in
    `available`. Cached briefly and revalidated by ETag: publishing another run changes the answer."""
    run, state = _official(session, model, year, province)
    etag, headers = result_cache(request, ExportFormat.JSON, lang, state, settings)
    headers["Content-Location"] = f"/api/v1/evaluations/{run.id}"
    if (hit := not_modified(request, etag, extra=headers)) is not None:
        return hit
    return json_response(service.run_detail_json(session, run, lang), etag=etag, extra=headers)


@router.get("/rankings", summary="The official ranking", response_model=OfficialRankingPage,
            responses={200: {"content": DOWNLOAD_CONTENT}, **NOT_MODIFIED, **problem_responses(404, 406)})
async def get_official_rankings(
    request: Request, reader: ReadAccess, settings: SettingsDep, fmt: FormatDep, lang: Lang,
    query: Annotated[RankingQuery, Depends(run_ranking_query)], model: ModelKey, year: Year, province: Province = None,
) -> Response:
    """The ranking of the official run (as `GET /official`), with the run's summary in `run`: the one URL a
    portal embeds, e.g. `/api/v1/official/rankings?model=innovation-peak&year=2024&province=33`.

    Filters, sort, paging and downloads (`?format=csv|xlsx`) as for `GET /evaluations/{id}/rankings`;
    `Content-Location` names that run's ranking."""
    state, run = await run_in_threadpool(_official_in_thread, request.app.state.session_factory, model, year,
                                         province, lang)
    response = await rankings_response(request, settings, fmt, lang, state, query, extra=run)
    response.headers["Content-Location"] = f"/api/v1/evaluations/{state.id}/rankings"
    return response
