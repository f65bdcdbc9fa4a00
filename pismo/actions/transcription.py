"""A person's word on a scan that OCR could not read well enough.

An appeal whose scan had a page under ``ocr.min_confidence`` is registered
(its legal terms run from receipt whatever the scan looks like) with status
``needs_transcription``, and gets no draft.  A clerk then either types the
letter's text, which replaces the OCR text and is read and checked again
like any letter, or confirms that it cannot be read.  Only that confirmation
gives the ``illegible`` ground (59-FZ Art. 11 p.4): OCR alone never does.
The machine's text is kept in the item's ``ocr`` record, and the audit log
says who did what.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import Session

from intake.checks import ground
from pismo.context import Context
from pismo.errors import Conflict, InputError, NotFound
from pismo.stages.draft import draft
from pismo.stages.judge import Judgement, applicant_values, judge, judged_values
from pismo.states import AppealStatus
from store.db import transaction
from store.models import Appeal, InboundItem
from store.registration import audit


@dataclass(frozen=True)
class Transcribed:
    reg_number: str
    grounds: tuple[str, ...]
    drafts: tuple[str, ...]


def transcribe(ctx: Context, reg_number: str, text: str | None, *, actor: str) -> Transcribed:
    """Record a clerk's transcription (``text``) or, with ``text=None``, their
    confirmation that the letter is unreadable; then check it again and draft.

    The letter is judged as registration judges it, the sender's earlier appeals
    included, outside any transaction; the result is written only if nobody
    transcribed the appeal meanwhile."""
    if text is not None and not text.strip():
        raise InputError("the transcription is empty: type the letter's text, or --unreadable")
    with transaction(ctx.db) as s:
        item = _awaiting(s, reg_number).items[0]
        typed = _transcribed(item, text)
        attachments = len(item.attachments)
    judgement = judge(ctx, typed, attachments)
    if text is None:
        judgement = _with_illegible(judgement, actor)
    with transaction(ctx.db) as s:
        appeal = _awaiting(s, reg_number)
        item = appeal.items[0]
        item.text, item.ocr = typed.text, typed.ocr
        tz = ZoneInfo(ctx.settings.org.timezone)
        values = judged_values(
            ctx,
            judgement,
            received=appeal.received_at.astimezone(tz).date(),
            registered=appeal.registered_at.astimezone(tz).date(),
            source_department=item.meta.get("mailbox_department"),
        )
        for name, value in values.items():
            setattr(appeal, name, value)
        for name, value in applicant_values(judgement.fields).items():
            setattr(appeal.applicant, name, value)
        item.state = judgement.item_state
        audit(
            s,
            "transcribed" if text is not None else "confirmed_unreadable",
            actor=actor,
            item_id=item.id,
            appeal_id=appeal.id,
            grounds=list(judgement.grounds),
        )
        appeal_id = appeal.id
    return Transcribed(reg_number, judgement.grounds, tuple(draft(ctx, appeal_id)))


def _awaiting(s: Session, reg_number: str) -> Appeal:
    appeal = s.scalar(sa.select(Appeal).where(Appeal.reg_number == reg_number).with_for_update())
    if appeal is None:
        raise NotFound(f"no appeal numbered {reg_number}; see `pismo list`")
    if appeal.status != AppealStatus.needs_transcription:
        raise Conflict(f"{reg_number}: текст уже набран или не требуется")
    return appeal


def _transcribed(item: InboundItem, text: str | None) -> InboundItem:
    """The item as the person's word leaves it, not yet stored: the typed text in
    place of OCR's (which the ``ocr`` record keeps), or the scan marked unreadable."""
    ocr: dict[str, Any] = dict(item.ocr or {})
    if text is None:
        ocr["transcribed"] = "unreadable"
    else:
        ocr["transcribed"] = "typed"
        ocr["machine_text"] = item.text
    return InboundItem(
        text=item.text if text is None else text.strip(),
        ocr=ocr,
        meta=item.meta,
        channel=item.channel,
        content_hash=item.content_hash,
    )


def _with_illegible(j: Judgement, actor: str) -> Judgement:
    finding = ground("illegible", f"{actor} подтвердил(а): текст не читается").as_dict()
    findings = dict(j.findings)
    findings["grounds"] = [*findings.get("grounds", []), finding]  # type: ignore[misc]
    return dataclasses.replace(j, findings=findings, grounds=(*j.grounds, "illegible"))
