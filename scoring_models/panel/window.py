"""A panel's window of years and whether its data can carry the model in every one of them.

A panel compares years, so every year must be scored on the same indicators: an indicator reported by
fewer zones than the model's indicator-coverage threshold in any year of the window is dropped from
the whole window (not only from that year). The window is refused — :class:`PanelDataError`, naming
each short year and indicator — when a year holds no data for the model at all, or when the
indicators left would be fewer than the model's zone-coverage share of its indicators (a panel on a
third of a model is not that model).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from scoring_models.arrays import BoolArray, FloatArray
from scoring_models.base import IndicatorMatrix
from scoring_models.panel.result import ShortIndicator, YearCoverage
from scoring_models.spec import ModelSpec

_EPS = 1e-12  # keeps 2/3 reachable with exactly 2 of 3 despite float rounding (as steps.checks)


@dataclass(frozen=True)
class PanelWindow:
    """The years ``first``..``last`` (at least two) and the base year the reference is taken in."""

    first: int
    last: int
    base: int

    def __post_init__(self) -> None:
        if self.last <= self.first:
            raise ValueError(f"a panel needs at least two years; got {self.first}–{self.last}")
        if not self.first <= self.base <= self.last:
            raise ValueError(f"base year {self.base} lies outside the window {self.first}–{self.last}")

    @property
    def years(self) -> tuple[int, ...]:
        """Every year of the window, oldest first."""
        return tuple(range(self.first, self.last + 1))


@dataclass(frozen=True)
class ShortCell:
    """An indicator below the coverage threshold in one year (coverage 0 when nobody reported it)."""

    year: int
    code: str
    coverage: float


class PanelDataError(ValueError):
    """The window's data cannot carry the model; ``short`` names every short indicator of a year that has
    data, ``empty_years`` the years without any."""

    def __init__(self, message: str, short: list[ShortCell], empty_years: list[int]) -> None:
        super().__init__(message)
        self.short = short
        self.empty_years = empty_years


@dataclass(frozen=True)
class WindowCheck:
    """The indicators kept for the whole window, and those dropped with the years they are short in."""

    keep: BoolArray
    coverage: FloatArray  # indicators × window years
    dropped: list[ShortIndicator]


def _coverage(selected: IndicatorMatrix, window: PanelWindow) -> FloatArray:
    """Share of zones reporting each indicator in each window year (indicators × years)."""
    missing = [y for y in window.years if y not in selected.years]
    if missing:
        raise ValueError(f"the matrix lacks the window years {missing}")
    cols = [selected.years.index(y) for y in window.years]
    present = ~np.isnan(selected.values[:, :, cols])
    if not selected.zones:
        return np.zeros(present.shape[1:])
    return np.asarray(present.mean(axis=0), dtype=np.float64)


def check_window(spec: ModelSpec, selected: IndicatorMatrix, window: PanelWindow) -> WindowCheck:
    """Keep the indicators covered in every year; raise :class:`PanelDataError` when too few remain.

    ``selected`` holds exactly the model's indicators, in spec order.
    """
    threshold = spec.checks.indicator_coverage
    cov = _coverage(selected, window)
    short = cov + _EPS < threshold
    keep = np.asarray(~short.any(axis=1), dtype=np.bool_)
    codes = selected.indicator_codes
    empty = [y for k, y in enumerate(window.years) if not (cov[:, k] > 0).any()]
    # an empty year is named once, not once per indicator
    cells = [ShortCell(y, codes[i], float(cov[i, k]))
             for k, y in enumerate(window.years) if y not in empty for i in np.flatnonzero(short[:, k])]
    needed = spec.checks.zone_coverage * len(codes)
    if empty or keep.sum() + _EPS < needed or not keep.any():
        raise PanelDataError(_message(window, cells, empty, int(keep.sum()), len(codes)), cells, empty)
    dropped = [
        ShortIndicator(code=codes[i], threshold=threshold, short_years=[
            YearCoverage(year=y, coverage=float(cov[i, k])) for k, y in enumerate(window.years) if short[i, k]
        ])
        for i in np.flatnonzero(~keep)
    ]
    return WindowCheck(keep=keep, coverage=cov, dropped=dropped)


def _message(window: PanelWindow, cells: list[ShortCell], empty: list[int], kept: int, total: int) -> str:
    years = sorted({c.year for c in cells} | set(empty))
    if empty:
        head = f"no data for the model in {', '.join(map(str, empty))}"
    else:
        head = (f"only {kept} of the model's {total} indicators are covered in every year of "
                f"{window.first}–{window.last}")
    return f"{head}; short years: {', '.join(map(str, years))}"
