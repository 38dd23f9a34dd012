"""Downloads over HTTP: the ``?format=`` parameter and ``Accept`` negotiation shared by the endpoints that
offer CSV and XLSX, and the response that carries a file (the files themselves come from the services)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from enum import StrEnum
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import Depends, Query, Request, Response
from pydantic import WithJsonSchema

from app.errors import AppError
from app.negotiation import by_preference
from app.services.exports import FileFormat

CSV_MEDIA_TYPE = "text/csv; charset=utf-8"
XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
JSON_MEDIA_TYPE = "application/json"


class ExportFormat(StrEnum):
    """The representations a list endpoint can return."""

    JSON = "json"
    CSV = "csv"
    XLSX = "xlsx"

    def file_format(self) -> FileFormat:
        """The file format of a download (ValueError for JSON, which is no download)."""
        return FileFormat(self.value)


_MEDIA_TYPES = {
    ExportFormat.JSON: JSON_MEDIA_TYPE,
    ExportFormat.CSV: "text/csv",
    ExportFormat.XLSX: XLSX_MEDIA_TYPE,
}


class NotAcceptable(AppError):
    """None of the formats the client asked for can be produced."""

    status, slug, title = 406, "not-acceptable", "Not acceptable"


def _matches(media_range: str, media_type: str) -> bool:
    if media_range == "*/*":
        return True
    kind, _, sub = media_range.partition("/")
    return media_range == media_type or (sub == "*" and media_type.startswith(kind + "/"))


def choose_format(
    format_param: str | None,
    accept: str | None,
    allowed: Sequence[ExportFormat] = (ExportFormat.JSON, ExportFormat.CSV, ExportFormat.XLSX),
) -> ExportFormat:
    """The format for a reply: ``?format=`` when given, else the best match of ``Accept``, else JSON.

    Raises :class:`NotAcceptable` (406 problem+json) when ``?format=`` names a format not in
    ``allowed`` or when ``Accept`` admits none of them. JSON wins ties, so browsers (``*/*``) get JSON.
    """
    choices = ", ".join(f.value for f in allowed)
    if format_param is not None:
        try:
            wanted = ExportFormat(format_param.strip().lower())
        except ValueError:
            wanted = None
        if wanted is None or wanted not in allowed:
            raise NotAcceptable(f"format {format_param!r} is not available; choose one of {choices}")
        return wanted
    if not accept or not accept.strip():
        return ExportFormat.JSON if ExportFormat.JSON in allowed else allowed[0]
    for media_range in (m.lower() for m in by_preference(accept)):
        if media_range == "application/problem+json":
            continue  # asks for error bodies, not a representation of the resource
        for fmt in allowed:
            if _matches(media_range, _MEDIA_TYPES[fmt]):
                return fmt
    raise NotAcceptable(f"none of the media types in Accept can be produced; available: {choices} "
                        "(application/json, text/csv, "
                        f"{XLSX_MEDIA_TYPE})")


def content_disposition(filename: str) -> str:
    """An ``attachment`` Content-Disposition with an ASCII fallback and the UTF-8 name (RFC 6266/8187)."""
    ascii_name = "".join(ch if ch.isascii() and (ch.isalnum() or ch in "._-") else "_" for ch in filename)
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename, safe='')}"


def export_response(
    body: bytes, fmt: ExportFormat, filename_stem: str, headers: Mapping[str, str] | None = None
) -> Response:
    """A download of ``body`` as ``<filename_stem>.<csv|xlsx>`` with the right media type."""
    if fmt is ExportFormat.JSON:
        raise ValueError("JSON replies are ordinary responses, not downloads")
    media_type = CSV_MEDIA_TYPE if fmt is ExportFormat.CSV else XLSX_MEDIA_TYPE
    all_headers = {"Content-Disposition": content_disposition(f"{filename_stem}.{fmt.value}"), **(headers or {})}
    return Response(body, media_type=media_type, headers=all_headers)


async def get_export_format(
    request: Request,
    format: Annotated[
        # Any text reaches choose_format, which answers 406 Not Acceptable (not 422) for a format it cannot give.
        Annotated[str, WithJsonSchema({"type": "string", "enum": [f.value for f in ExportFormat]})] | None,
        Query(max_length=20, description="json (default), csv (UTF-8 with BOM, for Excel) or xlsx; overrides the "
              "Accept header (406 for another format). Downloads hold every matching row (limit/offset apply to "
              "JSON only).", examples=["csv"]),
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
