"""A real server under hostile uploads (issue 11, items 1 and 2): it answers other requests throughout,
three bombs uploaded at once included, and its worker process survives (the same PID) — with the
guard refusing the bombs, and with the guard relaxed so that they reach the bounded child process."""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import httpx

from app.db import make_engine, make_session_factory, session_scope
from app.orm import Zone
from app.services.audit import CLI_ACTOR
from app.services.keys import create_key
from tests import hostile_xlsx
from tests.hostile_xlsx import CORPUS
from tests.live import SERVER_PIDS, live_server

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _seed(database_url: str) -> str:
    engine = make_engine(database_url)
    try:
        with session_scope(make_session_factory(engine)) as session:
            session.add(Zone(code="TEST-33-N01", name_zh="测试高新区", province="33", level="national",
                             kind="hitech", pilot=False))
            _key, secret = create_key(session, CLI_ACTOR, name="uploader", scopes=["submit"])
    finally:
        engine.dispose()
    return secret


@dataclass
class _Reader:
    """Reads from the server in a loop while the uploads run; every answer that is not a 200 is a failure."""

    base: str
    answered: int = 0
    slowest: float = 0.0
    failures: list[str] = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)

    def run(self) -> None:
        with httpx.Client(base_url=self.base, timeout=15) as client:
            while not self._stop.is_set():
                for path in ("/healthz", "/api/v1/zones?limit=1"):
                    started = time.perf_counter()
                    try:
                        response = client.get(path)
                    except httpx.HTTPError as exc:
                        self.failures.append(f"{path}: {exc!r}")
                        continue
                    self.slowest = max(self.slowest, time.perf_counter() - started)
                    if response.status_code != 200:
                        self.failures.append(f"{path}: {response.status_code}")
                    self.answered += 1
                time.sleep(0.02)


@contextmanager
def _reading(base: str) -> Iterator[_Reader]:
    reader = _Reader(base)
    thread = threading.Thread(target=reader.run)
    thread.start()
    try:
        yield reader
    finally:
        reader._stop.set()
        thread.join(timeout=30)


def _upload(base: str, secret: str, data: bytes) -> httpx.Response:
    with httpx.Client(base_url=base, headers={"X-API-Key": secret}, timeout=180) as client:
        return client.post("/api/v1/imports", files={"file": ("upload.xlsx", data, XLSX)})


def _at_once(base: str, secret: str, files: list[bytes]) -> list[httpx.Response]:
    responses: list[httpx.Response | None] = [None] * len(files)

    def send(index: int) -> None:
        responses[index] = _upload(base, secret, files[index])

    threads = [threading.Thread(target=send, args=(i,)) for i in range(len(files))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=240)
    assert all(r is not None for r in responses), "an upload got no answer"
    return [r for r in responses if r is not None]


def _codes(response: httpx.Response) -> list[str]:
    return [e["code"] for e in response.json()["errors"]]


def test_the_server_answers_throughout_the_hostile_corpus(database_url: str) -> None:
    secret = _seed(database_url)
    files = {hostile.name: hostile.build() for hostile in CORPUS}
    with live_server(database_url, env={"ZONESCORE_RATE_LIMIT_PER_MINUTE": "0"}) as base:
        pid = SERVER_PIDS[base]
        with _reading(base) as reader:
            for hostile in CORPUS:
                response = _upload(base, secret, files[hostile.name])
                assert (response.status_code, _codes(response)) == (hostile.status, [hostile.code]), hostile.name
            bombs = ["stray far cell", "shared-strings bomb", "dense 999,999 x 20 sheet"]
            for name, response in zip(bombs, _at_once(base, secret, [files[n] for n in bombs]), strict=True):
                assert response.status_code in (413, 422), (name, response.text)
        assert not reader.failures and reader.answered > 10, reader.failures
        assert reader.slowest < 10, "reads kept being answered promptly"
        os.kill(pid, 0)  # the same process, still alive
        assert httpx.get(f"{base}/healthz", timeout=10).status_code == 200


def test_bombs_past_a_relaxed_guard_are_stopped_by_the_child_bounds(database_url: str) -> None:
    # An operator who raised every limit: the stray far cell reaches calamine, which asks for 512 GB,
    # and the shared-strings bomb expands to 3 GB of text; both only cost the child its memory bound.
    secret = _seed(database_url)
    env = {"ZONESCORE_RATE_LIMIT_PER_MINUTE": "0", "ZONESCORE_IMPORT_MAX_CELLS": str(10**12),
           "ZONESCORE_IMPORT_MAX_COLUMNS": "20000", "ZONESCORE_IMPORT_MAX_ROWS": "2000000",
           "ZONESCORE_IMPORT_MAX_UNCOMPRESSED_BYTES": str(10**12),
           "ZONESCORE_IMPORT_PARSER_MEMORY_BYTES": str(384 << 20)}
    with live_server(database_url, env=env) as base:
        pid = SERVER_PIDS[base]
        with _reading(base) as reader:
            bombs = [hostile_xlsx.stray_far_cell(), hostile_xlsx.shared_strings_bomb(), hostile_xlsx.stray_far_cell()]
            responses = _at_once(base, secret, bombs)
            assert [(r.status_code, _codes(r)) for r in responses] == [(413, ["parser_memory_bound"])] * 3
            # and a harmless workbook still imports afterwards
            assert _upload(base, secret, hostile_xlsx.harmless("TEST-33-N01")).json()["inserted"] == 1
        assert not reader.failures and reader.answered > 10, reader.failures
        assert reader.slowest < 10
        os.kill(pid, 0)
        assert httpx.get(f"{base}/healthz", timeout=10).status_code == 200
