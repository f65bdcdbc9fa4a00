"""Statutory terms on the Russian production calendar (LAW.md, «Deadlines»).

Counting follows the Civil Code: a term starts the day after the event
(Art. 191); when its last day is a non-working day, it ends on the next
working day (Art. 193).  Non-working days come from the ``holidays`` package,
which models the Government's transfers of days off, plus corrections from
settings for years it does not know yet.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

import holidays

# Grounds whose notice to the sender is due within 7 days of registration.
NOTICE_GROUNDS = frozenset(
    {"court-decision", "illegible", "no-essence", "not-competent", "published-answer"}
)
NOTICE_DAYS = 7  # 59-FZ Art. 8 p.3, Art. 11 p.2, p.4, p.4.1, p.5.1
REGISTER_DAYS = 3  # 59-FZ Art. 8 p.2
ANSWER_DAYS = 30  # 59-FZ Art. 12 p.1; 126-FZ Art. 55 p.7
LONG_DISTANCE_ANSWER_DAYS = 60  # 126-FZ Art. 55 p.8
MAX_EXTENSION_DAYS = 30  # 59-FZ Art. 12 p.2
PAYMENT_DAYS = 10  # 2300-1 Art. 31 p.1


class ProductionCalendar:
    def __init__(
        self,
        extra_holidays: Iterable[dt.date] = (),
        extra_working_days: Iterable[dt.date] = (),
    ) -> None:
        self._ru = holidays.country_holidays("RU")
        self._extra_holidays = frozenset(extra_holidays)
        self._extra_working = frozenset(extra_working_days)

    def is_working_day(self, day: dt.date) -> bool:
        if day in self._extra_working:
            return True
        if day in self._extra_holidays:
            return False
        return bool(self._ru.is_working_day(day))

    def next_working_day(self, day: dt.date) -> dt.date:
        """The first working day strictly after ``day``."""
        day += dt.timedelta(days=1)
        while not self.is_working_day(day):
            day += dt.timedelta(days=1)
        return day

    def previous_working_day(self, day: dt.date) -> dt.date:
        day -= dt.timedelta(days=1)
        while not self.is_working_day(day):
            day -= dt.timedelta(days=1)
        return day

    def on_or_after(self, day: dt.date) -> dt.date:
        """Civil Code Art. 193: a term ending on a non-working day ends on the next working one."""
        return day if self.is_working_day(day) else self.next_working_day(day)

    def calendar_term(self, event: dt.date, days: int) -> dt.date:
        """Last day of a term of ``days`` calendar days counted from the day after ``event``."""
        return self.on_or_after(event + dt.timedelta(days=days))

    def working_term(self, event: dt.date, days: int) -> dt.date:
        """Last day of a term of ``days`` working days counted from the day after ``event``."""
        day = event
        for _ in range(days):
            day = self.next_working_day(day)
        return day


@dataclass(frozen=True)
class Deadlines:
    register_by: dt.date
    answer_by: dt.date | None
    notice_by: dt.date | None
    control: dt.date | None


def register_by(calendar: ProductionCalendar, regime: str, kind: str, received: dt.date) -> dt.date:
    if regime == "telecom" and kind == "claim":
        # 126-FZ Art. 55 p.7: «не позднее рабочего дня, следующего за днем ее поступления»
        return calendar.working_term(received, 1)
    return calendar.calendar_term(received, REGISTER_DAYS)


def compute_deadlines(
    calendar: ProductionCalendar,
    *,
    regime: str,
    kind: str,
    received: dt.date,
    registered: dt.date,
    grounds: Iterable[str] = (),
    long_distance: bool = False,
) -> Deadlines:
    """All terms of one appeal; ``control`` is the working day before the nearest legal term."""
    grounds = set(grounds)
    answer_days = (
        LONG_DISTANCE_ANSWER_DAYS
        if regime == "telecom" and kind == "claim" and long_distance
        else ANSWER_DAYS
    )
    answer_by = calendar.calendar_term(registered, answer_days)
    notice_by = (
        calendar.calendar_term(registered, NOTICE_DAYS) if grounds & NOTICE_GROUNDS else None
    )
    nearest = notice_by or answer_by
    return Deadlines(
        register_by=register_by(calendar, regime, kind, received),
        answer_by=answer_by,
        notice_by=notice_by,
        control=calendar.previous_working_day(nearest),
    )
