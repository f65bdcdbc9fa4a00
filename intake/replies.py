"""A sender's reply to one of our letters joins the appeal it answers.

A reply is recognised by its ``In-Reply-To``/``References`` naming the
Message-ID of a letter of the appeal, or by the appeal's registration number
in the subject (``Re: ВХ-2026-000012``).  The item is kept, linked to the
appeal, and not registered again: ``not_registered_reason`` is
``reply-to NUMBER``.  Auto-replies never get here: noise is sorted out first.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.orm import Session

from store.models import Appeal, InboundItem


def reg_number_pattern(number_format: str, prefix: str) -> re.Pattern[str]:
    """A regex matching the numbers ``format_number`` makes with this format."""
    fields = {"prefix": re.escape(prefix), "year": r"\d{4}", "seq": r"\d+"}
    parts = re.split(r"\{(\w+)(?::[^}]*)?\}", number_format)
    # re.split alternates literal text and field names.
    regex = "".join(
        fields.get(part, r"\S+") if i % 2 else re.escape(part) for i, part in enumerate(parts)
    )
    return re.compile(rf"(?<![\w-]){regex}(?!\d)")


def replied_appeal(
    session: Session, references: Sequence[str], subject: str, number: re.Pattern[str]
) -> Appeal | None:
    """The appeal this letter answers, if it is a reply to one of ours."""
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
