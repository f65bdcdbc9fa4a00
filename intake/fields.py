"""The fields of a letter: who wrote, from where, about which account, when.

Rules written for Russian letters; each field keeps the words it came from
as evidence, so a reviewer sees why pismo read what it read.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from decimal import Decimal

from intake.addresses import address_seen, an_employers, find_address
from intake.dates import dates_in
from intake.letter_parts import PHONE, addressee, demand
from intake.names import PersonName, complete, find_sender, name_from_display, surname_seen

MOSCOW = dt.timezone(dt.timedelta(hours=3))  # e-mail dates become the sender's calendar day
_EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}")
# «Ответ прошу направить на …», «прошу ответить по адресу …»: the address is for the reply.
_FOR_REPLY = re.compile(r"\bотве[тч]", re.IGNORECASE)
_SENTENCE_START = re.compile(r"[.!?;\n]\s")
_ACCOUNT = re.compile(
    r"(?:лицев\w*\s+сч[её]т\w*|л/с|л\.\s?с\.)\s*(?:№|N|#|номер)?\s*:?\s*([0-9][0-9\-]{3,})",
    re.IGNORECASE,
)
_CONTRACT = re.compile(
    r"договор\w*\s*(?:об оказании услуг\w*\s*(?:связи)?\s*)?(?:№|N|#|номер)\s*"
    r"([0-9A-Za-zА-Яа-я][\w\-/]*)",
    re.IGNORECASE,
)
_SIGNATURE = re.compile(r"подпись|/\s*[А-ЯЁ][А-ЯЁа-яё.\s-]{1,40}/|_{4,}", re.IGNORECASE)
# The rest of a date line from the word «подпись» or a «/ И. О. Фамилия /» on.
_SIGNATURE_TAIL = re.compile(r"(?:подпись|[/\[(]\s*[А-ЯЁ]\.|_{3,}).*$", re.IGNORECASE)
_PAPER_REPLY = re.compile(
    r"(?:ответ|справк|документ)\w*\s[^.\n]{0,60}?(?:почт(?:ой|овый|е)|по\s+(?:моему\s+)?адресу"
    r"|в\s+письменн(?:ой\s+форме|ом\s+виде)|на\s+бумаге)"
    r"|(?:обычн|бумажн|заказн)\w*\s+(?:почт|письм)\w*|почтой\s+россии",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Fields:
    surname: str | None = None
    name: str | None = None
    patronymic: str | None = None
    gender: str | None = None
    postcode: str | None = None
    postal_address: str | None = None
    email: str | None = None
    phone: str | None = None
    account: str | None = None
    contract: str | None = None
    letter_date: dt.date | None = None
    signed: bool | None = None
    wants_paper_reply: bool = False
    addressee: str | None = None
    demand: str | None = None
    amount: Decimal | None = None
    # Something address-like that is not a recognised postal address, and not ours;
    # a line that may hold a surname, when none was read.
    address_seen: str | None = None
    surname_seen: str | None = None
    evidence: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Known:
    """What the letter says about the organisation itself, so it is not taken as the sender's."""

    postcodes: frozenset[str] = frozenset()
    emails: frozenset[str] = frozenset()
    phones: frozenset[str] = frozenset()


def normalise_phone(digits: Iterable[str]) -> str:
    return "+7" + "".join(digits)


# Whose a phone is, from the words around it on its line.
_OWN_PHONE = re.compile(r"(?<![а-яё])(?:мо[йияе]|мне)(?![а-яё])[^\n\d]{0,25}$", re.IGNORECASE)
_OWN_AFTER = re.compile(r"\s*\((?:мой|моя|мобильный)\)", re.IGNORECASE)
_OTHERS_PHONE = re.compile(
    r"(?<![а-яё])(?:с\s+номера|набрал\w*|номер\w*\s+(?:сосед\w*|мошенник\w*|внучк\w*))"
    r"[^\n\d]{0,40}$",
    re.IGNORECASE,
)
# A relative's number is another's, unless the letter is written for that relative.
_RELATIVES_PHONE = re.compile(
    r"(?<![а-яё])(?:у\s+(?:него|не[её])|пользуется\s+номером|номер\s+раньше\s+был)"
    r"[^\n\d]{0,20}$",
    re.IGNORECASE,
)
_RELATIVES_AFTER = re.compile(
    r"\s*\((?:жены|мужа|сына|дочери|мамы|матери|отца|внука|внучки)\b", re.IGNORECASE
)


def _phone(text: str, known: Known, for_someone: bool) -> tuple[str, str] | None:
    """The applicant's phone: one the letter calls its own («мой телефон», «… (мой)»),
    unless a representative writes (then «мой» is theirs), else the first; never one
    it says is another's («звонят с номера …», «номер соседа …», «… (жены)»)."""
    ranked = []
    for match in PHONE.finditer(text):
        phone = normalise_phone(d for d in match.group(1) if d.isdigit())
        before = text[max(0, match.start() - 60) : match.start()]
        after = text[match.end() : match.end() + 30]
        if phone in known.phones or _OTHERS_PHONE.search(before):
            continue
        if not for_someone and (_RELATIVES_PHONE.search(before) or _RELATIVES_AFTER.match(after)):
            continue
        own = not for_someone and bool(_OWN_PHONE.search(before) or _OWN_AFTER.match(after))
        ranked.append((not own, match.start(), phone, match.group()))
    if not ranked:
        return None
    _, _, phone, written = min(ranked)
    return phone, written


def _email(
    text: str, known: Known, channel: str, sender_email: str | None, reply_to: str | None
) -> tuple[str, str] | None:
    """Where an electronic reply goes (LAW.md, 59-FZ Art. 7 p.3): the address the
    writer names for the reply («ответ прошу направить на …»), else Reply-To, else
    From.  An address merely mentioned (an employee's, a relative's) is never it;
    a paper letter's e-mail address is the one it gives."""
    mentioned = []
    for match in _EMAIL.finditer(text):
        email = match.group().lower().rstrip(".")
        if email in known.emails:
            continue
        sentence = _SENTENCE_START.split(text[: match.start()])[-1]
        if _FOR_REPLY.search(sentence):
            return email, f"{sentence.strip()} {match.group()}"
        mentioned.append((email, match.group()))
    for header, address in (("Reply-To", reply_to), ("From", sender_email)):
        if address and address not in known.emails:
            return address, f"{header}: {address}"
    if channel == "post" or not sender_email:
        return mentioned[0] if mentioned else None
    return None


def _letter_date(text: str) -> tuple[dt.date, str] | None:
    """The letter's own date: a date standing on a line of its own, the last one;
    dates inside sentences are about contracts and bills."""
    best: tuple[dt.date, str] | None = None
    for line in text.splitlines():
        stripped = _SIGNATURE_TAIL.sub("", line).strip()
        for written in dates_in(stripped):
            rest = (stripped[: written.start] + stripped[written.end :]).strip(" .г,")
            rest = re.sub(r"^(?:дата|date)\s*:?|\bгода?\b", "", rest, flags=re.IGNORECASE)
            if len(rest.strip(" .,")) > 25 or re.search(r"\bот\b|договор|с\s*$", rest, re.I):
                continue
            best = (written.date, stripped)
    return best


def extract_fields(
    text: str,
    *,
    channel: str,
    sender_email: str | None = None,
    sender_name: str | None = None,
    sent_at: dt.datetime | None = None,
    known: Known = Known(),
    reply_to: str | None = None,
) -> Fields:
    evidence: dict[str, str] = {}
    person = _sender(text, sender_name)
    sender_at = 0
    if person is not None:
        evidence["name"] = person.evidence
        sender_at = max(text.find(person.evidence.split(";")[0]), 0)
    postcode = postal_address = None
    if (address := find_address(text, known.postcodes, sender_at)) is not None and not (
        channel == "email" and an_employers(address)
    ):
        postcode, postal_address, evidence["postal_address"] = address
    email = phone = account = contract = None
    if (found := _email(text, known, channel, sender_email, reply_to)) is not None:
        email, evidence["email"] = found
    if (found := _phone(text, known, _represented(text) is not None)) is not None:
        phone, evidence["phone"] = found
    if (match := _ACCOUNT.search(text)) is not None:
        account, evidence["account"] = match.group(1).strip("-"), match.group()
    if (match := _CONTRACT.search(text)) is not None:
        contract, evidence["contract"] = match.group(1), match.group()
    letter_date = None
    if (dated := _letter_date(text)) is not None:
        letter_date, evidence["letter_date"] = dated
    elif sent_at is not None:
        letter_date = sent_at.astimezone(MOSCOW).date()
        evidence["letter_date"] = "Date: header"
    signed = None
    wants_paper_reply = channel == "post"
    if channel == "post":
        # Only a paper letter has a signature to look for; 59-FZ asks none of e-mail.
        signed = True if _SIGNATURE.search(text[-600:]) else None
    elif (paper := _PAPER_REPLY.search(text)) is not None and "электрон" not in paper.group():
        wants_paper_reply = True
        evidence["wants_paper_reply"] = paper.group()
    head = addressee(text)
    if head is not None:
        evidence["addressee"] = head
    seen = None if postal_address else address_seen(text, known.postcodes, head)
    name_seen = None if person and person.surname else surname_seen(text, head)
    asked = demand(text)
    amount = None
    if asked is not None:
        evidence["demand"] = asked.sentence
        if asked.amount is not None and asked.amount_evidence is not None:
            amount, evidence["amount"] = asked.amount, asked.amount_evidence
    return Fields(
        surname=person.surname if person else None,
        name=person.name if person else None,
        patronymic=person.patronymic if person else None,
        gender=person.gender if person else None,
        postcode=postcode,
        postal_address=postal_address,
        email=email,
        phone=phone,
        account=account,
        contract=contract,
        letter_date=letter_date,
        signed=signed,
        wants_paper_reply=wants_paper_reply,
        addressee=head,
        demand=asked.sentence if asked else None,
        amount=amount,
        address_seen=seen,
        surname_seen=name_seen,
        evidence=evidence,
    )


# A representative names whom the letter speaks for: that person is the applicant.
_ON_BEHALF = re.compile(
    r"(?:в\s+интересах|от\s+имени|по\s+поручению|по\s+просьбе|пишу\s+за|"
    r"представля\w+\s+интерес\w*|опекун\w*|по\s+доверенности\s+за|"
    r"действующ\w+\s+за)[\s,]+",
    re.IGNORECASE,
)


def _represented(text: str) -> PersonName | None:
    """The person a representative writes for («в интересах Зуевой Тамары Николаевны»,
    «по поручению своей мамы, Соловьёвой Галины Ивановны»), named in full."""
    for marker in _ON_BEHALF.finditer(text):
        after = text[marker.end() : marker.end() + 100]
        person = find_sender(re.split(r"\n\s*\n|[.!?;](?:\s|$)", after)[0])
        if person is not None and person.surname and person.name:
            return person
    return None


def _shouted(text: str) -> bool:
    letters = [ch for ch in text if ch.isalpha()]
    return len(letters) > 20 and sum(ch.isupper() for ch in letters) > 0.6 * len(letters)


def _sender(text: str, display_name: str | None) -> PersonName | None:
    """The sender from the letter, completed or replaced by the e-mail display name:
    «А. П. Смирнова» in the text and «Смирнова Анна Петровна» in From: make one person.
    When a representative writes, the person represented."""
    if _shouted(text):
        # ВСЁ ЗАГЛАВНЫМИ: names are found, and given, in the ordinary spelling, as a
        # letter to «Зорину» is written (and as 33 of 39 such letters are labelled).
        text = re.sub(r"\w+", lambda m: m.group().capitalize(), text)
    if (represented := _represented(text)) is not None:
        return represented
    person = find_sender(text)
    display = name_from_display(display_name)
    if display is None:
        return person
    if person is None or (person.surname is None and display.surname is not None):
        return display
    if person.name is None and display.surname is None and display.gender == person.gender:
        # «Нестерова» signs, From: «Алла»: one woman.
        evidence = f"{person.evidence}; {display.evidence}"
        return replace(person, name=display.name, evidence=evidence)
    if person.name is None:
        return complete(person, [display])
    return person
