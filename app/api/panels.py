"""Panels: a model over a window of years on one scale; transitions between years and zone trajectories.

Every response carries ``reference``: what the RPI and tiers of every year are measured against (the
base year's peer-group means). Stored panels never change, so their reads are cached as immutable.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response

from app.api.deps import MAX_INT, JsonBody, Limit, Offset, SessionDep, SettingsDep
from app.api.downloads import DOWNLOAD_CONTENT, ExportFormat, FormatDep, export_response
from app.api.paging import LINK_HEADER, page_links, set_page_links
from app.api.responses import NOT_MODIFIED, WRITE_RESPONSES, problem_responses
from app.http_cache import CACHE_REVALIDATE, cache_headers, json_response, not_modified, representation_tag
from app.i18n import Lang, Language
from app.schemas.codes import ProvinceCode
from app.schemas.common import Page
from app.schemas.panel import (
    PanelDetail,
    PanelOut,
    PanelRequest,
    PanelScores,
    PanelYearCard,
    Transitions,
    ZoneTrajectory,
)
from app.security import EvaluateKey, ReadAccess
from app.services import panel_exports as exports
from app.services import panel_views as views
from app.services import panels as service

# Bump when the JSON or file layout of a panel's representations changes (clients hold immutable copies).
PANEL_REPRESENTATION = "1"

router = APIRouter(prefix="/api/v1/panels", tags=["panels"])

PanelId = Annotated[int, Path(ge=1, le=MAX_INT, description="panel id", examples=[1])]
Year = Annotated[int, Path(ge=1900, le=2200, description="a year of the panel's window", examples=[2024])]
YearFilter = Annotated[int | None, Query(ge=1900, le=2200, description="only this year (a year outside the "
                                         "window is a 422, `year_outside_window`)", examples=[2024])]
ZoneCode = Annotated[str, Path(description="zone code", examples=["DEMO-33-N01"])]
TierParam = Annotated[str | None, Query(
    description="only zone-years in this tier: a tier code of the panel's model (built-in: peak, strong, moderate, "
    "emerging); a code the model does not have is a 422 (`not_in_run`) naming the allowed ones", examples=["peak"])]
ProvinceParam = Annotated[ProvinceCode | None, Query(
    description="only zones of this province: GB/T 2260 two-digit code, e.g. 33 浙江省 (an unknown code is a 422 "
    "naming the allowed ones)", examples=["33"])]
ZoneParam = Annotated[str | None, Query(description="only this zone (zone code)", examples=["DEMO-33-N01"])]


def _tag(request: Request, fmt: ExportFormat, lang: Language) -> tuple[str, dict[str, str]]:
    return representation_tag(request, f"panel:{PANEL_REPRESENTATION}", fmt.value, lang.value)


def _detail(session: SessionDep, panel_id: int) -> PanelDetail:
    return service.panel_detail(session, service.get_panel(session, panel_id))


@router.post("", summary="Make a panel", response_model=PanelDetail, status_code=201, dependencies=[JsonBody],
             responses={**WRITE_RESPONSES, **problem_responses(404)})
def create_panel(session: SessionDep, key: EvaluateKey, body: PanelRequest) -> PanelDetail:
    """Score ``model`` in every year of ``years`` (`[first, last]`) on one scale and store the panel.

    Every indicator is normalised with bounds over all zones × years of the window (the EIS way), imputed
    across years as the model says, and weighted once for the window; tiers and profiles of every year
    are measured against the base year's peer-group means (`base_year`, default the first year), and
    progress is the change since the base year. Each zone gets a Theil–Sen trend with a Monte Carlo
    interval from the run's uncertainty settings (`options.uncertainty_runs`). A window whose data cannot
    carry the model is a 422 naming every short year and indicator. Needs the ``evaluate`` scope.
    """
    panel = service.run_panel(session, body, actor=key.actor)
    return _detail(session, panel.id)


@router.get("", summary="List panels", response_model=Page[PanelOut])
def list_panels(
    request: Request, session: SessionDep, reader: ReadAccess, response: Response,
    model: Annotated[str | None, Query(description="model key", examples=["innovation-peak"])] = None,
    year: Annotated[int | None, Query(ge=1900, le=2200, description="a year the window covers",
                                      examples=[2022])] = None,
    limit: Limit = 50, offset: Offset = 0,
) -> Page[PanelOut]:
    """Stored panels, newest first, filtered by model and by a year their window covers (not cached: new
    panels appear at any time); the `Link` header points at the other pages."""
    response.headers["Cache-Control"] = CACHE_REVALIDATE
    panels, total = service.list_panels(session, model=model, year=year, limit=limit, offset=offset)
    set_page_links(request, response, total=total, limit=limit, offset=offset)
    return Page[PanelOut](items=[service.panel_out(session, p) for p in panels], total=total, limit=limit,
                          offset=offset)


@router.get("/{panel_id}", summary="One panel", response_model=PanelDetail,
            responses={**NOT_MODIFIED, **problem_responses(404)})
def get_panel(request: Request, session: SessionDep, reader: ReadAccess, lang: Lang, panel_id: PanelId) -> Response:
    """The panel with its reference, tier counts per year, trend counts, the indicators kept and dropped
    (with the years they were short), the common bounds, weights, methods and unscored zone-years."""
    service.get_panel(session, panel_id)
    etag, extra = _tag(request, ExportFormat.JSON, lang)
    if (hit := not_modified(request, etag, immutable=True, extra=extra)) is not None:
        return hit
    return json_response(_detail(session, panel_id), etag=etag, immutable=True, extra=extra)


@router.get("/{panel_id}/scores", summary="Zone-years of a panel", response_model=PanelScores,
            responses={200: {"content": DOWNLOAD_CONTENT}, **NOT_MODIFIED, **problem_responses(400, 404, 406)})
def get_scores(
    request: Request, session: SessionDep, reader: ReadAccess, settings: SettingsDep, fmt: FormatDep, lang: Lang,
    panel_id: PanelId, year: YearFilter = None, tier: TierParam = None, province: ProvinceParam = None,
    zone: ZoneParam = None, limit: Limit = 50, offset: Offset = 0,
) -> Response:
    """Every zone in every year on the common scale (composite, RPI and tier against the base year,
    profile, progress since the base year), by year then rank; filter by year, tier, province, zone.
    The `Link` header points at the other pages.

    `?format=csv|xlsx` downloads every matching zone-year (limit/offset apply to JSON only; the XLSX adds
    the trajectories and the methodology: reference, window, bounds, methods)."""
    views.check_score_filters(service.get_panel(session, panel_id), year=year, tier=tier)
    etag, extra = _tag(request, fmt, lang)
    if (hit := not_modified(request, etag, immutable=True, extra=extra)) is not None:
        return hit
    if fmt is not ExportFormat.JSON:
        body = exports.scores_file(session, panel_id, fmt.file_format(), lang, max_rows=settings.max_export_rows,
                                   year=year, tier=tier, province=province, zone=zone)
        return export_response(body, fmt, f"panel-{panel_id}-scores",
                               headers=cache_headers(etag, immutable=True, extra=extra))
    page = service.scores(session, panel_id, year=year, tier=tier, province=province, zone=zone, limit=limit,
                          offset=offset)
    links = page_links(request, total=page.total, limit=limit, offset=offset)
    return json_response(page, etag=etag, immutable=True, extra={**extra, LINK_HEADER: links})


@router.get("/{panel_id}/transitions", summary="Transitions between two years", response_model=Transitions,
            responses={200: {"content": DOWNLOAD_CONTENT}, **NOT_MODIFIED, **problem_responses(404, 406, 422)})
def get_transitions(
    request: Request, session: SessionDep, reader: ReadAccess, fmt: FormatDep, lang: Lang, panel_id: PanelId,
    from_year: Annotated[int | None, Query(alias="from", ge=1900, le=2200,
                                           description="the first year compared; default: the base year",
                                           examples=[2020])] = None,
    to_year: Annotated[int | None, Query(alias="to", ge=1900, le=2200,
                                         description="the second year compared; default: the last year",
                                         examples=[2024])] = None,
) -> Response:
    """Tier × tier and profile × profile transition matrices from one year of the panel to another:
    counts, row probabilities (a Markov chain of cultivation) and the zones behind every cell, with the
    named moves — breakthrough (产业高原型 → 创新高峰型), stuck on the plateau, climbed, fallen back.

    `?format=csv` gives one line per cell of both matrices; `?format=xlsx` the matrices, the cells, the
    named moves with zone names and the methodology."""
    transitions = views.transitions(session, panel_id, from_year, to_year)
    etag, extra = _tag(request, fmt, lang)
    if (hit := not_modified(request, etag, immutable=True, extra=extra)) is not None:
        return hit
    if fmt is not ExportFormat.JSON:
        body = exports.transitions_file(session, panel_id, fmt.file_format(), lang, from_year, to_year)
        return export_response(body, fmt, f"panel-{panel_id}-transitions-{transitions.from_year}-{transitions.to_year}",
                               headers=cache_headers(etag, immutable=True, extra=extra))
    return json_response(transitions, etag=etag, immutable=True, extra=extra)


@router.get("/{panel_id}/zones/{code}/trajectory", summary="A zone's trajectory", response_model=ZoneTrajectory,
            responses={200: {"content": DOWNLOAD_CONTENT}, **NOT_MODIFIED, **problem_responses(404, 406)})
def get_trajectory(
    request: Request, session: SessionDep, reader: ReadAccess, fmt: FormatDep, lang: Lang, panel_id: PanelId,
    code: ZoneCode,
) -> Response:
    """The zone in every year of the window on the common scale, its Theil–Sen trend with the Monte Carlo
    interval and class (rising only when the whole interval lies above 0), and the tier bands of its peer
    group in composite points. `?format=csv|xlsx` downloads the years (XLSX: with a summary sheet)."""
    trajectory = views.zone_trajectory(session, panel_id, code)
    etag, extra = _tag(request, fmt, lang)
    if (hit := not_modified(request, etag, immutable=True, extra=extra)) is not None:
        return hit
    if fmt is not ExportFormat.JSON:
        body = exports.trajectory_file(session, panel_id, code, fmt.file_format(), lang)
        return export_response(body, fmt, f"panel-{panel_id}-{code}-trajectory",
                               headers=cache_headers(etag, immutable=True, extra=extra))
    return json_response(trajectory, etag=etag, immutable=True, extra=extra)


@router.get("/{panel_id}/zones/{code}/years/{year}", summary="A zone's scorecard in one year of a panel",
            response_model=PanelYearCard, responses={**NOT_MODIFIED, **problem_responses(404, 422)})
def get_year_card(
    request: Request, session: SessionDep, reader: ReadAccess, lang: Lang, panel_id: PanelId, code: ZoneCode,
    year: Year,
) -> Response:
    """The zone's full result in that year (pillars, indicators on the common scale, imputed cells) and how
    it moved: since the base year and since its previous scored year (tier change, named moves, points
    and %), with its trajectory."""
    card = views.year_card(session, panel_id, code, year)
    etag, extra = _tag(request, ExportFormat.JSON, lang)
    if (hit := not_modified(request, etag, immutable=True, extra=extra)) is not None:
        return hit
    return json_response(card, etag=etag, immutable=True, extra=extra)
