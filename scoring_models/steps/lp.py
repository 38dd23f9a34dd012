"""Many small linear programmes solved as a few large ones (scipy's HiGHS).

Data envelopment analysis and benefit-of-the-doubt scoring solve one small LP per zone. scipy's
``linprog`` costs a few milliseconds per call whatever the size, so solving 300 zones one by one
takes seconds. The LPs are independent, so they are stacked block-diagonally and solved together:
the objective is the sum of the blocks' objectives and no constraint links two blocks, hence an
optimum of the stack is an optimum of every block. A stack that fails (one block infeasible or
unbounded makes the whole stack so) is solved again block by block, so each block gets its own
status.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from scoring_models.arrays import FloatArray

if TYPE_CHECKING:
    from scipy import sparse

_CHUNK_NONZEROS = 150_000  # coefficients per stacked LP: large enough to amortise a call, small enough that the
# simplex (whose pricing runs over the whole stack) does not slow down per block


@dataclass(frozen=True)
class LinearProgram:
    """``min c·z`` s.t. ``a_ub z ≤ b_ub``, ``a_eq z = b_eq``, ``lower ≤ z ≤ upper`` (dense blocks).

    ``a_ub``/``a_eq`` may have zero rows; ``upper`` holds ``inf`` for no bound.
    """

    c: FloatArray
    a_ub: FloatArray
    b_ub: FloatArray
    a_eq: FloatArray
    b_eq: FloatArray
    lower: FloatArray
    upper: FloatArray

    @property
    def size(self) -> int:
        """Number of coefficients (how much work the block is)."""
        return int(self.a_ub.size + self.a_eq.size + self.c.size)


@dataclass(frozen=True)
class LpSolution:
    """A block's solution: ``x`` (NaN when not solved), the objective, whether it is optimal, and the
    duals of its rows (scipy's marginals: ∂objective/∂right-hand side; ≤ 0 on the ``≤`` rows)."""

    x: FloatArray
    objective: float
    optimal: bool
    dual_ub: FloatArray
    dual_eq: FloatArray


def _failed(p: LinearProgram) -> LpSolution:
    nan = np.nan
    return LpSolution(np.full(p.c.size, nan), nan, False, np.full(p.b_ub.size, nan), np.full(p.b_eq.size, nan))


def _block_diagonal(blocks: Sequence[FloatArray], n_cols: int) -> sparse.csr_array:
    """The dense ``blocks`` on the diagonal of one sparse matrix (built as one COO, not block by block)."""
    from scipy import sparse  # imported on use, like linprog: most runs solve no LP
    rows, cols, vals = [], [], []
    r0 = c0 = 0
    for b in blocks:
        i, j = np.nonzero(b)
        rows.append(i + r0)
        cols.append(j + c0)
        vals.append(b[i, j])
        r0 += b.shape[0]
        c0 += b.shape[1]
    return sparse.csr_array(
        (np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))), shape=(r0, n_cols)
    )


def _solve_stack(programs: Sequence[LinearProgram]) -> list[LpSolution] | None:
    # imported on use: scipy.optimize takes a quarter of a second to import and only DEA and BoD need it
    from scipy.optimize import linprog

    n = sum(p.c.size for p in programs)
    b_ub = np.concatenate([p.b_ub for p in programs])
    b_eq = np.concatenate([p.b_eq for p in programs])
    upper = np.concatenate([p.upper for p in programs])
    res = linprog(
        np.concatenate([p.c for p in programs]),
        A_ub=_block_diagonal([p.a_ub for p in programs], n) if b_ub.size else None,
        b_ub=b_ub if b_ub.size else None,
        A_eq=_block_diagonal([p.a_eq for p in programs], n) if b_eq.size else None,
        b_eq=b_eq if b_eq.size else None,
        bounds=np.column_stack([np.concatenate([p.lower for p in programs]), upper]),  # inf: no bound
        method="highs-ds",
        options={"presolve": False},  # presolve costs more than it saves on these many tiny blocks
    )
    if res.status != 0:
        return None
    dual_ub = res.ineqlin.marginals if b_ub.size else np.zeros(0)
    dual_eq = res.eqlin.marginals if b_eq.size else np.zeros(0)
    out: list[LpSolution] = []
    start = ub = eq = 0
    for p in programs:
        x = np.asarray(res.x[start : start + p.c.size], dtype=np.float64)
        out.append(LpSolution(x, float(p.c @ x), True, dual_ub[ub : ub + p.b_ub.size], dual_eq[eq : eq + p.b_eq.size]))
        start, ub, eq = start + p.c.size, ub + p.b_ub.size, eq + p.b_eq.size
    return out


def _chunks(programs: Sequence[LinearProgram]) -> list[Sequence[LinearProgram]]:
    chunks: list[Sequence[LinearProgram]] = []
    start, load = 0, 0
    for k, p in enumerate(programs):
        if load and load + p.size > _CHUNK_NONZEROS:
            chunks.append(programs[start:k])
            start, load = k, 0
        load += p.size
    if start < len(programs):
        chunks.append(programs[start:])
    return chunks


def solve_batch(programs: Sequence[LinearProgram]) -> list[LpSolution]:
    """Solve every programme; stacked in chunks, one by one where a stack fails.

    A block that is infeasible or unbounded on its own comes back with ``optimal=False`` and a
    NaN solution; the others are unaffected.
    """
    out: list[LpSolution] = []
    for chunk in _chunks(programs):
        solved = _solve_stack(chunk)
        if solved is None:
            solved = []
            for p in chunk:
                alone = _solve_stack([p])
                solved += alone or [_failed(p)]
        out += solved
    return out
