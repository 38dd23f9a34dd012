"""Tabular files (CSV, XLSX) from rows and column specs; pure functions, no database and no HTTP.

A table is a sequence of rows (mappings) plus an ordered column spec; headers are in zh-CN or en.
CSV is UTF-8 *with* BOM and CRLF line ends because that is what Excel needs to show Chinese
correctly when the file is double-clicked (without the BOM it guesses the ANSI code page). XLSX has
a bold, frozen header row and column widths fitted to the content. For example::

    ranking = Sheet("排名", rows, RANKING_COLUMNS)
    method = key_value_sheet("方法说明", [("模型", "innovation-peak 1.0"), ("权重", "专家权重")])
    body = to_xlsx([ranking, method], lang)

Choosing a format for a request and wrapping the bytes in a response is :mod:`app.api.downloads`.
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

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from app.i18n import Language, localized
from app.services.control_chars import printable
from app.texts import TEXTS


class FileFormat(StrEnum):
    """The file formats a table is written in."""

    CSV = "csv"
    XLSX = "xlsx"


@dataclass(frozen=True)
class Column:
    """One exported column: the row key it reads and its header in both languages."""

    key: str
    header_zh: str
    header_en: str

    def header(self, lang: Language) -> str:
        """The header in ``lang``."""
        return localized(self.header_zh, self.header_en, lang)


@dataclass(frozen=True)
class Sheet:
    """A named worksheet of an XLSX export."""

    name: str
    rows: Sequence[Mapping[str, Any]]
    columns: Sequence[Column]


def text_column(key: str, text_key: str | None = None) -> Column:
    """A column reading ``key``, headed by the app text ``text_key`` (default: ``key``) of :mod:`app.texts`."""
    zh, en = TEXTS[text_key or key]
    return Column(key, zh, en)


KEY_VALUE_COLUMNS = (text_column("key", "item"), text_column("value"))

_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")
# Spreadsheet programs run a text cell that starts with = + - @ as a formula ("CSV injection"), also
# after leading spaces (a no-break or ideographic space too, or an invisible zero-width one) and in the
# full-width and small forms a Chinese IME types; a cell starting with a tab or line break may be
# trimmed into one. Zone names and sources come from users, so such text gets an apostrophe in CSV.
_FORMULA_START = re.compile(
    r"[\t\r\n]|[\s\u200b-\u200d\u2060\ufeff]*[=+\-@\uff1d\uff0b\uff0d\uff20\ufe62\ufe63\ufe66\ufe6b]"
)


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
    if not isinstance(value, str):
        return str(value)
    # text stored before control characters were refused is written printable (control_chars.printable)
    text = printable(value)
    return "'" + text if _FORMULA_START.match(text) else text


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
    if isinstance(value, str):
        # openpyxl refuses control characters (IllegalCharacterError); text stored before they were
        # refused must not make every export of it fail
        value = printable(value)
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
