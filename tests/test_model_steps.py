"""A model's methodology states, for every step, its method, whose data it reads and its published source."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from scoring_models.methodology import Population, describe_steps
from scoring_models.methods import Methods
from scoring_models.registry import load_registry
from scoring_models.steps.aggregation import AGGREGATIONS
from scoring_models.steps.imputation import IMPUTATIONS
from scoring_models.steps.normalisation import NORMALISATIONS
from scoring_models.steps.outliers import OUTLIER_TREATMENTS
from scoring_models.steps.peer_groups import PEER_GROUPINGS
from scoring_models.steps.weighting import WEIGHTINGS


@pytest.mark.parametrize(
    "registry", [IMPUTATIONS, OUTLIER_TREATMENTS, NORMALISATIONS, WEIGHTINGS, AGGREGATIONS, PEER_GROUPINGS]
)
def test_every_builtin_method_names_its_source_and_population(registry: object) -> None:
    for method in registry:  # type: ignore[attr-defined]
        assert method.source and isinstance(method.population, Population), method.name


def test_the_flagship_steps() -> None:
    spec = load_registry(plugins=False).get("innovation-peak").spec
    steps = {s.step: s for s in describe_steps(spec)}
    assert list(steps) == [
        "checks", "peer_groups", "imputation", "outliers", "normalisation", "weighting", "constraints",
        "aggregation", "tiers", "profiles", "explain", "uncertainty", "badges",
    ]
    assert steps["normalisation"].method == "minmax" and steps["normalisation"].population is Population.FILTERED
    assert steps["tiers"].population is Population.FILTERED
    assert "European Innovation Scoreboard" in steps["tiers"].source
    assert steps["badges"].population is Population.NATIONAL
    assert steps["weighting"].method == "expert" and steps["weighting"].population is Population.OWN
    overridden = {s.step: s for s in describe_steps(spec, spec.methods().model_copy(update={"aggregation": "topsis"}))}
    assert overridden["aggregation"].method == "topsis" and overridden["aggregation"].population is Population.FILTERED
    plain = load_registry(plugins=False).get("comprehensive").spec
    assert "badges" not in {s.step for s in describe_steps(plain)} and isinstance(plain.methods(), Methods)


def test_get_model_states_every_steps_method_population_and_source(demo_client: TestClient) -> None:
    body = demo_client.get("/api/v1/models/innovation-peak").json()
    steps = body["steps"]
    assert {s["step"] for s in steps} >= {"normalisation", "weighting", "aggregation", "peer_groups", "tiers", "badges"}
    for step in steps:
        assert step["method"] and step["source"] and step["population"] in {"filtered", "national", "own"}
    assert next(s for s in steps if s["step"] == "badges")["population"] == "national"
    page = demo_client.get("/ui/models/innovation-peak").text
    assert "当年全部有数据的园区" in page and "European Innovation Scoreboard" in page
    english = demo_client.get("/ui/models/innovation-peak", params={"lang": "en"}).text
    assert "The zones evaluated (depends on the filter)" in english


def test_a_run_describes_the_steps_it_ran(demo_client: TestClient) -> None:
    response = demo_client.post("/api/v1/evaluations", json={
        "model": "innovation-peak", "year": 2024,
        "options": {"uncertainty_runs": 0, "overrides": {"aggregation": "topsis"}},
    })
    assert response.status_code == 201, response.text
    detail = demo_client.get(f"/api/v1/evaluations/{response.json()['id']}").json()
    steps = {s["step"]: s for s in detail["methodology"]["steps"]}
    assert steps["aggregation"]["method"] == detail["info"]["methods"]["aggregation"] == "topsis"


def test_the_methodology_sheet_says_whose_data_each_step_reads(demo_client: TestClient) -> None:
    import io

    from python_calamine import CalamineWorkbook

    run = demo_client.post("/api/v1/evaluations", json={
        "model": "innovation-peak", "year": 2024, "zones": {"provinces": ["33"]}, "options": {"uncertainty_runs": 0},
    }).json()
    body = demo_client.get(f"/api/v1/evaluations/{run['id']}/rankings", params={"format": "xlsx"}).content
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(body)).get_sheet_by_name("方法说明").to_python()
    items = {row[0]: row[1] for row in sheet[1:]}
    assert items["比较范围: badges"] == "当年全部有数据的园区（与筛选无关）"
    assert items["比较范围: tiers"] == "本次参评园区（随筛选而变）"
