"""Keep the stored indicator catalog equal to the shipped data file."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.orm import IndicatorRow
from scoring_models.catalog import indicator_catalog


def sync_indicator_catalog(session: Session) -> int:
    """Insert or update every catalog indicator; return how many rows changed.

    Indicators that left the catalog are kept (observations may reference them) — the catalog
    only ever grows or is corrected.
    """
    catalog = indicator_catalog()
    stored = {row.code: row for row in session.scalars(select(IndicatorRow))}
    changed = 0
    for ind in catalog.indicators:
        values = {
            "name_zh": ind.name_zh,
            "name_en": ind.name_en,
            "unit": ind.unit,
            "direction": ind.direction.value,
            "dimension": ind.dimension,
            "nature": ind.nature.value,
            "kind": ind.kind.value,
            "min_value": ind.min_value,
            "max_value": ind.max_value,
            "definition": ind.definition,
            "derived_from_chain": ind.derived_from_chain,
            "catalog_version": catalog.catalog_version,
        }
        row = stored.get(ind.code)
        if row is None:
            session.add(IndicatorRow(code=ind.code, **values))
            changed += 1
        elif any(getattr(row, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(row, k, v)
            changed += 1
    session.flush()
    return changed

