"""The rows of an XLSX workbook: inspected first (:mod:`app.services.xlsx_guard`), then read with python-calamine.

calamine never evaluates formulas, so it sees the values Excel cached; it shows an error value
(``#DIV/0!``) and a formula saved without a value as an empty cell, and a percent-formatted number
as the fraction stored. The guard's scan of the sheet XML knows those cells, so they come back here
as :class:`~app.services.import_cells.ExcelError`, :class:`~app.services.import_cells.FormulaWithoutValue`
and :class:`~app.services.import_cells.Percent` values.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from typing import cast

import python_calamine

from app.services.import_cells import ExcelError, FormulaWithoutValue, Percent, Raw
from app.services.import_formats import mismatch, require_zip_bytes
from app.services.import_problems import ImportLimits
from app.services.xlsx_archive import NotAWorkbook
from app.services.xlsx_guard import SheetPlan, inspect_xlsx

__all__ = ["read_xlsx"]

Rows = list[tuple[int, Sequence[Raw]]]


def read_xlsx(data: bytes, claim: str | None, limits: ImportLimits) -> tuple[Rows, int]:
    """(rows numbered as the sheet numbers them, 0-based column of their first cell) of the sheet to
    import. Raises :class:`ImportParseError` (or its 413 kind) for a file that is not a readable,
    safe workbook within ``limits``."""
    require_zip_bytes(data, claim)
    try:
        plan = inspect_xlsx(data, limits)
    except NotAWorkbook as exc:
        raise mismatch(claim, "an .xlsx workbook", exc.kind) from None
    try:
        with python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data)) as workbook:
            sheet = workbook.get_sheet_by_name(plan.name)
            start = sheet.start or (0, 0)
            # the rows are filled in below with markers calamine does not know
            values = cast(list[list[Raw]], sheet.to_python(skip_empty_area=True))
    except (KeyboardInterrupt, SystemExit):
        raise
    # A Rust panic inside calamine surfaces as pyo3's PanicException, which is not an Exception.
    except BaseException as exc:
        raise mismatch(claim, "a readable .xlsx workbook", f"damaged ({exc})") from None
    top, left = _mark_cells(values, (start[0] + 1, start[1] + 1), plan)
    return [(top + i, row) for i, row in enumerate(values)], left - 1


def _mark_cells(values: list[list[Raw]], origin: tuple[int, int], plan: SheetPlan) -> tuple[int, int]:
    """Put the scan's findings into ``values`` (whose first cell is at 1-based ``origin``), growing the
    table when a flagged cell lies outside the range calamine returned; the new origin."""
    flagged: dict[tuple[int, int], Raw] = {p: FormulaWithoutValue() for p in plan.uncached}
    flagged.update({p: ExcelError(text) for p, text in plan.errors.items()})
    top, left = origin
    if flagged:
        top, left = _grow(values, origin, flagged)
        for (row, col), marker in flagged.items():
            cells = values[row - top]
            if col - left >= len(cells):
                cells.extend([""] * (col - left + 1 - len(cells)))
            if cells[col - left] == "":
                cells[col - left] = marker
    for row, col in plan.percent:
        if 0 <= row - top < len(values) and 0 <= col - left < len(cells := values[row - top]):
            value = cells[col - left]
            if type(value) is float:
                cells[col - left] = Percent(value)
    return top, left


def _grow(values: list[list[Raw]], origin: tuple[int, int], flagged: Mapping[tuple[int, int], Raw]) -> tuple[int, int]:
    top = min(origin[0], *(row for row, _ in flagged))
    left = min(origin[1], *(col for _, col in flagged))
    bottom = max(origin[0] + len(values) - 1, *(row for row, _ in flagged))
    if left < origin[1]:
        for cells in values:
            cells[:0] = [""] * (origin[1] - left)
    values[:0] = [[] for _ in range(origin[0] - top)]
    values.extend([] for _ in range(bottom - (top + len(values) - 1)))
    return top, left
