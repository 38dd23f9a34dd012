"""Checks shared by every write path (JSON batches and file imports)."""

from __future__ import annotations

from datetime import date

from app.errors import Problem
from app.services.numbers import NotANumber, parse_number
from scoring_models.catalog import Indicator, ValueKind


def current_year() -> int:
    """This calendar year; data for later years is rejected."""
    return date.today().year


def check_year(
    year: int, *, earliest: int, row: int, column: str = "year", latest: int | None = None
) -> Problem | None:
    """A problem when ``year`` is before ``earliest`` or after ``latest`` (default: this year)."""
    if latest is None:
        latest = current_year()
    if year < earliest or year > latest:
        return Problem(
            row=row, column=column, code="year_out_of_range",
            message=f"year must be between {earliest} and {latest}", value=str(year),
        )
    return None


def parse_value(raw: object, *, row: int, column: str) -> float | Problem:
    """A JSON number or plain ASCII decimal string as a finite float, or what is wrong with it — the
    same reading as an import file's cells (:func:`app.services.numbers.parse_number`)."""
    number = parse_number(raw)
    if isinstance(number, NotANumber):
        return Problem(row=row, column=column, code=number.code, message=number.message,
                       value=None if raw is None else str(raw)[:200])
    return number


def check_against_catalog(value: float, indicator: Indicator, *, row: int, column: str) -> Problem | None:
    """A problem when ``value`` breaks the indicator's valid range or kind (counts, flags)."""
    # the value is formatted only for a problem: this runs once per cell of every write
    if indicator.kind is ValueKind.COUNT:
        if value < 0:
            return Problem(row=row, column=column, code="negative_count",
                           message=f"{indicator.code} is a count and cannot be negative", value=f"{value:g}")
        if not value.is_integer():
            return Problem(row=row, column=column, code="not_whole_number",
                           message=f"{indicator.code} is a count and must be a whole number", value=f"{value:g}")
    if indicator.kind is ValueKind.FLAG and value not in (0.0, 1.0):
        return Problem(row=row, column=column, code="not_a_flag",
                       message=f"{indicator.code} is a 0/1 flag", value=f"{value:g}")
    if value < indicator.min_value or value > indicator.max_value:
        return Problem(
            row=row, column=column, code="out_of_range",
            message=f"{indicator.code} must be between {indicator.min_value:g} and {indicator.max_value:g} "
            f"({indicator.unit})",
            value=f"{value:g}",
        )
    return None
