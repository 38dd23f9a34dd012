"""Conformance checks a scoring model must pass — call :func:`check_model` in a plug-in's tests.

Modelled on scikit-learn's ``check_estimator``: one function that exercises the whole contract on
small synthetic data and raises :class:`ConformanceError` listing every failure.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence

import numpy as np

from scoring_models.base import (
    EvaluationOptions,
    EvaluationResult,
    IndicatorMatrix,
    ModelIndicator,
    Pillar,
    ScoringModel,
    TierScheme,
    ZoneMeta,
)
from scoring_models.catalog import ValueKind, indicator_catalog

_KEY = re.compile(r"^[a-z][a-z0-9-]*$")


class ConformanceError(AssertionError):
    """A model broke the contract; ``problems`` lists every failure found."""

    def __init__(self, model: object, problems: Sequence[str]) -> None:
        self.problems = list(problems)
        super().__init__(f"{model!r} fails conformance:\n- " + "\n- ".join(self.problems))


def _metadata_problems(model: object) -> list[str]:
    p: list[str] = []
    for attr in ("key", "version", "title_zh", "title_en", "description"):
        v = getattr(model, attr, None)
        if not isinstance(v, str) or not v.strip():
            p.append(f"{attr} must be a non-empty str, got {v!r}")
    key = getattr(model, "key", None)
    if isinstance(key, str) and not _KEY.match(key):
        p.append(f"key {key!r} must match {_KEY.pattern}")
    if not callable(getattr(model, "evaluate", None)):
        p.append("evaluate must be callable")
    pillars = getattr(model, "pillars", None)
    if not isinstance(pillars, Sequence) or not pillars or not all(isinstance(x, Pillar) for x in pillars):
        p.append("pillars must be a non-empty sequence of Pillar")
        pillars = []
    codes = [x.code for x in pillars]
    if len(set(codes)) != len(codes):
        p.append("pillar codes must be unique")
    if pillars and not sum(x.weight for x in pillars) > 0:
        p.append("pillar weights need a positive total")
    inds = getattr(model, "indicators", None)
    if not isinstance(inds, Sequence) or not inds or not all(isinstance(x, ModelIndicator) for x in inds):
        p.append("indicators must be a non-empty sequence of ModelIndicator")
        inds = []
    cat = indicator_catalog().by_code()
    icodes = [x.code for x in inds]
    if len(set(icodes)) != len(icodes):
        p.append("indicator codes must be unique")
    for x in inds:
        if x.code not in cat:
            p.append(f"indicator {x.code!r} is not in the catalog")
        if x.pillar not in codes:
            p.append(f"indicator {x.code!r} names unknown pillar {x.pillar!r}")
        if not math.isfinite(x.weight) or x.weight < 0:
            p.append(f"indicator {x.code!r} has an invalid weight {x.weight!r}")
    if inds and not sum(x.weight for x in inds) > 0:
        p.append("indicator weights need a positive total")
    ts = getattr(model, "tier_scheme", None)
    if not isinstance(ts, TierScheme):
        p.append("tier_scheme must be a TierScheme")
    else:
        if any(b >= a for a, b in zip(ts.thresholds, ts.thresholds[1:], strict=False)):
            p.append("tier thresholds must be strictly decreasing")
        if len(ts.tiers) != len(ts.thresholds) + 1:
            p.append("a tier scheme needs one tier more than thresholds")
    return p


def check_metadata(model: object) -> None:
    """Check the model's declared metadata only (cheap; the registry runs it on every model)."""
    problems = _metadata_problems(model)
    if problems:
        raise ConformanceError(model, problems)


def synthetic_matrix(codes: Sequence[str], *, n_zones: int = 12, seed: int = 20260101) -> IndicatorMatrix:
    """A small deterministic matrix for ``codes``: 3 years, a few missing cells, one empty zone.

    Values follow each indicator's kind and valid range (flags 0/1, counts whole, ratios within
    bounds). Zone ``Z00`` reports nothing in the evaluation year, so every model must exclude it.
    """
    cat = indicator_catalog().by_code()
    rng = np.random.default_rng(seed)
    inds = [cat[c] for c in codes]
    years = (2022, 2023, 2024)
    values = np.empty((n_zones, len(inds), len(years)))
    for i, ind in enumerate(inds):
        hi = min(ind.max_value, 100.0 if ind.kind in (ValueKind.RATIO, ValueKind.RATE) else 5000.0)
        lo = max(ind.min_value, 0.0)
        base = rng.lognormal(mean=0.0, sigma=0.8, size=(n_zones, 1)) * rng.uniform(
            0.9, 1.1, size=(1, len(years))
        )
        v = lo + (hi - lo) * base / (base.max() * 1.2)
        if ind.kind == ValueKind.FLAG:
            v = (rng.uniform(size=v.shape) > 0.4).astype(float)
        elif ind.kind == ValueKind.COUNT:
            v = np.round(v)
        values[:, i, :] = v
    values[0, :, -1] = np.nan
    holes = rng.choice(np.arange(1, n_zones), size=min(3, n_zones - 1), replace=False)
    values[holes, rng.integers(0, len(inds), size=len(holes)), -1] = np.nan
    zones = tuple(f"Z{k:02d}" for k in range(n_zones))
    meta = tuple(
        ZoneMeta(level="national" if k % 3 else "provincial", province=f"{11 + k % 5}")
        for k in range(n_zones)
    )
    revenue = np.round(rng.lognormal(mean=7.0, sigma=1.0, size=(n_zones, 1)), 1)
    return IndicatorMatrix(
        zones=zones,
        indicators=tuple(inds),
        years=years,
        values=values,
        zone_meta=meta,
        feature_names=("revenue",),
        features=revenue,
    )


def _result_problems(model: ScoringModel, matrix: IndicatorMatrix, r: object) -> list[str]:
    p: list[str] = []
    if not isinstance(r, EvaluationResult):
        return [f"evaluate returned {type(r).__name__}, not EvaluationResult"]
    if (r.model_key, r.model_version) != (model.key, model.version):
        p.append("result model_key/model_version differ from the model's")
    if r.evaluation_year != matrix.evaluation_year:
        p.append("result evaluation_year differs from the matrix's")
    ranked = [z.code for z in r.zones]
    excluded = [e.code for e in r.excluded]
    if len(set(ranked)) != len(ranked) or len(set(excluded)) != len(excluded):
        p.append("a zone appears twice")
    if set(ranked) & set(excluded):
        p.append("a zone is both ranked and excluded")
    if set(ranked) | set(excluded) != set(matrix.zones):
        p.append("every zone must be either ranked or excluded with a reason")
    if any(not e.reason.strip() for e in r.excluded):
        p.append("an excluded zone has no reason")
    n = len(r.zones)
    model_codes = {i.code for i in model.indicators}
    pillar_codes = {pl.code for pl in model.pillars}
    for z in r.zones:
        if not math.isfinite(z.composite):
            p.append(f"{z.code}: composite is not finite")
        if not 1 <= z.rank <= n:
            p.append(f"{z.code}: rank {z.rank} outside 1..{n}")
        if not 1 <= z.peer_rank <= z.peer_group_size:
            p.append(f"{z.code}: peer rank {z.peer_rank} outside its group of {z.peer_group_size}")
        if z.rank_interval is not None:
            ri = z.rank_interval
            if not (1 <= ri.p5 <= ri.median <= ri.p95 <= n):
                p.append(f"{z.code}: rank interval {ri} is not ordered within 1..{n}")
        if set(z.pillar_scores) != pillar_codes:
            p.append(f"{z.code}: pillar_scores keys differ from the model's pillars")
        if any(i.code not in model_codes for i in z.indicators):
            p.append(f"{z.code}: reports indicators the model does not read")
    for a in r.zones:
        for b in r.zones:
            if a.composite > b.composite and a.rank >= b.rank:
                p.append(f"ranks disagree with composites ({a.code} vs {b.code})")
                break
    try:
        back = EvaluationResult.model_validate_json(r.model_dump_json())
        if back != r:
            p.append("JSON round trip changes the result")
        json.dumps(r.model_dump(mode="json"), allow_nan=False)
    except (ValueError, TypeError) as exc:
        p.append(f"result is not JSON-serialisable: {exc}")
    return p


def check_model(model: object, *, runs: int = 64) -> None:
    """Run the whole conformance suite on ``model``; raise :class:`ConformanceError` on any failure.

    Checks: metadata present and typed, weights valid, tier scheme valid; ``evaluate`` on a
    synthetic matrix returns an ``EvaluationResult`` for this model and year with one score per
    declared pillar; the same seed gives
    the identical result; every zone is ranked or excluded with a reason (the empty zone
    excluded); ranks agree with composites and intervals are ordered; the result survives a JSON
    round trip and holds no NaN/inf; the input matrix is not modified; a run without uncertainty
    and a one-zone matrix both work.
    """
    check_metadata(model)
    assert isinstance(model, ScoringModel)  # check_metadata verified the protocol members
    codes = [i.code for i in model.indicators]
    matrix = synthetic_matrix(codes)
    before = matrix.values.copy()
    opts = EvaluationOptions(seed=7, uncertainty_runs=runs)
    problems: list[str] = []
    try:
        first = model.evaluate(matrix, options=opts)
        second = model.evaluate(matrix, options=opts)
    except Exception as exc:  # report rather than crash: the point is a readable verdict
        raise ConformanceError(model, [f"evaluate raised {type(exc).__name__}: {exc}"]) from exc
    problems += _result_problems(model, matrix, first)
    if isinstance(first, EvaluationResult) and isinstance(second, EvaluationResult):
        if first.model_dump_json() != second.model_dump_json():
            problems.append("two evaluations with the same seed differ")
        if "Z00" not in {e.code for e in first.excluded}:
            problems.append("a zone with no data in the evaluation year must be excluded")
    if not np.array_equal(before, matrix.values, equal_nan=True):
        problems.append("evaluate modified the input matrix")
    try:
        quiet = model.evaluate(matrix, options=EvaluationOptions(seed=7, uncertainty_runs=0))
        problems += [f"without uncertainty: {x}" for x in _result_problems(model, matrix, quiet)]
        one = matrix.select(zones=["Z01"])
        single = model.evaluate(one, options=EvaluationOptions(seed=7, uncertainty_runs=8))
        problems += [f"one zone: {x}" for x in _result_problems(model, one, single)]
    except Exception as exc:  # same reason as above
        problems.append(f"evaluate raised {type(exc).__name__}: {exc}")
    if problems:
        raise ConformanceError(model, problems)
