"""issue 16: history of contact changes (origin, conseiller, strong verification, old value, reverted), the
« ce n'est pas moi » token pointing at its change, and a step-up code voided by a newer one

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-25 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("contact_change", schema=None) as batch_op:
        batch_op.add_column(sa.Column("origin", sa.String(length=32), nullable=False, server_default="member"))
        batch_op.add_column(sa.Column("agent_account_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("strong", sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.add_column(sa.Column("old_value", sa.String(length=254), nullable=True))
        batch_op.add_column(sa.Column("reverted_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_contact_change_agent_account_id_account"), "account", ["agent_account_id"], ["id"]
        )
    with op.batch_alter_table("mail_token", schema=None) as batch_op:
        batch_op.add_column(sa.Column("contact_change_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_mail_token_contact_change_id_contact_change"),
            "contact_change",
            ["contact_change_id"],
            ["id"],
        )
    with op.batch_alter_table("step_up", schema=None) as batch_op:
        batch_op.add_column(sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("step_up", schema=None) as batch_op:
        batch_op.drop_column("cancelled_at")
    with op.batch_alter_table("mail_token", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_mail_token_contact_change_id_contact_change"), type_="foreignkey")
        batch_op.drop_column("contact_change_id")
    with op.batch_alter_table("contact_change", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_contact_change_agent_account_id_account"), type_="foreignkey")
        batch_op.drop_column("reverted_at")
        batch_op.drop_column("old_value")
        batch_op.drop_column("strong")
        batch_op.drop_column("agent_account_id")
        batch_op.drop_column("origin")
