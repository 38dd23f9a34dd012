"""File imports of observations (CSV in UTF-8/GB18030, XLSX; wide or long layout)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Response, UploadFile

from app.api.deps import WRITE_RESPONSES, MultipartBody, SessionDep, SettingsDep
from app.api.idempotency import IdempotencyDep
from app.errors import PayloadTooLarge, Problem, ValidationFailed
from app.schemas.observation import ImportResult
from app.security import SubmitKey, ensure_may_write_zones
from app.services.import_parser import ImportParseError, parse_import
from app.services.ingest import RawCell, write_observations
from scoring_models.catalog import indicator_catalog

router = APIRouter(prefix="/api/v1/imports", tags=["imports"])


@router.post("", summary="Import observations from a CSV or XLSX file", response_model=ImportResult,
             dependencies=[MultipartBody], responses=WRITE_RESPONSES)
async def import_file(
    session: SessionDep,
    settings: SettingsDep,
    key: SubmitKey,
    idempotency: IdempotencyDep,
    file: Annotated[UploadFile, File(description="CSV (UTF-8, UTF-8 with BOM, GB18030/GBK) or XLSX")],
) -> ImportResult | Response:
    """Read the file (wide: zone_code, year, one column per indicator; long: zone_code, indicator_code,
    year, value), validate every cell and write all of them, or none with every problem listed.

    Needs a submit key; a key limited to provinces may import only their zones (403 listing the others).
    With an ``Idempotency-Key`` header a repeat returns the first result and writes nothing."""
    data = await file.read(settings.max_upload_bytes + 1)
    if len(data) > settings.max_upload_bytes:
        raise PayloadTooLarge(f"the file is larger than the limit of {settings.max_upload_bytes} bytes")
    # The file name is part of the request: the same bytes under another name are another import.
    content = (file.filename or "").encode() + b"\0" + data
    if (replay := idempotency.replay(content)) is not None:
        return replay
    try:
        parsed = parse_import(
            data,
            filename=file.filename,
            content_type=file.content_type,
            known_indicators=frozenset(indicator_catalog().by_code()),
            max_rows=settings.max_batch_rows,
        )
    except ImportParseError as exc:
        problems = [
            Problem(row=p.row, column=p.column, code="invalid_file", message=p.message, value=p.value)
            for p in exc.problems
        ]
        raise ValidationFailed(f"the file could not be read: {len(problems)} problem(s)", errors=problems) from None
    ensure_may_write_zones(session, key, (c.zone_code for c in parsed.cells))
    cells = [
        RawCell(row=c.row, column=c.column, zone_code=c.zone_code, indicator_code=c.indicator_code, year=c.year,
                value=c.value)
        for c in parsed.cells
    ]
    summary = write_observations(
        session, cells, earliest_year=settings.earliest_year, actor=key.actor, action="import.create",
        details={"filename": file.filename, "file_format": parsed.file_format, "layout": parsed.layout,
                 "encoding": parsed.encoding, "rows": parsed.row_count},
    )
    result = ImportResult(
        **summary.model_dump(), file_format=parsed.file_format, layout=parsed.layout, encoding=parsed.encoding,
        rows=parsed.row_count,
    )
    idempotency.remember(content, 200, result)
    return result
