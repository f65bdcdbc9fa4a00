"""Specimen letters of every type, for people and machines to look at.

Appeals are built in memory (no store needed): the tests render every type
for a man and a woman in both regimes from these, and ``bench/letters.py``
renders a mix of them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from letters.drafting import LetterInputs, PlannedDraft
from letters.types import TYPES, LetterType
from pismo.states import AppealStatus, Channel
from store.models import Appeal, Applicant


@dataclass(frozen=True)
class Person:
    surname: str
    name: str
    patronymic: str
    gender: str  # "masc" / "femn", as intake stores it
    dative: str  # the expected addressee line
    salutation: str


MAN = Person(
    "Иванов", "Пётр", "Сергеевич", "masc", "Иванову Петру Сергеевичу", "Уважаемый Пётр Сергеевич!"
)
WOMAN = Person(
    "Смирнова", "Анна", "Петровна", "femn", "Смирновой Анне Петровне", "Уважаемая Анна Петровна!"
)
MERITS = (
    "Проверка показала, что услуга «Мелодия вместо гудка» была подключена без Вашего "
    "согласия. Услуга отключена, начисления за неё сторнированы."
)


def appeal(person: Person, regime: str, *, kind: str = "claim", n: int = 1) -> Appeal:
    registered = dt.datetime(2026, 11, 3, 9, 0, tzinfo=dt.UTC)
    return Appeal(
        reg_number=f"ВХ-2026-{n:06d}",
        reg_year=2026,
        reg_seq=n,
        registered_at=registered,
        received_at=registered - dt.timedelta(hours=20),
        channel=Channel.email,
        content_hash=f"{n:064d}",
        regime=regime,
        kind=kind,
        category="billing",
        status=AppealStatus.registered,
        applicant=Applicant(
            surname=person.surname,
            name=person.name,
            patronymic=person.patronymic,
            postal_address=f"170{n % 1000:03d}, г. Тверь, ул. Советская, д. {n % 90 + 1}, кв. 1",
            email=f"user{n}@mail.example",
        ),
        letter_date=dt.date(2026, 11, 1),
        wants_paper_reply=False,
        findings={"gender": person.gender, "grounds": [], "defects": []},
        answer_by=dt.date(2026, 12, 3),
    )


def appeal_for(kind: LetterType, person: Person, regime: str, n: int = 1) -> Appeal:
    """The specimen appeal a letter type answers: a claim, except where the law gives
    the type no claim (126-FZ extends no claim's term: an operator extends a complaint's)."""
    if kind.type == "extension" and regime == "telecom":
        return appeal(person, regime, kind="complaint", n=n)
    return appeal(person, regime, n=n)


def inputs_for(kind: LetterType, paragraphs: int = 1) -> LetterInputs:
    """What staff would type for this letter type; ``paragraphs`` makes answers longer."""
    if kind.type == "answer":
        return LetterInputs(
            body="\n\n".join([MERITS] * paragraphs),
            outcome="satisfied",
            amount="300,00 руб.",
            attachments=("Детализация счёта на 2 л. в 1 экз.",),
        )
    if kind.type in ("forwarding", "cover"):
        return LetterInputs(
            forward_to="Управление Роскомнадзора по Тверской области",
            forward_address="170100, г. Тверь, ул. Трёхсвятская, д. 6",
        )
    if kind.ground == "repeat":
        return LetterInputs(
            decision="от 24.11.2026 № 15",
            earlier_answers=("от 10.09.2026 № ИСХ-2026-000101", "от 12.10.2026 № ИСХ-2026-000140"),
        )
    if kind.ground == "published-answer":
        return LetterInputs(answer_url="https://svyaz-region.example/otvety/tarify")
    if kind.type == "extension":
        return LetterInputs(
            extended_to=dt.date(2027, 1, 11), reason="запрошены сведения у оператора-партнёра"
        )
    return LetterInputs()


def plans(regime: str | None = None) -> list[tuple[LetterType, PlannedDraft]]:
    """Every letter type, or those of one regime."""
    return [
        (t, PlannedDraft(t.type, t.template, t.ground))
        for t in TYPES
        if regime is None or regime in t.regimes
    ]
