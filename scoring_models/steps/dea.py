"""Data envelopment analysis (DEA): how much output a zone gets from its inputs, against the best.

Input-oriented envelopment models (Cooper, Seiford & Tone, *Data Envelopment Analysis*, 2nd ed.,
ch. 3–4 and 10): for zone ``o`` with inputs ``x_o`` (m) and outputs ``y_o`` (s),

* phase one: ``θ* = min θ`` s.t. ``Σ_j λ_j x_j ≤ θ x_o``, ``Σ_j λ_j y_j ≥ y_o``, ``λ ≥ 0`` — CCR
  (constant returns to scale); BCC adds ``Σ λ_j = 1`` (variable returns), NIRS ``Σ λ_j ≤ 1``;
* phase two: with ``θ*`` fixed, the slacks ``s⁻ = θ* x_o − Σ λ x``, ``s⁺ = Σ λ y − y_o`` are
  maximised (each divided by its column mean, so the result does not depend on the units); the
  projection ``(θ* x_o − s⁻, y_o + s⁺)`` is the point on the frontier the zone is measured against,
  and the zones with ``λ_j > 0`` are its peers;
* a zone is *efficient* when ``θ* = 1`` and every slack is 0, *weakly efficient* when ``θ* = 1``
  with a slack left;
* scale efficiency ``SE = θ_CCR / θ_BCC``; returns to scale by Färe–Grosskopf–Lovell: constant when
  ``θ_CCR = θ_BCC``, else decreasing when ``θ_NIRS = θ_BCC``, else increasing;
* super-efficiency (Andersen & Petersen 1993): phase one without the zone itself in the reference
  set — above 1 for efficient zones, so they can be ranked; equal to ``θ*`` for the others; NaN
  where no combination of the other zones can produce the zone's outputs (infeasible).

Inputs must be positive and outputs non-negative (the caller excludes other zones). Columns are
divided by their means before solving, which leaves θ unchanged and keeps the LPs well scaled.

Speed: every zone's LP is small, so they are solved stacked (:mod:`scoring_models.steps.lp`), and
only frontier candidates enter them as columns. A zone dominated by another — no more of any
input and no less of any output, better somewhere; under constant returns after scaling both by
the first input — can be replaced in any combination by its dominator without losing feasibility
or slack, so removing it changes neither θ* nor the maximal slacks. The candidates enter by
column generation: each zone starts from a few likely frontier zones (the best output/input
ratios, the extremes, for BCC and NIRS the CCR-efficient zones) and its own column; after each
stacked solve the row duals price every candidate, the most attractive join, and a zone is done
when no candidate has a negative reduced cost — its restricted optimum is then the optimum over
all zones.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

from scoring_models.arrays import BoolArray, FloatArray, IntArray
from scoring_models.steps.lp import LinearProgram, LpSolution, solve_batch

if TYPE_CHECKING:
    from scipy import sparse

TOLERANCE = 1e-6
"""θ within this of 1, and scaled slacks below it, count as efficient."""



class ReturnsToScale(StrEnum):
    """The returns to scale of an envelopment model."""

    CONSTANT = "constant"  # CCR
    VARIABLE = "variable"  # BCC
    NON_INCREASING = "non_increasing"  # NIRS: only to classify returns to scale


class EfficiencyStatus(StrEnum):
    """Efficient (θ = 1, no slack), weakly efficient (θ = 1 with a slack), or inefficient."""

    EFFICIENT = "efficient"
    WEAKLY_EFFICIENT = "weakly_efficient"
    INEFFICIENT = "inefficient"


class ScaleReturns(StrEnum):
    """Where a zone operates: constant, increasing or decreasing returns to scale."""

    CONSTANT = "constant"
    INCREASING = "increasing"
    DECREASING = "decreasing"


@dataclass(frozen=True)
class Envelopment:
    """One envelopment model for every zone: θ*, the max-slack solution and the intensities.

    ``lambdas`` is zones × zones (row ``o``: the weights of the zones ``o`` is compared with).
    """

    theta: FloatArray
    input_slacks: FloatArray
    output_slacks: FloatArray
    lambdas: sparse.csr_array

    def status(self, x: FloatArray, y: FloatArray, tol: float = TOLERANCE) -> list[EfficiencyStatus]:
        """Each zone's efficiency status (slacks judged relative to the column means of ``x``, ``y``)."""
        xs, ys = _column_scale(x), _column_scale(y)
        slack = np.concatenate([self.input_slacks / xs, self.output_slacks / ys], axis=1).max(axis=1, initial=0.0)
        on_frontier = self.theta >= 1.0 - tol
        return [
            EfficiencyStatus.INEFFICIENT
            if not f
            else (EfficiencyStatus.EFFICIENT if s <= tol else EfficiencyStatus.WEAKLY_EFFICIENT)
            for f, s in zip(on_frontier, slack, strict=True)
        ]


def _column_scale(a: FloatArray) -> FloatArray:
    mean = a.mean(axis=0) if a.shape[0] else np.ones(a.shape[1])
    return np.where(mean > 0, mean, 1.0)


def _check(x: FloatArray, y: FloatArray) -> None:
    if x.ndim != 2 or y.ndim != 2 or x.shape[0] != y.shape[0]:
        raise ValueError("inputs and outputs must be zones × inputs and zones × outputs with the same zones")
    if x.shape[1] == 0 or y.shape[1] == 0:
        raise ValueError("DEA needs at least one input and one output")
    if not (np.isfinite(x).all() and np.isfinite(y).all()):
        raise ValueError("DEA inputs and outputs must be finite")
    if (x <= 0).any():
        raise ValueError("DEA inputs must be positive")
    if (y < 0).any():
        raise ValueError("DEA outputs must be non-negative")


# --------------------------------------------------------------------------------------------
# which zones can be on the frontier


def _signed(x: FloatArray, y: FloatArray, ray: bool) -> FloatArray:
    """Inputs and negated outputs side by side (smaller is better everywhere), scaled by the first input
    under ``ray``."""
    if ray:
        x, y = x / x[:, :1], y / x[:, :1]
    return np.concatenate([x, -y], axis=1)


def dominated(x: FloatArray, y: FloatArray, *, ray: bool) -> BoolArray:
    """Zones that another zone dominates (see the module docstring); ``ray`` scales by the first input.

    Compared one dimension at a time over blocks of rows, so memory stays at a few million cells.
    """
    z = _signed(x, y, ray)
    n = z.shape[0]
    out = np.zeros(n, dtype=bool)
    block = max(1, 4_000_000 // max(1, n))
    for start in range(0, n, block):
        zb = z[start : start + block]
        no_worse = np.ones((zb.shape[0], n), dtype=bool)  # [j, k]: zone k is nowhere worse than zone j
        same = np.ones((zb.shape[0], n), dtype=bool)
        for d in range(z.shape[1]):
            no_worse &= z[None, :, d] <= zb[:, d, None]
            same &= z[None, :, d] == zb[:, d, None]
        out[start : start + block] = (no_worse & ~same).any(axis=1)
    return out


def dominated_by(x: FloatArray, y: FloatArray, o: int, *, ray: bool) -> BoolArray:
    """Zones that zone ``o`` dominates (they may enter the frontier once ``o`` leaves it)."""
    z = _signed(x, y, ray)
    return np.asarray((z[o][None, :] <= z).all(axis=1) & (z[o][None, :] < z).any(axis=1), dtype=bool)


# --------------------------------------------------------------------------------------------
# the two phases, stacked


def _phase_one(xs: FloatArray, ys: FloatArray, o: int, cols: IntArray, rts: ReturnsToScale) -> LinearProgram:
    """min θ over [θ, λ_cols]: Σ λ x − θ x_o ≤ 0, −Σ λ y ≤ −y_o, and Σ λ = 1 (variable returns,
    an equality) or Σ λ ≤ 1 (non-increasing, the last ``≤`` row)."""
    m, s, k = xs.shape[1], ys.shape[1], cols.size
    nirs = rts is ReturnsToScale.NON_INCREASING
    a_ub = np.zeros((m + s + nirs, k + 1))
    a_ub[:m, 0] = -xs[o]
    a_ub[:m, 1:] = xs[cols].T
    a_ub[m : m + s, 1:] = -ys[cols].T
    b_ub = np.zeros(m + s + nirs)
    b_ub[m : m + s] = -ys[o]
    a_eq = np.zeros((int(rts is ReturnsToScale.VARIABLE), k + 1))
    a_ub[m + s :, 1:] = 1.0
    a_eq[:, 1:] = 1.0
    b_ub[m + s :] = 1.0
    c = np.zeros(k + 1)
    c[0] = 1.0
    return LinearProgram(c, a_ub, b_ub, a_eq, np.ones(a_eq.shape[0]), np.zeros(k + 1), np.full(k + 1, np.inf))


def _phase_two(
    xs: FloatArray, ys: FloatArray, o: int, cols: IntArray, theta: float, rts: ReturnsToScale
) -> LinearProgram:
    """max Σ s⁻ + Σ s⁺ over [λ_cols, s⁻, s⁺]: Σ λ x + s⁻ = θ* x_o, Σ λ y − s⁺ = y_o (+ the returns
    row), with θ* fixed a hair above its value so rounding cannot make the point infeasible."""
    m, s, k = xs.shape[1], ys.shape[1], cols.size
    variable = rts is ReturnsToScale.VARIABLE
    a_eq = np.zeros((m + s + variable, k + m + s))
    a_eq[:m, :k] = xs[cols].T
    a_eq[m : m + s, :k] = ys[cols].T
    a_eq[:m, k : k + m] = np.eye(m)
    a_eq[m : m + s, k + m :] = -np.eye(s)
    a_eq[m + s :, :k] = 1.0
    b_eq = np.ones(m + s + variable)
    b_eq[:m] = (theta * (1.0 + 1e-9) + 1e-12) * xs[o]
    b_eq[m : m + s] = ys[o]
    a_ub = np.zeros((int(rts is ReturnsToScale.NON_INCREASING), k + m + s))
    a_ub[:, :k] = 1.0
    c = np.zeros(k + m + s)
    c[k:] = -1.0
    return LinearProgram(c, a_ub, np.ones(a_ub.shape[0]), a_eq, b_eq, np.zeros(k + m + s), np.full(k + m + s, np.inf))


@dataclass(frozen=True)
class _Scored:
    theta: FloatArray
    slacks_in: FloatArray
    slacks_out: FloatArray
    lambdas: list[tuple[IntArray, FloatArray]]


_ROUNDS = 25  # column-generation rounds before the remaining zones take every candidate column
_ADD = 12  # columns added per zone and round: the most negative reduced costs


def _start_columns(xs: FloatArray, ys: FloatArray, pool: IntArray) -> IntArray:
    """Columns every zone starts from: the best ratio of each output to each input, the smallest of
    each input and the largest of each output (most frontier facets touch one of them)."""
    px, py = xs[pool], ys[pool]
    picks = {int(pool[np.argmax(py[:, r] / px[:, i])]) for i in range(xs.shape[1]) for r in range(ys.shape[1])}
    picks |= {int(pool[np.argmin(px[:, i])]) for i in range(xs.shape[1])}
    picks |= {int(pool[np.argmax(py[:, r])]) for r in range(ys.shape[1])}
    return np.array(sorted(picks), dtype=np.int_)


def _reduced_costs(
    solutions: Sequence[LpSolution], px: FloatArray, py: FloatArray, rts: ReturnsToScale, phase: int
) -> FloatArray:
    """Reduced cost of every pool column (``px``, ``py``: its inputs and outputs) in every solved
    programme (rows: programmes; +inf for a programme without a solution).

    A λ column has cost 0 and coefficients ``x_j`` on the input rows, ``∓ y_j`` on the output rows
    (−y in phase one's ``≤`` form, +y in phase two's equalities) and 1 on the returns-to-scale row;
    its reduced cost is ``0 − a_jᵀ π`` with π the row duals.
    """
    m, s = px.shape[1], py.shape[1]
    ok = np.array([sol.optimal for sol in solutions], dtype=bool)
    duals = np.zeros((len(solutions), m + s + 1))
    for k, sol in enumerate(solutions):
        if not sol.optimal:
            continue
        if phase == 1:
            extra = sol.dual_ub[m + s :] if rts is ReturnsToScale.NON_INCREASING else sol.dual_eq
            duals[k, : m + s], duals[k, -1] = sol.dual_ub[: m + s], float(extra.sum())
            duals[k, m : m + s] *= -1.0  # the output rows hold −y
        else:
            extra = sol.dual_ub if rts is ReturnsToScale.NON_INCREASING else sol.dual_eq[m + s :]
            duals[k, : m + s], duals[k, -1] = sol.dual_eq[: m + s], float(extra.sum())
    costs = -(duals[:, :m] @ px.T + duals[:, m : m + s] @ py.T + duals[:, -1:])
    costs[~ok] = np.inf
    return np.asarray(costs, dtype=np.float64)


def _generate(
    programme: Callable[[int, IntArray], LinearProgram],
    zones: IntArray,
    pool: IntArray,
    start: Sequence[IntArray],
    reduced: Callable[[Sequence[LpSolution]], FloatArray],
) -> tuple[list[LpSolution], list[IntArray]]:
    """Solve ``programme(o, columns)`` for every zone by column generation over ``pool``.

    Each round solves the zones still pending (stacked), prices every pool column with the duals
    and adds the most attractive ones; a zone is done when no column has a negative reduced cost,
    which makes its restricted optimum the optimum over the whole pool.
    """
    cols = [np.asarray(c, dtype=np.int_) for c in start]
    sols: list[LpSolution | None] = [None] * len(zones)
    pending = list(range(len(zones)))
    for _ in range(_ROUNDS):
        solved = solve_batch([programme(int(zones[k]), cols[k]) for k in pending])
        costs = reduced(solved)  # programmes × pool
        again = []
        for row, k in enumerate(pending):
            sols[k] = solved[row]
            candidates = np.flatnonzero(costs[row] < -1e-9)
            if candidates.size:
                found = pool[candidates]
                have = np.searchsorted(cols[k], found)  # cols[k] is sorted (np.union1d)
                new = ~(cols[k][np.minimum(have, cols[k].size - 1)] == found)
                candidates = candidates[new]
            if candidates.size:
                best = pool[candidates[np.argsort(costs[row, candidates], kind="stable")[:_ADD]]]
                cols[k] = np.union1d(cols[k], best)
                again.append(k)
        pending = again
        if not pending:
            break
    if pending:  # degenerate cycling is rare; finish those zones against every candidate
        full = [np.union1d(pool, cols[k]) for k in pending]
        solved = solve_batch([programme(int(zones[k]), c) for k, c in zip(pending, full, strict=True)])
        for k, sol, c in zip(pending, solved, full, strict=True):
            sols[k], cols[k] = sol, c
    return [s for s in sols if s is not None], cols


def _score(
    xs: FloatArray,
    ys: FloatArray,
    pool: IntArray,
    rts: ReturnsToScale,
    *,
    slacks: bool,
    seed: IntArray | None = None,
) -> _Scored:
    """Phase one (and two) for every zone against the columns of ``pool`` (and its own column),
    starting from ``seed`` columns (e.g. the zones efficient under another model) where given."""
    n, m, s = xs.shape[0], xs.shape[1], ys.shape[1]
    zones = np.arange(n)
    base = _start_columns(xs, ys, pool)
    if seed is not None:
        base = np.union1d(base, np.intersect1d(seed, pool))
    start = [np.union1d(base, [o]) for o in zones]
    px, py = xs[pool], ys[pool]
    first, cols = _generate(
        lambda o, c: _phase_one(xs, ys, o, c, rts), zones, pool, start,
        lambda sols: _reduced_costs(sols, px, py, rts, 1),
    )
    theta = np.array([sol.x[0] if sol.optimal else np.nan for sol in first])
    lambdas = [(c, sol.x[1:]) for c, sol in zip(cols, first, strict=True)]
    slacks_in, slacks_out = np.zeros((n, m)), np.zeros((n, s))
    if slacks:
        second, cols2 = _generate(
            lambda o, c: _phase_two(xs, ys, o, c, float(theta[o]), rts), zones, pool, cols,
            lambda sols: _reduced_costs(sols, px, py, rts, 2),
        )
        for o, (sol, c) in enumerate(zip(second, cols2, strict=True)):
            if sol.optimal:
                lambdas[o] = (c, sol.x[: c.size])
                slacks_in[o], slacks_out[o] = sol.x[c.size : c.size + m], sol.x[c.size + m :]
    return _Scored(theta, slacks_in, slacks_out, lambdas)


def envelopment(
    x: FloatArray,
    y: FloatArray,
    rts: ReturnsToScale,
    *,
    slacks: bool = True,
    tol: float = TOLERANCE,
    undominated: BoolArray | None = None,
    seed: IntArray | None = None,
) -> Envelopment:
    """The input-oriented envelopment model ``rts`` for every zone (module docstring).

    ``x`` is zones × inputs (positive), ``y`` zones × outputs (non-negative). Without ``slacks``
    only phase one runs (slacks 0, intensities of phase one). ``undominated`` may pass the
    frontier candidates already known (``~dominated(x, y, ray=rts is CONSTANT)``), ``seed`` zones
    likely on the frontier (every programme starts with them as columns).
    """
    x, y = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
    _check(x, y)
    n = x.shape[0]
    sx, sy = _column_scale(x), _column_scale(y)
    xs, ys = x / sx, y / sy
    if undominated is None:
        undominated = ~dominated(xs, ys, ray=rts is ReturnsToScale.CONSTANT)
    pool = np.flatnonzero(undominated)
    scored = _score(xs, ys, pool, rts, slacks=slacks, seed=seed)
    rows = np.repeat(np.arange(n), [c.size for c, _ in scored.lambdas])
    cols = np.concatenate([c for c, _ in scored.lambdas]) if n else np.zeros(0, dtype=np.int_)
    vals = np.concatenate([v for _, v in scored.lambdas]) if n else np.zeros(0)
    keep = vals > 1e-7  # the phase-two hair and solver tolerances leave ~1e-9 on zones that are not peers
    from scipy import sparse  # imported on use (see steps.lp)

    lambdas = sparse.csr_array((vals[keep], (rows[keep], cols[keep])), shape=(n, n))
    return Envelopment(
        theta=np.minimum(scored.theta, 1.0),
        input_slacks=np.where(scored.slacks_in > tol, scored.slacks_in * sx[None, :], 0.0),  # solver noise → 0
        output_slacks=np.where(scored.slacks_out > tol, scored.slacks_out * sy[None, :], 0.0),
        lambdas=lambdas,
    )


def super_efficiency(
    x: FloatArray,
    y: FloatArray,
    zones: Sequence[int],
    rts: ReturnsToScale = ReturnsToScale.CONSTANT,
    *,
    undominated: BoolArray | None = None,
) -> FloatArray:
    """Andersen–Petersen super-efficiency of ``zones``: phase one without the zone as a column.

    NaN where the programme is infeasible (no combination of the others produces its outputs).
    Each zone is scored against every undominated zone and those it dominates itself (they may
    reach the frontier once it leaves), without column generation: few zones need it.
    """
    x, y = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
    _check(x, y)
    if not zones:
        return np.zeros(0)
    xs, ys = x / _column_scale(x), y / _column_scale(y)
    ray = rts is ReturnsToScale.CONSTANT
    if undominated is None:
        undominated = ~dominated(xs, ys, ray=ray)
    others = np.arange(len(xs))
    reference = [np.flatnonzero((undominated | dominated_by(xs, ys, o, ray=ray)) & (others != o)) for o in zones]
    solved = solve_batch([_phase_one(xs, ys, int(o), cols, rts) for o, cols in zip(zones, reference, strict=True)])
    return np.array([sol.x[0] if sol.optimal else np.nan for sol in solved])


# --------------------------------------------------------------------------------------------
# everything a DEA model reports


@dataclass(frozen=True)
class DeaResult:
    """CCR, BCC and scale efficiency, returns to scale, super-efficiency and the headline model.

    ``headline`` is the envelopment of the model's chosen returns to scale (slacks, peers and
    projections come from it); ``super_efficiency`` is NaN where infeasible and equals the headline
    θ for the zones that are not efficient.
    """

    ccr: FloatArray
    bcc: FloatArray
    scale: FloatArray
    returns_to_scale: list[ScaleReturns]
    super_efficiency: FloatArray
    headline: Envelopment
    status: list[EfficiencyStatus]

    def input_targets(self, x: FloatArray) -> FloatArray:
        """The frontier projection's inputs ``θ* x − s⁻`` (zones × inputs, original units)."""
        return np.asarray(self.headline.theta[:, None] * x - self.headline.input_slacks, dtype=np.float64)

    def output_targets(self, y: FloatArray) -> FloatArray:
        """The frontier projection's outputs ``y + s⁺``."""
        return np.asarray(y + self.headline.output_slacks, dtype=np.float64)


def _scale_returns(ccr: FloatArray, bcc: FloatArray, nirs: FloatArray, tol: float) -> list[ScaleReturns]:
    out = []
    for c, b, n in zip(ccr, bcc, nirs, strict=True):
        if abs(c - b) <= tol:
            out.append(ScaleReturns.CONSTANT)
        elif abs(n - b) <= tol:
            out.append(ScaleReturns.DECREASING)
        else:
            out.append(ScaleReturns.INCREASING)
    return out


def dea(
    x: FloatArray,
    y: FloatArray,
    *,
    headline: ReturnsToScale = ReturnsToScale.CONSTANT,
    with_super_efficiency: bool = True,
    tol: float = TOLERANCE,
) -> DeaResult:
    """CCR and BCC (input-oriented), NIRS for returns to scale, super-efficiency of the efficient zones."""
    if headline is ReturnsToScale.NON_INCREASING:
        raise ValueError("the headline model is constant or variable returns to scale")
    x, y = np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
    _check(x, y)
    ray, plain = ~dominated(x, y, ray=True), ~dominated(x, y, ray=False)  # dominance ignores column scales
    ccr = envelopment(x, y, ReturnsToScale.CONSTANT, slacks=headline is ReturnsToScale.CONSTANT, tol=tol,
                      undominated=ray)
    # the CCR-efficient zones are BCC- and NIRS-efficient too: good first columns for those models
    frontier = np.flatnonzero(ccr.theta >= 1.0 - tol)
    bcc = envelopment(x, y, ReturnsToScale.VARIABLE, slacks=headline is ReturnsToScale.VARIABLE, tol=tol,
                      undominated=plain, seed=frontier)
    nirs = envelopment(x, y, ReturnsToScale.NON_INCREASING, slacks=False, tol=tol, undominated=plain, seed=frontier)
    main = ccr if headline is ReturnsToScale.CONSTANT else bcc
    status = main.status(np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64), tol)
    sup = np.array(main.theta, dtype=np.float64)
    if with_super_efficiency:
        on_frontier = [k for k, st in enumerate(status) if st is not EfficiencyStatus.INEFFICIENT]
        sup[on_frontier] = super_efficiency(
            x, y, on_frontier, headline, undominated=ray if headline is ReturnsToScale.CONSTANT else plain
        )
    with np.errstate(invalid="ignore", divide="ignore"):
        scale = np.where(bcc.theta > 0, ccr.theta / bcc.theta, np.nan)
    return DeaResult(
        ccr=ccr.theta,
        bcc=bcc.theta,
        scale=np.minimum(scale, 1.0),
        returns_to_scale=_scale_returns(ccr.theta, bcc.theta, nirs.theta, tol),
        super_efficiency=sup,
        headline=main,
        status=status,
    )


def peers(lambdas: sparse.csr_array, o: int) -> list[tuple[int, float]]:
    """Zone ``o``'s peers (the zones it is compared with) and their intensities, largest first."""
    row = lambdas[[o], :].tocoo()
    pairs = sorted(zip(row.col.tolist(), row.data.tolist(), strict=True), key=lambda p: -p[1])
    return [(int(j), float(v)) for j, v in pairs]


def percent_change(current: npt.NDArray[np.float64], target: npt.NDArray[np.float64]) -> FloatArray:
    """``100 (target − current) / current``; NaN where the current value is 0."""
    with np.errstate(invalid="ignore", divide="ignore"):
        out = np.where(current != 0, 100.0 * (target - current) / np.where(current != 0, current, 1.0), np.nan)
    return np.asarray(out, dtype=np.float64)


__all__ = [
    "TOLERANCE",
    "DeaResult",
    "EfficiencyStatus",
    "Envelopment",
    "ReturnsToScale",
    "ScaleReturns",
    "dea",
    "dominated",
    "envelopment",
    "peers",
    "percent_change",
    "super_efficiency",
]
