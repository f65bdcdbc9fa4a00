"""An e-mail's bytes to a ``ParsedMessage``: headers, body text, attachments,
and whether it is noise (auto-reply, bounce, bulk) that must not be answered.

mail-parser reads the structure and headers; body parts are decoded here from
their raw bytes, because a wrong or missing charset is common in Russian mail
and the parsers' own decoding turns it into mojibake.
"""

from __future__ import annotations

import datetime as dt
import email.message
import email.utils
import logging
import re
import unicodedata
from dataclasses import dataclass

import mailparser

from intake.charsets import decode_text
from intake.html import html_to_text
from pismo.errors import MalformedMessage, TooLarge

_AUTO_SUBJECT = re.compile(
    r"^\s*(auto(matic)?[ -]?(reply|response)|out of (the )?office|autoreply|vacation|"
    r"автоответ|автоматический ответ|я в отпуске|нет на месте)",
    re.IGNORECASE,
)
_DAEMON = re.compile(r"^(mailer-daemon|postmaster)@", re.IGNORECASE)
_NO_REPLY = re.compile(r"^(no-?reply|do-?not-?reply|bounces?)([+._-][^@]*)?@", re.IGNORECASE)
# Subjects of delivery reports that come without multipart/report (Exim, Exchange, Yandex).
_BOUNCE_SUBJECT = re.compile(
    r"^\s*(undeliver(ed|able)|delivery (status notification|failure|has failed)|"
    r"mail delivery (failed|failure|system)|returned mail|failure notice|"
    r"недоставленное сообщение|не удалось доставить|сообщение не доставлено)",
    re.IGNORECASE,
)
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]+")
_MESSAGE_ID = re.compile(r"<[!-;=?-~]{1,900}>")  # printable ASCII, no spaces or angle brackets

# mail-parser logs the raw text of a header it cannot decode: a sender's name or
# subject would reach the logs.
logging.getLogger("mailparser").setLevel(logging.CRITICAL)


def clean_header(value: str) -> str:
    """A header value safe to store and to reuse in a reply: control characters (an
    encoded CR/LF would inject headers) become spaces, whitespace is collapsed."""
    return " ".join(_CONTROL.sub(" ", value).split())


def clean_message_id(value: str | None) -> str | None:
    """The Message-ID as RFC 5322 allows it, or None: a reply must not carry junk."""
    found = _MESSAGE_ID.search(_CONTROL.sub("", value or ""))
    return found.group(0) if found else None


@dataclass(frozen=True)
class MailAttachment:
    filename: str
    content_type: str
    data: bytes


@dataclass(frozen=True)
class ParsedMessage:
    message_id: str | None
    subject: str
    sender_email: str | None
    sender_name: str | None
    date: dt.datetime | None
    text: str
    attachments: tuple[MailAttachment, ...]
    noise: str | None  # "auto-reply", "bounce" or "bulk": recorded, never answered
    in_reply_to: tuple[str, ...]
    reply_to: str | None = None  # the Reply-To address, where the sender wants replies


def safe_filename(name: str | None, fallback: str) -> str:
    """A name safe to show and to write: no folders, no control characters."""
    name = unicodedata.normalize("NFC", name or "")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if ch.isprintable() and ch not in '<>:"|?*')
    name = name.strip(" .")[:200]
    return name or fallback


def noise_reason(msg: email.message.Message, sender: str | None, subject: str) -> str | None:
    """RFC 3834 and common practice: mail that a person did not write."""
    auto_submitted = str(msg.get("Auto-Submitted", "no")).strip().lower()
    precedence = str(msg.get("Precedence", "")).strip().lower()
    if msg.get_content_type() == "multipart/report" or (sender and _DAEMON.match(sender)):
        return "bounce"
    if any(part.get_content_type() == "message/delivery-status" for part in msg.walk()):
        return "bounce"
    if sender and _NO_REPLY.match(sender) and _BOUNCE_SUBJECT.match(subject):
        return "bounce"
    if str(msg.get("Return-Path", "")).strip() == "<>":
        return "bounce"
    if (
        auto_submitted != "no"
        or any(msg.get(h) for h in ("X-Autoreply", "X-Autorespond", "X-Auto-Response-Suppress"))
        or precedence == "auto_reply"
        or _AUTO_SUBJECT.match(subject)
    ):
        return "auto-reply"
    if precedence in ("bulk", "list", "junk") or msg.get("List-Unsubscribe") or msg.get("List-Id"):
        return "bulk"
    return None


def _part_text(part: email.message.Message) -> str:
    payload = part.get_payload(decode=True)
    raw = payload if isinstance(payload, bytes) else b""
    return decode_text(raw, part.get_content_charset())


def _body_and_attachments(
    msg: email.message.Message, max_attachment_bytes: int | None
) -> tuple[str, tuple[MailAttachment, ...]]:
    plain: list[str] = []
    html: list[str] = []
    attachments: list[MailAttachment] = []
    for n, part in enumerate(msg.walk()):
        if part.is_multipart():
            continue
        ctype = part.get_content_type()
        disposition = part.get_content_disposition()
        if disposition != "attachment" and ctype == "text/plain":
            plain.append(_part_text(part))
        elif disposition != "attachment" and ctype == "text/html":
            html.append(html_to_text(_part_text(part)))
        else:
            payload = part.get_payload(decode=True)
            if isinstance(payload, bytes) and payload:
                name = safe_filename(part.get_filename(), f"attachment-{n}")
                if max_attachment_bytes is not None and len(payload) > max_attachment_bytes:
                    raise TooLarge(
                        f"attachment {name} is {len(payload)} bytes, "
                        f"over the limit of {max_attachment_bytes}"
                    )
                attachments.append(MailAttachment(name, ctype, payload))
    text = "\n\n".join(t for t in plain if t.strip()) or "\n\n".join(html)
    return text.strip(), tuple(attachments)


_HEADER_END = re.compile(rb"\r?\n\r?\n")


def raw_header(raw: bytes, name: str) -> str | None:
    """A header as its raw bytes say, decoded here when it carries unencoded 8-bit text.

    Some mailers put windows-1251 or KOI8-R straight into Subject or From; the
    parsers then give an empty or garbled value.
    """
    head = _HEADER_END.split(raw, maxsplit=1)[0]
    found = re.search(
        rb"^" + re.escape(name.encode()) + rb":[ \t]*(.*(?:\r?\n[ \t].*)*)",
        head,
        re.IGNORECASE | re.MULTILINE,
    )
    if found is None or found.group(1).isascii():
        return None
    return " ".join(decode_text(found.group(1)).split())


def parse_message(raw: bytes, max_attachment_bytes: int | None = None) -> ParsedMessage:
    try:
        mail = mailparser.parse_from_bytes(raw)
    except Exception as exc:  # mail-parser raises assorted errors on broken input
        raise MalformedMessage(f"mail cannot be parsed: {exc}") from exc
    msg: email.message.Message = mail.message
    if not msg.keys():
        raise MalformedMessage("mail has no headers")
    senders = mail.from_ or []
    sender_name, sender_email = senders[0] if senders else ("", "")
    if (raw_from := raw_header(raw, "From")) is not None:
        sender_name = email.utils.parseaddr(raw_from)[0] or sender_name
    sender_email = clean_header(sender_email).replace(" ", "").lower() or None
    subject = clean_header(raw_header(raw, "Subject") or mail.subject or "")
    sender_name = clean_header(sender_name)
    text, attachments = _body_and_attachments(msg, max_attachment_bytes)
    message_id = clean_message_id(mail.message_id)
    date = mail.date if isinstance(mail.date, dt.datetime) else None
    if date is not None and date.tzinfo is None:
        date = date.replace(tzinfo=dt.UTC)
    reply_to = email.utils.parseaddr(clean_header(str(msg.get("Reply-To", ""))))[1]
    reply_to = reply_to.replace(" ", "").lower() if "@" in reply_to else ""
    references = _CONTROL.sub(
        " ", " ".join(str(msg.get(h, "")) for h in ("In-Reply-To", "References"))
    )
    return ParsedMessage(
        message_id=message_id,
        subject=subject,
        sender_email=sender_email,
        sender_name=sender_name or None,
        date=date,
        text=text,
        attachments=attachments,
        noise=noise_reason(msg, sender_email, subject),
        in_reply_to=tuple(re.findall(r"<[^<>\s]+>", references)),
        reply_to=reply_to or None,
    )
