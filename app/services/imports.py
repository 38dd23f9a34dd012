"""Importing a CSV/XLSX file of observations: parse, validate every cell, write all or nothing.

The one path behind ``POST /api/v1/imports`` and ``zonescore import``. It only flushes; the
caller's session scope commits, so a failure anywhere leaves the database untouched.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from app.errors import Problem, ValidationFailed
from app.schemas.common import WriteSummary
from app.schemas.observation import ImportResult
from app.services.audit import Actor
from app.services.import_parser import ImportParseError, ParsedImport, parse_import
from app.services.ingest import Cell, validate_cells, write_observations
from scoring_models.catalog import indicator_catalog

WRITE_CHUNK = 5_000


@dataclass(frozen=True)
class ImportProgress:
    """Callbacks for a progress display; ``written(n)`` is called after each chunk of ``n`` cells."""

    parsed: Callable[[ParsedImport], None]
    written: Callable[[int], None]


def import_file(
    session: Session,
    data: bytes,
    *,
    filename: str | None,
    content_type: str | None,
    earliest_year: int,
    max_rows: int,
    actor: Actor,
    authorize: Callable[[Iterable[str]], None] | None = None,
    progress: ImportProgress | None = None,
) -> ImportResult:
    """Parse ``data`` (CSV in UTF-8/GB18030 or XLSX, wide or long) and upsert every cell.

    ``authorize`` is called with the file's zone codes before anything is written (the API passes
    the key's province check). Raises :class:`ValidationFailed` listing every problem (unreadable
    file, unknown zone or indicator, out-of-range value …); nothing is written then.
    """
    try:
        parsed = parse_import(
            data,
            filename=filename,
            content_type=content_type,
            known_indicators=frozenset(indicator_catalog().by_code()),
            max_rows=max_rows,
        )
    except ImportParseError as exc:
        problems = [
            Problem(row=p.row, column=p.column, code="invalid_file", message=p.message, value=p.value)
            for p in exc.problems
        ]
        raise ValidationFailed(f"the file could not be read: {len(problems)} problem(s)", errors=problems) from None
    if authorize is not None:
        authorize(c.zone_code for c in parsed.cells)
    if progress is not None:
        progress.parsed(parsed)
    cells: list[Cell] = list(parsed.cells)  # parsed cells are valid write input as they are (ingest.Cell)
    details = {"filename": filename, "file_format": parsed.file_format, "layout": parsed.layout,
               "encoding": parsed.encoding, "rows": parsed.row_count}
    summary = _write(session, cells, earliest_year=earliest_year, actor=actor, details=details, progress=progress)
    return ImportResult(
        **summary.model_dump(), file_format=parsed.file_format, layout=parsed.layout, encoding=parsed.encoding,
        rows=parsed.row_count,
    )


def _write(
    session: Session,
    cells: list[Cell],
    *,
    earliest_year: int,
    actor: Actor,
    details: dict[str, Any],
    progress: ImportProgress | None,
) -> WriteSummary:
    if progress is None or len(cells) <= WRITE_CHUNK:
        summary = write_observations(session, cells, earliest_year=earliest_year, actor=actor,
                                     action="import.create", details=details)
        if progress is not None:
            progress.written(len(cells))
        return summary
    # To show progress, write in chunks inside the caller's one transaction. Validate the whole file
    # first so that problems (including keys repeated across chunks) are all listed, exactly as the
    # single write would list them; on any problem that single write raises the usual error.
    _, problems = validate_cells(session, cells, earliest_year=earliest_year)
    if problems:
        write_observations(session, cells, earliest_year=earliest_year, actor=actor, action="import.create",
                           details=details)
        raise AssertionError("write_observations accepted cells that validate_cells rejected")
    total = WriteSummary(received=0, inserted=0, updated=0, unchanged=0)
    for start in range(0, len(cells), WRITE_CHUNK):
        chunk = cells[start : start + WRITE_CHUNK]
        # one audit event per chunk, each naming its part of the file
        part = write_observations(session, chunk, earliest_year=earliest_year, actor=actor, action="import.create",
                                  details={**details, "chunk_start_row": chunk[0].row})
        total = WriteSummary(**{k: getattr(total, k) + getattr(part, k) for k in WriteSummary.model_fields})
        progress.written(len(chunk))
    return total
