"""The spec-built model end to end, on a matrix small enough to compute by hand."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scoring_models.base import EvaluationOptions, IndicatorMatrix, Observation, ZoneMeta
from scoring_models.methods import MethodOverrides
from scoring_models.pipeline import build_model, run_pipeline
from scoring_models.spec import ModelSpec

ROWS_2024 = {
    "A": {"rd_intensity": 1.0, "energy_per_va": 4.0, "revenue": 100.0},
    "B": {"rd_intensity": 2.0, "energy_per_va": 3.0, "revenue": 300.0},
    "C": {"rd_intensity": 3.0, "energy_per_va": 2.0, "revenue": 500.0},
    "D": {"rd_intensity": 5.0, "energy_per_va": 0.0, "revenue": 100.0},
    "E": {"rd_intensity": 9.0},
}


def _matrix(rows: dict[str, dict[str, float]] | None = None) -> IndicatorMatrix:
    data = rows or ROWS_2024
    obs = [Observation(z, c, 2024, v) for z, vals in data.items() for c, v in vals.items()]
    obs += [Observation(z, "revenue", 2023, 250.0) for z in data]
    meta = {z: ZoneMeta(province="11", level="national") for z in data}
    return IndicatorMatrix.from_rows(obs, zone_meta=meta)


def test_hand_computed_composites_ranks_tiers(mini_spec: dict[str, Any]) -> None:
    result = build_model(mini_spec).evaluate(_matrix(), options=EvaluationOptions(uncertainty_runs=0))
    by = {z.code: z for z in result.zones}
    assert [z.code for z in result.zones] == ["D", "C", "B", "A"]
    assert {c: z.composite for c, z in by.items()} == pytest.approx(
        {"A": 0.0, "B": 31.25, "C": 62.5, "D": 75.0}
    )
    assert [by[c].rank for c in "DCBA"] == [1, 2, 3, 4]
    assert by["C"].pillar_scores == pytest.approx({"innovation": 50.0, "scale": 100.0})
    mean = (0 + 31.25 + 62.5 + 75) / 4
    assert by["B"].rpi == pytest.approx(100 * 31.25 / mean)
    assert {c: by[c].tier for c in "ABCD"} == {"A": "emerging", "B": "moderate", "C": "peak", "D": "peak"}
    assert by["B"].gap_to_next_tier == pytest.approx((mean - 31.25) / 0.75)
    assert by["B"].next_tier == "strong" and by["D"].next_tier is None
    assert {c: by[c].profile for c in "ABCD"} == {
        "A": "foundation",
        "B": "plateau",
        "C": "peak",
        "D": "growth",
    }
    assert by["B"].profile_zh == "产业高原型"
    assert by["B"].risk_flags == ["low_tech_drift"] and by["C"].risk_flags == []
    assert [e.code for e in result.excluded] == ["E"]
    assert "1 of 3" in result.excluded[0].reason
    assert result.info.applied_weights == pytest.approx(
        {"rd_intensity": 0.375, "energy_per_va": 0.375, "revenue": 0.25}
    )


def test_contributions_and_highlights(mini_spec: dict[str, Any]) -> None:
    result = build_model(mini_spec).evaluate(_matrix(), options=EvaluationOptions(uncertainty_runs=0))
    for z in result.zones:
        assert sum(i.contribution for i in z.indicators) == pytest.approx(z.composite)
    d = next(z for z in result.zones if z.code == "D")
    assert [h.code for h in d.strengths] == ["rd_intensity", "energy_per_va"]
    assert [h.code for h in d.weaknesses] == ["revenue"]
    assert d.strengths[0].delta == pytest.approx(100 - 37.5)
    assert d.badges == []


def test_deterministic_and_seed_sensitive(mini_spec: dict[str, Any]) -> None:
    model = build_model(mini_spec)
    m = _matrix()
    a = model.evaluate(m, options=EvaluationOptions(seed=1, uncertainty_runs=120))
    b = model.evaluate(m, options=EvaluationOptions(seed=1, uncertainty_runs=120))
    assert a.model_dump_json() == b.model_dump_json()
    assert a.info.uncertainty_runs == 120
    assert {s.factor for s in a.info.sensitivity} == {"weights", "normalisation", "aggregation"}
    assert all(z.rank_interval is not None for z in a.zones)


def test_last_observed_imputation_is_flagged(mini_spec: dict[str, Any]) -> None:
    # without E, revenue is reported by 3 of 4 zones (75%) and passes the indicator-coverage check
    rows = {k: dict(v) for k, v in ROWS_2024.items() if k != "E"}
    del rows["B"]["revenue"]
    opts = EvaluationOptions(uncertainty_runs=0, overrides=MethodOverrides(imputation="last_observed"))
    result = build_model(mini_spec).evaluate(_matrix(rows), options=opts)
    b = next(z for z in result.zones if z.code == "B")
    assert b.imputed_cells == ["revenue"]
    rev = next(i for i in b.indicators if i.code == "revenue")
    assert rev.raw is None and rev.value == 250.0 and rev.imputed
    assert result.info.methods["imputation"] == "last_observed"


def test_missing_indicator_column_is_excluded_with_reason(mini_spec: dict[str, Any]) -> None:
    rows = {z: {k: v for k, v in vals.items() if k != "energy_per_va"} for z, vals in ROWS_2024.items()}
    result = build_model(mini_spec).evaluate(_matrix(rows), options=EvaluationOptions(uncertainty_runs=0))
    assert [e.code for e in result.info.excluded_indicators] == ["energy_per_va"]
    assert "0%" in result.info.excluded_indicators[0].reason
    assert {z.code for z in result.zones} == {"A", "B", "C", "D"}
    assert "energy_per_va" not in result.info.applied_weights


def test_all_missing_and_empty_matrices(mini_spec: dict[str, Any]) -> None:
    model = build_model(mini_spec)
    rows = {"A": {"rd_intensity": float("nan")}, "B": {}}
    m = IndicatorMatrix.from_rows(
        [Observation("A", "rd_intensity", 2024, None)], zones=["A", "B"], indicators=["rd_intensity"]
    )
    assert rows  # rows document the intent: nothing is reported
    result = model.evaluate(m, options=EvaluationOptions(uncertainty_runs=0))
    assert result.zones == [] and {e.code for e in result.excluded} == {"A", "B"}
    assert all(e.reason for e in result.excluded)
    empty = IndicatorMatrix.from_rows([], zones=[], indicators=["rd_intensity"], years=[2024])
    assert model.evaluate(empty).zones == []


def test_one_zone(mini_spec: dict[str, Any]) -> None:
    result = build_model(mini_spec).evaluate(
        _matrix({"A": ROWS_2024["A"]}), options=EvaluationOptions(uncertainty_runs=10)
    )
    (a,) = result.zones
    # alone, the zone is its own peer mean: RPI 100 and tier 创新强劲 by construction, so none is given
    assert a.rank == 1 and a.rpi is None and a.tier is None and a.profile is None
    assert a.peer_group_size == 1
    assert a.composite == pytest.approx(50.0)  # every column constant → 50
    assert a.gap_to_next_tier is None


@pytest.mark.parametrize(
    "overrides",
    [
        {"normalisation": "zscore"},
        {"normalisation": "rank"},
        {"aggregation": "geometric"},
        {"aggregation": "topsis"},
        {"weighting": "equal"},
        {"weighting": "entropy"},
        {"weighting": "critic"},
        {"weighting": "pca"},
        {"peer_groups": "kmeans"},
        {"peer_groups": "rules", "imputation": "peer_median"},
        {"outliers": "winsorise_log"},
    ],
)
def test_every_method_runs_and_ranks_everyone(mini_spec: dict[str, Any], overrides: dict[str, str]) -> None:
    opts = EvaluationOptions(seed=2, uncertainty_runs=30, overrides=MethodOverrides.model_validate(overrides))
    result = build_model(mini_spec).evaluate(_matrix(), options=opts)
    assert {z.code for z in result.zones} | {e.code for e in result.excluded} == set("ABCDE")
    for key, value in overrides.items():
        assert result.info.methods[key] == value
    assert sum(result.info.applied_weights.values()) == pytest.approx(1.0)
    comps = [z.composite for z in result.zones]
    assert comps == sorted(comps, reverse=True)


def test_arithmetic_zscore_composite_matches_hand(mini_spec: dict[str, Any]) -> None:
    opts = EvaluationOptions(uncertainty_runs=0, overrides=MethodOverrides(normalisation="zscore"))
    state = run_pipeline(ModelSpec.model_validate(mini_spec), _matrix(), opts)
    rd = np.array([1.0, 2.0, 3.0, 5.0])
    z = (rd - rd.mean()) / rd.std()
    np.testing.assert_allclose(state.normalised[:, 0], z)
    np.testing.assert_allclose(state.composite, state.normalised @ state.weights)
    assert state.result is not None and all(zr.tier is None for zr in state.result.zones if zr.rpi is None)


def test_caps_enforced_on_data_driven_weights(mini_spec: dict[str, Any]) -> None:
    mini_spec["pillars"][1]["weight"] = 0.3
    mini_spec["constraints"] = {"max_nature_share": {"scale": 0.10}}
    mini_spec["weighting"] = {"method": "entropy"}
    result = build_model(mini_spec).evaluate(_matrix(), options=EvaluationOptions(uncertainty_runs=0))
    assert result.info.applied_weights["revenue"] <= 0.10 + 1e-12


def test_zero_weight_indicator_stays_out(mini_spec: dict[str, Any]) -> None:
    mini_spec["indicators"].append({"code": "policies_issued", "pillar": "scale", "weight": 0})
    rows = {z: {**v, "policies_issued": float(i)} for i, (z, v) in enumerate(ROWS_2024.items())}
    mini_spec["weighting"] = {"method": "critic"}
    result = build_model(mini_spec).evaluate(_matrix(rows), options=EvaluationOptions(uncertainty_runs=0))
    assert result.info.applied_weights["policies_issued"] == 0.0
    assert result.info.effective_weights["policies_issued"] == 0.0


def test_constant_indicator_is_flagged_and_critic_gives_it_nothing(mini_spec: dict[str, Any]) -> None:
    # a 0/1 flag every zone of a province run has set (e.g. cio_established) separates nobody
    mini_spec["indicators"].append({"code": "cio_established", "pillar": "innovation", "weight": 1})
    rows = {z: {**v, "cio_established": 1.0} for z, v in ROWS_2024.items()}
    mini_spec["weighting"] = {"method": "critic"}
    result = build_model(mini_spec).evaluate(_matrix(rows), options=EvaluationOptions(uncertainty_runs=0))
    assert result.info.zero_variance_indicators == ["cio_established"]
    assert result.info.applied_weights["cio_established"] == 0.0
    without = {k: v for k, v in mini_spec.items()}
    without["indicators"] = [i for i in mini_spec["indicators"] if i["code"] != "cio_established"]
    plain = build_model(without).evaluate(_matrix(), options=EvaluationOptions(uncertainty_runs=0))
    assert plain.info.zero_variance_indicators == []
    for code, weight in plain.info.applied_weights.items():
        assert result.info.applied_weights[code] == pytest.approx(weight, abs=1e-12)


def test_json_dump_is_strict_json(mini_spec: dict[str, Any]) -> None:
    import json

    result = build_model(mini_spec).evaluate(_matrix(), options=EvaluationOptions(uncertainty_runs=20))
    text = json.dumps(result.model_dump(mode="json"), allow_nan=False, ensure_ascii=False)
    assert '"model_key": "mini"' in text


def test_full_evaluation_300_zones_40_indicators_1000_runs() -> None:

    from scoring_models.catalog import indicator_catalog
    from scoring_models.conformance import synthetic_matrix

    codes = [i.code for i in indicator_catalog().indicators][:40]
    spec = ModelSpec.model_validate(
        {
            "key": "speed",
            "version": "1",
            "title_zh": "速度",
            "title_en": "Speed",
            "description": "Speed check.",
            "pillars": [{"code": "all", "name_zh": "全部", "name_en": "All", "weight": 1}],
            "indicators": [{"code": c, "pillar": "all"} for c in codes],
        }
    )
    matrix = synthetic_matrix(codes, n_zones=300)
    model = build_model(spec)
    model.evaluate(matrix, options=EvaluationOptions(uncertainty_runs=10))
    # Its speed is measured by `make bench` (flagship section), not asserted here.
    result = model.evaluate(matrix, options=EvaluationOptions(uncertainty_runs=1000))
    assert len(result.zones) == 299 and result.info.uncertainty_runs >= 1000


def test_peer_groups_use_matrix_indicators_the_model_does_not_score(mini_spec: dict[str, Any]) -> None:
    # the model does not read national_rd_platforms, yet the default bands use it
    rows = {
        z: {**v, "national_rd_platforms": p}
        for (z, v), p in zip(ROWS_2024.items(), [1, 2, 30, 40, 0], strict=True)
    }
    mini_spec["peer_groups"] = {"min_size": 1}
    result = build_model(mini_spec).evaluate(_matrix(rows), options=EvaluationOptions(uncertainty_runs=0))
    groups = {z.code: z.peer_group for z in result.zones}
    assert groups == {
        "A": "revenue0-platforms0",
        "B": "revenue0-platforms0",
        "C": "revenue0-platforms2",
        "D": "revenue0-platforms2",
    }
    c = next(z for z in result.zones if z.code == "C")
    assert c.peer_rank == 2 and c.peer_group_size == 2
    assert c.rpi == pytest.approx(100 * 62.5 / ((62.5 + 75) / 2))


def test_peer_group_categories_split_by_metadata(mini_spec: dict[str, Any]) -> None:
    mini_spec["peer_groups"] = {"method": "rules", "rules": [], "categories": ["level"], "min_size": 2}
    obs = [Observation(z, c, 2024, v) for z, vals in ROWS_2024.items() for c, v in vals.items()]
    meta = {z: ZoneMeta(level="national" if z in "AB" else "provincial") for z in ROWS_2024}
    m = IndicatorMatrix.from_rows(obs, zone_meta=meta)
    result = build_model(mini_spec).evaluate(m, options=EvaluationOptions(uncertainty_runs=0))
    assert {z.code: z.peer_group for z in result.zones} == {
        "A": "national-all",
        "B": "national-all",
        "C": "provincial-all",
        "D": "provincial-all",
    }


def test_small_peer_groups_are_merged_and_no_rpi_comes_from_a_group_of_one(mini_spec: dict[str, Any]) -> None:
    # Regression: D alone in the top platform band got RPI 100 by construction (创新强劲-, "1/1").
    platforms = [1, 2, 3, 40, 0]
    rows = {z: {**v, "national_rd_platforms": p} for (z, v), p in zip(ROWS_2024.items(), platforms, strict=True)}
    mini_spec["peer_groups"] = {"min_size": 2}
    result = build_model(mini_spec).evaluate(_matrix(rows), options=EvaluationOptions(uncertainty_runs=0))
    by = {z.code: z for z in result.zones}
    # A, B, C have fewer than 5 platforms (band 0), D has 40 (band 2): D joins them
    assert {c: z.peer_group for c, z in by.items()} == dict.fromkeys("ABCD", "revenue0-platforms0~revenue0-platforms2")
    assert all(z.peer_group_size >= 2 and z.rpi is not None for z in result.zones)
    assert {g.code: g.size for g in result.info.peer_groups} == {"revenue0-platforms0~revenue0-platforms2": 4}
    mean = (0 + 31.25 + 62.5 + 75) / 4
    assert by["D"].rpi == pytest.approx(100 * 75 / mean)


def test_zscore_override_with_geometric_spec_runs_and_has_no_tiers(mini_spec: dict[str, Any]) -> None:
    mini_spec["aggregation"] = {"method": "geometric"}
    opts = EvaluationOptions(uncertainty_runs=0, overrides=MethodOverrides(normalisation="zscore"))
    result = build_model(mini_spec).evaluate(_matrix(), options=opts)
    assert len(result.zones) == 4
    assert all(z.rpi is None and z.tier is None and z.subgroup is None for z in result.zones)
    assert result.zones[0].code == "D"


def test_only_zero_weight_indicators_left_excludes_everyone_with_reason(mini_spec: dict[str, Any]) -> None:
    mini_spec["indicators"].append({"code": "policies_issued", "pillar": "scale", "weight": 0})
    mini_spec["constraints"] = {"max_nature_share": {"scale": 0.5}}
    mini_spec["checks"] = {"zone_coverage": 0.5}
    # only revenue (scale) and policies_issued survive the coverage check
    rows = {z: {"revenue": v.get("revenue", 1.0), "policies_issued": 1.0} for z, v in ROWS_2024.items()}
    result = build_model(mini_spec).evaluate(_matrix(rows), options=EvaluationOptions(uncertainty_runs=0))
    assert result.zones == []
    assert {e.code for e in result.excluded} == set("ABCDE")
    assert all("cannot be weighted" in e.reason for e in result.excluded)
    assert {e.code for e in result.info.excluded_indicators} == {"rd_intensity", "energy_per_va"}


def test_no_zone_passes_zone_coverage(mini_spec: dict[str, Any]) -> None:
    rows = {z: {"revenue": 1.0 + i} for i, z in enumerate("ABC")}
    mini_spec["checks"] = {"indicator_coverage": 0.0}
    result = build_model(mini_spec).evaluate(_matrix(rows), options=EvaluationOptions(uncertainty_runs=0))
    assert result.zones == [] and [e.code for e in result.excluded] == ["A", "B", "C"]
    assert all("zone-coverage" in e.reason for e in result.excluded)


_values = st.floats(0.0, 1000.0, allow_nan=False, allow_subnormal=False)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.lists(st.tuples(_values, _values, _values), min_size=1, max_size=12),
    st.integers(0, 11),
    st.floats(0.0, 500.0),
)
def test_pipeline_properties_on_random_matrices(
    mini_spec: dict[str, Any], values: list[tuple[float, float, float]], who: int, bump: float
) -> None:
    codes = ("rd_intensity", "energy_per_va", "revenue")
    rows = {f"Z{k:02d}": dict(zip(codes, v, strict=True)) for k, v in enumerate(values)}
    model = build_model(mini_spec)
    opts = EvaluationOptions(uncertainty_runs=0)
    result = model.evaluate(_matrix(rows), options=opts)
    assert len(result.zones) == len(rows) and result.excluded == []
    for z in result.zones:
        assert -1e-9 <= z.composite <= 100 + 1e-9
        assert sum(i.contribution for i in z.indicators) == pytest.approx(z.composite, abs=1e-9)
    comps = [z.composite for z in result.zones]
    assert comps == sorted(comps, reverse=True)
    # improving one zone on a higher-is-better and a lower-is-better indicator never lowers its composite
    target = f"Z{who % len(values):02d}"
    better = {z: dict(v) for z, v in rows.items()}
    better[target]["rd_intensity"] += bump
    better[target]["energy_per_va"] = max(0.0, better[target]["energy_per_va"] - bump)
    before = next(z.composite for z in result.zones if z.code == target)
    after = next(z.composite for z in model.evaluate(_matrix(better), options=opts).zones if z.code == target)
    assert after >= before - 1e-9


def test_monte_carlo_varies_around_the_runs_own_methods_within_the_caps() -> None:
    # Regression: the alternatives came from spec.uncertainty only, so with aggregation=topsis
    # a third of the zones had their reported rank outside their own P5–P95; and the weight noise
    # was added after the nature caps, so half the draws gave scale more than its 10% cap.
    from scoring_models.catalog import indicator_catalog
    from scoring_models.conformance import synthetic_matrix
    from scoring_models.registry import load_registry

    spec = load_registry(plugins=False).get("innovation-peak").spec
    matrix = synthetic_matrix([i.code for i in spec.indicators], n_zones=120, seed=3)
    opts = EvaluationOptions(uncertainty_runs=300, overrides=MethodOverrides(aggregation="topsis"))
    state = run_pipeline(spec, matrix, opts)
    assert state.result is not None and state.uncertainty is not None
    info = state.result.info
    assert info.uncertainty_alternatives == {
        "normalisation": ["minmax", "zscore", "rank"], "aggregation": ["topsis", "arithmetic", "geometric"],
    }
    zones = state.result.zones
    outside = [z.code for z in zones if not (z.rank_interval and z.rank_interval.p5 <= z.rank <= z.rank_interval.p95)]
    assert len(outside) <= 0.05 * len(zones), outside
    assert all(isinstance(z.rank_interval.p5, int) for z in zones if z.rank_interval)
    nature = indicator_catalog().by_code()
    scale = np.array([nature[c].nature.value == "scale" for c in state.indicators])
    shares = state.uncertainty.weights[:, scale].sum(axis=1)
    assert shares.max() <= 0.10 + 1e-12 and shares.min() < 0.10


def _one_pillar_spec(codes: list[str], **sections: Any) -> ModelSpec:
    return ModelSpec.model_validate({
        "key": "textbook", "version": "1", "title_zh": "教科书", "title_en": "Textbook",
        "description": "Worked examples.",
        "pillars": [{"code": "all", "name_zh": "全部", "name_en": "All", "weight": 1}],
        "indicators": [{"code": c, "pillar": "all"} for c in codes],
        "outliers": {"method": "none"}, "peer_groups": {"method": "none"}, **sections,
    })


def _matrix_of(x: np.ndarray, codes: list[str]) -> IndicatorMatrix:
    rows = [Observation(f"Z{z}", c, 2024, float(x[z, i])) for z in range(x.shape[0]) for i, c in enumerate(codes)]
    return IndicatorMatrix.from_rows(rows)


# The widely reproduced five-phone TOPSIS tutorial: price (a cost), storage, camera, looks; equal weights.
PHONES = np.array([[250.0, 16, 12, 5], [200.0, 16, 8, 3], [300.0, 32, 16, 4], [275.0, 32, 8, 4], [225.0, 16, 16, 2]])
PHONE_CODES = ["energy_per_va", "rd_intensity", "invention_patents_per_10k", "tech_contract_per_capita"]


def test_textbook_topsis_with_vector_normalisation_from_a_spec() -> None:
    from pymcdm import normalizations as pn
    from pymcdm.helpers import normalize_matrix
    from pymcdm.methods import TOPSIS

    spec = _one_pillar_spec(PHONE_CODES, normalisation={"method": "vector"}, aggregation={"method": "topsis"})
    state = run_pipeline(spec, _matrix_of(PHONES, PHONE_CODES), EvaluationOptions(uncertainty_runs=0))
    types = np.array([-1, 1, 1, 1])
    vectors = normalize_matrix(PHONES, pn.vector_normalization, types)
    np.testing.assert_allclose(state.normalised / 100, vectors, atol=1e-12)
    theirs = TOPSIS(pn.vector_normalization)(PHONES, np.full(4, 0.25), types)
    np.testing.assert_allclose(state.composite / 100, theirs, atol=1e-12)
    np.testing.assert_allclose(state.composite / 100, [0.534, 0.308, 0.692, 0.535, 0.401], atol=5e-4)
    assert state.result is not None and state.result.info.methods["normalisation"] == "vector"
    assert all(z.rpi is not None for z in state.result.zones)  # TOPSIS puts composites on its own scale


def test_vector_normalisation_gives_no_rpi_under_a_weighted_sum() -> None:
    # vector scores are negative for negative values: the ratio to a peer mean is not defined
    spec = _one_pillar_spec(PHONE_CODES, normalisation={"method": "vector"})
    result = build_model(spec).evaluate(_matrix_of(PHONES, PHONE_CODES), options=EvaluationOptions(uncertainty_runs=0))
    assert all(z.rpi is None and z.tier is None for z in result.zones)
    with pytest.raises(ValueError, match="non-negative"):
        _one_pillar_spec(PHONE_CODES, normalisation={"method": "vector"}, aggregation={"method": "geometric"})


# Xu (2004), "A note on the subjective and objective integrated approach to determine attribute
# weights", EJOR 156(2): four alternatives, four benefit attributes, published entropy weights.
XU = np.array([[30.0, 30, 38, 29], [19, 54, 86, 29], [19, 15, 85, 28.9], [68, 70, 60, 29]])
XU_CODES = ["rd_intensity", "invention_patents_per_10k", "tech_contract_per_capita", "rd_staff_share"]


def test_textbook_entropy_on_raw_proportions_from_a_spec() -> None:
    from pymcdm import weights as pw
    from skcriteria.preprocessing.weighters import entropy_weights as skc_entropy

    raw = _one_pillar_spec(XU_CODES, weighting={"method": "entropy", "basis": "raw"})
    weights = build_model(raw).evaluate(_matrix_of(XU, XU_CODES), options=EvaluationOptions(uncertainty_runs=0))
    got = [weights.info.applied_weights[c] for c in XU_CODES]
    np.testing.assert_allclose(got, [0.4630, 0.3992, 0.1378, 0.0000], atol=5e-5)
    np.testing.assert_allclose(got, pw.entropy_weights(XU), atol=1e-9)
    # the default (熵值法) reads min-max scores
    default = _one_pillar_spec(XU_CODES, weighting={"method": "entropy"})
    assert default.weighting.basis == "normalised"
    state = run_pipeline(default, _matrix_of(XU, XU_CODES), EvaluationOptions(uncertainty_runs=0))
    scores = 100 * (XU - XU.min(0)) / np.ptp(XU, axis=0)
    np.testing.assert_allclose(state.weights, skc_entropy(scores), atol=1e-9)  # 0 ln 0 = 0
    # min-max stretches the nearly constant fourth column (28.9–29) to 0–100: no longer weight 0
    assert state.weights[3] > 0.1
