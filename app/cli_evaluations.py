"""``zonescore evaluations list``: the stored evaluation runs, newest first, as a table.

``export rankings --run ID`` needs a run id; this is where to find one without the HTTP API.
"""

from __future__ import annotations

import typer

from app.cli_tables import print_table
from app.config import get_settings
from app.db import make_session_factory, session_scope
from app.i18n import Language
from app.texts import text

evaluations_cli = typer.Typer(help="Stored evaluation runs.", no_args_is_help=True, rich_markup_mode="markdown")


@evaluations_cli.command("list")
def list_evaluations(
    model: str | None = typer.Option(None, "--model", "-m", help="only runs of this model, e.g. innovation-peak"),
    year: int | None = typer.Option(None, "--year", "-y", help="only runs of this evaluation year"),
    limit: int = typer.Option(20, "--limit", min=1, max=1000, help="most runs to show"),
    lang: Language = typer.Option(Language.ZH_CN, "--lang", help="language of the labels"),
) -> None:
    """List evaluation runs, newest first: id, model and version, year, the zones covered, zones ranked, tier
    counts (best tier first) and when the run was made."""
    from app.cli_data import ready_engine
    from app.services import evaluations as service
    from app.services.run_labels import scope_text

    engine = ready_engine(get_settings())
    try:
        with session_scope(make_session_factory(engine)) as session:
            runs, total = service.list_runs(session, model=model, year=year, limit=limit, offset=0)
            rows = []
            for run in runs:
                out = service.run_out(session, run, lang)
                tiers = " ".join(f"{out.tier_labels.get(code, code)} {n}" for code, n in out.tier_counts.items())
                rows.append((str(run.id), f"{run.model_key} {run.model_version}", str(run.year),
                             scope_text(run.zone_filter, lang), str(run.zones_ranked), tiers,
                             run.created_at.strftime("%Y-%m-%d %H:%M")))
    finally:
        engine.dispose()
    if not rows:
        typer.echo(text("no_runs", lang))
        return
    headers = [text(key, lang) for key in ("run", "model", "year", "zones_covered", "zones_ranked", "tiers",
                                           "created_at")]
    print_table(headers, rows, right=(0, 2, 4))
    if total > len(rows):
        typer.echo(f"{len(rows)} / {total}")
