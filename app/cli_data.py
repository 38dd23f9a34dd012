"""The data commands of the CLI: ``zonescore import FILE`` and ``zonescore export zones|observations|rankings``.

Registered on the Typer app in :mod:`app.cli`.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from app.config import Settings, get_settings
from app.db import make_engine, make_session_factory, session_scope
from app.i18n import Language
from app.schemas.zone import Level
from app.texts import text

if TYPE_CHECKING:
    from app.services.exports import Sheet

MAX_LISTED_PROBLEMS = 20
# Below this size a file imports in about a second; a progress bar would only flicker.
PROGRESS_MIN_BYTES = 1_000_000


def ready_engine(settings: Settings) -> Engine:
    """An engine on a database at the newest migration, or a clear error and exit code 1 (for any command
    that needs the schema, e.g. ``evaluate``)."""
    from app.migrate import current_revision, head_revision

    engine = make_engine(settings.database_url)
    try:
        current = current_revision(engine)
    except Exception as exc:  # any driver error: unreachable host, bad credentials, missing file …
        engine.dispose()
        typer.echo(f"error: cannot reach the database: {type(exc).__name__}: {exc}", err=True)
        raise typer.Exit(code=1) from None
    if current != head_revision(settings.database_url):
        engine.dispose()
        typer.echo(f"error: the database is at migration {current}, not the newest; run `zonescore migrate` first",
                   err=True)
        raise typer.Exit(code=1)
    return engine


def import_file(
    file: Path = typer.Argument(..., exists=True, dir_okay=False, readable=True,
                                help="CSV (UTF-8, UTF-8 with BOM, GB18030/GBK) or XLSX; wide or long layout"),
    progress: bool | None = typer.Option(
        None, "--progress/--no-progress", help="show a progress bar (default: for files over 1 MB on a terminal)"
    ),
) -> None:
    """Import observations from FILE exactly as POST /api/v1/imports does: every cell is validated and
    all are written in one transaction, or none and every problem is listed (exit code 1)."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    from app.errors import AppError
    from app.services.audit import CLI_ACTOR
    from app.services.import_parser import ParsedImport
    from app.services.imports import ImportProgress, file_bounds
    from app.services.imports import import_file as import_service

    settings = get_settings()
    data = file.read_bytes()
    console = Console(stderr=True)
    show = progress if progress is not None else (len(data) >= PROGRESS_MIN_BYTES and console.is_terminal)
    bar = Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                   TimeElapsedColumn(), console=console, disable=not show, transient=True)
    task = bar.add_task(f"reading {file.name}", total=None)

    def parsed(result: ParsedImport) -> None:
        bar.update(task, description=f"writing {len(result.cells)} cells", total=len(result.cells), completed=0)

    def written(count: int) -> None:
        bar.advance(task, count)

    engine = ready_engine(settings)
    try:
        with bar, session_scope(make_session_factory(engine)) as session:
            result = import_service(
                session, data, filename=file.name, content_type=None, earliest_year=settings.earliest_year,
                max_rows=settings.max_batch_rows, actor=CLI_ACTOR,
                progress=ImportProgress(parsed=parsed, written=written), bounds=file_bounds(settings),
            )
    except AppError as exc:  # 422 problems, a file beyond the limits (413), every parser busy (503)
        typer.echo(f"error: {file}: {exc.detail}", err=True)
        for problem in exc.errors[:MAX_LISTED_PROBLEMS]:
            where = ", ".join(part for part in (
                f"row {problem.row}" if problem.row is not None else "",
                f"column {problem.column}" if problem.column else "",
            ) if part) or "file"
            shown = f" (value: {problem.value!r})" if problem.value is not None else ""
            typer.echo(f"  {where}: {problem.message}{shown}", err=True)
        total = sum(exc.error_totals.values()) if exc.error_totals else len(exc.errors)
        if total > MAX_LISTED_PROBLEMS:
            typer.echo(f"  … and {total - MAX_LISTED_PROBLEMS} more problem(s)", err=True)
        raise typer.Exit(code=1) from None
    finally:
        engine.dispose()
    typer.echo(
        f"imported {file.name}: {result.file_format}, {result.layout} layout, {result.rows} rows; "
        f"{result.received} cells: {result.inserted} inserted, {result.updated} updated, "
        f"{result.unchanged} unchanged"
    )


class ExportTable(StrEnum):
    """What ``zonescore export`` writes."""

    ZONES = "zones"
    OBSERVATIONS = "observations"
    RANKINGS = "rankings"


class FileFormat(StrEnum):
    """The file formats ``zonescore export`` writes."""

    CSV = "csv"
    XLSX = "xlsx"


@dataclass(frozen=True)
class _ExportQuery:
    """What ``zonescore export`` reads: the table, the language and the filters that apply to it."""

    table: ExportTable
    lang: Language
    province: str | None
    level: Level | None
    zones: list[str] | None
    indicators: list[str] | None
    year_from: int | None
    year_to: int | None
    wide: bool
    run: int | None


def export(
    table: ExportTable = typer.Argument(..., help="zones, observations or rankings"),
    output: str = typer.Option("-", "--output", "-o", help="file to write; '-' writes to standard output"),
    file_format: FileFormat | None = typer.Option(
        None, "--format", "-f", help="csv or xlsx (default: from the output file's suffix, else csv)"
    ),
    lang: Language = typer.Option(Language.ZH_CN, "--lang", help="language of headers and labels"),
    province: str | None = typer.Option(None, help="zones: GB/T 2260 province code, e.g. 33"),
    level: Level | None = typer.Option(None, help="zones: national or provincial"),
    zone: list[str] | None = typer.Option(None, help="observations: zone code (repeatable)"),
    indicator: list[str] | None = typer.Option(None, help="observations: indicator code (repeatable)"),
    year_from: int | None = typer.Option(None, help="observations: first year"),
    year_to: int | None = typer.Option(None, help="observations: last year"),
    wide: bool = typer.Option(False, "--wide", help="observations: one row per zone-year, one column per indicator"),
    run: int | None = typer.Option(None, "--run", help="rankings: the evaluation run id"),
) -> None:
    """Export zones, observations or a run's rankings as CSV (UTF-8 with BOM, for Excel) or XLSX, like
    ?format= on the API. The rankings workbook has a methodology sheet too; --province filters rankings."""
    from app.services.exports import to_csv, to_xlsx

    if file_format is None:
        file_format = FileFormat.XLSX if output.lower().endswith(".xlsx") else FileFormat.CSV
    _check_export_arguments(table, run, output, file_format)
    sheets = _load_sheets(_ExportQuery(table, lang, province, level, zone or None, indicator or None,
                                       year_from, year_to, wide, run))
    # A CSV holds the first sheet: the rankings without their methodology.
    first = sheets[0]
    body = to_csv(first.rows, first.columns, lang) if file_format is FileFormat.CSV else to_xlsx(sheets, lang)
    if output == "-":
        stream = typer.get_binary_stream("stdout")
        stream.write(body)
        stream.flush()
    else:
        Path(output).write_bytes(body)
        typer.echo(f"wrote {len(first.rows)} {table.value} to {output} ({file_format.value}, {len(body)} bytes)",
                   err=True)


def _check_export_arguments(table: ExportTable, run: int | None, output: str, file_format: FileFormat) -> None:
    """Exit with an error for argument combinations that cannot work."""
    if table is ExportTable.RANKINGS and run is None:
        typer.echo("error: exporting rankings needs --run ID (see GET /api/v1/evaluations)", err=True)
        raise typer.Exit(code=1)
    if output == "-" and file_format is FileFormat.XLSX and sys.stdout.isatty():
        typer.echo("error: XLSX is binary; give --output FILE or redirect standard output", err=True)
        raise typer.Exit(code=1)


def _load_sheets(query: _ExportQuery) -> list[Sheet]:
    """The sheets to export, read from the configured database; an error message and exit code 1 when
    the service refuses (an unknown run, too many rows …)."""
    from app.errors import AppError

    settings = get_settings()
    engine = ready_engine(settings)
    try:
        with session_scope(make_session_factory(engine)) as session:
            return _read_sheets(session, query, settings.max_export_rows)
    except AppError as exc:
        typer.echo(f"error: {exc.detail}", err=True)
        raise typer.Exit(code=1) from None
    finally:
        engine.dispose()


def _read_sheets(session: Session, query: _ExportQuery, max_rows: int) -> list[Sheet]:
    from app.services import evaluation_exports
    from app.services.export_tables import observation_table, zone_table
    from app.services.exports import Sheet

    if query.table is ExportTable.RANKINGS:
        assert query.run is not None
        return evaluation_exports.ranking_sheets(session, query.run, query.lang, max_rows=max_rows,
                                                 province=query.province, level=query.level)
    if query.table is ExportTable.ZONES:
        rows, columns = zone_table(session, query.lang, province=query.province, level=query.level,
                                   max_rows=max_rows)
    else:
        rows, columns = observation_table(session, query.lang, zones=query.zones, indicators=query.indicators,
                                          year_from=query.year_from, year_to=query.year_to, wide=query.wide,
                                          max_rows=max_rows)
    return [Sheet(text(f"sheet_{query.table.value}", query.lang), rows, columns)]
