"""Weights and aggregation against pymcdm and scikit-criteria (to 1e-9) plus hand-computed cases."""

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from pymcdm import normalizations as pn
from pymcdm import weights as pw
from pymcdm.methods import TOPSIS, WSM
from skcriteria.agg.simple import wpm as skc_wpm
from skcriteria.agg.simple import wsm as skc_wsm
from skcriteria.agg.topsis import topsis as skc_topsis
from skcriteria.preprocessing.weighters import critic_weights as skc_critic
from skcriteria.preprocessing.weighters import entropy_weights as skc_entropy

from scoring_models.steps import aggregation as agg
from scoring_models.steps import normalisation as nz
from scoring_models.steps import weighting as wt

nan = np.nan
# pymcdm warns about dominated alternatives in random matrices; irrelevant to the comparison
pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")

# A frequently reproduced textbook example (4 alternatives × 4 criteria; criterion 3 is a cost).
EXAMPLE = np.array(
    [
        [250.0, 16.0, 12.0, 5.0],
        [200.0, 16.0, 8.0, 3.0],
        [300.0, 32.0, 16.0, 4.0],
        [275.0, 32.0, 8.0, 4.0],
    ]
)
EXAMPLE_TYPES = np.array([-1, 1, 1, 1])
# The five-phone matrix of the widely reproduced TOPSIS tutorial (see the published-scores test).
PHONES = np.array(
    [[250.0, 16, 12, 5], [200.0, 16, 8, 3], [300.0, 32, 16, 4], [275.0, 32, 8, 4], [225.0, 16, 16, 2]]
)
EXAMPLE_W = np.array([0.25, 0.25, 0.25, 0.25])

positive_matrices = st.integers(3, 12).flatmap(
    lambda m: st.integers(2, 6).flatmap(
        lambda n: arrays(np.float64, (m, n), elements=st.floats(0.5, 1000.0, allow_subnormal=False))
    )
)


def _non_degenerate(x: np.ndarray) -> bool:
    return bool((np.ptp(x, axis=0) > 1e-3 * np.abs(x).max(axis=0)).all())


@pytest.mark.parametrize("x", [EXAMPLE, PHONES])
def test_entropy_matches_oracles_on_examples(x: np.ndarray) -> None:
    ours = wt.entropy_weights(x)
    np.testing.assert_allclose(ours, pw.entropy_weights(x), atol=1e-9)
    np.testing.assert_allclose(ours, skc_entropy(x), atol=1e-9)


@settings(max_examples=80, deadline=None)
@given(positive_matrices)
def test_entropy_matches_oracles_random(x: np.ndarray) -> None:
    assume(_non_degenerate(x))
    ours = wt.entropy_weights(x)
    np.testing.assert_allclose(ours, pw.entropy_weights(x), atol=1e-9)
    np.testing.assert_allclose(ours, skc_entropy(x), atol=1e-9)


def test_entropy_zero_conventions() -> None:
    # 0 ln 0 = 0 (scipy/scikit-criteria); pymcdm differs here on purpose, see the docstring
    x = np.array([[0.0, 1.0], [2.0, 1.0], [2.0, 3.0]])
    np.testing.assert_allclose(wt.entropy_weights(x), skc_entropy(x), atol=1e-12)
    zeros = np.column_stack([np.zeros(3), [1.0, 2.0, 3.0]])
    assert wt.entropy_weights(zeros)[0] == pytest.approx(0.0, abs=1e-12)
    np.testing.assert_allclose(wt.entropy_weights(np.ones((4, 3))), [1 / 3] * 3)
    np.testing.assert_allclose(wt.entropy_weights(np.array([[1.0, 2.0]])), [0.5, 0.5])
    with pytest.raises(ValueError):
        wt.entropy_weights(np.array([[-1.0], [1.0]]))


@pytest.mark.parametrize("x", [EXAMPLE, PHONES])
def test_critic_matches_oracles_on_examples(x: np.ndarray) -> None:
    ours = wt.critic_weights(x)
    np.testing.assert_allclose(ours, pw.critic_weights(x), atol=1e-9)
    np.testing.assert_allclose(ours, skc_critic(x, np.ones(4)), atol=1e-9)


@settings(max_examples=80, deadline=None)
@given(positive_matrices)
def test_critic_matches_oracles_random(x: np.ndarray) -> None:
    assume(_non_degenerate(x))
    # (nearly) collinear pairs make the conflict term 1 - r a difference of rounding errors, and
    # all-collinear matrices make the oracles divide 0 by 0 (we define equal weights instead)
    r = np.corrcoef(x, rowvar=False)
    assume((np.abs(r[np.triu_indices_from(r, k=1)]) < 1 - 1e-6).all())
    theirs = pw.critic_weights(x)
    ours = wt.critic_weights(x)
    np.testing.assert_allclose(ours, theirs, atol=1e-9)
    np.testing.assert_allclose(ours, skc_critic(x, np.ones(x.shape[1])), atol=1e-9)


# Tuş & Aytaç Adalı (2019), "The new combination with CRITIC and WASPAS methods for the time and
# attendance software selection problem", Opsearch 56(2): five alternatives, six criteria, with
# their published CRITIC weights (three decimals).
TUS_ADALI = np.array(
    [[5000.0, 3, 3, 4, 3, 2], [680, 5, 3, 2, 2, 1], [2000, 3, 2, 3, 4, 3], [600, 4, 3, 1, 2, 2], [800, 2, 4, 3, 3, 4]]
)
TUS_ADALI_WEIGHTS = [0.157, 0.249, 0.168, 0.121, 0.154, 0.151]


def _critic_reference(x: np.ndarray) -> np.ndarray:
    """Diakoulaki et al. (1995) written out, over the varying columns only (a constant one gets 0)."""
    varying = np.ptp(x, axis=0) > 0
    v = x[:, varying]
    scaled = (v - v.min(0)) / np.ptp(v, axis=0)
    c = scaled.std(0, ddof=1) * (1 - np.corrcoef(scaled, rowvar=False)).sum(0)
    out = np.zeros(x.shape[1])
    out[varying] = c / c.sum()
    return out


def test_critic_published_example() -> None:
    np.testing.assert_allclose(wt.critic_weights(TUS_ADALI), TUS_ADALI_WEIGHTS, atol=5e-4)


@pytest.mark.parametrize("position", [0, 3, 6])
def test_critic_constant_column_is_dropped_not_taken_as_uncorrelated(position: int) -> None:
    # Regression: a constant column's undefined correlations were taken as 0, adding 1 to every
    # other column's conflict sum and moving their weights (here to .161/.235/.165/.128/.158/.153).
    x = np.insert(TUS_ADALI, position, 7.0, axis=1)
    w = wt.critic_weights(x)
    assert w[position] == 0.0
    np.testing.assert_allclose(np.delete(w, position), wt.critic_weights(TUS_ADALI), atol=1e-12)
    np.testing.assert_allclose(np.delete(w, position), TUS_ADALI_WEIGHTS, atol=5e-4)
    np.testing.assert_allclose(np.delete(w, position), pw.critic_weights(TUS_ADALI), atol=1e-9)


@settings(max_examples=60, deadline=None)
@given(positive_matrices, st.data())
def test_critic_with_constant_columns_matches_the_recipe_random(x: np.ndarray, data: st.DataObject) -> None:
    assume(_non_degenerate(x))
    r = np.corrcoef(x, rowvar=False)
    assume((np.abs(r[np.triu_indices_from(r, k=1)]) < 1 - 1e-6).all())
    where = data.draw(st.integers(0, x.shape[1]))
    padded = np.insert(x, where, data.draw(st.floats(0.0, 100.0)), axis=1)
    np.testing.assert_allclose(wt.critic_weights(padded), _critic_reference(padded), atol=1e-9)


def test_critic_degenerate_cases() -> None:
    x = np.column_stack([np.full(5, 2.0), np.arange(5.0), np.arange(5.0) ** 2])
    w = wt.critic_weights(x)
    assert w[0] == 0.0 and w.sum() == pytest.approx(1.0)
    np.testing.assert_allclose(wt.critic_weights(np.array([[1.0, 2.0, 3.0]])), [1 / 3] * 3)
    collinear = np.column_stack([np.arange(4.0), 2 * np.arange(4.0)])
    np.testing.assert_allclose(wt.critic_weights(collinear), [0.5, 0.5])
    np.testing.assert_allclose(wt.critic_weights(np.column_stack([collinear, np.ones(4)])), [0.5, 0.5, 0.0])
    np.testing.assert_allclose(wt.critic_weights(np.column_stack([np.arange(4.0), np.ones(4)])), [1.0, 0.0])
    np.testing.assert_allclose(wt.critic_weights(np.ones((3, 2))), [0.5, 0.5])


def test_zero_variance_columns() -> None:
    x = np.array([[1.0, 2.0, nan, nan], [1.0, 3.0, 5.0, nan], [nan, 4.0, 5.0, nan]])
    np.testing.assert_array_equal(wt.zero_variance(x), [True, False, True, True])


def _pca_reference(x: np.ndarray, min_eigenvalue: float = 1.0) -> np.ndarray:
    """The OECD/JRC recipe written out: Kaiser cut on the eigenvalues of the correlation matrix."""
    vals, vecs = np.linalg.eigh(np.corrcoef(x, rowvar=False))
    order = np.argsort(vals)[::-1]
    vals, vecs = vals[order], vecs[:, order]
    keep = vals >= min_eigenvalue
    keep[0] = True
    w = (vecs[:, keep] ** 2) @ (vals[keep] / vals[keep].sum())
    return w / w.sum()


def test_pca_weights_match_eigen_decomposition() -> None:
    rng = np.random.default_rng(5)
    f = rng.normal(size=(50, 2))
    x = np.column_stack([f[:, 0], f[:, 0] + 0.3 * rng.normal(size=50), f[:, 1], rng.normal(size=50)])
    np.testing.assert_allclose(wt.pca_weights(x), _pca_reference(x), atol=1e-9)


def test_pca_kaiser_cut_on_correlation_eigenvalues() -> None:
    # Regression: the cut was made on the sample covariance of population-standardised data
    # (eigenvalues × n/(n−1)), which kept the second component here (0.989 × 6/5 > 1).
    x = np.random.default_rng(2).uniform(0, 100, (6, 4))
    eigenvalues = np.sort(np.linalg.eigvalsh(np.corrcoef(x, rowvar=False)))[::-1]
    np.testing.assert_allclose(eigenvalues[:2], [2.431, 0.989], atol=5e-4)
    np.testing.assert_allclose(wt.pca_weights(x), [0.259, 0.302, 0.371, 0.067], atol=5e-4)
    np.testing.assert_allclose(wt.pca_weights(x), _pca_reference(x), atol=1e-12)


@settings(max_examples=60, deadline=None)
@given(positive_matrices)
def test_pca_matches_the_correlation_recipe_random(x: np.ndarray) -> None:
    assume(_non_degenerate(x))
    eigenvalues = np.linalg.eigvalsh(np.corrcoef(x, rowvar=False))
    # an eigenvalue within rounding of the cut (or a tie) makes "kept" a coin toss for both sides
    assume(np.abs(eigenvalues - 1.0).min() > 1e-9 and np.diff(np.sort(eigenvalues)).min() > 1e-9)
    np.testing.assert_allclose(wt.pca_weights(x), _pca_reference(x), atol=1e-9)


def test_pca_edge_cases() -> None:
    np.testing.assert_allclose(wt.pca_weights(np.ones((4, 2))), [0.5, 0.5])
    w = wt.pca_weights(np.column_stack([np.zeros(6), np.arange(6.0), np.arange(6.0) ** 1.5]))
    assert w[0] == pytest.approx(0.0, abs=1e-12) and w.sum() == pytest.approx(1.0)


def test_expert_and_equal() -> None:
    np.testing.assert_allclose(wt.expert_weights([2, 1, 1]), [0.5, 0.25, 0.25])
    np.testing.assert_allclose(wt.equal_weights(4), [0.25] * 4)
    for bad in ([-1.0, 2.0], [0.0, 0.0], [nan, 1.0]):
        with pytest.raises(ValueError):
            wt.expert_weights(bad)


def test_share_caps_hand_computed() -> None:
    w = np.array([0.3, 0.3, 0.2, 0.1, 0.1])
    natures = ["scale", "scale", "outcome", "outcome", "process"]
    out = wt.apply_share_caps(w, natures, {"scale": 0.10, "process": 0.0})
    # scale 0.6 → 0.1 (0.05 each), process → 0; outcome 0.3 fills 0.9 in proportion 2:1
    np.testing.assert_allclose(out, [0.05, 0.05, 0.6, 0.3, 0.0])
    untouched = wt.apply_share_caps(w, natures, {"scale": 0.9})
    np.testing.assert_allclose(untouched, w)
    with pytest.raises(ValueError):
        wt.apply_share_caps(np.array([1.0, 0.0]), ["scale", "outcome"], {"scale": 0.1})


@settings(max_examples=60, deadline=None)
@given(arrays(np.float64, (7, 5), elements=st.floats(0.0, 1.0)), st.floats(0.0, 0.3), st.floats(0.0, 0.3))
def test_share_caps_on_a_matrix_equal_row_by_row(w: np.ndarray, scale_cap: float, process_cap: float) -> None:
    w = w + np.array([0.0, 0.0, 0.0, 0.0, 0.1])  # the uncapped indicator always has room
    natures = ["scale", "scale", "process", "outcome", "outcome"]
    caps = {"scale": scale_cap, "process": process_cap}
    batch = wt.apply_share_caps(w, natures, caps)
    for row, capped in zip(w, batch, strict=True):
        np.testing.assert_allclose(capped, wt.apply_share_caps(row, natures, caps), atol=1e-12)
        assert capped[:2].sum() <= scale_cap + 1e-9 and capped[2] <= process_cap + 1e-9


def test_within_groups_combines_pillar_weights() -> None:
    out = wt.within_groups(np.array([1.0, 3.0, 5.0]), np.array([0, 0, 1]), np.array([0.2, 0.8]))
    np.testing.assert_allclose(out, [0.05, 0.15, 0.8])


def test_effective_weights_squared_correlation() -> None:
    x = np.array([[0.0, 10.0, 3.0], [50.0, 0.0, 3.0], [100.0, 5.0, 3.0], [20.0, 7.0, 3.0]])
    w = np.array([0.5, 0.5, 0.0])
    c = x @ w
    r2 = np.array([np.corrcoef(x[:, i], c)[0, 1] ** 2 for i in range(2)])
    np.testing.assert_allclose(wt.effective_weights(x, c, w), np.r_[r2 / r2.sum(), 0.0])


def test_arithmetic_hand_computed_with_missing() -> None:
    x = np.array([[100.0, 0.0, 50.0], [80.0, nan, 20.0], [nan, nan, nan]])
    w = np.array([0.5, 0.25, 0.25])
    out = agg.arithmetic(x, w)
    assert out[0] == pytest.approx(62.5)
    assert out[1] == pytest.approx((0.5 * 80 + 0.25 * 20) / 0.75)
    assert np.isnan(out[2])
    rw = agg.row_weights(x, w)
    np.testing.assert_allclose(rw.sum(axis=1), [1.0, 1.0, 0.0])


def test_weighted_sum_matches_pymcdm_wsm() -> None:
    n = nz.minmax(EXAMPLE, EXAMPLE_TYPES.astype(float)) / 100
    ours = agg.arithmetic(n, EXAMPLE_W)
    theirs = WSM(pn.minmax_normalization)(EXAMPLE, EXAMPLE_W, EXAMPLE_TYPES)
    np.testing.assert_allclose(ours, theirs, atol=1e-9)


def test_geometric_hand_computed() -> None:
    x = np.array([[0.0, 99.0], [100.0, 100.0], [nan, 3.0]])
    w = np.array([0.5, 0.5])
    out = agg.geometric(x, w, shift=1.0)
    assert out[0] == pytest.approx(np.sqrt(1.0 * 100.0) - 1.0)
    assert out[1] == pytest.approx(100.0)
    assert out[2] == pytest.approx(3.0)
    with pytest.raises(ValueError):
        agg.geometric(np.array([[-5.0]]), np.array([1.0]), shift=1.0)


def test_two_dimensional_weights_equal_per_run_loop() -> None:
    rng = np.random.default_rng(1)
    x = rng.uniform(0, 100, size=(7, 4))
    x[2, 1] = nan
    w = rng.uniform(size=(5, 4))
    batch = agg.arithmetic(x, w)
    for r in range(5):
        np.testing.assert_allclose(batch[:, r], agg.arithmetic(x, w[r]))
    gbatch = agg.geometric(x, w)
    np.testing.assert_allclose(gbatch[:, 3], agg.geometric(x, w[3]))


def test_topsis_matches_pymcdm_minmax_and_vector_on_example() -> None:
    n_mm = nz.minmax(EXAMPLE, EXAMPLE_TYPES.astype(float))
    theirs = TOPSIS(pn.minmax_normalization)(EXAMPLE, EXAMPLE_W, EXAMPLE_TYPES)
    np.testing.assert_allclose(agg.topsis(n_mm, EXAMPLE_W), theirs, atol=1e-9)
    signed = EXAMPLE.copy()
    vec = signed / np.sqrt((signed**2).sum(axis=0))
    vec[:, 0] = 1 - vec[:, 0]  # pymcdm's vector normalisation of a cost criterion
    theirs_v = TOPSIS(pn.vector_normalization)(EXAMPLE, EXAMPLE_W, EXAMPLE_TYPES)
    np.testing.assert_allclose(agg.topsis(vec, EXAMPLE_W), theirs_v, atol=1e-9)


@settings(max_examples=80, deadline=None)
@given(positive_matrices, st.data())
def test_topsis_matches_pymcdm_and_skcriteria_random(x: np.ndarray, data: st.DataObject) -> None:
    assume(_non_degenerate(x))
    w = np.asarray(data.draw(arrays(np.float64, x.shape[1], elements=st.floats(0.05, 1.0))))
    w = w / w.sum()
    n = nz.minmax(x, np.ones(x.shape[1])) / 100
    ours = agg.topsis(n, w)
    np.testing.assert_allclose(ours, TOPSIS(pn.minmax_normalization)(x, w, np.ones(x.shape[1])), atol=1e-9)
    _, _, _, closeness = skc_topsis(n, np.ones(x.shape[1]), w)
    np.testing.assert_allclose(ours, closeness, atol=1e-9)


def test_topsis_edge_cases() -> None:
    np.testing.assert_allclose(agg.topsis(np.full((3, 2), 50.0), np.array([0.5, 0.5])), [0.5] * 3)
    assert agg.topsis(np.array([[10.0, 20.0]]), np.array([0.5, 0.5]))[0] == 0.5
    out = agg.topsis(np.array([[0.0, nan], [100.0, 100.0], [nan, nan]]), np.array([0.5, 0.5]))
    assert out[0] == 0.0 and out[1] == 1.0 and np.isnan(out[2])


@settings(max_examples=80, deadline=None)
@given(positive_matrices, st.data())
def test_weighted_sum_and_product_match_oracles_random(x: np.ndarray, data: st.DataObject) -> None:
    assume(_non_degenerate(x))
    w = np.asarray(data.draw(arrays(np.float64, x.shape[1], elements=st.floats(0.05, 1.0))))
    w = w / w.sum()
    n = nz.minmax(x, np.ones(x.shape[1])) / 100
    ours = agg.arithmetic(n, w)
    np.testing.assert_allclose(ours, WSM(pn.minmax_normalization)(x, w, np.ones(x.shape[1])), atol=1e-9)
    np.testing.assert_allclose(ours, skc_wsm(n, w)[1], atol=1e-9)
    # weighted product = geometric mean without shift when weights sum to 1
    np.testing.assert_allclose(agg.geometric(x, w, shift=0.0), 10 ** skc_wpm(x, w)[1], rtol=1e-9)


def test_shift_nonnegative() -> None:
    x = np.array([[-1.0, 2.0, nan], [1.0, 3.0, nan]])
    out = agg.shift_nonnegative(x)
    np.testing.assert_array_equal(out[:, :2], [[0.0, 2.0], [2.0, 3.0]])
    assert np.isnan(out[:, 2]).all()


def test_topsis_two_dimensional_weights_equal_per_run_loop() -> None:
    rng = np.random.default_rng(11)
    x = rng.uniform(0, 100, size=(6, 3))
    x[1, 2] = nan
    w = rng.uniform(0.1, 1.0, size=(4, 3))
    batch = agg.topsis(x, w)
    assert batch.shape == (6, 4)
    for r in range(4):
        np.testing.assert_allclose(batch[:, r], agg.topsis(x, w[r]))


def test_topsis_published_mobile_phone_example() -> None:
    # The widely reproduced TOPSIS tutorial (five phones; price is a cost, equal weights, vector
    # normalisation), also the example of R's RMCDA::apply.TOPSIS; published scores to 3 decimals.
    x = PHONES
    w = np.full(4, 0.25)
    types = np.array([-1, 1, 1, 1])
    v = x / np.sqrt((x**2).sum(axis=0))
    v[:, 0] = -v[:, 0]  # TOPSIS is shift-invariant per column, so negating is a valid cost flip
    ours = agg.topsis(v, w)
    np.testing.assert_allclose(ours, [0.534, 0.308, 0.692, 0.535, 0.401], atol=5e-4)
    np.testing.assert_allclose(ours, TOPSIS(pn.vector_normalization)(x, w, types), atol=1e-9)
    _, _, _, closeness = skc_topsis(v, np.ones(4), w)
    np.testing.assert_allclose(ours, closeness, atol=1e-9)
