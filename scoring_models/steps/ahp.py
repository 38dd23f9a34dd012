"""The analytic hierarchy process (层次分析法, AHP): expert weights from pairwise comparisons.

An expert compares every pair of items (pillars, or the indicators of one pillar) on Saaty's 1–9
scale: ``a_ij`` says how much more important item ``i`` is than item ``j`` (1 equal, 3 moderately,
5 strongly, 7 very strongly, 9 extremely more important; 2, 4, 6, 8 in between; the reciprocal
``1/a`` for the reverse). The matrix is reciprocal (``a_ji = 1/a_ij``) with ones on the diagonal.

* Priorities: the principal (Perron) eigenvector normalised to sum 1 (Saaty), or the normalised
  row geometric means (Crawford & Williams) — equal for a consistent matrix.
* Consistency: ``λmax`` is the principal eigenvalue (≥ n, = n exactly when consistent), the
  consistency index ``CI = (λmax − n)/(n − 1)``, the ratio ``CR = CI / RI(n)`` with Saaty's random
  indices :data:`RANDOM_INDEX`; ``CR < 0.10`` is acceptable (Saaty 1980). Matrices of order 1 or
  2 are always consistent (CR = 0). λmax and CR describe the matrix whichever priority method is
  used.
* The judgments most responsible for an inconsistency are those furthest from what the
  priorities imply: largest ``|ln(a_ij w_j / w_i)|``.
* Group AHP: AIJ aggregates the experts' matrices element by element with the (weighted)
  geometric mean, which keeps the matrix reciprocal, then derives priorities and CR from the group
  matrix; AIP derives each expert's priorities and aggregates them by the weighted geometric mean,
  normalised (Forman & Peniwati 1998). Each expert's own CR is reported either way.

Worked example reproduced in the tests: Saaty (1990), *How to make a decision*, EJOR 48, the
house-buying criteria (λmax 9.669, CI 0.238, CR 0.169).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from fractions import Fraction
from typing import Annotated

import numpy as np
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from scoring_models.arrays import FloatArray
from scoring_models.steps.registry import StepSettings

RANDOM_INDEX: Mapping[int, float] = {
    1: 0.0, 2: 0.0, 3: 0.58, 4: 0.90, 5: 1.12, 6: 1.24, 7: 1.32, 8: 1.41, 9: 1.45, 10: 1.49,
    11: 1.51, 12: 1.48, 13: 1.56, 14: 1.57, 15: 1.59,
}
"""Saaty's random consistency index RI(n): mean CI of random reciprocal matrices of order n
(n ≤ 10: Saaty 1980/1990; 11–15: Saaty's extended table)."""

MAX_ORDER = max(RANDOM_INDEX)
SCALE_MIN, SCALE_MAX = 1.0 / 9.0, 9.0
_RECIPROCAL_TOLERANCE = 0.02  # a_ij · a_ji may differ from 1 by this (0.333 for 1/3 is fine)


class PriorityMethod(StrEnum):
    """How priorities are derived from one matrix."""

    EIGENVECTOR = "eigenvector"
    GEOMETRIC_MEAN = "geometric_mean"


class GroupMethod(StrEnum):
    """How several experts' judgments are combined."""

    AIJ = "aij"  # aggregation of individual judgments
    AIP = "aip"  # aggregation of individual priorities


# --------------------------------------------------------------------------------------------
# one matrix


def principal_eigen(a: FloatArray) -> tuple[float, FloatArray]:
    """``(λmax, w)``: the principal eigenvalue and its eigenvector, positive and summing to 1."""
    values, vectors = np.linalg.eig(np.asarray(a, dtype=np.float64))
    k = int(np.argmax(values.real))
    w = np.abs(vectors[:, k].real)
    return float(values[k].real), np.asarray(w / w.sum(), dtype=np.float64)


def geometric_mean_priorities(a: FloatArray) -> FloatArray:
    """Normalised row geometric means of ``a``."""
    g = np.exp(np.log(np.asarray(a, dtype=np.float64)).mean(axis=1))
    return np.asarray(g / g.sum(), dtype=np.float64)


def priorities(a: FloatArray, method: PriorityMethod = PriorityMethod.EIGENVECTOR) -> FloatArray:
    """The priority vector of ``a`` (sums to 1) by ``method``."""
    if method is PriorityMethod.GEOMETRIC_MEAN:
        return geometric_mean_priorities(a)
    return principal_eigen(a)[1]


@dataclass(frozen=True)
class Consistency:
    """λmax, CI, RI and CR of one matrix (CR = 0 for order ≤ 2)."""

    lambda_max: float
    ci: float
    ri: float
    cr: float


def consistency(a: FloatArray) -> Consistency:
    """Saaty's consistency measures of ``a`` (order ≤ :data:`MAX_ORDER`)."""
    n = a.shape[0]
    if n > MAX_ORDER:
        raise ValueError(f"AHP matrices may have at most {MAX_ORDER} items (Saaty's random index table)")
    lam = principal_eigen(a)[0] if n > 1 else 1.0
    if n <= 2:
        return Consistency(lambda_max=float(n), ci=0.0, ri=RANDOM_INDEX[max(n, 1)], cr=0.0)
    ci = max((lam - n) / (n - 1), 0.0)  # λmax ≥ n in exact arithmetic; clip rounding below it
    return Consistency(lambda_max=lam, ci=ci, ri=RANDOM_INDEX[n], cr=ci / RANDOM_INDEX[n])


@dataclass(frozen=True)
class Discordance:
    """A judgment and what the priorities imply for it: ``consistent = w_i / w_j``."""

    row: str
    col: str
    given: float
    consistent: float

    @property
    def log_gap(self) -> float:
        """``|ln(a_ij w_j / w_i)|``: how far the judgment is from the priorities."""
        return abs(float(np.log(self.given / self.consistent)))


def discordant_judgments(a: FloatArray, w: FloatArray, items: Sequence[str], top: int = 3) -> list[Discordance]:
    """The ``top`` judgments above the diagonal furthest from ``w_i / w_j``, worst first."""
    n = len(items)
    found = [
        Discordance(row=items[i], col=items[j], given=float(a[i, j]), consistent=float(w[i] / w[j]))
        for i in range(n)
        for j in range(i + 1, n)
    ]
    return sorted(found, key=lambda d: -d.log_gap)[:top]


# --------------------------------------------------------------------------------------------
# judgments as data


def _judgment(value: object) -> float:
    """A judgment as a number: ``3``, ``0.2`` or a fraction written ``"1/5"``."""
    if isinstance(value, bool):
        raise ValueError("a judgment is a number or a fraction such as '1/3'")
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            return float(Fraction(value.strip()))
        except (ValueError, ZeroDivisionError):
            raise ValueError(f"cannot read judgment {value!r}; write a number or a fraction such as '1/3'") from None
    raise ValueError("a judgment is a number or a fraction such as '1/3'")


Judgment = Annotated[float, BeforeValidator(_judgment)]
"""One pairwise judgment; JSON may give a number or a fraction string (``"1/3"``)."""


class PairwiseMatrix(StepSettings):
    """A reciprocal pairwise comparison matrix over named items (rows and columns in ``items`` order).

    Every entry lies on Saaty's scale (1/9 … 9), the diagonal is 1 and ``a_ji = 1/a_ij`` (within
    2%, so 0.333 may stand for 1/3); below-diagonal entries are then taken as the exact
    reciprocals of those above.
    """

    items: list[str] = Field(min_length=2, max_length=MAX_ORDER, description="the codes compared (pillars, or the "
                             "indicators of one pillar): the order of the matrix's rows and columns",
                             examples=[["innovation", "leading_chain", "scale"]])
    matrix: list[list[Judgment]] = Field(description="a_ij: how much more important item i is than item j on "
                                         "Saaty's 1–9 scale (reciprocals 1/9 … 1 for less important; a fraction may "
                                         "also be written as a string such as \"1/3\"); ones on the diagonal",
                                         examples=[[[1, 3, 7], [0.3333, 1, 5], [0.1429, 0.2, 1]]])

    @model_validator(mode="after")
    def _reciprocal(self) -> PairwiseMatrix:
        n = len(self.items)
        if len(set(self.items)) != n:
            raise ValueError("matrix items must be unique")
        if len(self.matrix) != n or any(len(row) != n for row in self.matrix):
            raise ValueError(f"the matrix must be {n} × {n}, one row and column per item")
        a = np.array(self.matrix, dtype=np.float64)
        if not np.isfinite(a).all() or (a <= 0).any():
            raise ValueError("judgments must be positive numbers")
        if (a < SCALE_MIN * (1 - 1e-9)).any() or (a > SCALE_MAX * (1 + 1e-9)).any():
            raise ValueError("judgments must lie on Saaty's scale from 1/9 to 9")
        if not np.allclose(np.diag(a), 1.0, rtol=0, atol=1e-9):
            raise ValueError("the diagonal must be 1 (an item is as important as itself)")
        bad = [
            f"{self.items[i]}/{self.items[j]}"
            for i in range(n)
            for j in range(i + 1, n)
            if abs(a[i, j] * a[j, i] - 1.0) > _RECIPROCAL_TOLERANCE
        ]
        if bad:
            raise ValueError(f"the matrix must be reciprocal (a_ji = 1/a_ij); not so for {', '.join(bad)}")
        return self

    def array(self) -> FloatArray:
        """The matrix as floats, below-diagonal entries the exact reciprocals of those above."""
        a = np.array(self.matrix, dtype=np.float64)
        upper = np.triu(a, 1)
        lower = np.where(upper.T > 0, 1.0 / np.where(upper.T > 0, upper.T, 1.0), 0.0)
        return np.asarray(np.eye(len(a)) + upper + lower, dtype=np.float64)

    def ordered(self, items: Sequence[str]) -> FloatArray:
        """The matrix with rows and columns rearranged to ``items`` (the same set)."""
        pos = [self.items.index(i) for i in items]
        return np.asarray(self.array()[np.ix_(pos, pos)], dtype=np.float64)


class ExpertJudgments(StepSettings):
    """One expert's judgments: the pillars matrix and/or one matrix per pillar over its indicators."""

    expert: str = Field(min_length=1, max_length=120, description="the expert's name, unique among the experts of "
                        "a panel", examples=["张三"])
    weight: float = Field(default=1.0, gt=0, allow_inf_nan=False, description="the expert's weight in the group")
    pillars: PairwiseMatrix | None = Field(default=None, description="the comparison of the model's pillars "
                                           "(null: none)")
    indicators: dict[str, PairwiseMatrix] = Field(
        default_factory=dict, description="pillar code → the comparison of that pillar's indicators",
        examples=[{"scale": {"items": ["revenue", "labour_productivity"], "matrix": [[1, 2], [0.5, 1]]}}])

    def matrices(self) -> dict[str, PairwiseMatrix]:
        """Every matrix by name: ``pillars`` and ``indicators:<pillar>``."""
        out = {"pillars": self.pillars} if self.pillars is not None else {}
        return {**out, **{f"indicators:{p}": m for p, m in self.indicators.items()}}


class AhpSpec(StepSettings):
    """AHP judgments of an expert panel and how they become weights.

    With judgments, the pillar weights (from the ``pillars`` matrix) and the indicator weights
    inside a pillar (from its ``indicators`` matrix) are derived from them; weights written in the
    spec for those are replaced. Every expert gives the same matrices over the same items.
    """

    priority: PriorityMethod = PriorityMethod.EIGENVECTOR
    group: GroupMethod = GroupMethod.AIJ
    max_cr: float = Field(default=0.10, gt=0, le=1, description="a matrix with CR at or above this is rejected")
    experts: list[ExpertJudgments] = Field(min_length=1)

    @model_validator(mode="after")
    def _same_matrices(self) -> AhpSpec:
        names = [self.experts[0].expert]
        first = {k: set(m.items) for k, m in self.experts[0].matrices().items()}
        if not first:
            raise ValueError("each expert needs a pillars matrix or at least one indicators matrix")
        for e in self.experts[1:]:
            if e.expert in names:
                raise ValueError(f"expert {e.expert!r} appears twice")
            names.append(e.expert)
            mine = {k: set(m.items) for k, m in e.matrices().items()}
            if mine != first:
                raise ValueError(f"expert {e.expert!r} judges other matrices or items than {names[0]!r}; "
                                 "every expert must give the same matrices over the same items")
        return self

    def matrix_names(self) -> list[str]:
        """The names of the matrices every expert gives."""
        return list(self.experts[0].matrices())

    def items(self, name: str) -> list[str]:
        """The items of matrix ``name`` in the first expert's order."""
        return list(self.experts[0].matrices()[name].items)


# --------------------------------------------------------------------------------------------
# reports: what the methodology shows


class MatrixReport(BaseModel):
    """One matrix: its priorities and consistency."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(description="'pillars' or 'indicators:<pillar>'", examples=["pillars"])
    items: list[str] = Field(description="the codes compared, in the matrix's order",
                             examples=[["innovation", "leading_chain", "scale"]])
    priorities: dict[str, float] = Field(description="item → priority (by eigenvector or row geometric mean), sum 1",
                                         examples=[{"innovation": 0.649, "leading_chain": 0.279, "scale": 0.072}])
    lambda_max: float | None = Field(description="principal eigenvalue λmax (≥ n, = n when consistent); None for "
                                     "AIP group priorities (no group matrix)", examples=[3.065])
    ci: float | None = Field(description="consistency index (λmax − n) / (n − 1); None for AIP group priorities",
                             examples=[0.032])
    ri: float | None = Field(description="Saaty's random index RI(n) of the matrix's order; None for AIP group "
                             "priorities", examples=[0.58])
    cr: float | None = Field(description="consistency ratio CI / RI (0 for order 2); None for AIP group priorities",
                             examples=[0.056])
    consistent: bool = Field(description="CR below the max_cr in force (AIP group priorities: true)",
                             examples=[True])


class ExpertReport(BaseModel):
    """One expert's matrices with their priorities and consistency."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    expert: str = Field(description="the expert's name", examples=["张三"])
    weight: float = Field(description="the expert's weight in the group", examples=[1.0])
    matrices: list[MatrixReport] = Field(description="each of the expert's matrices with priorities and consistency")


class AhpReport(BaseModel):
    """The AHP behind a model's weights: every expert's matrices and the group result."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    priority: PriorityMethod = Field(description="how priorities are derived: eigenvector or geometric_mean")
    group: GroupMethod = Field(description="how the experts are combined: aij (geometric mean of the judgments) or "
                               "aip (of the priorities)")
    max_cr: float = Field(description="the consistency ratio every expert's matrix stays below", examples=[0.1])
    experts: list[ExpertReport] = Field(description="every expert's matrices")
    result: list[MatrixReport] = Field(description="the group's priorities per matrix (the weights used)")

    def weights(self, name: str) -> dict[str, float]:
        """The group priorities of matrix ``name``."""
        return next(m.priorities for m in self.result if m.name == name)


def matrix_report(
    name: str, items: Sequence[str], a: FloatArray, method: PriorityMethod, max_cr: float
) -> MatrixReport:
    """Priorities and consistency of one matrix."""
    w = priorities(a, method)
    c = consistency(a)
    return MatrixReport(
        name=name, items=list(items), priorities={i: float(v) for i, v in zip(items, w, strict=True)},
        lambda_max=c.lambda_max, ci=c.ci, ri=c.ri, cr=c.cr, consistent=c.cr < max_cr,
    )


def aggregate_judgments(matrices: Sequence[FloatArray], weights: Sequence[float]) -> FloatArray:
    """AIJ: the element-wise weighted geometric mean of ``matrices`` (stays reciprocal)."""
    w = np.asarray(weights, dtype=np.float64) / float(np.sum(weights))
    logs = np.stack([np.log(np.asarray(m, dtype=np.float64)) for m in matrices])
    return np.asarray(np.exp(np.tensordot(w, logs, axes=1)), dtype=np.float64)


def aggregate_priorities(vectors: Sequence[FloatArray], weights: Sequence[float]) -> FloatArray:
    """AIP: the weighted geometric mean of priority vectors, normalised to sum 1."""
    w = np.asarray(weights, dtype=np.float64) / float(np.sum(weights))
    g = np.exp(np.tensordot(w, np.log(np.stack(vectors)), axes=1))
    return np.asarray(g / g.sum(), dtype=np.float64)


def _group_matrix(spec: AhpSpec, name: str, items: Sequence[str]) -> MatrixReport:
    mats = [e.matrices()[name].ordered(items) for e in spec.experts]
    weights = [e.weight for e in spec.experts]
    if spec.group is GroupMethod.AIJ or len(mats) == 1:
        return matrix_report(name, items, aggregate_judgments(mats, weights), spec.priority, spec.max_cr)
    w = aggregate_priorities([priorities(m, spec.priority) for m in mats], weights)
    return MatrixReport(name=name, items=list(items), priorities={i: float(v) for i, v in zip(items, w, strict=True)},
                        lambda_max=None, ci=None, ri=None, cr=None, consistent=True)


def ahp_report(spec: AhpSpec) -> AhpReport:
    """Every expert's matrices and the group priorities of each matrix."""
    experts = [
        ExpertReport(
            expert=e.expert, weight=e.weight,
            matrices=[
                matrix_report(n, m.items, m.array(), spec.priority, spec.max_cr) for n, m in e.matrices().items()
            ],
        )
        for e in spec.experts
    ]
    result = [_group_matrix(spec, name, spec.items(name)) for name in spec.matrix_names()]
    return AhpReport(priority=spec.priority, group=spec.group, max_cr=spec.max_cr, experts=experts, result=result)


@dataclass(frozen=True)
class Inconsistency:
    """An expert's matrix whose CR reaches the limit, with the judgments most at odds with it."""

    expert_index: int
    expert: str
    matrix: str
    cr: float
    max_cr: float
    worst: list[Discordance]

    def message(self) -> str:
        """The problem in words: matrix, CR, and the judgments to reconsider."""
        pairs = "; ".join(
            f"{d.row} vs {d.col}: given {d.given:.3g}, consistent with the priorities ≈ {d.consistent:.3g}"
            for d in self.worst
        )
        return (f"matrix '{self.matrix}' of expert '{self.expert}' has CR {self.cr:.3f} ≥ {self.max_cr:g}; "
                f"the judgments furthest from its priorities: {pairs}")


def inconsistencies(spec: AhpSpec) -> list[Inconsistency]:
    """Every expert matrix with ``CR ≥ max_cr``. The AIJ group matrix needs no check of its own:
    the weighted geometric mean of acceptably consistent matrices is acceptably consistent (Xu
    2000, EJOR 126); its CR is reported all the same."""
    found = []
    for k, e in enumerate(spec.experts):
        for name, m in e.matrices().items():
            a = m.array()
            c = consistency(a)
            if c.cr >= spec.max_cr:
                worst = discordant_judgments(a, priorities(a, spec.priority), m.items)
                found.append(Inconsistency(k, e.expert, name, c.cr, spec.max_cr, worst))
    return found
