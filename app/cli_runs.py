"""``zonescore runs list|publish|withdraw`` and ``zonescore webhooks work``.

``runs list`` is where to find the run id that ``publish``, ``withdraw`` and ``export rankings --run`` need
without the HTTP API.

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

from app.cli_tables import print_table
from app.config import get_settings
from app.db import make_session_factory, session_scope
from app.errors import AppError
from app.i18n import Language
from app.schemas.evaluation import EvaluationRunOut
from app.services.audit import CLI_ACTOR
from app.services.run_status import RunStatus
from app.texts import text

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
    model: str | None = typer.Option(None, "--model", "-m", help="only runs of this model, e.g. innovation-peak"),
    year: int | None = typer.Option(None, "--year", "-y", help="only runs of this evaluation year"),
    status: RunStatus | None = typer.Option(None, "--status", help="draft, published, superseded or withdrawn"),
    limit: int = typer.Option(20, "--limit", min=1, max=1000, help="most runs to show"),
    lang: Language = typer.Option(Language.ZH_CN, "--lang", help="language of the labels"),
) -> None:
    """List evaluation runs of every state, newest first, with their scope, tiers, status and times.

    The id is what publish, withdraw and export rankings --run take."""
    from app.services import evaluations as service
    from app.services.run_labels import scope_text

    statuses = tuple(RunStatus) if status is None else (status,)

    def table(session: Session) -> tuple[list[tuple[str, ...]], int]:
        runs, total = service.list_runs(session, model=model, year=year, limit=limit, offset=0, statuses=statuses)
        return [_run_row(service.run_out(session, run, lang), scope_text(run.zone_filter, lang), lang)
                for run in runs], total

    rows, total = _in_transaction(table)
    if not rows:
        typer.echo(text("no_runs", lang))
        return
    headers = [text(key, lang) for key in ("run", "model", "year", "zones_covered", "zones_ranked", "tiers",
                                           "run_status", "created_at", "published_at")]
    print_table(headers, rows, right=(0, 2, 4))
    if total > len(rows):
        typer.echo(f"{len(rows)} / {total}")


def _run_row(out: EvaluationRunOut, scope: str, lang: Language) -> tuple[str, ...]:
    tiers = " ".join(f"{out.tier_labels.get(code, code)} {n}" for code, n in out.tier_counts.items())
    state = text(f"status_{out.status}", lang)
    if out.superseded_by:
        state += f" → #{out.superseded_by}"
    if out.withdrawal_reason:
        state += f" ({out.withdrawal_reason})"
    published = out.published_at.strftime("%Y-%m-%d %H:%M") if out.published_at else "-"
    return (str(out.id), f"{out.model_key} {out.model_version}", str(out.year), scope, str(out.zones_ranked), tiers,
            state, out.created_at.strftime("%Y-%m-%d %H:%M"), published)


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
