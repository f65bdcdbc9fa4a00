"""search index and answer outcome

Adds to ``appeals``:

* ``outcome`` (satisfied | partly | refused | no_answer) and ``answered_at``:
  set by the review and letters flows when the answer goes out; reports count them;
* ``search_text`` and ``search_terms``: the denormalised text ``store.search``
  indexes, and its lemmas and number keys;
* an index on ``registered_at`` for reports over a period;

and the search index itself: on PostgreSQL a stored generated ``search_tsv``
column with a GIN index, on SQLite the FTS5 table ``appeal_fts``.  Appeals
already in the store are indexed here.

Revision ID: 0006_search
Revises: 0001
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_search"
down_revision = "0001"
branch_labels = None
depends_on = None

TSVECTOR = (
    "to_tsvector('russian'::regconfig, coalesce(search_text, ''))"
    " || to_tsvector('simple'::regconfig, coalesce(search_terms, ''))"
)


def upgrade() -> None:
    with op.batch_alter_table("appeals", schema=None) as batch_op:
        batch_op.add_column(sa.Column("outcome", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("search_text", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("search_terms", sa.Text(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_appeals_registered_at"), ["registered_at"], unique=False
        )
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        op.execute(
            "ALTER TABLE appeals ADD COLUMN search_tsv tsvector"
            f" GENERATED ALWAYS AS ({TSVECTOR}) STORED"
        )
        op.execute("CREATE INDEX ix_appeals_search_tsv ON appeals USING gin (search_tsv)")
    else:
        op.execute(
            "CREATE VIRTUAL TABLE appeal_fts"
            " USING fts5(terms, tokenize = 'unicode61 remove_diacritics 0')"
        )
    from store.search import reindex

    reindex(bind)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX ix_appeals_search_tsv")
        op.execute("ALTER TABLE appeals DROP COLUMN search_tsv")
    else:
        op.execute("DROP TABLE appeal_fts")
    with op.batch_alter_table("appeals", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_appeals_registered_at"))
        batch_op.drop_column("search_terms")
        batch_op.drop_column("search_text")
        batch_op.drop_column("answered_at")
        batch_op.drop_column("outcome")
