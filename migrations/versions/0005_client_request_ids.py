"""the client's X-Request-ID beside the server's request id in the audit trail and cell history

Revision ID: 0005_client_request_ids
Revises: 0005
Create Date: 2026-12-04 09:00:00.000000

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = "0005_client_request_ids"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TABLES = ("audit_events", "observation_changes")


def upgrade() -> None:
    # Until now request_id held the client's X-Request-ID when it sent a well-formed one; rows written
    # before this migration keep that value (which of the two it was cannot be told afterwards).
    for table in _TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("client_request_id", sa.String(length=64), nullable=True))


def downgrade() -> None:
    for table in _TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("client_request_id")
