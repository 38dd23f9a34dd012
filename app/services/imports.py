"""Importing a CSV/XLSX file of observations: read, check every cell once, write all or nothing.

The one path behind ``POST /api/v1/imports`` and ``zonescore import``. One pass collects every problem
of the file — cells that do not parse, zones outside the key's provinces, and what the checks of JSON
batches find in the cells that parse (unknown zone, year or value out of range …) — with the codes a
JSON batch gives and the file's own column headers, and answers once. It only flushes; the caller's
session scope commits, so a failure anywhere leaves the database untouched.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, fields
from typing import Any

from sqlalchemy.orm import Session

from app.config import Settings
from app.errors import AppError, Forbidden, PayloadTooLarge, Problem, ServiceUnavailable, ValidationFailed
from app.schemas.common import WriteSummary
from app.schemas.observation import ImportResult
from app.services.audit import Actor
from app.services.bounded import ParserBusy
from app.services.import_parser import (
    CellProblem,
    ImportLimits,
    ImportParseError,
    ImportTooLarge,
    ParsedCell,
    ParsedImport,
    ParserBounds,
    read_import,
)
from app.services.ingest import ValidCell, validate_cells, write_valid
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


ZONE_OUTSIDE = "zone_outside_key_provinces"

ZonesOutside = Callable[[Iterable[str]], Mapping[str, str]]
"""Given the file's zone codes, those the caller may not write, each with its province."""


@dataclass(frozen=True)
class ImportProgress:
    """Callbacks for a long import: ``parsed`` once the file is read, ``written`` after each chunk."""

    parsed: Callable[[ParsedImport], None]
    written: Callable[[int], None]


@dataclass(frozen=True)
class Scope:
    """Which zones the caller may write: ``outside`` names the others with their province, ``message`` says why."""

    outside: ZonesOutside
    message: Callable[[str, str], str]


@dataclass(frozen=True)
class FileProblems:
    """Every problem of a file: the first ``max_problems`` in row order, and how many of each code in all."""

    kept: list[Problem]
    totals: dict[str, int]

    def __bool__(self) -> bool:
        return bool(self.totals)

    def error(self) -> AppError:
        """The one answer to the file: 403 when every problem is a zone outside the key's provinces (as for a
        JSON batch), else 422 listing them all."""
        rows = len({p.row for p in self.kept})
        total = sum(self.totals.values())
        if set(self.totals) == {ZONE_OUTSIDE}:
            zones = len({p.value for p in self.kept})
            return Forbidden(f"{zones} zone(s) of the file lie outside the key's provinces ({total} row(s)); "
                             "nothing was written", errors=self.kept, error_totals=self.totals)
        return ValidationFailed(f"{total} problem(s) in {rows} or more row(s); nothing was written"
                                if total > len(self.kept) else f"{total} problem(s) in {rows} row(s); nothing was "
                                "written", errors=self.kept, error_totals=self.totals)


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
    bounds: FileBounds | None = None,
) -> ImportResult:
    """Read ``data`` (CSV in UTF-8/GB18030 or XLSX, wide or long) and upsert every cell.

    ``scope`` limits the zones the caller may write (the API passes the key's provinces). Raises, listing
    every problem of the file at once, :class:`Forbidden` when the only problems are zones outside the
    scope and :class:`ValidationFailed` otherwise; :class:`PayloadTooLarge` for a file beyond the import
    limits or the parser's bounds and :class:`ServiceUnavailable` when every parser is busy. Nothing is
    written then.
    """
    bounds = bounds or FileBounds()
    parsed = _read(data, filename=filename, content_type=content_type, max_rows=max_rows, bounds=bounds)
    valid, problems = check_file(session, parsed, earliest_year=earliest_year, scope=scope,
                                 max_problems=bounds.max_problems)
    if problems:
        raise problems.error()
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


def _read(data: bytes, *, filename: str | None, content_type: str | None, max_rows: int,
          bounds: FileBounds) -> ParsedImport:
    """The file's cells and the problems of its cells, or the error saying why it cannot be read at all."""
    catalog = indicator_catalog().by_code()
    try:
        return read_import(
            data, filename=filename, content_type=content_type, known_indicators=frozenset(catalog),
            indicator_names={i.name_zh: code for code, i in catalog.items()},
            percent_indicators=frozenset(code for code, i in catalog.items() if i.unit == "%"),
            max_rows=max_rows, limits=bounds.limits, max_problems=bounds.max_problems, bounds=bounds.parser,
        )
    except ParserBusy:
        raise ServiceUnavailable("every import parser is busy; nothing was written; retry shortly",
                                 headers={"Retry-After": PARSER_RETRY_AFTER}) from None
    except ImportParseError as exc:  # the file as a whole cannot be read: nothing else to check
        problems = [_problem(p) for p in exc.problems]
        total = sum(exc.totals.values())
        error: type[AppError] = PayloadTooLarge if isinstance(exc, ImportTooLarge) else ValidationFailed
        raise error(f"the file could not be read: {total} problem(s)", errors=problems,
                    error_totals=exc.totals) from None


def check_file(
    session: Session, parsed: ParsedImport, *, earliest_year: int, scope: Scope | None,
    max_problems: int = DEFAULT_MAX_PROBLEMS,
) -> tuple[list[ValidCell], FileProblems]:
    """Every problem of a read file — its unreadable cells, zones outside ``scope`` and what the checks of a
    JSON batch find in the cells that were read, named by the file's own headers — and the valid cells."""
    kept = [_problem(p) for p in parsed.problems]
    totals: Counter[str] = Counter(parsed.problem_totals)
    zone_column = parsed.columns.get("zone_code", "zone_code")
    if scope is not None:
        outside = scope.outside(c.zone_code for c in parsed.cells)
        # one problem a row: a wide row repeats its zone in every cell
        rows = {c.row: c.zone_code for c in parsed.cells if c.zone_code in outside}
        kept += [Problem(row=row, column=zone_column, code=ZONE_OUTSIDE, value=code,
                         message=scope.message(code, outside[code])) for row, code in rows.items()]
        totals[ZONE_OUTSIDE] += len(rows)
    valid, invalid = validate_cells(session, parsed.cells, earliest_year=earliest_year, max_problems=max_problems)
    # The batch checks name a zone or year by the JSON field; a file has its own headers for them.
    own = {name: parsed.columns.get(name, name) for name in ("zone_code", "year", "indicator_code")}
    kept += [p.model_copy(update={"column": own.get(p.column or "", p.column)}) for p in invalid.kept]
    totals.update(invalid.totals)
    kept.sort(key=lambda p: -1 if p.row is None else p.row)
    return valid, FileProblems(kept[:max_problems], {code: n for code, n in totals.items() if n})


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
