"""Letters made up for the tests, as raw bytes."""

from __future__ import annotations

import datetime as dt
from email.message import EmailMessage
from email.utils import format_datetime

BODY = """Генеральному директору ООО «Связь-Регион»
от {surname} {name} {patronymic}
{postcode}, г. Тверь, ул. Советская, д. {n}, кв. 1

Претензия

С моего лицевого счёта № 55500{n:05d} списаны деньги за услугу, которую я не
подключал. Прошу вернуть 300 руб.

С уважением,
{surname} {name} {patronymic}
"""


def appeal_eml(
    n: int,
    *,
    surname: str = "Иванов",
    name: str = "Пётр",
    patronymic: str = "Сергеевич",
    headers: dict[str, str] | None = None,
    charset: str = "utf-8",
    message_id: str | None = None,
) -> bytes:
    msg = EmailMessage()
    msg["From"] = f"{surname} {name} <user{n}@mail.example>"
    msg["To"] = "appeals@svyaz-region.example"
    msg["Subject"] = f"Претензия {n}"
    msg["Date"] = format_datetime(dt.datetime(2026, 11, 2, 10, 0, tzinfo=dt.UTC))
    msg["Message-ID"] = message_id or f"<test-{n}@pismo.example>"
    for key, value in (headers or {}).items():
        msg[key] = value
    body = BODY.format(
        surname=surname, name=name, patronymic=patronymic, n=n, postcode=170000 + n % 1000
    )
    msg.set_content(body, charset=charset)
    return bytes(msg)


# --- mail in the shapes Russian mail takes --------------------------------------------

PHRASE = "Прошу вернуть деньги за услугу, которую я не подключал"


def raw_letter(
    body: bytes, content_type: str, *, subject: bytes = b"=?utf-8?B?0JbQsNC70L7QsdCw?=", n: int = 0
) -> bytes:
    """A single-part letter from raw header and body bytes, as odd mailers send them."""
    return (
        b"From: =?windows-1251?B?yOLg7e7iIM+48vA=?= <ivanov%d@mail.example>\r\n"
        b"To: appeals@svyaz-region.example\r\n"
        b"Subject: " + subject + b"\r\n"
        b"Date: Mon, 02 Nov 2026 10:00:00 +0300\r\n"
        b"Message-ID: <shape-%d@mail.example>\r\n"
        b"MIME-Version: 1.0\r\n"
        b"Content-Type: " + content_type.encode() + b"\r\n"
        b"Content-Transfer-Encoding: 8bit\r\n\r\n" + body
    ) % (n, n)


def letter_text(n: int) -> str:
    """The appeal's text with only the characters every Cyrillic code page has (no «», №)."""
    text = BODY.format(
        surname="Иванов", name="Пётр", patronymic="Сергеевич", n=n, postcode=170000 + n
    ).replace("Прошу вернуть 300 руб.", PHRASE + ". Прошу вернуть 300 руб.")
    return text.translate(str.maketrans({"«": '"', "»": '"', "№": "N"}))


def with_attachments(n: int, *parts: tuple[str, str, bytes]) -> bytes:
    msg = EmailMessage()
    msg["From"] = f"Иванов Пётр <user{n}@mail.example>"
    msg["Subject"] = "Претензия"
    msg["Message-ID"] = f"<attached-{n}@pismo.example>"
    msg.set_content(
        "Прошу вернуть 500 рублей, списанных за услугу, которую я не подключал.\n"
        "Иванов Пётр Сергеевич, 170001, г. Тверь, ул. Советская, д. 1, кв. 2"
    )
    for name, ctype, data in parts:
        maintype, subtype = ctype.split("/")
        msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    return bytes(msg)
