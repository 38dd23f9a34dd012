"""expert_judgments: AHP judgments of expert panels

Revision ID: 0008_expert_judgments
Revises: 0007_publication
Create Date: 2026-12-01 16:30:00.000000

"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = "0008_expert_judgments"
down_revision: str | None = "0007_publication"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "expert_judgments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("model_key", sa.String(length=64), nullable=False),
        sa.Column("panel", sa.String(length=64), nullable=False),
        sa.Column("expert", sa.String(length=120), nullable=False),
        sa.Column("weight", sa.Float(), nullable=False),
        sa.Column("judgments", sa.JSON(), nullable=False),
        sa.Column("submitted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("submitted_by", sa.String(length=120), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_expert_judgments")),
        sa.UniqueConstraint("model_key", "panel", "expert", name=op.f("uq_expert_judgments_model_key_panel_expert")),
    )
    with op.batch_alter_table("expert_judgments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_expert_judgments_model_key"), ["model_key"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("expert_judgments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_expert_judgments_model_key"))
    op.drop_table("expert_judgments")
