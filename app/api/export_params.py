"""The ``?format=`` parameter and ``Accept`` negotiation shared by list endpoints that offer downloads."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Query, Request

from app.services.exports import XLSX_MEDIA_TYPE, ExportFormat, choose_format


async def get_export_format(
    request: Request,
    format: Annotated[
        str | None,
        Query(description="json (default), csv (UTF-8 with BOM, for Excel) or xlsx; overrides the Accept header. "
                          "Downloads hold every matching row (limit/offset apply to JSON only).",
              examples=["csv"]),
    ] = None,
) -> ExportFormat:
    """Dependency: the representation the client wants (406 problem+json when none can be produced)."""
    return choose_format(format, request.headers.get("accept"))


FormatDep = Annotated[ExportFormat, Depends(get_export_format)]

# OpenAPI: the downloads as alternative 200 bodies of a list operation.
DOWNLOAD_CONTENT: dict[str, Any] = {
    "text/csv": {
        "schema": {"type": "string"},
        "example": "\ufeff园区代码,园区名称\r\nDEMO-33-N01,示例高新区-浙江01\r\n",
    },
    XLSX_MEDIA_TYPE: {"schema": {"type": "string", "format": "binary"}},
}
