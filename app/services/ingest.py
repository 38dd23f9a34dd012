"""Validated, all-or-nothing upserts of observations, with the history of every change."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple, Protocol, cast

from sqlalchemy import Connection, Float, Integer, String, Table, bindparam, insert, literal, null, select, update
from sqlalchemy import cast as cast_
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from app.db import run_write
from app.errors import Problem, ValidationFailed
from app.orm import Observation, ObservationChange
from app.orm.base import utcnow
from app.schemas.common import WriteSummary
from app.services import audit
from app.services.audit import Actor
from app.services.problem_log import DEFAULT_MAX_PROBLEMS, ProblemLog
from app.services.validation import check_against_catalog, check_year, current_year, parse_value
from app.services.zones import zone_ids_by_code
from scoring_models.catalog import indicator_catalog

_CHUNK = 500
_OBSERVATIONS = cast(Table, Observation.__table__)
_CHANGES = cast(Table, ObservationChange.__table__)


class RawCell(NamedTuple):
    """One cell as received, before validation; ``row`` is 1-based in the batch or file.

    (Named tuples, here and for valid cells: immutable like a frozen dataclass, and three times
    cheaper to build, which counts at 100,000 cells a batch.)
    """

    row: int
    column: str
    zone_code: str
    indicator_code: str
    year: int
    value: float | int | str | bool | None
    source: str | None = None
    status: str = "reported"


class Cell(Protocol):
    """What validation reads of a cell: a :class:`RawCell`, or a parsed import cell as it comes."""

    @property
    def row(self) -> int: ...
    @property
    def column(self) -> str: ...
    @property
    def zone_code(self) -> str: ...
    @property
    def indicator_code(self) -> str: ...
    @property
    def year(self) -> int: ...
    @property
    def value(self) -> float | int | str | bool | None: ...
    @property
    def source(self) -> str | None: ...
    @property
    def status(self) -> str: ...


class ValidCell(NamedTuple):
    """A cell that passed :func:`validate_cells`: its zone's id and the value as a float."""

    zone_id: int
    indicator_code: str
    year: int
    value: float
    source: str | None
    status: str


def validate_cells(
    session: Session, cells: Sequence[Cell], *, earliest_year: int, max_problems: int = DEFAULT_MAX_PROBLEMS
) -> tuple[list[ValidCell], ProblemLog[Problem]]:
    """Check every cell and collect every problem (never stop at the first; the first ``max_problems``
    kept, all counted)."""
    indicators = indicator_catalog().by_code()
    zone_ids = zone_ids_by_code(session, (c.zone_code for c in cells))
    problems: ProblemLog[Problem] = ProblemLog(max_problems)
    valid: list[ValidCell] = []
    first_row: dict[tuple[str, str, int], int] = {}
    # A file's wide row gives its zone and year once for all its cells: a problem with them is said once a row.
    row_reported: set[tuple[int, str]] = set()
    latest = current_year()  # once per batch, not once per cell
    for cell in cells:
        before = len(problems)
        zone_id = zone_ids.get(cell.zone_code)
        if zone_id is None and (cell.row, "zone") not in row_reported:
            row_reported.add((cell.row, "zone"))
            problems.append(Problem(row=cell.row, column="zone_code", code="unknown_zone",
                                    message=f"no zone with code {cell.zone_code!r}", value=cell.zone_code))
        indicator = indicators.get(cell.indicator_code)
        if indicator is None:
            problems.append(Problem(row=cell.row, column=cell.column if cell.column != "value" else "indicator_code",
                                    code="unknown_indicator",
                                    message=f"no indicator with code {cell.indicator_code!r}",
                                    value=cell.indicator_code))
        year_problem = check_year(cell.year, earliest=earliest_year, row=cell.row, latest=latest)
        if year_problem and (cell.row, "year") not in row_reported:
            row_reported.add((cell.row, "year"))
            problems.append(year_problem)
        key = (cell.zone_code, cell.indicator_code, cell.year)
        if key in first_row:
            problems.append(Problem(
                row=cell.row, column=cell.column, code="duplicate_key",
                message=f"{cell.zone_code}/{cell.indicator_code}/{cell.year} already given in row {first_row[key]}",
            ))
        else:
            first_row[key] = cell.row
        parsed = parse_value(cell.value, row=cell.row, column=cell.column)
        if isinstance(parsed, Problem):
            problems.append(parsed)
        elif indicator is not None:
            range_problem = check_against_catalog(parsed, indicator, row=cell.row, column=cell.column)
            if range_problem:
                problems.append(range_problem)
        if len(problems) == before and zone_id is not None and year_problem is None and isinstance(parsed, float):
            valid.append(ValidCell(zone_id, cell.indicator_code, cell.year, parsed, cell.source, cell.status))
    return valid, problems


class _Current(NamedTuple):
    id: int
    value: float
    status: str
    source: str | None
    revision: int


def _existing(session: Session, cells: Sequence[ValidCell]) -> dict[tuple[int, str, int], _Current]:
    """The stored cells among ``cells``, locked until the transaction ends (PostgreSQL; SQLite holds the
    database write lock already) so the history records the value actually replaced."""
    zone_ids = sorted({c.zone_id for c in cells})
    years = sorted({c.year for c in cells})
    codes = sorted({c.indicator_code for c in cells})
    found: dict[tuple[int, str, int], _Current] = {}
    for start in range(0, len(zone_ids), _CHUNK):
        query = (
            select(Observation.id, Observation.zone_id, Observation.indicator_code, Observation.year,
                   Observation.value, Observation.status, Observation.source, Observation.revision)
            .where(
                Observation.zone_id.in_(zone_ids[start : start + _CHUNK]),
                Observation.year.in_(years),
                Observation.indicator_code.in_(codes),
            )
            # One lock order for every writer, so two batches over the same cells queue instead of deadlocking.
            .order_by(Observation.id)
            .with_for_update()
        )
        for row in session.execute(query):
            found[(row.zone_id, row.indicator_code, row.year)] = _Current(row.id, row.value, row.status, row.source,
                                                                          row.revision)
    return found


def _upsert(session: Session, valid: Sequence[ValidCell], actor: Actor) -> tuple[int, int]:
    """Insert new cells, update changed ones, record each change; return (inserted, updated).

    Runs inside ``run_write``: when a concurrent writer inserted one of the new cells first, the unique
    constraint stops the insert, the savepoint is rolled back and this runs again, now updating that
    cell (last write wins) with the other writer's value recorded as the old one.
    """
    existing = _existing(session, valid)
    now = utcnow()
    inserts: list[dict[str, Any]] = []
    updates: list[dict[str, Any]] = []
    changes: list[dict[str, Any]] = []
    for cell in valid:
        old = existing.get((cell.zone_id, cell.indicator_code, cell.year))
        # A corrected source or status is a change too, recorded in the history like a new value.
        if old is not None and (old.value, old.status, old.source) == (cell.value, cell.status, cell.source):
            continue
        if old is None:
            inserts.append({
                "zone_id": cell.zone_id, "indicator_code": cell.indicator_code, "year": cell.year,
                "value": cell.value, "source": cell.source, "status": cell.status,
                "submitted_by": actor.name, "updated_at": now, "revision": 1,
            })
        else:
            updates.append({
                "b_id": old.id, "value": cell.value, "source": cell.source, "status": cell.status,
                "submitted_by": actor.name, "updated_at": now, "revision": old.revision + 1,
            })
            changes.append(_change(cell.zone_id, cell.indicator_code, cell.year, old.value, cell.value, old.status,
                                   cell.status, cell.source, actor, now))
    # Core inserts on the tables: the ORM's bulk-insert path costs about as much again per row on SQLite.
    conn = session.connection()
    if inserts:
        if conn.dialect.name == "sqlite":
            # SQLite: the history is copied inside the database (see _record_inserted). The ids are
            # consecutive up to the last one: run_write holds the database's write lock (BEGIN IMMEDIATE) and a
            # new rowid is one more than the largest, so no other row can come between them.
            _bulk_insert(conn, _OBSERVATIONS, inserts)
            last = int(conn.exec_driver_sql("SELECT last_insert_rowid()").scalar_one())
            _record_inserted(conn, list(range(last - len(inserts) + 1, last + 1)), actor)
        else:
            # PostgreSQL: RETURNING turns the executemany into batched multi-row statements that measured
            # 5× slower (psycopg 3), and copying rows inside the database saves little; send the history,
            # both with COPY (one stream instead of a statement per row).
            _bulk_insert(conn, _OBSERVATIONS, inserts)
            changes[:0] = [
                _change(r["zone_id"], r["indicator_code"], r["year"], None, r["value"], None, r["status"], r["source"],
                        actor, now)
                for r in inserts
            ]
    if updates:
        stmt = (
            update(_OBSERVATIONS)
            .where(_OBSERVATIONS.c.id == bindparam("b_id"))
            .values(value=bindparam("value"), source=bindparam("source"), status=bindparam("status"),
                    submitted_by=bindparam("submitted_by"), updated_at=bindparam("updated_at"),
                    revision=bindparam("revision"))
        )
        conn.execute(stmt, updates)
        session.expire_all()  # the Core update bypassed the identity map
    _bulk_insert(conn, _CHANGES, changes)
    return len(inserts), len(updates)


def _change(
    zone_id: int, indicator_code: str, year: int, old_value: float | None, new_value: float, old_status: str | None,
    new_status: str, source: str | None, actor: Actor, at: Any,
) -> dict[str, Any]:
    return {
        "zone_id": zone_id, "indicator_code": indicator_code, "year": year, "old_value": old_value,
        "new_value": new_value, "old_status": old_status, "new_status": new_status, "source": source,
        "changed_by": actor.name, "key_id": actor.key_id, "changed_at": at, "request_id": actor.request_id,
        "client_request_id": actor.client_request_id,
    }


def write_observations(
    session: Session,
    cells: Sequence[Cell],
    *,
    earliest_year: int,
    actor: Actor,
    action: str = "observations.upsert",
    details: dict[str, Any] | None = None,
    max_problems: int = DEFAULT_MAX_PROBLEMS,
) -> WriteSummary:
    """Validate all ``cells``; if any is bad raise ValidationFailed listing all, else upsert them.

    Every changed cell gets a row in ``observation_changes`` naming the actor (its old and new value);
    the batch as a whole is one audit event (``action``) with the counts and ``details``. The caller's
    transaction makes it all or nothing; this function only flushes.
    """
    valid, problems = validate_cells(session, cells, earliest_year=earliest_year, max_problems=max_problems)
    if problems:
        raise ValidationFailed(
            f"{len(problems)} problem(s) in {len(problems.rows)} row(s); nothing was written",
            errors=problems.kept, error_totals=dict(problems.totals),
        )
    return write_valid(session, valid, received=len(cells), actor=actor, action=action, details=details)


def write_valid(
    session: Session,
    valid: Sequence[ValidCell],
    *,
    received: int,
    actor: Actor,
    action: str = "observations.upsert",
    details: dict[str, Any] | None = None,
) -> WriteSummary:
    """Upsert cells that :func:`validate_cells` passed (``received`` counted as given) and audit the write."""
    # Inserts in key order: two batches inserting the same new cells wait on each other in one order.
    ordered = sorted(valid, key=lambda c: (c.zone_id, c.indicator_code, c.year))
    inserted, updated = run_write(session, lambda: _upsert(session, ordered, actor))
    summary = WriteSummary(received=received, inserted=inserted, updated=updated,
                           unchanged=len(ordered) - inserted - updated)
    audit.record(session, actor, action, "observation_batch", actor.request_id,
                 new={**summary.model_dump(), **(details or {})})
    return summary


_HISTORY_COLUMNS = ["zone_id", "indicator_code", "year", "old_value", "new_value", "old_status", "new_status",
                    "source", "changed_by", "key_id", "changed_at", "request_id", "client_request_id"]


def _record_inserted(conn: Connection, ids: list[int], actor: Actor) -> None:
    """The history rows of freshly inserted cells, copied from those rows inside the database.

    The same values the explicit rows would carry (no old value or status; new value, status,
    source, submitter and time of the inserted row, the actor's key and request), without sending
    every cell a second time. ``ids`` are exactly the inserted rows (from RETURNING): one range
    when they are consecutive (always on SQLite, which serialises writers), else chunks of ids.
    """
    if not ids:
        return
    obs = _OBSERVATIONS.c
    rows = select(
        obs.zone_id, obs.indicator_code, obs.year, cast_(null(), Float), obs.value, cast_(null(), String(16)),
        obs.status, obs.source, obs.submitted_by, cast_(literal(actor.key_id), Integer), obs.updated_at,
        cast_(literal(actor.request_id), String(64)), cast_(literal(actor.client_request_id), String(64)),
    )
    lo, hi = min(ids), max(ids)
    if hi - lo + 1 == len(ids):
        conn.execute(insert(_CHANGES).from_select(_HISTORY_COLUMNS, rows.where(obs.id.between(lo, hi))))
        return
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        conn.execute(insert(_CHANGES).from_select(_HISTORY_COLUMNS, rows.where(obs.id.in_(chunk))))


def _driver_executemany(conn: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    """One INSERT of ``rows`` through the driver's executemany, each value bound as its column binds it."""
    columns = list(rows[0])
    statement = insert(table).compile(dialect=conn.dialect, column_keys=columns)
    # Only some types convert a value (e.g. UTCDateTime to SQLite's text); the others go through as they are.
    processors = {c: p for c in columns if (p := table.c[c].type.bind_processor(conn.dialect)) is not None}
    order = statement.positiontup
    assert order is not None  # SQLite's parameters are positional (qmark)
    params = [tuple(processors[c](row[c]) if c in processors else row[c] for c in order) for row in rows]
    conn.exec_driver_sql(str(statement), params)


def _bulk_insert(conn: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    """Insert ``rows`` (dicts with the same keys, all columns of ``table`` by name) in the caller's transaction.

    On PostgreSQL with psycopg 3 this is one ``COPY … FROM STDIN`` (one stream instead of a
    statement per row; benchmarks/README.md has the figures); on SQLite the driver's executemany of plain
    tuples (under cProfile, Core's per-row parameter processing took ~1.7 s of a 2.7 s upsert of 100,000
    cells); elsewhere a Core executemany. Values must already be what the columns store (timestamps
    timezone-aware, as ``utcnow`` gives).
    """
    if not rows:
        return
    if conn.dialect.name == "sqlite":
        _driver_executemany(conn, table, rows)
        return
    if conn.dialect.name != "postgresql" or conn.dialect.driver != "psycopg":
        conn.execute(insert(table), rows)
        return
    import psycopg
    from psycopg import sql

    columns = list(rows[0])
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(table.name), sql.SQL(", ").join(map(sql.Identifier, columns))
    )
    raw = conn.connection.driver_connection
    assert raw is not None
    try:
        with raw.cursor() as cursor, cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row([row[c] for c in columns])
    except psycopg.Error as exc:
        # COPY bypasses SQLAlchemy, so wrap the driver's error as SQLAlchemy would (UniqueViolation →
        # IntegrityError …): run_write retries collisions with concurrent writers on exactly those.
        raise DBAPIError.instance(statement.as_string(raw), None, exc, psycopg.Error) from exc
