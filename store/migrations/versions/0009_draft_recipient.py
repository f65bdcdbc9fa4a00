"""each draft's recipient: the e-mail address it goes to, fixed with its version

Revision ID: 0009_draft_recipient
Revises: 0008_dispatch_claim
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009_draft_recipient"
down_revision = "0008_dispatch_claim"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("drafts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("recipient", sa.String(length=320), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("drafts", schema=None) as batch_op:
        batch_op.drop_column("recipient")
