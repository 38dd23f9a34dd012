"""Tabular exports (CSV, XLSX) and the choice of format for a request; pure functions, no database.

A table is a sequence of rows (mappings) plus an ordered column spec; headers are in zh-CN or en.
CSV is UTF-8 *with* BOM and CRLF line ends because that is what Excel needs to show Chinese
correctly when the file is double-clicked (without the BOM it guesses the ANSI code page). XLSX has
a bold, frozen header row and column widths fitted to the content.

For the lead's evaluation exports::

    ranking = Sheet("排名", rows, RANKING_COLUMNS)
    method = key_value_sheet("方法说明", [("模型", "innovation-peak 1.0"), ("权重", "专家权重")], lang)
    body = to_xlsx([ranking, method], lang)
    return export_response(body, ExportFormat.XLSX, "evaluation-42")
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any
from urllib.parse import quote

from fastapi import Response
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from app.errors import AppError
from app.i18n import Language
from app.negotiation import by_preference

CSV_MEDIA_TYPE = "text/csv; charset=utf-8"
XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
JSON_MEDIA_TYPE = "application/json"


class ExportFormat(StrEnum):
    """The representations a list endpoint can return."""

    JSON = "json"
    CSV = "csv"
    XLSX = "xlsx"


_MEDIA_TYPES = {
    ExportFormat.JSON: JSON_MEDIA_TYPE,
    ExportFormat.CSV: "text/csv",
    ExportFormat.XLSX: XLSX_MEDIA_TYPE,
}


class NotAcceptable(AppError):
    """None of the formats the client asked for can be produced."""

    status, slug, title = 406, "not-acceptable", "Not acceptable"


@dataclass(frozen=True)
class Column:
    """One exported column: the row key it reads and its header in both languages."""

    key: str
    header_zh: str
    header_en: str

    def header(self, lang: Language) -> str:
        """The header in ``lang``."""
        return self.header_zh if lang is Language.ZH_CN else self.header_en


@dataclass(frozen=True)
class Sheet:
    """A named worksheet of an XLSX export."""

    name: str
    rows: Sequence[Mapping[str, Any]]
    columns: Sequence[Column]


KEY_VALUE_COLUMNS = (Column("key", "项目", "Item"), Column("value", "内容", "Value"))

_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")
# Spreadsheet programs run a text cell that starts with these as a formula ("CSV injection");
# zone names and sources come from users, so such text is prefixed with an apostrophe in CSV.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def key_value_sheet(name: str, items: Iterable[tuple[str, Any]]) -> Sheet:
    """A two-column sheet (项目/Item, 内容/Value), e.g. the methodology notes of an evaluation."""
    return Sheet(name, [{"key": k, "value": v} for k, v in items], KEY_VALUE_COLUMNS)


def _csv_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return _naive_utc(value).isoformat(sep=" ", timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))  # 1236.0 → "1236", as the value was entered
    if isinstance(value, StrEnum):
        return value.value
    text = str(value)
    if isinstance(value, str) and text.startswith(_FORMULA_START):
        return "'" + text
    return text


def to_csv(rows: Iterable[Mapping[str, Any]], columns: Sequence[Column], lang: Language = Language.ZH_CN) -> bytes:
    """CSV bytes: UTF-8 with BOM, CRLF line ends, a header row in ``lang``, then one line per row."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([c.header(lang) for c in columns])
    for row in rows:
        writer.writerow([_csv_text(row.get(c.key)) for c in columns])
    return buffer.getvalue().encode("utf-8-sig")


def _naive_utc(value: datetime) -> datetime:
    # Excel has no time zones (openpyxl refuses aware datetimes): store UTC wall time.
    return value.astimezone(UTC).replace(tzinfo=None) if value.tzinfo else value


def _display_width(value: Any) -> int:
    text = _csv_text(value)
    # Chinese characters take two columns in a spreadsheet cell.
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def check_sheet_name(name: str) -> str:
    """``name`` if Excel accepts it as a sheet name (1–31 characters, none of ``[]:*?/\\``), else ValueError."""
    if not 1 <= len(name) <= 31 or _BAD_SHEET_CHARS.search(name) or name.startswith("'") or name.endswith("'"):
        raise ValueError(f"invalid sheet name {name!r}: 1–31 characters, none of []:*?/\\ and no edge apostrophe")
    return name


def _cell(ws: WriteOnlyWorksheet, value: Any, bold: Font | None = None) -> WriteOnlyCell:
    if isinstance(value, StrEnum):
        value = value.value
    elif isinstance(value, datetime):
        value = _naive_utc(value)
    elif value is not None and not isinstance(value, str | int | float | bool | date):
        value = str(value)
    cell = WriteOnlyCell(ws, value=value)
    if isinstance(value, str):
        # openpyxl stores text starting with "=" as a formula; user text must stay text.
        cell.data_type = "s"
    elif isinstance(value, datetime):
        cell.number_format = "yyyy-mm-dd hh:mm:ss"
    if bold is not None:
        cell.font = bold
    return cell


def to_xlsx(sheets: Sequence[Sheet], lang: Language = Language.ZH_CN) -> bytes:
    """XLSX bytes with one worksheet per :class:`Sheet`, in order: header row in ``lang`` (bold, frozen)
    and column widths fitted to the longest value (capped so long texts do not make huge columns)."""
    if not sheets:
        raise ValueError("an XLSX export needs at least one sheet")
    names = [check_sheet_name(s.name) for s in sheets]
    if len({n.lower() for n in names}) != len(names):
        raise ValueError(f"sheet names must be unique (case-insensitively): {names}")
    # Write-only mode streams rows to the file instead of holding a cell object per value, which
    # keeps a 100 000-row observation export within a few tens of megabytes.
    workbook = Workbook(write_only=True)
    bold = Font(bold=True)
    for sheet in sheets:
        ws = workbook.create_sheet(sheet.name)
        headers = [c.header(lang) for c in sheet.columns]
        for index, column in enumerate(sheet.columns, start=1):
            widest = max([_display_width(headers[index - 1])] + [_display_width(r.get(column.key)) for r in sheet.rows])
            ws.column_dimensions[get_column_letter(index)].width = min(max(widest + 2, 8), 60)
        ws.freeze_panes = "A2"
        ws.append([_cell(ws, h, bold) for h in headers])
        for row in sheet.rows:
            ws.append([_cell(ws, row.get(c.key)) for c in sheet.columns])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


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
