"""Zones."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Path, Query, Response

from app.api.deps import JsonBody, Limit, Offset, SessionDep, SettingsDep
from app.api.downloads import DOWNLOAD_CONTENT, ExportFormat, FormatDep, export_response
from app.api.responses import WRITE_RESPONSES, problem_responses
from app.i18n import Lang, Language
from app.schemas.common import Page
from app.schemas.zone import Level, ZoneCreate, ZoneKind, ZoneOut, ZoneUpdate
from app.security import AdminKey, ReadAccess
from app.services import zones as service
from app.services.export_tables import zone_table
from app.services.exports import Sheet, to_csv, to_xlsx
from app.texts import text

# The zone workbook's sheet is named in Chinese whatever the language (as it always was; the CLI follows
# --lang): changing it would change downloads that clients may read by sheet name.
ZONES_SHEET = text("sheet_zones", Language.ZH_CN)

router = APIRouter(prefix="/api/v1/zones", tags=["zones"])

ZoneCode = Annotated[str, Path(description="zone code", examples=["DEMO-33-N01"])]


@router.get(
    "",
    summary="List zones",
    response_model=Page[ZoneOut],
    responses={200: {"content": DOWNLOAD_CONTENT}, **problem_responses(400, 406)},
)
def list_zones(
    session: SessionDep,
    reader: ReadAccess,
    settings: SettingsDep,
    fmt: FormatDep,
    lang: Lang,
    province: Annotated[str | None, Query(description="GB/T 2260 two-digit code, e.g. 33", examples=["33"])] = None,
    level: Level | None = None,
    kind: ZoneKind | None = None,
    pilot: bool | None = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> Page[ZoneOut] | Response:
    """Zones ordered by code, filtered by province (e.g. `33` 浙江省), level, kind and pilot flag, with the
    total count. `?format=csv|xlsx` (or `Accept: text/csv` / the XLSX media type) downloads every matching
    zone with headers and labels in the chosen language (`?lang=`, `Accept-Language`; default zh-CN)."""
    if fmt is not ExportFormat.JSON:
        rows, columns = zone_table(session, lang, province=province, level=level, kind=kind, pilot=pilot,
                                   max_rows=settings.max_export_rows)
        body = (to_csv(rows, columns, lang) if fmt is ExportFormat.CSV
                else to_xlsx([Sheet(ZONES_SHEET, rows, columns)], lang))
        return export_response(body, fmt, f"zones-{date.today():%Y%m%d}", headers={"Content-Language": lang.value})
    items, total = service.list_zones(
        session, province=province, level=level, kind=kind, pilot=pilot, limit=limit, offset=offset
    )
    return Page[ZoneOut](items=[ZoneOut.model_validate(z) for z in items], total=total, limit=limit, offset=offset)


@router.post("", status_code=201, summary="Create a zone", response_model=ZoneOut,
             dependencies=[JsonBody], responses=WRITE_RESPONSES)
def create_zone(session: SessionDep, admin: AdminKey, body: ZoneCreate) -> ZoneOut:
    """Store a new zone (code such as `DEMO-33-N01`, Chinese name, GB/T 2260 province code, level, kind,
    declared leading chain from the chain catalog); 409 when the code is already used."""
    return ZoneOut.model_validate(service.create_zone(session, body, actor=admin.actor))


@router.get("/{code}", summary="Get a zone", response_model=ZoneOut, responses=problem_responses(404))
def get_zone(session: SessionDep, reader: ReadAccess, code: ZoneCode) -> ZoneOut:
    """One zone by its code, e.g. `DEMO-33-N01`; 404 when no zone has that code."""
    return ZoneOut.model_validate(service.get_zone(session, code))


@router.patch("/{code}", summary="Update a zone", response_model=ZoneOut, dependencies=[JsonBody],
              responses={**WRITE_RESPONSES, **problem_responses(404)})
def update_zone(session: SessionDep, admin: AdminKey, code: ZoneCode, body: ZoneUpdate) -> ZoneOut:
    """Change the given fields of a zone; omitted fields stay as they are and the code itself cannot
    change. 404 when no zone has that code."""
    return ZoneOut.model_validate(service.update_zone(session, code, body, actor=admin.actor))
