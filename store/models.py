"""The store's tables.

``InboundItem`` is anything that arrived (a mail message, a scanned file),
registered or not.  An ``Appeal`` is a registered appeal with its number and
deadlines; several items may point at one appeal (duplicates, later replies).
Every change of state is written to ``Event``, the audit log.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from pismo.states import AppealStatus, Channel, DraftStatus, ItemState


class UTCDateTime(sa.TypeDecorator[dt.datetime]):
    """Aware UTC datetimes on every backend (SQLite keeps no zone)."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the store")
        return value.astimezone(dt.UTC)

    def process_result_value(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class Base(DeclarativeBase):
    metadata = sa.MetaData(
        naming_convention={
            "ix": "ix_%(table_name)s_%(column_0_N_name)s",
            "uq": "uq_%(table_name)s_%(column_0_N_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
            "pk": "pk_%(table_name)s",
            "ck": "ck_%(table_name)s_%(constraint_name)s",
        }
    )
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        dt.datetime: UTCDateTime(),
        dict[str, Any]: sa.JSON(),
    }


class InboundItem(Base):
    __tablename__ = "inbound_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    source_key: Mapped[str] = mapped_column(sa.String(512), unique=True)
    source: Mapped[str] = mapped_column(sa.Text)
    channel: Mapped[Channel] = mapped_column(sa.Enum(Channel, native_enum=False, length=16))
    content_hash: Mapped[str] = mapped_column(sa.String(64), index=True)
    size: Mapped[int]
    filename: Mapped[str | None] = mapped_column(sa.String(255))
    message_id: Mapped[str | None] = mapped_column(sa.String(998), index=True)
    received_at: Mapped[dt.datetime]
    state: Mapped[ItemState] = mapped_column(
        sa.Enum(ItemState, native_enum=False, length=32), index=True
    )
    not_registered_reason: Mapped[str | None] = mapped_column(sa.Text)
    text: Mapped[str | None] = mapped_column(sa.Text)
    # Mail headers the later stages read: subject, sender, date, references.
    meta: Mapped[dict[str, Any]] = mapped_column(default=dict)
    ocr: Mapped[dict[str, Any] | None]
    appeal_id: Mapped[int | None] = mapped_column(sa.ForeignKey("appeals.id"), index=True)

    appeal: Mapped[Appeal | None] = relationship(back_populates="items")
    attachments: Mapped[list[Attachment]] = relationship(
        back_populates="item", order_by="Attachment.id"
    )


class Attachment(Base):
    __tablename__ = "attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(sa.ForeignKey("inbound_items.id"), index=True)
    filename: Mapped[str] = mapped_column(sa.String(255))
    content_type: Mapped[str] = mapped_column(sa.String(255))
    content_hash: Mapped[str] = mapped_column(sa.String(64))
    size: Mapped[int]

    item: Mapped[InboundItem] = relationship(back_populates="attachments")


class Applicant(Base):
    __tablename__ = "applicants"

    id: Mapped[int] = mapped_column(primary_key=True)
    surname: Mapped[str | None] = mapped_column(sa.String(128), index=True)
    name: Mapped[str | None] = mapped_column(sa.String(128))
    patronymic: Mapped[str | None] = mapped_column(sa.String(128))
    postcode: Mapped[str | None] = mapped_column(sa.String(6))
    postal_address: Mapped[str | None] = mapped_column(sa.Text)
    email: Mapped[str | None] = mapped_column(sa.String(320), index=True)
    phone: Mapped[str | None] = mapped_column(sa.String(16))


class Appeal(Base):
    __tablename__ = "appeals"
    __table_args__ = (sa.UniqueConstraint("reg_year", "reg_seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    reg_number: Mapped[str] = mapped_column(sa.String(64), unique=True)
    reg_year: Mapped[int]
    reg_seq: Mapped[int]
    registered_at: Mapped[dt.datetime] = mapped_column(index=True)
    received_at: Mapped[dt.datetime]
    channel: Mapped[Channel] = mapped_column(sa.Enum(Channel, native_enum=False, length=16))
    # One appeal per content and per Message-ID: a racing duplicate fails here
    # and rolls back with its registration number, so numbers stay gapless.
    content_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    message_id: Mapped[str | None] = mapped_column(sa.String(998), unique=True)
    regime: Mapped[str] = mapped_column(sa.String(16))
    kind: Mapped[str] = mapped_column(sa.String(16))
    category: Mapped[str] = mapped_column(sa.String(32), index=True)
    department: Mapped[str | None] = mapped_column(sa.String(255))
    status: Mapped[AppealStatus] = mapped_column(
        sa.Enum(AppealStatus, native_enum=False, length=32), index=True
    )
    applicant_id: Mapped[int] = mapped_column(sa.ForeignKey("applicants.id"))
    account: Mapped[str | None] = mapped_column(sa.String(64))
    contract: Mapped[str | None] = mapped_column(sa.String(64))
    letter_date: Mapped[dt.date | None]
    signed: Mapped[bool | None]
    wants_paper_reply: Mapped[bool] = mapped_column(default=False)
    findings: Mapped[dict[str, Any]]  # {"grounds": [...], "defects": [...]}, each with evidence
    register_by: Mapped[dt.date | None]
    answer_by: Mapped[dt.date | None]
    notice_by: Mapped[dt.date | None]
    control: Mapped[dt.date | None]
    # The answer (migration 0006): set by the review and letters flows; reports count them.
    outcome: Mapped[str | None] = mapped_column(sa.String(16))  # see store.reports.OUTCOMES
    answered_at: Mapped[dt.datetime | None]
    # The claim workflow (migration 0007_review): who handles it, what was decided.
    assignee: Mapped[str | None] = mapped_column(sa.String(128), index=True)
    decision: Mapped[str | None] = mapped_column(sa.String(16))  # founded/unfounded/partly
    measures: Mapped[str | None] = mapped_column(sa.Text)
    review_round: Mapped[int] = mapped_column(default=1)  # 2 after the sender disputes
    extended_to: Mapped[dt.date | None]  # 59-FZ Art. 12 p.2, once

    applicant: Mapped[Applicant] = relationship()
    items: Mapped[list[InboundItem]] = relationship(
        back_populates="appeal", order_by="InboundItem.id"
    )
    drafts: Mapped[list[Draft]] = relationship(back_populates="appeal", order_by="Draft.id")

    @property
    def grounds(self) -> list[str]:
        return [g["code"] for g in self.findings.get("grounds", [])]


class Draft(Base):
    __tablename__ = "drafts"
    __table_args__ = (sa.UniqueConstraint("appeal_id", "type", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    appeal_id: Mapped[int] = mapped_column(sa.ForeignKey("appeals.id"), index=True)
    type: Mapped[str] = mapped_column(sa.String(32))
    ground: Mapped[str | None] = mapped_column(sa.String(32))
    version: Mapped[int] = mapped_column(default=1)
    status: Mapped[DraftStatus] = mapped_column(
        sa.Enum(DraftStatus, native_enum=False, length=16), default=DraftStatus.draft
    )
    pdf_path: Mapped[str] = mapped_column(sa.Text)
    pdf_hash: Mapped[str] = mapped_column(sa.String(64))
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    # Staff's own text and inputs (letters.drafting.LetterInputs); each edit is a new version.
    body: Mapped[str | None] = mapped_column(sa.Text)
    inputs: Mapped[dict[str, Any]] = mapped_column(default=dict)
    out_number: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    out_date: Mapped[dt.date | None]
    approved_by: Mapped[str | None] = mapped_column(sa.String(128))
    # Review and dispatch (migration 0007_review).
    comment: Mapped[str | None] = mapped_column(sa.Text)  # why it was returned
    approved_at: Mapped[dt.datetime | None]
    message_id: Mapped[str | None] = mapped_column(sa.String(998), index=True)
    sent_at: Mapped[dt.datetime | None]
    sent_via: Mapped[str | None] = mapped_column(sa.String(16))  # email / post
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(sa.Text)
    # Migration 0008: no attempt before this time: another process is sending it, or
    # the last attempt failed and the next one waits; and the print batch it went into.
    not_before: Mapped[dt.datetime | None]
    batch: Mapped[str | None] = mapped_column(sa.String(32))
    # Migration 0009: the e-mail address this version goes to (None: by post or to the
    # file), chosen when it is drafted and shown before approval; a new address, a new version.
    recipient: Mapped[str | None] = mapped_column(sa.String(320))

    appeal: Mapped[Appeal] = relationship(back_populates="drafts")


class Counter(Base):
    """Sequences that must stay gapless: one row per name and year."""

    __tablename__ = "counters"

    name: Mapped[str] = mapped_column(sa.String(32), primary_key=True)
    year: Mapped[int] = mapped_column(primary_key=True)
    value: Mapped[int] = mapped_column(default=0)


class Event(Base):
    __tablename__ = "events"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(sa.String(128))
    action: Mapped[str] = mapped_column(sa.String(64))
    item_id: Mapped[int | None] = mapped_column(sa.ForeignKey("inbound_items.id"), index=True)
    appeal_id: Mapped[int | None] = mapped_column(sa.ForeignKey("appeals.id"), index=True)
    draft_id: Mapped[int | None] = mapped_column(sa.ForeignKey("drafts.id"))
    detail: Mapped[dict[str, Any]] = mapped_column(default=dict)
