"""Stage 3b: a judged letter is registered: its number and deadlines, in one transaction.

The same letter again (same content or Message-ID) joins the first appeal as a
duplicate; a sender's reply to one of our letters joins the appeal it answers.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import Session

from intake.replies import reg_number_pattern
from pismo.context import Context
from pismo.errors import describe
from pismo.stages.judge import Judgement, applicant_values, judge, judged_values
from pismo.stages.receive import quarantine
from pismo.states import ItemState
from store.db import transaction
from store.models import Appeal, Applicant, InboundItem, utcnow
from store.registration import INCOMING, audit, format_number, next_number
from store.search import index_appeal


def register(ctx: Context, item_id: int) -> int | None:
    """Give the item's appeal its number and deadlines; a duplicate joins the first one."""
    with transaction(ctx.db) as s:
        item = s.get_one(InboundItem, item_id)
        if item.state is not ItemState.read:
            return item.appeal_id
        attachments = len(item.attachments)
    try:
        judgement = judge(ctx, item, attachments)
    except Exception as exc:  # a letter that trips the reader costs that letter alone
        quarantine(ctx, item_id, f"cannot be read for findings: {describe(exc)}")
        return None
    for attempt in (1, 2):
        try:
            return _register(ctx, item_id, judgement)
        except sa.exc.IntegrityError:
            # Another process registered the same letter a moment ago; the
            # second attempt finds it and records this item as its duplicate.
            if attempt == 2:
                raise
    return None


def _register(ctx: Context, item_id: int, j: Judgement) -> int | None:
    org = ctx.settings.org
    with transaction(ctx.db) as s:
        item = s.get_one(InboundItem, item_id, with_for_update=True)
        if item.state is not ItemState.read:
            return item.appeal_id
        same = [Appeal.content_hash == item.content_hash]
        if item.message_id:
            same.append(Appeal.message_id == item.message_id)
        first = s.scalar(sa.select(Appeal).where(sa.or_(*same)))
        if first is not None:
            item.state = ItemState.not_registered
            item.not_registered_reason = "duplicate"
            item.appeal_id = first.id
            audit(s, "duplicate", item_id=item_id, appeal_id=first.id)
            return first.id
        number = reg_number_pattern(org.reg_number_format, org.reg_prefix)
        meta = item.meta
        answered = replied_appeal(
            s, meta.get("references") or [], meta.get("subject") or "", number
        )
        if answered is not None:
            item.state = ItemState.not_registered
            item.not_registered_reason = f"reply-to {answered.reg_number}"
            item.appeal_id = answered.id
            audit(s, "joined", item_id=item_id, appeal_id=answered.id)
            return answered.id
        now = utcnow()
        today = now.astimezone(ZoneInfo(org.timezone)).date()
        received = item.received_at.astimezone(ZoneInfo(org.timezone)).date()
        seq = next_number(s, INCOMING, today.year)
        appeal = Appeal(
            reg_number=format_number(org.reg_number_format, org.reg_prefix, today.year, seq),
            reg_year=today.year,
            reg_seq=seq,
            registered_at=now,
            received_at=item.received_at,
            channel=item.channel,
            content_hash=item.content_hash,
            message_id=item.message_id,
            regime=org.regime,
            applicant=Applicant(**applicant_values(j.fields)),
            **judged_values(
                ctx,
                j,
                received=received,
                registered=today,
                source_department=item.meta.get("mailbox_department"),
            ),
        )
        s.add(appeal)
        s.flush()
        item.appeal_id = appeal.id
        index_appeal(s, appeal)
        item.state = j.item_state
        audit(
            s,
            "registered",
            item_id=item_id,
            appeal_id=appeal.id,
            reg_number=appeal.reg_number,
            kind=j.kind,
            category=j.category,
            grounds=list(j.grounds),
        )
        return appeal.id


def replied_appeal(
    session: Session, references: Sequence[str], subject: str, number: re.Pattern[str]
) -> Appeal | None:
    """The appeal this letter answers, if it is a reply to one of ours: its
    ``In-Reply-To``/``References`` name a Message-ID of the appeal, or its subject
    the appeal's number (``Re: ВХ-2026-000012``)."""
    if references:
        by_message = session.scalar(
            sa.select(Appeal).where(Appeal.message_id.in_(references)).order_by(Appeal.id).limit(1)
        ) or session.scalar(
            sa.select(Appeal)
            .join(InboundItem, InboundItem.appeal_id == Appeal.id)
            .where(InboundItem.message_id.in_(references))
            .order_by(Appeal.id)
            .limit(1)
        )
        if by_message is not None:
            return by_message
    for match in number.finditer(subject):
        appeal = session.scalar(sa.select(Appeal).where(Appeal.reg_number == match.group(0)))
        if appeal is not None:
            return appeal
    return None
