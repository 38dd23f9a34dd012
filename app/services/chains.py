"""Industry-chain breakdowns: validated all-or-nothing upserts and queries."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.db import run_write
from app.errors import Problem, ValidationFailed
from app.orm import ChainBreakdown, Zone
from app.orm.base import utcnow
from app.schemas.chain import ChainBreakdownIn, ChainBreakdownOut
from app.schemas.common import WriteSummary
from app.services import audit
from app.services.audit import Actor
from app.services.validation import check_year
from app.services.zones import zone_ids_by_code
from scoring_models.catalog import chain_catalog

_FIELDS = ("revenue", "segments_covered", "key_components", "key_components_with_alt",
           "local_procurement_share", "source")


def _check_item(row: int, item: ChainBreakdownIn) -> list[Problem]:
    problems: list[Problem] = []
    chain = chain_catalog().by_code().get(item.chain_code)
    if chain is None:
        problems.append(Problem(row=row, column="chain_code", code="unknown_chain",
                                message=f"no industry chain with code {item.chain_code!r}", value=item.chain_code))
    for name in ("revenue", "local_procurement_share"):
        value = getattr(item, name)
        if not math.isfinite(value):
            problems.append(Problem(row=row, column=name, code="not_finite",
                                    message="NaN and infinity are not allowed", value=str(value)))
    if math.isfinite(item.revenue) and item.revenue < 0:
        problems.append(Problem(row=row, column="revenue", code="out_of_range",
                                message="revenue cannot be negative", value=f"{item.revenue:g}"))
    share = item.local_procurement_share
    if math.isfinite(share) and not 0 <= share <= 100:
        problems.append(Problem(row=row, column="local_procurement_share", code="out_of_range",
                                message="local_procurement_share is a percentage between 0 and 100",
                                value=f"{share:g}"))
    for name in ("segments_covered", "key_components", "key_components_with_alt"):
        if getattr(item, name) < 0:
            problems.append(Problem(row=row, column=name, code="negative_count",
                                    message=f"{name} is a count and cannot be negative",
                                    value=str(getattr(item, name))))
    if chain is not None and item.segments_covered > len(chain.segments):
        problems.append(Problem(row=row, column="segments_covered", code="out_of_range",
                                message=f"chain {chain.code} defines {len(chain.segments)} segments",
                                value=str(item.segments_covered)))
    if item.key_components_with_alt > item.key_components:
        problems.append(Problem(row=row, column="key_components_with_alt", code="out_of_range",
                                message="cannot exceed key_components", value=str(item.key_components_with_alt)))
    return problems


def _batch_problems(items: Sequence[ChainBreakdownIn], zone_ids: dict[str, int], earliest_year: int) -> list[Problem]:
    """Every problem of the batch: unknown zones, years out of bounds, repeated keys and bad figures."""
    problems: list[Problem] = []
    seen: dict[tuple[str, int, str], int] = {}
    for row, item in enumerate(items, start=1):
        if item.zone_code not in zone_ids:
            problems.append(Problem(row=row, column="zone_code", code="unknown_zone",
                                    message=f"no zone with code {item.zone_code!r}", value=item.zone_code))
        year_problem = check_year(item.year, earliest=earliest_year, row=row)
        if year_problem:
            problems.append(year_problem)
        key = (item.zone_code, item.year, item.chain_code)
        if key in seen:
            problems.append(Problem(row=row, column="chain_code", code="duplicate_key",
                                    message=f"{'/'.join(map(str, key))} already given in row {seen[key]}"))
        else:
            seen[key] = row
        problems.extend(_check_item(row, item))
    return problems


def _upsert(
    session: Session, items: Sequence[ChainBreakdownIn], zone_ids: dict[str, int], actor: Actor
) -> tuple[int, int, list[dict[str, Any]]]:
    """Insert or update every breakdown; return the inserted and updated counts and the changes (old and
    new figures of every row inserted or changed) for the audit."""
    # Rows locked (PostgreSQL) in id order and re-read on a retry, so the audit's old figures are the
    # ones actually replaced; see app.db.run_write.
    existing = {
        (b.zone_id, b.year, b.chain_code): b
        for b in session.scalars(
            select(ChainBreakdown).where(ChainBreakdown.zone_id.in_(set(zone_ids.values())))
            .order_by(ChainBreakdown.id).with_for_update().execution_options(populate_existing=True)
        )
    }
    inserted = updated = 0
    now = utcnow()
    changes: list[dict[str, Any]] = []
    for item in sorted(items, key=lambda i: (i.zone_code, i.year, i.chain_code)):
        values: dict[str, Any] = {name: getattr(item, name) for name in _FIELDS}
        old = existing.get((zone_ids[item.zone_code], item.year, item.chain_code))
        cell: dict[str, Any] = {"zone_code": item.zone_code, "year": item.year, "chain_code": item.chain_code}
        if old is None:
            session.add(ChainBreakdown(zone_id=zone_ids[item.zone_code], year=item.year,
                                       chain_code=item.chain_code, submitted_by=actor.name, updated_at=now,
                                       **values))
            inserted += 1
            changes.append({**cell, "old": None, "new": values})
        elif any(getattr(old, k) != v for k, v in values.items()):
            changes.append({**cell, "old": {k: getattr(old, k) for k in _FIELDS}, "new": values})
            for k, v in values.items():
                setattr(old, k, v)
            old.submitted_by, old.updated_at = actor.name, now
            updated += 1
    session.flush()
    return inserted, updated, changes


def write_chain_breakdowns(
    session: Session, items: Sequence[ChainBreakdownIn], *, earliest_year: int, actor: Actor
) -> WriteSummary:
    """Validate every breakdown and upsert them all, or raise ValidationFailed listing every problem.

    The batch is one audit event holding the old and new figures of every row it inserted or changed.
    """
    zone_ids = zone_ids_by_code(session, (i.zone_code for i in items))
    problems = _batch_problems(items, zone_ids, earliest_year)
    if problems:
        raise ValidationFailed(f"{len(problems)} problem(s); nothing was written", errors=problems)
    inserted, updated, changes = run_write(session, lambda: _upsert(session, items, zone_ids, actor))
    unchanged = len(items) - inserted - updated
    summary = WriteSummary(received=len(items), inserted=inserted, updated=updated, unchanged=unchanged)
    audit.record(session, actor, "chain_breakdowns.upsert", "chain_breakdown_batch", actor.request_id,
                 new={**summary.model_dump(), "changes": changes})
    return summary


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
        query.order_by(Zone.code, ChainBreakdown.year, ChainBreakdown.revenue.desc(), ChainBreakdown.chain_code)
        .limit(limit).offset(offset)
    ).all()
    chains = chain_catalog().by_code()
    items = [
        ChainBreakdownOut(
            zone_code=code, year=b.year, chain_code=b.chain_code, revenue=b.revenue,
            segments_covered=b.segments_covered,
            segments_defined=len(chains[b.chain_code].segments) if b.chain_code in chains else 0,
            key_components=b.key_components, key_components_with_alt=b.key_components_with_alt,
            local_procurement_share=b.local_procurement_share, source=b.source, updated_at=b.updated_at,
        )
        for b, code in rows
    ]
    return items, total
