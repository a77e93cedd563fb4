"""issue 21 (care finder) / issue 20: the directory's search words through an index — SQLite FTS5 (external
content, the ``ascii`` tokenizer) and a PostgreSQL GIN index over ``to_tsvector('simple', search_text)``: a search
word finds the rows having a word of ``search_text`` that begins with it without reading the whole table

``search_text`` is already folded (lower case, no accents, words of [0-9a-z] separated by one space), so both
split it into the same words. The FTS5 tables are not in ``SQLModel.metadata`` (virtual tables and their shadow
tables): ``models.tables.directory.outside_metadata`` names them for the schema comparisons.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06 10:40:00
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("directory_practitioner", "directory_establishment")


def upgrade() -> None:
    for table in TABLES:
        if op.get_bind().dialect.name == "sqlite":
            fts = f"{table}_fts"
            op.execute(
                f"CREATE VIRTUAL TABLE {fts} USING fts5(search_text, content='{table}', content_rowid='id', "
                "detail='none', tokenize='ascii')"
            )
            op.execute(f"INSERT INTO {fts}({fts}) VALUES ('rebuild')")  # the rows already imported
        else:
            op.execute(f"CREATE INDEX ix_{table}_words ON {table} USING gin (to_tsvector('simple', search_text))")


def downgrade() -> None:
    for table in TABLES:
        if op.get_bind().dialect.name == "sqlite":
            op.execute(f"DROP TABLE {table}_fts")
        else:
            op.execute(f"DROP INDEX ix_{table}_words")
