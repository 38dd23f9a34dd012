"""Concurrent writers through real servers: no lost update, no 500; two processes share one database."""

from __future__ import annotations

import itertools
import threading
from collections import Counter
from typing import Any

import httpx
import pytest
from sqlalchemy import select

from app.db import make_engine, make_session_factory, session_scope
from app.orm import Observation, ObservationChange
from app.services.audit import CLI_ACTOR
from tests.live import live_server, seed_writer

Z = "TEST-33-N01"
CELLS = [("rd_intensity", 2023), ("hte_count", 2023), ("rd_staff_share", 2023), ("hte_count", 2022)]
THREADS, ROUNDS = 8, 6


def _value(indicator: str, thread: int, round_: int) -> float:
    # Distinct per write, so every successful write changes every cell exactly once.
    n = thread * ROUNDS + round_ + 1
    return float(n) if indicator == "hte_count" else n / 2


def test_eight_writers_on_the_same_cells(database_url: str) -> None:
    secret = seed_writer(database_url, Z)
    results: list[tuple[int, int, int]] = []
    failures: list[str] = []
    lock = threading.Lock()
    start = threading.Barrier(THREADS)

    with live_server(database_url, env={"ZONESCORE_RATE_LIMIT_PER_MINUTE": "0"}) as base:

        def writer(thread: int) -> None:
            cells = CELLS if thread % 2 else list(reversed(CELLS))  # two orders, to provoke lock-order trouble
            with httpx.Client(base_url=base, headers={"X-API-Key": secret}, timeout=60) as client:
                start.wait()
                for round_ in range(ROUNDS):
                    body = {"observations": [
                        {"zone_code": Z, "indicator_code": code, "year": year,
                         "value": _value(code, thread, round_)} for code, year in cells]}
                    try:
                        response = client.post("/api/v1/observations", json=body)
                    except httpx.HTTPError as exc:  # pragma: no cover - reported below
                        with lock:
                            failures.append(repr(exc))
                        continue
                    with lock:
                        results.append((thread, round_, response.status_code))
                        if response.status_code >= 500:
                            failures.append(response.text)

        threads = [threading.Thread(target=writer, args=(t,)) for t in range(THREADS)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=120)

    assert not failures
    statuses = Counter(status for _t, _r, status in results)
    assert len(results) == THREADS * ROUNDS and set(statuses) <= {200, 409}, statuses
    succeeded = {(t, r) for t, r, status in results if status == 200}
    assert succeeded, statuses

    engine = make_engine(database_url)
    try:
        with session_scope(make_session_factory(engine)) as session:
            for code, year in CELLS:
                history = list(session.scalars(
                    select(ObservationChange).where(ObservationChange.indicator_code == code,
                                                    ObservationChange.year == year).order_by(ObservationChange.id)))
                # exactly one change per successful write, and only successful writes' values
                assert sorted(h.new_value for h in history) == sorted(_value(code, t, r) for t, r in succeeded)
                # a chain: each change replaced the value the previous one stored (no update lost silently)
                assert history[0].old_value is None
                for before, after in itertools.pairwise(history):
                    assert after.old_value == before.new_value
                cell = session.scalar(select(Observation).where(Observation.indicator_code == code,
                                                                 Observation.year == year))
                assert cell is not None and cell.value == history[-1].new_value
                assert cell.revision == len(history)
    finally:
        engine.dispose()


def test_two_server_processes_share_one_database(database_url: str) -> None:
    secret = seed_writer(database_url, Z)
    headers = {"X-API-Key": secret}
    with (live_server(database_url) as first, live_server(database_url) as second,
          httpx.Client(base_url=first, headers=headers) as a, httpx.Client(base_url=second, headers=headers) as b):
        zone: dict[str, Any] = {"code": "TEST-44-N01", "name_zh": "测试二号", "province": "44", "level": "national"}
        assert a.post("/api/v1/zones", json=zone).status_code == 201
        assert b.get("/api/v1/zones/TEST-44-N01").json()["name_zh"] == "测试二号"
        body = {"observations": [{"zone_code": "TEST-44-N01", "indicator_code": "rd_intensity", "year": 2023,
                                  "value": 4.5}]}
        assert a.post("/api/v1/observations", json=body).status_code == 200
        assert b.get("/api/v1/observations", params={"zone": "TEST-44-N01"}).json()["items"][0]["value"] == 4.5
        body["observations"][0]["value"] = 5.5
        assert b.post("/api/v1/observations", json=body).status_code == 200
        history = a.get("/api/v1/observations/history",
                        params={"zone": "TEST-44-N01", "indicator": "rd_intensity", "year": 2023}).json()
        assert [(h["old_value"], h["new_value"]) for h in history] == [(None, 4.5), (4.5, 5.5)]
        # a key revoked through one process is refused by the other at once (no cache)
        created = a.post("/api/v1/keys", json={"name": "short-lived", "scopes": ["read"]}).json()
        assert b.get("/api/v1/zones", headers={"X-API-Key": created["key"]}).status_code == 200
        assert a.delete(f"/api/v1/keys/{created['id']}").status_code == 200
        assert b.get("/api/v1/zones", headers={"X-API-Key": created["key"]}).status_code == 401


def test_conflicting_first_inserts_are_retried(database_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without the retry, the second of two first inserts of one cell would fail on the unique key."""
    if database_url.startswith("sqlite"):
        pytest.skip("on SQLite the first writer holds the database write lock, so the other cannot get in between")
    import app.services.ingest as ingest
    from app.services.ingest import RawCell, write_observations

    seed_writer(database_url, Z)
    engine = make_engine(database_url)
    factory = make_session_factory(engine)
    calls = 0

    def cell(value: float) -> list[RawCell]:
        return [RawCell(row=1, column="value", zone_code=Z, indicator_code="rd_intensity", year=2023, value=value)]

    read_existing = ingest._existing

    def read_then_let_another_writer_in(session: Any, cells: Any) -> Any:
        # Another writer commits the same new cell after we looked for it and before we insert it.
        nonlocal calls
        calls += 1
        found = read_existing(session, cells)
        if calls == 1:
            with session_scope(factory) as other:
                write_observations(other, cell(1.0), earliest_year=1988, actor=CLI_ACTOR)
        return found

    try:
        with session_scope(factory) as session:
            monkeypatch.setattr(ingest, "_existing", read_then_let_another_writer_in)
            summary = write_observations(session, cell(2.0), earliest_year=1988, actor=CLI_ACTOR)
            monkeypatch.undo()
        assert summary.updated == 1 and calls == 3  # ours, the other writer's, our retry
        with session_scope(factory) as session:
            history = [(c.old_value, c.new_value) for c in session.scalars(
                select(ObservationChange).order_by(ObservationChange.id))]
            assert history == [(None, 1.0), (1.0, 2.0)]
    finally:
        engine.dispose()


def test_concurrent_repeats_of_one_idempotency_key_write_once(database_url: str) -> None:
    secret = seed_writer(database_url, Z)
    body = {"observations": [{"zone_code": Z, "indicator_code": "rd_intensity", "year": 2023, "value": 7.5}]}
    statuses: list[tuple[int, bool]] = []
    lock = threading.Lock()
    start = threading.Barrier(THREADS)
    with live_server(database_url, env={"ZONESCORE_RATE_LIMIT_PER_MINUTE": "0"}) as base:

        def repeat() -> None:
            headers = {"X-API-Key": secret, "Idempotency-Key": "same-upload"}
            with httpx.Client(base_url=base, headers=headers, timeout=60) as client:
                start.wait()
                response = client.post("/api/v1/observations", json=body)
                with lock:
                    statuses.append((response.status_code, "idempotent-replayed" in response.headers))

        threads = [threading.Thread(target=repeat) for _ in range(THREADS)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
    # one first write; the others replay it or, when they raced it, get a 409 — never a second write
    assert len(statuses) == THREADS and {s for s, _ in statuses} <= {200, 409}
    assert sum(1 for s, replayed in statuses if s == 200 and not replayed) == 1
    engine = make_engine(database_url)
    try:
        with session_scope(make_session_factory(engine)) as session:
            assert len(list(session.scalars(select(ObservationChange)))) == 1
    finally:
        engine.dispose()
