"""Which years hold data, and which year each model can evaluate."""

from __future__ import annotations

from fastapi import APIRouter, Response

from app.api.deps import SessionDep
from app.api.filters import ProvinceFilter
from app.http_cache import CACHE_REVALIDATE
from app.i18n import LocalisedLang
from app.schemas.coverage import Coverage
from app.security import ReadAccess
from app.services.coverage import data_coverage
from app.services.matrix import ZoneFilter

router = APIRouter(prefix="/api/v1/coverage", tags=["coverage"])


@router.get("", summary="Data coverage by year, indicator and model", response_model=Coverage)
def get_coverage(
    session: SessionDep, reader: ReadAccess, response: Response, lang: LocalisedLang, province: ProvinceFilter = None,
) -> Coverage:
    """For every year that holds data: how many of the zones report each indicator (chain-derived indicators
    included, as a run computes them), and for every model whether its coverage checks would let it rank
    zones that year — `latest_year` is the newest year `POST /evaluations` can evaluate. The zones are those
    an evaluation covers by default (high-tech zones), narrowed to `province` when given. Not cached: it
    changes with every write."""
    response.headers["Cache-Control"] = CACHE_REVALIDATE
    return data_coverage(session, ZoneFilter(provinces=list(province or ())), lang)
