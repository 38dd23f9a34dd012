"""ModelSpec validation: exact error locations, weights, caps and building."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from scoring_models.base import ScoringModel
from scoring_models.pipeline import build_model
from scoring_models.spec import ModelSpec


def _locs(data: dict[str, Any]) -> list[tuple[str | int, ...]]:
    with pytest.raises(ValidationError) as info:
        ModelSpec.model_validate(data)
    return [tuple(e["loc"]) for e in info.value.errors()]


def test_valid_spec_builds_a_scoring_model(mini_spec: dict[str, Any]) -> None:
    model = build_model(mini_spec)
    assert isinstance(model, ScoringModel)
    assert model.key == "mini" and [i.code for i in model.indicators] == [
        "rd_intensity",
        "energy_per_va",
        "revenue",
    ]
    assert model.indicators[1].direction == "lower"  # from the catalog
    assert model.tier_scheme.thresholds == [125.0, 100.0, 70.0]
    assert [t.code for t in model.tier_scheme.tiers] == ["peak", "strong", "moderate", "emerging"]


def test_nominal_weights_hand_computed(mini_spec: dict[str, Any]) -> None:
    mini_spec["indicators"][0]["weight"] = 3
    w = ModelSpec.model_validate(mini_spec).nominal_weights()
    assert w == pytest.approx({"rd_intensity": 0.75 * 0.75, "energy_per_va": 0.75 * 0.25, "revenue": 0.25})


def test_json_round_trip(mini_spec: dict[str, Any]) -> None:
    spec = ModelSpec.model_validate(mini_spec)
    assert ModelSpec.model_validate_json(spec.model_dump_json()) == spec
    assert build_model(spec.model_dump_json()).spec == spec


def test_unknown_indicator_names_its_position(mini_spec: dict[str, Any]) -> None:
    mini_spec["indicators"].append({"code": "no_such_indicator", "pillar": "scale"})
    assert _locs(mini_spec) == [("indicators", 3, "code")]


def test_negative_weight(mini_spec: dict[str, Any]) -> None:
    mini_spec["indicators"][1]["weight"] = -1
    assert _locs(mini_spec) == [("indicators", 1, "weight")]
    mini_spec["indicators"][1]["weight"] = 1
    mini_spec["pillars"][0]["weight"] = -0.5
    assert _locs(mini_spec) == [("pillars", 0, "weight")]


def test_weights_without_positive_total(mini_spec: dict[str, Any]) -> None:
    for ind in mini_spec["indicators"]:
        ind["weight"] = 0
    locs = _locs(mini_spec)
    assert ("indicators",) in locs
    mini_spec["indicators"][0]["weight"] = 1
    for p in mini_spec["pillars"]:
        p["weight"] = 0
    assert _locs(mini_spec) == [("pillars",)]


def test_pillar_weight_without_indicator_weight(mini_spec: dict[str, Any]) -> None:
    mini_spec["indicators"][2]["weight"] = 0
    assert _locs(mini_spec) == [("pillars", 1, "weight")]


def test_unknown_method(mini_spec: dict[str, Any]) -> None:
    mini_spec["normalisation"] = {"method": "softmax"}
    assert _locs(mini_spec) == [("normalisation", "method")]
    mini_spec["normalisation"] = {"method": "minmax"}
    mini_spec["uncertainty"] = {"aggregations": ["arithmetic", "harmonic"]}
    assert _locs(mini_spec) == [("uncertainty", "aggregations", 1)]


def test_tier_thresholds_out_of_order(mini_spec: dict[str, Any]) -> None:
    mini_spec["tiers"] = {"thresholds": [100, 125, 70]}
    assert _locs(mini_spec) == [("tiers", "thresholds")]
    mini_spec["tiers"] = {"thresholds": [125, 70]}
    assert _locs(mini_spec) == [("tiers", "tiers")]  # four default tiers need three thresholds


def test_band_thresholds_out_of_order(mini_spec: dict[str, Any]) -> None:
    mini_spec["peer_groups"] = {"rules": [{"feature": "revenue", "label": "rev", "thresholds": [10, 5]}]}
    assert _locs(mini_spec) == [("peer_groups", "rules", 0, "thresholds")]


def test_unknown_pillar_duplicate_and_extra_field(mini_spec: dict[str, Any]) -> None:
    mini_spec["indicators"][2]["pillar"] = "nowhere"
    mini_spec["indicators"].append({"code": "rd_intensity", "pillar": "innovation"})
    locs = _locs(mini_spec)
    assert ("indicators", 2, "pillar") in locs and ("indicators", 3, "code") in locs
    fresh = {k: v for k, v in mini_spec.items() if k != "indicators"}
    fresh["indicators"] = [{"code": "revenue", "pillar": "scale", "wieght": 2}]
    fresh["pillars"] = [mini_spec["pillars"][1]]
    assert _locs(fresh) == [("indicators", 0, "wieght")]


def test_nature_share_cap(mini_spec: dict[str, Any]) -> None:
    mini_spec["constraints"] = {"max_nature_share": {"scale": 0.10, "process": 0.0}}
    assert _locs(mini_spec) == [("constraints", "max_nature_share", "scale")]
    mini_spec["pillars"][1]["weight"] = 0.3  # scale share 0.3 / 3.3 ≈ 0.091
    spec = ModelSpec.model_validate(mini_spec)
    assert spec.nominal_weights()["revenue"] == pytest.approx(0.3 / 3.3)
    mini_spec["constraints"] = {"max_nature_share": {"scale": 1.5}}
    assert _locs(mini_spec) == [("constraints", "max_nature_share")]


def test_target_normalisation_needs_targets(mini_spec: dict[str, Any]) -> None:
    mini_spec["normalisation"] = {"method": "target"}
    mini_spec["indicators"][0]["target"] = 5.0
    assert _locs(mini_spec) == [("indicators", 1, "target"), ("indicators", 2, "target")]


def test_geometric_with_zscore_rejected(mini_spec: dict[str, Any]) -> None:
    mini_spec["normalisation"] = {"method": "zscore"}
    mini_spec["aggregation"] = {"method": "geometric"}
    assert _locs(mini_spec) == [("aggregation", "method")]


def test_profile_dimensions_and_key_format(mini_spec: dict[str, Any]) -> None:
    mini_spec["profiles"] = {"scale_dimensions": ["scale", "size"]}
    assert _locs(mini_spec) == [("profiles", "scale_dimensions", 1)]
    mini_spec["profiles"] = {}
    mini_spec["key"] = "Bad Key"
    assert _locs(mini_spec) == [("key",)]


def test_error_messages_are_formatted(mini_spec: dict[str, Any]) -> None:
    mini_spec["constraints"] = {"max_nature_share": {"scale": 0.05}}
    mini_spec["indicators"][0]["pillar"] = "nope"
    with pytest.raises(ValidationError) as info:
        ModelSpec.model_validate(mini_spec)
    messages = [e["msg"] for e in info.value.errors()]
    assert "unknown pillar 'nope'" in messages
    mini_spec["indicators"][0]["pillar"] = "innovation"
    with pytest.raises(ValidationError) as info:
        ModelSpec.model_validate(mini_spec)
    assert (
        info.value.errors()[0]["msg"]
        == "indicators of nature 'scale' hold 0.2500 of the weight, above the cap 0.05"
    )
    mini_spec["indicators"][0]["code"] = "bogus"
    with pytest.raises(ValidationError) as info:
        ModelSpec.model_validate(mini_spec)
    assert info.value.errors()[0]["msg"] == "unknown indicator code 'bogus'"
