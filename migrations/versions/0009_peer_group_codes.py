"""peer-group codes up to 512 characters: merged groups join their bands' codes with "~"

Revision ID: 0009_peer_group_codes
Revises: 0008_expert_judgments
Create Date: 2026-12-01 17:15:00.000000

A minimum peer-group size merges small bands into their neighbours (issue 12), and a run over a few
provinces can merge several; the joined code outgrew 64 characters, which PostgreSQL refused.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = "0009_peer_group_codes"
down_revision: str | None = "0008_expert_judgments"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_TABLES = ("evaluation_zone_results", "panel_zone_years", "panel_trajectories")


def upgrade() -> None:
    for table in _TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column("peer_group", existing_type=sa.String(length=64), type_=sa.String(length=512),
                                  existing_nullable=False)


def downgrade() -> None:
    for table in _TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.alter_column("peer_group", existing_type=sa.String(length=512), type_=sa.String(length=64),
                                  existing_nullable=False)
