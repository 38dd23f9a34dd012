"""Fuzzing the whole pipeline: awkward data and every method combination never raise."""

from __future__ import annotations

import numpy as np
from hypothesis import event, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from scoring_models import registry
from scoring_models.base import EvaluationOptions, IndicatorMatrix
from scoring_models.catalog import indicator_catalog
from scoring_models.conformance import _result_problems
from scoring_models.methods import MethodOverrides
from scoring_models.pipeline import build_model
from scoring_models.steps.aggregation import AGGREGATIONS
from scoring_models.steps.imputation import IMPUTATIONS
from scoring_models.steps.normalisation import NORMALISATIONS
from scoring_models.steps.outliers import OUTLIER_TREATMENTS
from scoring_models.steps.peer_groups import PEER_GROUPINGS
from scoring_models.steps.weighting import WEIGHTINGS

CODES = ["rd_intensity", "hte_net_new", "energy_per_va", "revenue", "cio_established", "policies_issued"]

cells = st.one_of(
    st.just(np.nan),
    st.just(0.0),
    st.floats(-1e6, 1e9, allow_nan=False, allow_subnormal=False),
    st.integers(0, 3),
)
# every registered method (the fuzz spec has no targets, goalposts or AHP judgments, so methods
# needing them are left out: a run asking for them is refused with a ValueError, by contract)
overrides = st.fixed_dictionaries(
    {
        "imputation": st.sampled_from(IMPUTATIONS.names()),
        "outliers": st.sampled_from(OUTLIER_TREATMENTS.names()),
        "normalisation": st.sampled_from(
            [m.name for m in NORMALISATIONS if not (m.needs_targets or m.needs_goalposts)]
        ),
        "weighting": st.sampled_from([n for n in WEIGHTINGS.names() if n != "ahp"]),
        "aggregation": st.sampled_from(AGGREGATIONS.names()),
        "peer_groups": st.sampled_from(PEER_GROUPINGS.names()),
    }
)


@settings(max_examples=150, deadline=None)
@given(
    st.integers(1, 9).flatmap(lambda n: arrays(np.float64, (n, len(CODES), 2), elements=cells)),
    overrides,
    st.integers(0, 2**16),
)
def test_pipeline_never_raises_and_stays_valid(
    values: np.ndarray, methods: dict[str, str], seed: int
) -> None:
    from scoring_models.spec import ModelSpec

    spec = ModelSpec.model_validate(
        {
            "key": "fuzz",
            "version": "1",
            "title_zh": "模糊",
            "title_en": "Fuzz",
            "description": "Fuzz target.",
            "pillars": [
                {"code": "a", "name_zh": "甲", "name_en": "A", "weight": 2},
                {"code": "b", "name_zh": "乙", "name_en": "B", "weight": 1},
            ],
            "indicators": [
                {"code": "rd_intensity", "pillar": "a"},
                {"code": "hte_net_new", "pillar": "a"},
                {"code": "energy_per_va", "pillar": "a"},
                {"code": "revenue", "pillar": "b"},
                {"code": "cio_established", "pillar": "b"},
                {"code": "policies_issued", "pillar": "b", "weight": 0},
            ],
            "peer_groups": {"n_clusters": 2},
        }
    )
    cat = indicator_catalog().by_code()
    matrix = IndicatorMatrix(
        zones=tuple(f"Z{k}" for k in range(values.shape[0])),
        indicators=tuple(cat[c] for c in CODES),
        years=(2023, 2024),
        values=values,
    )
    model = build_model(spec)
    opts = EvaluationOptions(
        seed=seed, uncertainty_runs=12, overrides=MethodOverrides.model_validate(methods)
    )
    result = model.evaluate(matrix, options=opts)
    event(f"ranked zones: {min(len(result.zones), 3)}")
    assert _result_problems(model, matrix, result) == []
    assert model.evaluate(matrix, options=opts) == result


def test_builtin_models_accept_an_all_missing_year() -> None:
    model = registry.load_registry(plugins=False).get("comprehensive")
    cat = indicator_catalog().by_code()
    codes = [i.code for i in model.indicators]
    values = np.full((3, len(codes), 1), np.nan)
    matrix = IndicatorMatrix(
        zones=("A", "B", "C"), indicators=tuple(cat[c] for c in codes), years=(2024,), values=values
    )
    result = model.evaluate(matrix)
    assert result.zones == [] and len(result.excluded) == 3
