"""The publication lifecycle of evaluation runs: draft → published → superseded | withdrawn.

A run is stored as a draft. Publishing makes it the official result of its *slot* — its model, year and
zone filter — and supersedes the run that held the slot before; at most one run per slot is published
(a partial unique index enforces it, so two concurrent publications cannot both win). Withdrawing takes a
run back for good, with a reason; it then answers 410 Gone. Every change is an audit event and, when the
public could see the run, an outbox event for the webhooks, both in the transaction of the change.

Who sees what (:class:`Viewer`): published and superseded runs are public; drafts only for callers allowed
to evaluate or publish; a withdrawn run is gone for everyone (410 with its reason and time).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.db import lock_for_write, run_write
from app.errors import Conflict, Forbidden, Gone, NotFound, Problem, ValidationFailed
from app.orm import EvaluationRun, Zone
from app.orm.base import utcnow
from app.services import audit, webhook_outbox
from app.services.audit import Actor
from app.services.matrix import ZoneFilter
from app.services.run_document import StoredRun, read_run
from app.services.run_status import PUBLIC_STATUSES, RunStatus, Viewer, filter_key, official_filter

MAX_REASON_CHARS = 2000


@dataclass(frozen=True)
class Publisher:
    """Who publishes or withdraws: the actor (audit trail) and the provinces of the key (None: all)."""

    actor: Actor
    provinces: frozenset[str] | None = None


@dataclass(frozen=True)
class RunState:
    """The few columns that decide whether and how a run may be served, read on every request."""

    id: int
    status: RunStatus
    state_version: int
    superseded_by: int | None

    def validator(self) -> str:
        """What every cache key and ETag of the run's representations includes."""
        return f"{self.id}:{self.status.value}:{self.state_version}"


def _gone(row: Any) -> Gone:
    when = row.withdrawn_at.isoformat() if row.withdrawn_at else "an unknown time"
    return Gone(
        f"evaluation run {row.id} was withdrawn at {when}: {row.withdrawal_reason}",
        extensions={"run_id": row.id, "withdrawn_at": row.withdrawn_at, "reason": row.withdrawal_reason},
        headers={"Cache-Control": "no-cache"},
    )


def visible_state(session: Session, run_id: int, viewer: Viewer) -> RunState:
    """The state of run ``run_id`` when ``viewer`` may see it: NotFound for no such run and for a draft the
    viewer may not see (its existence is not revealed), Gone (410, reason and time) for a withdrawn run.

    One small query by primary key, made on every read, in every process: a withdrawal holds at once
    everywhere, whatever any cache holds.
    """
    row = session.execute(
        select(EvaluationRun.id, EvaluationRun.status, EvaluationRun.state_version, EvaluationRun.superseded_by,
               EvaluationRun.withdrawn_at, EvaluationRun.withdrawal_reason).where(EvaluationRun.id == run_id)
    ).first()
    if row is None or not viewer.may_see(row.status):
        raise NotFound(f"no evaluation run {run_id}", headers={"Cache-Control": "no-cache"})
    if row.status == RunStatus.WITHDRAWN:
        raise _gone(row)
    return RunState(id=row.id, status=RunStatus(row.status), state_version=row.state_version,
                    superseded_by=row.superseded_by)


def _zone_provinces(session: Session, codes: Iterable[str]) -> set[str | None]:
    wanted = sorted(set(codes))
    found = {code: province for code, province in session.execute(
        select(Zone.code, Zone.province).where(Zone.code.in_(wanted)))}
    return {found.get(code) for code in wanted}


def filter_provinces(session: Session, zone_filter: ZoneFilter) -> set[str | None] | None:
    """The provinces a zone filter can reach; None when it reaches every province (no province or zone list).
    Listed zones that no longer exist count as an unknown province (None in the set)."""
    if zone_filter.provinces:
        return set(zone_filter.provinces)
    if zone_filter.zones:
        return _zone_provinces(session, zone_filter.zones)
    return None


def _ensure_may_publish(session: Session, run: EvaluationRun, publisher: Publisher) -> None:
    """403 unless the run's zone filter lies within the publisher's provinces (a key without provinces: all)."""
    if publisher.provinces is None:
        return
    reached = filter_provinces(session, ZoneFilter.model_validate(run.zone_filter))
    if reached is not None and reached <= publisher.provinces:
        return
    allowed = ", ".join(sorted(publisher.provinces))
    outside = "every province" if reached is None else ", ".join(sorted(str(p) for p in reached - publisher.provinces))
    raise Forbidden(
        f"the key {publisher.actor.name!r} may publish only runs within province(s) {allowed}; the zone filter of "
        f"run {run.id} reaches {outside}",
        errors=[Problem(column="zone_filter", code="run_outside_key_provinces",
                        message=f"the run's zones reach {outside}")],
    )


def _locked_run(session: Session, run_id: int) -> EvaluationRun:
    row = session.scalar(select(EvaluationRun).where(EvaluationRun.id == run_id).with_for_update())
    if row is None:
        raise NotFound(f"no evaluation run {run_id}")
    return row


def _published_in_slot(session: Session, run: EvaluationRun) -> EvaluationRun | None:
    return session.scalar(
        select(EvaluationRun).where(EvaluationRun.model_key == run.model_key, EvaluationRun.year == run.year,
                                    EvaluationRun.filter_key == run.filter_key,
                                    EvaluationRun.status == RunStatus.PUBLISHED, EvaluationRun.id != run.id)
        .with_for_update()
    )


def _supersede(session: Session, old: EvaluationRun, new: EvaluationRun, actor: Actor) -> None:
    old.status, old.superseded_by, old.superseded_at = RunStatus.SUPERSEDED, new.id, utcnow()
    old.state_version += 1
    # Flushed before the new run is marked published: the slot's unique index allows one published run.
    session.flush()
    audit.record(session, actor, "evaluation.supersede", "evaluation_run", old.id,
                 old={"status": RunStatus.PUBLISHED}, new={"status": RunStatus.SUPERSEDED, "superseded_by": new.id})
    webhook_outbox.record_event(session, webhook_outbox.SUPERSEDED, read_run(old))


def publish(session: Session, run_id: int, publisher: Publisher) -> StoredRun:
    """Make draft ``run_id`` the official run of its slot, superseding the run published there before.

    Conflict (409) unless the run is a draft; Forbidden (403) when its zone filter reaches beyond the
    publisher's provinces. A concurrent publication of the same slot is retried (run_write) and then
    supersedes the run that won the race.
    """

    def work() -> StoredRun:
        run = _locked_run(session, run_id)
        if run.status != RunStatus.DRAFT:
            raise Conflict(f"evaluation run {run_id} is {run.status}; only a draft can be published")
        _ensure_may_publish(session, run, publisher)
        previous = _published_in_slot(session, run)
        if previous is not None:
            _supersede(session, previous, run, publisher.actor)
        run.status, run.published_at, run.published_by = RunStatus.PUBLISHED, utcnow(), publisher.actor.name
        run.state_version += 1
        session.flush()
        audit.record(session, publisher.actor, "evaluation.publish", "evaluation_run", run.id,
                     old={"status": RunStatus.DRAFT},
                     new={"status": RunStatus.PUBLISHED, "supersedes": previous.id if previous else None})
        stored = read_run(run)
        webhook_outbox.record_event(session, webhook_outbox.PUBLISHED, stored)
        return stored

    return run_write(session, work)


def _check_reason(reason: str) -> str:
    text = reason.strip()
    if not text or len(text) > MAX_REASON_CHARS:
        raise ValidationFailed("a withdrawal needs a reason", errors=[Problem(
            column="reason", code="reason_required",
            message=f"give the reason for withdrawing the run (1 to {MAX_REASON_CHARS} characters)")])
    return text


def withdraw(session: Session, run_id: int, reason: str, publisher: Publisher) -> StoredRun:
    """Take run ``run_id`` back for good with ``reason``: from then on it answers 410 Gone everywhere.

    A published run leaves its slot without an official run (publish another one to fill it). Receivers
    are told when the public could see the run (published or superseded), not for a draft.
    """
    text = _check_reason(reason)
    lock_for_write(session)
    run = _locked_run(session, run_id)
    if run.status == RunStatus.WITHDRAWN:
        raise Conflict(f"evaluation run {run_id} was already withdrawn at {run.withdrawn_at}")
    _ensure_may_publish(session, run, publisher)
    before = RunStatus(run.status)
    run.status, run.withdrawn_at, run.withdrawn_by, run.withdrawal_reason = (
        RunStatus.WITHDRAWN, utcnow(), publisher.actor.name, text)
    run.state_version += 1
    session.flush()
    audit.record(session, publisher.actor, "evaluation.withdraw", "evaluation_run", run.id,
                 old={"status": before}, new={"status": RunStatus.WITHDRAWN, "reason": text})
    stored = read_run(run)
    if before in PUBLIC_STATUSES:
        webhook_outbox.record_event(session, webhook_outbox.WITHDRAWN, stored)
    return stored


def _available(session: Session, model: str, year: int) -> list[dict[str, Any]]:
    rows = session.scalars(
        select(EvaluationRun).where(EvaluationRun.model_key == model, EvaluationRun.year == year,
                                    EvaluationRun.status != RunStatus.DRAFT)
        .order_by(EvaluationRun.id.desc()).limit(50))
    return [{"run_id": r.id, "status": r.status, "zone_filter": r.zone_filter, "published_at": r.published_at,
             "withdrawn_at": r.withdrawn_at, "url": f"/api/v1/evaluations/{r.id}"} for r in rows]


def official_run(session: Session, *, model: str, year: int, province: str | None) -> StoredRun:
    """The published run of ``model`` for ``year`` over all zones, or over the zones of ``province``.

    NotFound otherwise, listing in ``available`` the public (and withdrawn) runs of that model and year,
    so a portal can see what exists — e.g. a national run when the province published none.
    """
    key = filter_key(official_filter(province))
    row = session.scalar(select(EvaluationRun).where(
        EvaluationRun.model_key == model, EvaluationRun.year == year, EvaluationRun.filter_key == key,
        EvaluationRun.status == RunStatus.PUBLISHED))
    if row is not None:
        return read_run(row)
    scope = f"province {province}" if province else "all zones"
    available = _available(session, model, year)
    raise NotFound(
        f"no published run of model {model!r} for {year} over {scope}; {len(available)} other public or "
        "withdrawn run(s) of that model and year are listed in 'available'",
        extensions={"model": model, "year": year, "province": province, "available": available},
        headers={"Cache-Control": "no-cache"},
    )
