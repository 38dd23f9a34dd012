"""panel runs: a model over a window of years on one scale, their zone-years and trajectories

Revision ID: 0006_panels
Revises: 0006_chain_products
Create Date: 2026-12-02 09:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = "0006_panels"
down_revision: str | None = "0006_chain_products"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _zone_columns() -> list[sa.Column[object]]:
    return [
        sa.Column("name_zh", sa.String(length=200), nullable=True),
        sa.Column("name_en", sa.String(length=200), nullable=True),
        sa.Column("province", sa.String(length=2), nullable=True),
        sa.Column("level", sa.String(length=16), nullable=True),
    ]


def upgrade() -> None:
    op.create_table(
        "panel_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("model_key", sa.String(length=64), nullable=False),
        sa.Column("model_version", sa.String(length=32), nullable=False),
        sa.Column("first_year", sa.Integer(), nullable=False),
        sa.Column("last_year", sa.Integer(), nullable=False),
        sa.Column("base_year", sa.Integer(), nullable=False),
        sa.Column("zone_filter", sa.JSON(), nullable=False),
        sa.Column("options", sa.JSON(), nullable=False),
        sa.Column("reference", sa.JSON(), nullable=False),
        sa.Column("info", sa.JSON(), nullable=False),
        sa.Column("excluded", sa.JSON(), nullable=False),
        sa.Column("unscored", sa.JSON(), nullable=False),
        sa.Column("methodology", sa.JSON(), nullable=False),
        sa.Column("input_hash", sa.String(length=64), nullable=False),
        sa.Column("result_hash", sa.String(length=64), nullable=False),
        sa.Column("zones_scored", sa.Integer(), nullable=False),
        sa.Column("zone_years", sa.Integer(), nullable=False),
        sa.Column("duration_ms", sa.Float(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=120), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("schema_version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_panel_runs")),
    )
    with op.batch_alter_table("panel_runs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_panel_runs_input_hash"), ["input_hash"], unique=False)
        batch_op.create_index("ix_panel_runs_model_years", ["model_key", "first_year", "last_year"], unique=False)

    op.create_table(
        "panel_zone_years",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("panel_id", sa.Integer(), nullable=False),
        sa.Column("zone_code", sa.String(length=40), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        *_zone_columns(),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("composite", sa.Float(), nullable=False),
        sa.Column("rpi", sa.Float(), nullable=True),
        sa.Column("tier", sa.String(length=32), nullable=True),
        sa.Column("subgroup", sa.String(length=1), nullable=True),
        sa.Column("profile", sa.String(length=32), nullable=True),
        sa.Column("peer_group", sa.String(length=64), nullable=False),
        sa.Column("progress_points", sa.Float(), nullable=True),
        sa.Column("progress_pct", sa.Float(), nullable=True),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["panel_id"], ["panel_runs.id"], name=op.f("fk_panel_zone_years_panel_id_panel_runs"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_panel_zone_years")),
        sa.UniqueConstraint("panel_id", "zone_code", "year", name=op.f("uq_panel_zone_years_panel_id_zone_code_year")),
    )
    with op.batch_alter_table("panel_zone_years", schema=None) as batch_op:
        batch_op.create_index("ix_panel_zone_years_panel_year_rank", ["panel_id", "year", "rank"], unique=False)

    op.create_table(
        "panel_trajectories",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("panel_id", sa.Integer(), nullable=False),
        sa.Column("zone_code", sa.String(length=40), nullable=False),
        *_zone_columns(),
        sa.Column("peer_group", sa.String(length=64), nullable=False),
        sa.Column("trend", sa.String(length=16), nullable=True),
        sa.Column("slope", sa.Float(), nullable=True),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["panel_id"], ["panel_runs.id"],
                                name=op.f("fk_panel_trajectories_panel_id_panel_runs"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_panel_trajectories")),
        sa.UniqueConstraint("panel_id", "zone_code", name=op.f("uq_panel_trajectories_panel_id_zone_code")),
    )


def downgrade() -> None:
    op.drop_table("panel_trajectories")
    with op.batch_alter_table("panel_zone_years", schema=None) as batch_op:
        batch_op.drop_index("ix_panel_zone_years_panel_year_rank")
    op.drop_table("panel_zone_years")
    with op.batch_alter_table("panel_runs", schema=None) as batch_op:
        batch_op.drop_index("ix_panel_runs_model_years")
        batch_op.drop_index(batch_op.f("ix_panel_runs_input_hash"))
    op.drop_table("panel_runs")
