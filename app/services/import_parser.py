"""Parse an uploaded indicator file (CSV or XLSX) into long-form cells.

This module is pure: it takes bytes and returns data, with no database or web framework. Checks that
need the database or the catalog's ranges (zone existence, year bounds, value ranges) belong to the
caller; this module only checks what can be decided from the file alone, and it reports *every*
problem it finds in one :class:`ImportParseError` instead of stopping at the first.

Formats
    * **CSV** (``.csv``, ``.txt``, ``.tsv``). Decoding: a UTF-16 byte-order mark selects UTF-16
      (Excel's "Unicode text" export); otherwise strict UTF-8 (a leading BOM is dropped), and if that
      fails, GB18030 (a superset of GBK/GB2312, which is what Excel writes on Chinese Windows). The
      encoding used is reported as ``"utf-8"``, ``"utf-8-sig"`` (BOM present), ``"gb18030"`` or
      ``"utf-16"``. Delimiter: comma, tab or semicolon, whichever splits the first non-blank line
      into the most fields (ties go to comma).
    * **XLSX** (``.xlsx``, ``.xlsm``; read with python-calamine, which never evaluates formulas and so
      sees the values Excel cached). The sheet read is the first whose trimmed, case-folded name is
      one of ``data``, ``observations``, ``数据``, ``导入``, ``import``; otherwise the first visible
      worksheet. Legacy ``.xls`` and other spreadsheet formats are refused with a message asking for
      ``.xlsx`` or CSV.

    The format comes from the file name's extension; without a recognised extension, from the content
    type; without either, from the bytes. The bytes are then verified against the claimed format.
    A content type that contradicts a recognised extension is ignored rather than refused, because
    browsers derive it unreliably (Windows sends ``application/vnd.ms-excel`` for ``.csv`` files).

Layouts (header names are matched trimmed and case-insensitively, with Chinese aliases)
    * **long**: ``zone_code``, ``indicator_code``, ``year``, ``value``; any other column is ignored.
    * **wide**: ``zone_code``, ``year`` and one column per indicator code. Label columns listed in
      :data:`IGNORED_WIDE_COLUMNS` (zone name, province, city, note, source …) are ignored; with
      ``known_indicators`` every other header must be a known code. Blank cells are missing values.

    The header is the first non-blank row, except that up to ten rows holding a single value (a
    title, possibly merged across columns) may precede it.

Values
    Accepted: ints and floats from XLSX; text holding a decimal number with optional sign, surrounding
    whitespace (including full-width and no-break spaces), scientific notation, ``1,234.5`` style
    thousands separators (well-formed groups only), and full-width digits/punctuation (``１２３．５``).
    Refused: percent signs, units, underscores (``1_000``), dashes used as "missing" (leave the
    cell blank instead), booleans, dates, and NaN/infinity ("not a finite number"). Years may be
    ``2024``, ``"2024"``, ``"2024.0"`` or ``2024.0``. Problem values are echoed truncated to
    :data:`MAX_ECHO_CHARS` characters.
"""

from __future__ import annotations

import csv
import datetime
import io
import math
import re
import unicodedata
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import ClassVar, Literal, TypeAlias

import python_calamine

__all__ = [
    "IGNORED_WIDE_COLUMNS",
    "MAX_ECHO_CHARS",
    "CellProblem",
    "ImportParseError",
    "ParsedCell",
    "ParsedImport",
    "parse_import",
    "read_import",
]

Layout: TypeAlias = Literal["wide", "long"]
FileFormat: TypeAlias = Literal["csv", "xlsx"]
_Raw: TypeAlias = (
    str | int | float | bool | datetime.date | datetime.datetime | datetime.time | datetime.timedelta
)

MAX_ECHO_CHARS = 80
"""Offending values are echoed in problems up to this many characters, so a huge cell cannot bloat
the error response."""

IGNORED_WIDE_COLUMNS: frozenset[str] = frozenset(
    {
        "zone_name", "name", "园区名称", "园区名", "园区", "名称",
        "province", "省份", "省", "所在省份",
        "city", "城市", "市", "所在城市",
        "note", "notes", "remark", "remarks", "comment", "comments", "备注", "说明",
        "source", "来源", "数据来源",
        "no", "序号",
    }
)  # fmt: skip
"""Normalised header names that are labels, not indicators, and are skipped in wide form."""

_ROLE_ALIASES: dict[str, str] = {
    "zone_code": "zone", "zone": "zone", "zonecode": "zone", "园区代码": "zone", "园区编码": "zone",
    "园区编号": "zone",
    "indicator_code": "indicator", "indicator": "indicator", "indicatorcode": "indicator",
    "指标": "indicator", "指标代码": "indicator", "指标编码": "indicator",
    "year": "year", "年份": "year", "年度": "year", "年": "year",
    "value": "value", "值": "value", "数值": "value", "指标值": "value",
}  # fmt: skip
_ROLE_NAMES = {"zone": "zone_code", "indicator": "indicator_code", "year": "year", "value": "value"}

_PREFERRED_SHEETS = ("data", "observations", "数据", "导入", "import")
_CSV_EXTENSIONS = frozenset({".csv", ".txt", ".tsv"})
_XLSX_EXTENSIONS = frozenset({".xlsx", ".xlsm"})
_REFUSED_EXTENSIONS = {
    ".xls": "legacy Excel 97-2003 (.xls) files are not supported; save the workbook as .xlsx or CSV",
    ".xlsb": "binary Excel (.xlsb) files are not supported; save the workbook as .xlsx or CSV",
    ".et": "WPS spreadsheets (.et) are not supported; save the workbook as .xlsx or CSV",
    ".ods": "OpenDocument spreadsheets (.ods) are not supported; save the workbook as .xlsx or CSV",
    ".numbers": "Numbers files are not supported; export the sheet as .xlsx or CSV",
}
_XLSX_TYPES = frozenset(
    {
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/vnd.ms-excel.sheet.macroenabled.12",
    }
)
_CSV_TYPES = frozenset(
    {
        "text/csv", "text/plain", "application/csv", "text/x-csv", "application/x-csv",
        "text/comma-separated-values", "text/tab-separated-values",
    }
)  # fmt: skip

_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_UTF8_BOM = b"\xef\xbb\xbf"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
# Signatures of files people upload by mistake; naming them beats a vague "cannot decode".
_BINARY_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (_ZIP_MAGIC, "an Excel workbook or other ZIP archive"),
    (b"PK\x05\x06", "an empty ZIP archive"),
    (_OLE_MAGIC, "a legacy .xls or password-protected Office file"),
    (b"%PDF", "a PDF document"),
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"Rar!", "a RAR archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
)

# calamine materialises the whole used range, so a sheet whose used range is absurdly large (one
# stray cell at XFD1048576) must be refused before reading, not after exhausting memory.
_MAX_XLSX_CELLS = 20_000_000
# Guards against ZIP bombs: the declared uncompressed size of the workbook's parts.
_MAX_XLSX_UNCOMPRESSED = 1 << 30
_MAX_TITLE_ROWS = 10
_MAX_SUMMARY_PROBLEMS = 20

_THOUSANDS_RE = re.compile(r"[+-]?\d{1,3}(?:,\d{3})+(?:\.\d*)?(?:[eE][+-]?\d+)?")
_HEADER_SPACE_RE = re.compile(r"[\s\-]+")


@dataclass(frozen=True)
class ParsedCell:
    """One observation read from the file: a value of one indicator for one zone in one year."""

    row: int
    """1-based row number as Excel shows it: the sheet row for XLSX, the CSV record number for CSV
    (equal to the line number unless a quoted cell spans lines). The header is normally row 1."""
    column: str
    """The header of the column the value came from (an indicator code in wide form, ``value`` in long)."""
    zone_code: str
    indicator_code: str
    year: int
    value: float
    # what a write needs beyond the file (ingest.Cell): imports carry no source and report values
    source: ClassVar[str | None] = None
    status: ClassVar[str] = "reported"


@dataclass(frozen=True)
class CellProblem:
    """One thing wrong with the file; ``row``/``column`` are ``None`` when it concerns the whole file.

    ``code`` is the one a JSON batch gives for the same mistake (``not_a_number``, ``duplicate_key``,
    ``unknown_indicator`` …) or one of the file's own (``missing_column``, ``invalid_year`` …);
    ``invalid_file`` when the file as a whole cannot be read.
    """

    row: int | None
    column: str | None
    message: str
    value: str | None = None
    code: str = "invalid_file"


class ImportParseError(Exception):
    """The file cannot be imported; :attr:`problems` lists every problem found, in file order."""

    problems: list[CellProblem]

    def __init__(self, problems: Sequence[CellProblem]) -> None:
        self.problems = list(problems)
        super().__init__(_summarise(self.problems))


@dataclass(frozen=True)
class ParsedImport:
    """A read file: the detected layout and format, the cells that parsed, in file order, and the problems
    of the cells that did not (empty from :func:`parse_import`, which raises instead)."""

    layout: Layout
    file_format: FileFormat
    encoding: str | None
    """CSV text encoding (``utf-8``, ``utf-8-sig``, ``gb18030`` or ``utf-16``); ``None`` for XLSX."""
    cells: list[ParsedCell]
    row_count: int
    """Number of non-blank data rows (rows below the header that hold at least one value)."""
    problems: list[CellProblem] = field(default_factory=list)
    """Every problem of the rows below the header (and of the header's columns), in file order."""
    columns: dict[str, str] = field(default_factory=dict)
    """The file's own header of each role it has (``zone_code``, ``indicator_code``, ``year``, ``value``)."""


def parse_import(
    data: bytes,
    *,
    filename: str | None,
    content_type: str | None,
    known_indicators: frozenset[str] | None = None,
    max_rows: int | None = None,
) -> ParsedImport:
    """Parse an uploaded CSV or XLSX file into long-form cells.

    ``known_indicators``, when given, is the set of valid indicator codes: other codes are problems,
    and codes matching one case-insensitively are returned in the catalog's spelling. ``max_rows``
    caps the number of non-blank data rows. Raises :class:`ImportParseError` (and nothing else) for
    any file that cannot be imported, listing every problem found.
    """
    parsed = read_import(data, filename=filename, content_type=content_type, known_indicators=known_indicators,
                         max_rows=max_rows)
    if parsed.problems:
        raise ImportParseError(parsed.problems)
    return parsed


def read_import(
    data: bytes,
    *,
    filename: str | None,
    content_type: str | None,
    known_indicators: frozenset[str] | None = None,
    max_rows: int | None = None,
) -> ParsedImport:
    """Read an uploaded CSV or XLSX file like :func:`parse_import`, but keep going past bad cells.

    Raises :class:`ImportParseError` only when the file as a whole cannot be read (format, encoding,
    header, size); otherwise returns the cells that parsed together with the problems of those that did
    not, so a caller can check the good cells too and report everything at once.
    """
    if _is_effectively_empty(data):
        raise ImportParseError([CellProblem(None, None, "empty file: the upload contains no data")])
    file_format = _decide_format(data, filename, content_type)
    encoding: str | None
    rows: Iterable[tuple[int, Sequence[_Raw]]]
    if file_format == "xlsx":
        encoding = None
        rows, col_offset = _read_xlsx(data, _describe_claim(filename, content_type))
    else:
        encoding, text = _decode_csv(data, _describe_claim(filename, content_type))
        rows, col_offset = _read_csv(text), 0
    return _parse_rows(rows, col_offset, known_indicators, max_rows, file_format, encoding)


# --- format detection and verification -------------------------------------------------------------


def _fail(message: str, value: str | None = None) -> ImportParseError:
    return ImportParseError([CellProblem(None, None, message, value)])


def _is_effectively_empty(data: bytes) -> bool:
    stripped = data.strip()
    for bom in (_UTF8_BOM, *_UTF16_BOMS):
        if stripped.startswith(bom):
            stripped = stripped[len(bom) :]
            break
    # A UTF-16 file of only whitespace still holds NUL bytes, so strip those too after a BOM.
    return not stripped.strip(b" \t\r\n\x00")


def _extension(filename: str | None) -> str | None:
    if not filename:
        return None
    base = filename.replace("\\", "/").rsplit("/", 1)[-1]
    if "." not in base.strip("."):
        return None
    return "." + base.rsplit(".", 1)[1].strip().lower()


def _media_type(content_type: str | None) -> str:
    return (content_type or "").split(";", 1)[0].strip().lower()


def _describe_claim(filename: str | None, content_type: str | None) -> str | None:
    if _extension(filename) is not None:
        return f"the file is named {filename!r}"
    media = _media_type(content_type)
    if media in _XLSX_TYPES or media in _CSV_TYPES:
        return f"the file was sent as {media!r}"
    return None


def _mismatch(claim: str | None, expected: str, actual: str) -> ImportParseError:
    if claim is None:
        return _fail(f"the file is {actual}, not {expected}")
    return _fail(f"{claim}, so it should be {expected}, but it is {actual}")


def _binary_kind(data: bytes) -> str | None:
    for magic, kind in _BINARY_SIGNATURES:
        if data.startswith(magic):
            return kind
    return None


def _decide_format(data: bytes, filename: str | None, content_type: str | None) -> FileFormat:
    ext = _extension(filename)
    if ext is not None:
        if ext in _CSV_EXTENSIONS:
            return "csv"
        if ext in _XLSX_EXTENSIONS:
            return "xlsx"
        if ext in _REFUSED_EXTENSIONS:
            raise _fail(_REFUSED_EXTENSIONS[ext], filename)
        raise _fail(f"unsupported file type {ext!r}: upload a .xlsx workbook or a .csv file", filename)
    media = _media_type(content_type)
    if media in _XLSX_TYPES:
        return "xlsx"
    if media in _CSV_TYPES:
        return "csv"
    # No usable name or type (or an ambiguous one like application/vnd.ms-excel): trust the bytes.
    if data.startswith(_ZIP_MAGIC):
        return "xlsx"
    if data.startswith(_OLE_MAGIC):
        raise _fail(_REFUSED_EXTENSIONS[".xls"])
    return "csv"


# --- CSV ---------------------------------------------------------------------------------------------


def _decode_csv(data: bytes, claim: str | None) -> tuple[str, str]:
    kind = _binary_kind(data)
    if kind is not None:
        hint = " (if it is a workbook, upload it with a .xlsx name)" if data.startswith(_ZIP_MAGIC) else ""
        raise _mismatch(claim, "CSV text", kind + hint)
    if data.startswith(_UTF16_BOMS):
        try:
            return "utf-16", data.decode("utf-16")
        except UnicodeDecodeError:
            raise _mismatch(claim, "CSV text", "damaged UTF-16 text") from None
    if b"\x00" in data:
        raise _mismatch(claim, "CSV text", "binary data")
    try:
        text = data.decode("utf-8-sig")
        return ("utf-8-sig" if data.startswith(_UTF8_BOM) else "utf-8"), text
    except UnicodeDecodeError:
        pass
    try:
        return "gb18030", data.decode("gb18030")
    except UnicodeDecodeError:
        raise _mismatch(
            claim,
            "CSV text",
            "in neither UTF-8 nor GB18030/GBK (save it from Excel as 'CSV UTF-8')",
        ) from None


def _choose_delimiter(text: str) -> str:
    # Several lines, not just the first, because a one-cell title line may sit above the header.
    lines = [line for line in text[:65536].splitlines()[:50] if line.strip()][: _MAX_TITLE_ROWS + 2]
    best, best_count = ",", 0
    for delimiter in (",", "\t", ";"):
        try:
            count = max((len(fields) for fields in csv.reader(lines, delimiter=delimiter)), default=0)
        except csv.Error:
            continue
        if count > best_count:
            best, best_count = delimiter, count
    return best


def _read_csv(text: str) -> Iterator[tuple[int, Sequence[_Raw]]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_choose_delimiter(text))
    number = 0
    try:
        # Rows are numbered by CSV record, which is what Excel shows when it opens the file.
        for number, record in enumerate(reader, start=1):
            yield number, record
    except csv.Error as exc:
        raise ImportParseError(
            [CellProblem(number + 1, None, f"malformed CSV (near line {reader.line_num}): {exc}")]
        ) from None


# --- XLSX --------------------------------------------------------------------------------------------


def _verify_xlsx_zip(data: bytes, claim: str | None) -> None:
    if not data.startswith(_ZIP_MAGIC):
        kind = _binary_kind(data)
        if kind is None:
            kind = (
                "text (it looks like CSV; name it .csv)" if b"\x00" not in data[:4096] else "not a workbook"
            )
        raise _mismatch(claim, "an .xlsx workbook", kind)
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
    except Exception as exc:  # zipfile raises a zoo of types (BadZipFile, ValueError, struct.error …)
        raise _mismatch(claim, "an .xlsx workbook", f"a damaged ZIP archive ({exc})") from None
    names = {info.filename for info in infos}
    if "xl/workbook.xml" not in names:
        if "xl/workbook.bin" in names:
            kind = "a binary .xlsb workbook (save it as .xlsx)"
        elif "content.xml" in names:
            kind = "an OpenDocument file (save it as .xlsx)"
        elif "word/document.xml" in names:
            kind = "a Word document"
        else:
            kind = "a ZIP archive that is not an Excel workbook"
        raise _mismatch(claim, "an .xlsx workbook", kind)
    if sum(info.file_size for info in infos) > _MAX_XLSX_UNCOMPRESSED:
        raise _fail("the workbook is too large once decompressed; split it or upload CSV")


def _choose_sheet(workbook: python_calamine.CalamineWorkbook) -> str:
    by_name = {name.strip().casefold(): name for name in workbook.sheet_names}
    for preferred in _PREFERRED_SHEETS:
        if preferred in by_name:
            return by_name[preferred]
    for meta in workbook.sheets_metadata:
        if (
            meta.typ == python_calamine.SheetTypeEnum.WorkSheet
            and meta.visible == python_calamine.SheetVisibleEnum.Visible
        ):
            return meta.name
    if not workbook.sheet_names:
        raise _fail("the workbook has no sheets")
    return workbook.sheet_names[0]


def _read_xlsx(data: bytes, claim: str | None) -> tuple[list[tuple[int, Sequence[_Raw]]], int]:
    _verify_xlsx_zip(data, claim)
    try:
        with python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data)) as workbook:
            sheet = workbook.get_sheet_by_name(_choose_sheet(workbook))
            if sheet.height * sheet.width > _MAX_XLSX_CELLS:
                raise _fail(
                    f"sheet {sheet.name!r} spans {sheet.height} rows x {sheet.width} columns, too many "
                    "to import; delete stray cells far from the data or split the file"
                )
            start = sheet.start or (0, 0)
            values = sheet.to_python(skip_empty_area=True)
    except ImportParseError:
        raise
    except (KeyboardInterrupt, SystemExit):
        raise
    # A Rust panic inside calamine surfaces as pyo3's PanicException, which is not an Exception.
    except BaseException as exc:
        raise _mismatch(claim, "a readable .xlsx workbook", f"damaged ({exc})") from None
    first_row = start[0] + 1
    return [(first_row + i, row) for i, row in enumerate(values)], start[1]


# --- table parsing -----------------------------------------------------------------------------------


def _is_blank(raw: _Raw) -> bool:
    return raw == "" or (isinstance(raw, str) and not raw.strip())


def _echo(raw: _Raw) -> str:
    text = raw if isinstance(raw, str) else str(raw)
    return text if len(text) <= MAX_ECHO_CHARS else text[: MAX_ECHO_CHARS - 1] + "…"


def _text(raw: _Raw) -> str:
    if isinstance(raw, str):
        return raw.strip()
    # Excel stores numeric-looking codes as floats; 110108.0 must come back as the code "110108".
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    if isinstance(raw, datetime.date | datetime.time):
        return raw.isoformat()
    return str(raw)


def _normalise_header(raw: _Raw) -> str:
    text = unicodedata.normalize("NFKC", _text(raw)).replace("\ufeff", "").strip().casefold()
    return _HEADER_SPACE_RE.sub("_", text)


def _column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


_NOT_FINITE = "not a finite number"


def _parse_number(raw: _Raw) -> float | str:
    """Return the value as a finite float, or a message saying why it is not one."""
    if isinstance(raw, str):
        # float() would accept PEP 515 underscores ("1_0" == 10), which no spreadsheet means.
        if "_" in raw:
            return "not a number"
        try:
            value = float(raw)  # also strips surrounding Unicode whitespace
        except ValueError:
            slow = _parse_number_slow(raw)
            if slow is None:
                return "not a number"
            value = slow
    elif isinstance(raw, bool):
        return "TRUE/FALSE is not a number; use 1 or 0"
    elif isinstance(raw, int | float):
        value = float(raw)
    else:
        return "a date or time is not a number"
    if not math.isfinite(value):
        return _NOT_FINITE
    return value


def _parse_number_slow(text: str) -> float | None:
    # Full-width digits, comma, point and minus (as typed with a Chinese IME) fold to ASCII under NFKC.
    text = unicodedata.normalize("NFKC", text).strip().replace("\u2212", "-")
    if _THOUSANDS_RE.fullmatch(text):
        text = text.replace(",", "")
    try:
        return float(text)
    except ValueError:
        return None


def _parse_year(raw: _Raw) -> int | str:
    """Return the year as an int, or a message saying why it is not one (bounds are the caller's)."""
    if isinstance(raw, int) and not isinstance(raw, bool):
        return raw
    if isinstance(raw, str):
        text = raw.strip()
        if not text:
            return "missing year"
        if "_" not in text:
            try:
                return int(text)
            except ValueError:
                pass
    if isinstance(raw, datetime.date | datetime.time | datetime.timedelta):
        return "year must be a number such as 2024, not a date"
    number = _parse_number(raw)
    if isinstance(number, str):
        return "year is not a number"
    if not number.is_integer():
        return "year is not a whole number"
    return int(number)


def _header_roles(cells: Sequence[_Raw]) -> dict[str, int]:
    roles: dict[str, int] = {}
    for index, cell in enumerate(cells):
        role = _ROLE_ALIASES.get(_normalise_header(cell))
        if role is not None and role not in roles:
            roles[role] = index
    return roles


def _looks_like_data(cells: Sequence[_Raw]) -> bool:
    return any(not isinstance(_parse_number(c), str) for c in cells if not _is_blank(c))


def _missing_header_error(row: int, cells: Sequence[_Raw]) -> ImportParseError:
    roles = _header_roles(cells)
    required = ["zone", "year"]
    if "indicator" in roles or "value" in roles:
        required += ["indicator", "value"]
    missing = ", ".join(_ROLE_NAMES[r] for r in required if r not in roles)
    message = (
        f"missing required column(s): {missing}. The first row must be a header: "
        "zone_code, indicator_code, year, value (long form) or zone_code, year and one column per "
        "indicator code (wide form)"
    )
    if _looks_like_data(cells):
        message += f"; row {row} looks like data, not a header"
    return ImportParseError([CellProblem(row, None, message, code="missing_column")])


@dataclass
class _Columns:
    """Where each role sits in the header, plus the wide-form indicator columns."""

    layout: Layout
    zone: int
    year: int
    indicator: int
    value: int
    headers: list[str]
    indicators: list[tuple[int, str, str]]  # (index, header as written, indicator code)
    unused: tuple[int, ...]  # wide-form indexes that must stay empty because their header is blank


def _plan_columns(
    header_row: int,
    cells: Sequence[_Raw],
    known: dict[str, str] | None,
    problems: list[CellProblem],
) -> _Columns:
    roles: dict[str, int] = {}
    headers = [_text(c).replace("\ufeff", "") for c in cells]
    layout: Layout = "long" if {"indicator", "value"} & set(_header_roles(cells)) else "wide"
    indicators: list[tuple[int, str, str]] = []
    seen_codes: dict[str, str] = {}
    unused: list[int] = []
    # One pass in column order, so the problems come out in file order.
    for index, cell in enumerate(cells):
        key = _normalise_header(cell)
        role = _ROLE_ALIASES.get(key)
        if role is not None:
            _claim_role(roles, role, index, headers, header_row, problems)
        elif layout == "wide" and key not in IGNORED_WIDE_COLUMNS:
            if not key:
                unused.append(index)
            elif (code := _indicator_code(headers[index], known, seen_codes, header_row, problems)) is not None:
                indicators.append((index, headers[index], code))
    _require_columns(layout, roles, indicators, header_row, problems)
    return _Columns(
        layout=layout,
        zone=roles["zone"],
        year=roles["year"],
        indicator=roles.get("indicator", -1),
        value=roles.get("value", -1),
        headers=headers,
        indicators=indicators,
        unused=tuple(unused),
    )


def _claim_role(
    roles: dict[str, int], role: str, index: int, headers: list[str], header_row: int, problems: list[CellProblem]
) -> None:
    """Give ``role`` to column ``index`` unless an earlier column has it (a problem)."""
    if role not in roles:
        roles[role] = index
        return
    first, name = headers[roles[role]], headers[index]
    problems.append(CellProblem(header_row, name, f"columns {first!r} and {name!r} both mean {_ROLE_NAMES[role]}",
                                code="duplicate_column"))


def _indicator_code(
    name: str, known: dict[str, str] | None, seen_codes: dict[str, str], header_row: int, problems: list[CellProblem]
) -> str | None:
    """The indicator a wide-form header names, or ``None`` after recording why it names none
    (an unknown code, or an indicator an earlier column already holds)."""
    code = name
    if known is not None:
        canonical = known.get(name) or known.get(name.casefold())
        if canonical is None:
            problems.append(CellProblem(header_row, name, "unknown indicator code in header", _echo(name),
                                        code="unknown_indicator"))
            return None
        code = canonical
    if code in seen_codes:
        problems.append(CellProblem(header_row, name, f"columns {seen_codes[code]!r} and {name!r} are the same "
                                    "indicator", code="duplicate_column"))
        return None
    seen_codes[code] = name
    return code


def _require_columns(
    layout: Layout,
    roles: dict[str, int],
    indicators: list[tuple[int, str, str]],
    header_row: int,
    problems: list[CellProblem],
) -> None:
    """Raise when the header cannot be read at all: long form without one of its four columns, or wide
    form without a single indicator column (and no other header problem explaining why)."""
    if layout == "long":
        missing = [_ROLE_NAMES[r] for r in ("zone", "indicator", "year", "value") if r not in roles]
        if missing:
            raise ImportParseError([*problems, CellProblem(
                header_row, None, f"missing required column(s): {', '.join(missing)}", code="missing_column")])
    elif not indicators and not problems:
        raise ImportParseError([CellProblem(
            header_row, None, "no indicator columns: a wide-form file needs one column per indicator",
            code="missing_column")])


def _find_header(
    rows: Iterator[tuple[int, Sequence[_Raw]]],
) -> tuple[int, Sequence[_Raw]]:
    first: tuple[int, Sequence[_Raw]] | None = None
    titles = 0
    for number, cells in rows:
        filled = sum(1 for c in cells if not _is_blank(c))
        if filled == 0:
            continue
        if first is None:
            first = (number, cells)
        roles = _header_roles(cells)
        if "zone" in roles and "year" in roles:
            return number, cells
        # A lone value above the header is a title (often merged across columns); anything wider
        # is where the header should have been.
        if filled > 1 or titles >= _MAX_TITLE_ROWS:
            raise _missing_header_error(number, cells)
        titles += 1
    if first is None:
        raise _fail("empty file: no rows with data")
    raise _missing_header_error(*first)


def _known_codes(known_indicators: frozenset[str] | None) -> dict[str, str] | None:
    """Lookup from a code as written (exactly or case-folded) to the catalog's spelling."""
    if known_indicators is None:
        return None
    known = {code.casefold(): code for code in known_indicators}
    known.update({code: code for code in known_indicators})
    return known


def _is_blank_row(raw_cells: Sequence[_Raw]) -> bool:
    try:
        # One C-level join beats a per-cell check; it only works for all-text (CSV) rows.
        return not "".join(raw_cells).strip()  # type: ignore[arg-type]
    except TypeError:
        return all(_is_blank(c) for c in raw_cells)


def _parse_rows(
    rows: Iterable[tuple[int, Sequence[_Raw]]],
    col_offset: int,
    known_indicators: frozenset[str] | None,
    max_rows: int | None,
    file_format: FileFormat,
    encoding: str | None,
) -> ParsedImport:
    iterator = iter(rows)
    header_row, header_cells = _find_header(iterator)
    known = _known_codes(known_indicators)
    problems: list[CellProblem] = []
    cols = _plan_columns(header_row, header_cells, known, problems)
    reader = _RowReader(cols, known, len(header_cells), col_offset, problems)
    row_count = 0
    for row, raw_cells in iterator:
        if _is_blank_row(raw_cells):
            continue
        row_count += 1
        if max_rows is not None and row_count > max_rows:
            raise _fail(f"too many rows: the file has more than {max_rows} data rows")
        reader.read(row, raw_cells)
    roles = {"zone": cols.zone, "year": cols.year, "indicator": cols.indicator, "value": cols.value}
    columns = {_ROLE_NAMES[role]: cols.headers[index] for role, index in roles.items() if index >= 0}
    return ParsedImport(cols.layout, file_format, encoding, reader.cells, row_count, problems, columns)


class _RowReader:
    """Turns the data rows below the header into cells, recording every problem in file order."""

    def __init__(
        self,
        cols: _Columns,
        known: dict[str, str] | None,
        width: int,
        col_offset: int,
        problems: list[CellProblem],
    ) -> None:
        self.cols = cols
        self.known = known
        self.width = width
        self.col_offset = col_offset
        self.problems = problems
        self.cells: list[ParsedCell] = []
        self._first_seen: dict[tuple[str, str, int], int] = {}
        self._reported_unused: set[int] = set()
        # Years repeat on almost every row; keyed by type too, because True == 1 == 1.0 as dict keys.
        self._years: dict[tuple[type, _Raw], int | str] = {}

    def read(self, row: int, raw_cells: Sequence[_Raw]) -> None:
        """Read one non-blank data row."""
        cols = self.cols
        # In wide form a value beyond the header or under a blank header would otherwise be lost
        # silently; long form ignores extra columns by design.
        if cols.layout == "wide" and (len(raw_cells) > self.width or cols.unused):
            self._check_headerless_columns(row, raw_cells)
        zone = self._zone(row, raw_cells)
        year = self._year(row, raw_cells)
        if cols.layout == "wide":
            self._read_wide(row, raw_cells, zone, year)
        else:
            self._read_long(row, raw_cells, zone, year)

    def _check_headerless_columns(self, row: int, raw_cells: Sequence[_Raw]) -> None:
        n = len(raw_cells)
        for index in (*self.cols.unused, *range(self.width, n)):
            if index < n and index not in self._reported_unused and not _is_blank(raw_cells[index]):
                self._reported_unused.add(index)
                self.problems.append(
                    CellProblem(
                        row,
                        f"column {_column_letter(index + self.col_offset)}",
                        "value in a column without a header",
                        _echo(raw_cells[index]),
                        code="unnamed_column",
                    )
                )

    def _zone(self, row: int, raw_cells: Sequence[_Raw]) -> str:
        """The row's zone code; ``""`` (a problem) when missing."""
        zone_col = self.cols.zone
        zone = _text(raw_cells[zone_col]) if zone_col < len(raw_cells) else ""
        if not zone:
            self.problems.append(CellProblem(row, self.cols.headers[zone_col], "missing zone code",
                                             code="missing_zone_code"))
        return zone

    def _year(self, row: int, raw_cells: Sequence[_Raw]) -> int | str:
        """The row's year, or the message of the problem recorded about it."""
        year_col = self.cols.year
        raw_year: _Raw = raw_cells[year_col] if year_col < len(raw_cells) else ""
        year_key = (raw_year.__class__, raw_year)
        year = self._years.get(year_key)
        if year is None:
            year = self._years[year_key] = _parse_year(raw_year)
        if isinstance(year, str):
            self.problems.append(CellProblem(row, self.cols.headers[year_col], year,
                                             None if _is_blank(raw_year) else _echo(raw_year), code="invalid_year"))
        return year

    def _add(self, row: int, column: str, zone: str, code: str, year: int | str, raw: _Raw) -> None:
        """Keep the cell's value unless it is not a number, its zone, code or year is wrong (already a
        problem) or an earlier row gave the same zone, indicator and year (a problem)."""
        value = _parse_number(raw)
        if isinstance(value, str):
            code = "not_finite" if value == _NOT_FINITE else "not_a_number"
            self.problems.append(CellProblem(row, column, value, _echo(raw), code=code))
            return
        if not zone or not code or isinstance(year, str):
            return
        first = self._first_seen.setdefault((zone, code, year), row)
        if first == row:
            self.cells.append(ParsedCell(row, column, zone, code, year, value))
            return
        self.problems.append(
            CellProblem(
                row,
                column,
                f"duplicate entry: rows {first} and {row} both give zone {zone!r}, indicator {code!r}, year {year}",
                _echo(raw),
                code="duplicate_key",
            )
        )

    def _read_wide(self, row: int, raw_cells: Sequence[_Raw], zone: str, year: int | str) -> None:
        n = len(raw_cells)
        for index, column, code in self.cols.indicators:
            if index < n and not _is_blank(raw_cells[index]):
                self._add(row, column, zone, code, year, raw_cells[index])

    def _read_long(self, row: int, raw_cells: Sequence[_Raw], zone: str, year: int | str) -> None:
        n = len(raw_cells)
        cols = self.cols
        raw_code: _Raw = raw_cells[cols.indicator] if cols.indicator < n else ""
        code = self._long_code(row, raw_code, cols.headers[cols.indicator])
        value_name = cols.headers[cols.value]
        raw_value: _Raw = raw_cells[cols.value] if cols.value < n else ""
        if _is_blank(raw_value):
            self.problems.append(CellProblem(row, value_name, "missing value", code="missing_value"))
        else:
            self._add(row, value_name, zone, code, year, raw_value)

    def _long_code(self, row: int, raw_code: _Raw, column: str) -> str:
        """The long-form row's indicator code in the catalog's spelling; ``""`` (a problem) when it is
        missing or unknown."""
        code = _text(raw_code)
        if not code:
            self.problems.append(CellProblem(row, column, "missing indicator code", code="missing_indicator_code"))
        elif self.known is not None:
            canonical = self.known.get(code) or self.known.get(code.casefold())
            if canonical is None:
                self.problems.append(CellProblem(row, column, "unknown indicator code", _echo(raw_code),
                                                 code="unknown_indicator"))
            code = canonical or ""
        return code


def _summarise(problems: Sequence[CellProblem]) -> str:
    if not problems:
        return "the file cannot be imported"
    lines = []
    for problem in problems[:_MAX_SUMMARY_PROBLEMS]:
        where = []
        if problem.row is not None:
            where.append(f"row {problem.row}")
        if problem.column is not None:
            where.append(f"column {problem.column!r}")
        prefix = ", ".join(where)
        line = f"{prefix}: {problem.message}" if prefix else problem.message
        if problem.value is not None:
            line += f" ({problem.value!r})"
        lines.append(line)
    more = len(problems) - _MAX_SUMMARY_PROBLEMS
    if more > 0:
        lines.append(f"… and {more} more")
    noun = "problem" if len(problems) == 1 else "problems"
    return f"{len(problems)} {noun} in the import file: " + "; ".join(lines)
