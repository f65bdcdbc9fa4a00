"""Finding the sender's full name in Russian text and putting it in the nominative.

«от Смирновой Анны Петровны» → Смирнова Анна Петровна.  The name and
patronymic tell the grammatical case and the gender; pymorphy3 inflects
them, and the surname follows by its dictionary entry or, for surnames it
does not know, by the regular endings of Russian surnames.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

import pymorphy3

_WORD = re.compile(r"[А-ЯЁ][а-яё]+(?:-[А-ЯЁ][а-яё]+)?")
# Words before a name that say whose it is.
_SENDER_MARKERS = re.compile(
    r"(?:^|\n)\s*(?:от(?:\s+кого)?\s*:?|отправитель\s*:|заявитель\s*:|ф\.?\s?и\.?\s?о\.?\s*:?"
    r"|с уважением,?|я,)\s*$",
    re.IGNORECASE,
)
_ADDRESSEE_MARKERS = re.compile(r"(?:кому|адресат)\s*:?\s*$", re.IGNORECASE)
# Capitalised words that stand before a name and are not surnames.
_NOT_SURNAMES = frozenset(
    [
        "уважаемый",
        "уважаемая",
        "дорогой",
        "дорогая",
        "гражданин",
        "гражданка",
        "господин",
        "госпожа",
        "абонент",
        "абонентка",
        "заявитель",
        "заявительница",
        "директор",
    ]
)


@dataclass(frozen=True)
class PersonName:
    surname: str | None
    name: str | None
    patronymic: str | None
    gender: str | None  # "masc" or "femn"
    evidence: str


@functools.cache
def morph() -> pymorphy3.MorphAnalyzer:
    return pymorphy3.MorphAnalyzer()


def _parse_with(word: str, grammeme: str) -> list[pymorphy3.analyzer.Parse]:
    return [p for p in morph().parse(word) if grammeme in p.tag and "sing" in p.tag]


def _nominative(parse: pymorphy3.analyzer.Parse) -> str:
    inflected = parse.inflect({"nomn"})
    word = inflected.word if inflected is not None else parse.word
    return "-".join(part.capitalize() for part in word.split("-"))


def surname_nominative(surname: str, case: str, gender: str) -> str:
    """The nominative of a surname seen in ``case`` for a person of ``gender``."""
    if case == "nomn":
        return surname
    for parse in _parse_with(surname, "Surn"):
        if case in parse.tag and (gender in parse.tag or "ms-f" in parse.tag):
            if "Fixd" in parse.tag:
                return surname
            inflected = parse.inflect({"nomn", gender})
            if inflected is not None:
                return "-".join(p.capitalize() for p in inflected.word.split("-"))
    return _regular_surname(surname, case, gender)


# (case, gender) → [(ending seen, nominative ending)] for surnames not in the dictionary.
_ENDINGS: dict[tuple[str, str], list[tuple[str, str]]] = {
    ("gent", "femn"): [("ской", "ская"), ("цкой", "цкая"), ("ой", "а")],
    ("datv", "femn"): [("ской", "ская"), ("цкой", "цкая"), ("ой", "а")],
    ("ablt", "femn"): [("ской", "ская"), ("цкой", "цкая"), ("ой", "а")],
    ("gent", "masc"): [
        ("ского", "ский"),
        ("цкого", "цкий"),
        ("ова", "ов"),
        ("ева", "ев"),
        ("ина", "ин"),
        ("ына", "ын"),
    ],
    ("datv", "masc"): [
        ("скому", "ский"),
        ("цкому", "цкий"),
        ("ову", "ов"),
        ("еву", "ев"),
        ("ину", "ин"),
        ("ыну", "ын"),
    ],
    ("ablt", "masc"): [
        ("ским", "ский"),
        ("цким", "цкий"),
        ("овым", "ов"),
        ("евым", "ев"),
        ("иным", "ин"),
        ("ыным", "ын"),
    ],
}


def _regular_surname(surname: str, case: str, gender: str) -> str:
    lower = surname.lower()
    for seen, nominative in _ENDINGS.get((case, gender), []):
        if lower.endswith(seen) and len(lower) > len(seen) + 1:
            return surname[: len(surname) - len(seen)] + nominative
    return surname  # indeclinable (Седых, Гончаренко) or unknown: keep as written


def _name_patronymic(name: str, patronymic: str) -> tuple[str, str, str] | None:
    """The case and gender in which ``name`` and ``patronymic`` agree, if they do."""
    for p_parse in _parse_with(patronymic, "Patr"):
        for n_parse in _parse_with(name, "Name"):
            if p_parse.tag.case == n_parse.tag.case and p_parse.tag.gender == n_parse.tag.gender:
                return str(p_parse.tag.case), str(p_parse.tag.gender), n_parse.word
    return None


def _candidates(text: str) -> list[tuple[int, PersonName, str]]:
    """Every «Surname Name Patronymic» or «Name Patronymic Surname» with its case."""
    words = list(_WORD.finditer(text))
    found: list[tuple[int, PersonName, str]] = []
    for i in range(len(words) - 1):
        name, patronymic = words[i].group(), words[i + 1].group()
        if text[words[i].end() : words[i + 1].start()].strip():
            continue  # not adjacent
        agreed = _name_patronymic(name, patronymic)
        if agreed is None:
            continue
        case, gender, _ = agreed
        surname_word = None
        start = words[i].start()
        if i > 0 and not text[words[i - 1].end() : words[i].start()].strip(" "):
            surname_word = words[i - 1]
        elif i + 2 < len(words) and not text[words[i + 1].end() : words[i + 2].start()].strip(" "):
            surname_word = words[i + 2]
        if surname_word is not None and (
            surname_word.group().lower() in _NOT_SURNAMES
            or _parse_with(surname_word.group(), "Name")  # two given names: no surname
        ):
            surname_word = None
        surname = None
        if surname_word is not None:
            start = min(start, surname_word.start())
            surname = surname_nominative(surname_word.group(), case, gender)
        end = max(words[i + 1].end(), surname_word.end() if surname_word else 0)
        person = PersonName(
            surname=surname,
            name=_nominative(_parse_with(name, "Name")[0]) if case != "nomn" else name,
            patronymic=(
                _nominative(_parse_with(patronymic, "Patr")[0]) if case != "nomn" else patronymic
            ),
            gender=gender,
            evidence=text[start:end],
        )
        found.append((start, person, case))
    return found


def find_sender(text: str) -> PersonName | None:
    """The person who wrote ``text``: named after «от», «С уважением», «Я,», else the
    first full name in the nominative; a name in the dative is the addressee's."""
    candidates = _candidates(text)
    if not candidates:
        return None

    def rank(item: tuple[int, PersonName, str]) -> tuple[int, int]:
        start, person, case = item
        before = text[max(0, start - 40) : start]
        if _ADDRESSEE_MARKERS.search(before) or case == "datv":
            return (3, start)
        if _SENDER_MARKERS.search(before):
            return (0, start)
        if person.surname is None:
            return (2, start)
        return (1, start)

    best = min(candidates, key=rank)
    return None if rank(best)[0] == 3 else best[1]


def name_from_display(display: str | None) -> PersonName | None:
    """The e-mail display name, when it is a Russian full name."""
    if not display:
        return None
    return find_sender(display)
