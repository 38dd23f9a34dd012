"""Panel runs: database → a window's IndicatorMatrix → :func:`scoring_models.panel.evaluate_panel` → a stored,
immutable panel with every zone-year and trajectory; and the reads of stored panels.

Publication of panels ("official" runs) is left to a later issue: a panel is stored as made.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Mapping
from typing import Any

from sqlalchemy import Select, func, insert, select
from sqlalchemy.orm import Session

from app.errors import NotFound, Problem, ValidationFailed
from app.orm import PanelRun, PanelTrajectoryRow, PanelZoneYearRow
from app.schemas.panel import PanelDetail, PanelOut, PanelRequest, PanelScoreRow, PanelScores
from app.services import audit
from app.services.audit import CLI_ACTOR, Actor
from app.services.evaluations import inputs_hash, json_hash
from app.services.matrix import HISTORY_YEARS, SelectedZone, build_matrix, select_zones
from app.services.model_catalog import methodology, resolve_model
from app.services.panel_document import PanelDocument, StoredPanel, read_panel
from app.services.validation import current_year
from scoring_models.base import IndicatorMatrix
from scoring_models.panel import PanelDataError, PanelResult, PanelWindow, evaluate_panel
from scoring_models.pipeline import SpecModel

MAX_PANEL_YEARS = 15
EARLIEST_YEAR = 1988  # the first national zone was approved in 1988


def _problem(column: str, code: str, message: str, value: Any = None) -> Problem:
    return Problem(column=column, code=code, message=message, value=None if value is None else str(value))


def check_window(request: PanelRequest) -> PanelWindow:
    """The request's window, or ValidationFailed naming every bad year."""
    first, last = request.years
    base = request.base_year if request.base_year is not None else first
    latest = current_year()
    problems = [
        _problem("years", "year_out_of_range", f"years must lie between {EARLIEST_YEAR} and {latest}", y)
        for y in (first, last) if not EARLIEST_YEAR <= y <= latest
    ]
    if last <= first:
        problems.append(_problem("years", "window_too_short", "a panel needs at least two years: first < last",
                                 f"{first}–{last}"))
    elif last - first + 1 > MAX_PANEL_YEARS:
        problems.append(_problem("years", "window_too_long", f"a panel spans at most {MAX_PANEL_YEARS} years",
                                 f"{first}–{last}"))
    if first < last and not first <= base <= last:
        problems.append(_problem("base_year", "base_year_outside_window",
                                 f"the base year must lie in the window {first}–{last}", base))
    if problems:
        raise ValidationFailed(f"the window {first}–{last} (base year {base}) cannot be used", errors=problems)
    return PanelWindow(first, last, base)


def _short_window(exc: PanelDataError, window: PanelWindow) -> ValidationFailed:
    """The problem+json of a window without enough data: one entry per short year and indicator."""
    errors = [_problem(c.code, "indicator_short",
                       f"{c.code} is reported by {c.coverage:.0%} of the zones in {c.year}, below the "
                       "model's indicator-coverage threshold", c.year) for c in exc.short]
    errors += [_problem("years", "no_data", f"no observation of the model's indicators in {y}", y)
               for y in exc.empty_years]
    return ValidationFailed(f"not enough data for a panel over {window.first}–{window.last}: {exc}",
                            errors=errors or [_problem("years", "not_enough_data", str(exc))])


def _evaluate(model: SpecModel, matrix: IndicatorMatrix, window: PanelWindow, request: PanelRequest) -> PanelResult:
    try:
        return evaluate_panel(model.spec, matrix, window, request.options)
    except PanelDataError as exc:
        raise _short_window(exc, window) from None
    except ValueError as exc:  # options the model cannot honour (the evaluation contract's one ValueError)
        raise ValidationFailed(
            f"model {model.key} {model.version} cannot run with these options: {exc}",
            errors=[_problem("options", "unsupported_options", str(exc))],
        ) from None


def _spec_model(session: Session, request: PanelRequest) -> SpecModel:
    model, _source = resolve_model(session, request.model, request.version)
    if not isinstance(model, SpecModel):
        raise ValidationFailed(
            f"model {model.key} is not declared as a spec; panels run the declarative pipeline's steps",
            errors=[_problem("model", "not_a_spec_model", "panels need a spec-declared model", model.key)],
        )
    return model


def _zones(session: Session, request: PanelRequest) -> list[SelectedZone]:
    zones = select_zones(session, request.zones)
    if not zones:
        raise ValidationFailed("no zone matches the filter", errors=[
            _problem("zones", "no_zones", "the zone filter selects no zone")])
    return zones


def run_panel(session: Session, request: PanelRequest, *, actor: Actor = CLI_ACTOR) -> StoredPanel:
    """Compute and store one panel; the panel, its zone-years and trajectories never change afterwards."""
    window = check_window(request)
    model = _spec_model(session, request)
    zones = _zones(session, request)
    matrix = build_matrix(session, zones, year=window.last, first_year=window.first - HISTORY_YEARS + 1,
                          feature_year=window.base)
    started = time.perf_counter()
    result = _evaluate(model, matrix, window, request)
    duration_ms = (time.perf_counter() - started) * 1000.0
    doc = methodology(model)
    document = PanelDocument(zone_filter=request.zones, options=request.options, reference=result.reference,
                             info=result.info, excluded=result.excluded, unscored=result.unscored, methodology=doc)
    facts = {"methodology": doc.model_dump(mode="json"), "years": [window.first, window.last],
             "base_year": window.base, "zones": request.zones.model_dump(mode="json"),
             "options": request.options.model_dump(mode="json")}
    row = PanelRun(
        model_key=model.key, model_version=model.version, first_year=window.first, last_year=window.last,
        base_year=window.base, input_hash=inputs_hash(facts, matrix),
        result_hash=json_hash(result.model_dump(mode="json")), zones_scored=len(result.trajectories),
        zone_years=len(result.zone_years), duration_ms=duration_ms, created_by=actor.name, note=request.note,
        **document.columns(),
    )
    session.add(row)
    session.flush()
    _store_rows(session, row.id, result, {z.code: z for z in zones})
    audit.record(session, actor, "panel.create", "panel_run", row.id, new={
        "model": row.model_key, "version": row.model_version, "years": [row.first_year, row.last_year],
        "base_year": row.base_year, "zone_filter": row.zone_filter, "options": row.options,
        "input_hash": row.input_hash, "zones_scored": row.zones_scored, "zone_years": row.zone_years,
    })
    return read_panel(row)


def _zone_columns(zone: SelectedZone) -> dict[str, Any]:
    meta = zone.meta
    return {"name_zh": meta.name_zh, "name_en": meta.name_en, "province": meta.province, "level": meta.level}


def _store_rows(session: Session, panel_id: int, result: PanelResult, zones: Mapping[str, SelectedZone]) -> None:
    if result.zone_years:
        session.execute(insert(PanelZoneYearRow), [
            {"panel_id": panel_id, "zone_code": z.code, "year": z.year, **_zone_columns(zones[z.code]),
             "rank": z.rank, "composite": z.composite, "rpi": z.rpi, "tier": z.tier, "subgroup": z.subgroup,
             "profile": z.profile, "peer_group": z.peer_group, "progress_points": z.progress_points,
             "progress_pct": z.progress_pct, "payload": z.model_dump(mode="json")}
            for z in result.zone_years
        ])
    group_of = {z.code: z.peer_group for z in result.zone_years}
    if result.trajectories:
        session.execute(insert(PanelTrajectoryRow), [
            {"panel_id": panel_id, "zone_code": t.code, **_zone_columns(zones[t.code]),
             "peer_group": group_of[t.code], "trend": t.trend, "slope": t.slope, "payload": t.model_dump(mode="json")}
            for t in result.trajectories
        ])
    session.flush()


# ------------------------------------------------------------------------------------------------
# reads


def get_panel(session: Session, panel_id: int) -> StoredPanel:
    """The panel with ``panel_id``, or NotFound."""
    row = session.get(PanelRun, panel_id)
    if row is None:
        raise NotFound(f"no panel {panel_id}")
    return read_panel(row)


def list_panels(session: Session, *, model: str | None, year: int | None, limit: int,
                offset: int) -> tuple[list[StoredPanel], int]:
    """Panels, newest first, filtered by model key and by a year their window covers."""
    query = select(PanelRun)
    if model is not None:
        query = query.where(PanelRun.model_key == model)
    if year is not None:
        query = query.where(PanelRun.first_year <= year, PanelRun.last_year >= year)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.scalars(query.order_by(PanelRun.id.desc()).limit(limit).offset(offset))
    return [read_panel(r) for r in rows], total


def tier_counts(session: Session, panel: StoredPanel) -> dict[str, dict[str, int]]:
    """Year → tier → zones, every year of the window present, tiers from the best down."""
    rows = session.execute(select(PanelZoneYearRow.year, PanelZoneYearRow.tier, func.count())
                           .where(PanelZoneYearRow.panel_id == panel.id)
                           .group_by(PanelZoneYearRow.year, PanelZoneYearRow.tier)).all()
    found: dict[int, dict[str, int]] = defaultdict(dict)
    for year, tier, n in rows:
        if tier is not None:
            found[int(year)][str(tier)] = int(n)
    order = panel.methodology.tier_codes()
    return {str(y): {t: found[y][t] for t in order if t in found[y]} for y in panel.years}


def trend_counts(session: Session, panel_id: int) -> dict[str, int]:
    """Trajectory class → zones (zones without a class are left out)."""
    rows = session.execute(select(PanelTrajectoryRow.trend, func.count()).where(PanelTrajectoryRow.panel_id == panel_id)
                           .group_by(PanelTrajectoryRow.trend)).all()
    # sorted: GROUP BY has no fixed order and the reply must be byte-stable (strong ETag)
    return {str(t): int(n) for t, n in sorted(rows, key=lambda r: str(r[0])) if t is not None}


def panel_out(session: Session, panel: StoredPanel) -> PanelOut:
    """The panel's summary as served."""
    columns = panel.columns()
    return PanelOut(
        id=panel.id, model_key=panel.model_key, model_version=panel.model_version, years=panel.years,
        base_year=panel.base_year, reference=panel.reference, zone_filter=columns["zone_filter"],
        options=columns["options"], input_hash=panel.input_hash, result_hash=panel.result_hash,
        zones_scored=panel.zones_scored, zone_years=panel.zone_years, tier_counts=tier_counts(session, panel),
        trend_counts=trend_counts(session, panel.id), duration_ms=panel.duration_ms, created_at=panel.created_at,
        created_by=panel.created_by, note=panel.note,
    )


def panel_detail(session: Session, panel: StoredPanel) -> PanelDetail:
    """The panel's summary with its window-level information and methodology, as served."""
    columns = panel.columns()
    return PanelDetail(**panel_out(session, panel).model_dump(), info=columns["info"], excluded=columns["excluded"],
                       unscored=columns["unscored"], methodology=columns["methodology"])


def _score_row(r: PanelZoneYearRow) -> PanelScoreRow:
    return PanelScoreRow(
        zone_code=r.zone_code, name_zh=r.name_zh, name_en=r.name_en, province=r.province, level=r.level,
        year=r.year, rank=r.rank, composite=r.composite, rpi=r.rpi, tier=r.tier, subgroup=r.subgroup,
        profile=r.profile, peer_group=r.peer_group, progress_points=r.progress_points, progress_pct=r.progress_pct,
    )


def scores_query(panel_id: int, *, year: int | None = None, tier: str | None = None, province: str | None = None,
                 zone: str | None = None) -> Select[PanelZoneYearRow]:
    """The panel's zone-years matching the filters (None: no condition), by year, then rank, then zone."""
    query = select(PanelZoneYearRow).where(PanelZoneYearRow.panel_id == panel_id)
    for column, value in ((PanelZoneYearRow.year, year), (PanelZoneYearRow.tier, tier),
                          (PanelZoneYearRow.province, province), (PanelZoneYearRow.zone_code, zone)):
        if value is not None:
            query = query.where(column == value)
    return query.order_by(PanelZoneYearRow.year, PanelZoneYearRow.rank, PanelZoneYearRow.zone_code)


def scores(session: Session, panel_id: int, *, year: int | None = None, tier: str | None = None,
           province: str | None = None, zone: str | None = None, limit: int = 50, offset: int = 0) -> PanelScores:
    """A page of the panel's zone-years (by year, then rank), filtered by year, tier, province and zone."""
    panel = get_panel(session, panel_id)
    query = scores_query(panel_id, year=year, tier=tier, province=province, zone=zone)
    total = session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
    rows = session.scalars(query.limit(limit).offset(offset))
    return PanelScores(reference=panel.reference, items=[_score_row(r) for r in rows], total=total, limit=limit,
                       offset=offset)


def zone_names(session: Session, panel_id: int) -> dict[str, tuple[str | None, str | None]]:
    """Zone code → its (Chinese, English) name as the panel stored it."""
    rows = session.execute(select(PanelTrajectoryRow.zone_code, PanelTrajectoryRow.name_zh, PanelTrajectoryRow.name_en)
                           .where(PanelTrajectoryRow.panel_id == panel_id)).all()
    return {r.zone_code: (r.name_zh, r.name_en) for r in rows}


def panel_covering(session: Session, model_key: str, model_version: str, year: int, code: str) -> StoredPanel | None:
    """The newest panel of this model version whose window covers ``year`` and which scored zone ``code`` then."""
    found = session.scalar(
        select(PanelRun.id).join(PanelZoneYearRow, PanelZoneYearRow.panel_id == PanelRun.id)
        .where(PanelRun.model_key == model_key, PanelRun.model_version == model_version,
               PanelZoneYearRow.zone_code == code, PanelZoneYearRow.year == year)
        .order_by(PanelRun.id.desc()).limit(1)
    )
    return None if found is None else get_panel(session, found)
