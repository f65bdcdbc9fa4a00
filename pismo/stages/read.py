"""Stage 2: an item's text: a mail's body with its scanned attachments, or a scan's OCR.

The work (parsing, OCR) touches no database and runs for many items at once,
their pages sharing the OCR pool; each result is then written in its own
transaction, from one thread.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from intake.mail import parse_message
from ocr.document import Budget, DocumentText, is_pdf, looks_like_page, read_document
from ocr.tesseract import PageText
from pismo.context import Context
from pismo.errors import InputError, describe, is_transient
from pismo.stages.receive import quarantine
from pismo.states import Channel, ItemState
from store.db import transaction
from store.models import Attachment, InboundItem
from store.registration import audit

READ_ATTEMPTS = 3  # passes an item is read on before a failure that looked passing is final


@dataclass(frozen=True)
class ItemText:
    """What the read stage finds in an item, before anything is stored."""

    text: str
    message_id: str | None = None
    noise: str | None = None
    ocr: DocumentText | None = None
    attachments: tuple[tuple[str, str, bytes], ...] = ()
    subject: str = ""
    sender_email: str | None = None
    reply_to: str | None = None
    sender_name: str | None = None
    sent_at: dt.datetime | None = None
    references: tuple[str, ...] = ()
    unread_attachments: tuple[str, ...] = ()  # "name: why" for each scan that failed


@dataclass(frozen=True)
class Transient:
    """A failure that may not recur (out of memory, a full disk): read again later."""

    reason: str


# What reading an item gives: its text, why it can never be read, or why not this time.
ReadResult = ItemText | InputError | Transient


@dataclass(frozen=True)
class Unread:
    """An item waiting for the read stage."""

    item_id: int
    channel: Channel
    digest: str


def read(ctx: Context, item_ids: Sequence[int]) -> None:
    """The read stage for these items (those still waiting for it), in parallel."""
    todo = unread(ctx, item_ids)
    for u, text in zip(todo, texts_of(ctx, todo), strict=True):
        store_text(ctx, u.item_id, text)


def unread(ctx: Context, item_ids: Sequence[int]) -> list[Unread]:
    """The items among these that still wait for the read stage."""
    with transaction(ctx.db) as s:
        items = [s.get_one(InboundItem, item_id) for item_id in item_ids]
        return [
            Unread(i.id, i.channel, i.content_hash) for i in items if i.state is ItemState.received
        ]


def texts_of(ctx: Context, todo: Sequence[Unread]) -> list[ReadResult]:
    """The texts of many items, in parallel; touches no database."""
    if len(todo) <= 1:
        return [text_of(ctx, u) for u in todo]
    # Threads only wait on the worker processes; one per item keeps the queue full.
    with ThreadPoolExecutor(max_workers=min(len(todo), 4 * ctx.ocr_pool.workers)) as ex:
        return list(ex.map(lambda u: text_of(ctx, u), todo))


def text_of(ctx: Context, u: Unread) -> ReadResult:
    """One item's text, or why it cannot be read; touches no database.

    Any library may fail on bytes from outside: whatever it raises is about this
    item alone.  A failure that may pass (memory, a full disk) is tried again on a
    later pass; any other one quarantines the item with the exception's type."""
    try:
        return parse(ctx, u.channel, ctx.blobs.get(u.digest))
    except InputError as exc:
        return exc
    except Exception as exc:
        if is_transient(exc):
            return Transient(describe(exc))
        return InputError(f"cannot be read: {describe(exc)}")


def parse(ctx: Context, channel: Channel, data: bytes) -> ItemText:
    """The text of an item's bytes: a mail's body plus its scanned attachments, or OCR."""
    budget = Budget.of(ctx.ocr_options)
    if channel is Channel.post:
        document = read_document(data, ctx.ocr_options, ctx.ocr_pool.read_pages, budget)
        return ItemText(text=document.text, ocr=document)
    message = parse_message(data, ctx.settings.limits.max_attachment_bytes)
    texts = [message.text]
    pages: list[PageText] = []
    unread: list[str] = []
    for attachment in message.attachments:
        if message.noise is not None or not _is_scan(attachment.content_type, attachment.data):
            continue
        try:
            document = read_document(
                attachment.data, ctx.ocr_options, ctx.ocr_pool.read_pages, budget
            )
        except Exception as exc:
            if is_transient(exc):
                raise
            # The letter's own text still counts; staff see which part was lost.
            reason = str(exc) if isinstance(exc, InputError) else describe(exc)
            unread.append(f"{attachment.filename}: {reason}")
            texts.append(f"[Вложение не прочитано: {attachment.filename}]")
            continue
        texts.append(f"[Вложение: {attachment.filename}]\n{document.text}")
        pages.extend(document.pages)
    ocr = DocumentText(tuple(pages), from_text_layer=False) if pages else None
    return ItemText(
        text="\n\n".join(t for t in texts if t).strip(),
        message_id=message.message_id,
        noise=message.noise,
        ocr=ocr,
        attachments=tuple((a.filename, a.content_type, a.data) for a in message.attachments),
        subject=message.subject,
        sender_email=message.sender_email,
        reply_to=message.reply_to,
        sender_name=message.sender_name,
        sent_at=message.date,
        references=message.in_reply_to,
        unread_attachments=tuple(unread),
    )


def _is_scan(content_type: str, data: bytes) -> bool:
    """A document or a page-sized image: logos and signatures in mail are not letters."""
    if is_pdf(data) or content_type == "application/pdf":
        return True
    return content_type.startswith("image/") and looks_like_page(data)


def store_text(ctx: Context, item_id: int, text: ReadResult) -> None:
    """Write what the read stage found; an unreadable item goes to quarantine."""
    if isinstance(text, Transient):
        _failed_once(ctx, item_id, text.reason)
        return
    if isinstance(text, InputError):
        quarantine(ctx, item_id, str(text))
        return
    ocr = _ocr_summary(ctx, text.ocr)
    stored = [
        Attachment(
            item_id=item_id,
            filename=name,
            content_type=ctype,
            content_hash=ctx.blobs.put(data),
            size=len(data),
        )
        for name, ctype, data in text.attachments
    ]
    with transaction(ctx.db) as s:
        item = s.get_one(InboundItem, item_id, with_for_update=True)
        if item.state is not ItemState.received:
            return
        item.text = text.text
        item.message_id = text.message_id
        item.ocr = ocr
        item.meta = {
            **item.meta,  # what the source said (its mailbox)
            "subject": text.subject,
            "sender_email": text.sender_email,
            "reply_to": text.reply_to,
            "sender_name": text.sender_name,
            "sent_at": text.sent_at.isoformat() if text.sent_at else None,
            "references": list(text.references),
            "unread_attachments": list(text.unread_attachments),
        }
        s.add_all(stored)
        if text.noise:
            item.state = ItemState.not_registered
            item.not_registered_reason = text.noise
            audit(s, "not_registered", item_id=item_id, reason=text.noise)
        else:
            item.state = ItemState.read
            audit(s, "read", item_id=item_id, ocr_pages=len(text.ocr.pages) if text.ocr else 0)


def _failed_once(ctx: Context, item_id: int, reason: str) -> None:
    """Leave the item for the next pass, unless it has failed as often as allowed."""
    with transaction(ctx.db) as s:
        item = s.get_one(InboundItem, item_id, with_for_update=True)
        attempts = int(item.meta.get("read_attempts", 0)) + 1
        item.meta = {**item.meta, "read_attempts": attempts, "last_failure": reason}
        audit(s, "read_failed", item_id=item_id, attempt=attempts, reason=reason)
    if attempts >= READ_ATTEMPTS:
        quarantine(ctx, item_id, f"failed {attempts} times: {reason}")


def _ocr_summary(ctx: Context, ocr: DocumentText | None) -> dict[str, object] | None:
    """Page confidences in the item; every word with its confidence and box in a blob."""
    if ocr is None or not ocr.pages:
        return None
    min_confidence = ctx.settings.ocr.min_confidence
    return {
        "words_blob": ctx.blobs.put(ocr.words_json()),
        "pages": len(ocr.pages),
        "mean_confidence": ocr.mean_confidence,
        "page_confidences": [p.mean_confidence for p in ocr.pages],
        "from_text_layer": ocr.from_text_layer,
        "low_confidence_pages": ocr.low_confidence_pages(min_confidence),
        "page_qualities": [p.quality for p in ocr.pages],
        "low_quality_pages": ocr.low_quality_pages(ctx.settings.ocr.min_quality),
        "timed_out_pages": [n for n, p in enumerate(ocr.pages, 1) if p.timed_out],
        "page_seconds": [p.seconds for p in ocr.pages],
    }
