"""What an upload is (CSV or XLSX, checked against its name and type) and the CSV reader.

The format comes from the file name's extension; without a recognised extension, from the content
type; without either, from the bytes. The bytes are then verified against the claimed format. A
content type that contradicts a recognised extension is ignored rather than refused, because
browsers derive it unreliably (Windows sends ``application/vnd.ms-excel`` for ``.csv`` files).

CSV decoding: a UTF-16 byte-order mark selects UTF-16 (Excel's "Unicode text" export); otherwise
strict UTF-8 (a leading BOM is dropped), and if that fails, GB18030 (a superset of GBK/GB2312, which
is what Excel writes on Chinese Windows). Delimiter: comma, tab or semicolon, whichever splits the
first non-blank lines into the most fields (ties go to comma). A CSV file is read in this process:
it is text of at most ``ZONESCORE_MAX_UPLOAD_BYTES`` with no compression and no native reader, and
its rows, fields per line and fields in all are bounded by the import limits as they stream past.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence
from typing import Literal, TypeAlias

from app.services.import_cells import Raw
from app.services.import_problems import CellProblem, ImportLimits, ImportParseError, ImportTooLarge, limit_problem

__all__ = ["FileFormat", "decide_format", "decode_csv", "describe_claim", "fail", "is_effectively_empty",
           "mismatch", "read_csv", "require_zip_bytes"]

FileFormat: TypeAlias = Literal["csv", "xlsx"]

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
# the delimiter is chosen on the first lines: up to ten one-cell title lines may precede the header
_MAX_TITLE_ROWS = 10

# --- format detection and verification -------------------------------------------------------------


def fail(message: str, value: str | None = None) -> ImportParseError:
    """An error with one file-wide problem."""
    return ImportParseError([CellProblem(None, None, message, value)])


def is_effectively_empty(data: bytes) -> bool:
    """Whether ``data`` holds nothing but whitespace and byte-order marks."""
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


def describe_claim(filename: str | None, content_type: str | None) -> str | None:
    """What the upload claims to be (its name, else a recognised content type), for messages."""
    if _extension(filename) is not None:
        return f"the file is named {filename!r}"
    media = _media_type(content_type)
    if media in _XLSX_TYPES or media in _CSV_TYPES:
        return f"the file was sent as {media!r}"
    return None


def mismatch(claim: str | None, expected: str, actual: str) -> ImportParseError:
    """The error for a file that is ``actual`` where ``claim`` says it should be ``expected``."""
    if claim is None:
        return fail(f"the file is {actual}, not {expected}")
    return fail(f"{claim}, so it should be {expected}, but it is {actual}")


def _binary_kind(data: bytes) -> str | None:
    for magic, kind in _BINARY_SIGNATURES:
        if data.startswith(magic):
            return kind
    return None


def decide_format(data: bytes, filename: str | None, content_type: str | None) -> FileFormat:
    """The format to read ``data`` as: from the extension, else the content type, else the bytes."""
    ext = _extension(filename)
    if ext is not None:
        if ext in _CSV_EXTENSIONS:
            return "csv"
        if ext in _XLSX_EXTENSIONS:
            return "xlsx"
        if ext in _REFUSED_EXTENSIONS:
            raise fail(_REFUSED_EXTENSIONS[ext], filename)
        raise fail(f"unsupported file type {ext!r}: upload a .xlsx workbook or a .csv file", filename)
    media = _media_type(content_type)
    if media in _XLSX_TYPES:
        return "xlsx"
    if media in _CSV_TYPES:
        return "csv"
    # No usable name or type (or an ambiguous one like application/vnd.ms-excel): trust the bytes.
    if data.startswith(_ZIP_MAGIC):
        return "xlsx"
    if data.startswith(_OLE_MAGIC):
        raise fail(_REFUSED_EXTENSIONS[".xls"])
    return "csv"


# --- CSV ---------------------------------------------------------------------------------------------


def decode_csv(data: bytes, claim: str | None) -> tuple[str, str]:
    """(encoding, text) of CSV bytes: UTF-16 with a BOM, else UTF-8 (BOM dropped), else GB18030."""
    kind = _binary_kind(data)
    if kind is not None:
        hint = " (if it is a workbook, upload it with a .xlsx name)" if data.startswith(_ZIP_MAGIC) else ""
        raise mismatch(claim, "CSV text", kind + hint)
    if data.startswith(_UTF16_BOMS):
        try:
            return "utf-16", data.decode("utf-16")
        except UnicodeDecodeError:
            raise mismatch(claim, "CSV text", "damaged UTF-16 text") from None
    if b"\x00" in data:
        raise mismatch(claim, "CSV text", "binary data")
    try:
        text = data.decode("utf-8-sig")
        return ("utf-8-sig" if data.startswith(_UTF8_BOM) else "utf-8"), text
    except UnicodeDecodeError:
        pass
    try:
        return "gb18030", data.decode("gb18030")
    except UnicodeDecodeError:
        raise mismatch(
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


def read_csv(text: str, limits: ImportLimits) -> Iterator[tuple[int, Sequence[Raw]]]:
    """The records of CSV ``text`` numbered from 1, as Excel shows them; a record over the limits ends it."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_choose_delimiter(text))
    number = fields = 0
    try:
        # Rows are numbered by CSV record, which is what Excel shows when it opens the file.
        for number, record in enumerate(reader, start=1):
            fields += len(record)
            if len(record) > limits.max_columns or number > limits.max_rows or fields > limits.max_cells:
                raise _over_limits(number, len(record), fields, limits)
            yield number, record
    except csv.Error as exc:
        raise ImportParseError(
            [CellProblem(number + 1, None, f"malformed CSV (near line {reader.line_num}): {exc}")]
        ) from None


def _over_limits(number: int, width: int, fields: int, limits: ImportLimits) -> ImportTooLarge:
    if width > limits.max_columns:
        problem = limit_problem("too_many_columns", f"record {number} has {width:,} fields", "max_columns",
                                limits.max_columns, "split the file")
    elif number > limits.max_rows:
        problem = limit_problem("too_many_rows", f"the file has more than {limits.max_rows:,} records", "max_rows",
                                limits.max_rows, "split the file")
    else:
        problem = limit_problem("too_many_cells", f"the file has more than {limits.max_cells:,} fields",
                                "max_cells", limits.max_cells, "split the file")
    return ImportTooLarge([problem])


def require_zip_bytes(data: bytes, claim: str | None) -> None:
    """Refuse, naming what the bytes are, unless ``data`` starts like a ZIP archive (a workbook)."""
    if not data.startswith(_ZIP_MAGIC):
        kind = _binary_kind(data)
        if kind is None:
            kind = (
                "text (it looks like CSV; name it .csv)" if b"\x00" not in data[:4096] else "not a workbook"
            )
        raise mismatch(claim, "an .xlsx workbook", kind)
