"""Reading letters: the targets on the held-out part of the labelled set, and the rules
that matter most on their own.  ``bench/reading.py`` prints the full table."""

from __future__ import annotations

import datetime as dt

import pytest

from intake.fields import extract_fields
from intake.grounds import abusive, add_months, claim_late, court_decision
from intake.letter_parts import addressee, demand
from intake.names import find_sender
from intake.reading import cyrillic_words
from tests.reading.labelled import APPLICANT_FIELDS, Scores, default_rules, load, read_all, score


@pytest.fixture(scope="module")
def holdout() -> Scores:
    cases = load()
    readings = read_all(cases, default_rules())
    return score([c for c in cases if c.split == "holdout"], readings)


def test_labelled_set_is_big_and_covers_every_ground_and_category() -> None:
    cases = load()
    assert len(cases) >= 60
    assert {c.letter.channel for c in cases} == {"email", "post"}
    for split in ("tune", "holdout"):
        part = [c for c in cases if c.split == split]
        grounds = {g for c in part for g in c.expected["grounds"]}
        assert len(grounds) == 8, (split, grounds)
    categories = {c.expected["category"] for c in cases}
    assert len(categories) == 7


def test_holdout_meets_the_targets(holdout: Scores) -> None:
    errors = "\n".join(holdout.errors)
    for key in APPLICANT_FIELDS:
        assert holdout.field_accuracy[key] >= 0.97, (key, errors)
    precision, recall = holdout.grounds_micro
    assert precision >= 0.95 and recall >= 0.95, errors
    for code, (p, r, _) in holdout.ground_pr.items():
        assert p >= 0.95 and r >= 0.95, (code, errors)
    assert holdout.category_accuracy >= 0.90, errors


@pytest.mark.parametrize(
    ("text", "surname", "name", "patronymic"),
    [
        ("от Смирновой Анны Петровны", "Смирнова", "Анна", "Петровна"),
        ("С уважением,\nА. П. Смирнова", "Смирнова", None, None),
        ("от Смирнова А. П.\n", "Смирнов", None, None),
        ("мной, Римским-Корсаковым Андреем Михайловичем,", "Римский-Корсаков", "Андрей",
         "Михайлович"),
        ("от Шевчук Марины Алексеевны", "Шевчук", "Марина", "Алексеевна"),
        ("от Ильина Романа Сергеевича", "Ильин", "Роман", "Сергеевич"),
        ("Директору Иванову И. И.\nот Седых Виктора Павловича\nС уважением, В. П. Седых",
         "Седых", "Виктор", "Павлович"),
    ],
)  # fmt: skip
def test_sender_names_in_the_nominative(
    text: str, surname: str, name: str | None, patronymic: str | None
) -> None:
    person = find_sender(text)
    assert person is not None
    assert (person.surname, person.name, person.patronymic) == (surname, name, patronymic)


def test_addressee_in_the_dative_is_not_the_sender() -> None:
    text = "Генеральному директору Петрову Ивану Ильичу\n\nЖалоба\n\nКравченко Т. О."
    person = find_sender(text)
    assert person is not None and person.surname == "Кравченко"
    assert addressee(text) == "Генеральному директору Петрову Ивану Ильичу"


def test_initials_take_the_full_name_from_the_display_name() -> None:
    fields = extract_fields(
        "Прошу починить приложение.\n\nС уважением, А. В. Белова",
        channel="email",
        sender_email="a@b.example",
        sender_name="Белова Анна Викторовна",
    )
    assert (fields.surname, fields.name, fields.patronymic) == ("Белова", "Анна", "Викторовна")


def test_phone_address_date_and_demand_forms() -> None:
    text = (
        "проживаю по адресу: г. Казань, ул. Баумана, д. 7, кв. 15, 420111\n"
        "тел. 8 (4912) 55-66-77\nПо договору № 52-300401 оплатила 2 500 руб. за роутер. "
        'Требую вернуть 1 250,50 руб. на мой счёт.\n\n"20" октября 2026 г.     ______ А. Б. Ким'
    )
    fields = extract_fields(text, channel="post")
    assert fields.postal_address == "420111, г. Казань, ул. Баумана, д. 7, кв. 15"
    assert fields.phone == "+74912556677"
    assert fields.letter_date == dt.date(2026, 10, 20)
    asked = demand(text)
    assert asked is not None and str(asked.amount) == "1250.50"
    assert asked.sentence == "Требую вернуть 1 250,50 руб. на мой счёт"


def test_abusive_words_in_any_form_but_not_sharp_complaints() -> None:
    assert abusive("вы работаете с ворами и мразями") == "мразями"
    assert abusive("я приду и сожгу ваш офис") == "сожгу"
    assert abusive("Это возмутительно и безобразно, вы мошенники!") is None


def test_court_decision_needs_a_disagreement() -> None:
    assert court_decision("Не согласен с решением мирового судьи. Прошу отменить его.")
    assert court_decision("Прошу исполнить решение суда и перечислить деньги.") is None


def test_claim_late_counts_six_months_from_the_latest_service() -> None:
    late = "Прошу вернуть деньги за февраль 2026 г. По договору от 01.10.2026."
    assert claim_late(late, kind="claim", letter_date=dt.date(2026, 9, 1), regime="telecom")
    assert not claim_late(late, kind="claim", letter_date=dt.date(2026, 8, 28), regime="telecom")
    assert not claim_late(late, kind="complaint", letter_date=dt.date(2027, 1, 1),
                          regime="telecom")  # fmt: skip
    assert add_months(dt.date(2026, 8, 31), 6) == dt.date(2027, 2, 28)


def test_ocr_latin_lookalikes_inside_russian_words() -> None:
    assert cyrillic_words("ЖAЛOБA от SMS user@mail.example") == "ЖАЛОБА от SMS user@mail.example"
