"""Engine, session factory and the request-scoped session dependency."""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import pydantic_core
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, IntegrityError, InterfaceError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

T = TypeVar("T")

# PostgreSQL: serialization failure and deadlock; worth running the work again.
_RETRYABLE_PGCODES = frozenset({"40001", "40P01"})
# The database cannot be reached or used right now, through no fault of the request: PostgreSQL's
# connection exceptions (class 08), shutting down or starting up, too many connections; SQLite's file
# cannot be opened or read, or stays locked past the busy timeout.
_UNAVAILABLE_PGCODES = frozenset({"57P01", "57P02", "57P03", "53300"})
_UNAVAILABLE_SQLITE = ("SQLITE_CANTOPEN", "SQLITE_BUSY", "SQLITE_LOCKED", "SQLITE_IOERR")
WRITE_ATTEMPTS = 6


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # SQLite ignores foreign keys unless asked; WAL lets readers run beside a writer.
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def json_text(value: object) -> str:
    """A JSON column's value as text, by pydantic's Rust serializer: the stdlib encoder was a fifth of a stored
    run's time (300 zone payloads of every indicator's scores); NaN and infinity become null, as in any
    pydantic dump, rather than the non-JSON ``NaN`` the stdlib would write."""
    return pydantic_core.to_json(value).decode()


def json_value(text: str | bytes) -> Any:
    """A JSON column's text as Python data, by pydantic's Rust parser (NaN and infinity read as floats, as the
    stdlib reads what it once wrote): an uncached ranking page spent a third of its time decoding payloads."""
    return pydantic_core.from_json(text)


def make_engine(url: str) -> Engine:
    """Create an engine for ``url``; for SQLite, create the parent folder and enable foreign keys."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False}, json_serializer=json_text,
                               json_deserializer=json_value)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20, json_serializer=json_text,
                         json_deserializer=json_value)


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    """A session factory whose sessions keep loaded objects usable after commit."""
    return sessionmaker(bind=engine, expire_on_commit=False, autoflush=False)


@contextmanager
def session_scope(factory: sessionmaker[Session]) -> Iterator[Session]:
    """``with session_scope(f) as session:`` commits when the block ends normally (a ``return`` inside
    it included) and rolls back on any exception.

    Services only flush; this is the single place that commits, so a failed request never leaves
    half-written data. It is a context manager, not a bare generator, on purpose: a ``for`` loop over a
    generator that is left by ``return`` closes it with GeneratorExit, which would roll back instead
    of committing.
    """
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def is_retryable(exc: DBAPIError) -> bool:
    """True for errors a concurrent writer causes: a unique key inserted meanwhile, a deadlock, a serialization
    failure. Running the work again (it re-reads what is now committed) resolves them."""
    if isinstance(exc, IntegrityError):
        return True
    return getattr(exc.orig, "sqlstate", None) in _RETRYABLE_PGCODES


def is_unavailable(exc: DBAPIError) -> bool:
    """True when the database is down, unreachable or unusable for now (a 503 to retry later), not when
    the statement or the data was wrong."""
    if exc.connection_invalidated:
        return True
    if not isinstance(exc, OperationalError | InterfaceError):
        return False
    orig = exc.orig
    errorname = getattr(orig, "sqlite_errorname", None)
    if isinstance(errorname, str):
        return errorname.startswith(_UNAVAILABLE_SQLITE)
    if not hasattr(orig, "sqlstate"):
        return False
    # psycopg: no SQLSTATE means the client side failed (connection refused, timed out, closed).
    sqlstate = getattr(orig, "sqlstate", None)
    return sqlstate is None or sqlstate.startswith("08") or sqlstate in _UNAVAILABLE_PGCODES


def lock_for_write(session: Session) -> None:
    """On SQLite, take the database's write lock now, before the writer reads what it will change.

    SQLite has one writer at a time; a deferred transaction that read first and writes later could act on a
    stale read, or fail with "database is locked" without waiting. BEGIN IMMEDIATE waits (busy_timeout) for
    the lock instead, so read-modify-write is serialised. The pysqlite driver only opens a transaction at the
    first INSERT/UPDATE/DELETE, so the reads before this (authentication, validation) were not in one.
    PostgreSQL needs nothing here: writers lock the rows they change (SELECT … FOR UPDATE).
    """
    connection = session.connection()
    if connection.dialect.name != "sqlite":
        return
    dbapi_connection = connection.connection.dbapi_connection
    if dbapi_connection is not None and not dbapi_connection.in_transaction:
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def run_write(session: Session, work: Callable[[], T], *, attempts: int = WRITE_ATTEMPTS) -> T:
    """Run ``work`` (reads with row locks, then writes) in a savepoint, again when a concurrent writer got in
    the way; after ``attempts`` the last error propagates (and becomes a 409).

    The savepoint lets one attempt fail without aborting the request's transaction (PostgreSQL aborts
    the whole transaction on an error otherwise).
    """
    lock_for_write(session)
    for attempt in range(1, attempts + 1):
        try:
            with session.begin_nested():
                return work()
        except DBAPIError as exc:
            if attempt == attempts or not is_retryable(exc):
                raise
            # Jitter, so writers that collided do not collide again in lockstep.
            time.sleep(random.uniform(0, 0.01 * attempt))
    raise AssertionError("unreachable")  # pragma: no cover - the loop returns or raises
