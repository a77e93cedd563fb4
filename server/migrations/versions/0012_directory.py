"""issue 21, the care finder: practitioners (RPPS extraction), establishments (FINESS extraction) and the
conventions the mutuelle knows (sector, OPTAM), which neither open file carries

Revision ID: 0012
Revises: 0011 (family access, issue 21: chained when both met on side-h5)
Create Date: 2026-12-06 07:40:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "directory_practitioner",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("rpps", sa.String(length=12), nullable=False),
        sa.Column("last_name", sa.String(length=100), nullable=False),
        sa.Column("first_name", sa.String(length=100), nullable=False),
        sa.Column("profession_code", sa.String(length=4), nullable=False),
        sa.Column("profession", sa.String(length=100), nullable=False),
        sa.Column("speciality", sa.String(length=150), nullable=False),
        sa.Column("practice", sa.String(length=50), nullable=False),
        sa.Column("site", sa.String(length=200), nullable=False),
        sa.Column("address", sa.String(length=250), nullable=False),
        sa.Column("postcode", sa.String(length=5), nullable=False),
        sa.Column("town", sa.String(length=100), nullable=False),
        sa.Column("phone", sa.String(length=20), nullable=False),
        sa.Column("finess", sa.String(length=9), nullable=False),
        sa.Column("search_text", sa.String(length=700), nullable=False),
        sa.Column("town_key", sa.String(length=100), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_directory_practitioner")),
    )
    with op.batch_alter_table("directory_practitioner", schema=None) as batch_op:
        batch_op.create_index("ix_directory_practitioner_town_key", ["town_key"], unique=False)
        batch_op.create_index(batch_op.f("ix_directory_practitioner_postcode"), ["postcode"], unique=False)
        batch_op.create_index(batch_op.f("ix_directory_practitioner_rpps"), ["rpps"], unique=False)

    op.create_table(
        "directory_establishment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("finess", sa.String(length=9), nullable=False),
        sa.Column("legal_finess", sa.String(length=9), nullable=False),
        sa.Column("name", sa.String(length=250), nullable=False),
        sa.Column("category", sa.String(length=150), nullable=False),
        sa.Column("address", sa.String(length=250), nullable=False),
        sa.Column("postcode", sa.String(length=5), nullable=False),
        sa.Column("town", sa.String(length=100), nullable=False),
        sa.Column("phone", sa.String(length=20), nullable=False),
        sa.Column("x", sa.Float(), nullable=True),
        sa.Column("y", sa.Float(), nullable=True),
        sa.Column("search_text", sa.String(length=500), nullable=False),
        sa.Column("town_key", sa.String(length=100), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_directory_establishment")),
    )
    with op.batch_alter_table("directory_establishment", schema=None) as batch_op:
        batch_op.create_index("ix_directory_establishment_town_key", ["town_key"], unique=False)
        batch_op.create_index(batch_op.f("ix_directory_establishment_finess"), ["finess"], unique=False)
        batch_op.create_index(batch_op.f("ix_directory_establishment_postcode"), ["postcode"], unique=False)

    op.create_table(
        "directory_convention",
        sa.Column("rpps", sa.String(length=12), nullable=False),
        sa.Column("sector", sa.String(length=8), nullable=False),
        sa.PrimaryKeyConstraint("rpps", name=op.f("pk_directory_convention")),
    )


def downgrade() -> None:
    op.drop_table("directory_convention")
    with op.batch_alter_table("directory_establishment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_directory_establishment_postcode"))
        batch_op.drop_index(batch_op.f("ix_directory_establishment_finess"))
        batch_op.drop_index("ix_directory_establishment_town_key")
    op.drop_table("directory_establishment")
    with op.batch_alter_table("directory_practitioner", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_directory_practitioner_rpps"))
        batch_op.drop_index(batch_op.f("ix_directory_practitioner_postcode"))
        batch_op.drop_index("ix_directory_practitioner_town_key")
    op.drop_table("directory_practitioner")
