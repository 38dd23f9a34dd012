"""``zonescore runs list|publish|withdraw`` and ``zonescore webhooks work``.

The same service functions as the API (app.services.publication, app.services.webhook_worker), acting as
the CLI (named "cli" in the audit trail, every province).
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

import typer
from sqlalchemy.orm import Session, sessionmaker

from app.config import get_settings
from app.db import make_session_factory, session_scope
from app.errors import AppError
from app.services.audit import CLI_ACTOR
from app.services.run_status import RunStatus

runs_cli = typer.Typer(help="List, publish and withdraw evaluation runs.", no_args_is_help=True)
webhooks_cli = typer.Typer(help="Deliver webhook events from the outbox.", no_args_is_help=True)

T = TypeVar("T")


@contextmanager
def _factory() -> Iterator[sessionmaker[Session]]:
    from app.cli_data import ready_engine

    engine = ready_engine(get_settings())
    try:
        yield make_session_factory(engine)
    finally:
        engine.dispose()


def _in_transaction(work: Callable[[Session], T]) -> T:
    """``work`` in one transaction; a service error exits with code 1 and its message."""
    try:
        with _factory() as factory, session_scope(factory) as session:
            return work(session)
    except AppError as exc:
        typer.echo(f"error: {exc.detail}", err=True)
        raise typer.Exit(code=1) from None


@runs_cli.command("list")
def runs_list(
    model: str | None = typer.Option(None, "--model", "-m", help="model key"),
    year: int | None = typer.Option(None, "--year", "-y"),
    status: RunStatus | None = typer.Option(None, "--status", help="draft, published, superseded or withdrawn"),
    limit: int = typer.Option(50, "--limit", min=1, max=1000),
) -> None:
    """Runs, newest first: id, model and version, year, zone filter, status, created, published."""
    from app.services import evaluations as service

    statuses = tuple(RunStatus) if status is None else (status,)
    runs, total = _in_transaction(lambda s: service.list_runs(s, model=model, year=year, limit=limit, offset=0,
                                                              statuses=statuses))
    for run in runs:
        state = run.publication
        published = state.published_at.isoformat(timespec="seconds") if state.published_at else "-"
        extra = f" by #{state.superseded_by}" if state.superseded_by else ""
        extra += f" ({state.withdrawal_reason})" if state.withdrawal_reason else ""
        zone_filter = run.zone_filter.model_dump(exclude_defaults=True) or "all zones"
        typer.echo(f"{run.id}\t{run.model_key} {run.model_version}\t{run.year}\t{zone_filter}\t"
                   f"{state.status}{extra}\t{run.created_at.isoformat(timespec='seconds')}\t{published}")
    typer.echo(f"{len(runs)} of {total} run(s)", err=True)


@runs_cli.command("publish")
def runs_publish(run_id: int = typer.Argument(..., help="the id shown by 'runs list'")) -> None:
    """Publish a draft: it becomes the official run of its model, year and zone filter (the run published
    there before is superseded) and the webhooks are told."""
    from app.services import publication

    run = _in_transaction(lambda s: publication.publish(s, run_id, publication.Publisher(CLI_ACTOR)))
    typer.echo(f"run {run.id} published: {run.model_key} {run.year}")


@runs_cli.command("withdraw")
def runs_withdraw(
    run_id: int = typer.Argument(..., help="the id shown by 'runs list'"),
    reason: str = typer.Option(..., "--reason", help="why, shown with every 410 answer for the run"),
) -> None:
    """Withdraw a run for good: every read of it answers 410 Gone with the reason from then on."""
    from app.services import publication

    run = _in_transaction(lambda s: publication.withdraw(s, run_id, reason, publication.Publisher(CLI_ACTOR)))
    typer.echo(f"run {run.id} withdrawn: {run.publication.withdrawal_reason}")


@webhooks_cli.command("work")
def webhooks_work(
    once: bool = typer.Option(False, "--once", help="deliver what is due now, then exit"),
) -> None:
    """Deliver the outbox's webhook messages until stopped (SIGTERM or Ctrl-C), beside or instead of the
    servers' own workers (ZONESCORE_WEBHOOK_WORKER=false); any number may run at once."""
    from app.services.webhook_worker import WebhookWorker, run_forever

    settings = get_settings()
    with _factory() as factory:
        worker = WebhookWorker(factory, settings)
        if once:
            sent = worker.run_once()
            worker.stop()
            typer.echo(f"{sent} delivery attempt(s)")
            return
        stop = threading.Event()
        for signum in (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, lambda *_: stop.set())
        typer.echo(f"webhook worker {worker.name} running; stop with Ctrl-C", err=True)
        run_forever(worker, stop.is_set)
