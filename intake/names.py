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
_ADDRESSEE_MARKERS = re.compile(
    r"(?:кому|адресат)\s*:?\s*$|уважаем\w+\s*$|(?:директору|начальнику|руководителю)[^\n]{0,60}$",
    re.IGNORECASE,
)
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


# Remembered: letters repeat their words, and a parse costs tens of microseconds.
@functools.lru_cache(maxsize=100_000)
def _parse_with(word: str, grammeme: str) -> tuple[pymorphy3.analyzer.Parse, ...]:
    return tuple(p for p in morph().parse(word) if grammeme in p.tag and "sing" in p.tag)


def _agreeing(word: str, grammeme: str, *wanted: str) -> pymorphy3.analyzer.Parse:
    """The parse of ``word`` with the grammemes its place asks for, else its likeliest:
    «Лидии» beside «Андреевны» is Лидия's genitive, not Лидий's locative."""
    parses = _parse_with(word, grammeme)
    return next((p for p in parses if set(wanted) <= p.tag.grammemes), parses[0])


def _nominative(seen: str, parse: pymorphy3.analyzer.Parse) -> str:
    """The nominative of ``seen``; pymorphy3 restores «ё» even in ``parse.word``, so the
    spelling to keep is the one seen in the letter."""
    inflected = parse.inflect({"nomn"})
    word = inflected.word if inflected is not None else parse.word
    return _as_written(seen, "-".join(part.capitalize() for part in word.split("-")))


def _as_written(seen: str, word: str) -> str:
    """The dictionary writes «ё» where the letter may not: keep the letter's «е»."""
    return word if "ё" in seen.lower() else word.replace("ё", "е").replace("Ё", "Е")


def surname_nominative(surname: str, case: str, gender: str) -> str:
    """The nominative of a surname seen in ``case`` for a person of ``gender``;
    a double surname declines part by part (Римским-Корсаковым → Римский-Корсаков)."""
    if case == "nomn":
        return surname
    if "-" in surname:
        return "-".join(_surname_part(part, case, gender) for part in surname.split("-"))
    return _surname_part(surname, case, gender)


def _surname_part(surname: str, case: str, gender: str) -> str:
    for parse in _parse_with(surname, "Surn"):
        if case in parse.tag and (gender in parse.tag or "ms-f" in parse.tag):
            if "Fixd" in parse.tag:
                return surname
            inflected = parse.inflect({"nomn", gender})
            if inflected is not None:
                return _as_written(surname, inflected.word.capitalize())
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
            or _only_a_name(surname_word.group(), case)  # two given names: no surname
        ):
            surname_word = None
        surname = None
        if surname_word is not None:
            start = min(start, surname_word.start())
            surname = surname_nominative(surname_word.group(), case, gender)
        end = max(words[i + 1].end(), surname_word.end() if surname_word else 0)
        person = PersonName(
            surname=surname,
            name=_nominative(name, _agreeing(name, "Name", case, gender))
            if case != "nomn"
            else name,
            patronymic=(
                _nominative(patronymic, _agreeing(patronymic, "Patr", case, gender))
                if case != "nomn"
                else patronymic
            ),
            gender=gender,
            evidence=text[start:end],
        )
        found.append((start, person, case))
    return found


_SURNAME_ENDINGS = re.compile(
    r"(?:ов|ев|ёв|ин|ын|ова|ева|ёва|ина|ына|ский|ская|цкий|цкая|ой|ая|их|ых|ко|ук|юк|ян|дзе|швили)$"
)
_INITIALS_AFTER = re.compile(
    r"(?<![\w.])([А-ЯЁ][а-яё]+(?:-[А-ЯЁ][а-яё]+)?)[ \t]+([А-ЯЁ])\.[ \t]?(?:([А-ЯЁ])\.)?"
)
_INITIALS_BEFORE = re.compile(
    r"(?<![\w.])([А-ЯЁ])\.[ \t]?(?:([А-ЯЁ])\.[ \t]?)?([А-ЯЁ][а-яё]+(?:-[А-ЯЁ][а-яё]+)?)(?![\w.])"
)
_GENITIVE_MARKER = re.compile(r"(?:^|\s)(?:от|абонента|заявителя)\s*$", re.IGNORECASE)
_DATIVE_TITLE = re.compile(
    r"(?:директору|начальнику|руководителю|уважаемому|уважаемой|председателю|заместителю|"
    r"президенту|главе|кому\s*:)[^\n]{0,80}$",
    re.IGNORECASE,
)


def is_dative_surname(word: str) -> bool:
    """«Соловьёву», «Ивановой»: a surname in the dative, as in an addressee's line."""
    return any("datv" in p.tag for p in _parse_with(word, "Surn"))


def _only_a_name(word: str, case: str | None = None) -> bool:
    """A given name that is no surname too («Анна», but not «Ильина»); in ``case``,
    when given: «Ламина» is a name only as the genitive of «Ламин»."""
    names = [p for p in _parse_with(word, "Name") if case is None or case in p.tag]
    return bool(names) and not _parse_with(word, "Surn")


@functools.lru_cache(maxsize=100_000)
def _looks_like_surname(word: str) -> bool:
    if word.lower() in _NOT_SURNAMES or _only_a_name(word):
        return False
    parses = morph().parse(word)
    if any("Surn" in p.tag for p in parses):
        return True
    lower = word.lower()
    return not morph().word_is_known(lower) or bool(_SURNAME_ENDINGS.search(lower))


def _initials_candidates(text: str) -> list[tuple[int, PersonName, str]]:
    """«Смирнова А. П.», «А. П. Смирнова», «от Смирновой А. П.»: a surname without a
    given name; the case comes from the words before it, the gender from its ending."""
    found: list[tuple[int, PersonName, str]] = []
    for pattern, surname_group in ((_INITIALS_AFTER, 1), (_INITIALS_BEFORE, 3)):
        for match in pattern.finditer(text):
            word = match.group(surname_group)
            if not _looks_like_surname(word):
                continue
            before = text[max(0, match.start() - 80) : match.start()]
            lower = word.lower()
            if _DATIVE_TITLE.search(before) or lower.endswith(("ову", "еву", "ину", "скому")):
                case = "datv"
            elif _GENITIVE_MARKER.search(before):
                case = "gent"
            else:
                case = "nomn"
            if case == "nomn":
                gender = "femn" if lower.endswith(("а", "ая")) else "masc"
            else:
                gender = "femn" if lower.endswith("ой") else "masc"
            person = PersonName(
                surname=surname_nominative(word, case, gender),
                name=None,
                patronymic=None,
                gender=gender
                if lower.endswith(("а", "ая", "ой", "ов", "ев", "ин", "ий"))
                else None,
                evidence=match.group().strip(),
            )
            found.append((match.start(), person, case))
    return found


def _surname_name_candidates(text: str) -> list[tuple[int, PersonName, str]]:
    """«Мельникова Дарья», «Анна Смирнова»: a person with no patronymic (it is «при
    наличии»), in the nominative only — other cases are too ambiguous without one."""
    words = list(_WORD.finditer(text))
    found: list[tuple[int, PersonName, str]] = []
    for i in range(len(words) - 1):
        first, second = words[i], words[i + 1]
        if text[first.end() : second.start()] not in (" ", "\t"):
            continue
        for surname, name in ((first, second), (second, first)):
            names = [p for p in _parse_with(name.group(), "Name") if "nomn" in p.tag]
            if not names or not _nominative_surname(surname.group()):
                continue
            following = words[i + 2].group() if i + 2 < len(words) else ""
            if following and _parse_with(following, "Patr"):
                continue  # a full name: _candidates has it
            gender = str(names[0].tag.gender)
            person = PersonName(
                surname=surname.group(),
                name=name.group(),
                patronymic=None,
                gender=gender,
                evidence=text[first.start() : second.end()],
            )
            found.append((first.start(), person, "nomn"))
            break
    return found


def _nominative_surname(word: str) -> bool:
    """A surname in the nominative: the dictionary's, or a word with a surname's ending
    that is not a given name in the nominative («Хасанов», «Ламина»: pymorphy3 knows
    them only as forms of «Хасан», «Ламин»)."""
    if word.lower() in _NOT_SURNAMES:
        return False
    if any("nomn" in p.tag for p in _parse_with(word, "Surn")):
        return True
    return bool(_STRONG_ENDINGS.search(word.lower())) and not _only_a_name(word, "nomn")


def _same_surname(a: str | None, b: str | None) -> bool:
    if not a or not b:
        return False
    a, b = a.lower().replace("ё", "е"), b.lower().replace("ё", "е")
    return a == b or a.rstrip("а") == b.rstrip("а")


# Words that make the name after them someone else's: «моего мужа, Пестова Андрея»,
# «сосед из квартиры 15, Лаптев Тимофей Ильич», «мастер Сидоров».
_THIRD_PARTY = re.compile(
    r"(?<![а-яё])(?:муж|жен[аеуы]|сын|доч|сосед|брат|сестр|отц|отец|сотрудни|мастер|оператор|"
    r"менеджер|консультант|монтажник|продав|специалист|курьер|водител|бывш|начальник|инженер)"
    r"[а-яё]*[^.\n]{0,25}$",
    re.IGNORECASE,
)


def _signs(text: str, start: int, person: PersonName) -> bool:
    """The name stands on a line of its own among the letter's last lines: a signature."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", start)
    line = text[line_start : len(text) if line_end < 0 else line_end]
    rest = line.replace(person.evidence, "").strip(" ,.\t")
    tail = [ln for ln in text[line_start:].splitlines() if ln.strip()]
    return len(tail) <= 4 and len(re.sub(r"(?i)с уважением|подпись|_+|/", "", rest)) < 4


def _rank(text: str, start: int, person: PersonName, case: str) -> int:
    """Lower is likelier the sender's; 9 is the addressee's name."""
    before = text[max(0, start - 40) : start]
    if _ADDRESSEE_MARKERS.search(before) or case == "datv":
        return 9
    marked = bool(_SENDER_MARKERS.search(before) or _GENITIVE_MARKER.search(before))
    if not marked and _THIRD_PARTY.search(before):
        return 7  # another person the letter speaks of
    if person.surname is not None and _signs(text, start, person):
        marked = True
    if person.surname is None:
        return 6
    if person.name is not None and person.patronymic is not None:
        return 0 if marked else 1
    if person.name is None:  # initials only
        return 2 if marked else 3
    return 2 if marked else 4  # surname and name, no patronymic


def find_sender(text: str) -> PersonName | None:
    """The person who wrote ``text``: named after «от», «С уважением», «Я,», else the
    first full name in the nominative; a name in the dative is the addressee's.
    A surname seen only with initials takes its name and patronymic from a full name
    with the same surname elsewhere in the letter."""
    candidates = _candidates(text) + _initials_candidates(text) + _surname_name_candidates(text)
    ranked = sorted(
        ((_rank(text, start, person, case), start, person) for start, person, case in candidates),
        key=lambda item: (item[0], item[1]),
    )
    ranked = [item for item in ranked if item[0] < 9]
    best = ranked[0][2] if ranked else None
    if best is None or best.surname is None:
        closing = _closing_word(text)
        return closing if closing is not None and (closing.surname or best is None) else best
    if best.name is None:
        return complete(best, [person for _, _, person in ranked[1:]])
    return best


def complete(person: PersonName, others: list[PersonName]) -> PersonName:
    """``person`` (a surname with initials) with the name and patronymic of the first of
    ``others`` that has the same surname and a given name."""
    for other in others:
        if other.name is not None and _same_surname(other.surname, person.surname):
            return PersonName(
                surname=person.surname,
                name=other.name,
                patronymic=other.patronymic,
                gender=other.gender,
                evidence=f"{person.evidence}; {other.evidence}",
            )
    return person


def name_from_display(display: str | None) -> PersonName | None:
    """The e-mail display name, when it is a Russian name (full, or surname and name,
    or a given name alone)."""
    if not display:
        return None
    person = find_sender(display)
    if person is not None:
        return person
    words = display.split()
    if len(words) == 1 and (names := _parse_with(words[0], "Name")):
        gender = str(names[0].tag.gender)
        return PersonName(None, words[0], None, gender, display)
    return None


_CAPITALISED = re.compile(r"(?<![\w-])[А-ЯЁ][а-яё]{2,}(?:-[А-ЯЁ][а-яё]+)?(?![\w-])")


def surname_seen(text: str, head: str | None = None) -> str | None:
    """A word of the letter's opening or closing lines that could be a surname, when no
    sender was read: reason for a person to look before anyone is told no answer comes.
    The addressee's block (``head``) is not the sender's.  Liberal on purpose: what it
    finds only keeps a refusal from being proposed."""
    lines = [line for line in text.strip().splitlines() if line.strip()]
    opening = [line for line in lines[:6] if line.strip().lower().startswith("от")]
    # A long last line ends with its signature: «… РАЗБЕРИТЕСЬ С НИМ. КОВАЛЬ Д.»
    closing = [re.split(r"[.!?]\s+(?=\S)", line.strip())[-1] for line in lines[-4:]]
    for line in [*opening, *closing]:
        if (head and line.strip() in head) or len(line.strip()) > 60:
            continue  # the addressee's, or a sentence rather than a signature
        signed = _SIGNED_NAME.search(line.title() if line.isupper() else line)
        if signed and not _only_a_name(signed[1]):  # «Галина Петровна» has no surname
            return line.strip()
        for match in _CAPITALISED.finditer(line):
            if _could_be_surname(match.group()) or _unknown_surname(match.group()):
                return line.strip()
    return None


# A word and initials or a given name after it: «Коваль Д.», «Коваль Дмитрий».
_SIGNED_NAME = re.compile(r"(?<![\w-])([А-ЯЁ][а-яё]{2,})\s+[А-ЯЁ](?:\.|[а-яё]+$)")


def _unknown_surname(word: str) -> bool:
    """«Сейтказиев»: no dictionary word, and a surname's ending."""
    return bool(_STRONG_ENDINGS.search(word.lower())) and not morph().word_is_known(word.lower())


_STRONG_ENDINGS = re.compile(
    r"(?:ов|ев|ёв|ин|ын|ова|ева|ёва|ина|ына|ский|ская|цкий|цкая|ых|их|ко|ук|юк|ян|дзе|швили)$"
)


def _could_be_surname(word: str) -> bool:
    lower = word.lower()
    if lower in _NOT_SURNAMES or _only_a_name(word):
        return False
    surname = any("Surn" in p.tag for p in morph().parse(word)[:4])
    if _parse_with(word, "Geox"):
        return surname  # «Нестерова» is a town's name too
    return surname or bool(_STRONG_ENDINGS.search(lower))


_SIGNING_WORDS = re.compile(
    r"(?<![а-яё])(?:подпись|(?:ваш[аи]?\s+)?(?:абонент\w*|клиент\w*)|с\s+уважением,?)(?![а-яё])",
    re.IGNORECASE,
)


def _closing_word(text: str) -> PersonName | None:
    """A signature of one word in the last lines: a surname («Кирсанова»), else a given
    name («Ваша абонентка Вера»), which is not a surname."""
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()][-3:]
    for line in reversed(lines):
        # «5 октября 2026 г.   подпись   Валентина», «Ваш абонент Надежда»: what signs
        # is what follows those words.
        line = _SIGNING_WORDS.split(line)[-1].strip(" ,")
        words = _CAPITALISED.findall(line)
        if len(words) != 1 or len(line) > 40 or any(ch.isdigit() for ch in line):
            continue
        word = words[0]
        if _only_a_name(word):
            # A signature stands in the nominative: «Антонина», not Антонин's genitive.
            parse = _agreeing(word, "Name", "nomn")
            gender = "femn" if "femn" in parse.tag else "masc"
            return PersonName(None, _nominative(word, parse), None, gender, word)
        if _could_be_surname(word) and any("nomn" in p.tag for p in morph().parse(word)[:4]):
            gender = "femn" if word.lower().endswith(("а", "я")) else "masc"
            return PersonName(word, None, None, gender, word)
    return None
