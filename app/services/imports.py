"""Importing a CSV/XLSX file of observations: read, check every cell once, write all or nothing.

The one path behind ``POST /api/v1/imports`` and ``zonescore import``. One pass collects every problem
of the file — cells that do not parse, zones outside the key's provinces, and what the checks of JSON
batches find in the cells that parse (unknown zone, year or value out of range …) — with the codes a
JSON batch gives and the file's own column headers, and answers once. It only flushes; the caller's
session scope commits, so a failure anywhere leaves the database untouched.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from app.errors import AppError, Forbidden, Problem, ValidationFailed
from app.schemas.common import WriteSummary
from app.schemas.observation import ImportResult
from app.services.audit import Actor
from app.services.import_parser import CellProblem, ImportParseError, ParsedCell, ParsedImport, read_import
from app.services.ingest import ValidCell, validate_cells, write_valid
from scoring_models.catalog import indicator_catalog

WRITE_CHUNK = 5_000

ZONE_OUTSIDE = "zone_outside_key_provinces"

ZonesOutside = Callable[[Iterable[str]], Mapping[str, str]]
"""Given the file's zone codes, those the caller may not write, each with its province."""


@dataclass(frozen=True)
class ImportProgress:
    """Callbacks for a progress display; ``written(n)`` is called after each chunk of ``n`` cells."""

    parsed: Callable[[ParsedImport], None]
    written: Callable[[int], None]


@dataclass(frozen=True)
class Scope:
    """Which zones the caller may write: ``outside`` names the others with their province, ``message`` says why."""

    outside: ZonesOutside
    message: Callable[[str, str], str]


def import_file(
    session: Session,
    data: bytes,
    *,
    filename: str | None,
    content_type: str | None,
    earliest_year: int,
    max_rows: int,
    actor: Actor,
    scope: Scope | None = None,
    progress: ImportProgress | None = None,
) -> ImportResult:
    """Read ``data`` (CSV in UTF-8/GB18030 or XLSX, wide or long) and upsert every cell.

    ``scope`` limits the zones the caller may write (the API passes the key's provinces). Raises, listing
    every problem of the file at once, :class:`Forbidden` when the only problems are zones outside the
    scope and :class:`ValidationFailed` otherwise; nothing is written then.
    """
    parsed = _read(data, filename=filename, content_type=content_type, max_rows=max_rows)
    valid, problems = check_file(session, parsed, earliest_year=earliest_year, scope=scope)
    if problems:
        raise file_problems(problems)
    if progress is not None:
        progress.parsed(parsed)
    details = {"filename": filename, "file_format": parsed.file_format, "layout": parsed.layout,
               "encoding": parsed.encoding, "rows": parsed.row_count}
    summary = _write(session, parsed.cells, valid, actor=actor, details=details, progress=progress)
    return ImportResult(
        **summary.model_dump(), file_format=parsed.file_format, layout=parsed.layout, encoding=parsed.encoding,
        rows=parsed.row_count,
    )


def _problem(found: CellProblem) -> Problem:
    return Problem(row=found.row, column=found.column, code=found.code, message=found.message, value=found.value)


def _read(data: bytes, *, filename: str | None, content_type: str | None, max_rows: int) -> ParsedImport:
    try:
        return read_import(data, filename=filename, content_type=content_type,
                           known_indicators=frozenset(indicator_catalog().by_code()), max_rows=max_rows)
    except ImportParseError as exc:  # the file as a whole cannot be read: nothing else to check
        problems = [_problem(p) for p in exc.problems]
        raise ValidationFailed(f"the file could not be read: {len(problems)} problem(s)", errors=problems) from None


def check_file(
    session: Session, parsed: ParsedImport, *, earliest_year: int, scope: Scope | None,
) -> tuple[list[ValidCell], list[Problem]]:
    """Every problem of a read file in row order — its unparsable cells, zones outside ``scope`` and what the
    batch checks find in the cells that parsed, named by the file's own headers — and the valid cells."""
    problems = [_problem(p) for p in parsed.problems]
    zone_column = parsed.columns.get("zone_code", "zone_code")
    if scope is not None:
        outside = scope.outside(c.zone_code for c in parsed.cells)
        problems += [Problem(row=c.row, column=zone_column, code=ZONE_OUTSIDE, value=c.zone_code,
                             message=scope.message(c.zone_code, outside[c.zone_code]))
                     for c in parsed.cells if c.zone_code in outside]
    valid, invalid = validate_cells(session, parsed.cells, earliest_year=earliest_year)
    # The batch checks name a zone or year by the JSON field; a file has its own headers for them.
    own = {name: parsed.columns.get(name, name) for name in ("zone_code", "year", "indicator_code")}
    problems += [p.model_copy(update={"column": own.get(p.column or "", p.column)}) for p in invalid]
    return valid, _in_row_order(problems)


def _in_row_order(problems: list[Problem]) -> list[Problem]:
    # A wide row repeats its zone and year in every indicator cell: one problem of the row says it once.
    unique = list({(p.row, p.column, p.code, p.value): p for p in problems}.values())
    return sorted(unique, key=lambda p: -1 if p.row is None else p.row)


def file_problems(problems: list[Problem]) -> AppError:
    """The one answer to a file with ``problems``: 403 when every one is a zone outside the key's provinces
    (as for a JSON batch), else 422 listing all of them."""
    rows = len({p.row for p in problems})
    if all(p.code == ZONE_OUTSIDE for p in problems):
        return Forbidden(f"{len({p.value for p in problems})} zone(s) of the file lie outside the key's provinces "
                         f"({rows} row(s)); nothing was written", errors=problems)
    return ValidationFailed(f"{len(problems)} problem(s) in {rows} row(s); nothing was written",
                            errors=problems)


def _write(
    session: Session,
    cells: list[ParsedCell],
    valid: list[ValidCell],
    *,
    actor: Actor,
    details: dict[str, Any],
    progress: ImportProgress | None,
) -> WriteSummary:
    if progress is None or len(valid) <= WRITE_CHUNK:
        summary = write_valid(session, valid, received=len(cells), actor=actor, action="import.create",
                              details=details)
        if progress is not None:
            progress.written(len(valid))
        return summary
    # To show progress, write in chunks inside the caller's one transaction (the whole file was checked
    # already, so every cell is valid and ``valid`` follows ``cells``), one audit event per chunk, each
    # naming its part of the file.
    total = WriteSummary(received=0, inserted=0, updated=0, unchanged=0)
    for start in range(0, len(valid), WRITE_CHUNK):
        chunk = valid[start : start + WRITE_CHUNK]
        part = write_valid(session, chunk, received=len(chunk), actor=actor, action="import.create",
                           details={**details, "chunk_start_row": cells[start].row})
        total = WriteSummary(**{k: getattr(total, k) + getattr(part, k) for k in WriteSummary.model_fields})
        progress.written(len(chunk))
    return total
