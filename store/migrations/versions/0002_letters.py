"""letters: editable draft text, inputs, outgoing numbers

Revision ID: 0002_letters
Revises: 0001
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_letters"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("drafts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("body", sa.Text(), nullable=True))
        batch_op.add_column(
            sa.Column("inputs", sa.JSON(), nullable=False, server_default=sa.text("'{}'"))
        )
        batch_op.add_column(sa.Column("out_number", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("out_date", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("approved_by", sa.String(length=128), nullable=True))
        batch_op.create_unique_constraint(batch_op.f("uq_drafts_out_number"), ["out_number"])


def downgrade() -> None:
    with op.batch_alter_table("drafts", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("uq_drafts_out_number"), type_="unique")
        for column in ("approved_by", "out_date", "out_number", "inputs", "body"):
            batch_op.drop_column(column)
