"""Models written by hand against the ScoringModel protocol (no ModelSpec), for registry tests."""

from __future__ import annotations

import numpy as np

from scoring_models.base import (
    EvaluationOptions,
    EvaluationResult,
    ExcludedZone,
    IndicatorMatrix,
    ModelIndicator,
    ModelInfo,
    Pillar,
    Tier,
    TierScheme,
    ZoneResult,
)
from scoring_models.catalog import Direction


class PatentCount:
    """Ranks zones by invention patents per 10k employees alone; zones without a value are excluded."""

    key = "patent-count"
    version = "0.0.1"
    title_zh = "专利数量"
    title_en = "Patent count"
    description = "Hand-written single-indicator model used to test the protocol path."
    pillars = (Pillar(code="patents", name_zh="专利", name_en="Patents", weight=1.0),)
    indicators = (
        ModelIndicator(
            code="invention_patents_per_10k", pillar="patents", weight=1.0, direction=Direction.HIGHER
        ),
    )
    tier_scheme = TierScheme(
        thresholds=[100.0],
        tiers=[
            Tier(code="above", name_zh="高", name_en="Above"),
            Tier(code="below", name_zh="低", name_en="Below"),
        ],
        subgroups=False,
    )

    def evaluate(
        self, matrix: IndicatorMatrix, *, options: EvaluationOptions | None = None
    ) -> EvaluationResult:
        """Score = the raw value; rank by it; tier by value relative to the mean."""
        options = options or EvaluationOptions()
        m = matrix.select(indicators=["invention_patents_per_10k"])
        v = m.current[:, 0] if m.years else np.full(len(m.zones), np.nan)
        ok = ~np.isnan(v)
        mean = float(v[ok].mean()) if ok.any() else 0.0
        zones = []
        order = np.argsort(-np.where(ok, v, -np.inf), kind="stable")
        for z in order[: int(ok.sum())]:
            rank = 1 + int((v[ok] > v[z]).sum())
            rpi = 100 * float(v[z]) / mean if mean > 0 else None
            tier = None if rpi is None else ("above" if rpi > 100 else "below")
            zones.append(
                ZoneResult(
                    code=m.zones[z],
                    composite=float(v[z]),
                    pillar_scores={"patents": float(v[z])},
                    rank=rank,
                    peer_group="all",
                    peer_rank=rank,
                    peer_group_size=int(ok.sum()),
                    rpi=rpi,
                    tier=tier,
                    tier_zh=None,
                    subgroup=None,
                    profile=None,
                    profile_zh=None,
                    indicators=[],
                    coverage=1.0,
                    imputed_cells=[],
                    rank_interval=None,
                    strengths=[],
                    weaknesses=[],
                    next_tier=None,
                    gap_to_next_tier=None,
                )
            )
        excluded = [
            ExcludedZone(code=m.zones[z], reason="no patent value", coverage=0.0) for z in np.flatnonzero(~ok)
        ]
        info = ModelInfo(
            nominal_weights={"invention_patents_per_10k": 1.0},
            applied_weights={"invention_patents_per_10k": 1.0},
            effective_weights={"invention_patents_per_10k": 1.0},
            contribution_shares={},
            pillar_weights={"patents": 1.0},
            correlation_flags=[],
            excluded_indicators=[],
            outliers=[],
            methods={"aggregation": "identity"},
            peer_groups=[],
            uncertainty_runs=0,
            sensitivity=[],
        )
        return EvaluationResult(
            model_key=self.key,
            model_version=self.version,
            evaluation_year=m.evaluation_year,
            seed=options.seed,
            zones=zones,
            excluded=excluded,
            info=info,
        )


def build() -> PatentCount:
    """Factory form of an entry point."""
    return PatentCount()


class FlakyPatentCount(PatentCount):
    """Breaks determinism on purpose: every evaluation reports a different seed."""

    key = "flaky-patent-count"
    calls = 0

    def evaluate(
        self, matrix: IndicatorMatrix, *, options: EvaluationOptions | None = None
    ) -> EvaluationResult:
        """Delegate, then corrupt the seed."""
        FlakyPatentCount.calls += 1
        res = super().evaluate(matrix, options=options)
        return res.model_copy(update={"seed": FlakyPatentCount.calls})
