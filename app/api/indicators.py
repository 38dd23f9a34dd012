"""The indicator catalog (read-only)."""

from __future__ import annotations

from fastapi import APIRouter
from sqlalchemy import select

from app.api.deps import NOT_FOUND_RESPONSES, SessionDep
from app.errors import NotFound
from app.models import IndicatorRow
from app.schemas.indicator import IndicatorList, IndicatorOut
from app.security import ReadAccess
from scoring_models.catalog import indicator_catalog

router = APIRouter(prefix="/api/v1/indicators", tags=["indicators"])


@router.get("", summary="The indicator catalog", response_model=IndicatorList)
def list_indicators(session: SessionDep, reader: ReadAccess) -> IndicatorList:
    """Every indicator the service accepts, with units, direction, dimension, nature and valid range."""
    order = {ind.code: i for i, ind in enumerate(indicator_catalog().indicators)}
    rows = sorted(session.scalars(select(IndicatorRow)), key=lambda r: (order.get(r.code, len(order)), r.code))
    return IndicatorList(
        catalog_version=indicator_catalog().catalog_version,
        total=len(rows),
        items=[IndicatorOut.model_validate(r) for r in rows],
    )


@router.get("/{code}", summary="One indicator", response_model=IndicatorOut, responses=NOT_FOUND_RESPONSES)
def get_indicator(session: SessionDep, reader: ReadAccess, code: str) -> IndicatorOut:
    """One catalog indicator by code."""
    row = session.get(IndicatorRow, code)
    if row is None:
        raise NotFound(f"no indicator with code {code!r}")
    return IndicatorOut.model_validate(row)
