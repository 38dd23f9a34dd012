"""Panels: a model evaluated over a window of years on one common scale (the EIS approach).

:func:`evaluate_panel` scores every zone in every year of a :class:`PanelWindow` with the pipeline's own
steps over all zone-years at once, so normalisation bounds, outlier rules and data-driven weights are
taken over all zones × years of the window; tiers, profiles and progress are measured against the
base year's reference. :func:`transition_matrix` and :func:`named_moves` read movements between two
years; every zone's :class:`Trajectory` carries a Theil–Sen trend with a Monte Carlo interval.
"""

from scoring_models.panel.result import (
    Bounds,
    PanelInfo,
    PanelReference,
    PanelResult,
    PanelZoneYear,
    ReferenceGroup,
    ShortIndicator,
    SlopeInterval,
    Trajectory,
    Trend,
    UnscoredZoneYear,
    YearCoverage,
)
from scoring_models.panel.run import evaluate_panel
from scoring_models.panel.trajectory import classify_trend, theil_sen
from scoring_models.panel.transitions import MOVES, TransitionMatrix, named_moves, transition_matrix, zone_moves
from scoring_models.panel.window import PanelDataError, PanelWindow, ShortCell, check_window

__all__ = [
    "MOVES",
    "Bounds",
    "PanelDataError",
    "PanelInfo",
    "PanelReference",
    "PanelResult",
    "PanelWindow",
    "PanelZoneYear",
    "ReferenceGroup",
    "ShortCell",
    "ShortIndicator",
    "SlopeInterval",
    "Trajectory",
    "TransitionMatrix",
    "Trend",
    "UnscoredZoneYear",
    "YearCoverage",
    "check_window",
    "classify_trend",
    "evaluate_panel",
    "named_moves",
    "theil_sen",
    "transition_matrix",
    "zone_moves",
]
