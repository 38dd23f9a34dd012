"""Build the scoring library's IndicatorMatrix from the database.

The service's only job before scoring: select the zones of an evaluation, read their observations
for the evaluation year and the years before it (history for imputation and badges), fill the
leading-chain indicators from the stored chain breakdowns where a zone did not report them, and
hand over zone metadata and peer-group features. No score is computed here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from app.orm import ChainBreakdown, Observation, Zone
from app.schemas.zone import Level, ZoneKind
from scoring_models.base import IndicatorMatrix, ZoneMeta
from scoring_models.catalog import chain_catalog, indicator_catalog
from scoring_models.chain_metrics import ChainRows, FloatArray, derive_chain_metrics

HISTORY_YEARS = 5  # the evaluation year and the four before it: enough for 3-year growth badges


class ZoneFilter(BaseModel):
    """Which zones an evaluation covers (all zones when empty)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    provinces: list[str] = Field(default_factory=list, description="GB/T 2260 codes, e.g. ['33', '32']")
    level: Level | None = None
    kind: ZoneKind | None = Field(default=ZoneKind.HITECH, description="default: high-tech zones only")
    pilot: bool | None = None
    zones: list[str] = Field(default_factory=list, description="explicit zone codes")


@dataclass(frozen=True)
class SelectedZone:
    """A zone of the evaluation with what the matrix needs of it."""

    id: int
    code: str
    meta: ZoneMeta


def select_zones(session: Session, zone_filter: ZoneFilter) -> list[SelectedZone]:
    """The zones matching the filter, ordered by code."""
    query = select(Zone).order_by(Zone.code)
    if zone_filter.provinces:
        query = query.where(Zone.province.in_(zone_filter.provinces))
    if zone_filter.level is not None:
        query = query.where(Zone.level == zone_filter.level.value)
    if zone_filter.kind is not None:
        query = query.where(Zone.kind == zone_filter.kind.value)
    if zone_filter.pilot is not None:
        query = query.where(Zone.pilot == zone_filter.pilot)
    if zone_filter.zones:
        query = query.where(Zone.code.in_(zone_filter.zones))
    return [
        SelectedZone(
            id=z.id,
            code=z.code,
            meta=ZoneMeta(name_zh=z.name_zh, name_en=z.name_en, level=z.level, province=z.province,
                          leading_chain=z.leading_chain, extra={"city": z.city, "pilot": z.pilot}),
        )
        for z in session.scalars(query)
    ]


def _chunks(ids: Sequence[int], size: int = 500) -> list[list[int]]:
    return [list(ids[i : i + size]) for i in range(0, len(ids), size)]


def build_matrix(session: Session, zones: Sequence[SelectedZone], *, year: int) -> IndicatorMatrix:
    """Zones × every catalog indicator × the ``HISTORY_YEARS`` years ending at ``year``.

    Chain-derived indicators (leading-chain share, HHI, LQ, completeness, alternative-source
    coverage, local supporting rate) are computed per year from the breakdowns, over the zones of
    this evaluation, and fill only the cells a zone did not report itself.
    """
    catalog = indicator_catalog()
    codes = [ind.code for ind in catalog.indicators]
    years = list(range(year - HISTORY_YEARS + 1, year + 1))
    zpos = {z.id: n for n, z in enumerate(zones)}
    ipos = {c: n for n, c in enumerate(codes)}
    values = np.full((len(zones), len(codes), len(years)), np.nan)
    ids = [z.id for z in zones]
    # Plain rows straight from the driver's cursor on the session's connection: the ORM and Core
    # result layers add nothing for four plain columns (int, str, int, float, no type processing)
    # and cost half of the matrix build (pyinstrument, benchmarks/README.md).
    conn = session.connection()
    for chunk in _chunks(ids):
        result = conn.execute(
            select(Observation.zone_id, Observation.indicator_code, Observation.year, Observation.value).where(
                Observation.zone_id.in_(chunk), Observation.year.between(years[0], years[-1])
            )
        )
        rows = result.cursor.fetchall()
        result.close()
        if rows:
            zi = np.fromiter((zpos[r[0]] for r in rows), dtype=np.int64, count=len(rows))
            ii = np.fromiter((ipos.get(r[1], -1) for r in rows), dtype=np.int64, count=len(rows))
            yi = np.fromiter((r[2] - years[0] for r in rows), dtype=np.int64, count=len(rows))
            vv = np.fromiter((r[3] for r in rows), dtype=np.float64, count=len(rows))
            known = ii >= 0  # an indicator that has left the catalog is not scored
            values[zi[known], ii[known], yi[known]] = vv[known]
    lead_revenue = _fill_chain_metrics(session, zones, values, ipos, years)
    revenue = values[:, ipos["revenue"], -1]
    return IndicatorMatrix(
        zones=tuple(z.code for z in zones),
        indicators=catalog.indicators,
        years=tuple(years),
        values=values,
        zone_meta=tuple(z.meta for z in zones),
        feature_names=("leading_chain_revenue", "revenue"),
        features=np.column_stack([lead_revenue, revenue]),
        evaluation_year=year,
    )


def _fill_chain_metrics(
    session: Session, zones: Sequence[SelectedZone], values: FloatArray, ipos: dict[str, int], years: list[int]
) -> FloatArray:
    """Fill the chain-derived cells in place; return each zone's leading-chain revenue in the last year."""
    chains = chain_catalog().chains
    cpos = {c.code: n for n, c in enumerate(chains)}
    segments = np.array([len(c.segments) for c in chains], dtype=np.float64)
    zpos = {z.id: n for n, z in enumerate(zones)}
    declared = np.array([cpos.get(z.meta.leading_chain or "", -1) for z in zones], dtype=np.int64)
    rows: list[tuple[int, int, int, float, int, int, int, float]] = []
    b = ChainBreakdown
    conn = session.connection()
    for chunk in _chunks([z.id for z in zones]):
        # Columns, not ORM objects: building an object per breakdown was most of this function's time.
        rows.extend(
            (zpos[zone_id], cpos[chain], yr, revenue, covered, key, key_alt, local)
            for zone_id, chain, yr, revenue, covered, key, key_alt, local in conn.execute(
                select(b.zone_id, b.chain_code, b.year, b.revenue, b.segments_covered, b.key_components,
                       b.key_components_with_alt, b.local_procurement_share).where(
                    b.zone_id.in_(chunk), b.year.between(years[0], years[-1])
                )
            )
            if chain in cpos
        )
    lead_revenue = np.full(len(zones), np.nan)
    if not rows:
        return lead_revenue
    arr = np.array(rows, dtype=np.float64)
    for y_index, yr in enumerate(years):
        sel = arr[arr[:, 2] == yr]
        if not len(sel):
            continue
        chain_idx = sel[:, 1].astype(np.int64)
        metrics = derive_chain_metrics(
            ChainRows(
                zone=sel[:, 0].astype(np.int64), chain=chain_idx, revenue=sel[:, 3],
                segments_covered=sel[:, 4], segments_defined=segments[chain_idx], key_components=sel[:, 5],
                key_components_with_alt=sel[:, 6], local_procurement_share=sel[:, 7],
            ),
            n_zones=len(zones), n_chains=len(chains),
            zone_revenue=values[:, ipos["revenue"], y_index], declared_leading=declared,
        )
        for code, derived in metrics.as_dict().items():
            column = values[:, ipos[code], y_index]
            fill = np.isnan(column) & np.isfinite(derived)
            column[fill] = derived[fill]
        if yr == years[-1]:
            lead_revenue = metrics.leading_chain_revenue
    return lead_revenue
