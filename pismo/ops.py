"""Running pismo for months: health, metrics, due dates, logs.

``pismo health`` and the HTTP endpoint ``/health`` answer the same checks;
``/metrics`` serves Prometheus figures computed from the store on each
scrape, so every worker reports the same truth.  Logs carry ids, codes and
states, never names, addresses or letter text.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, make_server

import sqlalchemy as sa
from prometheus_client import REGISTRY, make_wsgi_app
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from pismo.context import Context
from pismo.states import OPEN_STATUSES
from store import db, schema
from store.models import Appeal, InboundItem

log = logging.getLogger("pismo.ops")


# --- due dates -------------------------------------------------------------------


@dataclass(frozen=True)
class Due:
    reg_number: str
    term: str  # "notice" or "answer"
    due: dt.date
    days_left: int  # negative when overdue
    status: str
    category: str


def due_appeals(db_url: str, today: dt.date, within_days: int) -> list[Due]:
    """Open appeals whose nearest legal term has passed or comes within ``within_days``."""
    horizon = today + dt.timedelta(days=within_days)
    nearest = sa.func.coalesce(Appeal.notice_by, Appeal.answer_by)
    with db.transaction(db_url) as s:
        rows = s.execute(
            sa.select(Appeal)
            .where(Appeal.status.in_(OPEN_STATUSES), nearest <= horizon)
            .order_by(nearest, Appeal.id)
        ).scalars()
        result = []
        for appeal in rows:
            term, due = (
                ("notice", appeal.notice_by) if appeal.notice_by else ("answer", appeal.answer_by)
            )
            assert due is not None
            result.append(
                Due(
                    appeal.reg_number, term, due, (due - today).days, appeal.status, appeal.category
                )
            )
        return result


# --- health --------------------------------------------------------------------------


@dataclass(frozen=True)
class Health:
    ok: bool
    checks: dict[str, str]


def health(db_url: str) -> Health:
    checks: dict[str, str] = {}
    try:
        db.check_reachable(db_url)
        checks["database"] = "ok"
    except Exception as exc:  # a health check reports; it does not raise
        return Health(False, {"database": f"unreachable: {type(exc).__name__}"})
    revision = schema.current_revision(db_url)
    checks["migrations"] = "ok" if revision == schema.head_revision() else f"at {revision}"
    if db.normalise_url(db_url).get_backend_name() == "postgresql":
        with db.transaction(db_url) as s:
            alive = s.execute(
                sa.text(
                    "SELECT count(*) FROM procrastinate_workers "
                    "WHERE last_heartbeat > now() - interval '2 minutes'"
                )
            ).scalar()
        checks["workers"] = f"{alive} alive"
    # Zero live workers is reported, not failed: `pismo run` needs none.
    return Health(checks["migrations"] == "ok", checks)


# --- metrics ---------------------------------------------------------------------------


class StoreCollector(Collector):
    """Figures read from the store at scrape time: the same from every worker."""

    def __init__(self, db_url: str, today: Callable[[], dt.date], due_soon_days: int) -> None:
        self.db_url = db_url
        self.today = today
        self.due_soon_days = due_soon_days

    def collect(self) -> Iterator[GaugeMetricFamily]:
        items = GaugeMetricFamily(
            "pismo_items", "Inbound items by state", labels=["channel", "state"]
        )
        with db.transaction(self.db_url) as s:
            for channel, state, count in s.execute(
                sa.select(InboundItem.channel, InboundItem.state, sa.func.count()).group_by(
                    InboundItem.channel, InboundItem.state
                )
            ):
                items.add_metric([channel.value, state.value], count)
            queue = self._queue_depth(s)
        yield items
        dues = self.due_counts()
        due = GaugeMetricFamily("pismo_appeals_due", "Open appeals by term", labels=["when"])
        for when, count in dues.items():
            due.add_metric([when], count)
        yield due
        if queue is not None:
            yield queue

    def due_counts(self) -> dict[str, int]:
        counts = {"overdue": 0, "due_soon": 0}
        for d in due_appeals(self.db_url, self.today(), self.due_soon_days):
            counts["overdue" if d.days_left < 0 else "due_soon"] += 1
        return counts

    def _queue_depth(self, session: Any) -> GaugeMetricFamily | None:
        if session.get_bind().dialect.name != "postgresql":
            return None
        family = GaugeMetricFamily(
            "pismo_jobs", "Procrastinate jobs by queue and status", labels=["queue", "status"]
        )
        rows: Iterable[tuple[str, str, int]] = session.execute(
            sa.text(
                "SELECT queue_name, status::text, count(*) FROM procrastinate_jobs "
                "WHERE status IN ('todo', 'doing') GROUP BY 1, 2"
            )
        ).all()
        for queue, status, count in rows:
            family.add_metric([queue, status], count)
        return family


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        log.debug(format, *args)


def serve_http(ctx: Context, host: str = "127.0.0.1") -> threading.Thread:
    """``/health`` (JSON, 503 when unhealthy) and ``/metrics`` on a background thread."""
    db_url = ctx.db
    REGISTRY.register(StoreCollector(db_url, ctx.today, ctx.settings.due_soon_days))
    metrics = make_wsgi_app()

    def app(environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        if environ.get("PATH_INFO") == "/health":
            result = health(db_url)
            body = json.dumps({"ok": result.ok, "checks": result.checks}).encode()
            status = "200 OK" if result.ok else "503 Service Unavailable"
            start_response(status, [("Content-Type", "application/json")])
            return [body]
        return metrics(environ, start_response)  # type: ignore[no-any-return]

    server = make_server(host, ctx.settings.http_port, app, handler_class=_QuietHandler)
    thread = threading.Thread(target=server.serve_forever, name="pismo-http", daemon=True)
    thread.start()
    return thread


# --- logs ------------------------------------------------------------------------------


class JsonFormatter(logging.Formatter):
    """One JSON object per line, for log collectors."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def configure_logging(verbose: bool, json_format: bool) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(
        JsonFormatter()
        if json_format
        else logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    )
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING, handlers=[handler])
