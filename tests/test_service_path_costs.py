"""The evaluation request's own costs found by the benchmarks (benchmarks/README.md) stay removed.

Profiled on the demo data: building an ORM object per chain breakdown was 40 % of the matrix build,
and every zone's result was dumped twice (for the hash and for its stored payload).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np
import pytest
from sqlalchemy import event
from sqlalchemy.orm import Session

from app.db import make_engine, make_session_factory, session_scope
from app.orm import ChainBreakdown, EvaluationZoneResult
from app.schemas.evaluation import EvaluationRequest
from app.services.evaluations import run_evaluation
from app.services.matrix import ZoneFilter, build_matrix, select_zones
from scoring_models import EvaluationOptions
from scoring_models.base import ZoneResult


@pytest.fixture
def demo_session(demo_database_url: str) -> Iterator[Session]:
    engine = make_engine(demo_database_url)
    factory = make_session_factory(engine)
    with session_scope(factory) as session:
        yield session
    engine.dispose()


def test_matrix_build_reads_breakdowns_as_rows(demo_session: Session) -> None:
    loaded: list[Any] = []
    listener = lambda target, _context: loaded.append(target)  # noqa: E731
    event.listen(ChainBreakdown, "load", listener)
    try:
        matrix = build_matrix(demo_session, select_zones(demo_session, ZoneFilter()), year=2024)
    finally:
        event.remove(ChainBreakdown, "load", listener)
    assert loaded == []  # no ORM object per breakdown
    lead = matrix.indicator_codes.index("leading_chain_share")
    assert (~np.isnan(matrix.values[:, lead, -1])).sum() > 0  # chain metrics still filled


def test_a_run_dumps_each_zone_result_once(demo_session: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[int] = []
    real = ZoneResult.model_dump

    def counting(self: ZoneResult, *args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return real(self, *args, **kwargs)

    monkeypatch.setattr(ZoneResult, "model_dump", counting)
    run = run_evaluation(demo_session, EvaluationRequest(
        model="innovation-peak", year=2024, options=EvaluationOptions(seed=1, uncertainty_runs=20)))
    assert calls == []  # zone payloads come from the one dump of the whole result
    stored = demo_session.query(EvaluationZoneResult).filter_by(run_id=run.id).order_by(EvaluationZoneResult.rank)
    first = stored.first()
    assert first is not None and first.payload["code"] == first.zone_code and first.payload["rank"] == first.rank


def test_a_ranking_page_does_not_parametrise_page_again(demo_session: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    from app.schemas.common import Page
    from app.services.evaluations import rankings_page_json

    run = run_evaluation(demo_session, EvaluationRequest(
        model="innovation-peak", year=2024, options=EvaluationOptions(seed=1, uncertainty_runs=20)))
    calls: list[Any] = []
    real = Page.__class_getitem__

    def counting(cls: Any, item: Any) -> Any:
        calls.append(item)
        return real(item)

    monkeypatch.setattr(Page, "__class_getitem__", classmethod(counting))
    body, total = rankings_page_json(demo_session, run.id, sort="-composite", limit=5, offset=3)
    assert calls == []
    assert b'"offset":3' in body and body.count(b'"zone_code"') == 5 and total > 5
