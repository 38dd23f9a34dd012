"""Benefit of the doubt (BoD): each zone scored with the weights most favourable to it.

The DEA composite of the OECD/JRC *Handbook on Constructing Composite Indicators* (2008, §6.1) and
of R's Compind (``ci_bod``, ``ci_bod_constr``): zone ``c`` gets

    ``BoD_c = max_w Σ_q w_q I_qc``  s.t.  ``Σ_q w_q I_qj ≤ 1`` for every zone ``j``, ``w ≥ 0``,

so no zone can blame the weights — any other weights would score it lower relative to the best.
Unrestricted, a zone may put all weight on its single best indicator; the handbook's *virtual
weight restrictions* bound each indicator's share of the zone's own score around the model's
intent: ``floor · ν_q ≤ w_q I_qc / Σ_k w_k I_kc ≤ ceiling · ν_q`` where ``ν`` are the model's
weights renormalised over the zone's present indicators (floor 0.5 and ceiling 2 by default;
floor 0 and no ceiling give the unrestricted BoD). The floor applies to indicators the zone has a
positive value of (a zero value cannot carry a share). A zone whose positive indicators cannot
carry the whole score within their ceilings scores 0, and a value just above 0 under a floor
needs a large weight that the other zones' constraints cap, pulling the zone's score towards 0 —
with min-max scores (0 for each indicator's worst zone) a floor of 0, or a rank or goalposts
normalisation, avoids that.

Scores lie in [0, 1] (reported × 100): 1 on the frontier. Indicators are the normalised scores
(non-negative, higher is better), missing cells count as 0 in the other zones' constraints and
drop out of the zone's own shares. The zone constraints are generated as needed — start from the
zones best on some indicator, add any zone the weights would score above 1, and repeat — so every
zone's LP stays small; the LPs are solved stacked (:mod:`scoring_models.steps.lp`).
"""

from __future__ import annotations

import numpy as np
from pydantic import Field

from scoring_models.arrays import FloatArray
from scoring_models.steps.aggregation import AGGREGATIONS, AggregationMethod, AggregationSpec, shift_nonnegative
from scoring_models.steps.dea import dominated
from scoring_models.steps.lp import LinearProgram, solve_batch
from scoring_models.steps.registry import Population, StepSettings

_ROUNDS = 30


class BodSpec(StepSettings):
    """Bounds of each indicator's share of a zone's score, as multiples of its model weight."""

    share_floor: float = Field(default=0.5, ge=0, le=1)
    share_ceiling: float | None = Field(default=2.0, ge=1, description="None: no upper bound")


def _programme(x: FloatArray, c: int, rows: FloatArray, nu: FloatArray, settings: BodSpec) -> LinearProgram:
    """min −w·x_c s.t. rows w ≤ 1 and the share bounds of zone ``c``."""
    k = x.shape[1]
    xc = np.nan_to_num(x[c], nan=0.0)
    present = ~np.isnan(x[c])
    share_rows = []
    floor_q = np.flatnonzero(present & (xc > 0) & (nu > 0)) if settings.share_floor > 0 else np.zeros(0, dtype=int)
    for q in floor_q:  # floor ν_q Σ w x_c − w_q x_qc ≤ 0
        row = settings.share_floor * nu[q] * xc
        row[q] -= xc[q]
        share_rows.append(row)
    if settings.share_ceiling is not None:
        for q in np.flatnonzero(present):  # w_q x_qc − ceiling ν_q Σ w x_c ≤ 0
            row = -settings.share_ceiling * nu[q] * xc
            row[q] += xc[q]
            share_rows.append(row)
    a_ub = np.vstack([rows, *share_rows]) if share_rows else rows
    b_ub = np.concatenate([np.ones(rows.shape[0]), np.zeros(len(share_rows))])
    return LinearProgram(-xc, a_ub, b_ub, np.zeros((0, k)), np.zeros(0), np.zeros(k), np.full(k, np.inf))


def benefit_of_doubt(x: FloatArray, weights: FloatArray, settings: BodSpec) -> FloatArray:
    """BoD scores in [0, 1] of every zone (rows of ``x``, non-negative, NaN = missing).

    ``weights`` are the model's indicator weights (the ν of the share bounds). A zone with no
    present value gets NaN.
    """
    x = np.asarray(x, dtype=np.float64)
    if (np.nan_to_num(x, nan=0.0) < 0).any():
        raise ValueError("benefit of the doubt needs non-negative scores")
    n, k = x.shape
    filled = np.nan_to_num(x, nan=0.0)
    scale = np.where(filled.max(axis=0) > 0, filled.max(axis=0), 1.0)
    xs, fs = x / scale, filled / scale  # each column's best is 1: well-scaled programmes, same scores
    frontier = np.flatnonzero(~dominated(np.ones((n, 1)), fs, ray=False))
    start = {int(np.argmax(fs[:, q])) for q in range(k)}
    active = [sorted(start) for _ in range(n)]
    w = np.asarray(weights, dtype=np.float64)
    nus = [np.where(~np.isnan(xs[c]), w, 0.0) for c in range(n)]
    nus = [nu / nu.sum() if nu.sum() > 0 else nu for nu in nus]
    scores = np.full(n, np.nan)
    pending = [c for c in range(n) if not np.isnan(x[c]).all()]
    for _ in range(_ROUNDS):
        solved = solve_batch([_programme(xs, c, fs[active[c]], nus[c], settings) for c in pending])
        again = []
        for c, sol in zip(pending, solved, strict=True):
            if not sol.optimal:
                continue
            scores[c] = -sol.objective
            over = frontier[fs[frontier] @ sol.x > 1.0 + 1e-9]
            new = [int(j) for j in over if j not in active[c]]
            if new:
                active[c] = sorted({*active[c], *new})
                again.append(c)
        pending = again
        if not pending:
            break
    return np.asarray(np.clip(scores, 0.0, 1.0), dtype=np.float64)


class AggregationSettings(AggregationSpec):
    """The aggregation section of a model spec: the method's settings plus the BoD share bounds."""

    bod: BodSpec = Field(default_factory=BodSpec)


def _bod(x: FloatArray, w: FloatArray, settings: AggregationSpec) -> FloatArray:
    spec = settings.bod if isinstance(settings, AggregationSettings) else BodSpec()
    s = shift_nonnegative(x)  # an override on z-scores: shift the columns, as geometric does
    if np.ndim(w) == 1:
        return 100.0 * benefit_of_doubt(s, w, spec)
    # one weight vector per Monte Carlo run: each sets its own share bounds
    return np.column_stack([100.0 * benefit_of_doubt(s, row, spec) for row in np.atleast_2d(w)])


AGGREGATIONS.add(AggregationMethod(
    "benefit-of-the-doubt", _bod, needs_nonnegative=True, own_scale=True, population=Population.FILTERED,
    source="OECD/JRC Handbook on Constructing Composite Indicators (2008), benefit of the doubt (Cherchye et al. 2007)",
))
