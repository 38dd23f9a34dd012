"""What one run of the pipeline knows: its inputs and every intermediate, step by step."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from scoring_models.arrays import BoolArray, FloatArray, IntArray
from scoring_models.base import (
    CorrelationFlag,
    EvaluationOptions,
    EvaluationResult,
    ExcludedIndicator,
    ExcludedZone,
    IndicatorMatrix,
    OutlierTreatment,
)
from scoring_models.methods import Methods
from scoring_models.spec import ModelSpec
from scoring_models.steps import checks, peer_groups, tiers
from scoring_models.steps import uncertainty as unc


def _floats(*shape: int) -> FloatArray:
    return np.zeros(shape)


def _ints() -> IntArray:
    return np.zeros(0, dtype=np.int_)


@dataclass(frozen=True)
class KeptIndicators:
    """The model's indicators that passed the checks, in spec order, with what the steps need.

    ``directions`` is +1 (higher is better) or -1 per indicator; ``targets`` NaN where the spec
    gives none; ``pillar`` the index into ``spec.pillars``; ``weights`` the spec's weight inside
    the pillar.
    """

    codes: tuple[str, ...] = ()
    directions: FloatArray = field(default_factory=lambda: _floats(0))
    targets: FloatArray = field(default_factory=lambda: _floats(0))
    pillar: IntArray = field(default_factory=_ints)
    weights: FloatArray = field(default_factory=lambda: _floats(0))
    zero_variance: BoolArray = field(default_factory=lambda: np.zeros(0, dtype=bool))  # per kept indicator


@dataclass
class PipelineState:
    """Every intermediate of one run, for notebooks (COINr style); filled step by step.

    Arrays are zones × indicators over ``zones`` (the zones still ranked) and ``indicators`` (the
    kept ones); per-zone vectors follow ``zones``. A step that leaves nobody to rank sets
    ``result`` and the run stops there, so later fields keep their empty defaults.
    """

    spec: ModelSpec
    matrix: IndicatorMatrix
    options: EvaluationOptions
    methods: Methods
    selected: IndicatorMatrix  # the model's indicators, every zone of ``matrix``
    coverage: checks.CoverageCheck | None = None
    excluded: list[ExcludedZone] = field(default_factory=list)
    excluded_indicators: list[ExcludedIndicator] = field(default_factory=list)
    kept: KeptIndicators = field(default_factory=KeptIndicators)
    zones: tuple[str, ...] = ()
    indicators: tuple[str, ...] = ()
    zone_coverage: FloatArray = field(default_factory=lambda: _floats(0))
    raw: FloatArray = field(default_factory=lambda: _floats(0, 0))
    history: FloatArray = field(default_factory=lambda: _floats(0, 0, 0))
    groups: peer_groups.PeerGroups = field(default_factory=lambda: peer_groups.single_group(0))
    imputed: FloatArray = field(default_factory=lambda: _floats(0, 0))
    imputed_mask: BoolArray = field(default_factory=lambda: np.zeros((0, 0), dtype=bool))
    treated: FloatArray = field(default_factory=lambda: _floats(0, 0))
    outlier_treatments: list[OutlierTreatment] = field(default_factory=list)
    normalised: FloatArray = field(default_factory=lambda: _floats(0, 0))
    weights: FloatArray = field(default_factory=lambda: _floats(0))
    zero_variance: BoolArray = field(default_factory=lambda: np.zeros(0, dtype=bool))  # per kept indicator
    composite: FloatArray = field(default_factory=lambda: _floats(0))
    row_weights: FloatArray = field(default_factory=lambda: _floats(0, 0))
    pillar_scores: FloatArray = field(default_factory=lambda: _floats(0, 0))
    rank: IntArray = field(default_factory=_ints)
    peer_rank: IntArray = field(default_factory=_ints)
    group_sizes: IntArray = field(default_factory=_ints)  # per peer group, over the ranked zones
    group_sums: FloatArray = field(default_factory=lambda: _floats(0))  # composites summed per peer group
    rpi: FloatArray = field(default_factory=lambda: _floats(0))
    tier_assignment: tiers.TierAssignment | None = None
    gap_to_next_tier: FloatArray = field(default_factory=lambda: _floats(0))
    profiles: IntArray = field(default_factory=_ints)  # index into tiers.PROFILE_CODES, -1 = none
    contributions: FloatArray = field(default_factory=lambda: _floats(0, 0))
    peer_median: FloatArray = field(default_factory=lambda: _floats(0, 0))
    deltas: FloatArray = field(default_factory=lambda: _floats(0, 0))  # normalised minus peer median
    strengths: IntArray = field(default_factory=lambda: np.zeros((0, 0), dtype=np.int_))
    weaknesses: IntArray = field(default_factory=lambda: np.zeros((0, 0), dtype=np.int_))
    effective_weights: FloatArray = field(default_factory=lambda: _floats(0))
    contribution_shares: FloatArray = field(default_factory=lambda: _floats(0))
    correlation_flags: list[CorrelationFlag] = field(default_factory=list)
    uncertainty: unc.UncertaintyResult | None = None
    badges: dict[str, list[str]] = field(default_factory=dict)
    result: EvaluationResult | None = None

    @property
    def peer_size(self) -> IntArray:
        """Each ranked zone's peer-group size."""
        return self.group_sizes[self.groups.index]

    def drop_zones(self, keep: BoolArray) -> None:
        """Keep only the zones marked in ``keep`` in every per-zone intermediate computed so far."""
        self.zones = tuple(z for z, k in zip(self.zones, keep, strict=True) if k)
        self.zone_coverage = self.zone_coverage[keep]
        self.raw, self.history = self.raw[keep], self.history[keep]
        self.imputed, self.imputed_mask = self.imputed[keep], self.imputed_mask[keep]
        self.treated, self.normalised, self.composite = self.treated[keep], self.normalised[keep], self.composite[keep]
        self.groups = peer_groups.PeerGroups(index=self.groups.index[keep], codes=self.groups.codes)
