"""Importing a CSV/XLSX file of observations: parse, validate every cell, write all or nothing.

The one path behind ``POST /api/v1/imports`` and ``zonescore import``. It only flushes; the
caller's session scope commits, so a failure anywhere leaves the database untouched.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, fields
from typing import Any

from sqlalchemy.orm import Session

from app.config import Settings
from app.errors import AppError, PayloadTooLarge, Problem, ServiceUnavailable, ValidationFailed
from app.schemas.common import WriteSummary
from app.schemas.observation import ImportResult
from app.services.audit import Actor
from app.services.bounded import ParserBusy
from app.services.import_parser import (
    ImportLimits,
    ImportParseError,
    ImportTooLarge,
    ParsedImport,
    ParserBounds,
    parse_import,
)
from app.services.ingest import Cell, validate_cells, write_observations
from app.services.problem_log import DEFAULT_MAX_PROBLEMS
from scoring_models.catalog import indicator_catalog

WRITE_CHUNK = 5_000
PARSER_RETRY_AFTER = "10"
"""Seconds a client is asked to wait when every import parser is busy."""


@dataclass(frozen=True)
class FileBounds:
    """What a file may hold and cost: its limits, the child process's bounds (``None``: parse in this
    process) and the number of problems listed."""

    limits: ImportLimits = field(default_factory=ImportLimits)
    parser: ParserBounds | None = field(default_factory=ParserBounds)
    max_problems: int = DEFAULT_MAX_PROBLEMS


def file_bounds(settings: Settings) -> FileBounds:
    """The bounds the settings ``import_max_*``, ``import_parser_*`` and ``max_problems`` set."""
    limits = ImportLimits(**{name: getattr(settings, "import_" + name) for name in ImportLimits.field_names()})
    parser = ParserBounds(**{f.name: getattr(settings, "import_parser_" + f.name) for f in fields(ParserBounds)})
    return FileBounds(limits, parser, settings.max_problems)


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
    bounds: FileBounds | None = None,
) -> ImportResult:
    """Parse ``data`` (CSV in UTF-8/GB18030 or XLSX, wide or long) and upsert every cell.

    ``authorize`` is called with the file's zone codes before anything is written (the API passes
    the key's province check). Raises :class:`ValidationFailed` listing every problem (unreadable
    file, unknown zone or indicator, out-of-range value …), :class:`PayloadTooLarge` for a file beyond
    the import limits or the parser's bounds and :class:`ServiceUnavailable` when every parser is busy;
    nothing is written then.
    """
    bounds = bounds or FileBounds()
    parsed = _parse(data, filename=filename, content_type=content_type, max_rows=max_rows, bounds=bounds)
    if authorize is not None:
        authorize(c.zone_code for c in parsed.cells)
    if progress is not None:
        progress.parsed(parsed)
    cells: list[Cell] = list(parsed.cells)  # parsed cells are valid write input as they are (ingest.Cell)
    details = {"filename": filename, "file_format": parsed.file_format, "layout": parsed.layout,
               "encoding": parsed.encoding, "rows": parsed.row_count}
    summary = _write(session, cells, earliest_year=earliest_year, actor=actor, details=details, progress=progress,
                     max_problems=bounds.max_problems)
    return ImportResult(
        **summary.model_dump(), file_format=parsed.file_format, layout=parsed.layout, encoding=parsed.encoding,
        rows=parsed.row_count,
    )


def _parse(data: bytes, *, filename: str | None, content_type: str | None, max_rows: int,
           bounds: FileBounds) -> ParsedImport:
    """The parsed file, or the error saying why it cannot be imported."""
    catalog = indicator_catalog().by_code()
    try:
        return parse_import(
            data, filename=filename, content_type=content_type, known_indicators=frozenset(catalog),
            indicator_names={i.name_zh: code for code, i in catalog.items()},
            percent_indicators=frozenset(code for code, i in catalog.items() if i.unit == "%"),
            max_rows=max_rows, limits=bounds.limits, max_problems=bounds.max_problems, bounds=bounds.parser,
        )
    except ParserBusy:
        raise ServiceUnavailable("every import parser is busy; nothing was written; retry shortly",
                                 headers={"Retry-After": PARSER_RETRY_AFTER}) from None
    except ImportParseError as exc:
        problems = [Problem(row=p.row, column=p.column, code=p.code, message=p.message, value=p.value)
                    for p in exc.problems]
        total = sum(exc.totals.values())
        error: type[AppError] = PayloadTooLarge if isinstance(exc, ImportTooLarge) else ValidationFailed
        raise error(f"the file could not be read: {total} problem(s)", errors=problems,
                    error_totals=exc.totals) from None


def _write(
    session: Session,
    cells: list[Cell],
    *,
    earliest_year: int,
    actor: Actor,
    details: dict[str, Any],
    progress: ImportProgress | None,
    max_problems: int,
) -> WriteSummary:
    if progress is None or len(cells) <= WRITE_CHUNK:
        summary = write_observations(session, cells, earliest_year=earliest_year, actor=actor,
                                     action="import.create", details=details, max_problems=max_problems)
        if progress is not None:
            progress.written(len(cells))
        return summary
    # To show progress, write in chunks inside the caller's one transaction. Validate the whole file
    # first so that problems (including keys repeated across chunks) are all listed, exactly as the
    # single write would list them; on any problem that single write raises the usual error.
    _, problems = validate_cells(session, cells, earliest_year=earliest_year, max_problems=max_problems)
    if problems:
        write_observations(session, cells, earliest_year=earliest_year, actor=actor, action="import.create",
                           details=details, max_problems=max_problems)
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
