"""A tier is relative to a peer group: rankings, scorecards, downloads and pages say which group, how big
it is and what its mean composite is; small groups are merged, so no RPI comes from a group of one."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from fastapi.testclient import TestClient

from scoring_models.labels import peer_group_label


def _evaluate(client: TestClient, **zones: Any) -> dict[str, Any]:
    response = client.post("/api/v1/evaluations", json={
        "model": "innovation-peak", "year": 2024, "zones": zones, "options": {"seed": 1, "uncertainty_runs": 30},
    })
    assert response.status_code == 201, response.text
    run: dict[str, Any] = response.json()
    return run


def test_rankings_scorecards_downloads_and_pages_show_the_peer_group(demo_client: TestClient) -> None:
    run = _evaluate(demo_client)
    detail = demo_client.get(f"/api/v1/evaluations/{run['id']}").json()
    groups = {g["code"]: g for g in detail["info"]["peer_groups"]}
    assert min(g["size"] for g in groups.values()) >= 5, "groups below the minimum size are merged"
    items = demo_client.get(f"/api/v1/evaluations/{run['id']}/rankings", params={"limit": 1000}).json()["items"]
    english_items = demo_client.get(f"/api/v1/evaluations/{run['id']}/rankings",
                                    params={"limit": 1000, "lang": "en"}).json()["items"]
    assert [r["peer_group_label"] for r in english_items] == [peer_group_label(r["peer_group"], "en") for r in items]
    for row in items:
        group = groups[row["peer_group"]]
        assert row["peer_group_label"] == peer_group_label(row["peer_group"])
        assert row["peer_group_size"] == group["size"]
        assert row["peer_group_mean"] == pytest.approx(group["mean_composite"])
        if row["rpi"] is not None:
            assert row["rpi"] == pytest.approx(100 * row["composite"] / row["peer_group_mean"])

    table = list(csv.DictReader(io.StringIO(demo_client.get(
        f"/api/v1/evaluations/{run['id']}/rankings", params={"format": "csv"}).content.decode("utf-8-sig"))))
    first = table[0]
    assert first["同类组"] == items[0]["peer_group_label"]
    assert int(first["同类组园区数"]) == items[0]["peer_group_size"]
    assert float(first["同类组平均综合得分"]) == round(items[0]["peer_group_mean"], 4)

    code = items[0]["zone_code"]
    card = demo_client.get(f"/api/v1/evaluations/{run['id']}/zones/{code}").json()
    assert (card["peer_group_label"], card["peer_group_size"]) == (items[0]["peer_group_label"],
                                                                   items[0]["peer_group_size"])
    assert card["peer_group_mean"] == pytest.approx(items[0]["peer_group_mean"])

    page = demo_client.get(f"/ui/evaluations/{run['id']}").text
    assert items[0]["peer_group_label"] in page and "同类组平均综合得分" in page
    assert f"{items[0]['peer_group_size']} 个园区，平均综合得分 {items[0]['peer_group_mean']:.2f}" in page
    english = demo_client.get(f"/ui/evaluations/{run['id']}/zones/{code}", params={"lang": "en"}).text
    assert english_items[0]["peer_group_label"].replace("&", "&amp;") in english
    assert f"{items[0]['peer_group_size']} zones, mean composite {items[0]['peer_group_mean']:.2f}" in english


def test_a_run_of_two_zones_in_different_bands_compares_them_with_each_other(demo_client: TestClient) -> None:
    # Regression: a Beijing-only run put each of its two zones in a group of one: RPI 100, 创新强劲-, "1/1".
    run = _evaluate(demo_client, provinces=["11"])
    items = demo_client.get(f"/api/v1/evaluations/{run['id']}/rankings").json()["items"]
    assert len(items) == 2
    assert {r["peer_group_size"] for r in items} == {2} and len({r["peer_group"] for r in items}) == 1
    assert sorted(r["rpi"] for r in items)[0] < 100 < sorted(r["rpi"] for r in items)[1]
