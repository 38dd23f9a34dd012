"""Cultivation badges (培育梯队): 瞪羚园区 gazelle, 隐形冠军园区 hidden champion, 单项冠军园区 single-item champion.

Their zh/en labels are in the label catalog (:mod:`scoring_models.labels`, kind ``badges``).

The rules of the domain brief (section 5), every threshold a parameter:

* **gazelle** — each growth indicator (default: high-tech enterprises, technology-contract
  turnover per employee, invention patents per 10k employees) grew by at least ``growth`` (20%) a
  year in each of the ``years`` (3) consecutive years ending in the evaluation year. That needs
  ``years + 1`` observed values per indicator; a missing or non-positive base value fails the rule.
* **hidden champion** — the leading chain's location quotient is in the top decile of the zones
  sharing that leading chain (within-chain rank ≤ ceil(n × (1 − quantile))), the leading chain's
  share of revenue is at least ``min_share`` percent, and total revenue is below the median
  revenue of the national-level zones (of all zones when none is national).
* **single-item champion** — among all zones sharing the same leading chain, the zone is in the
  top ``top_n`` (3) by the leading chain's revenue.

"All zones" is the population the functions are given: the pipeline passes the national
population of the year (``IndicatorMatrix.population``), whatever zones a run evaluates, so a
province-only run awards its zones the badges the national run does.

All badges require at least ``min_history_years`` (3) years with reported revenue. Ranks within a
chain are computed for all chains at once with a lexicographic sort; ties share the better rank.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.int64]

GAZELLE = "gazelle"
HIDDEN_CHAMPION = "hidden_champion"
SINGLE_CHAMPION = "single_champion"


def enough_history(revenue_history: FloatArray, *, min_years: int) -> BoolArray:
    """Zones (rows) with at least ``min_years`` observed (non-NaN) values over the years (columns)."""
    return np.asarray(np.sum(~np.isnan(revenue_history), axis=1) >= min_years)


def gazelle(series: FloatArray, *, growth: float, years: int) -> BoolArray:
    """Zones whose every indicator grew ≥ ``growth`` in each of the last ``years`` years.

    ``series`` is zones × indicators × years (the last column is the evaluation year). Fewer than
    ``years + 1`` columns, an empty indicator axis, or any NaN / non-positive base fails the rule.
    """
    n_zones = series.shape[0]
    if series.ndim != 3 or series.shape[1] == 0 or series.shape[2] < years + 1:
        return np.zeros(n_zones, dtype=bool)
    window = series[:, :, -(years + 1) :]
    base, later = window[:, :, :-1], window[:, :, 1:]
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = later / base - 1.0
    ok = (base > 0) & np.isfinite(rate) & (rate >= growth - 1e-12)
    return np.asarray(ok.all(axis=(1, 2)))


def rank_within_groups(values: FloatArray, groups: IntArray) -> tuple[IntArray, IntArray]:
    """Rank (1 = largest) of each value inside its group, and the group's size.

    NaN values and negative group ids get rank 0 and are not counted in the group size; ties
    share the better rank.
    """
    n = len(values)
    valid = ~np.isnan(values) & (groups >= 0)
    ranks = np.zeros(n, dtype=np.int64)
    sizes = np.zeros(n, dtype=np.int64)
    idx = np.flatnonzero(valid)
    if not len(idx):
        return ranks, sizes
    g, v = groups[idx], values[idx]
    order = np.lexsort((-v, g))
    g_sorted, v_sorted = g[order], v[order]
    starts = np.r_[0, np.flatnonzero(np.diff(g_sorted)) + 1]
    group_start = np.repeat(starts, np.diff(np.r_[starts, len(order)]))
    position = np.arange(len(order)) - group_start + 1
    # ties: a value equal to the one before it (same group) takes that one's rank
    same = np.r_[False, (np.diff(g_sorted) == 0) & (np.diff(v_sorted) == 0)]
    run_id = np.cumsum(~same) - 1
    first_pos = position[~same][run_id]
    ranks[idx[order]] = first_pos
    counts = np.bincount(g, minlength=int(g.max()) + 1)
    sizes[idx] = counts[g]
    return ranks, sizes


def hidden_champion(
    lq: FloatArray,
    share: FloatArray,
    revenue: FloatArray,
    chain: IntArray,
    national: BoolArray,
    *,
    quantile: float,
    min_share: float,
) -> BoolArray:
    """Zones with a top-decile leading-chain LQ in their chain, share ≥ ``min_share`` and small revenue."""
    ranks, sizes = rank_within_groups(lq, chain)
    # the epsilon keeps 20 × (1 − 0.9) = 2.0000000000000004 from rounding up to 3
    allowed = np.ceil(sizes * (1.0 - quantile) - 1e-9).astype(np.int64)
    top = (ranks >= 1) & (ranks <= np.maximum(allowed, 1))
    reference = revenue[national & ~np.isnan(revenue)]
    if not len(reference):
        reference = revenue[~np.isnan(revenue)]
    if not len(reference):
        return np.zeros(len(lq), dtype=bool)
    median = float(np.median(reference))
    with np.errstate(invalid="ignore"):
        return np.asarray(top & (share >= min_share) & (revenue < median))


def single_champion(chain_revenue: FloatArray, chain: IntArray, *, top_n: int) -> BoolArray:
    """Zones in the top ``top_n`` by leading-chain revenue among the zones sharing their leading chain."""
    ranks, _ = rank_within_groups(chain_revenue, chain)
    return np.asarray((ranks >= 1) & (ranks <= top_n))
