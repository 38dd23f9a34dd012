"""publication states of evaluation runs; the webhook outbox (events and their per-receiver messages)

Revision ID: 0007_publication
Revises: 0006_panels
Create Date: 2026-12-01 16:00:00.000000

Every run stored before this migration was public the moment it was made, so existing runs become
``published`` — except that at most one run per model, year and zone filter may be published: in each
such slot the newest run is published and the earlier ones are ``superseded`` by it. New runs start as
``draft``. ``filter_key`` is the SHA-256 of the canonical zone filter, computed here exactly as
``app.services.publication.filter_key`` computes it (tests/test_publication_migration.py checks that).
Columns are only added (no table is rebuilt), so SQLite keeps every zone result and delivery row.
"""

import hashlib
import json
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op


revision: str = "0007_publication"
down_revision: str | None = "0006_panels"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_FILTER_DEFAULTS: dict[str, Any] = {"provinces": [], "level": None, "kind": "hitech", "pilot": None, "zones": []}
_ONE_PUBLISHED = sa.text("status = 'published'")


def _filter_key(zone_filter: dict[str, Any] | str | None) -> str:
    data = json.loads(zone_filter) if isinstance(zone_filter, str) else dict(zone_filter or {})
    canonical = {**_FILTER_DEFAULTS, **data}
    canonical["provinces"] = sorted(set(canonical["provinces"] or []))
    canonical["zones"] = sorted(set(canonical["zones"] or []))
    return hashlib.sha256(json.dumps(canonical, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


def _add_run_columns() -> None:
    with op.batch_alter_table("evaluation_runs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("filter_key", sa.String(length=64), server_default="", nullable=False))
        batch_op.add_column(sa.Column("status", sa.String(length=16), server_default="draft", nullable=False))
        batch_op.add_column(sa.Column("state_version", sa.Integer(), server_default="0", nullable=False))
        batch_op.add_column(sa.Column("published_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("published_by", sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column("superseded_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("superseded_by", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("withdrawn_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("withdrawn_by", sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column("withdrawal_reason", sa.Text(), nullable=True))


def _publish_existing_runs() -> None:
    runs = sa.table("evaluation_runs", sa.column("id", sa.Integer), sa.column("model_key", sa.String),
                    sa.column("year", sa.Integer), sa.column("zone_filter", sa.JSON),
                    sa.column("created_at", sa.DateTime(timezone=True)), sa.column("created_by", sa.String),
                    sa.column("filter_key", sa.String), sa.column("status", sa.String),
                    sa.column("state_version", sa.Integer), sa.column("published_at", sa.DateTime(timezone=True)),
                    sa.column("published_by", sa.String), sa.column("superseded_at", sa.DateTime(timezone=True)),
                    sa.column("superseded_by", sa.Integer))
    connection = op.get_bind()
    rows = connection.execute(sa.select(runs.c.id, runs.c.model_key, runs.c.year, runs.c.zone_filter,
                                        runs.c.created_at, runs.c.created_by).order_by(runs.c.id.desc())).all()
    newest: dict[tuple[str, int, str], Any] = {}
    for row in rows:  # newest first: the first run seen in a slot is the one that stays published
        key = _filter_key(row.zone_filter)
        successor = newest.setdefault((row.model_key, row.year, key), row)
        values: dict[str, Any] = {"filter_key": key, "state_version": 1, "published_at": row.created_at,
                                  "published_by": row.created_by, "status": "published"}
        if successor.id != row.id:
            values.update(status="superseded", superseded_by=successor.id, superseded_at=successor.created_at)
        connection.execute(runs.update().where(runs.c.id == row.id).values(**values))


def _create_outbox() -> None:
    op.create_table(
        "webhook_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event", sa.String(length=40), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["run_id"], ["evaluation_runs.id"],
                                name=op.f("fk_webhook_events_run_id_evaluation_runs"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_webhook_events")),
    )
    with op.batch_alter_table("webhook_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_webhook_events_run_id"), ["run_id"], unique=False)
    op.create_table(
        "webhook_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("delivery_id", sa.String(length=36), nullable=False),
        sa.Column("webhook_id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("locked_by", sa.String(length=120), nullable=True),
        sa.Column("locked_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_status_code", sa.Integer(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("delivered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["event_id"], ["webhook_events.id"],
                                name=op.f("fk_webhook_messages_event_id_webhook_events"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["webhook_id"], ["webhooks.id"],
                                name=op.f("fk_webhook_messages_webhook_id_webhooks"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_webhook_messages")),
        sa.UniqueConstraint("delivery_id", name=op.f("uq_webhook_messages_delivery_id")),
    )
    with op.batch_alter_table("webhook_messages", schema=None) as batch_op:
        batch_op.create_index("ix_webhook_messages_due", ["state", "next_attempt_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_webhook_messages_event_id"), ["event_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_webhook_messages_webhook_id"), ["webhook_id"], unique=False)


def upgrade() -> None:
    _add_run_columns()
    _publish_existing_runs()
    with op.batch_alter_table("evaluation_runs", schema=None) as batch_op:
        batch_op.create_index("ix_evaluation_runs_status", ["status"], unique=False)
        batch_op.create_index("uq_evaluation_runs_published_slot", ["model_key", "year", "filter_key"], unique=True,
                              sqlite_where=_ONE_PUBLISHED, postgresql_where=_ONE_PUBLISHED)
    _create_outbox()


def downgrade() -> None:
    with op.batch_alter_table("webhook_messages", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_webhook_messages_webhook_id"))
        batch_op.drop_index(batch_op.f("ix_webhook_messages_event_id"))
        batch_op.drop_index("ix_webhook_messages_due")
    op.drop_table("webhook_messages")
    with op.batch_alter_table("webhook_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_webhook_events_run_id"))
    op.drop_table("webhook_events")
    with op.batch_alter_table("evaluation_runs", schema=None) as batch_op:
        batch_op.drop_index("uq_evaluation_runs_published_slot")
        batch_op.drop_index("ix_evaluation_runs_status")
    # Dropped one by one: SQLite (3.35+) drops a column in place, so the run table is not rebuilt.
    for column in ("withdrawal_reason", "withdrawn_by", "withdrawn_at", "superseded_by", "superseded_at",
                   "published_by", "published_at", "state_version", "status", "filter_key"):
        op.drop_column("evaluation_runs", column)
