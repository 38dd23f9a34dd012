"""The indicator catalog (read-only)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request, Response
from sqlalchemy import select

from app.api.deps import SessionDep
from app.api.responses import NOT_MODIFIED, problem_responses
from app.errors import NotFound
from app.http_cache import json_response, not_modified, version_etag
from app.i18n import Lang, Language, localised_headers, localized
from app.orm import IndicatorRow
from app.schemas.indicator import IndicatorList, IndicatorOut
from app.security import ReadAccess
from scoring_models.catalog import indicator_catalog

router = APIRouter(prefix="/api/v1/indicators", tags=["indicators"])

IndicatorCode = Annotated[str, Path(description="indicator code", examples=["rd_intensity"])]

def _out(row: IndicatorRow, lang: Language) -> IndicatorOut:
    fields = {name: getattr(row, name) for name in IndicatorOut.model_fields if name != "name"}
    return IndicatorOut(name=localized(row.name_zh, row.name_en, lang), **fields)


def _cache_key(lang: Language, code: str = "*") -> tuple[str, dict[str, str]]:
    # The catalog rows change only when a new catalog version is synced by a migration, so the
    # version (plus the language of `name`) determines the body; no need to read the rows first.
    etag = version_etag(f"indicators:{indicator_catalog().catalog_version}:{lang}:{code}")
    return etag, localised_headers(lang)


@router.get("", summary="The indicator catalog", response_model=IndicatorList, responses=NOT_MODIFIED)
def list_indicators(request: Request, session: SessionDep, reader: ReadAccess, lang: Lang) -> Response:
    """Every indicator the service accepts, with units, direction, dimension, nature and valid range.

    `name` is in the language chosen by `?lang=` or `Accept-Language` (default zh-CN); `name_zh` and
    `name_en` are always present. The reply carries an ETag derived from the catalog version:
    send it back in `If-None-Match` to get `304 Not Modified`."""
    etag, extra = _cache_key(lang)
    hit = not_modified(request, etag, immutable=False, extra=extra)
    if hit is not None:
        return hit
    order = {ind.code: i for i, ind in enumerate(indicator_catalog().indicators)}
    rows = sorted(session.scalars(select(IndicatorRow)), key=lambda r: (order.get(r.code, len(order)), r.code))
    body = IndicatorList(
        catalog_version=indicator_catalog().catalog_version,
        total=len(rows),
        items=[_out(r, lang) for r in rows],
    )
    return json_response(body, etag=etag, immutable=False, extra=extra)


@router.get(
    "/{code}", summary="One indicator", response_model=IndicatorOut,
    responses={**NOT_MODIFIED, **problem_responses(404)},
)
def get_indicator(
    request: Request, session: SessionDep, reader: ReadAccess, code: IndicatorCode, lang: Lang
) -> Response:
    """One catalog indicator by code (e.g. `rd_intensity`), with `name` in the chosen language; 404 when
    the code is not in the catalog. Cached with an ETag like the list."""
    row = session.get(IndicatorRow, code)
    if row is None:
        raise NotFound(f"no indicator with code {code!r}")
    etag, extra = _cache_key(lang, code)
    hit = not_modified(request, etag, immutable=False, extra=extra)
    if hit is not None:
        return hit
    return json_response(_out(row, lang), etag=etag, immutable=False, extra=extra)
