"""Panels through the API: the demo data's transitions and trajectories, a hand-computed example end to end,
reads with the reference in every reply, downloads, caching, and every way a request can be refused."""

from __future__ import annotations

import copy
import csv
import io
from datetime import date
from typing import Any

import pytest
from fastapi.testclient import TestClient
from openpyxl import load_workbook

from tests.conftest import KeyFactory
from tests.factories import make_zone, obs
from tests.scoring_models.conftest import MINI_SPEC

NAN = None
ORDER = ["peak", "strong", "moderate", "emerging"]


def _panel(client: TestClient, runs: int = 0, **body: Any) -> dict[str, Any]:
    request = {"model": "innovation-peak", "years": [2020, 2024], "options": {"seed": 3, "uncertainty_runs": runs}}
    request.update(body)
    response = client.post("/api/v1/panels", json=request)
    assert response.status_code == 201, response.text
    made: dict[str, Any] = response.json()
    return made


def _json(client: TestClient, path: str, **params: Any) -> dict[str, Any]:
    response = client.get(path, params=params)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    assert body["reference"]["population"] == "peer_group" and "base_year" in body["reference"], path
    return body


def test_demo_panel_has_nontrivial_transitions_breakthroughs_and_declines(demo_client: TestClient) -> None:
    panel = _panel(demo_client, runs=200)
    assert panel["years"] == [2020, 2021, 2022, 2023, 2024] and panel["base_year"] == 2020
    assert panel["reference"]["base_year"] == 2020 and panel["zones_scored"] == 300
    assert all(sum(counts.values()) == 300 for counts in panel["tier_counts"].values())
    assert panel["info"]["excluded_indicators"] == []
    assert set(panel["info"]["bounds"]) == set(panel["info"]["indicators"])
    found = _json(demo_client, f"/api/v1/panels/{panel['id']}/transitions")
    assert (found["from_year"], found["to_year"]) == (2020, 2024)
    tiers = found["tiers"]
    assert tiers["states"] == ORDER and found["zones_compared"] == 300
    counts = tiers["counts"]
    up = sum(counts[i][j] for i in range(4) for j in range(i))
    down = sum(counts[i][j] for i in range(4) for j in range(i + 1, 4))
    assert up > 100 and down >= 1, "zones both climb and fall back between 2020 and 2024"
    assert sum(1 for row in counts for c in row if c > 0) >= 8, "a non-trivial matrix, not a diagonal"
    for row, probabilities, zones in zip(counts, tiers["probabilities"], tiers["zones"], strict=True):
        assert [len(cell) for cell in zones] == row
        if sum(row):
            assert sum(probabilities) == pytest.approx(1.0)
    moves = found["moves"]
    assert all(len(moves[m]) >= 1 for m in ("breakthrough", "stuck_on_plateau", "climbed", "fallen_back"))
    profiles = found["profiles"]
    plateau, peak = profiles["states"].index("plateau"), profiles["states"].index("peak")
    assert moves["breakthrough"] == profiles["zones"][plateau][peak]
    assert set(panel["trend_counts"]) == {"rising", "stable", "declining"}
    fallen = moves["fallen_back"][0]
    path = _json(demo_client, f"/api/v1/panels/{panel['id']}/zones/{fallen}/trajectory")
    first, last = path["points"][0], path["points"][-1]
    assert ORDER.index(last["tier"]) > ORDER.index(first["tier"])
    card = _json(demo_client, f"/api/v1/panels/{panel['id']}/zones/{fallen}/years/2024")
    assert card["since_base"]["tier_change"] == "down" and "fallen_back" in card["since_base"]["moves"]
    assert card["since_base"]["points"] == pytest.approx(last["composite"] - first["composite"])


def test_panel_reads_downloads_and_caching(demo_client: TestClient) -> None:
    panel = _panel(demo_client, zones={"provinces": ["32", "33"]}, years=[2021, 2024], base_year=2022)
    pid = panel["id"]
    assert panel["base_year"] == 2022 and panel["reference"]["base_year"] == 2022
    listed = demo_client.get("/api/v1/panels", params={"year": 2022})
    assert listed.status_code == 200 and listed.headers["cache-control"] == "no-cache"
    assert [p["id"] for p in listed.json()["items"]] == [pid]
    assert demo_client.get("/api/v1/panels", params={"year": 2020}).json()["total"] == 0
    one = demo_client.get(f"/api/v1/panels/{pid}")
    assert one.status_code == 200 and "immutable" in one.headers["cache-control"]
    assert demo_client.get(f"/api/v1/panels/{pid}", headers={"If-None-Match": one.headers["etag"]}).status_code == 304
    page = _json(demo_client, f"/api/v1/panels/{pid}/scores", year=2024, limit=10)
    assert page["total"] == sum(panel["tier_counts"]["2024"].values())
    assert [r["rank"] for r in page["items"]] == sorted(r["rank"] for r in page["items"])
    assert all(r["zone_code"].startswith(("DEMO-32-", "DEMO-33-")) for r in page["items"])
    _check_paging_and_filters(demo_client, pid, total=page["total"])
    base_rows = _json(demo_client, f"/api/v1/panels/{pid}/scores", year=2022, limit=1000)["items"]
    assert all(r["progress_points"] == 0.0 for r in base_rows)
    code = page["items"][0]["zone_code"]
    path = _json(demo_client, f"/api/v1/panels/{pid}/zones/{code}/trajectory")
    assert [p["year"] for p in path["points"]] == [2021, 2022, 2023, 2024]
    assert path["trajectory"]["trend"] is None and path["trajectory"]["interval"] is None  # no Monte Carlo runs
    mean = path["reference_mean"]
    assert [(b["tier"], b["lower"], b["upper"]) for b in path["bands"]] == [
        ("peak", pytest.approx(1.25 * mean), None), ("strong", pytest.approx(mean), pytest.approx(1.25 * mean)),
        ("moderate", pytest.approx(0.7 * mean), pytest.approx(mean)), ("emerging", None, pytest.approx(0.7 * mean))]
    card = _json(demo_client, f"/api/v1/panels/{pid}/zones/{code}/years/2023")
    assert card["since_base"]["since"] == 2022 and card["since_previous"]["since"] == 2022
    assert card["result"]["year"] == 2023 and set(card["result"]["normalised"]) == set(panel["info"]["indicators"])
    base_card = _json(demo_client, f"/api/v1/panels/{pid}/zones/{code}/years/2022")
    assert base_card["since_base"] is None and base_card["since_previous"]["since"] == 2021
    _check_downloads(demo_client, pid, code)


def _check_paging_and_filters(client: TestClient, pid: int, total: int) -> None:
    # lists link their pages (RFC 8288), keeping the other query parameters
    listed = client.get("/api/v1/panels", params={"limit": 1})
    assert 'rel="first"' in listed.headers["link"] and 'rel="last"' in listed.headers["link"]
    scores = client.get(f"/api/v1/panels/{pid}/scores", params={"year": 2024, "limit": 10, "offset": 10})
    links = dict(reversed(part.split("; ")) for part in scores.headers["link"].split(", "))
    assert set(links) == {'rel="first"', 'rel="prev"', 'rel="next"', 'rel="last"'}
    assert "year=2024" in links['rel="next"'] and "offset=20" in links['rel="next"']
    assert f"offset={(total - 1) // 10 * 10}" in links['rel="last"']
    # the province filter takes the codes of the label catalog only
    zhejiang = client.get(f"/api/v1/panels/{pid}/scores", params={"province": "33", "limit": 1000}).json()["items"]
    assert zhejiang and {r["province"] for r in zhejiang} == {"33"}
    refused = client.get(f"/api/v1/panels/{pid}/scores", params={"province": "99"})
    assert refused.status_code == 422
    problem = refused.json()["errors"][0]
    assert problem["column"] == "query.province" and problem["code"] == "enum" and "'33'" in problem["message"]
    # a tier the model lacks or a year outside the window is a 422 naming both, not an empty page (downloads too)
    for fmt in ("json", "csv"):
        wrong = client.get(f"/api/v1/panels/{pid}/scores", params={"tier": "peek", "year": 2019, "format": fmt})
        assert wrong.status_code == 422, wrong.text
        found = {p["column"]: p for p in wrong.json()["errors"]}
        assert found["tier"]["code"] == "not_in_run" and "'peak'" in found["tier"]["message"]
        assert found["year"]["code"] == "year_outside_window" and found["year"]["value"] == "2019"
    assert client.get(f"/api/v1/panels/{pid}/scores", params={"tier": "peak", "year": 2024}).status_code == 200


def _check_downloads(client: TestClient, pid: int, code: str) -> None:
    scores = client.get(f"/api/v1/panels/{pid}/scores", params={"format": "csv", "year": 2024})
    assert scores.status_code == 200 and scores.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(scores.content.decode("utf-8-sig"))))
    assert rows and rows[0]["基准年"] == "2022" and rows[0]["年度"] == "2024" and rows[0]["梯队"]
    english = client.get(f"/api/v1/panels/{pid}/scores", params={"format": "csv", "lang": "en", "year": 2024})
    header = english.content.decode("utf-8-sig").splitlines()[0]
    assert "Base-year peer-group mean" in header and "Change since base year (points)" in header
    book = load_workbook(io.BytesIO(client.get(f"/api/v1/panels/{pid}/scores", params={"format": "xlsx"}).content))
    assert book.sheetnames == ["逐年得分", "趋势", "方法说明"]
    items = {row[0]: row[1] for row in book["方法说明"].iter_rows(min_row=2, values_only=True)}
    assert items["基准年"] == 2022 and "2022" in items["比较基准"] and items["年度区间"] == "2021–2024"
    cells = client.get(f"/api/v1/panels/{pid}/transitions", params={"format": "csv", "from": 2021, "to": 2024})
    lines = list(csv.DictReader(io.StringIO(cells.content.decode("utf-8-sig"))))
    assert len(lines) == 16 + 16 and {r["类别"] for r in lines} == {"梯队", "类型"}
    book = load_workbook(io.BytesIO(client.get(f"/api/v1/panels/{pid}/transitions",
                                               params={"format": "xlsx", "lang": "en"}).content))
    assert book.sheetnames == ["Tier transitions", "Profile transitions", "Transition cells", "Named moves",
                               "Methodology"]
    trajectory = client.get(f"/api/v1/panels/{pid}/zones/{code}/trajectory", params={"format": "csv"})
    assert len(trajectory.content.decode("utf-8-sig").splitlines()) == 1 + 4
    book = load_workbook(io.BytesIO(client.get(f"/api/v1/panels/{pid}/zones/{code}/trajectory",
                                               params={"format": "xlsx"}).content))
    assert book.sheetnames == ["历年轨迹", "概览"]


# the hand-computed example of tests/scoring_models/test_panel.py, through the API and the database
HAND = {
    "A": {"rd_intensity": (1.4, 2.0, 3.0), "energy_per_va": (0.5, 0.4, 0.3), "revenue": (200, 250, 300)},
    "B": {"rd_intensity": (2.0, 3.0, 5.0), "energy_per_va": (0.3, 0.3, 0.2), "revenue": (100, 100, 100)},
    "C": {"rd_intensity": (1.0, 1.4, NAN), "energy_per_va": (0.4, 0.5, 0.6), "revenue": (500, 400, 300)},
}


def _hand_data(client: TestClient, data: dict[str, dict[str, tuple[float | None, ...]]]) -> None:
    for zone in data:
        make_zone(client, f"TEST-33-{zone}")
    body = [obs(f"TEST-33-{z}", code, year, value)
            for z, by_code in data.items() for code, values in by_code.items()
            for year, value in zip((2020, 2021, 2022), values, strict=True) if value is not None]
    assert client.post("/api/v1/observations", json={"observations": body}).status_code == 200
    spec = copy.deepcopy(MINI_SPEC)
    spec.update({"key": "mini-panel", "imputation": {"method": "last_observed"}, "uncertainty": {"enabled": False}})
    assert client.post("/api/v1/models", json=spec).status_code == 201


def test_hand_computed_example_through_the_api(client: TestClient) -> None:
    _hand_data(client, HAND)
    panel = _panel(client, model="mini-panel", years=[2020, 2022])
    scores = _json(client, f"/api/v1/panels/{panel['id']}/scores", limit=100)["items"]
    got = {(r["zone_code"][-1], r["year"]): (r["composite"], r["tier"], r["profile"]) for r in scores}
    assert got == {
        ("A", 2020): (pytest.approx(19.375), "emerging", "peak"), ("A", 2021): (pytest.approx(37.5), "strong", "peak"),
        ("A", 2022): (pytest.approx(59.375), "peak", "peak"), ("B", 2020): (pytest.approx(37.5), "strong", "growth"),
        ("B", 2021): (pytest.approx(46.875), "peak", "growth"), ("B", 2022): (pytest.approx(75.0), "peak", "growth"),
        ("C", 2020): (pytest.approx(43.75), "peak", "plateau"),
        ("C", 2021): (pytest.approx(31.875), "moderate", "peak"),
        ("C", 2022): (pytest.approx(16.25), "emerging", "peak"),
    }
    assert panel["reference"]["groups"] == [{"code": "all", "size": 3,
                                             "mean_composite": pytest.approx((19.375 + 37.5 + 43.75) / 3)}]
    moves = _json(client, f"/api/v1/panels/{panel['id']}/transitions", **{"from": 2020, "to": 2021})["moves"]
    assert moves == {"breakthrough": ["TEST-33-C"], "stuck_on_plateau": [], "climbed": ["TEST-33-A", "TEST-33-B"],
                     "fallen_back": ["TEST-33-C"]}
    slope = _json(client, f"/api/v1/panels/{panel['id']}/zones/TEST-33-C/trajectory")["trajectory"]
    assert (slope["slope"], slope["intercept"]) == (pytest.approx(-13.75), pytest.approx(43.75))
    # the stored panel never changes, and a version a panel used is frozen
    assert client.get(f"/api/v1/panels/{panel['id']}").json() == client.get(f"/api/v1/panels/{panel['id']}").json()
    changed = client.get("/api/v1/models/mini-panel").json()["spec"]
    changed["pillars"][0]["weight"] = 5
    assert client.post("/api/v1/models", json=changed).status_code == 409


def test_a_short_window_is_refused_naming_years_and_indicators(client: TestClient) -> None:
    data = copy.deepcopy(HAND)
    data["A"]["revenue"] = (200, NAN, 300)
    data["B"]["revenue"] = (100, NAN, 100)
    data["A"]["energy_per_va"] = (NAN, NAN, 0.3)
    data["B"]["energy_per_va"] = (NAN, 0.3, 0.2)
    _hand_data(client, data)
    refused = client.post("/api/v1/panels", json={"model": "mini-panel", "years": [2020, 2022]})
    assert refused.status_code == 422 and refused.headers["content-type"] == "application/problem+json"
    problem = refused.json()
    assert "2020–2022" in problem["detail"] and "short years: 2020, 2021" in problem["detail"]
    assert {(e["column"], e["value"], e["code"]) for e in problem["errors"]} == {
        ("energy_per_va", "2020", "indicator_short"), ("revenue", "2021", "indicator_short")}
    empty = client.post("/api/v1/panels", json={"model": "mini-panel", "years": [2018, 2021]})
    assert empty.status_code == 422
    assert [(e["code"], e["value"]) for e in empty.json()["errors"] if e["code"] == "no_data"] == [
        ("no_data", "2018"), ("no_data", "2019")]


def test_bad_panel_requests(demo_client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:
    def refused(body: dict[str, Any], status: int = 422) -> list[str]:
        response = demo_client.post("/api/v1/panels", json={"model": "innovation-peak", **body})
        assert response.status_code == status, response.text
        return [e["code"] for e in response.json().get("errors", [])]

    assert refused({"years": [2024, 2020]}) == ["window_too_short"]
    assert refused({"years": [2022, 2022]}) == ["window_too_short"]
    assert refused({"years": [2000, 2024]}) == ["window_too_long"]
    assert refused({"years": [2020, 2024], "base_year": 2019}) == ["base_year_outside_window"]
    next_year = date.today().year + 1
    assert refused({"years": [next_year - 3, next_year]}) == ["year_out_of_range"]
    assert refused({"years": [2020]}) != []
    assert refused({"years": [2020, 2024], "zones": {"zones": ["NOPE"]}}) == ["no_zones"]
    assert refused({"years": [2020, 2024], "options": {"overrides": {"normalisation": "target"}}}) == [
        "unsupported_options"]
    assert refused({"model": "nope", "years": [2020, 2024]}, status=404) == []

    class Opaque:  # a plug-in that only meets the ScoringModel protocol
        key, version = "opaque", "1"

    monkeypatch.setattr("app.services.panels.resolve_model", lambda *_args: (Opaque(), "plugin"))
    assert refused({"years": [2020, 2024]}) == ["not_a_spec_model"]
    monkeypatch.undo()
    panel = _panel(demo_client, zones={"provinces": ["11", "12", "31"]})
    pid = panel["id"]
    outside = demo_client.get(f"/api/v1/panels/{pid}/transitions", params={"from": 2019})
    assert outside.status_code == 422 and outside.json()["errors"][0]["code"] == "year_outside_window"
    assert demo_client.get(f"/api/v1/panels/{pid}/zones/NOPE/trajectory").status_code == 404
    assert demo_client.get(f"/api/v1/panels/{pid}/zones/NOPE/years/2024").status_code == 404
    assert demo_client.get(f"/api/v1/panels/{pid}/zones/DEMO-11-N01/years/2019").status_code == 422
    assert demo_client.get("/api/v1/panels/99999").status_code == 404
    assert demo_client.get(f"/api/v1/panels/{pid}/scores", params={"format": "pdf"}).status_code == 406


def test_making_a_panel_needs_the_evaluate_scope(client: TestClient, anon_client: TestClient,
                                                 make_key: KeyFactory) -> None:
    body = {"model": "innovation-peak", "years": [2020, 2024]}
    assert anon_client.post("/api/v1/panels", json=body).status_code == 401
    submit = make_key("submit")
    assert anon_client.post("/api/v1/panels", json=body, headers={"X-API-Key": submit}).status_code == 403
    assert anon_client.get("/api/v1/panels").status_code == 200  # reads are public by default
