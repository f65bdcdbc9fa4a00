"""Figures for a period: what managers and regulators ask every month and quarter.

``build_report(session, start, end)`` counts the appeals *registered* in the
period (both days included, in the organisation's time zone) by channel,
kind, category, department, grounds and outcome; whether each was answered on
time, late, is still in time or is overdue now; and how many days answers
took (median and 90th percentile).  Everything is aggregated by the database:
one grouped query over the period for the counts, one for the days-to-answer
histogram, one for the grounds (which live in the ``findings`` JSON), one for
the series over time.  Percentiles come from the histogram, so SQLite (which
has no percentile function) and PostgreSQL give the same figures.

The period and its days and months are bounded in the real time zone.  The
local day of an answer (on time or late, days to answer) uses the zone's UTC
offset at the period's end (Russian zones have kept a fixed offset since 2014),
the same arithmetic on both databases.

``answered_at`` and ``outcome`` (see ``OUTCOMES``) are written by the review
and letters flows when an answer goes out; an appeal left without an answer
on a ground has ``outcome = 'no_answer'`` and may have no ``answered_at``.

The renderers (CSV, XLSX, HTML with charts, PDF) live in ``pismo.reports``:
the store counts, the application draws.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import Session

from store.models import Appeal, UTCDateTime

OUTCOMES = {
    "satisfied": "Удовлетворено",
    "partly": "Удовлетворено частично",
    "refused": "Отказано",
    "no_answer": "Оставлено без ответа",
}
NO_OUTCOME = "Решение не принято"
CHANNELS = {"email": "Электронная почта", "post": "Почта (бумага)"}
KINDS = {
    "claim": "Претензия",
    "complaint": "Жалоба",
    "statement": "Заявление",
    "proposal": "Предложение",
}
CATEGORIES = {
    "billing": "Начисления и списания",
    "service_quality": "Качество связи",
    "staff_conduct": "Работа персонала",
    "confidentiality": "Конфиденциальность",
    "tariff_change": "Изменение тарифа",
    "self_service": "Самообслуживание",
    "other": "Прочее",
}
GROUNDS = {
    "no-surname": "Нет фамилии",
    "no-postal-address": "Нет почтового адреса",
    "court-decision": "Обжалуется решение суда",
    "abusive": "Оскорбления, угрозы",
    "illegible": "Текст не читается",
    "no-essence": "Не понятна суть",
    "repeat": "Повторное",
    "claim-late": "Претензия подана поздно",
    "not-competent": "Не в компетенции",
    "": "Без оснований (обычный порядок)",
}
TIMELINESS = {
    "on_time": "Ответ в срок",
    "late": "Ответ с опозданием",
    "in_progress": "В работе, срок не истёк",
    "overdue": "Просрочено сейчас",
    "without_answer": "Оставлено без ответа",
}
MONTHS = ["янв", "фев", "мар", "апр", "май", "июн", "июл", "авг", "сен", "окт", "ноя", "дек"]
DAY_BANDS = ((0, 3), (4, 7), (8, 14), (15, 21), (22, 30), (31, 45), (46, 60), (61, 10**6))
DAILY_UP_TO = 62  # a longer period is shown by month


@dataclass(frozen=True)
class Count:
    key: str
    label: str
    count: int


@dataclass(frozen=True)
class AnswerDays:
    """Calendar days from registration to the answer, over the answered appeals."""

    answered: int
    median: float | None
    p90: float | None
    histogram: tuple[tuple[int, int], ...]  # (days, appeals), by days


@dataclass(frozen=True)
class Report:
    start: dt.date
    end: dt.date
    today: dt.date
    total: int
    by_time: tuple[Count, ...]  # per day or per month of registration
    by_channel: tuple[Count, ...]
    by_kind: tuple[Count, ...]
    by_category: tuple[Count, ...]
    by_department: tuple[Count, ...]
    by_grounds: tuple[Count, ...]  # an appeal with two grounds counts under both
    by_outcome: tuple[Count, ...]
    timeliness: tuple[Count, ...]  # each appeal exactly once
    days: AnswerDays
    overdue: tuple[str, ...]  # registration numbers overdue now, earliest deadline first

    def count(self, section: str, key: str) -> int:
        """One figure, e.g. ``report.count("by_outcome", "refused")``; 0 when absent."""
        counts: tuple[Count, ...] = getattr(self, section)
        return next((c.count for c in counts if c.key == key), 0)

    def sections(self) -> list[tuple[str, str, tuple[Count, ...]]]:
        """(name, question, counts) for every table, in the order a report shows them."""
        return [
            ("by_time", "Сколько обращений поступило", self.by_time),
            ("by_channel", "По каким каналам", self.by_channel),
            ("by_kind", "Какого вида", self.by_kind),
            ("by_category", "О чём", self.by_category),
            ("by_department", "В какие подразделения", self.by_department),
            ("by_grounds", "Основания особого порядка", self.by_grounds),
            ("by_outcome", "С каким итогом", self.by_outcome),
            ("timeliness", "Соблюдение сроков", self.timeliness),
            ("days", "Сколько дней занял ответ", self.days_counts()),
        ]

    def days_counts(self) -> tuple[Count, ...]:
        """Answered appeals by how many days the answer took, in bands."""
        counts = []
        for low, high in DAY_BANDS:
            n = sum(k for d, k in self.days.histogram if low <= d <= high)
            label = f"{low}–{high}" if high < 10**6 else f"{low} и более"
            counts.append(Count(f"{low}-{high}" if high < 10**6 else f"{low}+", label, n))
        return tuple(counts)


def build_report(
    session: Session,
    start: dt.date,
    end: dt.date,
    *,
    tz: str = "UTC",
    today: dt.date | None = None,
) -> Report:
    """The figures for appeals registered from ``start`` to ``end``, both days included."""
    if end < start:
        raise ValueError(f"the period ends ({end}) before it starts ({start})")
    zone = ZoneInfo(tz)
    today = today or dt.datetime.now(zone).date()
    offset = _offset_minutes(zone, end)
    t0 = dt.datetime.combine(start, dt.time(), zone)
    t1 = dt.datetime.combine(end + dt.timedelta(days=1), dt.time(), zone)
    period = sa.and_(Appeal.registered_at >= t0, Appeal.registered_at < t1)
    conn = session.connection()
    sql = _Dialect(conn.dialect.name, offset)
    grid = _grid(conn, sql, period, today)
    grounds, with_grounds = _grounds(conn, sql, t0, t1)
    total = sum(grid.values())
    return Report(
        start=start,
        end=end,
        today=today,
        total=total,
        by_time=_series(conn, period, start, end, zone),
        by_channel=_counts(_sum(grid, 0), CHANNELS),
        by_kind=_counts(_sum(grid, 1), KINDS),
        by_category=_counts(_sum(grid, 2), CATEGORIES),
        by_department=_counts(_sum(grid, 3), {}),
        by_grounds=_counts(grounds | {"": total - with_grounds}, GROUNDS),
        by_outcome=_counts(_sum(grid, 4), OUTCOMES | {"": NO_OUTCOME}),
        timeliness=_counts(_sum(grid, 5), TIMELINESS, keep_order=True),
        days=_answer_days(conn, sql, period),
        overdue=_overdue(conn, period, today),
    )


def _offset_minutes(zone: ZoneInfo, day: dt.date) -> int:
    offset = dt.datetime.combine(day, dt.time(12), zone).utcoffset()
    return int(offset.total_seconds() // 60) if offset else 0


class _Dialect:
    """Local days, spelt for each database.  SQLite gets Julian day numbers from one
    ``julianday`` call (its ``date()`` with a modifier formats a string per row and
    was the slowest part of a year's report); PostgreSQL gets dates."""

    def __init__(self, name: str, offset_minutes: int) -> None:
        self.name = name
        self.offset = offset_minutes

    def local_day(self, column: Any) -> sa.ColumnElement[Any]:
        """The local calendar day of a UTC timestamp column."""
        if self.name == "sqlite":
            shift = 0.5 + self.offset / 1440  # Julian days begin at noon
            return sa.cast(sa.func.julianday(column) + shift, sa.Integer)
        local = sa.func.timezone("UTC", column) + sa.literal_column(
            f"interval '{int(self.offset)} minutes'"
        )
        return sa.cast(local, sa.Date)

    def day(self, column: Any) -> sa.ColumnElement[Any]:
        """A date column, comparable with ``local_day``."""
        if self.name == "sqlite":
            return sa.cast(sa.func.julianday(column) + 0.5, sa.Integer)
        return sa.cast(column, sa.Date)

    def days_between(self, earlier: Any, later: Any) -> sa.ColumnElement[int]:
        return self.local_day(later) - self.local_day(earlier)


def _timeliness(sql: _Dialect, today: dt.date) -> sa.ColumnElement[str]:
    answered_on = sql.local_day(Appeal.answered_at)
    return sa.case(
        (sa.and_(Appeal.outcome == "no_answer", Appeal.answered_at.is_(None)), "without_answer"),
        (
            Appeal.answered_at.is_(None),
            sa.case(
                (Appeal.answer_by < sa.literal(today, sa.Date), "overdue"), else_="in_progress"
            ),
        ),
        (Appeal.answer_by.is_(None), "on_time"),  # nothing to be late for
        (answered_on <= sql.day(Appeal.answer_by), "on_time"),
        else_="late",
    )


Grid = dict[tuple[str, ...], int]


def _grid(conn: sa.Connection, sql: _Dialect, period: Any, today: dt.date) -> Grid:
    """Appeal counts by every combination of the dimensions, in one pass over the period."""
    columns = [
        Appeal.channel,
        Appeal.kind,
        Appeal.category,
        sa.func.coalesce(Appeal.department, ""),
        sa.func.coalesce(Appeal.outcome, ""),
        _timeliness(sql, today),
    ]
    labelled: list[sa.Label[Any]] = [c.label(f"d{i}") for i, c in enumerate(columns)]
    query = (
        sa.select(*labelled, sa.func.count().label("n"))
        .where(period)
        .group_by(*(sa.literal_column(f"d{i}") for i in range(len(columns))))
    )
    grid: Grid = {}
    for row in conn.execute(query):
        key = tuple(str(getattr(v, "value", v)) for v in row[:-1])
        grid[key] = grid.get(key, 0) + int(row[-1])
    return grid


def _sum(grid: Grid, dimension: int) -> dict[str, int]:
    totals: Counter[str] = Counter()
    for key, n in grid.items():
        totals[key[dimension]] += n
    return dict(totals)


def _counts(
    values: Mapping[str, int], labels: Mapping[str, str], keep_order: bool = False
) -> tuple[Count, ...]:
    """Every known key (zeros included, so a table always has the same rows), then any other;
    by count, largest first, unless the keys have an order of their own."""
    keys = list(labels) + sorted(k for k in values if k not in labels)
    counts = [Count(k, labels.get(k) or k or "—", values.get(k, 0)) for k in keys]
    if not keep_order:
        counts.sort(key=lambda c: -c.count)  # stable: ties stay in the labels' order
    return tuple(c for c in counts if c.count or c.key in labels)


def _grounds(
    conn: sa.Connection, sql: _Dialect, t0: dt.datetime, t1: dt.datetime
) -> tuple[dict[str, int], int]:
    """Appeals per ground code, and how many appeals have any ground."""
    if sql.name == "sqlite":
        # instr() first: most appeals have no ground, and parsing their JSON is the cost
        source = (
            "appeals, json_each(CASE WHEN instr(appeals.findings, '\"code\"') > 0"
            " THEN appeals.findings END, '$.grounds') AS g"
        )
        code = "json_extract(g.value, '$.code')"
    else:
        source = (
            "appeals CROSS JOIN LATERAL json_array_elements(appeals.findings -> 'grounds') AS g"
        )
        code = "g ->> 'code'"
    query = sa.text(
        f"SELECT {code} AS code, count(DISTINCT appeals.id) AS n FROM {source}"
        " WHERE appeals.registered_at >= :t0 AND appeals.registered_at < :t1 GROUP BY code"
        f" UNION ALL SELECT '*', count(DISTINCT appeals.id) FROM {source}"
        " WHERE appeals.registered_at >= :t0 AND appeals.registered_at < :t1"
    ).bindparams(sa.bindparam("t0", type_=UTCDateTime()), sa.bindparam("t1", type_=UTCDateTime()))
    rows = {str(code): int(n) for code, n in conn.execute(query, {"t0": t0, "t1": t1})}
    with_any = rows.pop("*", 0)
    return rows, with_any


def _series(
    conn: sa.Connection, period: Any, start: dt.date, end: dt.date, zone: ZoneInfo
) -> tuple[Count, ...]:
    """Appeals per local day or month.  The buckets' bounds are computed here, in the
    real time zone, and the database only compares timestamps with them."""
    monthly = (end - start).days >= DAILY_UP_TO
    buckets = list(_buckets(start, end, monthly))
    bucket = sa.case(
        *(
            (Appeal.registered_at < dt.datetime.combine(upto, dt.time(), zone), key)
            for key, _label, upto in buckets
        ),
        else_="",
    ).label("bucket")
    query = sa.select(bucket, sa.func.count()).where(period).group_by(sa.literal_column("bucket"))
    found = {str(key): int(n) for key, n in conn.execute(query)}
    return tuple(Count(key, label, found.get(key, 0)) for key, label, _upto in buckets)


def _buckets(start: dt.date, end: dt.date, monthly: bool) -> Iterator[tuple[str, str, dt.date]]:
    """(key, label, the day after the bucket) for each day or month of the period."""
    if not monthly:
        for i in range((end - start).days + 1):
            day = start + dt.timedelta(days=i)
            yield day.isoformat(), day.strftime("%d.%m"), day + dt.timedelta(days=1)
        return
    year, month = start.year, start.month
    while (year, month) <= (end.year, end.month):
        following = (year + 1, 1) if month == 12 else (year, month + 1)
        yield f"{year:04d}-{month:02d}", f"{MONTHS[month - 1]} {year}", dt.date(*following, 1)
        year, month = following


def _answer_days(conn: sa.Connection, sql: _Dialect, period: Any) -> AnswerDays:
    days = sql.days_between(Appeal.registered_at, Appeal.answered_at).label("days")
    rows = conn.execute(
        sa.select(days, sa.func.count())
        .where(period, Appeal.answered_at.is_not(None))
        .group_by(sa.literal_column("days"))
        .order_by(sa.literal_column("days"))
    )
    histogram = tuple((int(d), int(n)) for d, n in rows)
    return AnswerDays(
        answered=sum(n for _, n in histogram),
        median=percentile(histogram, 0.5),
        p90=percentile(histogram, 0.9),
        histogram=histogram,
    )


def percentile(histogram: Iterable[tuple[int, int]], p: float) -> float | None:
    """The ``p`` quantile of the values a (value, count) histogram holds, interpolated
    linearly between neighbours (as PostgreSQL's ``percentile_cont`` and numpy do)."""
    pairs = sorted((v, n) for v, n in histogram if n > 0)
    total = sum(n for _, n in pairs)
    if not total:
        return None
    position = (total - 1) * p
    below, above = int(position), min(int(position) + 1, total - 1)

    def value_at(index: int) -> int:
        seen = 0
        for value, n in pairs:
            seen += n
            if index < seen:
                return value
        return pairs[-1][0]

    low, high = value_at(below), value_at(above)
    return round(low + (high - low) * (position - below), 2)


def _overdue(conn: sa.Connection, period: Any, today: dt.date, limit: int = 50) -> tuple[str, ...]:
    rows = conn.scalars(
        sa.select(Appeal.reg_number)
        .where(
            period,
            Appeal.answered_at.is_(None),
            sa.func.coalesce(Appeal.outcome, "") != "no_answer",
            Appeal.answer_by < today,
        )
        .order_by(Appeal.answer_by, Appeal.id)
        .limit(limit)
    )
    return tuple(rows)
