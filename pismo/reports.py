"""A ``Report`` as CSV, XLSX, an HTML page with charts, and PDF.

One chart per question, with its numbers in a table beside it: people read
the chart, and the table is there to quote.  Charts are drawn by matplotlib
as SVG with text left as text (``svg.fonttype = none``) and embedded in the
page as data URIs, which both WeasyPrint (PDF) and browsers show; the XLSX
carries native Excel bar charts next to each table instead, so the figures
stay live in the workbook.
"""

from __future__ import annotations

import base64
import csv
import functools
import io
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import jinja2
import matplotlib
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from letters.cells import cell
from letters.render import Renderer, template_environment
from store.reports import Count, Report

TEMPLATES = Path(__file__).parent / "templates"
BLUE, GREEN, ORANGE, RED, GREY = "#3b6ea8", "#3c8d4f", "#d9822b", "#c23b3b", "#9aa3ad"
TIMELINESS_COLOURS = {
    "on_time": GREEN,
    "late": ORANGE,
    "in_progress": BLUE,
    "overdue": RED,
    "without_answer": GREY,
}


def summary(report: Report) -> list[tuple[str, str]]:
    """The headline figures, as (label, value)."""
    answered = report.count("timeliness", "on_time") + report.count("timeliness", "late")
    on_time = report.count("timeliness", "on_time")
    share = f"{100 * on_time / answered:.0f}%" if answered else "—"
    days = report.days
    return [
        ("Поступило обращений", str(report.total)),
        ("Дан ответ", str(answered)),
        ("Из них в срок", f"{on_time} ({share})"),
        ("С опозданием", str(report.count("timeliness", "late"))),
        ("Просрочено сейчас", str(report.count("timeliness", "overdue"))),
        ("Медиана дней до ответа", _number(days.median)),
        ("90-й процентиль дней", _number(days.p90)),
    ]


def _number(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:g}".replace(".", ",")


# --- CSV ----------------------------------------------------------------------------------


def report_csv(report: Report) -> str:
    """One long table: section, key, label, value (UTF-8; Excel wants the BOM the CLI adds)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["section", "key", "label", "value"])
    writer.writerow(["period", "start", "Начало периода", report.start.isoformat()])
    writer.writerow(["period", "end", "Конец периода", report.end.isoformat()])
    writer.writerow(["summary", "total", "Поступило обращений", report.total])
    writer.writerow(["summary", "answered", "Дан ответ", report.days.answered])
    writer.writerow(
        ["summary", "median_days", "Медиана дней до ответа", _plain(report.days.median)]
    )
    writer.writerow(["summary", "p90_days", "90-й процентиль дней", _plain(report.days.p90)])
    for name, _question, counts in report.sections():
        for c in counts:
            writer.writerow([name, cell(c.key), cell(c.label), c.count])
    for number in report.overdue:
        writer.writerow(["overdue", number, "Просрочено сейчас", 1])
    return out.getvalue()


def _plain(value: float | None) -> str:
    return "" if value is None else f"{value:g}"


# --- XLSX ---------------------------------------------------------------------------------


def text_cell(target: Any, value: str) -> None:
    """Text stored as text: openpyxl makes any string starting with «=» a formula."""
    target.value = value
    target.data_type = "s"


def report_xlsx(report: Report) -> bytes:
    from openpyxl import Workbook
    from openpyxl.chart import BarChart, Reference
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Отчёт"
    sheet.column_dimensions["A"].width = 38
    sheet.column_dimensions["B"].width = 14
    sheet.append([f"Обращения с {report.start:%d.%m.%Y} по {report.end:%d.%m.%Y}"])
    sheet["A1"].font = Font(bold=True, size=14)
    for label, value in summary(report):
        sheet.append([label, value])
    row = sheet.max_row + 2
    for _name, question, counts in report.sections():
        if not counts:
            continue
        sheet.cell(row, 1, question).font = Font(bold=True)
        for i, c in enumerate(counts, start=1):
            text_cell(sheet.cell(row + i, 1), c.label)
            sheet.cell(row + i, 2, c.count)
        chart = BarChart()
        chart.type = "bar" if len(counts) <= 12 else "col"
        chart.title = question
        chart.legend = None
        chart.height = max(5.0, 0.6 * len(counts) + 2)
        chart.width = 16
        chart.add_data(Reference(sheet, min_col=2, min_row=row + 1, max_row=row + len(counts)))
        chart.set_categories(
            Reference(sheet, min_col=1, min_row=row + 1, max_row=row + len(counts))
        )
        sheet.add_chart(chart, f"D{row}")
        row += max(len(counts) + 2, int(chart.height / 0.5) + 1)
    overdue = book.create_sheet("Просрочено")
    overdue.append(["Регистрационный номер"])
    for number in report.overdue:
        overdue.append([number])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# --- charts -------------------------------------------------------------------------------


STYLE: dict[Any, Any] = {
    "svg.fonttype": "none",  # text stays text: smaller, crisp, searchable
    "svg.hashsalt": "pismo",  # the same report draws the same bytes
    "font.family": "DejaVu Sans",
    "font.size": 9,
    "text.parse_math": False,  # a department named «$\\frac{1}{» is a name, not TeX
    "axes.spines.top": False,
    "axes.spines.right": False,
}


def _svg_uri(figure: Figure) -> str:
    out = io.BytesIO()
    figure.savefig(out, format="svg", bbox_inches="tight", metadata={"Date": None})
    return "data:image/svg+xml;base64," + base64.b64encode(out.getvalue()).decode()


def bar_chart(counts: Sequence[Count], colours: Mapping[str, str] | None = None) -> str:
    """Horizontal bars, largest first as given, each with its number at its end; the rows
    with nothing in them are left to the table."""
    shown = [c for c in counts if c.count] or list(counts)
    with matplotlib.rc_context(STYLE):
        figure = Figure(figsize=(4.6, 0.32 * len(shown) + 0.6))
        axes = figure.subplots()
        values = [c.count for c in shown][::-1]
        bars = axes.barh(
            [c.label for c in shown][::-1],
            values,
            color=[(colours or {}).get(c.key, BLUE) for c in shown][::-1],
        )
        axes.bar_label(bars, padding=3)
        axes.set_xlim(0, max([*values, 1]) * 1.18)
        axes.xaxis.set_visible(False)
        axes.spines["bottom"].set_visible(False)
        return _svg_uri(figure)


def column_chart(counts: Sequence[Count]) -> str:
    """Vertical bars in the given order (days, months)."""
    with matplotlib.rc_context(STYLE):
        figure = Figure(figsize=(5.2, 2.6))
        axes = figure.subplots()
        positions = list(range(len(counts)))
        bars = axes.bar(positions, [c.count for c in counts], color=BLUE, width=0.8)
        axes.yaxis.set_major_locator(MaxNLocator(integer=True))
        if len(counts) <= 16:
            axes.bar_label(bars, padding=2, fontsize=7, rotation=90 if len(counts) > 8 else 0)
            axes.margins(y=0.22)
        step = max(1, len(counts) // 12)
        labels = [c.label for c in counts]
        axes.set_xticks(positions[::step], labels[::step], rotation=45, ha="right")
        return _svg_uri(figure)


def charts(report: Report) -> dict[str, str]:
    """A chart for every question, keyed by section name."""
    drawn: dict[str, str] = {}
    for name, _question, counts in report.sections():
        if not counts:
            continue
        if name in ("by_time", "days"):
            drawn[name] = column_chart(counts)
        elif name == "timeliness":
            drawn[name] = bar_chart(counts, TIMELINESS_COLOURS)
        else:
            drawn[name] = bar_chart(counts)
    return drawn


# --- HTML and PDF -------------------------------------------------------------------------


@functools.cache
def _templates() -> jinja2.Environment:
    return template_environment(TEMPLATES)


def report_html(report: Report, *, fragment: bool = False) -> str:
    """A whole page, or with ``fragment`` only its body, for an app to put in its own layout."""
    drawn = charts(report)
    sections = [
        (name, question, counts, drawn[name])
        for name, question, counts in report.sections()
        if name in drawn
    ]
    return (
        _templates()
        .get_template("report.html")
        .render(
            report=report,
            summary=summary(report),
            sections=sections,
            fragment=fragment,
        )
    )


def report_pdf(report: Report) -> bytes:
    return Renderer().pdf(report_html(report))


def render_report(report: Report, fmt: str) -> bytes:
    """The report as a file's bytes: ``csv`` (UTF-8 with the BOM Excel wants), ``xlsx``,
    ``pdf`` or ``html``."""
    if fmt == "csv":
        return report_csv(report).encode("utf-8-sig")
    if fmt == "xlsx":
        return report_xlsx(report)
    if fmt == "pdf":
        return report_pdf(report)
    if fmt == "html":
        return report_html(report).encode("utf-8")
    raise ValueError(f"no report format {fmt!r}")
