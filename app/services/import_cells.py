"""A cell of an import file as read (text from CSV; numbers, text, booleans, dates from XLSX) and its meaning."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TypeAlias

from app.services.numbers import NotANumber, parse_number, parse_whole_number

__all__ = [
    "MAX_ECHO_CHARS",
    "ExcelError",
    "FormulaWithoutValue",
    "Percent",
    "Raw",
    "column_letter",
    "echo",
    "is_blank",
    "read_number",
    "read_year",
    "text_of",
]

MAX_ECHO_CHARS = 80
"""Offending values are echoed in problems up to this many characters, so a huge cell cannot bloat
the error response."""


@dataclass(frozen=True)
class ExcelError:
    """A workbook cell holding an error value such as ``#DIV/0!`` (the reading library shows it empty)."""

    text: str


@dataclass(frozen=True)
class FormulaWithoutValue:
    """A workbook cell holding a formula saved without its result (the reading library shows it empty)."""


class Percent(float):
    """A number cell formatted as a percentage: the fraction stored (0.125) of what is shown (12.5%)."""


Raw: TypeAlias = (
    str | int | float | bool | datetime.date | datetime.datetime | datetime.time | datetime.timedelta
    | ExcelError | FormulaWithoutValue
)  # fmt: skip


def column_letter(index: int) -> str:
    """The spreadsheet letters of the 0-based column ``index`` (0 → A, 26 → AA)."""
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def is_blank(raw: Raw) -> bool:
    """Whether the cell is empty (or only whitespace)."""
    return raw == "" or (isinstance(raw, str) and not raw.strip())


def echo(raw: Raw) -> str:
    """The value as quoted in a problem, cut to :data:`MAX_ECHO_CHARS` characters."""
    if isinstance(raw, FormulaWithoutValue):
        return ""
    text = raw if isinstance(raw, str) else raw.text if isinstance(raw, ExcelError) else str(raw)
    return text if len(text) <= MAX_ECHO_CHARS else text[: MAX_ECHO_CHARS - 1] + "…"


def text_of(raw: Raw) -> str:
    """The cell as text, trimmed; a whole float as an integer (Excel stores numeric codes as floats)."""
    if isinstance(raw, str):
        return raw.strip()
    # Excel stores numeric-looking codes as floats; 110108.0 must come back as the code "110108".
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    if isinstance(raw, datetime.date | datetime.time):
        return raw.isoformat()
    if isinstance(raw, ExcelError):
        return raw.text
    if isinstance(raw, FormulaWithoutValue):
        return ""
    return str(raw)


def _workbook_problem(raw: ExcelError | FormulaWithoutValue) -> NotANumber:
    if isinstance(raw, ExcelError):
        return NotANumber("excel_error", f"the cell holds the Excel error {raw.text}: correct the formula or "
                          "clear the cell")
    return NotANumber("formula_without_value", "the cell holds a formula saved without its value (the program "
                      "that wrote the file does not calculate): open and save it in Excel, or paste values")


def read_number(raw: Raw) -> float | NotANumber:
    """The cell's number (:func:`app.services.numbers.parse_number`), or why it has none."""
    if isinstance(raw, ExcelError | FormulaWithoutValue):
        return _workbook_problem(raw)
    if isinstance(raw, float):
        # the common case first: a number cell of a workbook
        return raw if raw - raw == 0.0 else parse_number(raw)
    return parse_number(raw)


def read_year(raw: Raw) -> int | NotANumber:
    """The cell's year as an int (``2024``, ``"2024"``, ``2024.0``), or why it is not one (bounds are the caller's)."""
    if isinstance(raw, ExcelError | FormulaWithoutValue):
        return _workbook_problem(raw)
    if isinstance(raw, datetime.date | datetime.time | datetime.timedelta):
        return NotANumber("not_a_number", "year must be a number such as 2024, not a date")
    if is_blank(raw):
        return NotANumber("missing_value", "missing year")
    year = parse_whole_number(raw)
    if isinstance(year, NotANumber):
        message = "year is not a whole number" if year.code == "not_whole_number" else "year is not a number"
        return NotANumber(year.code, message)
    return year
