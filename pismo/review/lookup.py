"""Finding letters and counting them: the search box and the report page.

Both read the store through ``store.search`` and ``store.reports``; the report
is rendered by its own template (charts as inline SVG), so this page relaxes
the Content-Security-Policy for styles only: it runs no script either.
"""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from markupsafe import Markup

from pismo.reports import report_html
from pismo.review.web import App, Viewer, page
from store.db import transaction
from store.reports import build_report
from store.search import search

router = APIRouter(include_in_schema=False)
REPORT_CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
    "frame-ancestors 'self'; form-action 'self'; base-uri 'none'"
)


@router.get("/search")
def search_page(request: Request, staff: Viewer, app: App, q: str = "") -> HTMLResponse:
    hits = []
    if q.strip():
        with transaction(app.ctx.db) as s:
            hits = search(s, q, limit=50)
    return page(request, "search.html", staff, query=q, hits=hits)


@router.get("/reports")
def report_page(
    request: Request,
    staff: Viewer,
    app: App,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> HTMLResponse:
    today = app.ctx.today()
    end = end or today
    start = start or end.replace(day=1)
    with transaction(app.ctx.db) as s:
        report = build_report(s, start, end, tz=app.ctx.settings.org.timezone, today=today)
    body = Markup(report_html(report, fragment=True))  # rendered by an autoescaped template
    response = page(request, "report.html", staff, report=body, start=start, end=end)
    response.headers["Content-Security-Policy"] = REPORT_CSP
    return response
