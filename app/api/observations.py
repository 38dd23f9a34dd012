"""Observations: batch upsert, long/wide queries, cell history."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from app.api.deps import JsonBody, Limit, Offset, SessionDep, SettingsDep
from app.api.downloads import DOWNLOAD_CONTENT, ExportFormat, FormatDep, export_response
from app.api.idempotency import IdempotencyDep
from app.api.paging import set_page_links
from app.api.responses import WRITE_RESPONSES, problem_responses
from app.errors import PayloadTooLarge
from app.i18n import Lang
from app.schemas.codes import IndicatorCode
from app.schemas.common import Page, WriteSummary
from app.schemas.observation import ObservationBatch, ObservationChangeOut, ObservationOut, WideRow
from app.security import ReadAccess, SubmitKey, ensure_may_write_zones
from app.services import observations as queries
from app.services.export_tables import observation_table
from app.services.exports import Sheet, to_csv, to_xlsx
from app.services.ingest import RawCell, write_observations
from app.texts import text

router = APIRouter(prefix="/api/v1/observations", tags=["observations"])


class Form(StrEnum):
    """Long: one item per cell. Wide: one item per zone-year."""

    LONG = "long"
    WIDE = "wide"


@router.post("", summary="Insert or update observations (all or nothing)", response_model=WriteSummary,
             dependencies=[JsonBody], responses=WRITE_RESPONSES)
def upsert_observations(
    session: SessionDep, settings: SettingsDep, key: SubmitKey, idempotency: IdempotencyDep, body: ObservationBatch
) -> WriteSummary | Response:
    """Validate every cell (known zone and indicator, year in range, value a number inside the indicator's
    valid range, no key twice); write all of them or, if any is bad, none and list every problem with its
    row. Changed cells keep their history (`GET /observations/history`).

    Needs a submit key; a key limited to provinces may write only their zones (403 listing the others).
    With an ``Idempotency-Key`` header a repeat returns the first result and writes nothing."""
    content = body.model_dump_json().encode()
    if (replay := idempotency.replay(content)) is not None:
        return replay
    if len(body.observations) > settings.max_batch_rows:
        raise PayloadTooLarge(f"a batch holds at most {settings.max_batch_rows} observations")
    ensure_may_write_zones(session, key, (o.zone_code for o in body.observations))
    cells = [
        RawCell(row=i, column="value", zone_code=o.zone_code, indicator_code=o.indicator_code, year=o.year,
                value=o.value, source=o.source, status=o.status.value)
        for i, o in enumerate(body.observations, start=1)
    ]
    summary = write_observations(session, cells, earliest_year=settings.earliest_year, actor=key.actor)
    idempotency.remember(content, 200, summary)
    return summary


@router.get(
    "",
    summary="Query observations",
    response_model=Page[ObservationOut] | Page[WideRow],
    responses={200: {"content": DOWNLOAD_CONTENT}, **problem_responses(400, 406)},
)
def list_observations(
    request: Request,
    response: Response,
    session: SessionDep,
    reader: ReadAccess,
    settings: SettingsDep,
    fmt: FormatDep,
    lang: Lang,
    zone: Annotated[
        list[Annotated[str, Query(max_length=40)]] | None,
        Query(description="zone code; repeat for several (any of them matches)", examples=[["DEMO-33-N01"]]),
    ] = None,
    indicator: Annotated[
        list[IndicatorCode] | None,
        Query(description="indicator code; repeat for several (any of them matches)",
              examples=[["rd_intensity", "hte_count"]]),
    ] = None,
    year_from: Annotated[int | None, Query(ge=1900, le=2200, description="first year, included",
                                           examples=[2022])] = None,
    year_to: Annotated[int | None, Query(ge=1900, le=2200, description="last year, included", examples=[2024])] = None,
    form: Annotated[Form, Query(description="long: one item per cell; wide: one item per zone and year",
                                examples=["wide"])] = Form.LONG,
    limit: Limit = 100,
    offset: Offset = 0,
) -> Page[ObservationOut] | Page[WideRow] | Response:
    """Cells filtered by zones (e.g. `DEMO-33-N01`), indicators (e.g. `rd_intensity`) and a year range;
    `form=wide` pivots to one row per zone-year. `?format=csv|xlsx` (or the matching `Accept`) downloads
    every matching cell; its headers (园区代码, 指标代码, 年份, 数值 …) are those the import accepts, so the
    file can be edited and imported again."""
    if fmt is not ExportFormat.JSON:
        table, columns = observation_table(
            session, lang, zones=zone, indicators=indicator, year_from=year_from, year_to=year_to,
            wide=form is Form.WIDE, max_rows=settings.max_export_rows,
        )
        body = (to_csv(table, columns, lang) if fmt is ExportFormat.CSV
                else to_xlsx([Sheet(text("sheet_observations", lang), table, columns)], lang))
        return export_response(body, fmt, f"observations-{form.value}-{date.today():%Y%m%d}",
                               headers={"Content-Language": lang.value})
    if form is Form.WIDE:
        rows, total = queries.query_wide(session, zones=zone, indicators=indicator, year_from=year_from,
                                         year_to=year_to, limit=limit, offset=offset)
        set_page_links(request, response, total=total, limit=limit, offset=offset)
        return Page[WideRow](items=rows, total=total, limit=limit, offset=offset)
    items, total = queries.query_long(session, zones=zone, indicators=indicator, year_from=year_from,
                                      year_to=year_to, limit=limit, offset=offset)
    set_page_links(request, response, total=total, limit=limit, offset=offset)
    return Page[ObservationOut](items=items, total=total, limit=limit, offset=offset)


@router.get("/history", summary="History of one cell", response_model=list[ObservationChangeOut],
            responses=problem_responses(422))
def get_observation_history(
    session: SessionDep,
    reader: ReadAccess,
    zone: Annotated[str, Query(max_length=40, description="zone code", examples=["DEMO-33-N01"])],
    indicator: Annotated[IndicatorCode, Query(description="indicator code", examples=["rd_intensity"])],
    year: Annotated[int, Query(ge=1900, le=2200, description="year of the cell", examples=[2024])],
) -> list[ObservationChangeOut]:
    """Every change ever made to one zone × indicator × year cell (old and new value and status, who and
    when, the request id), oldest first; empty when the cell was never written."""
    return queries.cell_history(session, zone, indicator, year)
