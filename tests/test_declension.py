"""Names in the dative: the issue's targets on the names pymorphy3 knows, and hard cases.

tests/data/names/pymorphy3-names.tsv.gz is the equivalent of petrovich-eval's lists made
from pymorphy3's dictionary (bench/name_lists.py; petrovich-eval itself is measured by
bench/names.py). Where the dictionary knows a name it is the dictionary's dative, so the
lists check which parse is taken, the gender inferred and the hyphenated names; petrovich's
rules, which carry the names the dictionary does not know, are measured on the same lists
with the dictionary left out (``rule_dative``).
"""

from __future__ import annotations

import gzip
from collections.abc import Iterable
from functools import cache
from pathlib import Path

import pytest

from letters.declension import dative, decline, infer_gender, salutation
from letters.name_rules import rule_dative

LISTS = Path(__file__).parent / "data" / "names" / "pymorphy3-names.tsv.gz"
GENDERS = ("masc", "femn")
SAMPLE = 12  # every 12th name in the fast tests: about 3,700 names in all


@cache
def names() -> dict[tuple[str, str], list[tuple[str, str]]]:
    """(kind, gender) → [(nominative, dative)], title-cased."""
    out: dict[tuple[str, str], list[tuple[str, str]]] = {}
    with gzip.open(LISTS, "rt", encoding="utf-8") as rows:
        next(rows)
        for row in rows:
            kind, gender, nominative, dat = row.rstrip("\n").split("\t")
            out.setdefault((kind, gender), []).append((_title(nominative), _title(dat)))
    return out


def _title(word: str) -> str:
    return "-".join(part.capitalize() for part in word.split("-"))


def _same(a: str, b: str) -> bool:
    return a.lower().replace("ё", "е") == b.lower().replace("ё", "е")


def _share(pairs: Iterable[tuple[str, str]]) -> tuple[float, list[str]]:
    pairs = list(pairs)
    wrong = [f"{got} ≠ {want}" for got, want in pairs if not _same(got, want)]
    return 1 - len(wrong) / len(pairs), wrong[:10]


def _whole_names(gender: str, step: int) -> list[tuple[tuple[str, str, str], str]]:
    """Each surname with a first name and a patronymic of the same gender."""
    lists = names()
    first = lists[("firstname", gender)]
    patronymics = lists[("middlename", gender)]
    cases = []
    for i, (surname, surname_dative) in enumerate(lists[("lastname", gender)][::step]):
        name, name_dative = first[i * 7 % len(first)]
        patronymic, patronymic_dative = patronymics[i * 5 % len(patronymics)]
        want = f"{surname_dative} {name_dative} {patronymic_dative}"
        cases.append(((surname, name, patronymic), want))
    return cases


def _check_whole_names(step: int) -> None:
    for gender in GENDERS:
        cases = _whole_names(gender, step)
        for given in (gender, None):
            share, wrong = _share((dative(*name, given), want) for name, want in cases)
            assert share >= 0.99, (gender, given, share, wrong)
        # With no patronymic the gender comes from the first name.
        share, wrong = _share(
            (dative(s, n, None, None), " ".join(want.split()[:2])) for (s, n, _), want in cases
        )
        assert share >= 0.99, (gender, "surname and name", share, wrong)


def _check_first_names(step: int) -> None:
    for gender in GENDERS:
        cases = names()[("firstname", gender)][::step]
        share, wrong = _share((decline(n, "firstname", gender), want) for n, want in cases)
        assert share >= 0.98, (gender, share, wrong)
        share, wrong = _share((dative(None, n, None, None), want) for n, want in cases)
        assert share >= 0.95, (gender, "no gender", share, wrong)


def test_whole_names_with_and_without_the_gender() -> None:
    _check_whole_names(SAMPLE)


def test_first_names_with_and_without_the_gender() -> None:
    _check_first_names(SAMPLE)


@pytest.mark.slow
def test_every_name_the_dictionary_knows() -> None:
    _check_whole_names(1)
    _check_first_names(1)


@pytest.mark.parametrize(
    ("kind", "floor"), [("firstname", 0.99), ("lastname", 0.99), ("middlename", 0.99)]
)
def test_petrovich_rules_alone(kind: str, floor: float) -> None:
    """The fallback for names the dictionary does not know, measured on names it does."""
    for gender in GENDERS:
        cases = names()[(kind, gender)][::SAMPLE]
        share, wrong = _share(
            (rule_dative(n, kind, gender), want)  # type: ignore[arg-type]
            for n, want in cases
            if "-" not in n
        )
        assert share >= floor, (kind, gender, share, wrong)


# Popular first names, and the ones petrovich 2.0.1 got wrong (issue 20).
POPULAR = {
    "masc": "Александр Александру, Алексей Алексею, Андрей Андрею, Артём Артёму, Василий "
    "Василию, Владимир Владимиру, Георгий Георгию, Даниил Даниилу, Дмитрий Дмитрию, Евгений "
    "Евгению, Егор Егору, Иван Ивану, Игорь Игорю, Илья Илье, Кирилл Кириллу, Константин "
    "Константину, Кузьма Кузьме, Лев Льву, Лука Луке, Максим Максиму, Михаил Михаилу, Никита "
    "Никите, Николай Николаю, Олег Олегу, Павел Павлу, Пётр Петру, Роман Роману, Савва Савве, "
    "Сергей Сергею, Фома Фоме, Шота Шоте, Юрий Юрию, Ярослав Ярославу, Данила Даниле",
    "femn": "Алия Алие, Алла Алле, Анастасия Анастасии, Анна Анне, Валентина Валентине, Галина "
    "Галине, Дарья Дарье, Екатерина Екатерине, Елена Елене, Жанна Жанне, Ирина Ирине, Любовь "
    "Любови, Людмила Людмиле, Мария Марии, Марина Марине, Наталья Наталье, Нелли Нелли, Николь "
    "Николь, Нинель Нинели, Ольга Ольге, Светлана Светлане, София Софии, Софья Софье, Татьяна "
    "Татьяне, Юлия Юлии, Ярослава Ярославе",
}


@pytest.mark.parametrize("gender", GENDERS)
def test_popular_first_names_all_right(gender: str) -> None:
    pairs = [pair.split() for pair in POPULAR[gender].split(", ")]
    for given in (gender, None):
        assert [dative(None, n, None, given) for n, _ in pairs] == [d for _, d in pairs]
    assert {infer_gender(None, n, None) for n, _ in pairs} == {gender}


@pytest.mark.parametrize(
    ("surname", "gender", "expected"),
    [
        ("Цой", "masc", "Цою"),
        ("Цой", "femn", "Цой"),
        ("Воробей", "masc", "Воробью"),
        ("Воробей", "femn", "Воробей"),
        ("Шевчук", "masc", "Шевчуку"),
        ("Шевчук", "femn", "Шевчук"),
        ("Кравец", "masc", "Кравцу"),
        ("Сосковец", "masc", "Сосковцу"),
        ("Белоконь", "masc", "Белоконю"),
        ("Щусь", "masc", "Щусю"),
        ("Шопен", "masc", "Шопену"),
        ("Штеттер", "masc", "Штеттеру"),
        ("Дитрих", "masc", "Дитриху"),
        ("Седых", "masc", "Седых"),
        ("Долгих", "femn", "Долгих"),
        ("Гончаренко", "masc", "Гончаренко"),
        ("Плевако", "masc", "Плевако"),
        ("Бильжо", "femn", "Бильжо"),
        ("Дюма", "masc", "Дюма"),
        ("Окуджава", "masc", "Окуджаве"),
        ("Сирота", "femn", "Сироте"),
        ("Фидря", "masc", "Фидре"),
        ("Толстой", "masc", "Толстому"),
        ("Крайний", "masc", "Крайнему"),
        ("Слуцкая", "femn", "Слуцкой"),
        ("Бонч-Бруевич", "masc", "Бонч-Бруевичу"),
        ("Тер-Петросян", "masc", "Тер-Петросяну"),
        ("Салтыков-Щедрин", "masc", "Салтыкову-Щедрину"),
        ("Петров-Водкин", "masc", "Петрову-Водкину"),
        ("Сидорова-Петрова", "femn", "Сидоровой-Петровой"),
        ("Тер-Петрова", "femn", "Тер-Петровой"),
        ("Грум-Гржимайло", "masc", "Грум-Гржимайло"),
        ("Немирович-Данченко", "masc", "Немировичу-Данченко"),
        ("Немирович-Данченко", "femn", "Немирович-Данченко"),
    ],
)
def test_hard_surnames(surname: str, gender: str, expected: str) -> None:
    assert decline(surname, "lastname", gender) == expected


@pytest.mark.parametrize(
    ("parts", "expected"),
    [
        (("Ильин", "Никита", "Сергеевич"), "Ильину Никите Сергеевичу"),
        (("Смирнова", "Анна", None), "Смирновой Анне"),
        (("Шевчук", "Тарас", None), "Шевчуку Тарасу"),
        (("Шевчук", "Ирина", None), "Шевчук Ирине"),
        (("Цой", "Виктор", None), "Цою Виктору"),
        (("Кузнецова", None, None), "Кузнецовой"),
        (("Шевчук", "Саша", None), "Шевчук Саше"),  # the gender cannot be told
        (("Мамедов", "Рашид", "Мамед оглы"), "Мамедову Рашиду Мамед оглы"),
        (("Алиева", "Айгуль", "Ибрагим кызы"), "Алиевой Айгуль Ибрагим кызы"),
        ((None, "Анна-Мария", None), "Анне-Марии"),
        ((None, "Абдул-Азиз", None), "Абдул-Азизу"),
        (("ПЕТРОВ", "ПЁТР", "ПЕТРОВИЧ"), "ПЕТРОВУ ПЕТРУ ПЕТРОВИЧУ"),
    ],
)
def test_whole_names_with_no_gender(parts: tuple[str | None, ...], expected: str) -> None:
    assert dative(*parts, None) == expected


def test_the_stored_gender_wins_and_a_correction_re_declines() -> None:
    # «Саша Шевчук»: nothing tells; staff set the gender and the letter follows it.
    assert infer_gender("Шевчук", "Саша", None) is None
    assert dative("Шевчук", "Саша", None, "femn") == "Шевчук Саше"
    assert dative("Шевчук", "Саша", None, "masc") == "Шевчуку Саше"
    assert dative("Ильина", "Евгения", None, "femn") == "Ильиной Евгении"
    assert infer_gender("Кузнецов", None, None) == "masc"
    assert infer_gender("Иванова", "Саша", None) == "femn"
    assert infer_gender(None, "Женя", "Олеговна") == "femn"


def test_salutation_with_the_gender_inferred() -> None:
    assert salutation("Ильин", "Никита", "Сергеевич", None) == "Уважаемый Никита Сергеевич!"
    assert salutation("Кузнецова", None, None, None) == "Уважаемая госпожа Кузнецова!"
    assert salutation("Шевчук", "Саша", None, None) == "Здравствуйте!"
    assert salutation("Шевчук", "Саша", None, "femn") == "Уважаемая госпожа Шевчук!"
    assert salutation("Петров", "А.", "П.", None) == "Уважаемый господин Петров!"
    assert dative("Петров", "А.", "П.", None) == "Петрову А. П."
