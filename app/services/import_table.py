"""Reading the rows of an import file, whatever its format, into long-form cells.

Layouts (header names are matched trimmed and case-insensitively, with Chinese aliases)
    * **long**: ``zone_code``, ``indicator_code``, ``year``, ``value``; any other column is ignored.
    * **wide**: ``zone_code``, ``year`` and one column per indicator, headed by its code or its
      Chinese name in the catalog (``R&D经费投入强度``). Label columns listed in
      :data:`IGNORED_WIDE_COLUMNS` (zone name, province, city, note, source …) are ignored; with a
      vocabulary every other header must name a known indicator. Blank cells are missing values.

    The header is the first non-blank row, except that up to ten rows holding a single value (a
    title, possibly merged across columns) may precede it. A file with a header and no values is
    refused: an import that writes nothing is a mistake, not a success.

Every problem is recorded (the first ``max_problems`` listed, all counted per code), in file order, and reading
goes on past a bad cell, so one pass over a file finds all that is wrong with it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import ClassVar, Literal, NamedTuple, TypeAlias

from app.services.control_chars import control_character
from app.services.import_cells import (
    ExcelError,
    FormulaWithoutValue,
    Percent,
    Raw,
    column_letter,
    echo,
    is_blank,
    read_number,
    read_year,
    text_of,
)
from app.services.import_problems import CellProblem, ImportParseError, ProblemLog
from app.services.numbers import NotANumber, percent_to_points

__all__ = ["IGNORED_WIDE_COLUMNS", "Layout", "ParsedCell", "Table", "Vocabulary", "parse_rows"]

Layout: TypeAlias = Literal["wide", "long"]

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
_MAX_TITLE_ROWS = 10
_MAX_CODE_CHARS = 64  # longer than any zone or indicator code: refused before it is kept for every cell
_HEADER_SPACE_RE = re.compile(r"[\s\-]+")
# A year cell that is missing or not a whole number is an invalid year; an Excel error keeps its own code.
_YEAR_CODES = {"missing_value": "invalid_year", "not_a_number": "invalid_year", "not_whole_number": "invalid_year"}


class _CellFields(NamedTuple):
    row: int
    """1-based row number as Excel shows it: the sheet row for XLSX, the CSV record number for CSV
    (equal to the line number unless a quoted cell spans lines). The header is normally row 1."""
    column: str
    """The header of the column the value came from (an indicator code in wide form, ``value`` in long)."""
    zone_code: str
    indicator_code: str
    year: int
    value: float


class ParsedCell(_CellFields):
    """One observation read from the file: a value of one indicator for one zone in one year.

    (A named tuple, as ingest's cells are: immutable, and several times cheaper to build than a frozen
    dataclass, which counts at 100,000 cells a file.)
    """

    __slots__ = ()
    # what a write needs beyond the file (ingest.Cell): imports carry no source and report values
    source: ClassVar[str | None] = None
    status: ClassVar[str] = "reported"


@dataclass(frozen=True)
class Vocabulary:
    """The indicators a file may name: codes, and other names (Chinese names) mapped to codes; the codes
    whose unit is percent, for which a percent-formatted cell holds the percentage it shows."""

    codes: frozenset[str]
    names: Mapping[str, str]
    percent_codes: frozenset[str] = frozenset()

    def lookup(self) -> dict[str, str]:
        """From a header or code as written (exactly, case-folded or normalised) to the catalog's code."""
        known = {normalise_header(name): code for name, code in self.names.items()}
        known.update({code.casefold(): code for code in self.codes})
        known.update({code: code for code in self.codes})
        return known


def normalise_header(raw: Raw) -> str:
    """A header as compared: NFKC, trimmed, case-folded, runs of spaces and dashes as one ``_``."""
    text = unicodedata.normalize("NFKC", text_of(raw)).replace("\ufeff", "").strip().casefold()
    return _HEADER_SPACE_RE.sub("_", text)


class Table(NamedTuple):
    """What the rows of a file hold: the layout, the cells that could be read (in file order), the number of
    non-blank data rows, the problems of the cells that could not, and the file's own header of each role
    (``zone_code``, ``year``; ``indicator_code`` and ``value`` in long form)."""

    layout: Layout
    cells: list[ParsedCell]
    row_count: int
    problems: ProblemLog
    columns: dict[str, str]


def parse_rows(
    rows: Iterable[tuple[int, Sequence[Raw]]],
    col_offset: int,
    vocabulary: Vocabulary | None,
    max_rows: int | None,
    max_problems: int,
) -> Table:
    """The :class:`Table` of ``rows`` (numbered as the file shows them; ``col_offset`` is the column of their
    first cell). A cell that cannot be read is a problem of the table, and reading goes on past it; raises
    :class:`ImportParseError` only when the file as a whole cannot be read (no header, a required column
    missing, too many rows, nothing to import)."""
    iterator = iter(rows)
    header_row, header_cells = _find_header(iterator)
    known = vocabulary.lookup() if vocabulary is not None else None
    problems = ProblemLog(max_problems)
    cols = _plan_columns(header_row, header_cells, known, problems)
    percent = vocabulary.percent_codes if vocabulary is not None else frozenset()
    reader = _RowReader(cols, known, percent, len(header_cells), col_offset, problems)
    row_count = 0
    for row, raw_cells in iterator:
        if _is_blank_row(raw_cells):
            continue
        row_count += 1
        if max_rows is not None and row_count > max_rows:
            raise ImportParseError([CellProblem(None, None, f"too many rows: the file has more than {max_rows} "
                                                "data rows (ZONESCORE_MAX_BATCH_ROWS)", code="too_many_rows")])
        reader.read(row, raw_cells)
    if not reader.cells and not problems:
        what = "no data rows below the header" if row_count == 0 else "no values (every indicator cell is blank)"
        raise ImportParseError([CellProblem(header_row, None, f"nothing to import: the file has {what}",
                                            code="no_data")])
    roles = {"zone": cols.zone, "year": cols.year, "indicator": cols.indicator, "value": cols.value}
    columns = {_ROLE_NAMES[role]: cols.headers[index] for role, index in roles.items() if index >= 0}
    return Table(cols.layout, reader.cells, row_count, problems, columns)


def _header_roles(cells: Sequence[Raw]) -> dict[str, int]:
    roles: dict[str, int] = {}
    for index, cell in enumerate(cells):
        role = _ROLE_ALIASES.get(normalise_header(cell))
        if role is not None and role not in roles:
            roles[role] = index
    return roles


def _looks_like_data(cells: Sequence[Raw]) -> bool:
    return any(not isinstance(read_number(c), NotANumber) for c in cells if not is_blank(c))


def _missing_header_error(row: int, cells: Sequence[Raw]) -> ImportParseError:
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
    return ImportParseError([CellProblem(row, None, message)])


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
    cells: Sequence[Raw],
    known: dict[str, str] | None,
    problems: ProblemLog,
) -> _Columns:
    roles: dict[str, int] = {}
    headers = [text_of(c).replace("\ufeff", "") for c in cells]
    layout: Layout = "long" if {"indicator", "value"} & set(_header_roles(cells)) else "wide"
    indicators: list[tuple[int, str, str]] = []
    seen_codes: dict[str, str] = {}
    unused: list[int] = []
    # One pass in column order, so the problems come out in file order.
    for index, cell in enumerate(cells):
        if (bad := control_character(headers[index])) is not None:
            problems.append(_control_problem(header_row, f"column {column_letter(index)}", bad, cell))
            continue
        key = normalise_header(cell)
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


def _control_problem(row: int, column: str, character: str, raw: Raw) -> CellProblem:
    return CellProblem(row, column, f"the text holds the control character {character}: remove it",
                       echo(raw).encode("unicode_escape").decode("ascii"), code="control_character")


def _claim_role(
    roles: dict[str, int], role: str, index: int, headers: list[str], header_row: int, problems: ProblemLog
) -> None:
    """Give ``role`` to column ``index`` unless an earlier column has it (a problem)."""
    if role not in roles:
        roles[role] = index
        return
    first, name = headers[roles[role]], headers[index]
    problems.append(CellProblem(header_row, name, f"columns {first!r} and {name!r} both mean {_ROLE_NAMES[role]}",
                                code="duplicate_column"))


def _indicator_code(
    name: str, known: dict[str, str] | None, seen_codes: dict[str, str], header_row: int, problems: ProblemLog
) -> str | None:
    """The indicator a wide-form header names, or ``None`` after recording why it names none
    (an unknown code, or an indicator an earlier column already holds)."""
    code = name
    if known is not None:
        canonical = known.get(name) or known.get(name.casefold()) or known.get(normalise_header(name))
        if canonical is None:
            problems.append(CellProblem(header_row, name, "unknown indicator code in header", echo(name),
                                        code="unknown_indicator"))
            return None
        code = canonical
    if code in seen_codes:
        problems.append(
            CellProblem(header_row, name, f"columns {seen_codes[code]!r} and {name!r} are the same indicator",
                        code="duplicate_column")
        )
        return None
    seen_codes[code] = name
    return code


def _require_columns(
    layout: Layout,
    roles: dict[str, int],
    indicators: list[tuple[int, str, str]],
    header_row: int,
    problems: ProblemLog,
) -> None:
    """Raise when the header cannot be read at all: long form without one of its four columns, or wide
    form without a single indicator column (and no other header problem explaining why)."""
    if layout == "long":
        missing = [_ROLE_NAMES[r] for r in ("zone", "indicator", "year", "value") if r not in roles]
        if missing:
            raise problems.error([CellProblem(header_row, None, f"missing required column(s): {', '.join(missing)}",
                                              code="missing_column")])
    elif "zone" not in roles or "year" not in roles:
        # the header was found by these two roles; a control character in one of them hid it again
        raise problems.error()
    elif not indicators and not problems:
        raise ImportParseError(
            [CellProblem(header_row, None, "no indicator columns: a wide-form file needs one column per indicator",
                         code="missing_column")]
        )


def _find_header(
    rows: Iterator[tuple[int, Sequence[Raw]]],
) -> tuple[int, Sequence[Raw]]:
    first: tuple[int, Sequence[Raw]] | None = None
    titles = 0
    for number, cells in rows:
        filled = sum(1 for c in cells if not is_blank(c))
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
        raise ImportParseError([CellProblem(None, None, "empty file: no rows with data", code="no_data")])
    raise _missing_header_error(*first)


def _is_blank_row(raw_cells: Sequence[Raw]) -> bool:
    try:
        # One C-level join beats a per-cell check; it only works for all-text (CSV) rows.
        return not "".join(raw_cells).strip()  # type: ignore[arg-type]
    except TypeError:
        return all(is_blank(c) for c in raw_cells)


class _RowReader:
    """Turns the data rows below the header into cells, recording every problem in file order."""

    def __init__(
        self,
        cols: _Columns,
        known: dict[str, str] | None,
        percent_codes: frozenset[str],
        width: int,
        col_offset: int,
        problems: ProblemLog,
    ) -> None:
        self.cols = cols
        self.known = known
        self.percent_codes = percent_codes
        self.width = width
        self.col_offset = col_offset
        self.problems = problems
        self.cells: list[ParsedCell] = []
        self._first_seen: dict[tuple[str, str, int], int] = {}
        self._reported_unused: set[int] = set()
        # Years repeat on almost every row; keyed by type too, because True == 1 == 1.0 as dict keys.
        self._years: dict[tuple[type, Raw], int | NotANumber] = {}

    def read(self, row: int, raw_cells: Sequence[Raw]) -> None:
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

    def _check_headerless_columns(self, row: int, raw_cells: Sequence[Raw]) -> None:
        n = len(raw_cells)
        for index in (*self.cols.unused, *range(self.width, n)):
            if index < n and index not in self._reported_unused and not is_blank(raw_cells[index]):
                self._reported_unused.add(index)
                self.problems.append(
                    CellProblem(
                        row,
                        f"column {column_letter(index + self.col_offset)}",
                        "value in a column without a header",
                        echo(raw_cells[index]),
                        code="unnamed_column",
                    )
                )

    def _code_text(self, row: int, raw: Raw, column: str, what: str) -> str:
        """The cell's text as a zone or indicator code; ``""`` (a problem) when missing or unusable."""
        if isinstance(raw, ExcelError | FormulaWithoutValue):
            problem = read_number(raw)
            assert isinstance(problem, NotANumber)
            shown = raw.text if isinstance(raw, ExcelError) else None
            self.problems.append(CellProblem(row, column, problem.message, shown, code=problem.code))
            return ""
        text = text_of(raw)
        if not text:
            self.problems.append(CellProblem(row, column, f"missing {what}", code="missing_" + what.replace(" ", "_")))
        elif (bad := control_character(text)) is not None:
            self.problems.append(_control_problem(row, column, bad, raw))
        elif len(text) > _MAX_CODE_CHARS:
            self.problems.append(CellProblem(row, column, f"{what} longer than {_MAX_CODE_CHARS} characters",
                                             echo(raw), code="code_too_long"))
        else:
            return text
        return ""

    def _zone(self, row: int, raw_cells: Sequence[Raw]) -> str:
        """The row's zone code; ``""`` (a problem) when missing."""
        zone_col = self.cols.zone
        raw: Raw = raw_cells[zone_col] if zone_col < len(raw_cells) else ""
        return self._code_text(row, raw, self.cols.headers[zone_col], "zone code")

    def _year(self, row: int, raw_cells: Sequence[Raw]) -> int | NotANumber:
        """The row's year, or why it has none (recorded as a problem)."""
        year_col = self.cols.year
        raw_year: Raw = raw_cells[year_col] if year_col < len(raw_cells) else ""
        year_key = (raw_year.__class__, raw_year)
        year = self._years.get(year_key)
        if year is None:
            year = self._years[year_key] = read_year(raw_year)
        if isinstance(year, NotANumber):
            self.problems.append(
                CellProblem(row, self.cols.headers[year_col], year.message,
                            None if is_blank(raw_year) else echo(raw_year), code=_YEAR_CODES.get(year.code, year.code))
            )
        return year

    def _add(self, row: int, column: str, zone: str, code: str, year: int | NotANumber, raw: Raw) -> None:
        """Keep the cell's value unless it is not a number, its zone, code or year is wrong (already a
        problem) or an earlier row gave the same zone, indicator and year (a problem)."""
        value = read_number(raw)
        if isinstance(value, NotANumber):
            shown = None if isinstance(raw, FormulaWithoutValue) else echo(raw)
            self.problems.append(CellProblem(row, column, value.message, shown, code=value.code))
            return
        if not zone or not code or isinstance(year, NotANumber):
            return
        if isinstance(raw, Percent) and code in self.percent_codes:
            value = percent_to_points(value)
        first = self._first_seen.setdefault((zone, code, year), row)
        if first == row:
            self.cells.append(ParsedCell(row, column, zone, code, year, value))
            return
        self.problems.append(
            CellProblem(
                row,
                column,
                f"duplicate entry: rows {first} and {row} both give zone {zone!r}, indicator {code!r}, year {year}",
                echo(raw),
                code="duplicate_key",
            )
        )

    def _read_wide(self, row: int, raw_cells: Sequence[Raw], zone: str, year: int | NotANumber) -> None:
        n = len(raw_cells)
        for index, column, code in self.cols.indicators:
            if index < n and not is_blank(raw_cells[index]):
                self._add(row, column, zone, code, year, raw_cells[index])

    def _read_long(self, row: int, raw_cells: Sequence[Raw], zone: str, year: int | NotANumber) -> None:
        n = len(raw_cells)
        cols = self.cols
        raw_code: Raw = raw_cells[cols.indicator] if cols.indicator < n else ""
        code = self._long_code(row, raw_code, cols.headers[cols.indicator])
        value_name = cols.headers[cols.value]
        raw_value: Raw = raw_cells[cols.value] if cols.value < n else ""
        if is_blank(raw_value):
            self.problems.append(CellProblem(row, value_name, "missing value", code="missing_value"))
        else:
            self._add(row, value_name, zone, code, year, raw_value)

    def _long_code(self, row: int, raw_code: Raw, column: str) -> str:
        """The long-form row's indicator code in the catalog's spelling; ``""`` (a problem) when it is
        missing or unknown."""
        code = self._code_text(row, raw_code, column, "indicator code")
        if code and self.known is not None:
            canonical = self.known.get(code) or self.known.get(code.casefold()) or self.known.get(
                normalise_header(code))
            if canonical is None:
                self.problems.append(CellProblem(row, column, "unknown indicator code", echo(raw_code),
                                                 code="unknown_indicator"))
            code = canonical or ""
        return code
