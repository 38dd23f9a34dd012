"""IndicatorMatrix construction and views, options and result serialisation."""

from __future__ import annotations

import numpy as np
import pytest
from pydantic import ValidationError

from scoring_models.base import EvaluationOptions, IndicatorMatrix, Observation, ZoneMeta
from scoring_models.catalog import indicator_catalog

nan = np.nan


def _rows() -> list[tuple[str, str, int, float | None]]:
    return [
        ("Z2", "revenue", 2023, 10.0),
        ("Z2", "revenue", 2024, 12.0),
        ("Z1", "revenue", 2024, 50.0),
        ("Z1", "rd_intensity", 2022, 3.0),
        ("Z1", "rd_intensity", 2024, None),
    ]


def test_from_rows_axes_and_values() -> None:
    m = IndicatorMatrix.from_rows(
        _rows(),
        zone_meta={"Z1": ZoneMeta(province="44", level="national", leading_chain="biomedicine")},
        features={"Z2": {"land_km2": 12.5}},
    )
    assert m.zones == ("Z1", "Z2")
    assert m.indicator_codes == ("rd_intensity", "revenue")
    assert m.years == (2022, 2023, 2024) and m.evaluation_year == 2024
    np.testing.assert_array_equal(m.values[0, 0], [3.0, nan, nan])
    np.testing.assert_array_equal(m.current, [[nan, 50.0], [nan, 12.0]])
    assert m.zone_meta[0].leading_chain == "biomedicine" and m.zone_meta[1] == ZoneMeta()
    assert m.feature_names == ("land_km2",)
    np.testing.assert_array_equal(m.lookup("land_km2"), [nan, 12.5])
    np.testing.assert_array_equal(m.lookup("revenue"), [50.0, 12.0])
    assert np.isnan(m.lookup("unknown")).all()
    assert m.indicators[1] == indicator_catalog().by_code()["revenue"]


def test_from_rows_accepts_observations_and_fixed_axes() -> None:
    m = IndicatorMatrix.from_rows(
        [Observation("A", "revenue", 2024, 1.0)],
        zones=["B", "A"],
        indicators=["revenue", "tax"],
        years=[2024],
    )
    assert m.zones == ("B", "A")
    np.testing.assert_array_equal(m.current, [[nan, nan], [1.0, nan]])


def test_from_rows_rejects_bad_input() -> None:
    with pytest.raises(ValueError, match="duplicate"):
        IndicatorMatrix.from_rows([*_rows(), ("Z2", "revenue", 2024, 1.0)])
    with pytest.raises(ValueError, match="unknown indicator"):
        IndicatorMatrix.from_rows([("Z1", "bogus", 2024, 1.0)])
    with pytest.raises(ValueError, match="outside"):
        IndicatorMatrix.from_rows(_rows(), zones=["Z1"])
    with pytest.raises(ValueError, match="evaluation year"):
        IndicatorMatrix.from_rows(_rows(), evaluation_year=2030)


def test_earlier_evaluation_year_keeps_history_up_to_it() -> None:
    m = IndicatorMatrix.from_rows(_rows(), evaluation_year=2023)
    assert m.years == (2022, 2023, 2024) and m.evaluation_year == 2023
    np.testing.assert_array_equal(m.current[:, 1], [nan, 10.0])
    assert m.history.shape == (2, 2, 2)


def test_select_adds_missing_indicators_and_orders_zones() -> None:
    m = IndicatorMatrix.from_rows(_rows())
    s = m.select(zones=["Z2"], indicators=["tax", "revenue"])
    assert s.zones == ("Z2",) and s.indicator_codes == ("tax", "revenue")
    np.testing.assert_array_equal(s.current, [[nan, 12.0]])
    with pytest.raises(ValueError):
        m.select(zones=["nope"])
    with pytest.raises(ValueError):
        m.select(indicators=["bogus"])


def test_matrix_is_read_only_and_validated() -> None:
    m = IndicatorMatrix.from_rows(_rows())
    with pytest.raises(ValueError):
        m.values[0, 0, 0] = 1.0
    ind = indicator_catalog().by_code()["revenue"]
    with pytest.raises(ValueError, match="shape"):
        IndicatorMatrix(zones=("a",), indicators=(ind,), years=(2024,), values=np.zeros((2, 1, 1)))
    with pytest.raises(ValueError, match="increasing"):
        IndicatorMatrix(zones=("a",), indicators=(ind,), years=(2024, 2023), values=np.zeros((1, 1, 2)))
    with pytest.raises(ValueError, match="finite"):
        IndicatorMatrix(zones=("a",), indicators=(ind,), years=(2024,), values=np.full((1, 1, 1), np.inf))
    source = np.zeros((1, 1, 1))
    m2 = IndicatorMatrix(zones=("a",), indicators=(ind,), years=(2024,), values=source)
    source[0, 0, 0] = 9.0
    assert m2.values[0, 0, 0] == 0.0


def test_options_defaults_and_validation() -> None:
    opts = EvaluationOptions()
    assert opts.seed == 0 and opts.uncertainty_runs == 1000
    with pytest.raises(ValidationError):
        EvaluationOptions.model_validate({"overrides": {"normalisation": "softmax"}})
    with pytest.raises(ValidationError):
        EvaluationOptions(uncertainty_runs=-1)
    assert EvaluationOptions.model_validate_json(opts.model_dump_json()) == opts


def test_lookup_falls_back_to_last_observation_and_meta_values() -> None:
    rows = [("A", "revenue", 2023, 7.0), ("A", "tax", 2024, 1.0), ("B", "revenue", 2024, 9.0)]
    meta = {"A": ZoneMeta(level="national", extra={"pilot": True}), "B": ZoneMeta()}
    m = IndicatorMatrix.from_rows(rows, zone_meta=meta)
    np.testing.assert_array_equal(m.lookup("revenue"), [7.0, 9.0])
    assert np.isnan(m.lookup("tax")[1])
    assert m.meta_values("level") == ["national", "na"]
    assert m.meta_values("pilot") == ["True", "na"]


def test_from_rows_accepts_mappings() -> None:
    rows = [
        {"zone": "A", "indicator": "revenue", "year": 2024, "value": 3.5},
        {"zone": "B", "indicator": "revenue", "year": "2024", "value": None},
    ]
    m = IndicatorMatrix.from_rows(rows)
    assert m.years == (2024,)
    np.testing.assert_array_equal(m.current[:, 0], [3.5, nan])
