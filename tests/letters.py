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
