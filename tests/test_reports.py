"""Report figures checked exactly on a known set of appeals, on SQLite and PostgreSQL,
and the report read back from every format it is written in."""

from __future__ import annotations

import base64
import csv
import dataclasses
import datetime as dt
import io
import subprocess
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from openpyxl import load_workbook
from PIL import Image
from pypdf import PdfReader

from pismo.reports import charts, report_csv, report_html, report_pdf, report_xlsx
from pismo.states import Channel
from store import db, schema
from store.models import Appeal, Applicant
from store.reports import Report, build_report, percentile

MSK = ZoneInfo("Europe/Moscow")
TODAY = dt.date(2026, 12, 10)
NOVEMBER = (dt.date(2026, 11, 1), dt.date(2026, 11, 30))


@dataclass
class Seed:
    registered: str  # local time, "MM-DD HH:MM" in 2026
    channel: str
    kind: str
    category: str
    department: str | None
    grounds: tuple[str, ...]
    outcome: str | None
    answered: str | None
    answer_by: str  # "MM-DD"


# registered (Moscow) | channel | kind | category | department | grounds | outcome
# | answered (Moscow) | answer by; "-" is none
TABLE = """
11-02 10:00|email|claim|billing|Расчётный|-|satisfied|11-05 23:59|11-05
11-03 09:00|post|complaint|staff_conduct|Обслуживание|-|partly|11-06 00:30|11-05
11-05 12:00|email|claim|billing|Расчётный|-|refused|11-16 01:30|12-05
11-10 12:00|email|statement|other|-|-|-|-|12-10
11-20 12:00|post|claim|service_quality|Технический|-|-|-|12-09
11-25 12:00|email|complaint|other|-|no-surname|no_answer|-|12-25
11-30 23:30|email|claim|billing|Расчётный|claim-late repeat|refused|12-01 10:00|12-30
11-15 12:00|email|proposal|self_service|Цифровой|-|satisfied|12-08 12:00|12-15
12-01 00:10|email|claim|billing|Расчётный|-|-|-|12-31
10-31 23:59|post|claim|billing|Расчётный|-|satisfied|11-02 10:00|11-30
"""
# Row 1 is answered at 23:59 Moscow on its last day: in time, though that is the next day
# in UTC; row 2 at 00:30 Moscow the day after: late, though still the last day in UTC.
# Row 7 (23:30 Moscow, 30 November) is inside November; rows 9 and 10 are outside it,
# though 1 December 00:10 Moscow is still 30 November in UTC.


def _seeds() -> list[Seed]:
    rows = []
    for line in TABLE.strip().splitlines():
        f = [None if v == "-" else v for v in line.split("|")]
        assert f[0] and f[1] and f[2] and f[3] and f[8]
        grounds = tuple(f[5].split()) if f[5] else ()
        rows.append(Seed(f[0], f[1], f[2], f[3], f[4], grounds, f[6], f[7], f[8]))
    return rows


SEEDS = _seeds()


def _moment(text: str) -> dt.datetime:
    return dt.datetime.strptime(f"2026-{text}", "%Y-%m-%d %H:%M").replace(tzinfo=MSK)


def seed(url: str, seeds: list[Seed]) -> None:
    with db.transaction(url) as s:
        for n, row in enumerate(seeds, start=1):
            registered = _moment(row.registered)
            s.add(
                Appeal(
                    reg_number=f"ВХ-2026-{n:06d}",
                    reg_year=2026,
                    reg_seq=n,
                    registered_at=registered,
                    received_at=registered,
                    channel=Channel(row.channel),
                    content_hash=f"{n:064d}",
                    regime="telecom",
                    kind=row.kind,
                    category=row.category,
                    department=row.department,
                    status="drafted",
                    applicant=Applicant(surname=f"Заявитель{n}"),
                    findings={"grounds": [{"code": g} for g in row.grounds]},
                    answer_by=dt.date.fromisoformat(f"2026-{row.answer_by}"),
                    outcome=row.outcome,
                    answered_at=_moment(row.answered) if row.answered else None,
                )
            )


@pytest.fixture
def report(db_url: str) -> Report:
    schema.ensure_migrated(db_url)
    seed(db_url, SEEDS)
    with db.transaction(db_url) as s:
        return build_report(s, *NOVEMBER, tz="Europe/Moscow", today=TODAY)


def figures(report: Report, section: str) -> dict[str, int]:
    return {c.key: c.count for c in getattr(report, section) if c.count}


def test_counts_by_every_dimension(report: Report) -> None:
    assert report.total == 8
    assert figures(report, "by_channel") == {"email": 6, "post": 2}
    assert figures(report, "by_kind") == {"claim": 4, "complaint": 2, "statement": 1, "proposal": 1}
    assert figures(report, "by_category") == {
        "billing": 3, "staff_conduct": 1, "other": 2, "service_quality": 1, "self_service": 1,
    }  # fmt: skip
    assert figures(report, "by_department") == {
        "Расчётный": 3, "": 2, "Обслуживание": 1, "Технический": 1, "Цифровой": 1,
    }  # fmt: skip
    assert figures(report, "by_grounds") == {"no-surname": 1, "claim-late": 1, "repeat": 1, "": 6}
    assert figures(report, "by_outcome") == {
        "satisfied": 2, "partly": 1, "refused": 2, "no_answer": 1, "": 2,
    }  # fmt: skip
    assert report.count("by_category", "tariff_change") == 0  # known keys stay, with zero
    assert [c.key for c in report.by_category][:1] == ["billing"]  # largest first


def test_deadlines_and_days_to_answer(report: Report) -> None:
    assert figures(report, "timeliness") == {
        "on_time": 4, "late": 1, "in_progress": 1, "overdue": 1, "without_answer": 1,
    }  # fmt: skip
    assert report.overdue == ("ВХ-2026-000005",)
    assert report.days.histogram == ((1, 1), (3, 2), (11, 1), (23, 1))
    assert (report.days.answered, report.days.median, report.days.p90) == (5, 3.0, 18.2)
    assert {c.key: c.count for c in report.days_counts() if c.count} == {
        "0-3": 3, "8-14": 1, "22-30": 1,
    }  # fmt: skip


def test_series_by_day_and_by_month(report: Report, db_url: str) -> None:
    assert len(report.by_time) == 30
    assert {c.key: c.count for c in report.by_time if c.count} == {
        "2026-11-02": 1, "2026-11-03": 1, "2026-11-05": 1, "2026-11-10": 1,
        "2026-11-15": 1, "2026-11-20": 1, "2026-11-25": 1, "2026-11-30": 1,
    }  # fmt: skip
    with db.transaction(db_url) as s:
        year = build_report(
            s, dt.date(2026, 1, 1), dt.date(2026, 12, 31), tz="Europe/Moscow", today=TODAY
        )
    assert year.total == 10
    assert [(c.key, c.count) for c in year.by_time if c.count] == [
        ("2026-10", 1), ("2026-11", 8), ("2026-12", 1),
    ]  # fmt: skip
    assert year.by_time[0].label == "янв 2026"


def test_percentile_matches_linear_interpolation() -> None:
    assert percentile([], 0.5) is None
    assert percentile([(7, 1)], 0.9) == 7
    assert percentile([(1, 1), (2, 1), (3, 1), (4, 1)], 0.5) == 2.5
    assert percentile([(0, 9), (10, 1)], 0.9) == 1.0


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)  # rendering is the same on both
def test_written_as_csv_xlsx_html_and_pdf(report: Report, tmp_path: Path) -> None:
    rows = list(csv.DictReader(io.StringIO(report_csv(report))))
    value = {(r["section"], r["key"]): r["value"] for r in rows}
    assert value["summary", "total"] == "8" and value["by_outcome", "refused"] == "2"
    assert value["summary", "p90_days"] == "18.2" and value["overdue", "ВХ-2026-000005"] == "1"

    book = load_workbook(io.BytesIO(report_xlsx(report)))
    sheet = book["Отчёт"]
    cells = {sheet.cell(r, 1).value: sheet.cell(r, 2).value for r in range(1, sheet.max_row + 1)}
    assert cells["Поступило обращений"] == "8" and cells["Удовлетворено частично"] == 1
    assert len(sheet._charts) == len(report.sections())
    assert book["Просрочено"]["A2"].value == "ВХ-2026-000005"

    page = report_html(report)
    assert page.count('<img src="data:image/svg+xml;base64,') == len(report.sections())
    assert "<html" not in report_html(report, fragment=True)

    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(report_pdf(report))
    text = " ".join(p.extract_text() for p in PdfReader(pdf).pages)
    assert "Обращения граждан" in text and "Удовлетворено частично" in text
    assert "Медиана" in text and "18,2" in text


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_report_page_in_a_browser(report: Report, tmp_path: Path) -> None:
    """The page as a browser draws it (Debian's chromium); the README's picture is made so."""
    page = tmp_path / "report.html"
    page.write_text(report_html(report), encoding="utf-8")
    shot = tmp_path / "report.png"
    screenshot(page, shot)
    image = Image.open(shot).convert("L")
    assert image.size == (1200, 1600)
    assert sum(1 for n in image.histogram() if n) > 20  # drawn, not blank


def screenshot(page: Path, png: Path, size: str = "1200,1600") -> None:
    subprocess.run(
        ["chromium", "--headless", "--no-sandbox", "--disable-gpu",
         "--disable-background-networking", "--hide-scrollbars",
         f"--screenshot={png}", f"--window-size={size}", page.as_uri()],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_department_names_are_text_in_every_format(db_url: str) -> None:
    """Names staff or senders typed: never a formula in a spreadsheet, never TeX in a chart."""
    schema.ensure_migrated(db_url)
    names = ['=HYPERLINK("http://evil.example","x")', "+cmd|' /C calc'!A0", "$\\frac{1}{"]
    seed(db_url, [dataclasses.replace(SEEDS[0], department=name) for name in names])
    with db.transaction(db_url) as s:
        report = build_report(s, *NOVEMBER, tz="Europe/Moscow", today=TODAY)
    labels = {r["label"] for r in csv.DictReader(io.StringIO(report_csv(report)))}
    assert {"'" + names[0], "'" + names[1], names[2]} <= labels
    sheet = load_workbook(io.BytesIO(report_xlsx(report)))["Отчёт"]
    cells = [c for row in sheet.iter_rows() for c in row if c.value in names]
    assert len(cells) == 3 and all(c.data_type == "s" for c in cells)
    assert "\\frac{1}{" in base64.b64decode(charts(report)["by_department"].split(",")[1]).decode()
