"""A sender's earlier appeals, as the `repeat` check needs them.

The check itself is pure (``intake.grounds.repeat``); this is the query at the
edge that feeds it: appeals of the same e-mail, account or full name, newest
first, each with the content words its reading stored.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from intake.fields import Fields
from intake.grounds import EarlierAppeal, Sender
from store.db import transaction
from store.models import Appeal, Applicant

# An appeal counts as answered on the merits once its answer is out; the
# acknowledgment of registration and the notices of a ground are not answers.
ANSWERED_STATUSES = frozenset({"answered", "closed"})
ANSWER_DRAFT_TYPES = frozenset({"answer"})
SENT_DRAFT_STATUSES = frozenset({"approved", "sent"})
MOST = 20


def answered_on_merits(appeal: Appeal) -> bool:
    if appeal.grounds and not set(appeal.grounds) <= {"repeat"}:
        return False
    return appeal.status in ANSWERED_STATUSES or any(
        d.type in ANSWER_DRAFT_TYPES and d.status in SENT_DRAFT_STATUSES for d in appeal.drafts
    )


def earlier_appeal(appeal: Appeal) -> EarlierAppeal:
    person = appeal.applicant
    full = (person.surname, person.name, person.patronymic)
    reading = appeal.findings.get("reading") or {}
    return EarlierAppeal(
        reg_number=appeal.reg_number,
        registered=appeal.registered_at.date(),
        sender=Sender.named(person.email, appeal.account, full),
        category=appeal.category,
        words=frozenset(reading.get("words") or ()),
        answered=answered_on_merits(appeal),
    )


def earlier_appeals(db_url: str, fields: Fields, content_hash: str) -> list[EarlierAppeal]:
    """The sender's appeals other than the one with ``content_hash``, newest first."""
    sender = Sender.of(fields)
    same: list[sa.ColumnElement[bool]] = []
    if sender.email:
        same.append(sa.func.lower(Applicant.email) == sender.email)
    if sender.account:
        same.append(Appeal.account == sender.account)
    if fields.surname and fields.name and fields.patronymic:
        same.append(
            sa.and_(
                Applicant.surname == fields.surname,
                Applicant.name == fields.name,
                Applicant.patronymic == fields.patronymic,
            )
        )
    if not same:
        return []
    with transaction(db_url) as s:
        appeals = s.scalars(
            sa.select(Appeal)
            .join(Appeal.applicant)
            .where(sa.or_(*same), Appeal.content_hash != content_hash)
            .order_by(Appeal.registered_at.desc())
            .limit(MOST)
            .options(selectinload(Appeal.applicant), selectinload(Appeal.drafts))
        ).all()
        return [earlier_appeal(a) for a in appeals]
