"""A model's runs across years: the latest runs of each model, the run a scorecard compares with, and one
zone's composite and rank through the years. Other years are always read from their official (published)
runs: drafts, superseded and withdrawn runs never stand for a year."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from app.orm import EvaluationRun, EvaluationZoneResult
from app.services.run_document import StoredRun, read_run
from app.services.run_status import RunStatus


def latest_runs(session: Session, *, per_model: int, statuses: Sequence[str] = (RunStatus.PUBLISHED,),
                scan: int = 500) -> dict[str, list[StoredRun]]:
    """The newest ``per_model`` runs in one of ``statuses`` of every model that has one among the newest
    ``scan`` such runs (enough to find the models in use), newest first; the model with the newest run first."""
    heads = session.execute(select(EvaluationRun.id, EvaluationRun.model_key)
                            .where(EvaluationRun.status.in_(list(statuses)))
                            .order_by(EvaluationRun.id.desc()).limit(scan)).all()
    chosen: dict[str, list[int]] = {}
    for run_id, key in heads:
        ids = chosen.setdefault(key, [])
        if len(ids) < per_model:
            ids.append(run_id)
    wanted = [run_id for ids in chosen.values() for run_id in ids]
    runs = {r.id: read_run(r) for r in session.scalars(select(EvaluationRun).where(EvaluationRun.id.in_(wanted)))}
    return {key: [runs[run_id] for run_id in ids] for key, ids in chosen.items()}


def previous_run_id(session: Session, run: StoredRun) -> int | None:
    """The official run of the same model for the previous year: the published run of the same zone filter,
    else the most recently published run of that model and year; None when that year has none.

    It changes when the previous year's official run does, so a scorecard's ETag names it.
    """
    candidates = session.execute(
        select(EvaluationRun.id, EvaluationRun.filter_key)
        .where(EvaluationRun.model_key == run.model_key, EvaluationRun.year == run.year - 1,
               EvaluationRun.status == RunStatus.PUBLISHED)
        .order_by(EvaluationRun.published_at.desc(), EvaluationRun.id.desc())
    ).all()
    same_filter = [c.id for c in candidates if c.filter_key == run.filter_key]
    chosen = same_filter or [c.id for c in candidates]
    return chosen[0] if chosen else None


@dataclass(frozen=True)
class YearPoint:
    """A zone's composite and rank in the run chosen for one year."""

    year: int
    composite: float
    rank: int


def zone_history(session: Session, run: StoredRun, code: str) -> list[YearPoint]:
    """Zone ``code`` through the years in the runs of ``run``'s model, oldest year first, in one query.

    One run per year: ``run`` for its own year; for the others the published run over the same zones as
    ``run``, else the newest published run. Years whose chosen run did not rank the zone are left out.
    """
    rows = session.execute(
        select(EvaluationRun.id, EvaluationRun.year, EvaluationRun.filter_key, EvaluationZoneResult.composite,
               EvaluationZoneResult.rank)
        .outerjoin(EvaluationZoneResult, and_(EvaluationZoneResult.run_id == EvaluationRun.id,
                                              EvaluationZoneResult.zone_code == code))
        .where(EvaluationRun.model_key == run.model_key,
               (EvaluationRun.status == RunStatus.PUBLISHED) | (EvaluationRun.id == run.id))
        .order_by(EvaluationRun.id.desc())
    ).all()
    chosen: dict[int, Any] = {}
    same: dict[int, bool] = {}
    for row in rows:
        if row.year == run.year and row.id != run.id:
            continue
        same[row.id] = row.filter_key == run.filter_key
        current = chosen.get(row.year)
        if current is None or (not same[current.id] and same[row.id]):
            chosen[row.year] = row
    return [YearPoint(year, float(row.composite), int(row.rank))
            for year, row in sorted(chosen.items()) if row.composite is not None]
