"""Transitions between two years of a panel: tier × tier and profile × profile matrices, and named moves.

Read as a Markov chain of cultivation: ``counts[i][j]`` zones were in state ``i`` in the first year
and in state ``j`` in the second; ``probabilities[i][j] = counts[i][j] / Σ_j counts[i][j]`` is the
empirical probability of moving from ``i`` to ``j`` (None for a state nobody was in). Only zones with
a state in both years count; the others are listed as ``unplaced``. States are ordered best first
(tiers as the model lists them; profiles 创新高峰型, 产业高原型, 创新成长型, 基础培育型).

Named moves (:data:`MOVES`, labels in the catalog kind ``moves``), the movements the article cares about:

* ``breakthrough`` — from the 产业高原型 profile (scale high, innovation low) to 创新高峰型 (both high);
* ``stuck_on_plateau`` — 产业高原型 in both years;
* ``climbed`` — a better tier in the second year;
* ``fallen_back`` — a worse tier in the second year.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from pydantic import BaseModel, ConfigDict, Field

MOVES = ("breakthrough", "stuck_on_plateau", "climbed", "fallen_back")
"""The named moves, in the order they are reported."""

PLATEAU, PEAK = "plateau", "peak"


class TransitionMatrix(BaseModel):
    """Counts, row probabilities and the zones behind every cell of a transition matrix."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    states: list[str] = Field(description="row and column order, best first", examples=[
        ["peak", "strong", "moderate", "emerging"]])
    counts: list[list[int]] = Field(description="counts[i][j]: zones in state i in the first year and in state j "
                                    "in the second", examples=[[[47, 3, 0, 0], [75, 14, 1, 0], [12, 79, 31, 1],
                                                                [0, 0, 30, 7]]])
    probabilities: list[list[float | None]] = Field(description="each row divided by its total; None for an empty row",
                                                    examples=[[[0.94, 0.06, 0.0, 0.0], [0.833, 0.156, 0.011, 0.0],
                                                               [0.098, 0.642, 0.252, 0.008], [0.0, 0.0, 0.811, 0.189]]])
    zones: list[list[list[str]]] = Field(description="the zone codes in every cell, sorted", examples=[
        [[["DEMO-11-N01", "DEMO-11-P01"], ["DEMO-32-N03"], [], []],
         [["DEMO-12-P01"], ["DEMO-13-N04"], ["DEMO-33-N10"], []],
         [["DEMO-14-P02"], ["DEMO-13-N03"], ["DEMO-14-P01"], ["DEMO-62-P02"]],
         [[], [], ["DEMO-13-N01"], ["DEMO-13-P03"]]]])
    unplaced: list[str] = Field(description="zones without a state in one of the two years", examples=[
        ["DEMO-33-P07"]])


def transition_matrix(
    before: Mapping[str, str | None], after: Mapping[str, str | None], states: Sequence[str]
) -> TransitionMatrix:
    """The matrix of moves from ``before`` to ``after`` (zone → state, None = no state) over ``states``.

    A state outside ``states`` raises ValueError: a matrix that silently drops zones would mislead.
    """
    order = {s: n for n, s in enumerate(states)}
    cells: list[list[list[str]]] = [[[] for _ in states] for _ in states]
    unplaced = []
    for code in sorted(set(before) | set(after)):
        a, b = before.get(code), after.get(code)
        if a is None or b is None:
            unplaced.append(code)
            continue
        if a not in order or b not in order:
            raise ValueError(f"zone {code}: state {a if a not in order else b!r} is not one of {list(states)}")
        cells[order[a]][order[b]].append(code)
    counts = [[len(cell) for cell in row] for row in cells]
    probabilities = [[c / sum(row) if sum(row) else None for c in row] for row in counts]
    return TransitionMatrix(states=list(states), counts=counts, probabilities=probabilities, zones=cells,
                            unplaced=unplaced)


def zone_moves(
    tier_before: str | None, tier_after: str | None, profile_before: str | None, profile_after: str | None,
    tier_order: Sequence[str],
) -> list[str]:
    """The named moves (see the module docstring) of one zone between two years, in :data:`MOVES` order."""
    found: set[str] = set()
    if profile_before == PLATEAU and profile_after == PEAK:
        found.add("breakthrough")
    if profile_before == PLATEAU and profile_after == PLATEAU:
        found.add("stuck_on_plateau")
    order = list(tier_order)
    if tier_before is not None and tier_after is not None and tier_before in order and tier_after in order:
        # tiers are listed best first: a smaller index is a better tier
        change = order.index(tier_after) - order.index(tier_before)
        found |= {"climbed"} if change < 0 else {"fallen_back"} if change > 0 else set()
    return [move for move in MOVES if move in found]


def _states(matrix: TransitionMatrix) -> dict[str, tuple[str, str]]:
    return {code: (matrix.states[i], matrix.states[j])
            for i, row in enumerate(matrix.zones) for j, cell in enumerate(row) for code in cell}


def named_moves(tiers: TransitionMatrix, profiles: TransitionMatrix) -> dict[str, list[str]]:
    """The zones of every named move between the two years of both matrices, each list sorted."""
    tier_of, profile_of = _states(tiers), _states(profiles)
    out: dict[str, list[str]] = {move: [] for move in MOVES}
    for code in sorted(set(tier_of) | set(profile_of)):
        t0, t1 = tier_of.get(code, (None, None))
        p0, p1 = profile_of.get(code, (None, None))
        for move in zone_moves(t0, t1, p0, p1, tiers.states):
            out[move].append(code)
    return out
