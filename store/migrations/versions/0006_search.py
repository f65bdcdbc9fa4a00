"""search index and answer outcome

Adds to ``appeals`` ``outcome`` (satisfied | partly | refused | no_answer) and
``answered_at``, which the review and letters flows set when the answer goes
out and reports count, and an index on ``registered_at`` for reports over a
period.

Adds ``appeal_search``, one row per appeal: the denormalised text
``store.search`` indexes and its lemmas and number keys.  It is a table of its
own so that ``appeals`` rows stay narrow: on SQLite a wide row spills into
overflow pages, and every scan of ``appeals`` (lists, reports) would read them.
The index itself: on PostgreSQL a stored generated ``tsv`` column with a GIN
index, on SQLite the FTS5 table ``appeal_fts``.  Appeals already in the store
are indexed here.

Revision ID: 0006_search
Revises: 0001
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_search"
down_revision = "0002_letters"
branch_labels = None
depends_on = None

TSVECTOR = "to_tsvector('russian'::regconfig, text) || to_tsvector('simple'::regconfig, terms)"


def upgrade() -> None:
    with op.batch_alter_table("appeals", schema=None) as batch_op:
        batch_op.add_column(sa.Column("outcome", sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_appeals_registered_at"), ["registered_at"], unique=False
        )
    op.create_table(
        "appeal_search",
        sa.Column("appeal_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("terms", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["appeal_id"], ["appeals.id"], name=op.f("fk_appeal_search_appeal_id_appeals")
        ),
        sa.PrimaryKeyConstraint("appeal_id", name=op.f("pk_appeal_search")),
    )
    bind = op.get_bind()
    if bind.dialect.name == "postgresql":
        op.execute(
            "ALTER TABLE appeal_search ADD COLUMN tsv tsvector"
            f" GENERATED ALWAYS AS ({TSVECTOR}) STORED"
        )
        op.execute("CREATE INDEX ix_appeal_search_tsv ON appeal_search USING gin (tsv)")
    else:
        op.execute(
            "CREATE VIRTUAL TABLE appeal_fts"
            " USING fts5(terms, tokenize = 'unicode61 remove_diacritics 0')"
        )
    from store.search import reindex

    reindex(bind)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE appeal_fts")
    op.drop_table("appeal_search")
    with op.batch_alter_table("appeals", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_appeals_registered_at"))
        batch_op.drop_column("answered_at")
        batch_op.drop_column("outcome")
