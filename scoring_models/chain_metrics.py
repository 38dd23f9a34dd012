"""Leading-chain metrics derived from industry-chain breakdowns (domain brief, sections 3 and 7).

Given, for one year, the revenue of each chain in each zone, these functions compute per zone:
the leading chain's share of zone revenue, the Herfindahl–Hirschman index of the chain revenue
shares, the leading chain's location quotient against all zones of the evaluation, the chain's
completeness, the alternative-source coverage of its key components, its local supporting rate
and its 卡脖子 (chokepoint) measures. All are vectorised over breakdown rows with ``np.bincount``;
no loop over zones or chains.

Chokepoints (the first article of the source; domain brief section 7): every key product of a chain
is placed by technology threshold (high/low) × localisation (high/low, cut at
:data:`LOCALISATION_CUT` percent): high threshold and low localisation is a chokepoint (卡脖子, the
first priority for alternative sources), high and high a strength to keep, low and low easy to
substitute, low and high ordinary. The chokepoint share (chokepoints / key products classified,
lower is better) and the alternative-source coverage of the chokepoints (chokepoints with at least
one alternative source / chokepoints; 100 when there are none, as no chokepoint then lacks a source)
follow from :func:`count_products`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]

LOCALISATION_CUT = 50.0
"""Localisation rate (percent) from which a key product counts as highly localised. The first
article names no number; half of the supply produced domestically is the natural midpoint of
"mostly imported" and "mostly domestic"."""

QUADRANTS: tuple[str, ...] = ("chokepoint", "strength", "substitutable", "ordinary")
"""Quadrant codes, indexed by :func:`classify_products`: high threshold × low localisation (卡脖子),
high × high (strength to keep), low × low (easy to substitute), low × high (ordinary)."""


def classify_products(
    high_threshold: BoolArray, localisation_rate: FloatArray, *, cut: float = LOCALISATION_CUT
) -> IntArray:
    """Each key product's quadrant, an index into :data:`QUADRANTS`.

    Localisation is high at ``localisation_rate >= cut`` (percent).
    """
    localised = np.asarray(localisation_rate, dtype=np.float64) >= cut
    high = np.asarray(high_threshold, dtype=np.bool_)
    return np.where(high, np.where(localised, 1, 0), np.where(localised, 3, 2)).astype(np.int64)


@dataclass(frozen=True)
class ProductCounts:
    """Per breakdown row: key products classified, chokepoints, chokepoints with an alternative source.

    NaN in every field for a row that gave no per-product data.
    """

    key_products: FloatArray
    chokepoints: FloatArray
    chokepoints_with_alt: FloatArray

    def chokepoint_share(self) -> FloatArray:
        """Chokepoints as a percent of the key products classified (NaN without product data)."""
        return _safe_div(self.chokepoints, self.key_products) * 100.0

    def chokepoint_alt_coverage(self) -> FloatArray:
        """Percent of chokepoints with an alternative source; 100 where a row has products but no chokepoint."""
        covered = _safe_div(self.chokepoints_with_alt, self.chokepoints) * 100.0
        return np.where((self.chokepoints == 0) & (self.key_products > 0), 100.0, covered)


def count_products(
    row: IntArray,
    high_threshold: BoolArray,
    localisation_rate: FloatArray,
    alternative: BoolArray,
    *,
    n_rows: int,
    cut: float = LOCALISATION_CUT,
) -> ProductCounts:
    """Count each breakdown row's key products, chokepoints and chokepoints with an alternative source.

    ``row`` gives each product's breakdown row (0..n_rows-1); rows without any product get NaN.
    """
    row = np.asarray(row, dtype=np.int64)
    choke = classify_products(high_threshold, localisation_rate, cut=cut) == 0
    products = np.bincount(row, minlength=n_rows).astype(np.float64)
    chokepoints = np.bincount(row, weights=choke.astype(np.float64), minlength=n_rows)
    with_alt = np.bincount(row, weights=(choke & np.asarray(alternative, dtype=np.bool_)).astype(np.float64),
                           minlength=n_rows)
    none = products == 0
    return ProductCounts(
        key_products=np.where(none, np.nan, products),
        chokepoints=np.where(none, np.nan, chokepoints),
        chokepoints_with_alt=np.where(none, np.nan, with_alt),
    )


@dataclass(frozen=True)
class ChainRows:
    """Breakdown rows of one year, as parallel arrays (one entry per zone × chain row).

    ``zone`` indexes the zone (0..n_zones-1), ``chain`` indexes the chain (0..n_chains-1).
    """

    zone: IntArray
    chain: IntArray
    revenue: FloatArray
    segments_covered: FloatArray
    segments_defined: FloatArray
    key_components: FloatArray
    key_components_with_alt: FloatArray
    local_procurement_share: FloatArray
    products: ProductCounts | None = None  # per-product counts of each row; None: no row gave products


@dataclass(frozen=True)
class ChainMetrics:
    """Per-zone derived metrics; NaN where a zone has no breakdown (or no leading-chain row)."""

    leading_chain: IntArray  # chain index of the leading chain, -1 when none
    leading_chain_revenue: FloatArray  # revenue of the leading chain in the zone
    leading_chain_share: FloatArray  # percent of zone revenue
    chain_hhi: FloatArray  # 0..1
    leading_chain_lq: FloatArray
    chain_completeness: FloatArray  # percent
    alt_source_coverage: FloatArray  # percent
    local_supporting_rate: FloatArray  # percent
    chokepoint_share: FloatArray  # percent of the leading chain's key products classified
    chokepoint_alt_coverage: FloatArray  # percent of its chokepoints

    def as_dict(self) -> dict[str, FloatArray]:
        """The metrics keyed by their indicator codes in the catalog."""
        return {
            "leading_chain_share": self.leading_chain_share,
            "chain_hhi": self.chain_hhi,
            "leading_chain_lq": self.leading_chain_lq,
            "chain_completeness": self.chain_completeness,
            "alt_source_coverage": self.alt_source_coverage,
            "local_supporting_rate": self.local_supporting_rate,
            "chokepoint_share": self.chokepoint_share,
            "chokepoint_alt_coverage": self.chokepoint_alt_coverage,
        }


def _safe_div(num: FloatArray, den: FloatArray) -> FloatArray:
    out = np.full(np.broadcast(num, den).shape, np.nan)
    np.divide(num, den, out=out, where=den > 0)
    return out


def _leading_row_values(rows: ChainRows, leading: IntArray, n_zones: int) -> Callable[[FloatArray], FloatArray]:
    """A function giving, per zone, a row field's value on the leading chain's own row (NaN without one)."""
    lead_rows = np.flatnonzero(rows.chain == leading[rows.zone])
    pick = np.full(n_zones, -1, dtype=np.int64)
    pick[rows.zone[lead_rows]] = lead_rows
    ok = pick >= 0
    safe = np.clip(pick, 0, None)

    def take(values: FloatArray) -> FloatArray:
        return np.where(ok, values[safe] if len(values) else np.nan, np.nan)

    return take


def derive_chain_metrics(
    rows: ChainRows,
    *,
    n_zones: int,
    n_chains: int,
    zone_revenue: FloatArray,
    declared_leading: IntArray,
) -> ChainMetrics:
    """Compute the leading-chain metrics of every zone for one year.

    ``zone_revenue`` is each zone's total revenue (NaN when unknown: the sum of its chain revenues is
    used instead). ``declared_leading`` is each zone's declared leading chain index, or -1 to take the
    chain with the largest revenue. The location quotient is (e_ij / e_j) / (e_i / e) with i the
    zone's leading chain, j the zone, e_j the zone's revenue, e_i the chain's revenue over all zones
    given and e the revenue of all zones given — so it depends on which zones are evaluated together.
    """
    flat = rows.zone * n_chains + rows.chain
    size = n_zones * n_chains
    revenue = np.bincount(flat, weights=rows.revenue, minlength=size).reshape(n_zones, n_chains).astype(np.float64)
    present = np.bincount(flat, minlength=size).reshape(n_zones, n_chains) > 0
    chain_total = revenue.sum(axis=1)
    has_rows = present.any(axis=1)

    largest = np.where(has_rows, np.argmax(np.where(present, revenue, -np.inf), axis=1), -1)
    declared_ok = (declared_leading >= 0) & present[np.arange(n_zones), np.clip(declared_leading, 0, None)]
    leading = np.where(declared_ok, declared_leading, largest).astype(np.int64)
    has_leading = leading >= 0
    lead_idx = np.clip(leading, 0, None)
    lead_rev = np.where(has_leading, revenue[np.arange(n_zones), lead_idx], np.nan)

    zone_total = np.where(np.isfinite(zone_revenue) & (zone_revenue > 0), zone_revenue, chain_total)
    zone_total = np.where(has_rows, zone_total, np.nan)
    share = _safe_div(lead_rev, zone_total) * 100.0

    shares = _safe_div(revenue, chain_total[:, None])
    hhi = np.where(has_rows & (chain_total > 0), np.nansum(shares**2, axis=1), np.nan)

    known = has_rows & np.isfinite(zone_total)
    total_all = float(np.sum(zone_total[known]))
    chain_all = revenue[known].sum(axis=0)
    lq = _safe_div(_safe_div(lead_rev, zone_total), _safe_div(chain_all[lead_idx], np.full(n_zones, total_all)))
    lq = np.where(has_leading, lq, np.nan)

    take = _leading_row_values(rows, leading, n_zones)
    completeness = _safe_div(take(rows.segments_covered), take(rows.segments_defined)) * 100.0
    alt = _safe_div(take(rows.key_components_with_alt), take(rows.key_components)) * 100.0
    local = take(rows.local_procurement_share)
    if rows.products is None:
        choke_share = choke_alt = np.full(n_zones, np.nan)
    else:
        lead_counts = ProductCounts(*(take(f) for f in (
            rows.products.key_products, rows.products.chokepoints, rows.products.chokepoints_with_alt)))
        choke_share, choke_alt = lead_counts.chokepoint_share(), lead_counts.chokepoint_alt_coverage()
    return ChainMetrics(leading, lead_rev, share, hhi, lq, completeness, alt, local, choke_share, choke_alt)
