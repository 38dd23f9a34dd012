"""The data commands of the CLI: ``zonescore import FILE`` and ``zonescore export zones|observations|rankings``.

Registered on the Typer app in :mod:`app.cli`.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping, Sequence
from enum import StrEnum
from pathlib import Path
from typing import Any

import typer
from sqlalchemy import Engine

from app.config import Settings, get_settings
from app.db import make_engine, make_session_factory, session_scope
from app.i18n import Language
from app.schemas.zone import Level
from app.texts import text

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

    from app.errors import ValidationFailed
    from app.services.audit import CLI_ACTOR
    from app.services.import_parser import ParsedImport
    from app.services.imports import ImportProgress
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
                progress=ImportProgress(parsed=parsed, written=written),
            )
    except ValidationFailed as exc:
        typer.echo(f"error: {file}: {exc.detail}", err=True)
        for problem in exc.errors[:MAX_LISTED_PROBLEMS]:
            where = ", ".join(part for part in (
                f"row {problem.row}" if problem.row is not None else "",
                f"column {problem.column}" if problem.column else "",
            ) if part) or "file"
            shown = f" (value: {problem.value!r})" if problem.value is not None else ""
            typer.echo(f"  {where}: {problem.message}{shown}", err=True)
        if len(exc.errors) > MAX_LISTED_PROBLEMS:
            typer.echo(f"  … and {len(exc.errors) - MAX_LISTED_PROBLEMS} more problem(s)", err=True)
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
    from app.errors import AppError
    from app.services import evaluation_exports
    from app.services.export_tables import observation_table, zone_table
    from app.services.exports import Column, Sheet, to_csv, to_xlsx

    if file_format is None:
        file_format = FileFormat.XLSX if output.lower().endswith(".xlsx") else FileFormat.CSV
    if table is ExportTable.RANKINGS and run is None:
        typer.echo("error: exporting rankings needs --run ID (see GET /api/v1/evaluations)", err=True)
        raise typer.Exit(code=1)
    stdout = output == "-"
    if stdout and file_format is FileFormat.XLSX and sys.stdout.isatty():
        typer.echo("error: XLSX is binary; give --output FILE or redirect standard output", err=True)
        raise typer.Exit(code=1)
    settings = get_settings()
    engine = ready_engine(settings)
    sheets: list[Sheet] | None = None
    rows: Sequence[Mapping[str, Any]]
    columns: Sequence[Column]
    try:
        with session_scope(make_session_factory(engine)) as session:
            if table is ExportTable.RANKINGS:
                assert run is not None
                sheets = evaluation_exports.ranking_sheets(session, run, lang, max_rows=settings.max_export_rows,
                                                           province=province, level=level)
                rows, columns = sheets[0].rows, sheets[0].columns
            elif table is ExportTable.ZONES:
                rows, columns = zone_table(session, lang, province=province, level=level,
                                           max_rows=settings.max_export_rows)
            else:
                rows, columns = observation_table(session, lang, zones=zone or None, indicators=indicator or None,
                                                  year_from=year_from, year_to=year_to, wide=wide,
                                                  max_rows=settings.max_export_rows)
    except AppError as exc:
        typer.echo(f"error: {exc.detail}", err=True)
        raise typer.Exit(code=1) from None
    finally:
        engine.dispose()
    if sheets is None:
        sheets = [Sheet(text(f"sheet_{table.value}", lang), rows, columns)]
    body = to_csv(rows, columns, lang) if file_format is FileFormat.CSV else to_xlsx(sheets, lang)
    if stdout:
        stream = typer.get_binary_stream("stdout")
        stream.write(body)
        stream.flush()
    else:
        Path(output).write_bytes(body)
        typer.echo(f"wrote {len(rows)} {table.value} to {output} ({file_format.value}, {len(body)} bytes)", err=True)
