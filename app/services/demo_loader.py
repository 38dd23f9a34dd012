"""Load the synthetic demo data set into an empty database (never over real data)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from app.orm import ChainBreakdown, ChainBreakdownChange, ChainKeyProduct, Observation, ObservationChange, Zone
from app.orm.base import utcnow
from app.services.demo_data import DEMO_SOURCE, DemoChainBreakdown, generate_demo

_BATCH = 5000


@dataclass(frozen=True)
class DemoLoadResult:
    """What the loader did."""

    loaded: bool
    zones: int
    observations: int
    chain_breakdowns: int
    reason: str


def load_demo(session: Session) -> DemoLoadResult:
    """Insert the demo zones, observations and chain breakdowns, but only into a database with no zones."""
    existing = session.scalar(select(func.count()).select_from(Zone)) or 0
    if existing:
        return DemoLoadResult(False, 0, 0, 0, f"the database already holds {existing} zone(s); demo data not loaded")
    data = generate_demo()
    now = utcnow()
    session.execute(insert(Zone), [
        {"code": z.code, "name_zh": z.name_zh, "name_en": z.name_en, "province": z.province, "city": z.city,
         "level": z.level, "kind": z.kind, "year_approved": z.year_approved, "pilot": z.pilot,
         "leading_chain": z.leading_chain, "source": DEMO_SOURCE, "created_at": now, "updated_at": now}
        for z in data.zones
    ])
    ids = dict(session.execute(select(Zone.code, Zone.id)).all())
    obs_rows: list[dict[str, Any]] = [
        {"zone_id": ids[o.zone_code], "indicator_code": o.indicator_code, "year": o.year, "value": o.value,
         "source": DEMO_SOURCE, "status": "reported", "submitted_by": "seed-demo", "updated_at": now,
         "revision": 1}
        for o in data.observations
    ]
    change_rows: list[dict[str, Any]] = [
        {"zone_id": r["zone_id"], "indicator_code": r["indicator_code"], "year": r["year"], "old_value": None,
         "new_value": r["value"], "old_status": None, "new_status": "reported", "source": DEMO_SOURCE,
         "changed_by": "seed-demo", "changed_at": now, "request_id": None}
        for r in obs_rows
    ]
    for start in range(0, len(obs_rows), _BATCH):
        session.execute(insert(Observation), obs_rows[start : start + _BATCH])
        session.execute(insert(ObservationChange), change_rows[start : start + _BATCH])
    _insert_breakdowns(session, data.chain_breakdowns, ids, now)
    session.flush()
    return DemoLoadResult(True, len(data.zones), len(obs_rows), len(data.chain_breakdowns), "loaded")


def _insert_breakdowns(
    session: Session, breakdowns: Sequence[DemoChainBreakdown], zone_ids: dict[str, int], now: datetime
) -> None:
    """The breakdowns, their key products and one history entry each (as an API write would leave them)."""
    figures = [
        {"revenue": c.revenue, "segments_covered": c.segments_covered, "key_components": c.key_components,
         "key_components_with_alt": c.key_components_with_alt, "local_procurement_share": c.local_procurement_share,
         "key_products": [asdict(p) for p in c.key_products] or None, "source": DEMO_SOURCE}
        for c in breakdowns
    ]
    session.execute(insert(ChainBreakdown), [
        {"zone_id": zone_ids[c.zone_code], "year": c.year, "chain_code": c.chain_code, "submitted_by": "seed-demo",
         "updated_at": now, "revision": 1, **{k: v for k, v in f.items() if k != "key_products"}}
        for c, f in zip(breakdowns, figures, strict=True)
    ])
    ids = {(z, y, c): i for i, z, y, c in session.execute(
        select(ChainBreakdown.id, ChainBreakdown.zone_id, ChainBreakdown.year, ChainBreakdown.chain_code))}
    products = [
        {"breakdown_id": ids[(zone_ids[c.zone_code], c.year, c.chain_code)], **asdict(p)}
        for c in breakdowns for p in c.key_products
    ]
    for start in range(0, len(products), _BATCH):
        session.execute(insert(ChainKeyProduct), products[start : start + _BATCH])
    session.execute(insert(ChainBreakdownChange), [
        {"zone_id": zone_ids[c.zone_code], "year": c.year, "chain_code": c.chain_code, "old": None, "new": f,
         "changed_by": "seed-demo", "changed_at": now, "request_id": None}
        for c, f in zip(breakdowns, figures, strict=True)
    ])
