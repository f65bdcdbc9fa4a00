"""Sending approved letters: e-mail through SMTP, paper through a daily print batch.

Plain functions that the review app, the CLI and a worker call alike.  A
letter is marked ``sent`` only after the SMTP server accepted it; a failure
is recorded on the draft (attempts, last error) and the draft stays
``approved``, so the next ``dispatch_pending`` pass retries it until
``smtp.max_attempts``.  The Message-ID is fixed before the first attempt and
kept on the draft: a retry after a lost reply resends the same message, which
receiving systems recognise as one, and replies to it can be matched to the
appeal by its id.

Acknowledgments are automatic letters: they carry ``Auto-Submitted:
auto-replied`` (RFC 3834) and are never sent to an address that is itself
automatic.  Paper letters go into one PDF per day with a postal register
(CSV and PDF) beside it; they become ``sent`` when the batch is confirmed as
posted.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import logging
import re
import secrets
import smtplib
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formataddr
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from letters.cells import cell
from letters.types import letter_type
from pismo.context import Context
from pismo.errors import DispatchError, describe
from pismo.settings import Settings, SmtpSettings
from pismo.smtp import connected as smtp_connected
from pismo.stages.draft import recipient
from pismo.states import DraftStatus
from store.db import transaction
from store.models import Appeal, Draft, utcnow
from store.registration import audit

log = logging.getLogger("pismo.dispatch")
AUTOMATIC_LETTERS = frozenset({"acknowledgment"})
# A record for the file is never sent; a cover letter goes to another body with the
# appeal itself enclosed, which staff send (pismo knows only the sender's address).
FILE_ONLY = frozenset({"no-answer", "cover"})
_AUTOMATIC_ADDRESS = re.compile(
    r"^(mailer-daemon|postmaster|no-?reply|do-?not-?reply|bounces?|auto-?reply)([+._-][^@]*)?@",
    re.IGNORECASE,
)
NOISE_REASONS = frozenset({"auto-reply", "bounce", "bulk"})


@dataclass(frozen=True)
class Sent:
    draft_id: int
    outcome: str  # "sent", "failed", "suppressed", "filed", "skipped"
    detail: str = ""


def new_message_id(domain: str) -> str:
    """Short enough that the header is never folded (a folded id breaks threading
    in some clients)."""
    return f"<pismo.{secrets.token_hex(10)}@{domain or 'pismo.invalid'}>"


def is_automatic_address(address: str | None) -> bool:
    return bool(address) and bool(_AUTOMATIC_ADDRESS.match(address or ""))


def delivery(appeal: Appeal, draft: Draft) -> str:
    """How a letter goes out: "email", "post" or "file" (kept, never sent)."""
    if draft.type in FILE_ONLY:
        return "file"
    if draft.recipient or (draft.recipient is None and recipient(appeal)):
        return "email"
    return "post"


def _automatic_sender(appeal: Appeal) -> bool:
    return is_automatic_address(appeal.applicant.email) or any(
        (item.not_registered_reason or "") in NOISE_REASONS for item in appeal.items
    )


def build_email(settings: Settings, appeal: Appeal, draft: Draft, pdf: bytes) -> EmailMessage:
    """The letter as a reply in the sender's own thread, the PDF attached."""
    sender = settings.smtp.from_address or settings.org.email
    assert draft.message_id is not None
    msg = EmailMessage()
    msg["From"] = formataddr((settings.org.name, sender))
    msg["To"] = draft.recipient or recipient(appeal) or ""
    subject = (appeal.items[0].meta.get("subject") if appeal.items else None) or ""
    heading = (
        f"{letter_type(draft.type, draft.ground).heading_for(appeal.kind, appeal.regime)} "
        f"{appeal.reg_number}"
    )
    msg["Subject"] = f"Re: {subject} [{appeal.reg_number}]" if subject else heading
    msg["Message-ID"] = draft.message_id
    msg["Date"] = utcnow()
    if appeal.message_id:
        msg["In-Reply-To"] = appeal.message_id
        msg["References"] = appeal.message_id
    if draft.type in AUTOMATIC_LETTERS:
        msg["Auto-Submitted"] = "auto-replied"
        msg["X-Auto-Response-Suppress"] = "All"
    msg.set_content(
        f"{heading}.\n\nОтвет на Ваше обращение — во вложении (PDF).\n\n{settings.org.name}\n"
    )
    msg.add_attachment(
        pdf, maintype="application", subtype="pdf", filename=f"{appeal.reg_number}-{draft.type}.pdf"
    )
    return msg


def send_email(smtp: SmtpSettings, message: EmailMessage) -> None:
    if not smtp.host:
        raise DispatchError("smtp.host is not set: e-mail letters wait until it is")
    try:
        with smtp_connected(smtp) as client:  # TLS, then the password or OAuth 2.0
            client.send_message(message)
    except (OSError, smtplib.SMTPException) as exc:
        raise DispatchError(f"SMTP {smtp.host}:{smtp.port}: {exc}") from exc


def _load(session: Session, draft_id: int) -> Draft:
    draft = session.scalars(
        sa.select(Draft)
        .where(Draft.id == draft_id)
        .options(
            selectinload(Draft.appeal).selectinload(Appeal.applicant),
            selectinload(Draft.appeal).selectinload(Appeal.items),
        )
        .with_for_update(of=Draft)
    ).one()
    return draft


def _finish(session: Session, draft: Draft, outcome: DraftStatus, via: str, actor: str) -> None:
    draft.status = outcome
    draft.sent_via = via
    draft.sent_at = utcnow() if outcome is DraftStatus.sent else None
    draft.last_error = None
    audit(session, outcome, actor=actor, appeal_id=draft.appeal_id, draft_id=draft.id, via=via)


def dispatch_draft(ctx: Context, draft_id: int, actor: str = "pismo") -> Sent:
    """Send one approved letter by e-mail, or file it; post waits for the print batch.

    The draft is claimed in the store before the message leaves (``not_before``
    set a while ahead), so a second ``pismo dispatch`` running at the same time
    skips it; a process that dies while sending leaves the claim to expire, and the
    retry sends the same Message-ID."""
    smtp = ctx.settings.smtp
    with transaction(ctx.db) as s:
        draft = _load(s, draft_id)
        if draft.status != DraftStatus.approved:
            return Sent(draft_id, "skipped", f"status {draft.status}")
        appeal = draft.appeal
        via = delivery(appeal, draft)
        if via == "file":
            _finish(s, draft, DraftStatus.filed, via, actor)
            return Sent(draft_id, "filed")
        if via == "post":
            return Sent(draft_id, "skipped", "waits for the print batch")
        if draft.type in AUTOMATIC_LETTERS and _automatic_sender(appeal):
            _finish(s, draft, DraftStatus.suppressed, via, actor)
            return Sent(draft_id, "suppressed", "the sender's address is automatic")
        if not smtp.host:
            return Sent(draft_id, "skipped", "smtp.host is not set: e-mail letters wait")
        if draft.attempts >= smtp.max_attempts:
            return Sent(draft_id, "skipped", "attempts exhausted: see last_error")
        now = utcnow()
        if draft.not_before is not None and draft.not_before > now:
            return Sent(draft_id, "skipped", f"not before {draft.not_before:%H:%M:%S} UTC")
        if draft.message_id is None:
            domain = (smtp.from_address or ctx.settings.org.email).rpartition("@")[2]
            draft.message_id = new_message_id(domain)
        draft.attempts += 1
        draft.not_before = now + dt.timedelta(seconds=3 * smtp.timeout + 60)
        attempt = draft.attempts
        error: DispatchError | None = None
        try:
            message = build_email(ctx.settings, appeal, draft, ctx.blobs.get(draft.pdf_hash))
        except Exception as exc:  # one letter that cannot be built never stops the others
            error = DispatchError(f"the message cannot be built: {describe(exc)}")
    # The claim is committed before the message leaves; the store is not held meanwhile.
    if error is None:
        error = _sent_or_error(smtp, message)
    with transaction(ctx.db) as s:
        draft = s.get_one(Draft, draft_id, with_for_update=True)
        if error is not None:
            draft.last_error = str(error)
            draft.not_before = utcnow() + retry_delay(attempt)
            audit(
                s,
                "send_failed",
                actor=actor,
                appeal_id=draft.appeal_id,
                draft_id=draft_id,
                attempt=attempt,
                error=type(error.__cause__ or error).__name__,
            )
            log.warning("draft %s: sending failed (attempt %s)", draft_id, attempt)
            return Sent(draft_id, "failed", str(error))
        draft.not_before = None
        _finish(s, draft, DraftStatus.sent, "email", actor)
    return Sent(draft_id, "sent")


def _sent_or_error(smtp: SmtpSettings, message: EmailMessage) -> DispatchError | None:
    try:
        send_email(smtp, message)
    except DispatchError as exc:
        return exc
    return None


def retry_delay(attempt: int) -> dt.timedelta:
    """A minute after the first failure, doubling each time, at most six hours."""
    return dt.timedelta(seconds=min(60 * 2 ** (attempt - 1), 6 * 3600))


def dispatch_pending(ctx: Context, actor: str = "pismo") -> list[Sent]:
    """One pass over every approved letter that can go out now."""
    with transaction(ctx.db) as s:
        ids = s.scalars(
            sa.select(Draft.id).where(Draft.status == DraftStatus.approved).order_by(Draft.id)
        ).all()
    return [dispatch_draft(ctx, draft_id, actor) for draft_id in ids]


# --- paper -----------------------------------------------------------------------


@dataclass(frozen=True)
class PrintBatch:
    day: dt.date
    pdf: Path
    register_csv: Path
    register_pdf: Path
    draft_ids: tuple[int, ...]


REGISTER_COLUMNS = ("no", "reg_number", "letter", "addressee", "postcode", "address", "pages")


def _register_rows(drafts: list[Draft], pages: list[int]) -> list[dict[str, str]]:
    rows = []
    for n, (draft, count) in enumerate(zip(drafts, pages, strict=True), start=1):
        person = draft.appeal.applicant
        name = " ".join(p for p in (person.surname, person.name, person.patronymic) if p)
        rows.append(
            {
                "no": str(n),
                "reg_number": draft.appeal.reg_number,
                "letter": draft.type,
                "addressee": name,
                "postcode": person.postcode or "",
                "address": person.postal_address or "",
                "pages": str(count),
            }
        )
    return rows


def _register_pdf(ctx: Context, day: dt.date, rows: list[dict[str, str]]) -> bytes:
    template = ctx.renderer.env.get_template("postal-register.html")
    return ctx.renderer.pdf(template.render(org=ctx.settings.org, day=day, rows=rows))


def print_batch(ctx: Context, day: dt.date, actor: str = "pismo") -> PrintBatch | None:
    """Collect every approved paper letter into a new batch of the day; None when there
    are none.  Batches of one day are numbered (``DAY/1``, ``DAY/2``), never overwritten,
    and a letter is claimed for its batch in the store before anything is written, so two
    runs at once never print the same letter twice."""
    import pikepdf

    with transaction(ctx.db) as s:
        candidates = s.scalars(
            sa.select(Draft)
            .where(Draft.status == DraftStatus.approved)
            .options(selectinload(Draft.appeal).selectinload(Appeal.applicant))
            .order_by(Draft.id)
            .with_for_update(of=Draft)
        ).all()
        drafts = [d for d in candidates if delivery(d.appeal, d) == "post"]
        if not drafts:
            return None
        folder = _new_batch_folder(ctx.settings.print_dir / day.isoformat())
        name = f"{day.isoformat()}/{folder.name}"
        for draft in drafts:
            draft.status = DraftStatus.printed
            draft.sent_via = "post"
            draft.batch = name
            audit(
                s, "printed", actor=actor, appeal_id=draft.appeal_id, draft_id=draft.id, batch=name
            )
        merged = pikepdf.Pdf.new()
        pages = []
        for draft in drafts:
            with pikepdf.Pdf.open(io.BytesIO(ctx.blobs.get(draft.pdf_hash))) as letter:
                merged.pages.extend(letter.pages)
                pages.append(len(letter.pages))
        batch = PrintBatch(
            day,
            folder / "letters.pdf",
            folder / "register.csv",
            folder / "register.pdf",
            tuple(d.id for d in drafts),
        )
        rows = _register_rows(drafts, pages)
        # Written inside the transaction: if any file fails, the letters stay approved.
        merged.save(batch.pdf)
        with batch.register_csv.open("w", newline="", encoding="utf-8") as f:
            writer = csv.DictWriter(f, fieldnames=REGISTER_COLUMNS)
            writer.writeheader()
            writer.writerows({key: cell(value) for key, value in row.items()} for row in rows)
        batch.register_pdf.write_bytes(_register_pdf(ctx, day, rows))
    return batch


def _new_batch_folder(day_folder: Path) -> Path:
    """The day's next batch folder, made here: ``mkdir`` fails if another run took it."""
    day_folder.mkdir(parents=True, exist_ok=True)
    n = 1 + max((int(p.name) for p in day_folder.iterdir() if p.name.isdigit()), default=0)
    while True:
        try:
            (day_folder / str(n)).mkdir(mode=0o700)
            return day_folder / str(n)
        except FileExistsError:
            n += 1


def confirm_posted(ctx: Context, draft_ids: list[int], actor: str) -> int:
    """The post room handed the printed letters to the post: they are sent."""
    count = 0
    with transaction(ctx.db) as s:
        for draft in s.scalars(sa.select(Draft).where(Draft.id.in_(draft_ids))):
            if draft.status == DraftStatus.printed:
                _finish(s, draft, DraftStatus.sent, "post", actor)
                count += 1
    return count
