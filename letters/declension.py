"""Names in the dative case for the addressee line, and the salutation.

Each word is declined by pymorphy3 when its dictionary knows it as a surname,
first name or patronymic of that gender, else by petrovich's ending rules
(``name_rules``). Hyphenated names are declined part by part. The gender is the
one given (stored with the appeal, and corrected there by staff), else the one
``infer_gender`` reads from the patronymic, the first name or the surname's form;
a word whose dative would differ between a man and a woman stays as written
when the gender cannot be told.
"""

from __future__ import annotations

import functools
import re

import pymorphy3

from intake.names import morph  # the one analyzer, shared with reading
from letters.name_rules import Kind, rule_dative, rule_gender

_TAGS: dict[Kind, str] = {"lastname": "Surn", "firstname": "Name", "middlename": "Patr"}
GENDERS = ("masc", "femn")

# Parts of a hyphenated surname before the last stay as written unless they are a
# surname themselves, known or of Russian form: «Бонч-Бруевичу», «Грум-Гржимайло», but
# «Салтыкову-Щедрину», «Немировичу-Данченко».
_DECLINING_FIRST_PART = re.compile(
    r"(?:[оеё]в|[иы]н|ск(?:ий|ой)|цк(?:ий|ой)|[оеё]ва|[иы]на|ская|цкая)$", re.IGNORECASE
)
# Turkic patronymics: «Мамед оглы», «Ибрагим-кызы» stay as written.
_TURKIC_PATRONYMIC = re.compile(r"[\s-](?:оглы|улы|уулу|кызы|гызы|кизи|гизи)$", re.IGNORECASE)
# Stressed -ия́ (Алия́): the dative is -ие, not the dictionary's -ии (petrovich-eval's list).
_STRESSED_IA = frozenset({"алия", "альфия", "галия", "гульфия", "зульфия"})
# Surnames in -ых/-их (Седых, Долгих) are indeclinable; -рих (Дитрих, Генрих) is a German one.
_INDECLINABLE_SURNAME = re.compile(r"(?:ых|(?<!р)их)$", re.IGNORECASE)


@functools.lru_cache(maxsize=4096)
def _parses(word: str) -> tuple[pymorphy3.analyzer.Parse, ...]:
    """The dictionary's parses of ``word`` (it guesses at unknown words; those are
    dropped): a name is looked up for its gender and again for its dative."""
    return tuple(p for p in morph().parse(word) if p.is_known)


def _dictionary_dative(word: str, kind: Kind, gender: str) -> str | None:
    """The dative pymorphy3's dictionary gives ``word`` as a nominative name of
    ``gender``, or None when it does not know the word so."""
    tag = _TAGS[kind]
    for parse in _parses(word.lower()):
        grammemes = parse.tag
        if tag not in grammemes or "nomn" not in grammemes:
            continue
        if "plur" in grammemes or not (gender in grammemes or "ms-f" in grammemes):
            continue
        inflected = parse.inflect({"datv"})
        if inflected is not None:
            return str(inflected.word)
    return None


def _known_dative(word: str, kind: Kind, gender: str) -> str | None:
    lower = word.lower()
    if kind == "firstname" and gender == "femn" and lower in _STRESSED_IA:
        return lower[:-1] + "е"
    known = _dictionary_dative(word, kind, gender)
    if known and kind == "lastname" and lower.endswith("ний") and known.endswith("ному"):
        # A Russian adjective in -ний is soft (Крайний, Самотечний): the dictionary's
        # paradigm for a few such surnames is the hard one.
        return known[: -len("ому")] + "ему"
    return known


def _word_dative(word: str, kind: Kind, gender: str, first_word: bool) -> str:
    known = _known_dative(word, kind, gender)
    if known:
        return known
    if kind == "lastname" and _INDECLINABLE_SURNAME.search(word):
        return word.lower()
    return rule_dative(word, kind, gender, first_word=first_word)


def _part_dative(part: str, kind: Kind, gender: str, first_word: bool, last: bool) -> str:
    if kind == "lastname" and not last:
        known = _known_dative(part, kind, gender)  # Немирович-Данченко → Немировичу-
        if known or not _DECLINING_FIRST_PART.search(part):
            return known or part.lower()
    return _word_dative(part, kind, gender, first_word)


def _with_case_of(original: str, lower: str) -> str:
    """``lower`` written in the letter case of ``original``: «ИВАНОВ» → «ИВАНОВУ»."""
    if "ё" not in original.lower():
        lower = lower.replace("ё", "е")
    if original.isupper() and len(original) > 1:
        return lower.upper()
    head = "".join(c.upper() if o.isupper() else c for o, c in zip(original, lower, strict=False))
    return head + lower[len(original) :]


def _decline(value: str, kind: Kind, gender: str) -> str:
    if kind == "middlename" and _TURKIC_PATRONYMIC.search(value):
        return value
    if "-" in value and (known := _known_dative(value, kind, gender)):
        return _with_case_of(value, known)  # Абдул-Азиз, Римский-Корсаков
    parts = value.split("-")
    declined = [
        _with_case_of(part, _part_dative(part, kind, gender, i == 0, i == len(parts) - 1))
        if part
        else part
        for i, part in enumerate(parts)
    ]
    return "-".join(declined)


def decline(value: str, kind: Kind, gender: str | None) -> str:
    """One name (``kind``: lastname, firstname or middlename) in the dative.

    With no gender, the dative both genders share, else the name as written.
    """
    value = value.strip()
    if not value:
        return value
    if gender in GENDERS:
        return _decline(value, kind, gender)
    masc, femn = (_decline(value, kind, g) for g in GENDERS)
    return masc if masc == femn else value


def _dictionary_name_gender(name: str) -> str | None:
    """masc or femn as pymorphy3's dictionary knows the first name; "ms-f" when it is
    borne by both (Саша, Женя); None when it does not know it."""
    genders: set[str] = set()
    for parse in _parses(name.lower()):
        if "Name" in parse.tag and "nomn" in parse.tag:
            genders.add("ms-f" if "ms-f" in parse.tag else str(parse.tag.gender))
    if not genders:
        return None
    return genders.pop() if len(genders) == 1 else "ms-f"


def _name_gender(name: str) -> str | None:
    # Whole, then part by part: Абдул-Азиз, Анна-Мария, Ага-Мамед.
    parts = name.split("-")
    for word in (name, *parts) if len(parts) > 1 else (name,):
        known = _dictionary_name_gender(word)
        if known:
            return known if known in GENDERS else None
    return rule_gender(parts[-1], "firstname")


def _surname_gender(surname: str) -> str | None:
    last = surname.split("-")[-1]
    genders = {
        str(p.tag.gender)
        for p in _parses(last.lower())
        if "Surn" in p.tag and "nomn" in p.tag and "sing" in p.tag
    }
    if len(genders) == 1 and genders <= set(GENDERS):
        return genders.pop()
    return rule_gender(last, "lastname")


def infer_gender(surname: str | None, name: str | None, patronymic: str | None) -> str | None:
    """masc or femn, from the patronymic, else the first name, else the surname's form;
    None when none of them tells. Stored with the appeal so staff can correct it."""
    by_patronymic = rule_gender(patronymic.strip(), "middlename") if patronymic else None
    if by_patronymic:
        return by_patronymic
    by_name = _name_gender(name.strip()) if name and name.strip() else None
    if by_name:
        return by_name
    return _surname_gender(surname.strip()) if surname and surname.strip() else None


def _gender(
    gender: str | None, surname: str | None, name: str | None, patronymic: str | None
) -> str | None:
    return gender if gender in GENDERS else infer_gender(surname, name, patronymic)


def dative(
    surname: str | None, name: str | None, patronymic: str | None, gender: str | None
) -> str:
    """«Смирнова Анна Петровна» → «Смирновой Анне Петровне»; ``gender`` as stored,
    else inferred."""
    g = _gender(gender, surname, name, patronymic)
    parts = []
    if surname:
        parts.append(decline(surname, "lastname", g))
    if name:
        parts.append(decline(name, "firstname", g))
    if patronymic:
        parts.append(decline(patronymic, "middlename", g))
    return " ".join(p for p in parts if p)


def _initial(word: str) -> bool:
    return len(word.strip().rstrip(".")) <= 1


def salutation(
    surname: str | None, name: str | None, patronymic: str | None, gender: str | None
) -> str:
    """«Уважаемая Анна Петровна!»; without name and patronymic (initials are not
    enough), by surname; «Здравствуйте!» when the gender cannot be told."""
    g = _gender(gender, surname, name, patronymic)
    word = {"femn": "Уважаемая", "masc": "Уважаемый"}.get(g or "")
    if name and patronymic and word and not _initial(name) and not _initial(patronymic):
        return f"{word} {name} {patronymic}!"
    if surname and word:
        title = "госпожа" if g == "femn" else "господин"
        return f"{word} {title} {surname}!"
    return "Здравствуйте!"
