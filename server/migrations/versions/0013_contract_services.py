"""issue 21: the services a product includes beyond reimbursements (assistance, téléconsultation, deuxième
avis médical, prévention) and how to reach each, beside the guarantee table every contract on it shares

Revision ID: 0013
Revises: 0010 (the lead re-chains it after 0011 and 0012 at merge)
Create Date: 2026-12-06 08:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "contract_service",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("table_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("description", sa.String(length=500), nullable=False),
        sa.Column("phone", sa.String(length=40), nullable=True),
        sa.Column("hours", sa.String(length=200), nullable=True),
        sa.Column("web", sa.String(length=200), nullable=True),
        sa.Column("conditions", sa.String(length=500), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["table_id"], ["guarantee_table.id"], name=op.f("fk_contract_service_table_id_guarantee_table")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contract_service")),
    )
    with op.batch_alter_table("contract_service", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_contract_service_table_id"), ["table_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("contract_service", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_contract_service_table_id"))
    op.drop_table("contract_service")
