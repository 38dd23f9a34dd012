"""Build the scoring library's IndicatorMatrix from the database.

The service's only job before scoring: select the zones of an evaluation, read their observations
for the evaluation year and the years before it (history for imputation and badges), fill the
leading-chain indicators from the stored chain breakdowns where a zone did not report them, and
hand over zone metadata and peer-group features. No score is computed here.

When the filter selects only part of the zones, the matrix carries the national population of the
year as its ``reference`` (every zone of the filter's kind with data in that year): the badges'
rankings within a chain and national median are computed on it, and so are the chain metrics (the
location quotient compares a zone's leading-chain share with that chain's share of all zones), so a
zone's raw values and badges are the same whichever zones it is evaluated with.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Annotated, Any

import numpy as np
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StrictBool
from sqlalchemy import Connection, Executable, select
from sqlalchemy.orm import Session

from app.orm import ChainBreakdown, ChainKeyProduct, Observation, Zone
from app.schemas.codes import PROVINCE_CODES, enum_schema, one_of
from app.schemas.zone import Level, ZoneKind
from scoring_models.base import IndicatorMatrix, ZoneMeta
from scoring_models.catalog import chain_catalog, indicator_catalog
from scoring_models.chain_metrics import ChainRows, FloatArray, ProductCounts, count_products, derive_chain_metrics

HISTORY_YEARS = 5  # the evaluation year and the four before it: enough for 3-year growth badges


class ZoneFilter(BaseModel):
    """Which zones an evaluation covers (all zones when empty)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    # Checked when a run or panel is asked for (RequestedZones), not when a stored run is read back: a run
    # stored before the check could name a code that matched nothing, and must stay readable.
    provinces: list[Annotated[str, enum_schema(PROVINCE_CODES, "GB/T 2260 two-digit province code")]] = Field(
        default_factory=list, description="GB/T 2260 codes (any of them); empty: every province",
        examples=[["33", "32"]])
    level: Level | None = Field(default=None, description="national or provincial; null: both",
                                examples=["national"])
    kind: ZoneKind | None = Field(default=ZoneKind.HITECH, description="default: high-tech zones only; null: every "
                                  "kind", examples=["hitech"])
    pilot: StrictBool | None = Field(default=None, description="true: pilot zones only; false: the others; null: "
                                     "both", examples=[None])
    zones: list[str] = Field(default_factory=list, description="explicit zone codes (empty: no such condition)",
                             examples=[["DEMO-33-N01", "DEMO-33-N02"]])


def known_provinces(zones: ZoneFilter) -> ZoneFilter:
    """``zones`` when every province it names is a GB/T 2260 code; pydantic's ``enum`` error naming the codes
    otherwise (an unknown code would end in "no zone matches", as if the province had no zones)."""
    check = one_of(PROVINCE_CODES)
    for code in zones.provinces:
        check(code)
    return zones


RequestedZones = Annotated[ZoneFilter, AfterValidator(known_provinces)]
"""The zone filter of a request (a run, a panel): its provinces checked, unlike a stored run's filter read back."""


@dataclass(frozen=True)
class SelectedZone:
    """A zone of the evaluation with what the matrix needs of it."""

    id: int
    code: str
    meta: ZoneMeta


def _selected(zones: Sequence[Zone]) -> list[SelectedZone]:
    return [
        SelectedZone(
            id=z.id,
            code=z.code,
            meta=ZoneMeta(name_zh=z.name_zh, name_en=z.name_en, level=z.level, province=z.province,
                          leading_chain=z.leading_chain, extra={"city": z.city, "pilot": z.pilot}),
        )
        for z in zones
    ]


def reference_zones(session: Session, zone_filter: ZoneFilter, *, year: int) -> list[SelectedZone]:
    """The national population of ``year``: every zone of the filter's kind (any kind when the filter
    names none) with at least one observation in that year, whatever else the filter says; by code."""
    reported = select(Observation.zone_id).where(Observation.year == year).distinct()
    query = select(Zone).where(Zone.id.in_(reported)).order_by(Zone.code)
    if zone_filter.kind is not None:
        query = query.where(Zone.kind == zone_filter.kind.value)
    return _selected(list(session.scalars(query)))


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
    return _selected(list(session.scalars(query)))


def _driver_rows(conn: Connection, statement: Executable) -> list[Any]:
    """The rows of ``statement`` as the driver returns them (tuples), without SQLAlchemy's result layer.

    For plain columns (ints, texts, floats; booleans as the driver gives them) the ORM and Core result
    layers add nothing but a call per row, which was half of the matrix build (benchmarks/README.md).
    """
    result = conn.execute(statement)
    try:
        return list(result.cursor.fetchall())
    finally:
        result.close()


def _chunks(ids: Sequence[int], size: int = 500) -> list[list[int]]:
    return [list(ids[i : i + size]) for i in range(0, len(ids), size)]


def build_matrix(
    session: Session, zones: Sequence[SelectedZone], *, year: int, reference: Sequence[SelectedZone] = (),
    first_year: int | None = None, feature_year: int | None = None,
) -> IndicatorMatrix:
    """Zones × every catalog indicator × the years from ``first_year`` (default: the ``HISTORY_YEARS``
    years ending at ``year``) to ``year``; the features (revenue, leading-chain revenue) are those of
    ``feature_year`` (default ``year``: a panel describes its zones as they were in its base year).

    ``reference`` is the national population of the year (:func:`reference_zones`). When it holds
    zones beyond ``zones``, the matrix is built over both and its ``reference`` is the whole: the
    chain metrics and the badges' national references are computed on that population.
    """
    years = _Years(year, first_year, feature_year)
    population = {z.code: z for z in (*reference, *zones)}
    if len(population) == len(zones):  # the evaluation covers the whole population: it is its own reference
        return _matrix(session, zones, years)
    full = _matrix(session, sorted(population.values(), key=lambda z: z.code), years)
    return replace(full.select(zones=[z.code for z in zones]), reference=full)


@dataclass(frozen=True)
class _Years:
    """The last year of a matrix, its first (None: the HISTORY_YEARS ending at it) and the features' year."""

    year: int
    first_year: int | None
    feature_year: int | None


def _matrix(session: Session, zones: Sequence[SelectedZone], span: _Years) -> IndicatorMatrix:
    """The matrix of ``zones`` (their own reference).

    Chain-derived indicators (leading-chain share, HHI, LQ, completeness, alternative-source
    coverage, local supporting rate, chokepoint share and the alternative-source coverage of the
    chokepoints) are computed per year from the breakdowns and their key products, over these zones,
    and fill only the cells a zone did not report itself.
    """
    catalog = indicator_catalog()
    codes = [ind.code for ind in catalog.indicators]
    year = span.year
    first = year - HISTORY_YEARS + 1 if span.first_year is None else span.first_year
    years = list(range(first, year + 1))
    feature_at = years.index(year if span.feature_year is None else span.feature_year)
    zpos = {z.id: n for n, z in enumerate(zones)}
    ipos = {c: n for n, c in enumerate(codes)}
    values = np.full((len(zones), len(codes), len(years)), np.nan)
    ids = [z.id for z in zones]
    conn = session.connection()
    for chunk in _chunks(ids):
        rows = _driver_rows(conn, select(
            Observation.zone_id, Observation.indicator_code, Observation.year, Observation.value
        ).where(Observation.zone_id.in_(chunk), Observation.year.between(years[0], years[-1])))
        if rows:
            zi = np.fromiter((zpos[r[0]] for r in rows), dtype=np.int64, count=len(rows))
            ii = np.fromiter((ipos.get(r[1], -1) for r in rows), dtype=np.int64, count=len(rows))
            yi = np.fromiter((r[2] - years[0] for r in rows), dtype=np.int64, count=len(rows))
            vv = np.fromiter((r[3] for r in rows), dtype=np.float64, count=len(rows))
            known = ii >= 0  # an indicator that has left the catalog is not scored
            values[zi[known], ii[known], yi[known]] = vv[known]
    lead_revenue = _fill_chain_metrics(session, zones, values, ipos, years, feature_at)
    revenue = values[:, ipos["revenue"], feature_at]
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


def _breakdown_rows(
    session: Session, zones: Sequence[SelectedZone], years: list[int], cpos: dict[str, int]
) -> tuple[FloatArray, ProductCounts]:
    """The breakdowns of the zones and years as an array (zone, chain, year, revenue, segments, components,
    components with alternative, local share) and the per-product counts of each row."""
    zpos = {z.id: n for n, z in enumerate(zones)}
    rows: list[tuple[int, int, int, float, int, int, int, float]] = []
    row_of: dict[int, int] = {}
    products: list[tuple[int, bool, float, bool]] = []
    b, kp = ChainBreakdown, ChainKeyProduct
    conn = session.connection()
    for chunk in _chunks([z.id for z in zones]):
        in_window = (b.zone_id.in_(chunk), b.year.between(years[0], years[-1]))
        # Columns, not ORM objects: building an object per breakdown was most of the chain part's time.
        for bid, zone_id, chain, yr, revenue, covered, key, key_alt, local in _driver_rows(conn, select(
            b.id, b.zone_id, b.chain_code, b.year, b.revenue, b.segments_covered, b.key_components,
            b.key_components_with_alt, b.local_procurement_share,
        ).where(*in_window)):
            if chain in cpos:
                row_of[bid] = len(rows)
                rows.append((zpos[zone_id], cpos[chain], yr, revenue, covered, key, key_alt, local))
        # alternative_source is a boolean: 0/1 from SQLite's driver, True/False from PostgreSQL's
        products += [
            (row_of[bid], threshold == "high", rate, bool(alternative))
            for bid, threshold, rate, alternative in _driver_rows(conn, select(
                kp.breakdown_id, kp.threshold, kp.localisation_rate, kp.alternative_source,
            ).join(b, b.id == kp.breakdown_id).where(*in_window))
            if bid in row_of
        ]
    counts = count_products(
        np.array([p[0] for p in products], dtype=np.int64), np.array([p[1] for p in products], dtype=np.bool_),
        np.array([p[2] for p in products], dtype=np.float64), np.array([p[3] for p in products], dtype=np.bool_),
        n_rows=len(rows),
    )
    return np.array(rows, dtype=np.float64).reshape(-1, 8), counts


def _fill_chain_metrics(
    session: Session, zones: Sequence[SelectedZone], values: FloatArray, ipos: dict[str, int], years: list[int],
    feature_at: int,
) -> FloatArray:
    """Fill the chain-derived cells in place; return each zone's leading-chain revenue in ``years[feature_at]``."""
    chains = chain_catalog().chains
    cpos = {c.code: n for n, c in enumerate(chains)}
    segments = np.array([len(c.segments) for c in chains], dtype=np.float64)
    declared = np.array([cpos.get(z.meta.leading_chain or "", -1) for z in zones], dtype=np.int64)
    arr, counts = _breakdown_rows(session, zones, years, cpos)
    lead_revenue = np.full(len(zones), np.nan)
    for y_index, yr in enumerate(years):
        in_year = arr[:, 2] == yr
        if not in_year.any():
            continue
        sel = arr[in_year]
        chain_idx = sel[:, 1].astype(np.int64)
        metrics = derive_chain_metrics(
            ChainRows(
                zone=sel[:, 0].astype(np.int64), chain=chain_idx, revenue=sel[:, 3],
                segments_covered=sel[:, 4], segments_defined=segments[chain_idx], key_components=sel[:, 5],
                key_components_with_alt=sel[:, 6], local_procurement_share=sel[:, 7],
                products=ProductCounts(counts.key_products[in_year], counts.chokepoints[in_year],
                                       counts.chokepoints_with_alt[in_year]),
            ),
            n_zones=len(zones), n_chains=len(chains),
            zone_revenue=values[:, ipos["revenue"], y_index], declared_leading=declared,
        )
        for code, derived in metrics.as_dict().items():
            column = values[:, ipos[code], y_index]
            fill = np.isnan(column) & np.isfinite(derived)
            column[fill] = derived[fill]
        if y_index == feature_at:
            lead_revenue = metrics.leading_chain_revenue
    return lead_revenue
