"""One test per failure class that letters written outside the team showed (issue 17).

The letters here are written for these tests; none is taken from the held-out
or blind parts of the labelled set.
"""

from __future__ import annotations

import datetime as dt

import pytest

from intake.reading import Letter, LetterReading, read_letter
from tests.reading.labelled import default_rules, earlier_appeal

SENT = dt.datetime(2026, 11, 10, 12, 0, tzinfo=dt.UTC)


def post(text: str) -> LetterReading:
    return read_letter(Letter(text=text, channel="post"), default_rules())


def email(text: str, sender: str = "ivan@mail.example", name: str | None = None) -> LetterReading:
    letter = Letter(text=text, channel="email", sender_email=sender, sender_name=name, sent_at=SENT)
    return read_letter(letter, default_rules())


@pytest.mark.parametrize(
    ("address", "expected"),
    [
        (
            "Россия, 150054, Ярославль, ул. Чкалова, д. 12, кв. 3",
            "150054, Россия, Ярославль, ул. Чкалова, д. 12, кв. 3",
        ),
        (
            "г. Тверь, ул. Советская, д. 7, кв. 15, 170100",
            "170100, г. Тверь, ул. Советская, д. 7, кв. 15",
        ),
        (
            "дер. Ивановка, Кашинский р-н, Тверская обл., 171611",
            "171611, дер. Ивановка, Кашинский р-н, Тверская обл.",
        ),
    ],
)
def test_addresses_in_the_forms_people_write_them(address: str, expected: str) -> None:
    reading = post(
        f"В ООО «Связь-Регион»\nот Зуевой Татьяны Николаевны\n{address}\n\n"
        "Заявление\nПрошу выдать копию договора на оказание услуг связи.\n\n"
        "10.11.2026 подпись Зуева"
    )
    assert reading.fields.postal_address == expected
    assert "no-postal-address" not in reading.findings.codes


def test_the_address_on_the_line_after_proживающей_по_адресу() -> None:
    reading = post(
        "Генеральному директору ООО «Связь-Регион»\n"
        "от Рогожиной Ларисы Андреевны, проживающей по адресу:\n"
        "308015, г. Белгород, ул. Победы, д. 40, кв. 8\n\n"
        "Заявление\nПрошу сообщить, когда будет восстановлена связь в нашем доме.\n\n"
        "Подпись ____ Рогожина Л. А.\n11.11.2026"
    )
    assert reading.fields.postal_address == "308015, г. Белгород, ул. Победы, д. 40, кв. 8"
    assert reading.fields.signed is True


def test_a_paper_letter_with_only_a_shops_address_is_for_a_person_not_refused() -> None:
    reading = post(
        "В ООО «Связь-Регион»\nот Каримова Рустама Ильдаровича\n\n"
        "Жалоба\nВ вашем салоне по адресу г. Казань, ул. Баумана, д. 44 мне нагрубил "
        "консультант и отказался менять сим-карту. Прошу принять меры.\n\n"
        "12.11.2026 подпись Каримов"
    )
    assert reading.fields.postal_address is None
    assert "no-postal-address" not in reading.findings.codes
    assert "address-unrecognised" in [d.code for d in reading.findings.defects]


def test_a_paper_letter_with_no_address_at_all_has_the_ground() -> None:
    reading = post(
        "В ООО «Связь-Регион»\nот Каримова Рустама Ильдаровича\n\n"
        "Прошу вернуть 300 руб., списанные за услугу, которую я не заказывал.\n\n"
        "12.11.2026 подпись Каримов"
    )
    assert "no-postal-address" in reading.findings.codes


@pytest.mark.parametrize(
    "threat",
    [
        "Если не вернете деньги, переломаю вам ноги.",
        "Я приду и разберусь с вашим менеджером лично.",
        "Вы об этом пожалеете!",
        "Вы все б***и, верните деньги.",
    ],
)
def test_threats_and_masked_obscenity_are_abusive(threat: str) -> None:
    reading = email(f"Здравствуйте. Списали 500 руб. без причины. {threat}\nИванов Иван Петрович")
    assert "abusive" in reading.findings.codes


def test_a_lawsuit_promised_is_no_threat() -> None:
    reading = email(
        "Здравствуйте. Списали 500 руб. без причины. Вы об этом пожалеете: я подам в суд.\n"
        "Иванов Иван Петрович"
    )
    assert "abusive" not in reading.findings.codes


@pytest.mark.parametrize("text", ["Всё как обычно. Жду.", "Претензию направляю во вложении."])
def test_letters_that_say_nothing(text: str) -> None:
    reading = email(f"{text}\nИванов Иван Петрович")
    assert "no-essence" in reading.findings.codes


def test_a_late_claim_whose_service_date_is_written_in_words() -> None:
    reading = email(
        "Претензия\nДвенадцатого марта две тысячи двадцать пятого года мне была оказана "
        "услуга мобильного интернета ненадлежащего качества. Требую вернуть 900 руб.\n"
        "Иванов Иван Петрович\n10.11.2026"
    )
    assert "claim-late" in reading.findings.codes


def test_a_complaint_that_demands_a_refund_is_a_claim() -> None:
    reading = email(
        "Жалоба\nВчера без моего согласия мне подключили платную подписку. "
        "Требую вернуть списанные 299 руб. на мой лицевой счёт.\nИванов Иван Петрович"
    )
    assert reading.classification.kind == "claim"


def test_the_signer_not_the_mailbox_owner_is_the_applicant() -> None:
    reading = email(
        "Здравствуйте. Пишу с почты мужа. Прошу перенести визит мастера на субботу.\n"
        "С уважением, Козлова Марина Викторовна",
        sender="kozlov@mail.example",
        name="Козлов Андрей",
    )
    assert (reading.fields.surname, reading.fields.name) == ("Козлова", "Марина")


@pytest.mark.parametrize(
    "closing",
    ["Подпись ____ Рогожина Л. А.", "/Рогожина Л. А./", "__________ Рогожина"],
)
def test_signature_lines_in_their_real_forms(closing: str) -> None:
    reading = post(
        "В ООО «Связь-Регион»\nот Рогожиной Ларисы Андреевны\n"
        "308015, г. Белгород, ул. Победы, д. 40, кв. 8\n\n"
        f"Прошу выдать детализацию звонков за октябрь 2026 г.\n\n11.11.2026\n{closing}"
    )
    assert reading.fields.signed is True
    assert reading.fields.letter_date == dt.date(2026, 11, 11)


def test_a_letter_dated_in_words() -> None:
    reading = post(
        "В ООО «Связь-Регион»\nот Рогожиной Ларисы Андреевны\n"
        "308015, г. Белгород, ул. Победы, д. 40, кв. 8\n\n"
        "Прошу выдать детализацию звонков за октябрь 2026 г.\n\n"
        "одиннадцатого ноября 2026 года\nподпись Рогожина"
    )
    assert reading.fields.letter_date == dt.date(2026, 11, 11)


def test_the_reply_address_given_inside_a_sentence_wins() -> None:
    reading = post(
        "В ООО «Связь-Регион»\nот Зуева Николая Петровича\n"
        "150054, г. Ярославль, ул. Чкалова, д. 12, кв. 3\n\n"
        "Прошу расторгнуть договор на услуги связи матери. Ответ прошу направить "
        "Зуевой Т. Н.: дер. Ивановка, Кашинский р-н, Тверская обл., 171611.\n\n"
        "10.11.2026 подпись Зуев"
    )
    assert reading.fields.postal_address == "171611, дер. Ивановка, Кашинский р-н, Тверская обл."


FIRST_LETTER = (
    "Здравствуйте. 30 сентября с моего счёта списали 500 руб. за подписку «Антивирус», "
    "которую я не подключал. Прошу вернуть деньги.\nБондаренко Геннадий Петрович"
)


@pytest.mark.parametrize(
    ("again", "is_repeat"),
    [
        (
            "Я уже писал вам про 500 руб. за «Антивирус». Ваш ответ не устроил, верните деньги.",
            True,
        ),
        ("Повторно пишу про «Антивирус»: прилагаю новые документы, выписку из банка.", False),
    ],
)
def test_a_letter_that_says_it_writes_again(again: str, is_repeat: bool) -> None:
    first = email(FIRST_LETTER, sender="bondarenko@mail.example")
    letter = Letter(
        text=f"{again}\nБондаренко Геннадий Петрович",
        channel="email",
        sender_email="bondarenko@mail.example",
        sent_at=SENT,
    )
    earlier = [earlier_appeal("ВХ-2026-000001", first, answered=True)]
    reading = read_letter(letter, default_rules(), earlier)
    assert ("repeat" in reading.findings.codes) is is_repeat


def test_a_surname_that_looks_like_an_insult_is_a_name() -> None:
    reading = email("ВЕРНИТЕ ДЕНЬГИ ЗА ПОДПИСКУ, Я ЕЁ НЕ ПОДКЛЮЧАЛ\nКОЗЛОВ")
    assert "abusive" not in reading.findings.codes


@pytest.mark.parametrize(
    ("closing", "display", "expected"),
    [
        (
            "Сидоркина Алевтина Павловна",
            None,
            ("Сидоркина", "Алевтина"),
        ),  # «Сидоркина» a name's gent
        ("Мурадов Тимур, дог. 50-771208", None, ("Мурадов", "Тимур")),
        ("С уважением, Тимур", "Тимур Мурадов", ("Мурадов", "Тимур")),
        ("МУРАДОВ ТИМУР ЛС 3300517764", None, ("Мурадов", "Тимур")),  # as a reply spells it
    ],
)
def test_a_surname_the_dictionary_knows_only_as_a_name_form(
    closing: str, display: str | None, expected: tuple[str, str]
) -> None:
    """pymorphy3 reads «Хасанов», «Ламина» as forms of the names «Хасан», «Ламин»: such a
    surname beside a given name is still a surname, and no refusal follows."""
    body = "Прошу вернуть деньги за пять дней без интернета."
    if closing.isupper():
        body = body.upper()
    reading = email(f"{body}\n\n{closing}", name=display)
    assert (reading.fields.surname, reading.fields.name) == expected
    assert "no-surname" not in reading.findings.codes


@pytest.mark.parametrize(
    "asked",
    [
        "Справку прошу прислать обычной почтой, на бумаге с печатью.",
        "Ответ прошу направить мне в письменном виде почтой, электронной почтой не пользуюсь.",
    ],
)
def test_a_paper_reply_asked_for_by_e_mail_needs_an_address(asked: str) -> None:
    reading = email(
        f"Прошу выдать справку об отсутствии задолженности. {asked}\nСтупин Геннадий Викторович"
    )
    assert reading.fields.wants_paper_reply
    assert "no-postal-address" in reading.findings.codes


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        (  # a passport's number is no postcode, the address later on its line is
            "паспорт 4510 662904, выдан ОУФМС России по г. Москве 14.08.2015; адрес: "
            "164500, Архангельская обл., г. Северодвинск, ул. Ломоносова, д. 81, кв. 40",
            "164500, Архангельская обл., г. Северодвинск, ул. Ломоносова, д. 81, кв. 40",
        ),
        (
            "Адрес: 300002, Пантелеев Юрий Викторович, г. Тула, ул. Болдина, д. 98, кв. 55",
            "300002, г. Тула, ул. Болдина, д. 98, кв. 55",
        ),
        (
            "344002, г. Ростов-на-Дону, ул. Большая Садовая, д. 47, кв. 15, e-mail: ev@don.example",
            "344002, г. Ростов-на-Дону, ул. Большая Садовая, д. 47, кв. 15",
        ),
        (
            "Ответ прошу направить дочери, Веретенниковой Ольге Викторовне: 394030, "
            "г. Воронеж, ул. Ворошилова, д. 9, кв. 112, а копию — на эту почту.",
            "394030, г. Воронеж, ул. Ворошилова, д. 9, кв. 112",
        ),
        (
            "168220, с. Выльгорт, ул. Д0рожная, д. 1O4, Сыктывдинский р-н, Республика Коми",
            "168220, с. Выльгорт, ул. Дорожная, д. 104, Сыктывдинский р-н, Республика Коми",
        ),
        # No postcode, no stops, whom to send it to, a sentence after it:
        ("г. Липецк, ул. Катукова, д. 26, кв. 91", "г. Липецк, ул. Катукова, д. 26, кв. 91"),
        ("614000, г Пермь ул Ленина д 60 кв 101", "614000, г Пермь ул Ленина д 60 кв 101"),
        (
            "Ответ направить маме: 400066, г. Волгоград, ул. Мира, д. 3, кв. 51, Ершовой Г. Ф.",
            "400066, г. Волгоград, ул. Мира, д. 3, кв. 51",
        ),
        (
            "190000, г. Санкт-Петербург, ул. Гороховая, д. 8, кв. 21. С её согласия пишу я.",
            "190000, г. Санкт-Петербург, ул. Гороховая, д. 8, кв. 21",
        ),
        # The postcode on a line of its own, a word split at the line's end:
        (
            "г. Кострома, ул. Советская, д. 77, кв. 12\n156005",
            "156005, г. Кострома, ул. Советская, д. 77, кв. 12",
        ),
        (
            "390046, г. Рязань, ул. Есе-\nнина, д. 45, кв. 12",
            "390046, г. Рязань, ул. Есенина, д. 45, кв. 12",
        ),
        (
            "Живу я дер. Заозерье, д. 5, Устюженский р-н, 162840",
            "162840, дер. Заозерье, д. 5, Устюженский р-н",
        ),
    ],
)
def test_an_address_without_what_surrounds_it(lines: str, expected: str) -> None:
    reading = post(f"Прошу выдать детализацию звонков.\n{lines}\nГолубева Анна Сергеевна")
    assert reading.fields.postal_address == expected


def test_a_veteran_proposing_a_tariff_writes_to_us_not_to_social_protection() -> None:
    reading = post(
        "В ООО «Связь-Регион»\nот Гусева Павла Андреевича\n160000, г. Вологда, ул. Мира, д. 8\n\n"
        "Я пенсионер, ветеран труда. Предлагаю ввести для пенсионеров единый тариф на "
        "домашний интернет и телевидение со скидкой 20 процентов.\nГусев П. А."
    )
    assert "not-competent" not in reading.findings.codes


@pytest.mark.parametrize(
    ("text", "reply_to", "expected"),
    [
        # LAW.md: the address named for the reply, else Reply-To, else From.
        (
            "Ответ прошу направить на kira@inbox.example, а не сюда.",
            "rt@mail.example",
            "kira@inbox.example",
        ),
        (
            "Менеджер petrov@shop.example обещал вернуть деньги.",
            "rt@mail.example",
            "rt@mail.example",
        ),
        ("Менеджер petrov@shop.example обещал вернуть деньги.", None, "ivan@mail.example"),
        (
            "Копию я отправил сыну sergey@mail.example. Прошу ответить мне.",
            None,
            "ivan@mail.example",
        ),
    ],
)
def test_the_reply_address_is_never_one_merely_mentioned(
    text: str, reply_to: str | None, expected: str
) -> None:
    letter = Letter(
        text=f"Списали 500 руб. без причины. {text}\nИванов Иван Петрович",
        channel="email",
        sender_email="ivan@mail.example",
        reply_to=reply_to,
        sent_at=SENT,
    )
    assert read_letter(letter, default_rules()).fields.email == expected


def test_an_office_in_an_e_mail_signature_is_the_employers() -> None:
    reading = email(
        "Прошу выслать детализацию за октябрь на этот адрес почты.\n--\nИванов Иван Петрович\n"
        "Менеджер ООО «Вектор»\nг. Архангельск, наб. Северной Двины, д. 30, офис 512"
    )
    assert reading.fields.postal_address is None


@pytest.mark.parametrize(
    "body",
    [
        "Мне по ночам звонят с номера +7 958 301-12-90. Кто это?\nМой телефон: +7 937 550-28-14",
        "Сосед порвал кабель (номер соседа 8-930-118-22-47). Почините.\nМой номер +7 937 550-28-14",
        "Муж пользуется номером +7 917 440-12-90. Прошу детализацию.\nтел. +7 937 550-28-14",
        "Телефоны: 8 910 641 22 88 (сына), +7 937 550-28-14 (мой)",
    ],
)
def test_the_applicants_phone_not_one_the_letter_speaks_of(body: str) -> None:
    assert email(f"{body}\nИванов Иван Петрович").fields.phone == "+79375502814"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("В ООО «Связь-Регион»\nот Рогожиной Лидии Андреевны\nПрошу выдать копию договора.",
         ("Рогожина", "Лидия", "Андреевна")),
        ("Прошу выдать копию договора.\n5 октября 2026 г.     подпись     Валентина",
         (None, "Валентина", None)),
        ("Прошу выдать копию договора.\nВаш абонент Надежда", (None, "Надежда", None)),
        ("Я, Кравец Ирина Павловна, являюсь опекуном своего сына Кравца Дениса Олеговича. "
         "Прошу выдать копию его договора.", ("Кравец", "Денис", "Олегович")),
    ],
)  # fmt: skip
def test_names_in_the_case_and_gender_they_stand_in(
    text: str, expected: tuple[str | None, ...]
) -> None:
    fields = post(text).fields
    assert (fields.surname, fields.name, fields.patronymic) == expected
