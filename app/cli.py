"""Command line: ``zonescore migrate | seed-demo | serve | openapi | import | export | evaluate | runs |
webhooks | keys | judgments``."""

from __future__ import annotations

from pathlib import Path

import typer

from app import cli_data, cli_evaluate, cli_judgments, cli_runs
from app.config import get_settings
from app.db import make_engine, make_session_factory, session_scope

cli = typer.Typer(help="zonescore: store, score and rank high-tech zones.", no_args_is_help=True,
                  rich_markup_mode="markdown")
keys_cli = typer.Typer(help="Create, list and revoke API keys.", no_args_is_help=True, rich_markup_mode="markdown")
cli.add_typer(keys_cli, name="keys")
cli.add_typer(cli_runs.runs_cli, name="runs")
cli.add_typer(cli_runs.webhooks_cli, name="webhooks")
cli.add_typer(cli_judgments.judgments_cli, name="judgments")


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
        with session_scope(make_session_factory(engine)) as session:
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
    from app import server

    settings = get_settings()
    for warning in server.startup_warnings(settings, host=host, workers=workers):
        typer.echo(f"warning: {warning}", err=True)
    server.serve(settings, host=host, port=port, workers=workers)


@cli.command()
def openapi(
    check: bool = typer.Option(False, "--check", help="only compare: exit 1 when the file differs from the app"),
    output: Path = typer.Option(None, "--output", "-o",
                                help="file to write (default: openapi.json of the source tree)"),
) -> None:
    """Write the app's OpenAPI document to openapi.json (the file clients are generated from), or check it."""
    from app.openapi_file import OPENAPI_PATH, drift, render

    path = output or OPENAPI_PATH
    if check:
        difference = drift(path)
        if difference is not None:
            typer.echo(f"error: {path} is out of date ({difference}); run 'make openapi'", err=True)
            raise typer.Exit(code=1)
        typer.echo(f"{path} matches the app")
        return
    path.write_text(render(), encoding="utf-8")
    typer.echo(f"wrote {path}")


# Data commands live in app/cli_data.py to keep this file small.
cli.command("import")(cli_data.import_file)
cli.command("export")(cli_data.export)
cli.command("evaluate")(cli_evaluate.evaluate)


@keys_cli.command("create")
def keys_create(
    name: str = typer.Option(..., "--name", help="who the key is for, e.g. 浙江门户"),
    scope: list[str] = typer.Option(..., "--scope", help="read, submit, evaluate or admin; repeat for several"),
    province: list[str] = typer.Option([], "--province", help="two-digit province code; repeat; none: all"),
) -> None:
    """Create a key and print its secret — the only time it is shown (only a hash is stored)."""
    from pydantic import ValidationError

    from app.schemas.keys import KeyCreate
    from app.services.audit import CLI_ACTOR
    from app.services.keys import create_key

    try:
        # The same checks as the API: known scopes and provinces, a name of sensible length.
        data = KeyCreate.model_validate({"name": name, "scopes": scope, "provinces": province})
    except ValidationError as exc:
        for err in exc.errors():
            typer.echo(f"error: {'.'.join(map(str, err['loc']))}: {err['msg']}", err=True)
        raise typer.Exit(code=2) from None
    engine = make_engine(get_settings().database_url)
    try:
        with session_scope(make_session_factory(engine)) as session:
            key, secret = create_key(session, CLI_ACTOR, name=data.name, scopes=data.scopes,
                                     provinces=data.provinces)
            key_id, scopes, provinces = key.id, key.scopes, key.provinces
    finally:
        engine.dispose()
    typer.echo(f"created key {key_id} {data.name!r}: scopes {','.join(scopes)}; "
               f"provinces {','.join(provinces) or 'all'}")
    typer.echo("secret (shown only now; send it as 'Authorization: Bearer <secret>' or 'X-API-Key: <secret>'):")
    typer.echo(secret)


@keys_cli.command("list")
def keys_list() -> None:
    """List keys: id, prefix, name, scopes, provinces, created, revoked (never the secrets)."""
    from app.services.keys import list_keys

    engine = make_engine(get_settings().database_url)
    try:
        with session_scope(make_session_factory(engine)) as session:
            for k in list_keys(session):
                revoked = f"revoked {k.revoked_at.isoformat()}" if k.revoked_at else "active"
                typer.echo(f"{k.id}\t{k.prefix}…\t{k.name}\t{','.join(k.scopes)}\t"
                           f"{','.join(k.provinces) or 'all'}\t{k.created_at.isoformat()}\t{revoked}")
    finally:
        engine.dispose()


@keys_cli.command("revoke")
def keys_revoke(key_id: int = typer.Argument(..., help="the id shown by 'keys list'")) -> None:
    """Revoke a key: from then on it gets 401."""
    from app.errors import NotFound
    from app.services.audit import CLI_ACTOR
    from app.services.keys import revoke_key

    engine = make_engine(get_settings().database_url)
    try:
        with session_scope(make_session_factory(engine)) as session:
            try:
                revoke_key(session, CLI_ACTOR, key_id)
            except NotFound as exc:
                typer.echo(f"error: {exc.detail}", err=True)
                raise typer.Exit(code=1) from None
    finally:
        engine.dispose()
    typer.echo(f"key {key_id} revoked")


def main() -> None:
    """Entry point of the ``zonescore`` script."""
    cli()
