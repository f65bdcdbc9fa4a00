"""Stage 3a: what a letter says, read and checked: fields, kind, category, findings.

The one judging step: registration calls it on the text the read stage found,
transcription on the text a person typed, and both compare the letter with
the sender's earlier appeals (for ``repeat``) the same way.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from typing import Any

from intake.checks import Findings
from intake.fields import Fields
from intake.reading import Letter, read_letter
from letters.declension import infer_gender
from pismo.context import Context
from pismo.stages.history import earlier_appeals
from pismo.states import APPEAL_STATUS_OF, ItemState
from store.deadlines import compute_deadlines
from store.models import InboundItem


@dataclass(frozen=True)
class Judgement:
    """Everything the letter says, read and checked, ready to register."""

    fields: Fields
    kind: str
    category: str
    findings: dict[str, object]
    grounds: tuple[str, ...]
    needs_person: bool

    @property
    def item_state(self) -> ItemState:
        """Where the item goes once this is registered: drafting, or a person first."""
        return ItemState.needs_transcription if self.needs_person else ItemState.registered


def judge(ctx: Context, item: InboundItem, attachment_count: int) -> Judgement:
    """Read and check the item's letter; touches the store only to load the sender's
    earlier appeals, once the reading has found who the sender is."""
    meta = item.meta
    sent_at = dt.datetime.fromisoformat(meta["sent_at"]) if meta.get("sent_at") else None
    letter = Letter(
        text=item.text or "",
        channel=item.channel.value,
        subject=meta.get("subject") or "",
        sender_email=meta.get("sender_email"),
        reply_to=meta.get("reply_to"),
        sender_name=meta.get("sender_name"),
        sent_at=sent_at,
        attachment_count=attachment_count,
    )
    content_hash = item.content_hash
    reading = read_letter(
        letter, ctx.rules, lambda fields: earlier_appeals(ctx.db, fields, content_hash)
    )
    fields, classification, findings = reading.fields, reading.classification, reading.findings
    needs_person = ocr_needs_person(item.ocr, ctx.settings.ocr.min_confidence)
    if needs_person:
        # Nothing read off a page a person must read is proposed: a garbled address
        # once proposed a wrong refusal.  The transcription judges the letter again.
        fields, findings = Fields(), Findings(grounds=(), defects=())
    return Judgement(
        fields=fields,
        kind=classification.kind,
        category=classification.category,
        findings={
            **findings.as_dict(),
            "evidence": {
                **fields.evidence,
                **{k: ", ".join(v) for k, v in classification.evidence.items()},
            },
            # The model's word on kind and category, and which of them a person should check.
            "confidence": classification.confidence,
            # 126-FZ Art. 55 p.8: the words that give a claim 60 days; the deadline uses it.
            "long_distance": reading.long_distance,
            "uncertain": list(classification.uncertain),
            "reading": {
                "addressee": fields.addressee,
                "demand": fields.demand,
                "amount": str(fields.amount) if fields.amount is not None else None,
                "words": sorted(reading.words),
            },
        },
        grounds=tuple(findings.codes),
        needs_person=needs_person,
    )


def ocr_needs_person(ocr: dict[str, Any] | None, min_confidence: float) -> bool:
    """Any page read under the confidence or the quality threshold (read.py lists
    them), or out of time, until a person has transcribed it."""
    if not ocr or ocr.get("transcribed"):
        return False
    if "low_confidence_pages" in ocr:
        return bool(
            ocr["low_confidence_pages"]
            or ocr.get("low_quality_pages")
            or ocr.get("timed_out_pages")
        )
    confidence = ocr.get("mean_confidence")
    return confidence is not None and confidence < min_confidence


def applicant_values(f: Fields) -> dict[str, Any]:
    """The applicant's columns, as the letter gives them."""
    return {
        "surname": f.surname,
        "name": f.name,
        "patronymic": f.patronymic,
        "postcode": f.postcode,
        "postal_address": f.postal_address,
        "email": f.email,
        "phone": f.phone,
    }


def department_for(ctx: Context, category: str, source_department: str | None) -> str | None:
    own = ctx.settings.departments.get(category) if category != "other" else None
    return own or source_department or ctx.settings.departments.get(category)


def judged_values(
    ctx: Context,
    j: Judgement,
    *,
    received: dt.date,
    registered: dt.date,
    source_department: str | None = None,
) -> dict[str, Any]:
    """An appeal's columns that follow from its reading; set again after a transcription.

    ``source_department`` is the one its mailbox implies (претензии@ → the claims
    department): it applies when the reading finds no category of its own."""
    deadlines = compute_deadlines(
        ctx.calendar,
        regime=ctx.settings.org.regime,
        kind=j.kind,
        received=received,
        registered=registered,
        grounds=j.grounds,
        long_distance=bool(j.findings.get("long_distance")),
    )
    f = j.fields
    return {
        "kind": j.kind,
        "category": j.category,
        "department": department_for(ctx, j.category, source_department),
        "status": APPEAL_STATUS_OF[j.item_state],
        "account": f.account,
        "contract": f.contract,
        "letter_date": f.letter_date,
        "signed": f.signed,
        "wants_paper_reply": f.wants_paper_reply,
        # The name and patronymic tell the gender best; the reader's own guess (from
        # how the words agree) is kept for a surname alone.  Staff may correct it.
        "findings": {
            **j.findings,
            "gender": infer_gender(f.surname, f.name, f.patronymic) or f.gender,
        },
        **dataclasses.asdict(deadlines),
    }
