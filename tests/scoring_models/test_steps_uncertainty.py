"""Monte Carlo uncertainty: determinism, design, sensitivity on known cases, speed."""


import numpy as np
import pytest

from scoring_models.steps import aggregation as agg
from scoring_models.steps import normalisation as nz
from scoring_models.steps import uncertainty as unc
from scoring_models.steps import weighting as wt


def _alternatives(x: np.ndarray) -> list[np.ndarray]:
    d = np.ones(x.shape[1])
    return [nz.minmax(x, d), nz.zscore(x, d), nz.rank_percentile(x, d)]


def test_same_seed_same_result_and_run_count() -> None:
    rng = np.random.default_rng(2)
    x = rng.lognormal(size=(20, 5))
    w = np.full(5, 0.2)
    a = unc.monte_carlo(_alternatives(x), w, runs=100, seed=3)
    b = unc.monte_carlo(_alternatives(x), w, runs=100, seed=3)
    np.testing.assert_array_equal(a.ranks, b.ranks)
    assert a.first_order == b.first_order
    assert a.runs == 102  # ceil(100 / 6) weight draws × 6 method combinations
    assert (a.p5 <= a.median).all() and (a.median <= a.p95).all()
    assert a.ranks.min() >= 1 and a.ranks.max() <= 20


def test_dominant_zone_always_first() -> None:
    x = np.array([[10.0, 10.0, 10.0], [1.0, 2.0, 3.0], [3.0, 1.0, 2.0], [2.0, 3.0, 1.0]])
    res = unc.monte_carlo(_alternatives(x), np.array([0.5, 0.3, 0.2]), runs=60, seed=0)
    assert res.p5[0] == res.median[0] == res.p95[0] == 1.0


def test_no_variance_gives_zero_indices() -> None:
    x = np.array([[3.0, 3.0], [2.0, 2.0], [1.0, 1.0]])
    res = unc.monte_carlo(_alternatives(x), np.array([0.5, 0.5]), runs=30)
    assert res.first_order == {"weights": 0.0, "normalisation": 0.0, "aggregation": 0.0}
    assert res.total == res.first_order


def test_only_weights_matter_with_one_method_each() -> None:
    rng = np.random.default_rng(4)
    x = rng.uniform(size=(15, 4))
    res = unc.monte_carlo(
        [nz.minmax(x, np.ones(4))], np.full(4, 0.25), aggregations=("arithmetic",), runs=50, seed=1
    )
    assert res.first_order["weights"] == pytest.approx(1.0)
    assert res.total["weights"] == pytest.approx(1.0)
    assert res.first_order["normalisation"] == 0.0 and res.total["aggregation"] == 0.0


def test_sensitivity_decomposition_hand_computed() -> None:
    # Zero weight noise: ranks depend only on (normalisation, aggregation). Build a case where
    # only the aggregation changes ranks: two zones swap between arithmetic and geometric.
    x = np.array([[100.0, 0.0], [45.0, 45.0]])
    alts = [x, x.copy()]  # two identical "normalisations"
    res = unc.monte_carlo(alts, np.array([0.5, 0.5]), runs=4, noise=0.0)
    # arithmetic: 50 vs 45 → zone 0 first; geometric: ≈9.05 vs 45 → zone 1 first
    assert res.first_order["aggregation"] == pytest.approx(1.0)
    assert res.total["aggregation"] == pytest.approx(1.0)
    assert res.first_order["normalisation"] == pytest.approx(0.0)
    assert res.total["weights"] == pytest.approx(0.0)


def test_noisy_weights_rows_sum_to_one_and_keep_zeros() -> None:
    w = unc.noisy_weights(np.array([0.5, 0.5, 0.0]), 200, 0.25, np.random.default_rng(0))
    np.testing.assert_allclose(w.sum(axis=1), 1.0)
    assert (w[:, 2] == 0).all()
    ratio = w[:, 0] / w[:, 1]
    assert ratio.min() >= 0.75 / 1.25 - 1e-12 and ratio.max() <= 1.25 / 0.75 + 1e-12


def test_runs_match_per_run_reference() -> None:
    rng = np.random.default_rng(8)
    x = rng.lognormal(size=(9, 3))
    alts = _alternatives(x)
    res = unc.monte_carlo(alts, np.array([0.2, 0.3, 0.5]), runs=12, seed=5)
    # rebuild the weights with the same generator and score one run by hand
    w = unc.noisy_weights(np.array([0.2, 0.3, 0.5]), 2, 0.25, np.random.default_rng(5))
    scores = agg.arithmetic(alts[1], w[1])
    expected_ranks = 1 + (scores[None, :] > scores[:, None]).sum(axis=1)
    # flat index: (weight draw 1, normalisation 1, aggregation 0) in C order of (n_w, N, A)
    col = 1 * 3 * 2 + 1 * 2 + 0
    np.testing.assert_array_equal(res.ranks[:, col], expected_ranks)


def test_single_zone_and_errors() -> None:
    res = unc.monte_carlo([np.array([[50.0, 10.0]])], np.array([0.5, 0.5]), runs=5)
    assert (res.ranks == 1).all()
    with pytest.raises(ValueError):
        unc.monte_carlo([], np.array([1.0]), runs=5)
    with pytest.raises(ValueError):
        unc.monte_carlo([np.ones((2, 1))], np.array([1.0]), runs=0)


def test_1000_runs_300_zones_40_indicators() -> None:
    rng = np.random.default_rng(0)
    x = rng.lognormal(size=(300, 40))
    alts = _alternatives(x)
    w = rng.uniform(size=40)
    w /= w.sum()
    unc.monte_carlo(alts, w, runs=50)  # warm up imports and caches
    # Its speed is measured by `make bench`, not asserted here.
    res = unc.monte_carlo(alts, w, runs=1000, seed=1)
    assert res.runs >= 1000


def test_constant_zero_and_missing_columns_are_harmless() -> None:
    rng = np.random.default_rng(6)
    x = np.column_stack([rng.uniform(size=8), np.full(8, 4.0), np.zeros(8), np.full(8, np.nan)])
    res = unc.monte_carlo(_alternatives(x), np.full(4, 0.25), runs=36, seed=2)
    assert np.isfinite(res.ranks).all()
    # only the first column varies, so every alternative ranks the zones identically
    assert (res.p5 == res.p95).all()
    expected = 1 + (x[:, 0][None, :] > x[:, 0][:, None]).sum(axis=1)
    np.testing.assert_array_equal(res.median, expected)


def test_tied_zones_share_the_better_rank_like_the_reported_rank() -> None:
    x = np.array([[1.0, 1.0], [1.0, 1.0], [0.0, 0.0]])
    res = unc.monte_carlo(_alternatives(x), np.array([0.5, 0.5]), runs=12)
    np.testing.assert_array_equal(res.median, [1, 1, 3])


def test_interval_is_the_empirical_quantile_of_integer_ranks() -> None:
    # Regression: linear interpolation between ranks printed as 18.949999999999932.
    rng = np.random.default_rng(9)
    x = rng.lognormal(size=(40, 6))
    res = unc.monte_carlo(_alternatives(x), rng.dirichlet(np.ones(6)), runs=500, seed=4)
    assert res.p5.dtype.kind == res.median.dtype.kind == res.p95.dtype.kind == "i"
    for z in range(40):
        observed = np.sort(res.ranks[z])
        n = len(observed)
        # inverted CDF written out: the smallest observed rank with at least q·n runs at or below it
        expected = [observed[int(np.ceil(q * n)) - 1] for q in (0.05, 0.5, 0.95)]
        assert [res.p5[z], res.median[z], res.p95[z]] == expected
        assert set(np.unique(res.ranks[z])) >= {res.p5[z], res.median[z], res.p95[z]}


def test_weight_draws_are_projected() -> None:
    rng = np.random.default_rng(3)
    x = rng.uniform(size=(12, 4))
    nominal = np.array([0.1, 0.45, 0.45, 0.0])
    natures = ["scale", "outcome", "outcome", "process"]
    caps = {"scale": 0.10, "process": 0.0}
    free = unc.monte_carlo(_alternatives(x), nominal, runs=600, seed=1)
    assert (free.weights[:, 0] > 0.10 + 1e-9).mean() > 0.3  # the noise alone breaks the cap
    res = unc.monte_carlo(
        _alternatives(x), nominal, runs=600, seed=1, project=lambda w: wt.apply_share_caps(w, natures, caps)
    )
    assert res.weights.shape == (100, 4)
    assert (res.weights[:, 0] <= 0.10 + 1e-12).all() and (res.weights[:, 3] == 0).all()
    np.testing.assert_allclose(res.weights.sum(axis=1), 1.0)
    for draw, projected in zip(free.weights, res.weights, strict=True):
        np.testing.assert_allclose(projected, wt.apply_share_caps(draw, natures, caps), atol=1e-15)


def test_topsis_alternative_is_batched_too() -> None:
    rng = np.random.default_rng(12)
    x = rng.lognormal(size=(10, 4))
    res = unc.monte_carlo(_alternatives(x), np.full(4, 0.25), aggregations=("arithmetic", "topsis"), runs=60)
    assert res.runs == 60 and set(res.total) == {"weights", "normalisation", "aggregation"}
    with pytest.raises(ValueError):
        unc.monte_carlo(_alternatives(x), np.full(4, 0.25), aggregations=("median",), runs=6)
