"""The export contract: one JSON object per inbound item, registered or not."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from pismo.states import ItemState
from store.models import Appeal, InboundItem

REGISTERED = (ItemState.registered, ItemState.drafted, ItemState.needs_transcription)


def _date(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def item_record(item: InboundItem) -> dict[str, Any]:
    appeal = item.appeal if item.state in REGISTERED else None
    record: dict[str, Any] = {
        "source": item.source,
        "message_id": item.message_id,
        "channel": item.channel.value,
        "registered": appeal is not None,
        "not_registered_reason": item.not_registered_reason,
        "reg_number": None,
        "registered_at": None,
        "kind": None,
        "category": None,
        "status": None,
        "applicant": None,
        "account": None,
        "contract": None,
        "letter_date": None,
        "signed": None,
        "grounds": [],
        "department": None,
        "addressee": None,
        "amount": None,
        "demand": None,
        "findings": None,
        "deadlines": None,
        "ocr": _ocr(item.ocr) if item.ocr else None,
        "text": item.text,
        "drafts": [],
    }
    if appeal is None:
        return record
    person = appeal.applicant
    record |= {
        "reg_number": appeal.reg_number,
        "registered_at": appeal.registered_at.isoformat(),
        "kind": appeal.kind,
        "category": appeal.category,
        "status": str(appeal.status),
        "applicant": {
            "surname": person.surname,
            "name": person.name,
            "patronymic": person.patronymic,
            "postcode": person.postcode,
            "postal_address": person.postal_address,
            "email": person.email,
            "phone": person.phone,
        },
        "account": appeal.account,
        "contract": appeal.contract,
        "letter_date": _date(appeal.letter_date),
        "signed": appeal.signed,
        "grounds": appeal.grounds,
        "department": appeal.department,
        **_reading(appeal.findings),
        "deadlines": {
            "register_by": _date(appeal.register_by),
            "answer_by": _date(appeal.answer_by),
            "notice_by": _date(appeal.notice_by),
            "control": _date(appeal.control),
        },
        "drafts": [
            {"type": d.type, "status": d.status, "pdf": d.pdf_path, "to": d.recipient}
            for d in appeal.drafts
        ],
    }
    return record


def _ocr(ocr: dict[str, Any]) -> dict[str, Any]:
    """How the scan was read: per page, its quality and time, and which pages a
    person must read (the reading's own lists; absent in items read before them)."""
    return {
        "pages": ocr["pages"],
        "mean_confidence": ocr["mean_confidence"],
        "page_qualities": ocr.get("page_qualities"),
        "page_seconds": ocr.get("page_seconds"),
        "pages_for_person": sorted(
            {
                *ocr.get("low_confidence_pages", []),
                *(ocr.get("low_quality_pages") or []),
                *ocr.get("timed_out_pages", []),
            }
        ),
    }


def _reading(findings: dict[str, Any]) -> dict[str, Any]:
    """What was read besides the applicant, and every finding with its evidence."""
    reading = findings.get("reading") or {}
    return {
        "addressee": reading.get("addressee"),
        "amount": reading.get("amount"),
        "demand": reading.get("demand"),
        "findings": {
            "grounds": findings.get("grounds", []),
            "defects": findings.get("defects", []),
            "evidence": findings.get("evidence", {}),
        },
    }


def export_items(session: Session) -> list[dict[str, Any]]:
    items = session.scalars(
        sa.select(InboundItem)
        .order_by(InboundItem.id)
        .options(
            selectinload(InboundItem.appeal).selectinload(Appeal.applicant),
            selectinload(InboundItem.appeal).selectinload(Appeal.drafts),
        )
    )
    return [item_record(item) for item in items]
