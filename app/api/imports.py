"""File imports of observations (CSV in UTF-8/GB18030, XLSX; wide or long layout)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Response, UploadFile
from starlette.concurrency import run_in_threadpool

from app.api.deps import MultipartBody, SessionDep, SettingsDep
from app.api.idempotency import IdempotencyDep
from app.api.responses import WRITE_RESPONSES, problem_responses
from app.errors import PayloadTooLarge
from app.metrics import record_import
from app.schemas.observation import ImportResult
from app.security import SubmitKey, ensure_may_write_zones
from app.services.imports import file_bounds
from app.services.imports import import_file as import_service

router = APIRouter(prefix="/api/v1/imports", tags=["imports"])


@router.post("", summary="Import observations from a CSV or XLSX file", response_model=ImportResult,
             dependencies=[MultipartBody], responses={**WRITE_RESPONSES, **problem_responses(503)})
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
    With an ``Idempotency-Key`` header a repeat returns the first result and writes nothing.

    A workbook is inspected before it is read (its declared and actual sizes, cell references, shared
    strings) and parsed in a child process with bounded memory and time: a file beyond a limit
    (``ZONESCORE_IMPORT_MAX_*``) or a bound is a 413 naming it, a damaged or hostile one (a DTD, a ZIP
    bomb) a 422, every parser busy a 503 with ``Retry-After``. A file with nothing to import is a 422."""
    data = await file.read(settings.max_upload_bytes + 1)
    if len(data) > settings.max_upload_bytes:
        raise PayloadTooLarge(f"the file is larger than the limit of {settings.max_upload_bytes} bytes")
    # The file name is part of the request: the same bytes under another name are another import.
    content = (file.filename or "").encode() + b"\0" + data
    if (replay := idempotency.replay(content)) is not None:
        return replay
    # Parsing and writing are synchronous work on the request's session: off the event loop, so other
    # requests are served meanwhile.
    result = await run_in_threadpool(
        import_service, session, data, filename=file.filename, content_type=file.content_type,
        earliest_year=settings.earliest_year, max_rows=settings.max_batch_rows, actor=key.actor,
        authorize=lambda codes: ensure_may_write_zones(session, key, codes), bounds=file_bounds(settings),
    )
    record_import(result.file_format, result.rows, result)
    idempotency.remember(content, 200, result)
    return result
