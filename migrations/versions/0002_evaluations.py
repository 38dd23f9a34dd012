"""model specs and evaluation runs

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27 07:51:44.663432
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "evaluation_runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("model_key", sa.String(length=64), nullable=False),
        sa.Column("model_version", sa.String(length=32), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("zone_filter", sa.JSON(), nullable=False),
        sa.Column("options", sa.JSON(), nullable=False),
        sa.Column("input_hash", sa.String(length=64), nullable=False),
        sa.Column("result_hash", sa.String(length=64), nullable=False),
        sa.Column("zones_ranked", sa.Integer(), nullable=False),
        sa.Column("zones_excluded", sa.Integer(), nullable=False),
        sa.Column("info", sa.JSON(), nullable=False),
        sa.Column("excluded", sa.JSON(), nullable=False),
        sa.Column("methodology", sa.JSON(), nullable=False),
        sa.Column("duration_ms", sa.Float(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=120), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evaluation_runs")),
    )
    with op.batch_alter_table("evaluation_runs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_evaluation_runs_input_hash"), ["input_hash"], unique=False)
        batch_op.create_index("ix_evaluation_runs_model_year", ["model_key", "year"], unique=False)

    op.create_table(
        "model_specs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("version", sa.String(length=32), nullable=False),
        sa.Column("spec", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=120), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_model_specs")),
        sa.UniqueConstraint("key", "version", name=op.f("uq_model_specs_key_version")),
    )
    with op.batch_alter_table("model_specs", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_model_specs_key"), ["key"], unique=False)

    op.create_table(
        "evaluation_zone_results",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("zone_code", sa.String(length=40), nullable=False),
        sa.Column("name_zh", sa.String(length=200), nullable=True),
        sa.Column("name_en", sa.String(length=200), nullable=True),
        sa.Column("province", sa.String(length=2), nullable=True),
        sa.Column("level", sa.String(length=16), nullable=True),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("composite", sa.Float(), nullable=False),
        sa.Column("rpi", sa.Float(), nullable=True),
        sa.Column("tier", sa.String(length=32), nullable=True),
        sa.Column("subgroup", sa.String(length=1), nullable=True),
        sa.Column("peer_group", sa.String(length=64), nullable=False),
        sa.Column("peer_rank", sa.Integer(), nullable=False),
        sa.Column("profile", sa.String(length=32), nullable=True),
        sa.Column("badges", sa.JSON(), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["run_id"],
            ["evaluation_runs.id"],
            name=op.f("fk_evaluation_zone_results_run_id_evaluation_runs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_evaluation_zone_results")),
        sa.UniqueConstraint("run_id", "zone_code", name=op.f("uq_evaluation_zone_results_run_id_zone_code")),
    )
    with op.batch_alter_table("evaluation_zone_results", schema=None) as batch_op:
        batch_op.create_index("ix_evaluation_zone_results_run_rank", ["run_id", "rank"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("evaluation_zone_results", schema=None) as batch_op:
        batch_op.drop_index("ix_evaluation_zone_results_run_rank")

    op.drop_table("evaluation_zone_results")
    with op.batch_alter_table("model_specs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_model_specs_key"))

    op.drop_table("model_specs")
    with op.batch_alter_table("evaluation_runs", schema=None) as batch_op:
        batch_op.drop_index("ix_evaluation_runs_model_year")
        batch_op.drop_index(batch_op.f("ix_evaluation_runs_input_hash"))

    op.drop_table("evaluation_runs")
