"""Evaluation runs: database → IndicatorMatrix → model → stored run (its results never change); and reads of runs."""

from __future__ import annotations

import hashlib
import json
import statistics
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal, TypeAlias, TypeVar

import numpy as np
import pydantic_core
from sqlalchemy import Select, func, insert, select
from sqlalchemy.orm import Session

from app.errors import NotFound, Problem, ValidationFailed, not_in
from app.i18n import DEFAULT_LANGUAGE, Language, localized
from app.metrics import time_evaluation
from app.orm import EvaluationRun, EvaluationZoneResult
from app.schemas.common import Page
from app.schemas.evaluation import (
    Comparison,
    EvaluationRequest,
    EvaluationRunDetail,
    EvaluationRunOut,
    HighlightOut,
    Mover,
    RankChange,
    RankingRow,
    RankIntervalOut,
    RunLinks,
    Scorecard,
)
from app.services import audit
from app.services.audit import CLI_ACTOR, Actor
from app.services.matrix import build_matrix, reference_zones, select_zones
from app.services.model_catalog import methodology, resolve_model
from app.services.run_document import (
    Methodology,
    RunDocument,
    StoredRun,
    read_ranking_facts,
    read_run,
    read_zone_result,
    stored_version,
)
from app.services.run_history import previous_run_id
from app.services.run_labels import RunLabels, highlight_sentence
from app.services.run_status import PUBLIC_STATUSES, RunStatus, filter_key, run_links
from app.services.validation import current_year
from scoring_models.base import EvaluationResult, Highlight, IndicatorMatrix, ModelInfo, PeerGroupInfo, ZoneResult


def _canonical(obj: Any) -> bytes:
    return json.dumps(obj, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str).encode()


def input_hash(model_doc: Methodology, request: EvaluationRequest, matrix: IndicatorMatrix) -> str:
    """SHA-256 of everything that determines a run's result: methodology, year, filter, options, data."""
    return inputs_hash({
        "methodology": model_doc.model_dump(mode="json"),
        "year": request.year,
        "zones": request.zones.model_dump(mode="json"),
        "options": request.options.model_dump(mode="json"),
    }, matrix)


def inputs_hash(facts: dict[str, Any], matrix: IndicatorMatrix) -> str:
    """SHA-256 of the JSON-ready ``facts`` of a request and of every value of ``matrix`` (axes, meta, cells)."""
    digest = hashlib.sha256()
    digest.update(_canonical({
        **facts,
        "matrix": {
            "zones": matrix.zones,
            "indicators": matrix.indicator_codes,
            "years": matrix.years,
            "meta": [m.model_dump(mode="json") for m in matrix.zone_meta],
            "features": matrix.feature_names,
        },
    }))
    _hash_arrays(digest.update, matrix)
    if matrix.reference is not None:  # the national population the badges are computed on
        digest.update(_canonical({"reference": matrix.reference.zones,
                                  "meta": [m.model_dump(mode="json") for m in matrix.reference.zone_meta]}))
        _hash_arrays(digest.update, matrix.reference)
    return digest.hexdigest()


def _hash_arrays(update: Callable[[bytes], object], matrix: IndicatorMatrix) -> None:
    # NaN payloads can differ bit-wise; make every missing cell the same bytes before hashing.
    values = np.where(np.isnan(matrix.values), np.nan, matrix.values)
    update(np.ascontiguousarray(values, dtype="<f8").tobytes())
    features = np.where(np.isnan(matrix.features), np.nan, matrix.features)
    update(np.ascontiguousarray(features, dtype="<f8").tobytes())


def result_hash(result: EvaluationResult, dump: dict[str, Any] | None = None) -> str:
    """SHA-256 of the result's JSON (identical inputs and seed give the identical hash).

    ``dump`` is ``result.model_dump(mode="json")`` when the caller has it already. The JSON is written by
    pydantic's serializer in the result's own field and key order, which the same inputs always give; the
    stdlib's sorted dump took a fifth of a stored run's time.
    """
    return hashlib.sha256(pydantic_core.to_json(result.model_dump(mode="json") if dump is None else dump)).hexdigest()


def json_hash(obj: Any) -> str:
    """SHA-256 of ``obj`` as canonical JSON (sorted keys, no spaces)."""
    return hashlib.sha256(_canonical(obj)).hexdigest()


def _check_request(request: EvaluationRequest) -> None:
    latest = current_year()
    if request.year > latest:
        raise ValidationFailed(
            f"year {request.year} is in the future",
            errors=[Problem(column="year", code="year_out_of_range", message=f"year must be at most {latest}",
                            value=str(request.year))],
        )


def run_evaluation(session: Session, request: EvaluationRequest, *, actor: Actor = CLI_ACTOR) -> StoredRun:
    """Compute and store one run as a draft; its results are never changed afterwards (only its publication
    state is: app.services.publication)."""
    _check_request(request)
    model, _source = resolve_model(session, request.model, request.version)
    zones = select_zones(session, request.zones)
    if not zones:
        raise ValidationFailed(
            "no zone matches the filter",
            errors=[Problem(column="zones", code="no_zones", message="the zone filter selects no zone")],
        )
    matrix = build_matrix(session, zones, year=request.year,
                          reference=reference_zones(session, request.zones, year=request.year))
    if np.isnan(matrix.current).all():
        raise ValidationFailed(
            f"no observation for {request.year} among the {len(zones)} selected zone(s)",
            errors=[Problem(column="year", code="no_data", message="no data for this year",
                            value=str(request.year))],
        )
    doc = methodology(model, request.options.overrides)
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
    dump = result.model_dump(mode="json")  # once: for the hash and for every zone's stored payload
    document = RunDocument(zone_filter=request.zones, options=request.options, info=result.info,
                           excluded=result.excluded, methodology=doc)
    run = EvaluationRun(
        model_key=model.key, model_version=model.version, year=request.year, filter_key=filter_key(request.zones),
        status=RunStatus.DRAFT, state_version=0,
        input_hash=input_hash(doc, request, matrix), result_hash=result_hash(result, dump),
        zones_ranked=len(result.zones), zones_excluded=len(result.excluded),
        duration_ms=duration_ms, created_by=actor.name, note=request.note, **document.columns(),
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
                "payload": payload,
            }
            for z, payload in zip(result.zones, dump["zones"], strict=True)
        ])
    session.flush()
    audit.record(session, actor, "evaluation.create", "evaluation_run", run.id, new={
        "model": run.model_key, "version": run.model_version, "year": run.year, "zone_filter": run.zone_filter,
        "options": run.options, "input_hash": run.input_hash, "zones_ranked": run.zones_ranked,
        "zones_excluded": run.zones_excluded,
    })
    return read_run(run)


def get_run(session: Session, run_id: int) -> StoredRun:
    """The run with ``run_id``, or NotFound."""
    run = session.get(EvaluationRun, run_id)
    if run is None:
        raise NotFound(f"no evaluation run {run_id}")
    return read_run(run)


def run_schema_version(session: Session, run_id: int) -> int:
    """The document version of run ``run_id`` (NotFound for no such run), without reading its documents."""
    found = session.execute(select(EvaluationRun.id, EvaluationRun.schema_version)
                            .where(EvaluationRun.id == run_id)).first()
    if found is None:
        raise NotFound(f"no evaluation run {run_id}")
    return stored_version(found.schema_version)


_S = TypeVar("_S", bound=Select[*tuple[Any, ...]])

FilterValue: TypeAlias = str | Sequence[str] | None
"""One filter of a ranking: a value, several values (any of them matches), or None (no condition)."""

_FILTER_COLUMNS = {
    "province": EvaluationZoneResult.province,
    "level": EvaluationZoneResult.level,
    "tier": EvaluationZoneResult.tier,
    "peer_group": EvaluationZoneResult.peer_group,
    "profile": EvaluationZoneResult.profile,
}


def filter_values(value: FilterValue) -> list[str]:
    """The values of one filter as a list (empty: no condition)."""
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


def _filtered(query: _S, filters: Mapping[str, FilterValue]) -> _S:
    """``query`` over zone results narrowed to the given column values: values of one filter combine with OR,
    filters with AND."""
    for name, value in filters.items():
        values = filter_values(value)
        if values:
            query = query.where(_FILTER_COLUMNS[name].in_(values))
    return query


def check_run_filters(session: Session, run: StoredRun, *, tier: FilterValue, peer_group: FilterValue) -> None:
    """422 (``not_in_run``) naming the allowed values when a tier or peer group does not occur in the run:
    a typo would otherwise answer an empty ranking that looks like a real one."""
    allowed = {
        "tier": run.methodology.tier_codes(),
        "peer_group": [g.code for g in run.info.peer_groups] or _peer_groups_of(session, run.id),
    }
    problems = [
        not_in(f"run {run.id}", name, value, allowed[name])
        for name, given in (("tier", tier), ("peer_group", peer_group))
        for value in filter_values(given) if value not in allowed[name]
    ]
    if problems:
        raise ValidationFailed(f"{len(problems)} filter value(s) do not occur in run {run.id}", errors=problems)


def _peer_groups_of(session: Session, run_id: int) -> list[str]:
    # Runs of models without peer-group info list the groups of their zone results.
    return sorted(session.scalars(select(EvaluationZoneResult.peer_group).distinct()
                                  .where(EvaluationZoneResult.run_id == run_id)))


def tier_counts(
    session: Session, run_id: int, *, province: FilterValue = None, level: FilterValue = None,
    tier: FilterValue = None, peer_group: FilterValue = None, profile: FilterValue = None,
) -> dict[str, int]:
    """How many zones of the run (matching the filters, as in :func:`rankings`) fall in each tier."""
    filters = {"province": province, "level": level, "tier": tier, "peer_group": peer_group, "profile": profile}
    rows = session.execute(_filtered(
        select(EvaluationZoneResult.tier, func.count()).where(EvaluationZoneResult.run_id == run_id), filters
    ).group_by(EvaluationZoneResult.tier)).all()
    # Sorted: GROUP BY returns groups in no fixed order, and the reply must be byte-stable (strong ETag).
    return {str(tier): int(n) for tier, n in sorted(rows, key=lambda r: str(r[0])) if tier is not None}


def ordered_tier_counts(run: StoredRun, counts: Mapping[str, int]) -> dict[str, int]:
    """Tier counts from the best tier down, as the run's tier scheme orders them (unknown tiers last)."""
    order = run.methodology.tier_codes()
    return dict(sorted(counts.items(), key=lambda item: (order.index(item[0]) if item[0] in order else len(order),
                                                          item[0])))


def provinces_of(session: Session, run_id: int) -> list[str]:
    """The provinces of the run's ranked zones, sorted."""
    found = session.scalars(select(EvaluationZoneResult.province).distinct()
                            .where(EvaluationZoneResult.run_id == run_id))
    return sorted(p for p in found if p)


def run_out(session: Session, run: StoredRun, lang: Language = DEFAULT_LANGUAGE) -> EvaluationRunOut:
    """The run's summary and publication state as served, its tiers named in ``lang``."""
    state = run.publication
    return EvaluationRunOut(
        id=run.id, model_key=run.model_key, model_version=run.model_version, year=run.year,
        zone_filter=run.zone_filter, options=run.options, input_hash=run.input_hash,
        result_hash=run.result_hash, zones_ranked=run.zones_ranked, zones_excluded=run.zones_excluded,
        tier_counts=ordered_tier_counts(run, tier_counts(session, run.id)),
        tier_labels=run.methodology.tier_names(lang), excluded=run.excluded, duration_ms=run.duration_ms,
        created_at=run.created_at, created_by=run.created_by, note=run.note, status=state.status,
        published_at=state.published_at, published_by=state.published_by, superseded_at=state.superseded_at,
        superseded_by=state.superseded_by, withdrawn_at=state.withdrawn_at, withdrawal_reason=state.withdrawal_reason,
        links=RunLinks.model_validate(run_links(run)),
    )


def run_detail(session: Session, run: StoredRun, lang: Language = DEFAULT_LANGUAGE) -> EvaluationRunDetail:
    """The run's summary with its model-level information and methodology, as served."""
    return EvaluationRunDetail(**dict(run_out(session, run, lang)), info=run.info, methodology=run.methodology)


def run_detail_json(session: Session, run: StoredRun, lang: Language = DEFAULT_LANGUAGE) -> dict[str, Any]:
    """:func:`run_detail` as JSON-ready data, with ``info`` and ``methodology`` as the run stored them: fields
    added to those documents later (with defaults) are absent from older runs, which are served as stored."""
    columns = run.columns()
    return {**run_detail(session, run, lang).model_dump(mode="json"), "info": columns["info"],
            "methodology": columns["methodology"]}


def list_runs(
    session: Session, *, model: str | None, year: int | None, limit: int, offset: int,
    statuses: Sequence[str] = PUBLIC_STATUSES,
) -> tuple[list[StoredRun], int]:
    """Runs in one of ``statuses``, newest first, filtered by model key and year."""
    query = select(EvaluationRun).where(EvaluationRun.status.in_(list(statuses)))
    if model is not None:
        query = query.where(EvaluationRun.model_key == model)
    if year is not None:
        query = query.where(EvaluationRun.year == year)
    total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
    runs = session.scalars(query.order_by(EvaluationRun.id.desc()).limit(limit).offset(offset))
    return [read_run(r) for r in runs], total


@dataclass(frozen=True)
class PeerGroupFacts:
    """A peer group's size and mean composite, which a reader needs next to a tier (its words come from
    :class:`RunLabels`)."""

    size: int | None
    mean: float | None

    @classmethod
    def of(cls, code: str, groups: Mapping[str, PeerGroupInfo]) -> PeerGroupFacts:
        """The facts of group ``code`` among ``groups`` (None when the run lists no such group)."""
        found = groups.get(code)
        return cls(size=found.size if found else None, mean=found.mean_composite if found else None)

    def fields(self) -> dict[str, Any]:
        """As the ``peer_group_size`` and ``peer_group_mean`` fields of a ranking row or scorecard."""
        return {"peer_group_size": self.size, "peer_group_mean": self.mean}


def peer_groups(info: ModelInfo) -> dict[str, PeerGroupInfo]:
    """A run's peer groups by code."""
    return {g.code: g for g in info.peer_groups}


def _row(r: EvaluationZoneResult, schema_version: int, names: RunLabels,
         groups: Mapping[str, PeerGroupInfo]) -> RankingRow:
    result = read_ranking_facts(r.payload, schema_version)
    interval = result.rank_interval
    return RankingRow(
        zone_code=r.zone_code, name=localized(r.name_zh or r.zone_code, r.name_en, names.lang), name_zh=r.name_zh,
        name_en=r.name_en, province=r.province, province_label=names.province(r.province), level=r.level,
        level_label=names.level(r.level), rank=r.rank, composite=r.composite, rpi=r.rpi, tier=r.tier,
        tier_label=names.tier(r.tier), tier_zh=result.tier_zh, subgroup=result.subgroup,
        subgroup_label=names.subgroup(result.subgroup), peer_group=r.peer_group,
        peer_group_label=names.peer_group(r.peer_group) or r.peer_group,
        **PeerGroupFacts.of(r.peer_group, groups).fields(), peer_rank=r.peer_rank, profile=r.profile,
        profile_label=names.profile(r.profile), profile_zh=result.profile_zh, badges=list(r.badges),
        badge_labels=names.badges(r.badges),
        rank_interval=RankIntervalOut(p5=interval.p5, median=interval.median, p95=interval.p95) if interval else None,
        coupling=result.coupling, efficiency=result.efficiency,
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
    province: FilterValue = None,
    level: FilterValue = None,
    tier: FilterValue = None,
    peer_group: FilterValue = None,
    profile: FilterValue = None,
    badge: FilterValue = None,
    sort: str = "rank",
    limit: int = 50,
    offset: int = 0,
    lang: Language = DEFAULT_LANGUAGE,
) -> tuple[list[RankingRow], int]:
    """A page of the run's ranking, filtered and sorted, labelled in ``lang``; ties in the sort fall back to
    zone code. Several values of one filter match any of them; a tier or peer group the run does not have
    is a 422 (:func:`check_run_filters`)."""
    run = get_run(session, run_id)
    check_run_filters(session, run, tier=tier, peer_group=peer_group)
    names = RunLabels.of(run.methodology, lang)
    groups = peer_groups(run.info)
    filters = {"province": province, "level": level, "tier": tier, "peer_group": peer_group, "profile": profile}
    query = _filtered(select(EvaluationZoneResult).where(EvaluationZoneResult.run_id == run_id), filters)
    order = (*SORTS[sort], EvaluationZoneResult.zone_code)
    badges = set(filter_values(badge))
    if not badges:
        total = session.scalar(select(func.count()).select_from(query.subquery())) or 0
        rows = session.scalars(query.order_by(*order).limit(limit).offset(offset))
        return [_row(r, run.schema_version, names, groups) for r in rows], total
    # Badges are a JSON list; filtering them portably (SQLite and PostgreSQL) is simplest in Python,
    # and a run holds at most a few thousand zones.
    matching = [r for r in session.scalars(query.order_by(*order)) if badges.intersection(r.badges)]
    return [_row(r, run.schema_version, names, groups) for r in matching[offset : offset + limit]], len(matching)


class RankingsCache:
    """A bounded, thread-safe LRU of serialised ranking pages with their totals.

    A run's zone results are never changed or deleted once stored, so a page, once read, stays valid for
    the life of the app (one cache per app, hence per database). Whether the run may still be shown is
    not the cache's business: the route reads the run's state from the database on every request.
    """

    def __init__(self, max_entries: int = 512) -> None:
        self._data: OrderedDict[tuple[Any, ...], tuple[bytes, int]] = OrderedDict()
        self._lock = threading.Lock()
        self._max = max_entries

    def get(self, key: tuple[Any, ...]) -> tuple[bytes, int] | None:
        with self._lock:
            body = self._data.get(key)
            if body is not None:
                self._data.move_to_end(key)
            return body

    def put(self, key: tuple[Any, ...], body: tuple[bytes, int]) -> None:
        with self._lock:
            self._data[key] = body
            self._data.move_to_end(key)
            while len(self._data) > self._max:
                self._data.popitem(last=False)


# Parametrised once: ``Page[RankingRow]`` looks its class up again on every subscription, which was
# a sixth of an uncached ranking page (pyinstrument, benchmarks/README.md).
_RANKING_PAGE = Page[RankingRow]


def rankings_page_json(session: Session, run_id: int, *, sort: str = "rank", limit: int = 50, offset: int = 0,
                       lang: Language = DEFAULT_LANGUAGE, **filters: FilterValue) -> tuple[bytes, int]:
    """The JSON of a ranking page, ``Page[RankingRow]`` (see :func:`rankings`), and its total (for the paging
    links); NotFound for no such run."""
    rows, total = rankings(session, run_id, sort=sort, limit=limit, offset=offset, lang=lang, **filters)
    return _RANKING_PAGE(items=rows, total=total, limit=limit, offset=offset).model_dump_json().encode(), total


def _zone_result(session: Session, run_id: int, code: str) -> EvaluationZoneResult | None:
    return session.scalar(
        select(EvaluationZoneResult).where(EvaluationZoneResult.run_id == run_id,
                                           EvaluationZoneResult.zone_code == code)
    )


def peer_pillar_medians(session: Session, run_id: int, peer_group: str, pillars: Sequence[str]) -> list[float | None]:
    """The median score of each of ``pillars`` among the run's zones in ``peer_group`` (None: no scores)."""
    version = run_schema_version(session, run_id)
    results = [read_zone_result(p, version) for p in session.scalars(select(EvaluationZoneResult.payload).where(
        EvaluationZoneResult.run_id == run_id, EvaluationZoneResult.peer_group == peer_group))]
    medians: list[float | None] = []
    for code in pillars:
        values = [score for r in results if (score := r.pillar_scores.get(code)) is not None]
        medians.append(statistics.median(values) if values else None)
    return medians


@dataclass(frozen=True)
class ZoneCard:
    """Everything about one zone in one run, typed: the run, the zone as it was, its full result and its
    change against the previous year."""

    run: StoredRun
    zone_code: str
    name_zh: str | None
    name_en: str | None
    province: str | None
    level: str | None
    result: ZoneResult
    previous_year: RankChange | None

    @property
    def peer_group(self) -> PeerGroupFacts:
        """The size and mean composite of the zone's peer group."""
        return PeerGroupFacts.of(self.result.peer_group, peer_groups(self.run.info))

    def highlights(self) -> list[tuple[Literal["strength", "weakness"], Highlight]]:
        """The zone's strengths then weaknesses, each with its kind."""
        strengths: list[tuple[Literal["strength", "weakness"], Highlight]] = [
            ("strength", h) for h in self.result.strengths]
        return strengths + [("weakness", h) for h in self.result.weaknesses]

    def out(self, lang: Language = DEFAULT_LANGUAGE) -> Scorecard:
        """The scorecard as served, every code labelled in ``lang`` and the highlights in sentences."""
        run, result = self.run, self.result
        names = RunLabels.of(run.methodology, lang)
        previous = self.previous_year
        if previous is not None:
            previous = previous.model_copy(update={"previous_tier_label": names.tier(previous.previous_tier)})
        return Scorecard(
            run_id=run.id, model_key=run.model_key, model_version=run.model_version, year=run.year,
            zone_code=self.zone_code, name=localized(self.name_zh or self.zone_code, self.name_en, lang),
            name_zh=self.name_zh, name_en=self.name_en, province=self.province,
            province_label=names.province(self.province), level=self.level, level_label=names.level(self.level),
            result=result, tier_label=names.tier(result.tier), subgroup_label=names.subgroup(result.subgroup),
            next_tier_label=names.tier(result.next_tier), profile_label=names.profile(result.profile),
            peer_group_label=names.peer_group(result.peer_group) or result.peer_group, **self.peer_group.fields(),
            badge_labels=names.badges(result.badges), risk_flag_labels=names.risk_flags(result.risk_flags),
            pillar_labels={code: names.pillar(code) for code in result.pillar_scores},
            indicator_labels={i.code: names.indicator(i.code) for i in result.indicators},
            highlights=[HighlightOut(kind=kind, code=h.code, label=names.indicator(h.code), delta=h.delta,
                                     sentence=highlight_sentence(names.indicator(h.code), h.delta, lang))
                        for kind, h in self.highlights()],
            zones_ranked=run.zones_ranked, previous_year=previous,
        )


def _rank_change(session: Session, run: StoredRun, row: EvaluationZoneResult) -> RankChange | None:
    prev_id = previous_run_id(session, run)
    if prev_id is None:
        return None
    prev_row = _zone_result(session, prev_id, row.zone_code)
    order = run.methodology.tier_codes()
    tier_change: Literal["up", "down", "same"] | None = None
    if prev_row is not None and prev_row.tier in order and row.tier in order:
        delta = order.index(prev_row.tier) - order.index(row.tier)
        tier_change = "up" if delta > 0 else "down" if delta < 0 else "same"
    return RankChange(
        previous_run_id=prev_id,
        previous_rank=prev_row.rank if prev_row else None,
        rank_change=(prev_row.rank - row.rank) if prev_row else None,
        previous_tier=prev_row.tier if prev_row else None,
        tier_change=tier_change,
    )


def scorecard(session: Session, run_id: int, code: str) -> ZoneCard:
    """The zone's full result in the run, with its rank and tier change against the previous year."""
    run = get_run(session, run_id)
    row = _zone_result(session, run_id, code)
    if row is None:
        excluded = next((e for e in run.excluded if e.code == code), None)
        if excluded is not None:
            raise NotFound(f"zone {code!r} was excluded from run {run_id}: {excluded.reason}")
        raise NotFound(f"zone {code!r} is not part of evaluation run {run_id}")
    return ZoneCard(
        run=run, zone_code=code, name_zh=row.name_zh, name_en=row.name_en, province=row.province, level=row.level,
        result=read_zone_result(row.payload, run.schema_version), previous_year=_rank_change(session, run, row),
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
            limit: int = 50, lang: Language = DEFAULT_LANGUAGE) -> Comparison:
    """Zones moving up or down from ``base`` to ``other``; ``overrated`` = ranked much better by base."""
    base, other = get_run(session, base_id), get_run(session, other_id)
    base_names, other_names = RunLabels.of(base.methodology, lang), RunLabels.of(other.methodology, lang)
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
            zone_code=code, name=localized(b.name_zh or code, b.name_en, lang), name_zh=b.name_zh,
            province=b.province, province_label=base_names.province(b.province), base_rank=rank_b[code],
            other_rank=rank_o[code], rank_change=delta, base_tier=b.tier, base_tier_label=base_names.tier(b.tier),
            other_tier=o.tier, other_tier_label=other_names.tier(o.tier), base_profile=b.profile,
            other_profile=o.profile, other_profile_label=other_names.profile(o.profile),
            low_tech_risk=delta <= -cut and o.profile == "plateau",
        ))
    up = sorted((m for m in movers if m.rank_change >= cut), key=lambda m: (-m.rank_change, m.zone_code))
    down = sorted((m for m in movers if m.rank_change <= -cut), key=lambda m: (m.rank_change, m.zone_code))
    order = other.methodology.tier_codes()
    # Overrated by the base scheme: falls by at least the threshold AND either lands in a lower tier
    # or shows the 产业高原型 profile (big but not innovative) under the other scheme.
    overrated = [
        m for m in down
        if m.low_tech_risk or _tier_pos(order, m.other_tier) > _tier_pos(base.methodology.tier_codes(), m.base_tier)
    ]
    return Comparison(
        base=run_out(session, base, lang), other=run_out(session, other, lang), common_zones=len(common),
        threshold=cut,
        only_in_base=sorted(set(rows_b) - set(rows_o)), only_in_other=sorted(set(rows_o) - set(rows_b)),
        moved_up=up[:limit], moved_down=down[:limit], overrated=overrated[:limit],
        rank_correlation=_spearman([rank_b[c] for c in common], [rank_o[c] for c in common]),
    )


def _tier_pos(order: list[str], tier: str | None) -> int:
    return order.index(tier) if tier in order else -1


def _reranked(rows: list[EvaluationZoneResult]) -> dict[str, int]:
    ordered = sorted(rows, key=lambda r: (r.rank, r.zone_code))
    return {r.zone_code: n for n, r in enumerate(ordered, start=1)}
