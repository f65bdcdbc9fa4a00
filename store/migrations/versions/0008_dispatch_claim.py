"""dispatch exactly once: a draft is claimed before it is sent, and failures back off

Revision ID: 0008_dispatch_claim
Revises: 0007_review
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008_dispatch_claim"
down_revision = "0007_review"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("drafts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("not_before", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("batch", sa.String(length=32), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("drafts", schema=None) as batch_op:
        batch_op.drop_column("batch")
        batch_op.drop_column("not_before")
