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
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from errors import Conflict, InputError, NotFound
from intake.checks import ground
from pipeline import Context, Judgement, applicant_values, draft, judge, judged_values
from store.db import transaction
from store.models import Appeal, InboundItem, ItemState
from store.registration import audit

NEEDS_TRANSCRIPTION = "needs_transcription"


@dataclass(frozen=True)
class Transcribed:
    reg_number: str
    grounds: tuple[str, ...]
    drafts: tuple[str, ...]


def transcribe(ctx: Context, reg_number: str, text: str | None, *, actor: str) -> Transcribed:
    """Record a clerk's transcription (``text``) or, with ``text=None``, their
    confirmation that the letter is unreadable; then check it again and draft."""
    if text is not None and not text.strip():
        raise InputError("the transcription is empty: type the letter's text, or --unreadable")
    with transaction(ctx.db) as s:
        appeal = s.scalar(
            sa.select(Appeal).where(Appeal.reg_number == reg_number).with_for_update()
        )
        if appeal is None:
            raise NotFound(f"no appeal numbered {reg_number}; see `pismo list`")
        if appeal.status != NEEDS_TRANSCRIPTION:
            raise Conflict(f"{reg_number} does not await transcription (status {appeal.status})")
        item = appeal.items[0]
        _record_on_item(item, text)
        judgement = judge(ctx, item, len(item.attachments))
        if text is None:
            judgement = _with_illegible(judgement, actor)
        tz = ZoneInfo(ctx.settings.org.timezone)
        values = judged_values(
            ctx,
            judgement,
            received=appeal.received_at.astimezone(tz).date(),
            registered=appeal.registered_at.astimezone(tz).date(),
        )
        for name, value in values.items():
            setattr(appeal, name, value)
        for name, value in applicant_values(judgement.fields).items():
            setattr(appeal.applicant, name, value)
        item.state = ItemState.registered
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


def _record_on_item(item: InboundItem, text: str | None) -> None:
    ocr = dict(item.ocr or {})
    if text is None:
        ocr["transcribed"] = "unreadable"
    else:
        ocr["transcribed"] = "typed"
        ocr["machine_text"] = item.text
        item.text = text.strip()
    item.ocr = ocr  # a new dict, so the JSON column sees the change


def _with_illegible(j: Judgement, actor: str) -> Judgement:
    finding = ground("illegible", f"confirmed unreadable by {actor}").as_dict()
    findings = dict(j.findings)
    findings["grounds"] = [*findings.get("grounds", []), finding]  # type: ignore[misc]
    return dataclasses.replace(j, findings=findings, grounds=(*j.grounds, "illegible"))
