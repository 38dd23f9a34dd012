"""Industry-chain breakdowns: validated all-or-nothing upserts, queries and the history of every change."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from app.db import run_write
from app.errors import Problem, ValidationFailed
from app.orm import ChainBreakdown, ChainBreakdownChange, ChainKeyProduct, Zone
from app.orm.base import utcnow
from app.schemas.chain import (
    ChainBreakdownChangeOut,
    ChainBreakdownIn,
    ChainBreakdownOut,
    ChainFigures,
    ChainWriteSummary,
    KeyProductOut,
)
from app.services import audit
from app.services.audit import Actor
from app.services.chain_checks import batch_problems, component_counts, revenue_check
from app.services.zones import zone_ids_by_code
from scoring_models.catalog import chain_catalog
from scoring_models.chain_metrics import QUADRANTS, classify_products, count_products

_SCALARS = ("revenue", "segments_covered", "key_components", "key_components_with_alt",
            "local_procurement_share", "source")
_PRODUCT_FIELDS = ("product", "threshold", "localisation_rate", "alternative_source")


def _products_in_catalog_order(chain_code: str, products: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    order = {p: n for n, p in enumerate(chain_catalog().by_code()[chain_code].key_components)}
    return sorted(products, key=lambda p: order.get(p["product"], len(order)))


def _figures(item: ChainBreakdownIn) -> dict[str, Any]:
    """The figures a breakdown is stored with (counts derived from key products when given)."""
    components, with_alt = component_counts(item)
    products = None if item.key_products is None else _products_in_catalog_order(
        item.chain_code, [p.model_dump(mode="json") for p in item.key_products])
    return {"revenue": item.revenue, "segments_covered": item.segments_covered, "key_components": components,
            "key_components_with_alt": with_alt, "local_procurement_share": item.local_procurement_share,
            "key_products": products, "source": item.source}


def _stored_figures(b: ChainBreakdown) -> dict[str, Any]:
    products = [{name: getattr(p, name) for name in _PRODUCT_FIELDS} for p in b.products] or None
    return {**{name: getattr(b, name) for name in _SCALARS},
            "key_products": None if products is None else _products_in_catalog_order(b.chain_code, products)}


def _set_products(b: ChainBreakdown, products: list[dict[str, Any]] | None) -> None:
    """Make the breakdown's key products ``products``, updating rows in place (never delete-then-insert
    one product, which the unique (breakdown, product) key would refuse within one flush)."""
    wanted = {p["product"]: p for p in products or []}
    for row in list(b.products):
        if row.product not in wanted:
            b.products.remove(row)
    have = {row.product: row for row in b.products}
    for name, values in wanted.items():
        if name in have:
            for field in _PRODUCT_FIELDS[1:]:
                setattr(have[name], field, values[field])
        else:
            b.products.append(ChainKeyProduct(**values))


def _upsert(
    session: Session, items: Sequence[ChainBreakdownIn], zone_ids: dict[str, int], actor: Actor
) -> tuple[int, int, list[dict[str, Any]]]:
    """Insert or update every breakdown with a history entry each; return the inserted and updated counts and
    the changes (old and new figures of every row inserted or changed) for the audit."""
    # Rows locked (PostgreSQL) in id order and re-read on a retry, so the history's old figures are the
    # ones actually replaced; see app.db.run_write.
    existing = {
        (b.zone_id, b.year, b.chain_code): b
        for b in session.scalars(
            select(ChainBreakdown).where(ChainBreakdown.zone_id.in_(set(zone_ids.values())))
            .options(selectinload(ChainBreakdown.products))
            .order_by(ChainBreakdown.id).with_for_update().execution_options(populate_existing=True)
        )
    }
    inserted = updated = 0
    now = utcnow()
    changes: list[dict[str, Any]] = []
    for item in sorted(items, key=lambda i: (i.zone_code, i.year, i.chain_code)):
        new = _figures(item)
        zone_id = zone_ids[item.zone_code]
        b = existing.get((zone_id, item.year, item.chain_code))
        old = None if b is None else _stored_figures(b)
        if old == new:
            continue
        if b is None:
            b = ChainBreakdown(zone_id=zone_id, year=item.year, chain_code=item.chain_code, revision=0)
            session.add(b)
            inserted += 1
        else:
            updated += 1
        for name in _SCALARS:
            setattr(b, name, new[name])
        _set_products(b, new["key_products"])
        b.submitted_by, b.updated_at, b.revision = actor.name, now, b.revision + 1
        session.add(ChainBreakdownChange(zone_id=zone_id, year=item.year, chain_code=item.chain_code, old=old,
                                         new=new, changed_by=actor.name, key_id=actor.key_id, changed_at=now,
                                         request_id=actor.request_id))
        changes.append({"zone_code": item.zone_code, "year": item.year, "chain_code": item.chain_code,
                        "old": old, "new": new})
    session.flush()
    return inserted, updated, changes


def write_chain_breakdowns(
    session: Session, items: Sequence[ChainBreakdownIn], *, earliest_year: int, actor: Actor
) -> ChainWriteSummary:
    """Validate every breakdown and upsert them all, or raise ValidationFailed listing every problem.

    The chain revenues of each zone-year are checked against the zone's reported revenue
    (:mod:`app.services.chain_checks`). The batch is one audit event holding the old and new figures of
    every row it inserted or changed; each such row also gets an entry in its history.
    """
    zone_ids = zone_ids_by_code(session, (i.zone_code for i in items))
    problems = batch_problems(items, zone_ids, earliest_year)
    warnings: list[Problem] = []
    if not problems:
        problems, warnings = revenue_check(session, items, zone_ids)
    if problems:
        raise ValidationFailed(f"{len(problems)} problem(s); nothing was written", errors=problems)
    inserted, updated, changes = run_write(session, lambda: _upsert(session, items, zone_ids, actor))
    summary = ChainWriteSummary(received=len(items), inserted=inserted, updated=updated,
                                unchanged=len(items) - inserted - updated, warnings=warnings)
    audit.record(session, actor, "chain_breakdowns.upsert", "chain_breakdown_batch", actor.request_id,
                 new={**summary.model_dump(exclude={"warnings"}), "changes": changes})
    return summary


def _out(b: ChainBreakdown, zone_code: str) -> ChainBreakdownOut:
    chains = chain_catalog().by_code()
    products: list[KeyProductOut] | None = None
    share = coverage = None
    if b.products:
        high = np.array([p.threshold == "high" for p in b.products])
        rate = np.array([p.localisation_rate for p in b.products], dtype=np.float64)
        quadrants = classify_products(high, rate)
        products = [KeyProductOut(product=p.product, threshold=p.threshold, localisation_rate=p.localisation_rate,
                                  alternative_source=p.alternative_source, quadrant=QUADRANTS[int(q)])
                    for p, q in zip(b.products, quadrants, strict=True)]
        counts = count_products(np.zeros(len(high), dtype=np.int64), high, rate,
                                np.array([p.alternative_source for p in b.products]), n_rows=1)
        share, coverage = float(counts.chokepoint_share()[0]), float(counts.chokepoint_alt_coverage()[0])
    return ChainBreakdownOut(
        zone_code=zone_code, year=b.year, chain_code=b.chain_code, revenue=b.revenue,
        segments_covered=b.segments_covered,
        segments_defined=len(chains[b.chain_code].segments) if b.chain_code in chains else 0,
        key_components=b.key_components, key_components_with_alt=b.key_components_with_alt,
        local_procurement_share=b.local_procurement_share, key_products=products, chokepoint_share=share,
        chokepoint_alt_coverage=coverage, source=b.source, revision=b.revision, updated_at=b.updated_at,
    )


def query_chain_breakdowns(
    session: Session, *, zone: str | None, year: int | None, chain: str | None, limit: int, offset: int
) -> tuple[list[ChainBreakdownOut], int]:
    """A page of breakdowns matching the filters, ordered by zone, year and revenue."""
    query = select(ChainBreakdown, Zone.code).join(Zone, Zone.id == ChainBreakdown.zone_id)
    if zone is not None:
        query = query.where(Zone.code == zone)
    if year is not None:
        query = query.where(ChainBreakdown.year == year)
    if chain is not None:
        query = query.where(ChainBreakdown.chain_code == chain)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    rows = session.execute(
        query.options(selectinload(ChainBreakdown.products))
        .order_by(Zone.code, ChainBreakdown.year, ChainBreakdown.revenue.desc(), ChainBreakdown.chain_code)
        .limit(limit).offset(offset)
    ).all()
    return [_out(b, code) for b, code in rows], total


def breakdown_history(session: Session, zone_code: str, year: int, chain_code: str) -> list[ChainBreakdownChangeOut]:
    """Every change of one zone × year × chain breakdown, oldest first (empty when never written)."""
    rows = session.scalars(
        select(ChainBreakdownChange)
        .join(Zone, Zone.id == ChainBreakdownChange.zone_id)
        .where(Zone.code == zone_code, ChainBreakdownChange.year == year, ChainBreakdownChange.chain_code == chain_code)
        .order_by(ChainBreakdownChange.id)
    )
    return [
        ChainBreakdownChangeOut(
            zone_code=zone_code, year=c.year, chain_code=c.chain_code,
            old=None if c.old is None else ChainFigures.model_validate(c.old), new=ChainFigures.model_validate(c.new),
            changed_by=c.changed_by, key_id=c.key_id, changed_at=c.changed_at, request_id=c.request_id,
        )
        for c in rows
    ]
