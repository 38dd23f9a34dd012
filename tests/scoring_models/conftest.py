"""Shared builders for the scoring_models tests."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from scoring_models.base import IndicatorMatrix
from scoring_models.conformance import synthetic_matrix

MINI_SPEC: dict[str, Any] = {
    "key": "mini",
    "version": "1.0.0",
    "title_zh": "小模型",
    "title_en": "Mini model",
    "description": "Three indicators in two pillars, for tests.",
    "pillars": [
        {"code": "innovation", "name_zh": "创新", "name_en": "Innovation", "weight": 3},
        {"code": "scale", "name_zh": "规模", "name_en": "Scale", "weight": 1},
    ],
    "indicators": [
        {"code": "rd_intensity", "pillar": "innovation", "weight": 1},
        {"code": "energy_per_va", "pillar": "innovation", "weight": 1},
        {"code": "revenue", "pillar": "scale", "weight": 1},
    ],
    "outliers": {"method": "none"},
    "peer_groups": {"method": "none"},
}


@pytest.fixture
def mini_spec() -> dict[str, Any]:
    """A fresh, mutable copy of a small valid spec."""
    return copy.deepcopy(MINI_SPEC)


@pytest.fixture
def matrix() -> IndicatorMatrix:
    """Synthetic data (12 zones, 3 years) for every indicator the method tests' specs read."""
    return synthetic_matrix(["rd_intensity", "energy_per_va", "revenue", "hte_count", "vc_investment"])
