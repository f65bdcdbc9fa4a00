"""review and dispatch: users, web sessions, the claim workflow, draft approval and sending

Revision ID: 0007_review
Revises: 0006_search
Create Date: 2026-11-23
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0007_review"
down_revision = "0006_search"
branch_labels = None
depends_on = None

APPEAL_COLUMNS: tuple[tuple[str, Any], ...] = (
    ("assignee", sa.String(length=128)),
    ("decision", sa.String(length=16)),
    ("measures", sa.Text()),
    ("extended_to", sa.Date()),
)
DRAFT_COLUMNS: tuple[tuple[str, Any], ...] = (
    ("comment", sa.Text()),
    ("approved_at", sa.DateTime(timezone=True)),
    ("message_id", sa.String(length=998)),
    ("sent_at", sa.DateTime(timezone=True)),
    ("sent_via", sa.String(length=16)),
    ("last_error", sa.Text()),
)


def upgrade() -> None:
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=128), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("name", name=op.f("uq_users_name")),
    )
    op.create_table(
        "web_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_web_sessions_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_web_sessions")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_web_sessions_token_hash")),
    )
    with op.batch_alter_table("appeals", schema=None) as batch_op:
        for name, type_ in APPEAL_COLUMNS:
            batch_op.add_column(sa.Column(name, type_, nullable=True))
        batch_op.add_column(
            sa.Column("review_round", sa.Integer(), nullable=False, server_default="1")
        )
        batch_op.create_index(batch_op.f("ix_appeals_assignee"), ["assignee"], unique=False)
    with op.batch_alter_table("drafts", schema=None) as batch_op:
        for name, type_ in DRAFT_COLUMNS:
            batch_op.add_column(sa.Column(name, type_, nullable=True))
        batch_op.add_column(sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"))
        batch_op.create_index(batch_op.f("ix_drafts_message_id"), ["message_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("drafts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_drafts_message_id"))
        for name in ("attempts", *(n for n, _ in DRAFT_COLUMNS)):
            batch_op.drop_column(name)
    with op.batch_alter_table("appeals", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_appeals_assignee"))
        for name in ("review_round", *(n for n, _ in APPEAL_COLUMNS)):
            batch_op.drop_column(name)
    op.drop_table("web_sessions")
    op.drop_table("users")
