"""mon profil: RIB (IBAN encrypted), pending email/mobile changes, preferences, step-up

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-23 18:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "bank_account",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("purpose", sa.String(length=32), nullable=False),
        sa.Column("beneficiary_id", sa.Integer(), nullable=True),
        sa.Column("iban", sa.String(length=255), nullable=False),
        sa.Column("iban_masked", sa.String(length=50), nullable=False),
        sa.Column("bic", sa.String(length=11), nullable=False),
        sa.Column("holder", sa.String(length=140), nullable=False),
        sa.Column("mandate_rum", sa.String(length=35), nullable=True),
        sa.Column("mandate_signed_on", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("replaced_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["beneficiary_id"], ["beneficiary.id"], name=op.f("fk_bank_account_beneficiary_id_beneficiary")
        ),
        sa.ForeignKeyConstraint(["member_id"], ["member.id"], name=op.f("fk_bank_account_member_id_member")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bank_account")),
    )
    with op.batch_alter_table("bank_account", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_bank_account_member_id"), ["member_id"], unique=False)

    op.create_table(
        "contact_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=32), nullable=False),
        sa.Column("new_value", sa.String(length=254), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("wrong_codes", sa.Integer(), nullable=False),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["member_id"], ["member.id"], name=op.f("fk_contact_change_member_id_member")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contact_change")),
    )
    with op.batch_alter_table("contact_change", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_contact_change_member_id"), ["member_id"], unique=False)

    op.create_table(
        "member_preferences",
        sa.Column("member_id", sa.Integer(), nullable=False),
        sa.Column("statements", sa.String(length=32), nullable=False),
        sa.Column("channels", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["member_id"], ["member.id"], name=op.f("fk_member_preferences_member_id_member")),
        sa.PrimaryKeyConstraint("member_id", name=op.f("pk_member_preferences")),
    )

    op.create_table(
        "step_up",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("auth_session_id", sa.Integer(), nullable=False),
        sa.Column("method", sa.String(length=16), nullable=False),
        sa.Column("code_hash", sa.String(length=64), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("wrong_codes", sa.Integer(), nullable=False),
        sa.Column("verified_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["auth_session_id"], ["auth_session.id"], name=op.f("fk_step_up_auth_session_id_auth_session")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_step_up")),
    )
    with op.batch_alter_table("step_up", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_step_up_auth_session_id"), ["auth_session_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("step_up", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_step_up_auth_session_id"))
    op.drop_table("step_up")
    op.drop_table("member_preferences")
    with op.batch_alter_table("contact_change", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_contact_change_member_id"))
    op.drop_table("contact_change")
    with op.batch_alter_table("bank_account", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_bank_account_member_id"))
    op.drop_table("bank_account")
