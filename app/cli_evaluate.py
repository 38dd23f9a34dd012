"""``zonescore evaluate``: compute and store one evaluation run from the command line.

Registered on the Typer app in :mod:`app.cli`. Uses the same service function as
``POST /api/v1/evaluations`` in one transaction, so a run made here is identical (same input hash,
same results) to one made through the API and is timed in the same metric. The run is a draft unless
``--publish`` publishes it in the same transaction (then the registered webhooks are told, from the outbox).
"""

from __future__ import annotations

import json
from enum import StrEnum

import typer

from app.cli_tables import check_provinces, print_table
from app.config import get_settings
from app.db import make_session_factory, session_scope
from app.i18n import Language
from app.services.audit import CLI_ACTOR
from app.texts import text

TOP_N = 10


class OutputFormat(StrEnum):
    """How ``zonescore evaluate`` prints its result."""

    TABLE = "table"
    JSON = "json"


def evaluate(
    model: str = typer.Option(..., "--model", "-m", help="model key, e.g. innovation-peak"),
    year: int = typer.Option(..., "--year", "-y", help="evaluation year, e.g. 2024"),
    province: list[str] | None = typer.Option(None, "--province", "-p", callback=check_provinces,
                                              help="GB/T 2260 province code, e.g. 33 (repeatable; default: all)"),
    version: str | None = typer.Option(None, "--version", help="model version (default: the newest)"),
    seed: int = typer.Option(0, "--seed", min=0, help="random seed of the Monte Carlo uncertainty analysis"),
    runs: int = typer.Option(1000, "--runs", min=0, max=20_000, help="Monte Carlo runs (0 disables uncertainty)"),
    output_format: OutputFormat = typer.Option(OutputFormat.TABLE, "--format", "-f", help="table or json"),
    lang: Language = typer.Option(Language.ZH_CN, "--lang", help="language of names and labels in the table"),
    note: str | None = typer.Option(None, "--note", help="free text stored with the run"),
    publish: bool = typer.Option(False, "--publish", help="publish the run at once (default: a draft)"),
    deliver: bool = typer.Option(True, "--deliver/--no-deliver",
                                 help="with --publish: send the webhooks now rather than leave them to a worker"),
) -> None:
    """Run MODEL for YEAR over the selected zones, store the run (a draft unless --publish) and print its id,
    tier counts and top 10. Exit code 1 with the reason when the run cannot be made."""
    from pydantic import ValidationError
    from rich.console import Console

    from app.cli_data import fail, ready_engine
    from app.errors import AppError
    from app.schemas.evaluation import EvaluationRequest
    from app.services import evaluations as service
    from app.services import publication
    from app.services.webhook_worker import WebhookWorker

    try:
        request = EvaluationRequest.model_validate({
            "model": model, "version": version, "year": year, "note": note,
            "zones": {"provinces": province or []}, "options": {"seed": seed, "uncertainty_runs": runs},
        })
    except ValidationError as exc:
        for err in exc.errors():
            typer.echo(f"error: {'.'.join(str(p) for p in err['loc'])}: {err['msg']}", err=True)
        raise typer.Exit(code=1) from None
    settings = get_settings()
    engine = ready_engine(settings)
    factory = make_session_factory(engine)
    console = Console(stderr=True)
    try:
        # A spinner on stderr (only on a terminal), so stdout stays clean for --format json.
        spinner = console.status(f"evaluating {model} {year} ({runs} Monte Carlo runs)…", spinner="dots")
        with spinner, session_scope(factory) as session:
            run = service.run_evaluation(session, request, actor=CLI_ACTOR)
            if publish:
                run = publication.publish(session, run.id, publication.Publisher(CLI_ACTOR))
        with session_scope(factory) as session:
            summary = service.run_out(session, run, lang)
            top, _total = service.rankings(session, run.id, limit=TOP_N, lang=lang)
        if publish and deliver:
            with console.status("delivering webhooks…", spinner="dots"):
                worker = WebhookWorker(factory, settings)
                worker.run_once()
                worker.stop()
    except AppError as exc:
        fail(exc)
    finally:
        engine.dispose()
    if output_format is OutputFormat.JSON:
        document = {"run": summary.model_dump(mode="json"), "top": [r.model_dump(mode="json") for r in top]}
        typer.echo(json.dumps(document, ensure_ascii=False, indent=2))
        return
    typer.echo(f"run {summary.id}: {summary.model_key} {summary.model_version}, year {summary.year}, "
               f"{summary.zones_ranked} zones ranked, {summary.zones_excluded} excluded, "
               f"{summary.duration_ms / 1000:.1f} s, {summary.status}")
    # tier counts from the best tier down, as the run's scheme orders them
    tiers = [f"{summary.tier_labels.get(code, code)} {n}" for code, n in summary.tier_counts.items()]
    typer.echo(text("cli_tiers", lang) + ", ".join(tiers))
    print_table(
        [text(key, lang) for key in ("rank", "zone_code", "zone_name", "composite", "tier")],
        [(str(r.rank), r.zone_code, r.name or r.zone_code, f"{r.composite:.2f}",
          f"{r.tier_label or ''}{r.subgroup or ''}") for r in top],
        right=(0, 3),
    )
