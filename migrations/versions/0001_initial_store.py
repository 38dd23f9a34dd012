"""zones, indicators, observations, chain breakdowns

Revision ID: 0001
Revises:
Create Date: 2026-11-27 07:47:18.412959
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "indicators",
        sa.Column("code", sa.String(length=64), nullable=False),
        sa.Column("name_zh", sa.String(length=200), nullable=False),
        sa.Column("name_en", sa.String(length=200), nullable=False),
        sa.Column("unit", sa.String(length=40), nullable=False),
        sa.Column("direction", sa.String(length=8), nullable=False),
        sa.Column("dimension", sa.String(length=40), nullable=False),
        sa.Column("nature", sa.String(length=16), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("min_value", sa.Float(), nullable=False),
        sa.Column("max_value", sa.Float(), nullable=False),
        sa.Column("definition", sa.Text(), nullable=False),
        sa.Column("derived_from_chain", sa.Boolean(), nullable=False),
        sa.Column("catalog_version", sa.String(length=32), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_indicators")),
    )
    op.create_table(
        "zones",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name_zh", sa.String(length=200), nullable=False),
        sa.Column("name_en", sa.String(length=200), nullable=True),
        sa.Column("province", sa.String(length=2), nullable=False),
        sa.Column("city", sa.String(length=100), nullable=True),
        sa.Column("level", sa.String(length=16), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("year_approved", sa.Integer(), nullable=True),
        sa.Column("pilot", sa.Boolean(), nullable=False),
        sa.Column("leading_chain", sa.String(length=64), nullable=True),
        sa.Column("source", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_zones")),
        sa.UniqueConstraint("code", name=op.f("uq_zones_code")),
    )
    with op.batch_alter_table("zones", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_zones_level"), ["level"], unique=False)
        batch_op.create_index(batch_op.f("ix_zones_province"), ["province"], unique=False)

    op.create_table(
        "chain_breakdowns",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("zone_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("chain_code", sa.String(length=64), nullable=False),
        sa.Column("revenue", sa.Float(), nullable=False),
        sa.Column("segments_covered", sa.Integer(), nullable=False),
        sa.Column("key_components", sa.Integer(), nullable=False),
        sa.Column("key_components_with_alt", sa.Integer(), nullable=False),
        sa.Column("local_procurement_share", sa.Float(), nullable=False),
        sa.Column("source", sa.String(length=64), nullable=True),
        sa.Column("submitted_by", sa.String(length=120), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["zone_id"], ["zones.id"], name=op.f("fk_chain_breakdowns_zone_id_zones"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_chain_breakdowns")),
        sa.UniqueConstraint("zone_id", "year", "chain_code", name=op.f("uq_chain_breakdowns_zone_id_year_chain_code")),
    )
    with op.batch_alter_table("chain_breakdowns", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_chain_breakdowns_chain_code"), ["chain_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_chain_breakdowns_year"), ["year"], unique=False)

    op.create_table(
        "observation_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("zone_id", sa.Integer(), nullable=False),
        sa.Column("indicator_code", sa.String(length=64), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("old_value", sa.Float(), nullable=True),
        sa.Column("new_value", sa.Float(), nullable=False),
        sa.Column("old_status", sa.String(length=16), nullable=True),
        sa.Column("new_status", sa.String(length=16), nullable=False),
        sa.Column("source", sa.String(length=64), nullable=True),
        sa.Column("changed_by", sa.String(length=120), nullable=True),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("request_id", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(
            ["indicator_code"], ["indicators.code"], name=op.f("fk_observation_changes_indicator_code_indicators")
        ),
        sa.ForeignKeyConstraint(
            ["zone_id"], ["zones.id"], name=op.f("fk_observation_changes_zone_id_zones"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_observation_changes")),
    )
    with op.batch_alter_table("observation_changes", schema=None) as batch_op:
        batch_op.create_index("ix_observation_changes_cell", ["zone_id", "indicator_code", "year"], unique=False)

    op.create_table(
        "observations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("zone_id", sa.Integer(), nullable=False),
        sa.Column("indicator_code", sa.String(length=64), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("source", sa.String(length=64), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("submitted_by", sa.String(length=120), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["indicator_code"], ["indicators.code"], name=op.f("fk_observations_indicator_code_indicators")
        ),
        sa.ForeignKeyConstraint(
            ["zone_id"], ["zones.id"], name=op.f("fk_observations_zone_id_zones"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_observations")),
        sa.UniqueConstraint(
            "zone_id", "indicator_code", "year", name=op.f("uq_observations_zone_id_indicator_code_year")
        ),
    )
    with op.batch_alter_table("observations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_observations_indicator_code"), ["indicator_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_observations_year"), ["year"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("observations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_observations_year"))
        batch_op.drop_index(batch_op.f("ix_observations_indicator_code"))

    op.drop_table("observations")
    with op.batch_alter_table("observation_changes", schema=None) as batch_op:
        batch_op.drop_index("ix_observation_changes_cell")

    op.drop_table("observation_changes")
    with op.batch_alter_table("chain_breakdowns", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_chain_breakdowns_year"))
        batch_op.drop_index(batch_op.f("ix_chain_breakdowns_chain_code"))

    op.drop_table("chain_breakdowns")
    with op.batch_alter_table("zones", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_zones_province"))
        batch_op.drop_index(batch_op.f("ix_zones_level"))

    op.drop_table("zones")
    op.drop_table("indicators")
