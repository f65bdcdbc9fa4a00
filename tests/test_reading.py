"""Reading letters: the targets on the held-out part of the labelled set, and the rules
that matter most on their own.  ``bench/reading.py`` prints the full table."""

from __future__ import annotations

import datetime as dt

import pytest

from intake.abusive import abusive
from intake.fields import extract_fields
from intake.grounds import add_months, claim_late, court_decision
from intake.letter_parts import addressee, demand
from intake.names import find_sender
from intake.reading import cyrillic_words
from intake.terms import long_distance
from tests.reading.labelled import (
    APPLICANT_FIELDS,
    GROUNDS,
    SPLITS,
    Scores,
    default_rules,
    load,
    read_all,
    score,
)


@pytest.fixture(scope="module")
def parts() -> dict[str, Scores]:
    cases = load()
    readings = read_all(cases, default_rules())
    return {split: score([c for c in cases if c.split == split], readings) for split in SPLITS}


def test_labelled_set_is_big_and_covers_every_ground_and_category() -> None:
    cases = load()
    assert len(cases) >= 400
    assert {c.letter.channel for c in cases} == {"email", "post"}
    assert all(c.origin for c in cases)
    blind = [c for c in cases if c.split == "blind"]
    assert len(blind) >= len(cases) / 4  # written by someone who read only LAW.md
    for split in ("tune", "blind"):
        part = [c for c in cases if c.split == split]
        assert {g for c in part for g in c.expected["grounds"]} >= set(GROUNDS), split
        assert len({c.expected["category"] for c in part}) == 7, split


# Issue 17's targets on the held-out parts are: applicant fields 0.97, kind 0.90,
# category 0.90, each ground's precision 0.95 and recall 0.90, letter date and
# signed 0.95.  They are not all met yet; these are the figures measured on
# 2026-12-01 (bench/reading.py), so that no change reads the letters worse.
FLOORS = {
    "holdout": {"fields": dict.fromkeys(APPLICANT_FIELDS, 0.97), "category": 0.85,
                "kind": 0.70, "grounds": (0.95, 0.95)},
    "blind": {"fields": {"surname": 0.97, "name": 0.97, "patronymic": 0.98, "postcode": 0.97,
                         "postal_address": 0.93, "email": 0.99, "phone": 0.96,
                         "letter_date": 0.97, "signed": 0.99},
              "category": 0.87, "kind": 0.86, "grounds": (0.90, 0.82)},
}  # fmt: skip


@pytest.mark.parametrize("split", sorted(FLOORS))
def test_no_held_out_part_reads_worse_than_measured(parts: dict[str, Scores], split: str) -> None:
    got, floor = parts[split], FLOORS[split]
    failed = "\n".join(got.errors) if split == "holdout" else "(blind: errors not shown)"
    for key, least in floor["fields"].items():  # type: ignore[attr-defined]
        assert got.field_accuracy[key] >= least, (key, got.field_accuracy[key], failed)
    assert got.category_accuracy >= floor["category"], (got.category_accuracy, failed)
    assert got.kind_accuracy >= floor["kind"], (got.kind_accuracy, failed)
    precision, recall = floor["grounds"]  # type: ignore[misc]
    assert got.grounds_micro[0] >= precision and got.grounds_micro[1] >= recall, (
        got.grounds_micro,
        failed,
    )


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


def test_long_distance_international_and_roaming_claims_are_recognised() -> None:
    # 126-FZ Art. 55 p.8: such a claim is answered within 60 days (LAW.md).
    assert long_distance("Списали 900 руб. за звонки в роуминге в Турции.", "claim") == "роуминге"
    assert long_distance("Неверно тарифицированы МЕЖДУГОРОДНЫЕ разговоры", "claim")
    assert long_distance("плата за международные звонки завышена", "claim")
    assert long_distance("Прошу вернуть 300 руб. за подписку.", "claim") is None
    assert long_distance("Как подключить роуминг?", "statement") is None  # a claim only
