"""Reading observations in long and wide form, and the history of a cell."""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy import Select, func, select, tuple_
from sqlalchemy.orm import Session

from app.orm import Observation, ObservationChange, Zone
from app.schemas.observation import ObservationChangeOut, ObservationOut, ObservationStatus, WideRow

_S = TypeVar("_S", bound=Select[*tuple[Any, ...]])


def _filtered(
    query: _S,
    *,
    zones: list[str] | None,
    indicators: list[str] | None,
    year_from: int | None,
    year_to: int | None,
) -> _S:
    if zones:
        query = query.where(Zone.code.in_(zones))
    if indicators:
        query = query.where(Observation.indicator_code.in_(indicators))
    if year_from is not None:
        query = query.where(Observation.year >= year_from)
    if year_to is not None:
        query = query.where(Observation.year <= year_to)
    return query


def _cells(
    *, zones: list[str] | None, indicators: list[str] | None, year_from: int | None, year_to: int | None
) -> Select[Observation, str]:
    """The filtered cells with their zone codes (the one query behind both forms)."""
    return _filtered(
        select(Observation, Zone.code).join(Zone, Zone.id == Observation.zone_id),
        zones=zones, indicators=indicators, year_from=year_from, year_to=year_to,
    )


def query_long(
    session: Session,
    *,
    zones: list[str] | None,
    indicators: list[str] | None,
    year_from: int | None,
    year_to: int | None,
    limit: int,
    offset: int,
) -> tuple[list[ObservationOut], int]:
    """A page of cells in long form (one item per zone × indicator × year) and the total."""
    base = _cells(zones=zones, indicators=indicators, year_from=year_from, year_to=year_to)
    total = session.scalar(select(func.count()).select_from(base.subquery())) or 0
    rows = session.execute(
        base.order_by(Zone.code, Observation.year, Observation.indicator_code).limit(limit).offset(offset)
    ).all()
    items = [
        ObservationOut(
            zone_code=code, indicator_code=o.indicator_code, year=o.year, value=o.value, source=o.source,
            status=ObservationStatus(o.status), submitted_by=o.submitted_by, updated_at=o.updated_at,
            revision=o.revision,
        )
        for o, code in rows
    ]
    return items, total


def query_wide(
    session: Session,
    *,
    zones: list[str] | None,
    indicators: list[str] | None,
    year_from: int | None,
    year_to: int | None,
    limit: int,
    offset: int,
) -> tuple[list[WideRow], int]:
    """A page of zone-years, each with its indicator values, and the total number of zone-years."""
    keys = _filtered(
        select(Zone.code, Observation.year).join(Zone, Zone.id == Observation.zone_id),
        zones=zones, indicators=indicators, year_from=year_from, year_to=year_to,
    ).distinct()
    total = session.scalar(select(func.count()).select_from(keys.subquery())) or 0
    page = session.execute(keys.order_by(Zone.code, Observation.year).limit(limit).offset(offset)).all()
    if not page:
        return [], total
    cells = _cells(zones=zones, indicators=indicators, year_from=year_from, year_to=year_to)
    cells = cells.where(tuple_(Zone.code, Observation.year).in_(page))
    values: dict[tuple[str, int], dict[str, float]] = {(c, y): {} for c, y in page}
    for obs, code in session.execute(cells):
        values[(code, obs.year)][obs.indicator_code] = obs.value
    return [WideRow(zone_code=c, year=y, values=dict(sorted(values[(c, y)].items()))) for c, y in page], total


def cell_history(session: Session, zone_code: str, indicator_code: str, year: int) -> list[ObservationChangeOut]:
    """Every change of one cell, oldest first."""
    rows = session.execute(
        select(ObservationChange)
        .join(Zone, Zone.id == ObservationChange.zone_id)
        .where(Zone.code == zone_code, ObservationChange.indicator_code == indicator_code,
               ObservationChange.year == year)
        .order_by(ObservationChange.id)
    ).scalars()
    return [
        ObservationChangeOut(
            zone_code=zone_code, indicator_code=c.indicator_code, year=c.year, old_value=c.old_value,
            new_value=c.new_value, old_status=c.old_status, new_status=c.new_status, source=c.source,
            changed_by=c.changed_by, key_id=c.key_id, changed_at=c.changed_at, request_id=c.request_id,
            client_request_id=c.client_request_id,
        )
        for c in rows
    ]
