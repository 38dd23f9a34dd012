"""Zones."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response

from app.api.deps import JsonBody, Limit, Offset, QueryBool, SessionDep, SettingsDep
from app.api.downloads import DOWNLOAD_CONTENT, ExportFormat, FormatDep, export_response
from app.api.filters import LevelFilter, ProvinceFilter
from app.api.paging import set_page_links
from app.api.responses import WRITE_RESPONSES, problem_responses
from app.i18n import Language, LocalisedLang
from app.schemas.common import Page
from app.schemas.zone import ZoneCreate, ZoneKind, ZoneOut, ZoneUpdate
from app.security import AdminKey, ReadAccess
from app.services import zones as service
from app.services.export_tables import zone_table
from app.services.exports import Sheet, to_csv, to_xlsx
from app.texts import text

# The zone workbook's sheet is named in Chinese whatever the language (as it always was; the CLI follows
# --lang): changing it would change downloads that clients may read by sheet name.
ZONES_SHEET = text("sheet_zones", Language.ZH_CN)

router = APIRouter(prefix="/api/v1/zones", tags=["zones"])

ZoneCode = Annotated[str, Path(max_length=40, description="zone code", examples=["DEMO-33-N01"])]


@router.get(
    "",
    summary="List zones",
    response_model=Page[ZoneOut],
    responses={200: {"content": DOWNLOAD_CONTENT}, **problem_responses(400, 406)},
)
def list_zones(
    request: Request,
    response: Response,
    session: SessionDep,
    reader: ReadAccess,
    settings: SettingsDep,
    fmt: FormatDep,
    lang: LocalisedLang,
    province: ProvinceFilter = None,
    level: LevelFilter = None,
    kind: Annotated[list[ZoneKind] | None, Query(description="hitech (高新区) or econ_dev (经开区); repeat for "
                                                 "several (any of them matches)", examples=[["hitech"]])] = None,
    pilot: Annotated[QueryBool | None, Query(description="true: innovation pilot zones only; false: the others",
                                             examples=[True])] = None,
    limit: Limit = 50,
    offset: Offset = 0,
) -> Page[ZoneOut] | Response:
    """Zones ordered by code, filtered by province (e.g. `33` 浙江省), level, kind and pilot flag, with the
    total count; repeat a filter for several values. Codes come with their labels in the chosen language
    (`?lang=`, `Accept-Language`; default zh-CN); the `Link` header points at the other pages.
    `?format=csv|xlsx` (or `Accept: text/csv` / the XLSX media type) downloads every matching zone."""
    kinds = [k.value for k in kind or ()]
    levels = [v.value for v in level or ()]
    if fmt is not ExportFormat.JSON:
        rows, columns = zone_table(session, lang, province=province, level=levels, kind=kinds, pilot=pilot,
                                   max_rows=settings.max_export_rows)
        body = (to_csv(rows, columns, lang) if fmt is ExportFormat.CSV
                else to_xlsx([Sheet(ZONES_SHEET, rows, columns)], lang))
        return export_response(body, fmt, f"zones-{date.today():%Y%m%d}", headers={"Content-Language": lang.value})
    items, total = service.list_zones(
        session, province=province, level=levels, kind=kinds, pilot=pilot, limit=limit, offset=offset
    )
    set_page_links(request, response, total=total, limit=limit, offset=offset)
    return Page[ZoneOut](items=[ZoneOut.of(z, lang) for z in items], total=total, limit=limit, offset=offset)


@router.post("", status_code=201, summary="Create a zone", response_model=ZoneOut,
             dependencies=[JsonBody], responses=WRITE_RESPONSES)
def create_zone(session: SessionDep, admin: AdminKey, lang: LocalisedLang, body: ZoneCreate) -> ZoneOut:
    """Store a new zone (code such as `DEMO-33-N01`, Chinese name, GB/T 2260 province code, level, kind,
    declared leading chain from the chain catalog); 409 when the code is already used."""
    return ZoneOut.of(service.create_zone(session, body, actor=admin.actor), lang)


@router.get("/{code}", summary="Get a zone", response_model=ZoneOut, responses=problem_responses(404))
def get_zone(session: SessionDep, reader: ReadAccess, lang: LocalisedLang, code: ZoneCode) -> ZoneOut:
    """One zone by its code, e.g. `DEMO-33-N01`; 404 when no zone has that code."""
    return ZoneOut.of(service.get_zone(session, code), lang)


@router.patch("/{code}", summary="Update a zone", response_model=ZoneOut, dependencies=[JsonBody],
              responses={**WRITE_RESPONSES, **problem_responses(404)})
def update_zone(session: SessionDep, admin: AdminKey, lang: LocalisedLang, code: ZoneCode, body: ZoneUpdate) -> ZoneOut:
    """Change the given fields of a zone; omitted fields stay as they are and the code itself cannot
    change. 404 when no zone has that code."""
    return ZoneOut.of(service.update_zone(session, code, body, actor=admin.actor), lang)
