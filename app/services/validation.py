"""Checks shared by every write path (JSON batches and file imports)."""

from __future__ import annotations

import math
from datetime import date

from app.errors import Problem
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


def parse_value(raw: float | int | str | None, *, row: int, column: str) -> float | Problem:
    """Turn a JSON number or numeric string into a finite float, or say what is wrong with it."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return Problem(row=row, column=column, code="missing_value", message="a value is required")
    if isinstance(raw, bool):
        return Problem(row=row, column=column, code="not_a_number", message="expected a number", value=str(raw))
    if isinstance(raw, str):
        try:
            number = float(raw.strip().replace(",", ""))
        except ValueError:
            return Problem(
                row=row, column=column, code="not_a_number", message="expected a number, got text", value=raw[:200]
            )
    else:
        number = float(raw)
    if not math.isfinite(number):
        return Problem(
            row=row, column=column, code="not_finite", message="NaN and infinity are not allowed", value=str(raw)
        )
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
