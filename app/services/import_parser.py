"""Parse an uploaded indicator file (CSV or XLSX) into long-form cells.

This module is pure: it takes bytes and returns data, with no database or web framework. Checks that
need the database or the catalog's ranges (zone existence, year bounds, value ranges) belong to the
caller; this module only checks what can be decided from the file alone, and it reports *every*
problem it finds (the first ``max_problems`` listed, all counted) in one :class:`ImportParseError`
instead of stopping at the first.

The parts
    * :mod:`app.services.import_formats` decides the format (extension, content type, bytes) and
      reads CSV (UTF-8, UTF-8 with BOM, GB18030/GBK, UTF-16), bounded by the import limits as it
      streams;
    * :mod:`app.services.xlsx_guard` inspects an XLSX archive before any library allocates for it
      (sizes, compression, DTDs, the sheet's cell references, shared strings, styles) and
      :mod:`app.services.xlsx_reader` then reads it with python-calamine — with ``bounds``, both in a
      child process with bounded memory and time (:mod:`app.services.bounded`), so no file can
      exhaust or abort the calling process;
    * :mod:`app.services.import_table` turns rows into cells (layouts, headers, every problem);
    * :mod:`app.services.import_cells` and :mod:`app.services.numbers` say what a cell means.

XLSX sheet: the first whose trimmed, case-folded name is one of ``data``, ``observations``,
``数据``, ``导入``, ``import``; otherwise the first visible worksheet. Legacy ``.xls`` and other
spreadsheet formats are refused with a message asking for ``.xlsx`` or CSV.

Values
    Numbers, or text holding a plain ASCII decimal (:mod:`app.services.numbers`): optional sign,
    one decimal point, optional exponent, whitespace around it. Refused with the row: thousands
    separators, underscores, non-ASCII digits, percent signs, units, dashes used as "missing"
    (leave the cell blank instead), booleans, dates, NaN/infinity, Excel error values and formulas
    saved without a value. A percent-formatted workbook cell (0.125 shown as 12.5%) gives the
    percentage shown (12.5) for an indicator whose unit is %. Years may be ``2024``, ``"2024"``,
    ``"2024.0"`` or ``2024.0``. Problem values are echoed truncated to :data:`MAX_ECHO_CHARS` characters.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import astuple, dataclass

from app.services.bounded import BoundExceeded, ParserBounds, run_bounded
from app.services.import_cells import MAX_ECHO_CHARS
from app.services.import_formats import (
    FileFormat,
    decide_format,
    decode_csv,
    describe_claim,
    fail,
    is_effectively_empty,
    read_csv,
    require_zip_bytes,
)
from app.services.import_problems import (
    CellProblem,
    ImportLimits,
    ImportParseError,
    ImportTooLarge,
)
from app.services.import_table import IGNORED_WIDE_COLUMNS, Layout, ParsedCell, Vocabulary, parse_rows
from app.services.problem_log import DEFAULT_MAX_PROBLEMS
from app.services.xlsx_reader import read_xlsx

__all__ = [
    "IGNORED_WIDE_COLUMNS",
    "MAX_ECHO_CHARS",
    "CellProblem",
    "ImportLimits",
    "ImportParseError",
    "ImportTooLarge",
    "ParsedCell",
    "ParsedImport",
    "ParserBounds",
    "parse_import",
]


@dataclass(frozen=True)
class ParsedImport:
    """The result of a successful parse: the detected layout and format, and the cells in file order."""

    layout: Layout
    file_format: FileFormat
    encoding: str | None
    """CSV text encoding (``utf-8``, ``utf-8-sig``, ``gb18030`` or ``utf-16``); ``None`` for XLSX."""
    cells: list[ParsedCell]
    row_count: int
    """Number of non-blank data rows (rows below the header that hold at least one value)."""


def parse_import(
    data: bytes,
    *,
    filename: str | None,
    content_type: str | None,
    known_indicators: frozenset[str] | None = None,
    indicator_names: Mapping[str, str] | None = None,
    percent_indicators: frozenset[str] = frozenset(),
    max_rows: int | None = None,
    limits: ImportLimits | None = None,
    max_problems: int = DEFAULT_MAX_PROBLEMS,
    bounds: ParserBounds | None = None,
) -> ParsedImport:
    """Parse an uploaded CSV or XLSX file into long-form cells.

    ``known_indicators``, when given, is the set of valid indicator codes: other codes are problems,
    and codes matching one case-insensitively are returned in the catalog's spelling;
    ``indicator_names`` maps other names of indicators (the catalog's Chinese names) to codes, and
    ``percent_indicators`` are the codes whose unit is %. ``max_rows`` caps the number of non-blank
    data rows, ``limits`` the file's size and shape, ``max_problems`` the problems listed. With
    ``bounds`` an XLSX file is read in a child process within them. Raises :class:`ImportParseError`
    (and nothing else) for any file that cannot be imported, listing every problem found:
    :class:`ImportTooLarge` when a limit or bound is exceeded.
    """
    limits = limits or ImportLimits()
    if is_effectively_empty(data):
        raise ImportParseError([CellProblem(None, None, "empty file: the upload contains no data", code="no_data")])
    file_format = decide_format(data, filename, content_type)
    claim = describe_claim(filename, content_type)
    vocabulary = None
    if known_indicators is not None:
        vocabulary = Vocabulary(known_indicators, indicator_names or {}, percent_indicators)
    if file_format == "xlsx":
        require_zip_bytes(data, claim)  # refused here, before a child process is started for it
        job = (data, claim, vocabulary, max_rows, limits, max_problems)
        return _parse_xlsx(*job) if bounds is None else _bounded(job, bounds)
    encoding, text = decode_csv(data, claim)
    layout, cells, row_count = parse_rows(read_csv(text, limits), 0, vocabulary, max_rows, max_problems)
    return ParsedImport(layout, "csv", encoding, cells, row_count)


def _parse_xlsx(
    data: bytes, claim: str | None, vocabulary: Vocabulary | None, max_rows: int | None, limits: ImportLimits,
    max_problems: int,
) -> ParsedImport:
    """Inspect, read and parse a workbook."""
    rows, col_offset = read_xlsx(data, claim, limits)
    layout, cells, row_count = parse_rows(rows, col_offset, vocabulary, max_rows, max_problems)
    return ParsedImport(layout, "xlsx", None, cells, row_count)


def _parse_xlsx_to_json(
    data: bytes, claim: str | None, vocabulary: Vocabulary | None, max_rows: int | None, limits: ImportLimits,
    max_problems: int,
) -> bytes:
    """:func:`_parse_xlsx` in the child process: its result or its error as JSON (columns of plain values)."""
    try:
        parsed = _parse_xlsx(data, claim, vocabulary, max_rows, limits, max_problems)
    except ImportParseError as exc:
        failure = {"problems": [astuple(p) for p in exc.problems], "totals": exc.totals,
                   "too_large": isinstance(exc, ImportTooLarge)}
        return json.dumps({"failure": failure}).encode()
    cells = parsed.cells
    columns = {name: [getattr(c, name) for c in cells] for name in _CELL_FIELDS}
    return json.dumps({"layout": parsed.layout, "row_count": parsed.row_count, "cells": columns}).encode()


def _from_json(message: bytes) -> ParsedImport:
    """The child's answer: the parsed file, or its error raised."""
    answer = json.loads(message)
    if "failure" in answer:
        failure = answer["failure"]
        kind = ImportTooLarge if failure["too_large"] else ImportParseError
        raise kind([CellProblem(*p) for p in failure["problems"]], failure["totals"])
    columns = answer["cells"]
    cells = list(map(ParsedCell._make, zip(*(columns[name] for name in _CELL_FIELDS), strict=True)))
    return ParsedImport(answer["layout"], "xlsx", None, cells, answer["row_count"])


_CELL_FIELDS = ParsedCell._fields


def _bounded(job: tuple[object, ...], bounds: ParserBounds) -> ParsedImport:
    try:
        message = run_bounded(_parse_xlsx_to_json, job, bounds)
    except BoundExceeded as exc:
        if exc.kind == "crash":
            raise fail(f"the workbook could not be read: {exc}") from None
        setting = "MEMORY_BYTES" if exc.kind == "memory" else "CPU_SECONDS"
        raise ImportTooLarge([CellProblem(
            None, None, f"the file exceeds the parser's {exc.kind} bound: {exc} (ZONESCORE_IMPORT_PARSER_{setting}); "
            "split the workbook or upload CSV", code=f"parser_{exc.kind}_bound")]) from None
    return _from_json(message)
