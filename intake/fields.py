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

from intake.dates import dates_in
from intake.letter_parts import ADDRESS_ABBREVIATIONS, addressee, demand
from intake.names import PersonName, complete, find_sender, name_from_display, surname_seen

MOSCOW = dt.timezone(dt.timedelta(hours=3))  # e-mail dates become the sender's calendar day
_EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}")
# «Ответ прошу направить на …», «прошу ответить по адресу …»: the address is for the reply.
_FOR_REPLY = re.compile(r"\bотве[тч]", re.IGNORECASE)
_SENTENCE_START = re.compile(r"[.!?;\n]\s")
# +7 or 8, then ten digits in any grouping: «8 (4912) 55-66-77», «+7(921)7654321».
_PHONE = re.compile(r"(?<![\d+])(?:\+7|8|7)((?:[\s\-()]{0,2}\d){10})(?!\d)")
# The rest of the line in a lookahead: a passport's number skipped, a postcode later on
# the same line is still found.
_POSTCODE_LINE = re.compile(r"(?<![\d\-/№])([1-9]\d{5})(?!\d)(?=[ ,]+([^\n]*))")
# OCR splits a postcode: «1 67000, …», «17 1640» at a line's end.
_SPLIT_POSTCODE = re.compile(r"(?m)(?<![\w,.-])(\d{1,2}) (\d{4,5})(?=\s*(?:,|$|г\.))")
_COUNTRY_BEFORE = re.compile(r"(Росси[яи]|РФ|Российская Федерация)[,\s]*$")
# What follows an address on its line and is not part of it.
_AFTER_ADDRESS = re.compile(
    r"\s*\((?:заявк|тел|код|моб|номер|адрес|для)[^)]*\)?.*$"
    r"|,\s*(?:заявк\w*|индекс|тел\.?|телефон|в\s+лице|копи\w*)\b.*$"
    r"|[,;]?\s*(?:e-?mail|эл\.?\s*почт\w*|электронн\w+\s+почт\w*|а\s+также|либо|или\s+на"
    r"|а\s+копи\w*|так\s+как|поскольку|потому\s+что)\b.*$",
    re.IGNORECASE,
)
# A person's name written into the address: «300002, Пантелеев Юрий Викторович, г. Тула»,
# «…, кв. 15, Гордеевой Елизавете Николаевне».
# What stands before an address on its line and is not part of it: «Мой адрес:»,
# «Проживаю …», «Я, Дроздов Валерий Михайлович, …».
_BEFORE_ADDRESS = re.compile(
    r"^(?:(?:мой|наш)\s+адрес:?|(?:я,?\s+)?(?:прожива\w*|жив[уёе]\w*|зарегистрирован\w*)"
    r"(?:\s+я)?(?:\s+по\s+адресу)?:?|я,?\s+(?:[А-ЯЁ][а-яё-]+\s+){2}[А-ЯЁ][а-яё]+,|я(?=\s+[а-яё]+\.))\s*",
    re.IGNORECASE,
)
_PERSON_BEFORE = re.compile(r"[А-ЯЁ][а-яё]+(?:вич|вна|ична|инична)\W*$")
_NAME_IN_ADDRESS = re.compile(
    r"^(?:[А-ЯЁ][а-яё-]+\s+){2}[А-ЯЁ][а-яё]+(?:вич|вна|чна|ична|инична)\s*,\s*"
    r"|,\s*(?:[А-ЯЁ][а-яё-]+\s+){1,2}[А-ЯЁ][а-яё]+(?:вне|чне|вичу|ичу)\.?\s*$"
    # «…, кв. 51, Ершовой Г. Ф.», «…, офис 304, адвокату Ржевской И. О.»: whom to send it to.
    r"|,\s*(?:[а-яё]+\s+){0,2}[А-ЯЁ][а-яё-]+\s+[А-ЯЁ]\.\s*(?:[А-ЯЁ]\.?)?\s*$"
)
# A six-digit number that belongs to a passport: «паспорт 4510 662904, выдан …».
_PASSPORT_BEFORE = re.compile(
    r"(?:паспорт\w*|сери[яи]|сер\.)[^\n]{0,24}$|\d{2}\s?\d{2}\s*(?:№|N)?\s*$", re.IGNORECASE
)
_POSTCODE_AT_END = re.compile(
    r"(?m)^(?:[^\n:]*адрес[^\n:]*:\s*)?([^\n]*?)[ ,]+([1-9]\d{5})\)?\s*\.?$", re.IGNORECASE
)
_POSTCODE_ANYWHERE = re.compile(r"(?<!\d)[1-9]\d{5}(?!\d)")
_ADDRESS_LINE = re.compile(r"(?:адрес[^\n:]*:|по\s+адресу:?)[ \t]*([^\n]*)", re.IGNORECASE)
# A line that is an address and nothing else, with no postcode and no word for it:
# «г. Липецк, ул. Катукова, д. 26, кв. 91» under a signature.
_BARE_ADDRESS = re.compile(
    r"^[ \t]*((?:г\.|город|пос\.|пгт|с\.|село|дер\.|деревня|ул\.|улица|пр-т|просп\.|пер\.)"
    r"[ \t]*[А-ЯЁ][^\n]{0,100}?(?:ул\.|улица|пр-т|просп|пер\.|переулок|наб\.|шоссе|б-р|"
    r"бульвар|мкр|д\.|дом|г\.)[^\n]*?\d[^\n]{0,40})$",
    re.MULTILINE,
)
# «Ответ прошу направить (Зуевой Т. Н.) по адресу: …»: the address the writer gives
# for the reply, which LAW.md sends the reply to, whatever other address the letter has.
_REPLY_TO = re.compile(
    r"ответ\w*\s+(?:\w+\s+){0,2}(?:направить|выслать|прислать|отправить|направлять)"
    r"[^:\n]{0,60}?(?:по\s+адресу|на\s+адрес|:)\s*:?\s*",
    re.IGNORECASE,
)
# Words before an address that make it a place's, not the sender's: «в салоне по адресу».
_PLACE = re.compile(
    r"(?:салон|офис|магазин|отделени|пункт|центр\w* обслуживан|точк|филиал|представительств|"
    r"вышк|станци|подъезд|сотрудник)\w*[^.\n]{0,40}$",
    re.IGNORECASE,
)
_ADDRESS_WORDS = re.compile(
    r"\b(?:г\.|город|ул\.|улица|д\.|дом|кв\.|пр\.|просп|пер\.|обл\.|область|край|"
    r"село|пос\.|пгт|мкр|наб\.|ш\.|шоссе|бульвар|б-р|р-н|район)"
    r"|\b(?:г|ул|д|кв)\s+(?=[А-ЯЁ0-9])",  # «г Пермь ул Ленина д 60»: no stops at all
    re.IGNORECASE,
)
# Anything that looks like part of a postal address: a postcode, or a street,
# house, settlement or district word with a name or number after it.
_ADDRESS_LIKE = re.compile(
    r"(?<![\d\-/№])[1-9]\d{5}(?![\d\-/])|"  # not a contract's «44-881920»
    r"(?<![а-яёА-ЯЁ])(?:(?i:ул|улица|пр-т|просп|проспект|пер|переулок|проезд|наб|набережная|"
    r"шоссе|б-р|бульвар|мкр|микрорайон|дом|кв|квартира|дер|деревня|село|пос|поселок|посёлок|"
    r"пгт|р-н|район|обл|область|край|гор|город|корп|корпус|стр|хутор|станица|ст-ца|аул|тупик|"
    r"пл|площадь|аллея|тракт|снт|мкрн)\.?|"
    # One-letter abbreviations only in lower case: «С. Ильин» is a name, «с. Ивановка» a place.
    r"[гсшх]\.|д\.?(?=\s*\d))\s*[А-ЯЁ0-9][\w-]*|"
    r"(?i:а/я|а\\я|абонентск\w* ящик|до востребования|почтамт)|"
    # A street and its house without a word for either: «Чкалова 5-12», «Ленина 14, кв».
    r"[А-ЯЁ][а-яё]{3,},?\s+\d{1,3}[а-яА-Я]?(?:\s*[-/]\s*\d{1,4})?(?=\s*(?:,|$|кв|-))"
)
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
_CONTINUES = re.compile(r"(?:,|\b(?:г|ул|д|пр|пер|обл|наб|ш|пос|мкр|корп|стр)\.)$", re.IGNORECASE)
_HOUSE = re.compile(r"^(?:д\.|дом|кв\.|корп|стр\.)|\bд\.\s*\d", re.IGNORECASE)
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
    for match in _PHONE.finditer(text):
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


def _continued(line: str, lines: list[str]) -> str:
    """An address line with the lines that carry it on («ул.» / «Красная, д. 120»)."""
    for following in lines[:2]:
        following = following.strip()
        if not following or ":" in following or _PHONE.search(following):
            break
        if not (_CONTINUES.search(line.rstrip()) or _HOUSE.search(following)):
            break
        line = f"{line.rstrip()} {following}"
    return line


def _address(text: str, known: Known, after: int) -> tuple[str | None, str, str] | None:
    """(postcode, address, evidence) of the first address that is not ours, preferring
    one at or after the sender's name: a line with a postcode at its start or its end,
    else a line introduced as an address («Адрес:», «проживающей по адресу»)."""
    text = _SPLIT_POSTCODE.sub(_joined_postcode, text)
    # An address written over lines that end with commas is one line (same length).
    text = re.sub(r",[ \t]*\n[ \t]*(?=\S)", ", ", text)
    # A postcode alone on the line under the address ends it: «…, кв. 31\n156005».
    text = re.sub(r"(?m)(?<=\S)[ \t]*\n[ \t]*([1-9]\d{5})[ \t]*$", r", \1", text)
    # A word OCR split at a line's end: «ул. Пушкин-\nская», «Есе- нина».
    text = re.sub(r"(?<=[а-яё])-(?:[ \t]*\n[ \t]*|[ \t]+)(?=[а-яё])", "", text)
    found: list[tuple[int, str | None, str, str]] = []

    def a_place(start: int) -> bool:
        return _PLACE.search(text[max(0, start - 60) : start]) is not None

    for match in _POSTCODE_LINE.finditer(text):
        postcode, rest = match.groups()
        if postcode in known.postcodes or not _ADDRESS_WORDS.search(rest) or a_place(match.start()):
            continue
        if rest.lower().startswith("выдан") or _PASSPORT_BEFORE.search(
            text[max(0, match.start() - 30) : match.start()]
        ):
            continue  # a passport's number, not a postcode
        line_end = text.find("\n", match.end())
        following = text[line_end:].lstrip("\n").split("\n")[:2] if line_end >= 0 else []
        rest = _sentence_end(_continued(rest, following))
        line_start = text.rfind("\n", 0, match.start()) + 1
        if (country := _COUNTRY_BEFORE.search(text[line_start : match.start()])) is not None:
            rest = f"{country[1]}, {rest}"  # «Россия, 150054, …» is «150054, Россия, …»
        seen = f"{postcode} {match[2]}".strip()
        found.append((match.start(), postcode, _joined(postcode, rest), seen))
    for match in _POSTCODE_AT_END.finditer(text):
        rest, postcode = match.groups()
        rest = _lines_above(text, match.start(), rest)
        place = a_place(match.start(1) + len(rest) - len(rest.lstrip()))
        if postcode not in known.postcodes and _ADDRESS_WORDS.search(rest) and not place:
            found.append((match.start(), postcode, _joined(postcode, rest), match.group().strip()))
    if not found:
        for match in _ADDRESS_LINE.finditer(text):
            rest = match.group(1)
            following = text[match.end() :].lstrip("\n").split("\n")[:2]
            if not rest.strip() and following:  # «проживающей по адресу:» and the next line
                rest = following.pop(0)
            if a_place(match.start()):
                continue
            if _ADDRESS_WORDS.search(rest) and not _POSTCODE_ANYWHERE.search(rest):
                rest = _sentence_end(_continued(rest, following))
                found.append((match.start(), None, _joined(None, rest), match.group().strip()))
    if not found:
        for match in _BARE_ADDRESS.finditer(text):
            if not a_place(match.start(1)):
                rest = _sentence_end(match.group(1))
                found.append((match.start(), None, _joined(None, rest), match.group(1).strip()))
    if not found:
        return None
    for reply in _REPLY_TO.finditer(text):
        if (given := _given_for_reply(text[reply.end() :])) is not None:
            return given[0], given[1], f"{reply.group().strip()} {given[1]}"
    found.sort()
    later = [f for f in found if f[0] >= after]
    _, postcode, address, evidence = (later or found)[0]
    return postcode, address, evidence


_OFFICE = re.compile(r"(?<![а-яё])(?:офис|оф\.)\s*№?\s*\d", re.IGNORECASE)


def _an_employers(address: tuple[str | None, str, str]) -> bool:
    """An office in an e-mail's signature is the employer's, not the writer's own,
    unless the letter gives it for the reply."""
    _, written, evidence = address
    return _OFFICE.search(written) is not None and _REPLY_TO.match(evidence) is None


def _given_for_reply(after: str) -> tuple[str | None, str] | None:
    """(postcode, address) of the address that follows «ответ прошу направить …:»."""
    rest = _sentence_end(after.split("\n")[0]).strip()
    if not _ADDRESS_WORDS.search(rest):
        return None
    # «дочери, Веретенниковой Ольги Викторовны: 394030, …»: the address after the colon.
    if (m := re.match(r"(?:[^:\d]{0,80}:\s*)?([1-9]\d{5})[ ,]+(.*)", rest)) is not None:
        return m[1], _joined(m[1], m[2])
    if (m := re.search(r"^(.*?)[ ,]+([1-9]\d{5})\s*\.?$", rest)) is not None:
        return m[2], _joined(m[2], m[1])
    return None, _joined(None, rest)


def _address_seen(text: str, known: Known, head: str | None) -> str | None:
    """The first address-like words outside the addressee's block and our own lines:
    reason enough to let a person look before anyone is told no answer will come."""
    for line in text.splitlines():
        if (head and line.strip() and line.strip() in head) or any(
            p in line for p in known.postcodes
        ):
            continue
        if _ADDRESS_LIKE.search(line):
            return line.strip()
    return None


def _lines_above(text: str, start: int, rest: str) -> str:
    """An address whose postcode ends it on a line of its own region: «с. Сосновка,
    ул. Школьная, д. 3» / «Вадинский р-н Пензенской обл., 442170» is one address."""
    for line in reversed(text[:start].rstrip("\n").split("\n")[-2:]):
        line = line.strip()
        if not line or len(line) > 80 or not _ADDRESS_WORDS.search(line):
            break
        if _POSTCODE_ANYWHERE.search(line):
            break  # an address of its own
        if not _ADDRESS_LIKE.match(line):  # a line that starts as an address
            break
        rest = f"{line}, {rest}"
    return rest


def _joined_postcode(match: re.Match[str]) -> str:
    digits = match[1] + match[2]
    return digits if len(digits) == 6 else match.group()


def _joined(postcode: str | None, rest: str) -> str:
    rest = _AFTER_ADDRESS.sub("", re.sub(r"\s+", " ", rest)).strip(" ,;|")
    rest = _NAME_IN_ADDRESS.sub("", rest).strip(" ,;")
    rest = _BEFORE_ADDRESS.sub("", rest)
    # «(уполномоченный — староста Белоусов Николай Ефимович, с. Покровка, …»: a person
    # named before the address on its line.
    start = _ADDRESS_LIKE.search(rest)
    if start and _PERSON_BEFORE.search(rest[: start.start()]):
        rest = rest[start.start() :]
    # OCR's look-alikes: «Д0рожная» is «Дорожная», «д. 1O4» is «д. 104».
    rest = re.sub(r"(?<=[а-яё])0|0(?=[а-яё])", "о", rest)
    rest = re.sub(r"(?<=\d)[OoОо](?=\d)", "0", rest)
    if rest.endswith(")") and "(" not in rest:
        rest = rest[:-1]
    last = re.search(r"([\w-]+)\.$", rest)
    if rest.endswith(".") and not (last and last.group(1).lower() in ADDRESS_ABBREVIATIONS):
        rest = rest.rstrip(".")  # a full stop, not an abbreviation's («обл.»)
    return f"{postcode}, {rest}" if postcode else rest


def _sentence_end(address: str) -> str:
    """The address up to the end of its sentence: «… кв. 4. Уже неделю …» stops at «4»."""
    for match in re.finditer(r"\.\s+(?=[А-ЯЁ](?:[а-яё]|\s))", address):
        word = re.search(r"([\w-]+)$", address[: match.start()])
        if word is None or word.group(1).lower() not in ADDRESS_ABBREVIATIONS:
            return address[: match.start()]
    return address


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
    if (address := _address(text, known, sender_at)) is not None and not (
        channel == "email" and _an_employers(address)
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
    seen = None if postal_address else _address_seen(text, known, head)
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
