"""An expert panel's AHP judgments through the API and the CLI: submit, review, publish, evaluate."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from app.cli import cli
from app.db import make_engine, make_session_factory
from app.services.model_catalog import resolve_model
from scoring_models.registry import load_registry
from tests.test_cli import env  # noqa: F401 - the fixture pointing the CLI at the test database

MODEL = "innovation-peak"
PEAK = load_registry(plugins=False).get(MODEL)
PILLARS = [p.code for p in PEAK.pillars]  # innovation, entrepreneurship, leading_chain, cio_environment, …
INNOVATION = [i.code for i in PEAK.indicators if i.pillar == "innovation"]


def _consistent(items: list[str], weights: list[float]) -> dict[str, Any]:
    return {"items": items, "matrix": [[a / b for b in weights] for a in weights]}


def _pillars(scale: float = 1.0) -> dict[str, Any]:
    # innovation first, scale last and small (the model caps scale at 10% of the weight)
    return _consistent(PILLARS, [9, 3, 5, 4, 3, scale])


def _expert(name: str, **extra: Any) -> dict[str, Any]:
    inside = _consistent(INNOVATION, [2, 1, 3, 3, 1, 1, 2, 1])
    return {"panel": "2025", "expert": name, "pillars": _pillars(), "indicators": {"innovation": inside}, **extra}


def test_submit_review_and_publish(client: TestClient) -> None:
    first = client.post(f"/api/v1/models/{MODEL}/judgments", json=_expert("张三"))
    assert first.status_code == 201, first.text
    body = first.json()
    assert body["expert"] == "张三" and body["submitted_by"] == "test admin"
    pillars = body["matrices"][0]
    assert pillars["name"] == "pillars" and pillars["cr"] == pytest.approx(0.0, abs=1e-9)
    assert pillars["priorities"]["innovation"] == pytest.approx(9 / 25)
    again = client.post(f"/api/v1/models/{MODEL}/judgments", json=_expert("张三", weight=2))
    assert again.status_code == 200 and again.json()["weight"] == 2
    second = _expert("李四")
    second["pillars"] = _consistent(PILLARS, [7, 3, 6, 4, 2, 1])
    assert client.post(f"/api/v1/models/{MODEL}/judgments", json=second).status_code == 201
    assert client.get(f"/api/v1/models/{MODEL}/judgments").json() == ["2025"]

    review = client.get(f"/api/v1/models/{MODEL}/judgments/2025").json()
    assert [e["expert"] for e in review["experts"]] == ["张三", "李四"] and review["consistent"]
    a = (9 / 25) ** (2 / 3) * (7 / 23) ** (1 / 3)  # AIJ with weights 2 : 1 (consistent matrices: priorities too)
    rest = [(w1 / 25) ** (2 / 3) * (w2 / 23) ** (1 / 3) for w1, w2 in zip([3, 5, 4, 3, 1], [3, 6, 4, 2, 1],
                                                                             strict=True)]
    assert review["pillar_weights"]["innovation"] == pytest.approx(a / (a + sum(rest)))
    assert sum(review["nominal_weights"].values()) == pytest.approx(1.0)
    aip = client.get(f"/api/v1/models/{MODEL}/judgments/2025", params={"group": "aip"}).json()
    assert aip["group"] == "aip" and aip["result"][0]["cr"] is None

    published = client.post(f"/api/v1/models/{MODEL}/judgments/publish",
                            json={"panel": "2025", "key": "innovation-peak-ahp", "version": "1.0.0"})
    assert published.status_code == 201, published.text
    doc = published.json()
    assert doc["key"] == "innovation-peak-ahp" and doc["spec"]["weighting"]["method"] == "ahp"
    assert [e["expert"] for e in doc["spec"]["weighting"]["ahp"]["experts"]] == ["张三", "李四"]
    assert doc["ahp"]["result"][0]["priorities"]["innovation"] == pytest.approx(review["pillar_weights"]["innovation"])
    weights = {p["code"]: p["weight"] for p in doc["pillars"]}
    assert weights["innovation"] == pytest.approx(review["pillar_weights"]["innovation"])
    builtin = client.post(f"/api/v1/models/{MODEL}/judgments/publish",
                          json={"panel": "2025", "key": MODEL, "version": "9.0.0"})
    assert builtin.status_code == 409


def test_an_inconsistent_matrix_is_a_422_naming_it(client: TestClient) -> None:
    bad = _expert("王五")
    matrix = bad["indicators"]["innovation"]["matrix"]
    matrix[0][1], matrix[1][0] = 1 / 9, 9.0  # rd_intensity is twice rd_staff_share by the rest; here 1/9
    response = client.post(f"/api/v1/models/{MODEL}/judgments", json=bad)
    assert response.status_code == 422
    (problem,) = [p for p in response.json()["errors"] if p["code"] == "inconsistent_judgments"]
    assert problem["column"] == "weighting.ahp.experts.0.indicators.innovation"
    assert "CR " in problem["message"] and "rd_intensity vs rd_staff_share: given 0.111" in problem["message"]
    assert client.get(f"/api/v1/models/{MODEL}/judgments").json() == []  # nothing stored
    lax = client.post(f"/api/v1/models/{MODEL}/judgments", json=bad, params={"max_cr": 1.0})
    assert lax.status_code == 201, lax.text


def test_matrices_must_be_over_the_models_items(client: TestClient) -> None:
    bad = _expert("赵六")
    bad["pillars"] = _consistent([*PILLARS[:-1], "green"], [9, 3, 5, 4, 3, 1])
    response = client.post(f"/api/v1/models/{MODEL}/judgments", json=bad)
    assert response.status_code == 422
    assert any(p["code"] == "matrix_items" for p in response.json()["errors"])
    not_a_matrix = {**_expert("赵六"), "pillars": {"items": PILLARS, "matrix": [[1, 2], [0.5, 1]]}}
    assert client.post(f"/api/v1/models/{MODEL}/judgments", json=not_a_matrix).status_code == 422


def test_writing_judgments_needs_a_key_with_the_evaluate_scope(anon_client: TestClient, make_key: Any) -> None:
    url = f"/api/v1/models/{MODEL}/judgments"
    assert anon_client.post(url, json=_expert("甲")).status_code == 401
    reader = make_key("read")
    assert anon_client.post(url, json=_expert("甲"), headers={"Authorization": f"Bearer {reader}"}).status_code == 403
    analyst = make_key("evaluate")
    created = anon_client.post(url, json=_expert("甲"), headers={"Authorization": f"Bearer {analyst}"})
    assert created.status_code == 201
    publish = {"panel": "2025", "key": "peak-ahp", "version": "1"}
    denied = anon_client.post(f"{url}/publish", json=publish, headers={"Authorization": f"Bearer {analyst}"})
    assert denied.status_code == 403  # publishing registers a model: admin only


@pytest.mark.usefixtures("env")
def test_the_cli_submits_shows_and_publishes(database_url: str, tmp_path: Path) -> None:
    # no app (and so no logging to stdout) in this test: --json output must parse as it is
    path = tmp_path / "张三.json"
    expert = _expert("张三")
    expert.pop("panel")
    path.write_text(json.dumps(expert, ensure_ascii=False), encoding="utf-8")
    runner = CliRunner()
    submitted = runner.invoke(cli, ["judgments", "submit", "--model", MODEL, "--panel", "2025", str(path)])
    assert submitted.exit_code == 0, submitted.output
    assert "stored the judgments of 张三" in submitted.output and "CR 0.000" in submitted.output
    shown = runner.invoke(cli, ["judgments", "show", "--model", MODEL, "--panel", "2025", "--json"])
    assert shown.exit_code == 0 and json.loads(shown.stdout)["consistent"] is True
    table = runner.invoke(cli, ["judgments", "show", "--model", MODEL, "--panel", "2025"])
    assert "group (aij): consistent" in table.output and "pillar weights: innovation 0.360" in table.output
    published = runner.invoke(cli, ["judgments", "publish", "--model", MODEL, "--panel", "2025",
                                    "--as", "innovation-peak-ahp", "--version", "1.0.0"])
    assert published.exit_code == 0, published.output
    engine = make_engine(database_url)
    with make_session_factory(engine)() as session:
        model, source = resolve_model(session, "innovation-peak-ahp")
        assert source == "custom" and model.spec.weighting.method == "ahp"  # type: ignore[attr-defined]
    engine.dispose()
    expert["indicators"]["innovation"]["matrix"][0][1] = 1 / 9
    expert["indicators"]["innovation"]["matrix"][1][0] = 9.0
    path.write_text(json.dumps(expert), encoding="utf-8")
    refused = runner.invoke(cli, ["judgments", "submit", "--model", MODEL, "--panel", "2025", str(path)])
    assert refused.exit_code == 1 and "has CR" in refused.output
    withdrawn = runner.invoke(cli, ["judgments", "withdraw", "--model", MODEL, "--panel", "2025", "--expert", "张三"])
    assert withdrawn.exit_code == 0
    gone = runner.invoke(cli, ["judgments", "show", "--model", MODEL, "--panel", "2025"])
    assert gone.exit_code == 1 and "no judgments" in gone.output


def test_a_panel_judges_one_set_of_matrices_within_the_models_caps(client: TestClient) -> None:
    url = f"/api/v1/models/{MODEL}/judgments"
    assert client.post(url, json=_expert("甲")).status_code == 201
    pillars_only = {"panel": "2025", "expert": "乙", "pillars": _pillars()}
    mismatch = client.post(url, json=pillars_only)
    assert mismatch.status_code == 422 and "same matrices" in mismatch.text
    # scale rated as important as innovation: over the model's 10% cap, so refused like a spec would be
    heavy = _expert("丙", panel="2026", pillars=_consistent(PILLARS, [9, 3, 5, 4, 3, 9]))
    refused = client.post(url, json=heavy)
    assert refused.status_code == 422 and any(p["code"] == "cap_exceeded" for p in refused.json()["errors"])
