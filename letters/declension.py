"""Names in the dative case for the addressee line, and the salutation.

petrovich declines Russian names by their endings; surnames in -ых/-их
(Седых, Долгих) are indeclinable, which its rules get wrong, so they are kept.
"""

from __future__ import annotations

import functools
import re

from petrovich.enums import Case, Gender
from petrovich.main import Petrovich

_INDECLINABLE = re.compile(r"(?:ых|их)$", re.IGNORECASE)


@functools.cache
def _petrovich() -> Petrovich:
    return Petrovich()


def _gender(gender: str | None, patronymic: str | None) -> str:
    if gender == "femn" or (patronymic or "").endswith(("вна", "чна", "кызы")):
        return str(Gender.FEMALE)
    if gender == "masc" or (patronymic or "").endswith(("вич", "ич", "оглы")):
        return str(Gender.MALE)
    return str(Gender.ANDRGN)


def dative(
    surname: str | None, name: str | None, patronymic: str | None, gender: str | None
) -> str:
    """«Смирнова Анна Петровна» → «Смирновой Анне Петровне»."""
    g = _gender(gender, patronymic)
    p = _petrovich()
    parts = []
    if surname:
        parts.append(
            surname if _INDECLINABLE.search(surname) else p.lastname(surname, Case.DATIVE, g)
        )
    if name:
        parts.append(p.firstname(name, Case.DATIVE, g))
    if patronymic:
        parts.append(p.middlename(patronymic, Case.DATIVE, g))
    return " ".join(parts)


def salutation(
    surname: str | None, name: str | None, patronymic: str | None, gender: str | None
) -> str:
    """«Уважаемая Анна Петровна!»; without name and patronymic, by surname or neutral."""
    g = _gender(gender, patronymic)
    word = {Gender.FEMALE: "Уважаемая", Gender.MALE: "Уважаемый"}.get(g)
    if name and patronymic and word:
        return f"{word} {name} {patronymic}!"
    if surname and word:
        title = "госпожа" if g == Gender.FEMALE else "господин"
        return f"{word} {title} {surname}!"
    return "Здравствуйте!"
