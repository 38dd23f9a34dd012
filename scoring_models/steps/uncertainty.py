"""Monte Carlo uncertainty of the ranks, with variance-based sensitivity indices.

Design (full factorial, all batched as arrays):

* ``n_w = ceil(runs / C)`` weight vectors, each the nominal weights multiplied by independent
  ``U(1 - noise, 1 + noise)`` factors (default ±25 %) and rescaled to sum 1 (zero weights stay 0),
  then projected back onto the model's constraints (``project``: the pipeline passes the nature
  caps, so no draw gives scale more than its cap);
* crossed with every combination of the ``N`` normalisation alternatives and ``A`` aggregation
  alternatives (``C = N · A``), so ``n_w · C`` runs in total (≥ ``runs``; 1002 for the default
  1000 with 3 × 2 alternatives). The pipeline always counts the run's own normalisation and
  aggregation among the alternatives, so the reported configuration is one of the runs.

Each alternative is scored for all its weight vectors with one matrix product (zones × n_w);
the only Python loop is over the ``C`` method combinations. Ranks are competition ranks like the
reported rank (1 = best, ties share the better rank), and the interval's P5, median and P95 are
the empirical quantiles (``inverted_cdf``: ranks some run actually gave), so they are whole
numbers.

Sensitivity of a zone's rank ``Y`` to each factor (weights, normalisation, aggregation) on this
balanced design, aggregated over zones by summing numerators and denominators (a
variance-weighted average): first order ``S_f = Var_f(E[Y | f]) / Var(Y)``, total
``T_f = E_{~f}[Var_f(Y | ~f)] / Var(Y)`` where ``~f`` are the other two factors. These are the
exact ANOVA ratios on the sampled design; the weight factor is one block of all weights, and its
first-order index includes the sampling noise of ``n_w`` draws. When no rank varies all indices
are 0.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from scoring_models.arrays import FloatArray, IntArray
from scoring_models.steps.aggregation import AGGREGATIONS, AggregationSpec
from scoring_models.steps.normalisation import min_ranks

_RANK_BLOCK = 64  # runs ranked at a time


@dataclass(frozen=True)
class UncertaintyResult:
    """Ranks of every run (zones × runs), the weight draws, and the summaries derived from them.

    ``weights`` holds the ``n_w`` weight vectors (after projection), each used by every method
    combination; ``normalisations`` and ``aggregations`` name the alternatives crossed with them
    (what the caller named them; aggregation names are registered methods).
    """

    ranks: IntArray
    weights: FloatArray
    p5: IntArray
    median: IntArray
    p95: IntArray
    first_order: dict[str, float]
    total: dict[str, float]
    normalisations: tuple[str, ...] = ()
    aggregations: tuple[str, ...] = ()

    @property
    def runs(self) -> int:
        """Number of runs actually performed."""
        return int(self.ranks.shape[1])


def noisy_weights(weights: FloatArray, n: int, noise: float, rng: np.random.Generator) -> FloatArray:
    """``n`` × indicators weight matrix: nominal weights × U(1-noise, 1+noise), rows summing to 1."""
    factors = rng.uniform(1.0 - noise, 1.0 + noise, size=(n, len(weights)))
    w = weights[None, :] * factors
    return np.asarray(w / w.sum(axis=1, keepdims=True), dtype=np.float64)


def monte_carlo(
    normalised: Sequence[FloatArray],
    weights: FloatArray,
    *,
    aggregations: Sequence[str] = ("arithmetic", "geometric"),
    runs: int = 1000,
    noise: float = 0.25,
    seed: int = 0,
    settings: AggregationSpec | None = None,
    project: Callable[[FloatArray], FloatArray] | None = None,
    normalisation_names: Sequence[str] = (),
) -> UncertaintyResult:
    """Run the Monte Carlo described in the module docstring.

    ``normalised`` holds one zones × indicators matrix per normalisation alternative (higher is
    better, NaN = missing), named by ``normalisation_names`` when given; ``weights`` are the
    nominal indicator weights; ``aggregations`` name registered aggregation methods, run with
    ``settings`` (e.g. the geometric shift); ``project`` maps the weight draws (runs × indicators)
    onto the model's constraints (e.g. :func:`~scoring_models.steps.weighting.apply_share_caps`).
    """
    if runs < 1:
        raise ValueError("runs must be at least 1")
    n_norm, n_agg = len(normalised), len(aggregations)
    if n_norm == 0 or n_agg == 0:
        raise ValueError("need at least one normalisation and one aggregation alternative")
    unknown = [a for a in aggregations if a not in AGGREGATIONS]
    if unknown:
        raise ValueError(f"unknown aggregation alternatives {unknown}; registered: {AGGREGATIONS.names()}")
    settings = settings or AggregationSpec()
    n_zones = normalised[0].shape[0]
    n_w = -(-runs // (n_norm * n_agg))
    rng = np.random.default_rng(seed)
    w = noisy_weights(np.asarray(weights, dtype=np.float64), n_w, noise, rng)
    if project is not None:
        w = np.asarray(project(w), dtype=np.float64)
    scores = np.empty((n_zones, n_w, n_norm, n_agg))
    for a, name in enumerate(aggregations):
        aggregate = AGGREGATIONS.get(name).func
        for k, x in enumerate(normalised):
            scores[:, :, k, a] = aggregate(x, w, settings)
    flat = scores.reshape(n_zones, -1)
    # Ranks are column-wise, so rank blocks of runs: the same result with bounded temporaries
    # (ranking all runs at once needs ~10 zones × runs arrays: over 1 GiB for 10,000 zones).
    ranks = np.empty(flat.shape, dtype=np.int_)
    for start in range(0, flat.shape[1], _RANK_BLOCK):
        block = flat[:, start : start + _RANK_BLOCK]
        ranks[:, start : start + _RANK_BLOCK] = min_ranks(-np.nan_to_num(block, nan=-np.inf))
    p5, med, p95 = np.percentile(ranks, [5.0, 50.0, 95.0], axis=1, method="inverted_cdf").astype(np.int_)
    first, total = _sensitivity(ranks.reshape(n_zones, n_w, n_norm, n_agg).astype(np.float64))
    return UncertaintyResult(
        ranks=ranks, weights=w, p5=p5, median=med, p95=p95, first_order=first, total=total,
        normalisations=tuple(normalisation_names), aggregations=tuple(aggregations),
    )


def _sensitivity(y: FloatArray) -> tuple[dict[str, float], dict[str, float]]:
    """First-order and total indices of the three factors on the zones × n_w × N × A rank array."""
    n_zones = y.shape[0]
    total_var = float(y.reshape(n_zones, -1).var(axis=1).sum())
    axes = {"weights": 1, "normalisation": 2, "aggregation": 3}
    first: dict[str, float] = {}
    total: dict[str, float] = {}
    for name, ax in axes.items():
        others = tuple(a for a in (1, 2, 3) if a != ax)
        if total_var <= 0:
            first[name], total[name] = 0.0, 0.0
            continue
        cond_mean = y.mean(axis=others)
        first[name] = float(cond_mean.var(axis=1).sum() / total_var)
        total[name] = float(
            y.var(axis=ax).mean(axis=tuple(o - 1 if o > ax else o for o in others)).sum() / total_var
        )
    return first, total
