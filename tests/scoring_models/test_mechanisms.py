"""Mechanism indicators (手段): their nature, their caps and the rebalanced built-in models.

The article asks to 弱化手段和过程考核 and judge reforms by their 成效: an indicator that only says an
instrument exists (a CIO appointed, a chain-leader system, a count of policy instruments) is a
``mechanism``, capped like process indicators, and the built-in models let outcomes dominate.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from scoring_models.base import EvaluationOptions, IndicatorMatrix
from scoring_models.catalog import Nature, indicator_catalog
from scoring_models.conformance import synthetic_matrix
from scoring_models.labels import LabelKind, labels
from scoring_models.registry import load_registry
from scoring_models.spec import ModelSpec

MECHANISMS = {
    "cio_established", "cio_reports_to_head", "cio_policy_instruments", "chain_leader_system", "chain_leader_elements",
}  # fmt: skip
CIO_SYSTEM = ("cio_established", "cio_reports_to_head", "cio_policy_instruments")


def _share(spec: ModelSpec, nature: Nature) -> float:
    cat = indicator_catalog().by_code()
    return sum(w for code, w in spec.nominal_weights().items() if cat[code].nature is nature)


def test_instrument_indicators_are_mechanisms_and_nothing_else_is() -> None:
    cat = indicator_catalog()
    assert {i.code for i in cat.indicators if i.nature is Nature.MECHANISM} == MECHANISMS
    assert cat.catalog_version != "2026.1"  # the natures changed, so the catalog version moved on
    assert labels(LabelKind.NATURES)["mechanism"] == "手段指标"
    assert labels(LabelKind.NATURES, "en")["mechanism"].startswith("Mechanism")


def test_every_builtin_caps_the_mechanisms_it_reads_and_lets_outcomes_dominate() -> None:
    registry = load_registry(plugins=False)
    for key in {m.key for m in registry.models()}:
        spec = registry.get(key).spec
        cap = spec.constraints.max_nature_share.get(Nature.MECHANISM)
        mechanism = _share(spec, Nature.MECHANISM)
        if mechanism > 0:
            assert cap is not None and cap <= 0.05, key
            assert mechanism <= cap + 1e-12, key
        assert _share(spec, Nature.OUTCOME) >= 0.65, key


def test_a_spec_over_its_mechanism_cap_is_refused(mini_spec: dict[str, object]) -> None:
    mini_spec["indicators"] = [*mini_spec["indicators"], {"code": "cio_established", "pillar": "innovation"}]  # type: ignore[misc]
    mini_spec["constraints"] = {"max_nature_share": {"mechanism": 0.05}}
    with pytest.raises(ValueError, match="nature 'mechanism'"):
        ModelSpec.model_validate(mini_spec)


def _with_cio(matrix: IndicatorMatrix, zone: int, *, appointed: bool) -> IndicatorMatrix:
    values = matrix.values.copy()
    for n, ind in enumerate(matrix.indicators):
        if ind.code in CIO_SYSTEM:
            column = values[:, n, -1]
            values[zone, n, -1] = np.nanmax(column) if appointed else np.nanmin(column)
    return dataclasses.replace(matrix, values=values)


def test_appointing_a_cio_moves_the_officer_composite_by_at_most_five_points() -> None:
    model = load_registry(plugins=False).get("innovation-officer")
    matrix = synthetic_matrix([i.code for i in model.indicators], n_zones=30, seed=11)
    options = EvaluationOptions(seed=1, uncertainty_runs=0)
    composite = {}
    for appointed in (False, True):
        result = model.evaluate(_with_cio(matrix, 5, appointed=appointed), options=options)
        composite[appointed] = next(z.composite for z in result.zones if z.code == "Z05")
    gain = composite[True] - composite[False]
    # min-max scores run 0–100, so the gain is 100 × the weight of the CIO system: 30 in version 1.0.0
    assert 0 < gain <= 5.0 + 1e-9


def test_superseded_builtin_versions_stay_resolvable() -> None:
    registry = load_registry(plugins=False)
    assert registry.errors == []
    old, new = registry.get("innovation-officer", "1.0.0"), registry.get("innovation-officer")
    assert new.version == "2.0.0" and old.version == "1.0.0"
    assert _share(old.spec, Nature.MECHANISM) == pytest.approx(0.30)
    assert "30%" in new.description and "mechanism" in new.description
    for key in ("leading-chain", "innovation-peak"):
        assert registry.get(key, "1.0.0").version == "1.0.0"
        assert registry.get(key).version != "1.0.0"
