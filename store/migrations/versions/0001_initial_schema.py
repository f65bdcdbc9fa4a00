"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "applicants",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("surname", sa.String(length=128), nullable=True),
        sa.Column("name", sa.String(length=128), nullable=True),
        sa.Column("patronymic", sa.String(length=128), nullable=True),
        sa.Column("postcode", sa.String(length=6), nullable=True),
        sa.Column("postal_address", sa.Text(), nullable=True),
        sa.Column("email", sa.String(length=320), nullable=True),
        sa.Column("phone", sa.String(length=16), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_applicants")),
    )
    with op.batch_alter_table("applicants", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_applicants_email"), ["email"], unique=False)
        batch_op.create_index(batch_op.f("ix_applicants_surname"), ["surname"], unique=False)

    op.create_table(
        "counters",
        sa.Column("name", sa.String(length=32), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("value", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("name", "year", name=op.f("pk_counters")),
    )
    op.create_table(
        "appeals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reg_number", sa.String(length=64), nullable=False),
        sa.Column("reg_year", sa.Integer(), nullable=False),
        sa.Column("reg_seq", sa.Integer(), nullable=False),
        sa.Column("registered_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "channel",
            sa.Enum("email", "post", name="channel", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("message_id", sa.String(length=998), nullable=True),
        sa.Column("regime", sa.String(length=16), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("category", sa.String(length=32), nullable=False),
        sa.Column("department", sa.String(length=255), nullable=True),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("applicant_id", sa.Integer(), nullable=False),
        sa.Column("account", sa.String(length=64), nullable=True),
        sa.Column("contract", sa.String(length=64), nullable=True),
        sa.Column("letter_date", sa.Date(), nullable=True),
        sa.Column("signed", sa.Boolean(), nullable=True),
        sa.Column("wants_paper_reply", sa.Boolean(), nullable=False),
        sa.Column("findings", sa.JSON(), nullable=False),
        sa.Column("register_by", sa.Date(), nullable=True),
        sa.Column("answer_by", sa.Date(), nullable=True),
        sa.Column("notice_by", sa.Date(), nullable=True),
        sa.Column("control", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["applicant_id"], ["applicants.id"], name=op.f("fk_appeals_applicant_id_applicants")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_appeals")),
        sa.UniqueConstraint("content_hash", name=op.f("uq_appeals_content_hash")),
        sa.UniqueConstraint("message_id", name=op.f("uq_appeals_message_id")),
        sa.UniqueConstraint("reg_number", name=op.f("uq_appeals_reg_number")),
        sa.UniqueConstraint("reg_year", "reg_seq", name=op.f("uq_appeals_reg_year_reg_seq")),
    )
    with op.batch_alter_table("appeals", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_appeals_category"), ["category"], unique=False)
        batch_op.create_index(batch_op.f("ix_appeals_status"), ["status"], unique=False)

    op.create_table(
        "drafts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("appeal_id", sa.Integer(), nullable=False),
        sa.Column("type", sa.String(length=32), nullable=False),
        sa.Column("ground", sa.String(length=32), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("pdf_path", sa.Text(), nullable=False),
        sa.Column("pdf_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["appeal_id"], ["appeals.id"], name=op.f("fk_drafts_appeal_id_appeals")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_drafts")),
        sa.UniqueConstraint(
            "appeal_id", "type", "version", name=op.f("uq_drafts_appeal_id_type_version")
        ),
    )
    with op.batch_alter_table("drafts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_drafts_appeal_id"), ["appeal_id"], unique=False)

    op.create_table(
        "inbound_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source_key", sa.String(length=512), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column(
            "channel",
            sa.Enum("email", "post", name="channel", native_enum=False, length=16),
            nullable=False,
        ),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=True),
        sa.Column("message_id", sa.String(length=998), nullable=True),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "state",
            sa.Enum(
                "received",
                "read",
                "registered",
                "needs_transcription",
                "not_registered",
                "quarantined",
                name="itemstate",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("not_registered_reason", sa.Text(), nullable=True),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("meta", sa.JSON(), nullable=False),
        sa.Column("ocr", sa.JSON(), nullable=True),
        sa.Column("appeal_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["appeal_id"], ["appeals.id"], name=op.f("fk_inbound_items_appeal_id_appeals")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inbound_items")),
        sa.UniqueConstraint("source_key", name=op.f("uq_inbound_items_source_key")),
    )
    with op.batch_alter_table("inbound_items", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_inbound_items_appeal_id"), ["appeal_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_inbound_items_content_hash"), ["content_hash"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_inbound_items_message_id"), ["message_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_inbound_items_state"), ["state"], unique=False)

    op.create_table(
        "attachments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("content_type", sa.String(length=255), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"], ["inbound_items.id"], name=op.f("fk_attachments_item_id_inbound_items")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_attachments")),
    )
    with op.batch_alter_table("attachments", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_attachments_item_id"), ["item_id"], unique=False)

    op.create_table(
        "events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=128), nullable=False),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("item_id", sa.Integer(), nullable=True),
        sa.Column("appeal_id", sa.Integer(), nullable=True),
        sa.Column("draft_id", sa.Integer(), nullable=True),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["appeal_id"], ["appeals.id"], name=op.f("fk_events_appeal_id_appeals")
        ),
        sa.ForeignKeyConstraint(
            ["draft_id"], ["drafts.id"], name=op.f("fk_events_draft_id_drafts")
        ),
        sa.ForeignKeyConstraint(
            ["item_id"], ["inbound_items.id"], name=op.f("fk_events_item_id_inbound_items")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_events")),
    )
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_events_appeal_id"), ["appeal_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_events_at"), ["at"], unique=False)
        batch_op.create_index(batch_op.f("ix_events_item_id"), ["item_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_events_item_id"))
        batch_op.drop_index(batch_op.f("ix_events_at"))
        batch_op.drop_index(batch_op.f("ix_events_appeal_id"))

    op.drop_table("events")
    with op.batch_alter_table("attachments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_attachments_item_id"))

    op.drop_table("attachments")
    with op.batch_alter_table("inbound_items", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_inbound_items_state"))
        batch_op.drop_index(batch_op.f("ix_inbound_items_message_id"))
        batch_op.drop_index(batch_op.f("ix_inbound_items_content_hash"))
        batch_op.drop_index(batch_op.f("ix_inbound_items_appeal_id"))

    op.drop_table("inbound_items")
    with op.batch_alter_table("drafts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_drafts_appeal_id"))

    op.drop_table("drafts")
    with op.batch_alter_table("appeals", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_appeals_status"))
        batch_op.drop_index(batch_op.f("ix_appeals_category"))

    op.drop_table("appeals")
    op.drop_table("counters")
    with op.batch_alter_table("applicants", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_applicants_surname"))
        batch_op.drop_index(batch_op.f("ix_applicants_email"))

    op.drop_table("applicants")
