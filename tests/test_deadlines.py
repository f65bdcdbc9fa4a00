"""Legal terms on real dates of the Russian production calendar."""

from __future__ import annotations

import datetime as dt

import pytest

from store.deadlines import ProductionCalendar, compute_deadlines, register_by

D = dt.date
calendar = ProductionCalendar()


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (D(2025, 11, 1), True),  # Saturday made a working day (transfer from 3 November)
        (D(2025, 11, 3), False),  # Monday off in exchange
        (D(2025, 12, 31), False),  # transferred day off
        (D(2026, 1, 9), False),  # New Year holidays extended by transfer
        (D(2026, 1, 12), True),
        (D(2026, 3, 9), False),  # 8 March fell on a Sunday
        (D(2026, 11, 23), True),
        (D(2026, 11, 22), False),  # an ordinary Sunday
    ],
)
def test_production_calendar(day: dt.date, working: bool) -> None:
    assert calendar.is_working_day(day) is working


def test_answer_term_ending_in_new_year_holidays_moves_to_first_working_day() -> None:
    # 10.12.2025 + 30 days = 09.01.2026, a day off; then the weekend.
    d = compute_deadlines(
        calendar, regime="public", kind="complaint", received=D(2025, 12, 9),
        registered=D(2025, 12, 10),
    )  # fmt: skip
    assert d.answer_by == D(2026, 1, 12)
    assert d.control == D(2025, 12, 30)  # the working day before, across the holidays
    assert d.notice_by is None


def test_answer_term_on_a_working_day_stays() -> None:
    d = compute_deadlines(
        calendar, regime="public", kind="statement", received=D(2026, 3, 2),
        registered=D(2026, 3, 2),
    )  # fmt: skip
    assert d.answer_by == D(2026, 4, 1)
    assert d.control == D(2026, 3, 31)


def test_register_written_appeal_within_three_days() -> None:
    assert register_by(calendar, "public", "complaint", D(2026, 1, 1)) == D(2026, 1, 12)
    assert register_by(calendar, "public", "complaint", D(2026, 11, 23)) == D(2026, 11, 26)


def test_register_claim_on_next_working_day_counts_transferred_saturday() -> None:
    # Friday 31.10.2025: the next working day is Saturday 01.11.2025.
    assert register_by(calendar, "telecom", "claim", D(2025, 10, 31)) == D(2025, 11, 1)
    # Saturday 01.11.2025 itself: 2 Nov Sunday, 3 and 4 Nov off, so Wednesday 5 Nov.
    assert register_by(calendar, "telecom", "claim", D(2025, 11, 1)) == D(2025, 11, 5)
    # A telecom operator registers other appeals by its 59-FZ policy: 3 calendar days.
    assert register_by(calendar, "telecom", "complaint", D(2025, 10, 31)) == D(2025, 11, 5)


def test_notice_within_seven_days_for_grounds_that_need_one() -> None:
    d = compute_deadlines(
        calendar, regime="public", kind="complaint", received=D(2025, 12, 29),
        registered=D(2025, 12, 29), grounds=["court-decision"],
    )  # fmt: skip
    assert d.notice_by == D(2026, 1, 12)  # 05.01.2026 is a holiday
    assert d.control == D(2025, 12, 30)


def test_no_notice_term_for_grounds_without_one() -> None:
    d = compute_deadlines(
        calendar, regime="public", kind="complaint", received=D(2026, 2, 2),
        registered=D(2026, 2, 2), grounds=["no-surname"],
    )  # fmt: skip
    assert d.notice_by is None


def test_long_distance_claim_has_sixty_days() -> None:
    d = compute_deadlines(
        calendar, regime="telecom", kind="claim", received=D(2026, 3, 2),
        registered=D(2026, 3, 2), long_distance=True,
    )  # fmt: skip
    assert d.answer_by == D(2026, 5, 4)  # 01.05.2026 + weekend 2-3 May


def test_year_decree_added_through_settings() -> None:
    day = D(2028, 1, 10)
    with_decree = ProductionCalendar(extra_holidays=[day])
    assert calendar.is_working_day(day)
    assert not with_decree.is_working_day(day)
    saturday = D(2028, 1, 15)
    assert ProductionCalendar(extra_working_days=[saturday]).is_working_day(saturday)
