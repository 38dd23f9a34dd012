"""evaluation_runs.schema_version: the shape of a stored run document

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 15:00:00.000000

Existing rows keep NULL, which the service reads as version 1 (the shape they were written in).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("evaluation_runs", schema=None) as batch_op:
        batch_op.add_column(sa.Column("schema_version", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("evaluation_runs", schema=None) as batch_op:
        batch_op.drop_column("schema_version")
