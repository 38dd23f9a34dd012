"""chain breakdowns: key products (卡脖子 measure), a revision count and a change history

Revision ID: 0006_chain_products
Revises: 0005_client_request_ids
Create Date: 2026-12-08 10:00:00.000000

Each breakdown may list its key products with technology threshold, localisation rate and whether
an alternative source exists (chain_key_products); every change of a breakdown is kept with its old
and new figures (chain_breakdown_changes), like observation_changes. Breakdowns stored before this
migration get one history entry each (old NULL, new = their figures, by whoever submitted them), so
the history of every stored breakdown starts with its current figures.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006_chain_products"
down_revision: str | None = "0005_client_request_ids"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_FIGURES = ("revenue", "segments_covered", "key_components", "key_components_with_alt",
            "local_procurement_share", "source")


def _create_tables() -> None:
    op.create_table(
        "chain_key_products",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("breakdown_id", sa.Integer(), nullable=False),
        sa.Column("product", sa.String(length=64), nullable=False),
        sa.Column("threshold", sa.String(length=8), nullable=False),
        sa.Column("localisation_rate", sa.Float(), nullable=False),
        sa.Column("alternative_source", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(["breakdown_id"], ["chain_breakdowns.id"],
                                name=op.f("fk_chain_key_products_breakdown_id_chain_breakdowns"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_chain_key_products")),
        sa.UniqueConstraint("breakdown_id", "product", name=op.f("uq_chain_key_products_breakdown_id_product")),
    )
    with op.batch_alter_table("chain_key_products", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_chain_key_products_breakdown_id"), ["breakdown_id"], unique=False)
    op.create_table(
        "chain_breakdown_changes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("zone_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("chain_code", sa.String(length=64), nullable=False),
        sa.Column("old", sa.JSON(), nullable=True),
        sa.Column("new", sa.JSON(), nullable=False),
        sa.Column("changed_by", sa.String(length=120), nullable=True),
        sa.Column("key_id", sa.Integer(), nullable=True),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("request_id", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(["key_id"], ["api_keys.id"], name=op.f("fk_chain_breakdown_changes_key_id_api_keys")),
        sa.ForeignKeyConstraint(["zone_id"], ["zones.id"], name=op.f("fk_chain_breakdown_changes_zone_id_zones"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_chain_breakdown_changes")),
    )
    with op.batch_alter_table("chain_breakdown_changes", schema=None) as batch_op:
        batch_op.create_index("ix_chain_breakdown_changes_cell", ["zone_id", "year", "chain_code"], unique=False)


def _backfill_history() -> None:
    """One history entry per breakdown already stored: its current figures, without key products."""
    bind = op.get_bind()
    breakdowns = sa.table(
        "chain_breakdowns", sa.column("zone_id", sa.Integer()), sa.column("year", sa.Integer()),
        sa.column("chain_code", sa.String()), sa.column("submitted_by", sa.String()),
        sa.column("updated_at", sa.DateTime(timezone=True)), *(sa.column(name) for name in _FIGURES),
    )
    changes = sa.table(
        "chain_breakdown_changes", sa.column("zone_id", sa.Integer()), sa.column("year", sa.Integer()),
        sa.column("chain_code", sa.String()), sa.column("old", sa.JSON()), sa.column("new", sa.JSON()),
        sa.column("changed_by", sa.String()), sa.column("changed_at", sa.DateTime(timezone=True)),
    )
    rows = [
        {"zone_id": r.zone_id, "year": r.year, "chain_code": r.chain_code, "old": None,
         "new": {**{name: getattr(r, name) for name in _FIGURES}, "key_products": None},
         "changed_by": r.submitted_by, "changed_at": r.updated_at}
        for r in bind.execute(sa.select(breakdowns))
    ]
    for start in range(0, len(rows), 5000):
        bind.execute(sa.insert(changes), rows[start : start + 5000])


def upgrade() -> None:
    with op.batch_alter_table("chain_breakdowns", schema=None) as batch_op:
        batch_op.add_column(sa.Column("revision", sa.Integer(), server_default="1", nullable=False))
    _create_tables()
    _backfill_history()


def downgrade() -> None:
    with op.batch_alter_table("chain_breakdown_changes", schema=None) as batch_op:
        batch_op.drop_index("ix_chain_breakdown_changes_cell")
    op.drop_table("chain_breakdown_changes")
    with op.batch_alter_table("chain_key_products", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_chain_key_products_breakdown_id"))
    op.drop_table("chain_key_products")
    with op.batch_alter_table("chain_breakdowns", schema=None) as batch_op:
        batch_op.drop_column("revision")
