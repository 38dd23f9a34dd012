"""A model's runs across years: the latest runs of each model, the run a scorecard compares with, and one
zone's composite and rank through the years."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from app.orm import EvaluationRun, EvaluationZoneResult
from app.services.matrix import ZoneFilter
from app.services.run_document import StoredRun, read_run


def latest_runs(session: Session, *, per_model: int, scan: int = 500) -> dict[str, list[StoredRun]]:
    """The newest ``per_model`` runs of every model that has one among the newest ``scan`` runs (enough to
    find the models in use), newest first; the model with the newest run comes first."""
    heads = session.execute(select(EvaluationRun.id, EvaluationRun.model_key)
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
    """The newest run of the same model for the previous year made before ``run``, preferring the same
    zone filter.

    Only earlier runs count, so a scorecard never changes once written: it is served as immutable
    (cached for a year), and a later run for the previous year must not alter it.
    """
    candidates = session.execute(
        select(EvaluationRun.id, EvaluationRun.zone_filter)
        .where(EvaluationRun.model_key == run.model_key, EvaluationRun.year == run.year - 1,
               EvaluationRun.id < run.id)
        .order_by(EvaluationRun.id.desc())
    ).all()
    same_filter = [c.id for c in candidates if ZoneFilter.model_validate(c.zone_filter) == run.zone_filter]
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

    One run per year: ``run`` for its own year; for the others the newest run over the same zones as
    ``run``, else the newest run. Years whose chosen run did not rank the zone are left out.
    """
    rows = session.execute(
        select(EvaluationRun.id, EvaluationRun.year, EvaluationRun.zone_filter, EvaluationZoneResult.composite,
               EvaluationZoneResult.rank)
        .outerjoin(EvaluationZoneResult, and_(EvaluationZoneResult.run_id == EvaluationRun.id,
                                              EvaluationZoneResult.zone_code == code))
        .where(EvaluationRun.model_key == run.model_key)
        .order_by(EvaluationRun.id.desc())
    ).all()
    chosen: dict[int, Any] = {}
    same: dict[int, bool] = {}
    for row in rows:
        if row.year == run.year and row.id != run.id:
            continue
        same[row.id] = ZoneFilter.model_validate(row.zone_filter) == run.zone_filter
        current = chosen.get(row.year)
        if current is None or (not same[current.id] and same[row.id]):
            chosen[row.year] = row
    return [YearPoint(year, float(row.composite), int(row.rank))
            for year, row in sorted(chosen.items()) if row.composite is not None]
