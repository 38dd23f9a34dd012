"""session_scope commits what a block wrote however the block is left, and rolls back on an exception."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from app.db import make_engine, make_session_factory, session_scope
from app.migrate import upgrade
from app.orm import Zone
from app.orm.base import utcnow


@pytest.fixture()
def factory(tmp_path: Path) -> sessionmaker[Session]:
    engine = make_engine(f"sqlite:///{tmp_path}/s.db")
    upgrade(engine)
    return make_session_factory(engine)


def _add_zone(session: Session, code: str) -> None:
    now = utcnow()
    session.add(Zone(code=code, name_zh=code, province="33", level="national", kind="hitech",
                     created_at=now, updated_at=now))
    session.flush()


def _count(factory: sessionmaker[Session]) -> int:
    with factory() as session:
        return session.scalar(select(func.count()).select_from(Zone)) or 0


def test_return_inside_the_block_commits(factory: sessionmaker[Session]) -> None:
    # The trap this guards against: `for s in generator(): return …` closed the generator with GeneratorExit,
    # which rolled the write back.
    def write_and_return() -> str:
        with session_scope(factory) as session:
            _add_zone(session, "T-1")
            return "done"

    assert write_and_return() == "done"
    assert _count(factory) == 1


def test_exception_rolls_back(factory: sessionmaker[Session]) -> None:
    with pytest.raises(RuntimeError), session_scope(factory) as session:
        _add_zone(session, "T-2")
        raise RuntimeError("boom")
    assert _count(factory) == 0


def test_no_bare_generator_loops_remain() -> None:
    # Every caller uses the context manager; a `for … in session_scope(` would reintroduce the trap.
    root = Path(__file__).resolve().parents[1]
    offenders = [
        str(p.relative_to(root))
        for folder in ("app", "tests", "benchmarks")
        for p in (root / folder).rglob("*.py")
        if " in session_scope(" in p.read_text(encoding="utf-8") and p.name != "test_session_scope.py"
    ]
    assert offenders == []
