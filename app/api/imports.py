"""File imports of observations (CSV in UTF-8/GB18030, XLSX; wide or long layout)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, UploadFile

from app.api.deps import RequestIdDep, SessionDep, SettingsDep
from app.api.responses import problem_responses
from app.errors import PayloadTooLarge
from app.metrics import record_import
from app.schemas.observation import ImportResult
from app.services.imports import import_file as import_service

router = APIRouter(prefix="/api/v1/imports", tags=["imports"])


@router.post("", summary="Import observations from a CSV or XLSX file", response_model=ImportResult,
             responses=problem_responses(413, 422))
async def import_file(
    session: SessionDep,
    settings: SettingsDep,
    request_id: RequestIdDep,
    file: Annotated[UploadFile, File(description="CSV (UTF-8, UTF-8 with BOM, GB18030/GBK) or XLSX")],
) -> ImportResult:
    """Read the file (wide: zone_code, year, one column per indicator; long: zone_code, indicator_code,
    year, value), validate every cell and write all of them, or none with every problem listed."""
    data = await file.read(settings.max_upload_bytes + 1)
    if len(data) > settings.max_upload_bytes:
        raise PayloadTooLarge(f"the file is larger than the limit of {settings.max_upload_bytes} bytes")
    result = import_service(
        session, data, filename=file.filename, content_type=file.content_type,
        earliest_year=settings.earliest_year, max_rows=settings.max_batch_rows, request_id=request_id,
    )
    record_import(result.file_format, result.rows, result)
    return result
