"""The flow of one letter: source → item → text → fields → findings → registration → drafts.

Each stage takes an id, reads what it needs, does its work outside any
transaction, and writes its result in one short transaction guarded by the
item's state, so running a stage twice, or in two processes at once, does
the work once.  ``process`` chains the stages inline; a queue can chain the
same functions instead.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import logging
from collections.abc import Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from errors import InputError
from intake.fields import Fields, Known, extract_fields
from intake.grounds import OtherBody
from intake.mail import parse_message
from intake.reading import History, Letter, Rules, read_letter
from intake.replies import reg_number_pattern, replied_appeal
from intake.sources import Incoming
from letters.drafting import PlannedDraft, letter_context, plan_drafts
from letters.pdf import LetterDoc
from letters.render import Renderer
from ocr.document import DocumentText, OcrOptions, is_pdf, read_document
from ocr.pool import OcrPool
from ocr.tesseract import PageText
from settings import Settings
from store.blobs import BlobStore
from store.db import transaction
from store.deadlines import ProductionCalendar, compute_deadlines
from store.history import earlier_appeals
from store.models import (
    Appeal,
    Applicant,
    Attachment,
    Channel,
    Draft,
    InboundItem,
    ItemState,
    utcnow,
)
from store.registration import INCOMING, audit, format_number, next_number
from store.search import index_appeal

log = logging.getLogger("pismo.pipeline")
SCAN_TYPES = ("application/pdf", "image/")


@dataclass
class Context:
    settings: Settings

    @functools.cached_property
    def blobs(self) -> BlobStore:
        return BlobStore(self.settings.blob_dir)

    @functools.cached_property
    def calendar(self) -> ProductionCalendar:
        c = self.settings.calendar
        return ProductionCalendar(c.extra_holidays, c.extra_working_days)

    @functools.cached_property
    def renderer(self) -> Renderer:
        return Renderer(self.settings.org.template_dir)

    @functools.cached_property
    def ocr_options(self) -> OcrOptions:
        s = self.settings
        return OcrOptions(
            s.ocr.languages, s.ocr.dpi, s.limits.max_image_pixels, s.limits.max_pages, s.ocr.layout
        )

    @functools.cached_property
    def ocr_pool(self) -> OcrPool:
        return OcrPool(self.settings.ocr.workers)

    def close(self) -> None:
        """Stop the OCR workers, if any were started."""
        if "ocr_pool" in self.__dict__:
            self.ocr_pool.close()

    @functools.cached_property
    def known(self) -> Known:
        """The organisation's own details, which letters quote and which are not the sender's."""
        org = self.settings.org
        own = extract_fields(f"{org.address}\n{org.phone}", channel="email")
        return Known(
            postcodes=frozenset(filter(None, [own.postcode])),
            emails=frozenset([org.email.lower()]),
            phones=frozenset(filter(None, [own.phone])),
        )

    @functools.cached_property
    def rules(self) -> Rules:
        s = self.settings
        bodies = tuple(OtherBody(b.name, tuple(b.topics)) for b in s.other_bodies)
        return Rules(s.org.regime, s.org.regulation, bodies, self.known)

    def today(self) -> dt.date:
        return dt.datetime.now(ZoneInfo(self.settings.org.timezone)).date()

    @property
    def db(self) -> str:
        return self.settings.db_url


@dataclass(frozen=True)
class Outcome:
    item_id: int
    new: bool
    state: ItemState
    reg_number: str | None
    reason: str | None
    drafts: tuple[str, ...]


# --- stage 1: claim the item -------------------------------------------------


def receive(ctx: Context, incoming: Incoming) -> tuple[int, bool]:
    """Record the item and keep its bytes; the same source key is the same item.

    An item quarantined before it could be read is tried again when it comes
    again (a file moved back from ``failed/``): a raised limit or a mended
    installation may let it through now."""
    digest = ctx.blobs.put(incoming.data)
    with transaction(ctx.db) as s:
        existing = s.scalar(
            sa.select(InboundItem)
            .where(InboundItem.source_key == incoming.source_key)
            .with_for_update()
        )
        if existing is not None:
            unread = existing.text is None and existing.appeal_id is None
            if existing.state is ItemState.quarantined and unread:
                existing.state = ItemState.received
                existing.not_registered_reason = None
                audit(s, "retried", item_id=existing.id)
                return existing.id, True
            return existing.id, False
        item = InboundItem(
            source_key=incoming.source_key,
            source=incoming.source,
            channel=incoming.channel,
            content_hash=digest,
            size=len(incoming.data),
            filename=incoming.filename,
            received_at=incoming.received_at,
            state=ItemState.received,
        )
        s.add(item)
        s.flush()
        audit(s, "received", item_id=item.id, channel=incoming.channel.value)
        return item.id, True


# --- stage 2: text -----------------------------------------------------------


@dataclass(frozen=True)
class Reading:
    text: str
    message_id: str | None = None
    noise: str | None = None
    ocr: DocumentText | None = None
    attachments: tuple[tuple[str, str, bytes], ...] = ()
    subject: str = ""
    sender_email: str | None = None
    sender_name: str | None = None
    sent_at: dt.datetime | None = None
    references: tuple[str, ...] = ()


def read_item(ctx: Context, channel: Channel, data: bytes) -> Reading:
    """The text of an item: a mail's body plus its scanned attachments, or a scan's OCR."""
    if channel is Channel.post:
        document = read_document(data, ctx.ocr_options, ctx.ocr_pool.read_pages)
        return Reading(text=document.text, ocr=document)
    message = parse_message(data, ctx.settings.limits.max_attachment_bytes)
    texts = [message.text]
    pages: list[PageText] = []
    for attachment in message.attachments:
        is_scan = attachment.content_type.startswith(SCAN_TYPES) or is_pdf(attachment.data)
        if message.noise is None and is_scan:
            document = read_document(attachment.data, ctx.ocr_options, ctx.ocr_pool.read_pages)
            texts.append(f"[Вложение: {attachment.filename}]\n{document.text}")
            pages.extend(document.pages)
    ocr = DocumentText(tuple(pages), from_text_layer=False) if pages else None
    return Reading(
        text="\n\n".join(t for t in texts if t).strip(),
        message_id=message.message_id,
        noise=message.noise,
        ocr=ocr,
        attachments=tuple((a.filename, a.content_type, a.data) for a in message.attachments),
        subject=message.subject,
        sender_email=message.sender_email,
        sender_name=message.sender_name,
        sent_at=message.date,
        references=message.in_reply_to,
    )


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
    }


def read(ctx: Context, item_id: int) -> None:
    read_many(ctx, [item_id])


@dataclass(frozen=True)
class ToRead:
    item_id: int
    channel: Channel
    digest: str


def read_many(ctx: Context, item_ids: Sequence[int]) -> None:
    """The read stage for many items at once: their OCR runs in parallel (pages of
    all of them share the OCR pool), while every write stays in this thread."""
    todo = to_read(ctx, item_ids)
    for t, reading in zip(todo, read_all(ctx, todo), strict=True):
        store_reading(ctx, t.item_id, reading)


def to_read(ctx: Context, item_ids: Sequence[int]) -> list[ToRead]:
    """The items among these that still wait for the read stage."""
    with transaction(ctx.db) as s:
        items = [s.get_one(InboundItem, item_id) for item_id in item_ids]
        return [
            ToRead(i.id, i.channel, i.content_hash) for i in items if i.state is ItemState.received
        ]


def read_all(ctx: Context, todo: Sequence[ToRead]) -> list[Reading | InputError]:
    """Readings of many items, in parallel; touches no database."""
    if len(todo) <= 1:
        return [try_read(ctx, t) for t in todo]
    # Threads only wait on the worker processes; one per item keeps the queue full.
    with ThreadPoolExecutor(max_workers=min(len(todo), 4 * ctx.ocr_pool.workers)) as ex:
        return list(ex.map(lambda t: try_read(ctx, t), todo))


def try_read(ctx: Context, t: ToRead) -> Reading | InputError:
    """One item's reading, or why it cannot be read; touches no database."""
    try:
        return read_item(ctx, t.channel, ctx.blobs.get(t.digest))
    except InputError as exc:
        return exc


def store_reading(ctx: Context, item_id: int, reading: Reading | InputError) -> None:
    if isinstance(reading, InputError):
        quarantine(ctx, item_id, str(reading))
        return
    ocr = _ocr_summary(ctx, reading.ocr)
    stored = [
        Attachment(
            item_id=item_id,
            filename=name,
            content_type=ctype,
            content_hash=ctx.blobs.put(data),
            size=len(data),
        )
        for name, ctype, data in reading.attachments
    ]
    with transaction(ctx.db) as s:
        item = s.get_one(InboundItem, item_id, with_for_update=True)
        if item.state is not ItemState.received:
            return
        item.text = reading.text
        item.message_id = reading.message_id
        item.ocr = ocr
        item.meta = {
            "subject": reading.subject,
            "sender_email": reading.sender_email,
            "sender_name": reading.sender_name,
            "sent_at": reading.sent_at.isoformat() if reading.sent_at else None,
            "references": list(reading.references),
        }
        s.add_all(stored)
        if reading.noise:
            item.state = ItemState.not_registered
            item.not_registered_reason = reading.noise
            audit(s, "not_registered", item_id=item_id, reason=reading.noise)
        else:
            item.state = ItemState.read
            audit(
                s, "read", item_id=item_id, ocr_pages=len(reading.ocr.pages) if reading.ocr else 0
            )


def quarantine(ctx: Context, item_id: int, reason: str) -> None:
    with transaction(ctx.db) as s:
        item = s.get_one(InboundItem, item_id, with_for_update=True)
        item.state = ItemState.quarantined
        item.not_registered_reason = f"quarantined: {reason}"
        audit(s, "quarantined", item_id=item_id, reason=reason)
    log.warning("item %s quarantined: %s", item_id, reason)


# --- stage 3: fields, findings, registration ----------------------------------


@dataclass(frozen=True)
class Judgement:
    """Everything the letter says, read and checked, ready to register."""

    fields: Fields
    kind: str
    category: str
    findings: dict[str, object]
    grounds: tuple[str, ...]
    needs_person: bool


def judge(
    ctx: Context,
    item: InboundItem,
    attachment_count: int,
    earlier: History = (),
) -> Judgement:
    meta = item.meta
    sent_at = dt.datetime.fromisoformat(meta["sent_at"]) if meta.get("sent_at") else None
    letter = Letter(
        text=item.text or "",
        channel=item.channel.value,
        subject=meta.get("subject") or "",
        sender_email=meta.get("sender_email"),
        sender_name=meta.get("sender_name"),
        sent_at=sent_at,
        attachment_count=attachment_count,
    )
    reading = read_letter(letter, ctx.rules, earlier)
    fields, classification, findings = reading.fields, reading.classification, reading.findings
    needs_person = ocr_needs_person(item.ocr, ctx.settings.ocr.min_confidence)
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
    """Any page read under the confidence threshold, until a person has transcribed it."""
    if not ocr or ocr.get("transcribed"):
        return False
    if "low_confidence_pages" in ocr:
        return bool(ocr["low_confidence_pages"])
    confidence = ocr.get("mean_confidence")
    return confidence is not None and confidence < min_confidence


def register(ctx: Context, item_id: int) -> int | None:
    """Give the item's appeal its number and deadlines; a duplicate joins the first one."""
    with transaction(ctx.db) as s:
        item = s.get_one(InboundItem, item_id)
        if item.state is not ItemState.read:
            return item.appeal_id
        attachments = len(item.attachments)
    # `repeat` compares with the sender's earlier appeals: loaded here, at the edge,
    # once the reading has found who the sender is.
    judgement = judge(
        ctx, item, attachments, lambda fields: earlier_appeals(ctx.db, fields, item.content_hash)
    )
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
    settings = ctx.settings
    org = settings.org
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
        if (answered := _answered_appeal(ctx, s, item)) is not None:
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
            **judged_values(ctx, j, received=received, registered=today),
        )
        s.add(appeal)
        s.flush()
        item.appeal_id = appeal.id
        index_appeal(s, appeal)
        item.state = ItemState.needs_transcription if j.needs_person else ItemState.registered
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


def _answered_appeal(ctx: Context, s: Session, item: InboundItem) -> Appeal | None:
    """The appeal a sender's reply belongs to (see intake.replies)."""
    org = ctx.settings.org
    return replied_appeal(
        s,
        item.meta.get("references") or [],
        item.meta.get("subject") or "",
        reg_number_pattern(org.reg_number_format, org.reg_prefix),
    )


def applicant_values(f: Fields) -> dict[str, Any]:
    return {
        "surname": f.surname,
        "name": f.name,
        "patronymic": f.patronymic,
        "postcode": f.postcode,
        "postal_address": f.postal_address,
        "email": f.email,
        "phone": f.phone,
    }


def judged_values(
    ctx: Context, j: Judgement, *, received: dt.date, registered: dt.date
) -> dict[str, Any]:
    """An appeal's columns that follow from its reading; set again after a transcription."""
    deadlines = compute_deadlines(
        ctx.calendar,
        regime=ctx.settings.org.regime,
        kind=j.kind,
        received=received,
        registered=registered,
        grounds=j.grounds,
    )
    f = j.fields
    return {
        "kind": j.kind,
        "category": j.category,
        "department": ctx.settings.departments.get(j.category),
        "status": "needs_transcription" if j.needs_person else "registered",
        "account": f.account,
        "contract": f.contract,
        "letter_date": f.letter_date,
        "signed": f.signed,
        "wants_paper_reply": f.wants_paper_reply,
        "findings": {**j.findings, "gender": f.gender},
        **dataclasses.asdict(deadlines),
    }


# --- stage 4: drafts -----------------------------------------------------------


def draft(ctx: Context, appeal_id: int) -> list[str]:
    """Render the drafts the appeal calls for that it does not have yet; their PDF paths."""
    return draft_many(ctx, [appeal_id])[appeal_id]


@dataclass(frozen=True)
class _Planned:
    appeal_id: int
    reg_number: str
    plan: PlannedDraft
    letter: LetterDoc


def draft_many(ctx: Context, appeal_ids: Sequence[int]) -> dict[int, list[str]]:
    """``draft`` for many appeals at once: the engine lays out all their letters and
    writes them as one PDF, then splits it (letters.pdf), which costs far less per
    letter than one document each."""
    today = ctx.today()
    planned: list[_Planned] = []
    with transaction(ctx.db) as s:
        appeals = s.scalars(
            sa.select(Appeal)
            .where(Appeal.id.in_(appeal_ids))
            .options(selectinload(Appeal.applicant), selectinload(Appeal.drafts))
        ).all()
        for appeal in appeals:
            have = {d.type for d in appeal.drafts}
            for plan in plan_drafts(appeal):
                if plan.type not in have:
                    context = letter_context(appeal, plan, ctx.settings.org, today)
                    letter = ctx.renderer.letter(plan.template, appeal.regime, context)
                    planned.append(_Planned(appeal.id, appeal.reg_number, plan, letter))
    rendered: dict[int, list[tuple[_Planned, bytes]]] = {appeal_id: [] for appeal_id in appeal_ids}
    for p, pdf in zip(planned, ctx.renderer.pdfs([p.letter for p in planned]), strict=True):
        rendered[p.appeal_id].append((p, pdf))
    return {appeal_id: _store_drafts(ctx, appeal_id, r) for appeal_id, r in rendered.items()}


def _store_drafts(
    ctx: Context, appeal_id: int, rendered: list[tuple[_Planned, bytes]]
) -> list[str]:
    """One appeal's new drafts, and its state moved on to ``drafted``, in one transaction."""
    paths = []
    with transaction(ctx.db) as s:
        # The appeal's row lock makes the check below and the insert one step
        # for concurrent processes on PostgreSQL (SQLite serialises writers anyway).
        s.get_one(Appeal, appeal_id, with_for_update=True)
        for planned, pdf in rendered:
            plan = planned.plan
            if s.scalar(
                sa.select(Draft.id).where(Draft.appeal_id == appeal_id, Draft.type == plan.type)
            ):
                continue  # another process drafted it meanwhile
            path = draft_path(ctx, planned.reg_number, plan.type)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(pdf)
            row = Draft(
                appeal_id=appeal_id,
                type=plan.type,
                ground=plan.ground,
                version=1,
                status="draft",
                pdf_path=str(path),
                pdf_hash=ctx.blobs.put(pdf),
            )
            s.add(row)
            s.flush()
            audit(s, "drafted", appeal_id=appeal_id, draft_id=row.id, type=plan.type)
            paths.append(str(path))
        s.execute(
            sa.update(InboundItem)
            .where(InboundItem.appeal_id == appeal_id, InboundItem.state == ItemState.registered)
            .values(state=ItemState.drafted)
        )
        s.execute(
            sa.update(Appeal)
            .where(Appeal.id == appeal_id, Appeal.status == "registered")
            .values(status="drafted")
        )
    return paths


def draft_path(ctx: Context, reg_number: str, kind: str, version: int = 1) -> Path:
    safe = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in reg_number)
    return ctx.settings.drafts_dir / safe / f"{kind}-v{version}.pdf"


# --- the chain ------------------------------------------------------------------


def process(ctx: Context, incoming: Incoming) -> Outcome:
    """All stages, inline, for one incoming file."""
    item_id, new = receive(ctx, incoming)
    return advance(ctx, item_id, new)


def advance(ctx: Context, item_id: int, new: bool = False) -> Outcome:
    """Run whatever stages an item still needs, from wherever it stopped."""
    return advance_many(ctx, [(item_id, new)])[0]


def advance_many(
    ctx: Context,
    items: Sequence[tuple[int, bool]],
    *,
    drafts: bool = True,
    readings: Mapping[int, Future[Reading | InputError]] | None = None,
) -> list[Outcome]:
    """``advance`` for many (item id, new) at once: each registered in turn, in this
    order, then the drafts of all of them rendered as one batch (unless ``drafts`` is
    off: then they stay ``registered``, and the next ``pismo run`` drafts them).

    ``readings`` are items' texts being read elsewhere (batch.py): each is waited
    for only when its item's turn comes, while the others are still being read."""
    readings = readings or {}
    # The others still unread are read here, all at once: their pages share the OCR pool.
    read_many(ctx, [item_id for item_id, _new in items if item_id not in readings])
    drafting: dict[int, int] = {}  # appeal id: the item it was registered from
    for item_id, _new in items:
        if item_id in readings:
            store_reading(ctx, item_id, readings[item_id].result())
        appeal_id = register(ctx, item_id)
        if appeal_id is not None and _state(ctx, item_id) is ItemState.registered:
            drafting[appeal_id] = item_id
    drafted = draft_many(ctx, list(drafting)) if drafting and drafts else {}
    drafts_of = {drafting[appeal_id]: paths for appeal_id, paths in drafted.items()}
    outcomes = []
    with transaction(ctx.db) as s:
        for item_id, new in items:
            item = s.get_one(InboundItem, item_id)
            outcomes.append(
                Outcome(
                    item_id=item_id,
                    new=new,
                    state=item.state,
                    reg_number=item.appeal.reg_number if item.appeal else None,
                    reason=item.not_registered_reason,
                    drafts=tuple(drafts_of.get(item_id, ())),
                )
            )
    return outcomes


def _state(ctx: Context, item_id: int) -> ItemState:
    with transaction(ctx.db) as s:
        return s.get_one(InboundItem, item_id).state
