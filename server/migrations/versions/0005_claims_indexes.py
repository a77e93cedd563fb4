"""claims list: covering index of claim_line (amounts and act labels by claim)

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23 18:00:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = ["claim_id", "act", "label", "charged", "amo_paid", "amc_paid", "out_of_pocket"]


def upgrade() -> None:
    op.create_index("ix_claim_line_claim_amounts", "claim_line", COLUMNS, unique=False)


def downgrade() -> None:
    op.drop_index("ix_claim_line_claim_amounts", table_name="claim_line")
