"""Property tests of panels (hypothesis): a higher value never lowers its own zone-year's composite, and
data outside the window never moves the window's bounds or scores."""

from __future__ import annotations

import copy
from typing import Any

import numpy as np
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from scoring_models.base import EvaluationOptions, IndicatorMatrix
from scoring_models.panel import PanelDataError, PanelResult, PanelWindow, evaluate_panel
from scoring_models.spec import ModelSpec
from tests.scoring_models.conftest import MINI_SPEC

CODES = ("rd_intensity", "energy_per_va", "revenue")  # higher, lower, higher is better
HIGHER = (0, 2)
YEARS = (2019, 2020, 2021, 2022, 2023)
WINDOW = PanelWindow(2020, 2022, 2020)

methods = st.fixed_dictionaries({
    "normalisation": st.sampled_from(["minmax", "rank", "zscore"]),
    "aggregation": st.sampled_from(["arithmetic", "geometric", "topsis"]),
    "imputation": st.sampled_from(["none", "last_observed", "peer_median"]),
    "peer_groups": st.sampled_from(["none", "rules"]),
}).filter(lambda m: not (m["normalisation"] == "zscore" and m["aggregation"] == "geometric"))  # a spec refuses it


def _spec(m: dict[str, str]) -> ModelSpec:
    spec: dict[str, Any] = copy.deepcopy(MINI_SPEC)
    spec.update({
        "normalisation": {"method": m["normalisation"]}, "aggregation": {"method": m["aggregation"]},
        "imputation": {"method": m["imputation"]}, "uncertainty": {"enabled": False},
        # bands on revenue put the zones in two or three peer groups
        "peer_groups": {"method": m["peer_groups"], "rules": [{"feature": "revenue", "label": "revenue",
                                                               "thresholds": [30.0, 70.0]}]},
    })
    return ModelSpec.model_validate(spec)


def _matrix(values: np.ndarray) -> IndicatorMatrix:
    n = values.shape[0]
    return IndicatorMatrix(zones=tuple(f"Z{z}" for z in range(n)),
                           indicators=IndicatorMatrix.from_rows([], indicators=CODES, years=YEARS).indicators,
                           years=YEARS, values=values)


def _panel(spec: ModelSpec, values: np.ndarray) -> PanelResult | None:
    try:
        return evaluate_panel(spec, _matrix(values), WINDOW, EvaluationOptions(uncertainty_runs=0))
    except PanelDataError:
        return None


def _composite(result: PanelResult, zone: str, year: int) -> float | None:
    return next((zy.composite for zy in result.zone_years if zy.code == zone and zy.year == year), None)


panels = st.integers(min_value=3, max_value=7).flatmap(lambda n: st.tuples(
    arrays(np.float64, (n, len(CODES), len(YEARS)), elements=st.floats(0.5, 99.0, allow_nan=False)),
    arrays(np.bool_, (n, len(CODES), len(YEARS)), elements=st.sampled_from([True] * 9 + [False])),  # ~10% missing
))


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=panels, m=methods, pick=st.tuples(st.integers(0, 99), st.sampled_from(HIGHER), st.integers(1, 3)),
       raise_by=st.floats(0.01, 500.0))
def test_raising_a_higher_is_better_value_never_lowers_that_zone_year(
    data: tuple[np.ndarray, np.ndarray], m: dict[str, str], pick: tuple[int, int, int], raise_by: float
) -> None:
    values, present = data
    values = np.where(present, values, np.nan)
    zone, indicator, year_pos = pick[0] % values.shape[0], pick[1], pick[2]
    assume(not np.isnan(values[zone, indicator, year_pos]))
    spec = _spec(m)
    before = _panel(spec, values)
    assume(before is not None)
    raised = values.copy()
    raised[zone, indicator, year_pos] += raise_by
    after = _panel(spec, raised)
    assert before is not None and after is not None  # coverage is the same, so the window stays usable
    year = YEARS[year_pos]
    old, new = _composite(before, f"Z{zone}", year), _composite(after, f"Z{zone}", year)
    assert (old is None) == (new is None)
    if old is not None and new is not None:
        assert new >= old - 1e-9 * max(1.0, abs(old)), (m, old, new)


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(values=st.integers(3, 7).flatmap(lambda n: arrays(np.float64, (n, len(CODES), len(YEARS)),
                                                          elements=st.floats(0.5, 99.0, allow_nan=False))),
       m=methods, zone=st.integers(0, 99), indicator=st.integers(0, 2), new_value=st.floats(0.5, 99.0),
       outside=st.sampled_from([0, 4]))
def test_a_year_outside_the_window_never_moves_its_bounds_or_scores(
    values: np.ndarray, m: dict[str, str], zone: int, indicator: int, new_value: float, outside: int
) -> None:
    # 2023 lies after the window: nothing looks forward. 2019 lies before it: only imputation looks back,
    # so with a window whose cells are all reported it cannot reach the window either.
    spec = _spec(m)
    before = _panel(spec, values)
    assert before is not None
    changed = values.copy()
    changed[zone % values.shape[0], indicator, outside] = new_value
    after = _panel(spec, changed)
    assert after is not None
    assert after.info.bounds == before.info.bounds
    assert after.model_dump() == before.model_dump()
