"""issue 21: family access — an adult ayant droit's own account (account.beneficiary_id), their posted code
d'accès and their confidentiality choice (beneficiary), and the conversations their access opens

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06 08:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("account", schema=None) as batch_op:
        batch_op.add_column(sa.Column("beneficiary_id", sa.Integer(), nullable=True))
        batch_op.create_unique_constraint(batch_op.f("uq_account_beneficiary_id"), ["beneficiary_id"])
        batch_op.create_foreign_key(
            batch_op.f("fk_account_beneficiary_id_beneficiary"), "beneficiary", ["beneficiary_id"], ["id"]
        )
    with op.batch_alter_table("beneficiary", schema=None) as batch_op:
        batch_op.add_column(sa.Column("access_code_hash", sa.String(length=255), nullable=True))
        batch_op.add_column(sa.Column("care_private_since", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("message_thread", schema=None) as batch_op:
        batch_op.add_column(sa.Column("beneficiary_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_message_thread_beneficiary_id_beneficiary"), "beneficiary", ["beneficiary_id"], ["id"]
        )
        batch_op.create_index(batch_op.f("ix_message_thread_beneficiary_id"), ["beneficiary_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("message_thread", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_message_thread_beneficiary_id"))
        batch_op.drop_constraint(batch_op.f("fk_message_thread_beneficiary_id_beneficiary"), type_="foreignkey")
        batch_op.drop_column("beneficiary_id")
    with op.batch_alter_table("beneficiary", schema=None) as batch_op:
        batch_op.drop_column("care_private_since")
        batch_op.drop_column("access_code_hash")
    with op.batch_alter_table("account", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_account_beneficiary_id_beneficiary"), type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("uq_account_beneficiary_id"), type_="unique")
        batch_op.drop_column("beneficiary_id")
