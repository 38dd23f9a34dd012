"""Leading-chain metrics against hand-computed values."""

from __future__ import annotations

import numpy as np
import pytest

from scoring_models.chain_metrics import (
    LOCALISATION_CUT,
    QUADRANTS,
    ChainRows,
    classify_products,
    count_products,
    derive_chain_metrics,
)


def _rows(data: list[tuple[int, int, float, int, int, int, int, float]]) -> ChainRows:
    arr = np.array(data, dtype=float).reshape(-1, 8)
    return ChainRows(
        zone=arr[:, 0].astype(np.int64), chain=arr[:, 1].astype(np.int64), revenue=arr[:, 2],
        segments_covered=arr[:, 3], segments_defined=arr[:, 4], key_components=arr[:, 5],
        key_components_with_alt=arr[:, 6], local_procurement_share=arr[:, 7],
    )


def test_hand_computed_example() -> None:
    # zone 0: chains 0 (600) and 1 (200), revenue 1000; zone 1: chain 1 (300), revenue 500; zone 2: none.
    rows = _rows([
        (0, 0, 600, 5, 7, 8, 6, 40.0),
        (0, 1, 200, 2, 6, 4, 1, 10.0),
        (1, 1, 300, 3, 6, 5, 5, 55.0),
    ])
    m = derive_chain_metrics(rows, n_zones=3, n_chains=2, zone_revenue=np.array([1000.0, 500.0, 80.0]),
                             declared_leading=np.array([-1, 1, 0]))
    assert m.leading_chain.tolist() == [0, 1, -1]
    np.testing.assert_allclose(m.leading_chain_revenue[:2], [600.0, 300.0])
    np.testing.assert_allclose(m.leading_chain_share[:2], [60.0, 60.0])
    # HHI over chain revenue shares: (600/800)^2 + (200/800)^2 = 0.625; zone 1: 1.0
    np.testing.assert_allclose(m.chain_hhi[:2], [0.625, 1.0])
    # LQ: e = 1500 (zones with rows); chain 0 total 600, chain 1 total 500
    np.testing.assert_allclose(m.leading_chain_lq[:2], [(600 / 1000) / (600 / 1500), (300 / 500) / (500 / 1500)])
    np.testing.assert_allclose(m.chain_completeness[:2], [500 / 7, 50.0])
    np.testing.assert_allclose(m.alt_source_coverage[:2], [75.0, 100.0])
    np.testing.assert_allclose(m.local_supporting_rate[:2], [40.0, 55.0])
    for values in m.as_dict().values():
        assert np.isnan(values[2])  # zone 2 has no breakdown


def test_declared_chain_without_row_falls_back_to_largest_and_missing_revenue_uses_chain_sum() -> None:
    rows = _rows([(0, 0, 100, 1, 5, 0, 0, 0.0), (0, 1, 300, 2, 5, 2, 1, 20.0)])
    m = derive_chain_metrics(rows, n_zones=1, n_chains=3, zone_revenue=np.array([np.nan]),
                             declared_leading=np.array([2]))
    assert m.leading_chain.tolist() == [1]
    np.testing.assert_allclose(m.leading_chain_share, [75.0])
    np.testing.assert_allclose(m.leading_chain_lq, [1.0])
    np.testing.assert_allclose(m.alt_source_coverage, [50.0])


def test_zero_components_and_zero_revenue_give_nan_not_errors() -> None:
    rows = _rows([(0, 0, 0.0, 0, 5, 0, 0, 0.0)])
    m = derive_chain_metrics(rows, n_zones=1, n_chains=1, zone_revenue=np.array([0.0]),
                             declared_leading=np.array([0]))
    assert np.isnan(m.alt_source_coverage[0]) and np.isnan(m.chain_hhi[0]) and np.isnan(m.leading_chain_share[0])
    assert m.chain_completeness[0] == pytest.approx(0.0)


# ------------------------------------------------------------------ 卡脖子 (chokepoints)


def test_four_quadrants_cut_at_fifty_percent_localisation() -> None:
    high = np.array([True, True, False, False, True, False])
    rate = np.array([10.0, 80.0, 20.0, 90.0, 50.0, 49.99])
    codes = [QUADRANTS[q] for q in classify_products(high, rate)]
    assert codes == ["chokepoint", "strength", "substitutable", "ordinary", "strength", "substitutable"]
    assert LOCALISATION_CUT == 50.0


def test_chokepoint_share_and_coverage_by_hand() -> None:
    # row 0: 4 products, 2 chokepoints (one with an alternative source) → share 50%, coverage 50%
    # row 1: 2 products, no chokepoint → share 0%, coverage 100% (no chokepoint lacks a source)
    # row 2: no product data → NaN; row 3: 1 product, a chokepoint without alternative → 100%, 0%
    row = np.array([0, 0, 0, 0, 1, 1, 3])
    high = np.array([True, True, True, False, False, True, True])
    rate = np.array([12.0, 30.0, 70.0, 10.0, 20.0, 95.0, 5.0])
    alt = np.array([True, False, False, True, False, False, False])
    counts = count_products(row, high, rate, alt, n_rows=4)
    np.testing.assert_array_equal(counts.key_products, [4, 2, np.nan, 1])
    np.testing.assert_array_equal(counts.chokepoints, [2, 0, np.nan, 1])
    np.testing.assert_array_equal(counts.chokepoints_with_alt, [1, 0, np.nan, 0])
    np.testing.assert_allclose(counts.chokepoint_share(), [50.0, 0.0, np.nan, 100.0])
    np.testing.assert_allclose(counts.chokepoint_alt_coverage(), [50.0, 100.0, np.nan, 0.0])


def test_chain_metrics_take_the_chokepoints_of_the_leading_chain() -> None:
    rows = _rows([(0, 0, 600, 5, 7, 8, 6, 40.0), (0, 1, 200, 2, 6, 4, 1, 10.0), (1, 1, 300, 3, 6, 5, 5, 55.0)])
    products = count_products(np.array([0, 0, 0, 1, 1]), np.array([True, True, False, True, True]),
                              np.array([10.0, 20.0, 5.0, 10.0, 15.0]), np.array([True, False, False, False, False]),
                              n_rows=3)
    with_products = ChainRows(**{**rows.__dict__, "products": products})
    m = derive_chain_metrics(with_products, n_zones=2, n_chains=2, zone_revenue=np.array([1000.0, 500.0]),
                             declared_leading=np.array([-1, 1]))
    # zone 0 leads with chain 0 (row 0): 3 products, 2 chokepoints, 1 covered; zone 1's row 2 has no products
    np.testing.assert_allclose(m.chokepoint_share, [200 / 3, np.nan])
    np.testing.assert_allclose(m.chokepoint_alt_coverage, [50.0, np.nan])
    plain = derive_chain_metrics(rows, n_zones=2, n_chains=2, zone_revenue=np.array([1000.0, 500.0]),
                                 declared_leading=np.array([-1, 1]))
    assert np.isnan(plain.chokepoint_share).all() and np.isnan(plain.chokepoint_alt_coverage).all()
