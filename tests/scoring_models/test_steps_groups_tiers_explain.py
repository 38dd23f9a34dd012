"""Peer groups, tiers, profiles and explanations: hand-computed values and edge cases."""

import numpy as np
import pytest

from scoring_models.steps import explain, peer_groups, tiers

nan = np.nan


def test_rule_bands_hand_computed() -> None:
    feats = np.array([[50.0, 1.0], [1500.0, 30.0], [20000.0, 2.0], [999.9, 5.0], [nan, 0.0]])
    g = peer_groups.rule_bands(feats, [[1000.0, 10000.0], [5.0, 20.0]], ["revenue", "platforms"])
    assert g.labels() == [
        "revenue0-platforms0",
        "revenue1-platforms2",
        "revenue2-platforms0",
        "revenue0-platforms1",
        "revenuena-platforms0",
    ]
    # numbered in band order, only non-empty groups
    assert g.codes == (
        "revenue0-platforms0",
        "revenue0-platforms1",
        "revenue1-platforms2",
        "revenue2-platforms0",
        "revenuena-platforms0",
    )


def test_rule_bands_threshold_value_goes_up() -> None:
    g = peer_groups.rule_bands(np.array([[1000.0]]), [[1000.0]], ["r"])
    assert g.labels() == ["r1"]


def test_kmeans_relabels_by_scale_and_is_deterministic() -> None:
    rng = np.random.default_rng(0)
    big = rng.normal(10000, 100, size=(5, 1))
    small = rng.normal(10, 1, size=(5, 1))
    mid = rng.normal(500, 10, size=(5, 1))
    feats = np.vstack([big, small, mid])
    g = peer_groups.kmeans_groups(feats, 3, seed=0)
    assert g.codes == ("k0", "k1", "k2")
    assert g.index.tolist() == [2] * 5 + [0] * 5 + [1] * 5
    again = peer_groups.kmeans_groups(feats, 3, seed=0)
    assert again.index.tolist() == g.index.tolist()


def test_kmeans_edge_cases() -> None:
    one = peer_groups.kmeans_groups(np.array([[5.0]]), 4)
    assert one.index.tolist() == [0]
    same = peer_groups.kmeans_groups(np.full((4, 2), 3.0), 3)
    assert same.index.tolist() == [0, 0, 0, 0]
    missing = peer_groups.kmeans_groups(np.array([[1.0], [nan], [1000.0], [1100.0]]), 2)
    assert missing.index[0] == 0 and missing.index[2] == missing.index[3] == 1
    assert peer_groups.kmeans_groups(np.zeros((0, 1)), 2).codes == ()


def test_group_stat_mean_and_median() -> None:
    g = peer_groups.PeerGroups(index=np.array([0, 0, 1, 0]), codes=("a", "b"))
    v = np.array([[1.0, nan], [3.0, nan], [10.0, 4.0], [8.0, nan]])
    med = peer_groups.group_stat(v, g, "median")
    np.testing.assert_array_equal(med[:, 0], [3.0, 3.0, 10.0, 3.0])
    assert np.isnan(med[0, 1]) and med[2, 1] == 4.0
    np.testing.assert_allclose(peer_groups.group_stat(v[:, 0], g, "mean"), [4.0, 4.0, 10.0, 4.0])


def test_rpi_and_undefined_mean() -> None:
    np.testing.assert_allclose(tiers.rpi(np.array([30.0, 10.0]), np.array([20.0, 0.0])), [150.0, nan])


def test_tier_boundaries() -> None:
    values = np.array([150.0, 125.0001, 125.0, 100.0, 99.99, 70.0, 69.9, 0.0, nan])
    a = tiers.assign_tiers(values, [125.0, 100.0, 70.0])
    assert a.tier.tolist() == [0, 0, 1, 1, 2, 2, 3, 3, -1]


def test_subgroups_thirds() -> None:
    # strong band [100, 125]: thirds at 108.33 and 116.67; open top band [125, 150]; bottom [0, 70]
    values = np.array([101.0, 110.0, 120.0, 126.0, 140.0, 500.0, 10.0, 30.0, 60.0])
    a = tiers.assign_tiers(values, [125.0, 100.0, 70.0])
    assert a.subgroup.tolist() == [-1, 0, 1, -1, 0, 1, -1, 0, 1]


def test_tier_threshold_validation() -> None:
    with pytest.raises(ValueError):
        tiers.assign_tiers(np.array([1.0]), [70.0, 100.0])
    with pytest.raises(ValueError):
        tiers.assign_tiers(np.array([1.0]), [])
    single = tiers.assign_tiers(np.array([150.0, 50.0]), [100.0])
    assert single.tier.tolist() == [0, 1]


def test_gap_to_next_tier_exact() -> None:
    # group of 4, composites 10, 20, 30, 40 (sum 100, mean 25)
    c = np.array([10.0, 20.0, 30.0, 40.0])
    r = tiers.rpi(c, np.full(4, 25.0))
    a = tiers.assign_tiers(r, [125.0, 100.0, 70.0])
    assert a.tier.tolist() == [3, 2, 1, 0]
    gap = tiers.gap_to_next_tier(c, np.full(4, 100.0), np.full(4, 4), a.tier, [125.0, 100.0, 70.0])
    # zone 0 needs RPI 70: g = (0.7·100/4 − 10) / (1 − 0.7/4)
    assert gap[0] == pytest.approx((0.7 * 25 - 10) / (1 - 0.7 / 4))
    assert gap[2] == pytest.approx((1.25 * 25 - 30) / (1 - 1.25 / 4))
    assert np.isnan(gap[3])
    after = c.copy()
    after[0] += gap[0]
    assert 100 * after[0] / after.mean() == pytest.approx(70.0)


def test_gap_unreachable_in_group_of_one() -> None:
    gap = tiers.gap_to_next_tier(
        np.array([5.0]), np.array([5.0]), np.array([1]), np.array([1]), [125.0, 100.0]
    )
    assert np.isnan(gap[0])


def test_profiles_quadrants() -> None:
    inn = np.array([80.0, 20.0, 80.0, 20.0, nan])
    sca = np.array([80.0, 80.0, 20.0, 20.0, 50.0])
    out = tiers.profiles(inn, sca, np.full(5, 50.0), np.full(5, 50.0))
    assert [tiers.PROFILE_CODES[i] if i >= 0 else None for i in out] == [
        "peak",
        "plateau",
        "growth",
        "foundation",
        None,
    ]
    assert tiers.profiles(np.array([50.0]), np.array([50.0]), np.array([50.0]), np.array([50.0]))[0] == 0


def test_contributions_sum_to_arithmetic_composite() -> None:
    from scoring_models.steps import aggregation as agg

    x = np.array([[100.0, 0.0, 50.0], [80.0, nan, 20.0]])
    w = np.array([0.5, 0.25, 0.25])
    rw = agg.row_weights(x, w)
    np.testing.assert_allclose(explain.contributions(x, rw).sum(axis=1), agg.arithmetic(x, w))


def test_top_k_strengths_and_weaknesses() -> None:
    deltas = np.array([[5.0, -3.0, 10.0, 0.0, -8.0, 1.0], [0.0, 0.0, 0.0, 0.0, 0.0, 0.0]])
    assert explain.top_k(deltas, 3, largest=True).tolist() == [[2, 0, 5], [-1, -1, -1]]
    assert explain.top_k(deltas, 3, largest=False).tolist() == [[4, 1, -1], [-1, -1, -1]]
    assert explain.top_k(np.array([[1.0, nan]]), 3).tolist() == [[0, -1, -1]]
    assert explain.top_k(np.array([[1.0, 2.0]]), 0).shape == (1, 0)


def test_peer_deltas_and_competition_rank() -> None:
    np.testing.assert_array_equal(explain.peer_deltas(np.array([[3.0]]), np.array([[1.0]])), [[2.0]])
    assert explain.competition_rank(np.array([5.0, 9.0, 5.0, 1.0])).tolist() == [2, 1, 2, 4]
    assert explain.competition_rank(np.array([3.0])).tolist() == [1]


def test_categorical_and_cross_groups() -> None:
    cat = peer_groups.categorical_groups(["provincial", "national", "national"])
    assert cat.codes == ("national", "provincial") and cat.index.tolist() == [1, 0, 0]
    bands = peer_groups.PeerGroups(index=np.array([0, 1, 0]), codes=("r0", "r1"))
    both = peer_groups.cross(cat, bands)
    assert both.labels() == ["provincial-r0", "national-r1", "national-r0"]
    assert both.codes == ("national-r0", "national-r1", "provincial-r0")


def _bands(counts: dict[tuple[float, float], int]) -> peer_groups.PeerGroups:
    """Rule bands over revenue (cut at 1000, 10000) × platforms (cut at 5, 20) with ``counts``
    zones in each (revenue band, platform band) cell; NaN band = not reported."""
    centre = {0.0: 500.0, 1.0: 5000.0, 2.0: 50000.0}
    plat = {0.0: 1.0, 1.0: 10.0, 2.0: 30.0}
    rows = [
        [centre.get(r, nan), plat.get(p, nan)] for (r, p), n in counts.items() for _ in range(n)
    ]
    return peer_groups.rule_bands(np.array(rows), [[1000.0, 10000.0], [5.0, 20.0]], ["revenue", "platforms"])


def test_merge_small_groups_hand_worked() -> None:
    g = _bands({(0, 0): 6, (0, 1): 5, (1, 1): 1, (2, 2): 1, (nan, 0): 2})
    np.testing.assert_array_equal(g.positions, [[0, 0], [0, 1], [1, 1], [2, 2], [nan, 0]])
    merged = peer_groups.merge_small(g, 5)
    # 1. revenue1-platforms1 (1 zone) is one step from revenue0-platforms1, two from the others.
    # 2. revenue2-platforms2 (1): two steps from that merged group (via revenue1-platforms1), three
    #    from revenuena-platforms0 (unknown revenue counts one step), four from revenue0-platforms0.
    # 3. revenuena-platforms0 (2): one step from revenue0-platforms0, two from the merged group.
    assert merged.codes == (
        "revenue0-platforms0~revenuena-platforms0",
        "revenue0-platforms1~revenue1-platforms1~revenue2-platforms2",
    )
    assert np.bincount(merged.index).tolist() == [8, 7]
    assert merged.labels()[-2:] == ["revenue0-platforms0~revenuena-platforms0"] * 2
    assert peer_groups.merge_small(g, 1) is g


def test_merge_small_ties_go_to_the_larger_group_then_the_first() -> None:
    # revenue1-platforms1 (1 zone) is one step from revenue0-platforms1 (5) and revenue1-platforms0 (7)
    g = _bands({(0, 1): 5, (1, 0): 7, (1, 1): 1})
    assert peer_groups.merge_small(g, 5).codes == ("revenue0-platforms1", "revenue1-platforms0~revenue1-platforms1")
    even = _bands({(0, 1): 6, (1, 0): 6, (1, 1): 1})
    assert peer_groups.merge_small(even, 5).codes == ("revenue0-platforms1~revenue1-platforms1", "revenue1-platforms0")


def test_merge_small_keeps_categories_apart_unless_a_whole_category_is_too_small() -> None:
    levels = ["national"] * 6 + ["provincial"] * 4 + ["national"]
    feats = np.array([[500.0, 1.0]] * 6 + [[500.0, 1.0]] * 4 + [[50000.0, 30.0]])
    bands = peer_groups.rule_bands(feats, [[1000.0, 10000.0], [5.0, 20.0]], ["revenue", "platforms"])
    both = peer_groups.cross(peer_groups.categorical_groups(levels), bands)
    assert both.blocks == ("national", "national", "provincial")
    merged = peer_groups.merge_small(both, 5)
    # the lone national top-band zone joins its own level (four band steps away) rather than the
    # provincial zones (as far, but another level); then the provincial level as a whole is too
    # small (4 < 5) and, with no provincial group left to join, joins the national one
    assert merged.codes == (
        "national-revenue0-platforms0~national-revenue2-platforms2~provincial-revenue0-platforms0",
    )
    kept = peer_groups.merge_small(both, 4)
    assert kept.codes == ("national-revenue0-platforms0~national-revenue2-platforms2", "provincial-revenue0-platforms0")


def test_merge_small_without_positions_joins_the_largest_and_single_group_stays() -> None:
    g = peer_groups.PeerGroups(index=np.array([0, 1, 1, 2, 2, 2]), codes=("a", "b", "c"))
    assert peer_groups.merge_small(g, 2).codes == ("a~c", "b")
    one = peer_groups.single_group(3)
    assert peer_groups.merge_small(one, 5) is one
    assert peer_groups.merge_small(peer_groups.kmeans_groups(np.zeros((0, 1)), 2), 5).codes == ()
