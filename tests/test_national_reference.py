"""National references do not depend on the zone filter: a province-only run awards its zones the badges
the national run awards them, and their chain metrics (location quotients) are the same."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from app.db import session_scope
from app.services.matrix import ZoneFilter, build_matrix, reference_zones, select_zones


def _rows(client: TestClient, **zones: Any) -> dict[str, dict[str, Any]]:
    response = client.post("/api/v1/evaluations", json={
        "model": "innovation-peak", "year": 2024, "zones": zones, "options": {"uncertainty_runs": 0},
    })
    assert response.status_code == 201, response.text
    run_id = response.json()["id"]
    items = client.get(f"/api/v1/evaluations/{run_id}/rankings", params={"limit": 1000}).json()["items"]
    return {r["zone_code"]: {**r, "run": run_id} for r in items}


def test_a_province_run_awards_the_badges_of_the_national_run(demo_client: TestClient) -> None:
    # Regression: matrices held the filtered zones only, so a Zhejiang-only run made 20 of its 22
    # zones 单项冠军园区 (top 3 by chain revenue among the Zhejiang zones sharing the chain).
    national = _rows(demo_client)
    zhejiang = _rows(demo_client, provinces=["33"])
    assert len(zhejiang) > 10
    assert {c: r["badges"] for c, r in zhejiang.items()} == {c: national[c]["badges"] for c in zhejiang}
    singles = sum("single_champion" in r["badges"] for r in zhejiang.values())
    assert singles < len(zhejiang) / 2
    # the leading chain's location quotient is against the national zone economy in both runs
    for code in list(zhejiang)[:5]:
        cards = [demo_client.get(f"/api/v1/evaluations/{rows[code]['run']}/zones/{code}").json()
                 for rows in (national, zhejiang)]
        lq = [next(i["raw"] for i in card["result"]["indicators"] if i["code"] == "leading_chain_lq")
              for card in cards]
        assert lq[0] == lq[1]


def test_the_reference_is_every_zone_with_data_in_the_year(demo_client: TestClient) -> None:
    factory = demo_client.app.state.session_factory  # type: ignore[attr-defined]
    with session_scope(factory) as session:
        _check_reference(session)


def _check_reference(session: Session) -> None:
    everyone = reference_zones(session, ZoneFilter(provinces=["33"]), year=2024)
    assert {z.code for z in everyone} == {z.code for z in select_zones(session, ZoneFilter())}
    assert reference_zones(session, ZoneFilter(), year=1990) == []
    zhejiang = select_zones(session, ZoneFilter(provinces=["33"]))
    matrix = build_matrix(session, zhejiang, year=2024, reference=everyone)
    assert matrix.zones == tuple(z.code for z in zhejiang)
    assert matrix.reference is not None and len(matrix.reference.zones) == len(everyone)
    whole = build_matrix(session, everyone, year=2024, reference=everyone)
    assert whole.reference is None and whole.population is whole
