"""Evaluation runs: database → IndicatorMatrix → model → stored, immutable run; and reads of runs."""

from __future__ import annotations

import hashlib
import json
import threading
import time
from collections import OrderedDict
from collections.abc import Sequence
from typing import Any

import numpy as np
from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from app.errors import NotFound, Problem, ValidationFailed
from app.metrics import time_evaluation
from app.orm import EvaluationRun, EvaluationZoneResult
from app.schemas.common import Page
from app.schemas.evaluation import (
    Comparison,
    EvaluationRequest,
    EvaluationRunOut,
    Mover,
    RankChange,
    RankingRow,
    RankIntervalOut,
    Scorecard,
)
from app.services import audit
from app.services.audit import CLI_ACTOR, Actor
from app.services.matrix import build_matrix, select_zones
from app.services.model_catalog import methodology, resolve_model
from app.services.validation import current_year
from scoring_models.base import EvaluationResult, IndicatorMatrix


def _canonical(obj: Any) -> bytes:
    return json.dumps(obj, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str).encode()


def input_hash(model_doc: dict[str, Any], request: EvaluationRequest, matrix: IndicatorMatrix) -> str:
    """SHA-256 of everything that determines a run's result: methodology, year, filter, options, data."""
    digest = hashlib.sha256()
    digest.update(_canonical({
        "methodology": model_doc,
        "year": request.year,
        "zones": request.zones.model_dump(mode="json"),
        "options": request.options.model_dump(mode="json"),
        "matrix": {
            "zones": matrix.zones,
            "indicators": matrix.indicator_codes,
            "years": matrix.years,
            "meta": [m.model_dump(mode="json") for m in matrix.zone_meta],
            "features": matrix.feature_names,
        },
    }))
    # NaN payloads can differ bit-wise; make every missing cell the same bytes before hashing.
    values = np.where(np.isnan(matrix.values), np.nan, matrix.values)
    digest.update(np.ascontiguousarray(values, dtype="<f8").tobytes())
    features = np.where(np.isnan(matrix.features), np.nan, matrix.features)
    digest.update(np.ascontiguousarray(features, dtype="<f8").tobytes())
    return digest.hexdigest()


def result_hash(result: EvaluationResult) -> str:
    """SHA-256 of the result's JSON (identical inputs and seed give the identical hash)."""
    return hashlib.sha256(_canonical(result.model_dump(mode="json"))).hexdigest()


def _check_request(request: EvaluationRequest) -> None:
    latest = current_year()
    if request.year > latest:
        raise ValidationFailed(
            f"year {request.year} is in the future",
            errors=[Problem(column="year", code="year_out_of_range", message=f"year must be at most {latest}",
                            value=str(request.year))],
        )


def run_evaluation(session: Session, request: EvaluationRequest, *, actor: Actor = CLI_ACTOR) -> EvaluationRun:
    """Compute and store one run; the run and its zone results are never changed afterwards."""
    _check_request(request)
    model, _source = resolve_model(session, request.model, request.version)
    zones = select_zones(session, request.zones)
    if not zones:
        raise ValidationFailed(
            "no zone matches the filter",
            errors=[Problem(column="zones", code="no_zones", message="the zone filter selects no zone")],
        )
    matrix = build_matrix(session, zones, year=request.year)
    if np.isnan(matrix.current).all():
        raise ValidationFailed(
            f"no observation for {request.year} among the {len(zones)} selected zone(s)",
            errors=[Problem(column="year", code="no_data", message="no data for this year",
                            value=str(request.year))],
        )
    doc = methodology(model)
    started = time.perf_counter()
    try:
        # Timed here, in the one path the API and the CLI share, so /metrics sees every run.
        with time_evaluation(model.key):
            result = model.evaluate(matrix, options=request.options)
    except ValueError as exc:
        # The contract: a model raises ValueError only for options it cannot honour.
        raise ValidationFailed(
            f"model {model.key} {model.version} cannot run with these options: {exc}",
            errors=[Problem(column="options", code="unsupported_options", message=str(exc))],
        ) from None
    duration_ms = (time.perf_counter() - started) * 1000.0
    run = EvaluationRun(
        model_key=model.key, model_version=model.version, year=request.year,
        zone_filter=request.zones.model_dump(mode="json"), options=request.options.model_dump(mode="json"),
        input_hash=input_hash(doc, request, matrix), result_hash=result_hash(result),
        zones_ranked=len(result.zones), zones_excluded=len(result.excluded),
        info=result.info.model_dump(mode="json"), excluded=[e.model_dump(mode="json") for e in result.excluded],
        methodology=doc, duration_ms=duration_ms, created_by=actor.name, note=request.note,
    )
    session.add(run)
    session.flush()
    meta = dict(zip(matrix.zones, matrix.zone_meta, strict=True))
    if result.zones:
        session.execute(insert(EvaluationZoneResult), [
            {
                "run_id": run.id, "zone_code": z.code, "name_zh": meta[z.code].name_zh,
                "name_en": meta[z.code].name_en, "province": meta[z.code].province, "level": meta[z.code].level,
                "rank": z.rank, "composite": z.composite, "rpi": z.rpi, "tier": z.tier, "subgroup": z.subgroup,
                "peer_group": z.peer_group, "peer_rank": z.peer_rank, "profile": z.profile, "badges": z.badges,
                "payload": z.model_dump(mode="json"),
            }
            for z in result.zones
        ])
    session.flush()
    audit.record(session, actor, "evaluation.create", "evaluation_run", run.id, new={
        "model": run.model_key, "version": run.model_version, "year": run.year, "zone_filter": run.zone_filter,
        "options": run.options, "input_hash": run.input_hash, "zones_ranked": run.zones_ranked,
        "zones_excluded": run.zones_excluded,
    })
    return run


def get_run(session: Session, run_id: int) -> EvaluationRun:
    """The run with ``run_id``, or NotFound."""
    run = session.get(EvaluationRun, run_id)
    if run is None:
        raise NotFound(f"no evaluation run {run_id}")
    return run


def tier_counts(session: Session, run_id: int) -> dict[str, int]:
    """How many zones of the run fall in each tier."""
    rows = session.execute(
        select(EvaluationZoneResult.tier, func.count()).where(EvaluationZoneResult.run_id == run_id)
        .group_by(EvaluationZoneResult.tier)
    ).all()
    # Sorted: GROUP BY returns groups in no fixed order, and the reply must be byte-stable (strong ETag).
    return {str(tier): int(n) for tier, n in sorted(rows, key=lambda r: str(r[0])) if tier is not None}


def run_out(session: Session, run: EvaluationRun) -> EvaluationRunOut:
    """The run's summary as served."""
    return EvaluationRunOut(
        id=run.id, model_key=run.model_key, model_version=run.model_version, year=run.year,
        zone_filter=run.zone_filter, options=run.options, input_hash=run.input_hash, result_hash=run.result_hash,
        zones_ranked=run.zones_ranked, zones_excluded=run.zones_excluded, tier_counts=tier_counts(session, run.id),
        excluded=run.excluded, duration_ms=run.duration_ms, created_at=run.created_at, created_by=run.created_by,
        note=run.note,
    )


def list_runs(
    session: Session, *, model: str | None, year: int | None, limit: int, offset: int
) -> tuple[list[EvaluationRun], int]:
    """Runs, newest first, filtered by model key and year."""
    query = select(EvaluationRun)
    if model is not None:
        query = query.where(EvaluationRun.model_key == model)
    if year is not None:
        query = query.where(EvaluationRun.year == year)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    runs = list(session.scalars(query.order_by(EvaluationRun.id.desc()).limit(limit).offset(offset)))
    return runs, total


def _row(r: EvaluationZoneResult) -> RankingRow:
    interval = r.payload.get("rank_interval")
    return RankingRow(
        zone_code=r.zone_code, name_zh=r.name_zh, name_en=r.name_en, province=r.province, level=r.level,
        rank=r.rank, composite=r.composite, rpi=r.rpi, tier=r.tier, tier_zh=r.payload.get("tier_zh"),
        subgroup=r.subgroup, peer_group=r.peer_group, peer_rank=r.peer_rank, profile=r.profile,
        profile_zh=r.payload.get("profile_zh"), badges=list(r.badges),
        rank_interval=RankIntervalOut(**interval) if interval else None,
    )


SORTS = {
    "rank": (EvaluationZoneResult.rank,),
    "-rank": (EvaluationZoneResult.rank.desc(),),
    "composite": (EvaluationZoneResult.composite,),
    "-composite": (EvaluationZoneResult.composite.desc(),),
    "rpi": (EvaluationZoneResult.rpi,),
    "-rpi": (EvaluationZoneResult.rpi.desc(),),
    "zone_code": (EvaluationZoneResult.zone_code,),
    "peer_rank": (EvaluationZoneResult.peer_group, EvaluationZoneResult.peer_rank),
}


def rankings(
    session: Session,
    run_id: int,
    *,
    province: str | None = None,
    level: str | None = None,
    tier: str | None = None,
    peer_group: str | None = None,
    profile: str | None = None,
    badge: str | None = None,
    sort: str = "rank",
    limit: int = 50,
    offset: int = 0,
) -> tuple[list[RankingRow], int]:
    """A page of the run's ranking, filtered and sorted; ties in the sort fall back to zone code."""
    get_run(session, run_id)
    query = select(EvaluationZoneResult).where(EvaluationZoneResult.run_id == run_id)
    for column, value in ((EvaluationZoneResult.province, province), (EvaluationZoneResult.level, level),
                          (EvaluationZoneResult.tier, tier), (EvaluationZoneResult.peer_group, peer_group),
                          (EvaluationZoneResult.profile, profile)):
        if value is not None:
            query = query.where(column == value)
    order = (*SORTS[sort], EvaluationZoneResult.zone_code)
    if badge is None:
        total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
        rows = session.scalars(query.order_by(*order).limit(limit).offset(offset))
        return [_row(r) for r in rows], total
    # Badges are a JSON list; filtering them portably (SQLite and PostgreSQL) is simplest in Python,
    # and a run holds at most a few thousand zones.
    matching = [r for r in session.scalars(query.order_by(*order)) if badge in r.badges]
    return [_row(r) for r in matching[offset : offset + limit]], len(matching)


class RankingsCache:
    """A bounded, thread-safe LRU of serialised ranking pages.

    A run and its zone results are never changed or deleted once stored, so a page, once read,
    stays valid for the life of the app (one cache per app, hence per database).
    """

    def __init__(self, max_entries: int = 512) -> None:
        self._data: OrderedDict[tuple[Any, ...], bytes] = OrderedDict()
        self._lock = threading.Lock()
        self._max = max_entries

    def get(self, key: tuple[Any, ...]) -> bytes | None:
        with self._lock:
            body = self._data.get(key)
            if body is not None:
                self._data.move_to_end(key)
            return body

    def put(self, key: tuple[Any, ...], body: bytes) -> None:
        with self._lock:
            self._data[key] = body
            self._data.move_to_end(key)
            while len(self._data) > self._max:
                self._data.popitem(last=False)


def rankings_json(session: Session, run_id: int, *, sort: str = "rank", limit: int = 50, offset: int = 0,
                  **filters: str | None) -> bytes:
    """The JSON of a ranking page, ``Page[RankingRow]`` (see :func:`rankings`); NotFound for no such run."""
    rows, total = rankings(session, run_id, sort=sort, limit=limit, offset=offset, **filters)
    return Page[RankingRow](items=rows, total=total, limit=limit, offset=offset).model_dump_json().encode()


def _zone_result(session: Session, run_id: int, code: str) -> EvaluationZoneResult | None:
    return session.scalar(
        select(EvaluationZoneResult).where(EvaluationZoneResult.run_id == run_id,
                                           EvaluationZoneResult.zone_code == code)
    )


def previous_run(session: Session, run: EvaluationRun) -> EvaluationRun | None:
    """The newest run of the same model for the previous year made before ``run``, preferring the same
    zone filter.

    Only earlier runs count, so a scorecard never changes once written: it is served as immutable
    (cached for a year), and a later run for the previous year must not alter it.
    """
    candidates = list(session.scalars(
        select(EvaluationRun).where(EvaluationRun.model_key == run.model_key, EvaluationRun.year == run.year - 1,
                                    EvaluationRun.id < run.id)
        .order_by(EvaluationRun.id.desc())
    ))
    same_filter = [c for c in candidates if c.zone_filter == run.zone_filter]
    chosen = same_filter or candidates
    return chosen[0] if chosen else None


def _tier_order(run: EvaluationRun) -> list[str]:
    scheme = run.methodology.get("tier_scheme", {})
    return [t["code"] for t in scheme.get("tiers", [])]


def scorecard(session: Session, run_id: int, code: str) -> Scorecard:
    """The zone's full result in the run, with its rank and tier change against the previous year."""
    run = get_run(session, run_id)
    row = _zone_result(session, run_id, code)
    if row is None:
        excluded = next((e for e in run.excluded if e.get("code") == code), None)
        if excluded is not None:
            raise NotFound(f"zone {code!r} was excluded from run {run_id}: {excluded.get('reason')}")
        raise NotFound(f"zone {code!r} is not part of evaluation run {run_id}")
    change: RankChange | None = None
    prev = previous_run(session, run)
    if prev is not None:
        prev_row = _zone_result(session, prev.id, code)
        order = _tier_order(run)
        tier_change: str | None = None
        if prev_row is not None and prev_row.tier in order and row.tier in order:
            delta = order.index(prev_row.tier) - order.index(row.tier)
            tier_change = "up" if delta > 0 else "down" if delta < 0 else "same"
        change = RankChange(
            previous_run_id=prev.id,
            previous_rank=prev_row.rank if prev_row else None,
            rank_change=(prev_row.rank - row.rank) if prev_row else None,
            previous_tier=prev_row.tier if prev_row else None,
            tier_change=tier_change,
        )
    return Scorecard(
        run_id=run.id, model_key=run.model_key, model_version=run.model_version, year=run.year, zone_code=code,
        name_zh=row.name_zh, name_en=row.name_en, province=row.province, level=row.level, result=row.payload,
        zones_ranked=run.zones_ranked, previous_year=change,
    )


def _spearman(a: Sequence[int], b: Sequence[int]) -> float | None:
    if len(a) < 2:
        return None
    ra = np.argsort(np.argsort(np.asarray(a))).astype(float)
    rb = np.argsort(np.argsort(np.asarray(b))).astype(float)
    if ra.std() == 0 or rb.std() == 0:
        return None
    return float(np.corrcoef(ra, rb)[0, 1])


def compare(session: Session, base_id: int, other_id: int, *, threshold: int | None = None,
            limit: int = 50) -> Comparison:
    """Zones moving up or down from ``base`` to ``other``; ``overrated`` = ranked much better by base."""
    base, other = get_run(session, base_id), get_run(session, other_id)
    rows_b = {r.zone_code: r for r in session.scalars(
        select(EvaluationZoneResult).where(EvaluationZoneResult.run_id == base.id))}
    rows_o = {r.zone_code: r for r in session.scalars(
        select(EvaluationZoneResult).where(EvaluationZoneResult.run_id == other.id))}
    common = sorted(set(rows_b) & set(rows_o))
    # Ranks are re-computed among the common zones so that runs over different zone sets compare fairly.
    rank_b = _reranked([rows_b[c] for c in common])
    rank_o = _reranked([rows_o[c] for c in common])
    cut = threshold if threshold is not None else max(3, round(0.1 * len(common)))
    movers = []
    for code in common:
        b, o = rows_b[code], rows_o[code]
        delta = rank_b[code] - rank_o[code]
        movers.append(Mover(
            zone_code=code, name_zh=b.name_zh, province=b.province, base_rank=rank_b[code],
            other_rank=rank_o[code], rank_change=delta, base_tier=b.tier, other_tier=o.tier,
            base_profile=b.profile, other_profile=o.profile,
            low_tech_risk=delta <= -cut and o.profile == "plateau",
        ))
    up = sorted((m for m in movers if m.rank_change >= cut), key=lambda m: (-m.rank_change, m.zone_code))
    down = sorted((m for m in movers if m.rank_change <= -cut), key=lambda m: (m.rank_change, m.zone_code))
    order = _tier_order(other)
    # Overrated by the base scheme: falls by at least the threshold AND either lands in a lower tier
    # or shows the 产业高原型 profile (big but not innovative) under the other scheme.
    overrated = [
        m for m in down
        if m.low_tech_risk or _tier_pos(order, m.other_tier) > _tier_pos(_tier_order(base), m.base_tier)
    ]
    return Comparison(
        base=run_out(session, base), other=run_out(session, other), common_zones=len(common), threshold=cut,
        only_in_base=sorted(set(rows_b) - set(rows_o)), only_in_other=sorted(set(rows_o) - set(rows_b)),
        moved_up=up[:limit], moved_down=down[:limit], overrated=overrated[:limit],
        rank_correlation=_spearman([rank_b[c] for c in common], [rank_o[c] for c in common]),
    )


def _tier_pos(order: list[str], tier: str | None) -> int:
    return order.index(tier) if tier in order else -1


def _reranked(rows: list[EvaluationZoneResult]) -> dict[str, int]:
    ordered = sorted(rows, key=lambda r: (r.rank, r.zone_code))
    return {r.zone_code: n for n, r in enumerate(ordered, start=1)}
