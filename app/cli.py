"""Command line: ``zonescore migrate | seed-demo | serve | import | export | evaluate``."""

from __future__ import annotations

import typer

from app import cli_data, cli_evaluate
from app.config import get_settings
from app.db import make_engine, make_session_factory, session_scope

cli = typer.Typer(help="zonescore: store, score and rank high-tech zones.", no_args_is_help=True)


@cli.command()
def migrate() -> None:
    """Create or upgrade the database schema to the newest migration and sync the indicator catalog."""
    from app.migrate import upgrade

    settings = get_settings()
    engine = make_engine(settings.database_url)
    try:
        upgrade(engine)
    finally:
        engine.dispose()
    typer.echo(f"database at the newest migration: {engine.url.render_as_string(hide_password=True)}")


@cli.command("seed-demo")
def seed_demo(
    if_empty: bool = typer.Option(False, "--if-empty", help="do nothing (and succeed) when zones already exist"),
) -> None:
    """Load the synthetic demo data set (about 300 fictional zones, 2020–2024) into an empty database."""
    from app.services.demo_loader import load_demo

    engine = make_engine(get_settings().database_url)
    try:
        for session in session_scope(make_session_factory(engine)):
            result = load_demo(session)
    finally:
        engine.dispose()
    if result.loaded:
        typer.echo(f"demo data loaded: {result.zones} zones, {result.observations} observations, "
                   f"{result.chain_breakdowns} chain breakdowns")
    elif if_empty:
        typer.echo(result.reason)
    else:
        typer.echo(f"error: {result.reason}", err=True)
        raise typer.Exit(code=1)


@cli.command()
def serve(
    host: str = typer.Option("127.0.0.1", help="address to listen on"),
    port: int = typer.Option(8000, help="port to listen on"),
    workers: int = typer.Option(1, min=1, help="worker processes"),
) -> None:
    """Serve the HTTP API (docs at /docs)."""
    import uvicorn

    # create_app configures logging (JSON by default) and logs every request itself, so uvicorn
    # must neither install its own log config nor write its own access log.
    uvicorn.run("app.main:create_app", factory=True, host=host, port=port, workers=workers, log_config=None,
                access_log=False)


# Data commands live in app/cli_data.py to keep this file small.
cli.command("import")(cli_data.import_file)
cli.command("export")(cli_data.export)
cli.command("evaluate")(cli_evaluate.evaluate)


def main() -> None:
    """Entry point of the ``zonescore`` script."""
    cli()
