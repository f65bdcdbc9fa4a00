"""Dates as letters write them: «12.03.2026», «12.03.26», «12 марта 2026 г.», and in
words, «двенадцатого марта две тысячи двадцать шестого года».

``dates_in`` finds them all with where each stands; the letter's own date and
the dates of services (``claim-late``) are chosen from these by their callers.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass

MONTHS = {
    "января": 1, "февраля": 2, "марта": 3, "апреля": 4, "мая": 5, "июня": 6, "июля": 7,
    "августа": 8, "сентября": 9, "октября": 10, "ноября": 11, "декабря": 12,
}  # fmt: skip
# Ordinal numerals in the genitive, as a day or a year's last word is written.
_UNITS = {"первого": 1, "второго": 2, "третьего": 3, "четвертого": 4, "пятого": 5,
          "шестого": 6, "седьмого": 7, "восьмого": 8, "девятого": 9}  # fmt: skip
_TEENS = {"десятого": 10, "одиннадцатого": 11, "двенадцатого": 12, "тринадцатого": 13,
          "четырнадцатого": 14, "пятнадцатого": 15, "шестнадцатого": 16,
          "семнадцатого": 17, "восемнадцатого": 18, "девятнадцатого": 19,
          "двадцатого": 20, "тридцатого": 30}  # fmt: skip
_TENS = {"двадцать": 20, "тридцать": 30}


def _and_nominative(genitive: dict[str, int]) -> dict[str, int]:
    """«тридцать первое декабря»: a day stands in the nominative too («третьего» → «третье»)."""
    nominative = {(w[:-4] + "ье" if w.endswith("ьего") else w[:-3] + "ое"): n
                  for w, n in genitive.items()}  # fmt: skip
    return {**genitive, **nominative}


_UNITS, _TEENS = _and_nominative(_UNITS), _and_nominative(_TEENS)
_ORDINAL = (
    r"(?:(?:двадцать|тридцать)\s+(?:"
    + "|".join(_UNITS)
    + r")|"
    + "|".join([*_TEENS, *_UNITS])
    + r")"
)
_MONTH = "(" + "|".join(MONTHS) + ")"
_NUMERIC = re.compile(r"(?<![\d.])(\d{1,2})\.(\d{1,2})\.(\d{4}|\d{2})(?![\d.]*\d)")
_DAY_MONTH = re.compile(r"(?<!\d)[«\"']?(\d{1,2})[»\"']?\s+" + _MONTH + r"\s+(\d{4})")
_IN_WORDS = re.compile(
    r"(?<![а-яё])("
    + _ORDINAL
    + r")\s+"
    + _MONTH
    + r"\s+(?:(\d{4})|две\s+тысячи\s+("
    + _ORDINAL
    + r"))"
)


@dataclass(frozen=True)
class Found:
    date: dt.date
    start: int
    end: int
    words: str  # as written


def _ordinal(words: str) -> int:
    parts = words.split()
    if len(parts) == 2:
        return _TENS[parts[0]] + _UNITS[parts[1]]
    return _UNITS.get(words) or _TEENS[words]


def _date(year: int, month: int, day: int) -> dt.date | None:
    if year < 100:
        year += 2000
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def dates_in(text: str) -> Iterator[Found]:
    """Every date written in ``text`` (any case), in the order they stand."""
    lowered = text.lower().replace("ё", "е")
    found: list[Found] = []
    for m in _NUMERIC.finditer(lowered):
        date = _date(int(m[3]), int(m[2]), int(m[1]))
        if date is not None:
            found.append(Found(date, m.start(), m.end(), text[m.start() : m.end()]))
    for m in _DAY_MONTH.finditer(lowered):
        date = _date(int(m[3]), MONTHS[m[2]], int(m[1]))
        if date is not None:
            found.append(Found(date, m.start(), m.end(), text[m.start() : m.end()]))
    for m in _IN_WORDS.finditer(lowered):
        year = int(m[3]) if m[3] else 2000 + _ordinal(" ".join(m[4].split()))
        date = _date(year, MONTHS[m[2]], _ordinal(" ".join(m[1].split())))
        if date is not None:
            found.append(Found(date, m.start(), m.end(), m.group()))
    return iter(sorted(found, key=lambda f: f.start))
