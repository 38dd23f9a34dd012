"""``zonescore judgments``: an expert panel's AHP judgments from the command line.

The same service as ``/api/v1/models/{key}/judgments``: ``submit`` checks and stores one expert's
matrices (a JSON file), ``show`` reviews a panel (every expert's CR, the group priorities and the
weights they give), ``withdraw`` removes an expert, ``publish`` registers the panel's judgments as
a model version.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import typer

from app.cli_data import service_session
from app.services.audit import CLI_ACTOR
from scoring_models.steps.ahp import GroupMethod, MatrixReport, PriorityMethod

judgments_cli = typer.Typer(help="An expert panel's AHP judgments: submit, show, withdraw, publish.",
                            no_args_is_help=True)


def _matrix_lines(matrices: list[MatrixReport]) -> Iterator[str]:
    for m in matrices:
        cr = "" if m.cr is None else f"  λmax {m.lambda_max:.3f}  CI {m.ci:.3f}  CR {m.cr:.3f}" + (
            "" if m.consistent else "  (inconsistent)")
        weights = ", ".join(f"{item} {w:.3f}" for item, w in m.priorities.items())
        yield f"  {m.name}:{cr}\n    {weights}"


def _echo_json(document: Any) -> None:
    typer.echo(json.dumps(document, ensure_ascii=False, indent=2))


@judgments_cli.command("submit")
def submit(
    model: str = typer.Option(..., "--model", "-m", help="model key, e.g. innovation-peak"),
    panel: str = typer.Option(..., "--panel", help="panel (consultation round), e.g. 2025"),
    file: Path = typer.Argument(..., exists=True, dir_okay=False, help="JSON: expert, weight, pillars, indicators"),
    max_cr: float = typer.Option(0.10, "--max-cr", min=0.0, max=1.0, help="largest acceptable consistency ratio"),
) -> None:
    """Check and store one expert's judgments; print each matrix's priorities and CR."""
    from pydantic import ValidationError

    from app.schemas.judgments import JudgmentSubmission
    from app.services import judgments as service

    try:
        body = JudgmentSubmission.model_validate({**json.loads(file.read_text(encoding="utf-8")), "panel": panel})
    except (ValidationError, ValueError) as exc:
        typer.echo(f"error: {file}: {exc}", err=True)
        raise typer.Exit(code=1) from None
    with service_session() as session:
        stored, created = service.submit(session, model, body, max_cr=max_cr, actor=CLI_ACTOR)
    typer.echo(f"{'stored' if created else 'replaced'} the judgments of {stored.expert} for {model}, panel {panel}")
    for line in _matrix_lines(stored.matrices):
        typer.echo(line)


@judgments_cli.command("show")
def show(
    model: str = typer.Option(..., "--model", "-m"),
    panel: str = typer.Option(..., "--panel"),
    group: GroupMethod = typer.Option(GroupMethod.AIJ, "--group", help="aij or aip"),
    max_cr: float = typer.Option(0.10, "--max-cr", min=0.0, max=1.0),
    as_json: bool = typer.Option(False, "--json", help="print the whole review as JSON"),
) -> None:
    """Review a panel: each expert's matrices and CRs, the group's priorities and resulting weights."""
    from app.services import judgments as service

    with service_session() as session:
        review = service.review(session, model, panel, group=group, max_cr=max_cr)
    if as_json:
        _echo_json(review.model_dump(mode="json"))
        return
    for expert in review.experts:
        typer.echo(f"{expert.expert} (weight {expert.weight:g}, {expert.submitted_at:%Y-%m-%d %H:%M})")
        for line in _matrix_lines(expert.matrices):
            typer.echo(line)
    typer.echo(f"group ({group.value}): " + ("consistent" if review.consistent else "NOT every matrix consistent"))
    for line in _matrix_lines(review.result):
        typer.echo(line)
    typer.echo("pillar weights: " + ", ".join(f"{p} {w:.3f}" for p, w in review.pillar_weights.items()))


@judgments_cli.command("withdraw")
def withdraw(
    model: str = typer.Option(..., "--model", "-m"),
    panel: str = typer.Option(..., "--panel"),
    expert: str = typer.Option(..., "--expert"),
) -> None:
    """Remove one expert's judgments from the panel."""
    from app.services import judgments as service

    with service_session() as session:
        service.withdraw(session, model, panel, expert, actor=CLI_ACTOR)
    typer.echo(f"withdrew the judgments of {expert}")


@judgments_cli.command("publish")
def publish(
    model: str = typer.Option(..., "--model", "-m"),
    panel: str = typer.Option(..., "--panel"),
    as_key: str = typer.Option(..., "--as", help="key of the model version to create, e.g. innovation-peak-ahp"),
    version: str = typer.Option(..., "--version"),
    group: GroupMethod = typer.Option(GroupMethod.AIJ, "--group"),
    priority: PriorityMethod = typer.Option(PriorityMethod.EIGENVECTOR, "--priority"),
    max_cr: float = typer.Option(0.10, "--max-cr", min=0.0, max=1.0),
) -> None:
    """Register the panel's judgments as the AHP weights of a new model version."""
    from app.schemas.judgments import PublishRequest
    from app.services import judgments as service

    request = PublishRequest(panel=panel, key=as_key, version=version, group=group, priority=priority, max_cr=max_cr)
    with service_session() as session:
        row = service.publish(session, model, request, actor=CLI_ACTOR)
        message = f"registered {row.key} {row.version} with the judgments of panel {panel}"
    typer.echo(message)
