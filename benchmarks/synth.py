"""Synthetic indicator matrices of any number of zones, resampled from the demo data set.

The demo data (about 300 zones × every catalog indicator × 2020–2024, with chain-derived
indicators filled) is loaded into a temporary SQLite file and read back with the service's own
``app.services.matrix.build_matrix``, so the base matrix is exactly what an evaluation sees. A
matrix of N zones keeps the demo zones first (N ≥ 300) and adds zones drawn with replacement
from them, every value multiplied by a log-normal factor (σ = 0.08), counts rounded, flags kept,
and every value clipped to the indicator's valid range. Zone meta (level, province, leading
chain) is copied from the drawn zone; the features (revenue, leading_chain_revenue) follow the
perturbed revenue.
"""

from __future__ import annotations

import dataclasses
import functools
import tempfile
from pathlib import Path

import numpy as np

from scoring_models.base import IndicatorMatrix, ZoneMeta
from scoring_models.catalog import ValueKind


@functools.cache
def demo_matrix() -> IndicatorMatrix:
    """The demo data set's matrix for 2024, as the service builds it."""
    from app.db import make_engine, make_session_factory
    from app.services.matrix import ZoneFilter, build_matrix, select_zones
    from benchmarks.common import demo_database

    with tempfile.TemporaryDirectory() as tmp, demo_database("sqlite", Path(tmp)) as url:
        engine = make_engine(url)
        try:
            with make_session_factory(engine)() as session:
                return build_matrix(session, select_zones(session, ZoneFilter()), year=2024)
        finally:
            engine.dispose()


@functools.cache
def synthetic(n_zones: int, *, seed: int = 11) -> IndicatorMatrix:
    """A matrix of ``n_zones`` zones resampled and perturbed from the demo matrix (deterministic; kept for
    the sections that follow, which never modify it)."""
    base = demo_matrix()
    m = len(base.zones)
    rng = np.random.default_rng(seed)
    keep = np.arange(min(m, n_zones))
    extra = rng.integers(0, m, size=max(0, n_zones - m))
    if n_zones < m:
        keep = np.sort(rng.choice(m, size=n_zones, replace=False))
    idx = np.concatenate([keep, extra])
    factor = np.ones((n_zones, 1, 1))
    factor[len(keep):] = rng.lognormal(0.0, 0.08, size=(n_zones - len(keep), 1, 1))
    noise = np.ones((n_zones, len(base.indicators), 1))
    noise[len(keep):] = rng.lognormal(0.0, 0.08, size=(n_zones - len(keep), len(base.indicators), 1))
    values = base.values[idx] * factor * noise
    for j, ind in enumerate(base.indicators):
        col = values[:, j, :]
        if ind.kind is ValueKind.FLAG:
            col[:] = base.values[idx, j, :]
            continue
        if ind.kind is ValueKind.COUNT:
            col[:] = np.round(col)
        col[:] = np.clip(col, ind.min_value, ind.max_value)
    rev_j = base.indicator_codes.index("revenue")
    features = base.features[idx].copy()
    ratio = np.where(base.values[idx, rev_j, -1] > 0, values[:, rev_j, -1] / base.values[idx, rev_j, -1], 1.0)
    for k, name in enumerate(base.feature_names):
        features[:, k] = values[:, rev_j, -1] if name == "revenue" else features[:, k] * ratio
    zones = tuple(base.zones[i] if n < len(keep) else f"SYN-{n:05d}" for n, i in enumerate(idx))
    meta: tuple[ZoneMeta, ...] = tuple(
        base.zone_meta[i] if n < len(keep) else base.zone_meta[i].model_copy(
            update={"name_zh": f"合成高新区{n:05d}", "name_en": f"Synthetic zone {n:05d}"})
        for n, i in enumerate(idx)
    )
    return dataclasses.replace(base, zones=zones, values=values, zone_meta=meta, features=features)
