"""A sender's earlier appeals, as the `repeat` check needs them.

The check itself is pure (``intake.grounds.repeat``); this is the query at the
edge that feeds it: appeals of the same e-mail, account or full name, newest
first, each with the content words its reading stored.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from intake.fields import Fields
from intake.grounds import EarlierAppeal, Sender
from pismo.states import ANSWERED_STATUSES, DraftStatus
from store.db import transaction
from store.models import Appeal, Applicant, Draft

# An appeal counts as answered on the merits once its answer is out; the
# acknowledgment of registration and the notices of a ground are not answers.
ANSWER_DRAFT_TYPES = frozenset({"answer"})
SENT_DRAFT_STATUSES = frozenset({DraftStatus.approved, DraftStatus.sent})
MOST = 20


def earlier_appeals(db_url: str, fields: Fields, content_hash: str) -> list[EarlierAppeal]:
    """The sender's appeals other than the one with ``content_hash``, newest first.

    Columns, not ORM objects: this runs for every letter registered."""
    sender = Sender.of(fields)
    same = _same_sender(
        sender.email, sender.account, (fields.surname, fields.name, fields.patronymic)
    )
    if not same:
        return []
    with transaction(db_url) as s:
        rows = s.execute(
            sa.select(
                Appeal.id,
                Appeal.reg_number,
                Appeal.registered_at,
                Appeal.category,
                Appeal.status,
                Appeal.account,
                Appeal.findings,
                Applicant.email,
                Applicant.surname,
                Applicant.name,
                Applicant.patronymic,
            )
            .join(Appeal.applicant)
            .where(sa.or_(*same), Appeal.content_hash != content_hash)
            .order_by(Appeal.registered_at.desc())
            .limit(MOST)
        ).all()
        answers_out = (
            set(
                s.scalars(
                    sa.select(Draft.appeal_id).where(
                        Draft.appeal_id.in_([r.id for r in rows]),
                        Draft.type.in_(ANSWER_DRAFT_TYPES),
                        Draft.status.in_(SENT_DRAFT_STATUSES),
                    )
                )
            )
            if rows
            else set()
        )
    return [
        EarlierAppeal(
            reg_number=r.reg_number,
            registered=r.registered_at.date(),
            sender=Sender.named(r.email, r.account, (r.surname, r.name, r.patronymic)),
            category=r.category,
            words=frozenset((r.findings.get("reading") or {}).get("words") or ()),
            answered=_answered_on_merits(r.findings, r.status, r.id in answers_out),
        )
        for r in rows
    ]


def earlier_answers(s: Session, appeal: Appeal) -> tuple[str, ...]:
    """The answers on the merits the sender was given before on the appeal's question
    (same sender, same category), as a repeat notice names them: «от 03.11.2026 №
    ИСХ-2026-000005», oldest first."""
    person = appeal.applicant
    email = person.email.lower() if person.email else None
    same = _same_sender(email, appeal.account, (person.surname, person.name, person.patronymic))
    if not same:
        return ()
    rows = s.execute(
        sa.select(Draft.out_number, Draft.out_date)
        .join(Draft.appeal)
        .join(Appeal.applicant)
        .where(
            sa.or_(*same),
            Appeal.id != appeal.id,
            Appeal.category == appeal.category,
            Draft.type.in_(ANSWER_DRAFT_TYPES),
            Draft.status.in_(SENT_DRAFT_STATUSES),
            Draft.out_number.is_not(None),
        )
        .order_by(Draft.out_date, Draft.id)
    ).all()
    return tuple(f"от {r.out_date:%d.%m.%Y} № {r.out_number}" for r in rows)


@dataclass(frozen=True)
class OtherAppeal:
    """One of the sender's other appeals, as the appeal page lists them."""

    appeal_id: int
    reg_number: str
    registered_at: dt.datetime
    category: str
    status: str
    answers: tuple[str, ...]  # «от 03.11.2026 № ИСХ-2026-000005»


def sender_appeals(s: Session, appeal: Appeal) -> list[OtherAppeal]:
    """The sender's other appeals, newest first, each with the answers sent on it."""
    person = appeal.applicant
    email = person.email.lower() if person.email else None
    same = _same_sender(email, appeal.account, (person.surname, person.name, person.patronymic))
    if not same:
        return []
    others = s.scalars(
        sa.select(Appeal)
        .join(Appeal.applicant)
        .where(sa.or_(*same), Appeal.id != appeal.id)
        .order_by(Appeal.registered_at.desc())
        .limit(MOST)
    ).all()
    answers: dict[int, list[str]] = {}
    for row in s.execute(
        sa.select(Draft.appeal_id, Draft.out_number, Draft.out_date)
        .where(
            Draft.appeal_id.in_([a.id for a in others]),
            Draft.type.in_(ANSWER_DRAFT_TYPES),
            Draft.status.in_(SENT_DRAFT_STATUSES),
            Draft.out_number.is_not(None),
        )
        .order_by(Draft.out_date, Draft.id)
    ):
        answers.setdefault(row.appeal_id, []).append(
            f"от {row.out_date:%d.%m.%Y} № {row.out_number}"
        )
    return [
        OtherAppeal(
            a.id, a.reg_number, a.registered_at, a.category, a.status, tuple(answers.get(a.id, ()))
        )
        for a in others
    ]


def _same_sender(
    email: str | None, account: str | None, full_name: tuple[str | None, str | None, str | None]
) -> list[sa.ColumnElement[bool]]:
    """What makes an appeal the same sender's: the e-mail, the account or the full name."""
    same: list[sa.ColumnElement[bool]] = []
    if email:
        same.append(sa.func.lower(Applicant.email) == email)
    if account:
        same.append(Appeal.account == account)
    surname, name, patronymic = full_name
    if surname and name and patronymic:
        same.append(
            sa.and_(
                Applicant.surname == surname,
                Applicant.name == name,
                Applicant.patronymic == patronymic,
            )
        )
    return same


def _answered_on_merits(findings: dict[str, Any], status: str, answer_out: bool) -> bool:
    grounds = {g["code"] for g in findings.get("grounds", [])}
    if grounds and not grounds <= {"repeat"}:
        return False
    return status in ANSWERED_STATUSES or answer_out
