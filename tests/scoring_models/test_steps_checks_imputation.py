"""Checks and imputation steps: hand-computed values and edge cases."""

import numpy as np
import pytest

from scoring_models.steps import checks, imputation

nan = np.nan


def test_coverage_thresholds_hand_computed() -> None:
    x = np.array(
        [
            [1.0, 2.0, nan],
            [1.0, nan, nan],
            [nan, 3.0, 4.0],
        ]
    )
    res = checks.coverage(x, indicator_min=0.65, zone_min=2 / 3)
    np.testing.assert_allclose(res.indicator_coverage, [2 / 3, 2 / 3, 1 / 3])
    assert res.keep_indicators.tolist() == [True, True, False]
    np.testing.assert_allclose(res.zone_coverage, [2 / 3, 1 / 3, 2 / 3])
    # exactly 2 of 3 meets the 2/3 threshold despite float rounding
    assert res.keep_zones.tolist() == [True, False, True]


def test_coverage_edge_cases() -> None:
    all_missing = np.full((4, 2), nan)
    res = checks.coverage(all_missing)
    assert not res.keep_indicators.any() and not res.keep_zones.any()
    one_zone = checks.coverage(np.array([[1.0, nan, 3.0]]))
    assert one_zone.keep_indicators.tolist() == [True, False, True]
    assert one_zone.keep_zones.tolist() == [True]
    empty = checks.coverage(np.zeros((0, 3)))
    assert empty.keep_indicators.tolist() == [False, False, False]


def test_pearson_matches_numpy_pairwise_complete() -> None:
    rng = np.random.default_rng(3)
    x = rng.normal(size=(30, 4))
    x[rng.uniform(size=x.shape) < 0.15] = nan
    r = checks.pearson_matrix(x)
    for i in range(4):
        for j in range(4):
            ok = ~np.isnan(x[:, i]) & ~np.isnan(x[:, j])
            expected = np.corrcoef(x[ok, i], x[ok, j])[0, 1]
            assert r[i, j] == pytest.approx(expected, abs=1e-12)


def test_correlated_pairs_flags_only_strong_pairs() -> None:
    base = np.arange(10, dtype=float)
    x = np.column_stack([base, -2 * base + 1, np.sin(base), np.full(10, 5.0), np.zeros(10)])
    pairs = checks.correlated_pairs(x, 0.9)
    assert [(a, b) for a, b, _ in pairs] == [(0, 1)]
    assert pairs[0][2] == pytest.approx(-1.0)


def test_impute_none_keeps_missing() -> None:
    x = np.array([[1.0, nan]])
    out, mask = imputation.impute_none(x)
    assert np.isnan(out[0, 1]) and not mask.any()


def test_impute_peer_median_hand_computed() -> None:
    x = np.array(
        [
            [1.0, nan],
            [3.0, 10.0],
            [nan, 20.0],
            [100.0, nan],
            [nan, nan],
        ]
    )
    groups = np.array([0, 0, 0, 1, 1])
    out, mask = imputation.impute_peer_median(x, groups)
    expected = np.array([[1.0, 15.0], [3.0, 10.0], [2.0, 20.0], [100.0, nan], [100.0, nan]])
    np.testing.assert_array_equal(out, expected)
    assert mask.tolist() == [[False, True], [False, False], [True, False], [False, False], [True, False]]


def test_impute_last_observed_uses_latest_earlier_year() -> None:
    h = np.array(
        [
            [[1.0, 2.0, nan], [5.0, nan, nan]],
            [[nan, nan, nan], [7.0, 8.0, 9.0]],
        ]
    )
    out, mask = imputation.impute_last_observed(h)
    np.testing.assert_array_equal(out, np.array([[2.0, 5.0], [nan, 9.0]]))
    assert mask.tolist() == [[True, True], [False, False]]


def test_impute_last_observed_single_year_and_all_missing() -> None:
    out, mask = imputation.impute_last_observed(np.full((2, 1, 1), nan))
    assert np.isnan(out).all() and not mask.any()


def test_imputation_edge_columns() -> None:
    x = np.array([[5.0, 0.0, nan], [nan, nan, nan], [5.0, 0.0, nan]])
    out, mask = imputation.impute_peer_median(x, np.zeros(3, dtype=int))
    np.testing.assert_array_equal(out[1, :2], [5.0, 0.0])  # constant and zero columns
    assert np.isnan(out[:, 2]).all() and mask.tolist()[1] == [True, True, False]
    single, single_mask = imputation.impute_peer_median(np.array([[nan, 1.0]]), np.array([0]))
    assert np.isnan(single[0, 0]) and not single_mask.any()  # one zone: nobody to borrow from
    tied, _ = imputation.impute_peer_median(np.array([[1.0], [3.0], [nan]]), np.zeros(3, dtype=int))
    assert tied[2, 0] == 2.0  # even count: median of the two middle values
