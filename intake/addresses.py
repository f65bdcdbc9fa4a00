"""The sender's postal address in a letter's text: the reply address where one is given,
else the sender's own, never one merely mentioned (a shop's, an office's, ours).

Rules written for the forms Russian letters use: postcode first or last, country
first, a city without «г.», village and multi-line addresses, the line after
«проживающей по адресу:», OCR's split postcodes and look-alike letters.
"""

from __future__ import annotations

import re

from intake.letter_parts import ADDRESS_ABBREVIATIONS, PHONE

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
_CONTINUES = re.compile(r"(?:,|\b(?:г|ул|д|пр|пер|обл|наб|ш|пос|мкр|корп|стр)\.)$", re.IGNORECASE)
_HOUSE = re.compile(r"^(?:д\.|дом|кв\.|корп|стр\.)|\bд\.\s*\d", re.IGNORECASE)


def _continued(line: str, lines: list[str]) -> str:
    """An address line with the lines that carry it on («ул.» / «Красная, д. 120»)."""
    for following in lines[:2]:
        following = following.strip()
        if not following or ":" in following or PHONE.search(following):
            break
        if not (_CONTINUES.search(line.rstrip()) or _HOUSE.search(following)):
            break
        line = f"{line.rstrip()} {following}"
    return line


def find_address(text: str, ours: frozenset[str], after: int) -> tuple[str | None, str, str] | None:
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
        if postcode in ours or not _ADDRESS_WORDS.search(rest) or a_place(match.start()):
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
        if postcode not in ours and _ADDRESS_WORDS.search(rest) and not place:
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


def an_employers(address: tuple[str | None, str, str]) -> bool:
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


def address_seen(text: str, ours: frozenset[str], head: str | None) -> str | None:
    """The first address-like words outside the addressee's block and our own lines:
    reason enough to let a person look before anyone is told no answer will come."""
    for line in text.splitlines():
        if (head and line.strip() and line.strip() in head) or any(p in line for p in ours):
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
