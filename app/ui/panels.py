"""The panel pages under ``/ui/panels``: a panel's tiers through the years with its transition heat maps, and
a zone's trajectory on the common scale with the tier bands of its peer group."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse
from markupsafe import Markup

from app.api.deps import SessionDep
from app.errors import AppError
from app.i18n import LabelSet
from app.schemas.panel import Transitions, ZoneTrajectory
from app.services import panel_views as views
from app.services import panels as service
from app.services.panel_document import StoredPanel
from app.ui import panel_charts
from app.ui.access import ui_read_access
from app.ui.routes import Page, html_errors, model_titles
from scoring_models.panel import TransitionMatrix

router = APIRouter(prefix="/ui/panels", include_in_schema=False, dependencies=[Depends(ui_read_access)])


def _heat_map(page: Page, found: Transitions, matrix: TransitionMatrix, kind: LabelSet, anchor: str) -> Markup:
    names = [page.label(kind.value, s) for s in matrix.states]
    cells = [[panel_charts.HeatCell(
        count=count, probability=matrix.probabilities[i][j],
        title=page.t("heat_cell").format(before=names[i], after=names[j], n=count,
                                         p="–" if matrix.probabilities[i][j] is None
                                         else f"{matrix.probabilities[i][j]:.0%}"),
        href=f"#{anchor}-{i}-{j}") for j, count in enumerate(row)] for i, row in enumerate(matrix.counts)]
    title = page.t("tier_transitions" if kind is LabelSet.TIERS else "profile_transitions")
    return panel_charts.heat_map(names, names, cells, title=title,
                                 row_caption=page.t("in_year").format(year=found.from_year),
                                 column_caption=page.t("in_year").format(year=found.to_year),
                                 css_class=f"heat-map {anchor}-heat-map")


def _cell_lists(page: Page, matrix: TransitionMatrix, kind: LabelSet, anchor: str) -> list[dict[str, Any]]:
    names = [page.label(kind.value, s) for s in matrix.states]
    return [{"id": f"{anchor}-{i}-{j}", "before": names[i], "after": names[j], "zones": zones}
            for i, row in enumerate(matrix.zones) for j, zones in enumerate(row) if zones]


def _year(value: str | None, default: int) -> int:
    """A year from the form, or the default when it is empty or not a number (the service checks the range)."""
    return int(value) if value and value.strip().isdigit() else default


@router.get("/{panel_id}", response_class=HTMLResponse)
@html_errors
def panel(request: Request, session: SessionDep, panel_id: int, from_year: str | None = None,
          to_year: str | None = None) -> HTMLResponse:
    """Tiers per year, trend classes, the tier and profile transition heat maps between two chosen years with
    the zones behind every cell, and the named moves."""
    page = Page(request)
    stored = service.get_panel(session, panel_id)
    start, end = _year(from_year, stored.base_year), _year(to_year, stored.last_year)
    found = views.transitions(session, panel_id, start, end)
    names = service.zone_names(session, panel_id)
    downloads = {
        "scores": {fmt: page.url(f"/api/v1/panels/{panel_id}/scores", format=fmt) for fmt in ("csv", "xlsx")},
        "transitions": {fmt: page.url(f"/api/v1/panels/{panel_id}/transitions", format=fmt, **{"from": start,
                                                                                              "to": end})
                        for fmt in ("csv", "xlsx")},
    }
    return page.render(
        "panel.html", panel=stored, found=found, tier_counts=service.tier_counts(session, stored),
        trend_counts=service.trend_counts(session, panel_id), tiers=stored.methodology.tier_codes(),
        tier_map=_heat_map(page, found, found.tiers, LabelSet.TIERS, "tiers"),
        profile_map=_heat_map(page, found, found.profiles, LabelSet.PROFILES, "profiles"),
        cells=_cell_lists(page, found.tiers, LabelSet.TIERS, "tiers")
        + _cell_lists(page, found.profiles, LabelSet.PROFILES, "profiles"),
        zone_name=lambda code: page.name(*names.get(code, (code, None)), fallback=code),
        downloads=downloads, model_title=model_titles(session, page.lang).get(stored.model_key, stored.model_key),
    )


def trajectory_chart(page: Page, found: ZoneTrajectory, base_year: int) -> Markup:
    """The zone's composites on the panel's scale over the tier bands of its peer group, with its trend line."""
    return panel_charts.zone_trajectory_chart(found, base_year, tier_label=lambda t: page.label("tiers", t),
                                              title=page.t("trajectory_title"),
                                              y_label=page.t("composite_common_scale"))


def _movements(session: SessionDep, stored: StoredPanel, found: ZoneTrajectory) -> dict[int, Any]:
    """Each scored year's scorecard movement since the previous scored year (the panel-year scorecards)."""
    out: dict[int, Any] = {}
    for point in found.points:
        if point.composite is None:
            continue
        try:
            out[point.year] = views.year_card(session, stored.id, found.zone_code, point.year).since_previous
        except AppError:  # a year the zone was not scored in has no card
            continue
    return out


@router.get("/{panel_id}/zones/{code}", response_class=HTMLResponse)
@html_errors
def zone(request: Request, session: SessionDep, panel_id: int, code: str) -> HTMLResponse:
    """A zone through the panel's window: the trajectory chart with tier bands, its trend class, and every
    year with how it moved."""
    page = Page(request)
    stored = service.get_panel(session, panel_id)
    found = views.zone_trajectory(session, panel_id, code)
    downloads = {fmt: page.url(f"/api/v1/panels/{panel_id}/zones/{code}/trajectory", format=fmt)
                 for fmt in ("csv", "xlsx")}
    return page.render(
        "panel_zone.html", panel=stored, found=found, chart=trajectory_chart(page, found, stored.base_year),
        movements=_movements(session, stored, found), downloads=downloads,
        model_title=model_titles(session, page.lang).get(stored.model_key, stored.model_key),
    )
