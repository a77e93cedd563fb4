"""console conseiller: accent- and case-insensitive name search (member.search_*), mail attachments

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-24 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from models.domain.identifiers import fold_name

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

BATCH = 1000


def upgrade() -> None:
    op.add_column("member", sa.Column("search_last_name", sa.String(length=100), nullable=False, server_default=""))
    op.add_column("member", sa.Column("search_first_name", sa.String(length=100), nullable=False, server_default=""))
    # Existing rows: the same fold as on write (Python's unicodedata, so SQLite and PostgreSQL agree).
    conn = op.get_bind()
    member = sa.table(
        "member",
        sa.column("id", sa.Integer),
        sa.column("first_name", sa.String),
        sa.column("last_name", sa.String),
        sa.column("search_first_name", sa.String),
        sa.column("search_last_name", sa.String),
    )
    last_id = 0
    while True:
        rows = conn.execute(
            sa.select(member.c.id, member.c.last_name, member.c.first_name)
            .where(member.c.id > last_id)
            .order_by(member.c.id)
            .limit(BATCH)
        ).all()
        if not rows:
            break
        conn.execute(
            member.update().where(member.c.id == sa.bindparam("b_id")),
            [
                {"b_id": r.id, "search_last_name": fold_name(r.last_name), "search_first_name": fold_name(r.first_name)}
                for r in rows
            ],
        )
        last_id = rows[-1].id
    op.create_index("ix_member_search_name", "member", ["search_last_name", "search_first_name"], unique=False)
    op.drop_index("ix_member_lower_last_first", table_name="member")

    op.create_table(
        "mail_attachment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("mail_id", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(["mail_id"], ["mail_outbox.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_mail_attachment_mail_id", "mail_attachment", ["mail_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_mail_attachment_mail_id", table_name="mail_attachment")
    op.drop_table("mail_attachment")
    op.create_index(
        "ix_member_lower_last_first",
        "member",
        [sa.text("lower(last_name)"), sa.text("lower(first_name)")],
        unique=False,
    )
    op.drop_index("ix_member_search_name", table_name="member")
    op.drop_column("member", "search_first_name")
    op.drop_column("member", "search_last_name")
