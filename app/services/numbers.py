"""The one reader of numbers that people type: JSON batches and import files (CSV, XLSX) both use it.

Accepted: a number (JSON number, or a number cell of a workbook), or text that is a plain ASCII
decimal — an optional sign, digits with at most one decimal point, an optional exponent
(``6.5``, ``-0.5``, ``.5``, ``1e3``), with whitespace around it. Refused, each with the reason:
thousands separators (``1,234``), underscores (``1_000``), non-ASCII digits (full-width ``１２``,
Arabic-Indic ``٥``), percent signs, booleans, dates, NaN and infinity. A number is what the
sender wrote, never a guess at what a locale-specific spelling meant.
"""

from __future__ import annotations

import datetime
import math
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal

__all__ = ["NotANumber", "parse_number", "parse_whole_number", "percent_to_points"]

_DECIMAL = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_WHOLE = re.compile(r"[+-]?[0-9]+(?:\.0*)?")


@dataclass(frozen=True)
class NotANumber:
    """Why a value is not a number: a stable ``code`` (``missing_value``, ``not_a_number``,
    ``not_finite``) and a message for the person who typed it."""

    code: str
    message: str


_BOOLEAN = NotANumber("not_a_number", "TRUE/FALSE is not a number; use 1 or 0")
_MISSING = NotANumber("missing_value", "a value is required")
_NOT_FINITE = NotANumber("not_finite", "not a finite number (NaN and infinity are not allowed)")


def parse_number(raw: object) -> float | NotANumber:
    """``raw`` as a finite float, or why it is not one (``None`` and blank text are missing values)."""
    if raw is None:
        return _MISSING
    if isinstance(raw, bool):
        return _BOOLEAN
    if isinstance(raw, int | float):
        try:
            value = float(raw)
        except OverflowError:  # an int beyond the float range
            return _NOT_FINITE
    elif isinstance(raw, str):
        return _parse_text(raw)
    elif isinstance(raw, datetime.date | datetime.time | datetime.timedelta):
        return NotANumber("not_a_number", "a date or time is not a number")
    else:
        return NotANumber("not_a_number", "not a number")
    return value if math.isfinite(value) else _NOT_FINITE


def _parse_text(raw: str) -> float | NotANumber:
    # The common case first (a CSV has one text per value): float() of ASCII text without underscores
    # accepts exactly the plain decimals plus nan/inf spellings, and those are the non-finite results.
    if raw.isascii() and "_" not in raw:
        try:
            value = float(raw)
        except ValueError:
            pass
        else:
            if math.isfinite(value):
                return value
    text = raw.strip()
    if not text:
        return _MISSING
    if not _DECIMAL.fullmatch(text):
        return NotANumber("not_a_number", _why_not(text))
    value = float(text)
    return value if math.isfinite(value) else _NOT_FINITE


def parse_whole_number(raw: object) -> int | NotANumber:
    """``raw`` as an int (``2024``, ``"2024"``, ``2024.0``, ``"2024.0"``), or why it is not one."""
    if isinstance(raw, int) and not isinstance(raw, bool):
        return raw
    if isinstance(raw, str) and _WHOLE.fullmatch(raw.strip()):
        return int(raw.strip().split(".", 1)[0])
    number = parse_number(raw)
    if isinstance(number, NotANumber):
        return number
    if not number.is_integer():
        return NotANumber("not_whole_number", "not a whole number")
    return int(number)


def percent_to_points(fraction: float) -> float:
    """A fraction shown as a percentage (0.125 shown as 12.5%) as the percentage points it shows (12.5).

    Scaled in decimal from the shortest repr, so 0.07 gives 7.0, not 7.000000000000001."""
    return float(Decimal(repr(fraction)) * 100)


def _why_not(text: str) -> str:
    if "," in text or "，" in text:
        return "not a number: thousands separators are not accepted (write 1234.5, not 1,234.5)"
    if "_" in text:
        return "not a number: underscores are not accepted (write 1000, not 1_000)"
    if "%" in text or "％" in text:
        return "not a number: percent signs are not accepted (write 12.5 for 12.5%)"
    if any(not ch.isascii() and unicodedata.digit(ch, None) is not None for ch in text):
        return "not a number: only ASCII digits 0-9 are accepted (not full-width or other scripts' digits)"
    return "not a number"
