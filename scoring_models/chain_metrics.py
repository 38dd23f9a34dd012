"""Leading-chain metrics derived from industry-chain breakdowns (domain brief, section 3).

Given, for one year, the revenue of each chain in each zone, these functions compute per zone:
the leading chain's share of zone revenue, the Herfindahl–Hirschman index of the chain revenue
shares, the leading chain's location quotient against all zones of the evaluation, the chain's
completeness, the alternative-source coverage of its key components and its local supporting rate.
All are vectorised over breakdown rows with ``np.bincount``; no loop over zones or chains.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]


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

    def as_dict(self) -> dict[str, FloatArray]:
        """The metrics keyed by their indicator codes in the catalog."""
        return {
            "leading_chain_share": self.leading_chain_share,
            "chain_hhi": self.chain_hhi,
            "leading_chain_lq": self.leading_chain_lq,
            "chain_completeness": self.chain_completeness,
            "alt_source_coverage": self.alt_source_coverage,
            "local_supporting_rate": self.local_supporting_rate,
        }


def _safe_div(num: FloatArray, den: FloatArray) -> FloatArray:
    out = np.full(np.broadcast(num, den).shape, np.nan)
    np.divide(num, den, out=out, where=den > 0)
    return out


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

    # Segment and component figures of the leading chain's own row.
    row_is_lead = rows.chain == leading[rows.zone]
    lead_rows = np.flatnonzero(row_is_lead)
    pick = np.full(n_zones, -1, dtype=np.int64)
    pick[rows.zone[lead_rows]] = lead_rows
    ok = pick >= 0
    safe = np.clip(pick, 0, None)

    def take(values: FloatArray) -> FloatArray:
        return np.where(ok, values[safe] if len(values) else np.nan, np.nan)

    completeness = _safe_div(take(rows.segments_covered), take(rows.segments_defined)) * 100.0
    alt = _safe_div(take(rows.key_components_with_alt), take(rows.key_components)) * 100.0
    local = take(rows.local_procurement_share)
    return ChainMetrics(leading, lead_rev, share, hhi, lq, completeness, alt, local)
