"""The stages queued on Procrastinate: ``pismo worker`` on any number of machines.

(*Inline*, the embedded default, calls each stage after the last in one
process: ``pismo.running.inline``.)  *Queued* spreads the work over
``pismo worker`` processes on any number of machines sharing one PostgreSQL
database.  Each stage is a Procrastinate
task that takes an id and defers the next stage as a job:

    poll (periodic) ─▶ read ─▶ register ─▶ draft
         │             └ on the ``ocr`` queue for scans, ``intake`` for mail
         └▶ take_mailbox, one job per IMAP mailbox (its stages inline: the
            server-side move waits for the registration's commit)

Procrastinate gives what a hand-written queue gets wrong: a job runs in one
worker at a time per item (``lock``), is queued once per item
(``queueing_lock``), is retried with backoff, and jobs of a worker that died
are found by its missing heartbeats and retried.  The item's state in the
store stays the truth: every stage is guarded by it, so a job that runs
twice does its work once, and a periodic sweep defers a job for any item left
without one (a crash between a stage's commit and its ``defer``).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from typing import Any

import procrastinate
import sqlalchemy as sa
from procrastinate.exceptions import AlreadyEnqueued
from procrastinate.jobs import Status

from pismo.context import Context
from pismo.errors import MailServerError
from pismo.running.sources import Mailbox, folders
from pismo.settings import load_settings
from pismo.stages.draft import draft
from pismo.stages.read import read
from pismo.stages.register import register
from pismo.states import UNFINISHED, Channel, ItemState
from store import db, schema
from store.locks import lock
from store.models import InboundItem

log = logging.getLogger("pismo.queued")

OCR_QUEUE = "ocr"
INTAKE_QUEUE = "intake"
QUEUES = (INTAKE_QUEUE, OCR_QUEUE)
TRANSIENT = procrastinate.RetryStrategy(
    max_attempts=8,
    exponential_wait=2,
    retry_exceptions={sa.exc.OperationalError, OSError, MailServerError},
)


def conninfo(db_url: str) -> str:
    """The libpq connection string of pismo's SQLAlchemy URL."""
    url = db.normalise_url(db_url)
    if url.get_backend_name() != "postgresql":
        raise procrastinate.exceptions.ProcrastinateException(
            "the queued executor needs PostgreSQL: set db_url to a postgresql:// URL"
        )
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


app = procrastinate.App(connector=procrastinate.PsycopgConnector())


_context: Context | None = None


def context() -> Context:
    """The worker's settings and caches, made once per process."""
    global _context
    if _context is None:
        _context = Context(load_settings())
    return _context


def use_context(ctx: Context) -> None:
    global _context
    _context = ctx


@contextmanager
def connected(db_url: str) -> Iterator[procrastinate.App]:
    """The app bound to pismo's database, for deferring (``with …, app.open()``) or working."""
    with app.replace_connector(procrastinate.PsycopgConnector(conninfo=conninfo(db_url))) as bound:
        yield bound


def apply_schema(db_url: str) -> None:
    """Procrastinate's tables, applied once next to pismo's own (``pismo db upgrade``)."""
    with lock(db_url, schema.SCHEMA_LOCK):
        with db.engine_for(db_url).connect() as conn:
            if conn.execute(sa.text("SELECT to_regclass('procrastinate_jobs')")).scalar():
                return
        with connected(db_url) as bound, bound.open():
            bound.schema_manager.apply_schema()


def item_lock(item_id: int) -> str:
    """One job at a time per item, whatever its stage."""
    return f"item-{item_id}"


def _defer(task: procrastinate.tasks.Task[Any, Any, Any], queue: str, item_id: int) -> None:
    lock = item_lock(item_id)
    # The same stage of the same item already waiting is enough: once is the point.
    with suppress(AlreadyEnqueued):
        task.configure(queue=queue, lock=lock, queueing_lock=f"{task.name}:{lock}").defer(
            item_id=item_id
        )


def defer_next(item_id: int) -> None:
    """Defer the job for the stage the item is at, if it has one to do."""
    with db.transaction(context().db) as s:
        item = s.get_one(InboundItem, item_id)
        state, channel, appeal_id = item.state, item.channel, item.appeal_id
    if state is ItemState.received:
        queue = OCR_QUEUE if channel is Channel.post else INTAKE_QUEUE
        _defer(read_task, queue, item_id)
    elif state is ItemState.read:
        _defer(register_task, INTAKE_QUEUE, item_id)
    elif state is ItemState.registered and appeal_id is not None:
        _defer(draft_task, INTAKE_QUEUE, item_id)


# Jobs of one worker run in threads, and the native libraries under the stages
# (PDFium, Pango, Tesseract's pool) are not all thread-safe: one stage at a time
# per process. A machine scales with more `pismo worker` processes, one per core.
STAGE_LOCK = threading.Lock()


@app.task(name="pismo.read", retry=TRANSIENT)
def read_task(item_id: int) -> None:
    with STAGE_LOCK:
        read(context(), [item_id])
    defer_next(item_id)


@app.task(name="pismo.register", retry=TRANSIENT)
def register_task(item_id: int) -> None:
    with STAGE_LOCK:
        register(context(), item_id)
    defer_next(item_id)


@app.task(name="pismo.draft", retry=TRANSIENT)
def draft_task(item_id: int) -> None:
    ctx = context()
    with db.transaction(ctx.db) as s:
        appeal_id = s.get_one(InboundItem, item_id).appeal_id
    if appeal_id is not None:
        with STAGE_LOCK:
            draft(ctx, appeal_id)


# A mailbox job reconnects once or twice (a dropped connection), then ends: the
# next poll, 15 seconds on, is the retry, so a dead server holds no worker thread.
MAILBOX_GIVE_UP = 1.0


def take_new(ctx: Context) -> int:
    """Claim every new file and queue its first stage; queue a job for each mailbox.

    Each mailbox is a job of its own, so that several workers read several
    mailboxes at once and a server that is down delays only its own job."""
    for box in ctx.settings.mailbox_list:
        with suppress(AlreadyEnqueued):  # the mailbox's last job still waits or runs
            take_mailbox_task.configure(
                queue=INTAKE_QUEUE, lock=f"mailbox:{box.name}", queueing_lock=f"mailbox:{box.name}"
            ).defer(name=box.name)
    sources = folders(ctx)
    try:
        return sum(source.take_queued(ctx, defer_next) for source in sources)
    finally:
        for source in sources:
            source.close()


@app.task(name="pismo.take_mailbox")
def take_mailbox_task(name: str) -> None:
    """One mailbox's new messages, each through its stages, then moved on the server.

    Not retried as a job: a retry would collide with the job the next poll queues
    under the same queueing lock, and that poll job is the retry anyway."""
    ctx = context()
    box = next((b for b in ctx.settings.mailbox_list if b.name == name), None)
    if box is None:
        log.info("mailbox %s is no longer in the settings; nothing to take", name)
        return
    source = Mailbox(ctx, box, stage_lock=STAGE_LOCK, give_up=MAILBOX_GIVE_UP)
    try:
        source.take_queued(ctx, defer_next)
    except MailServerError as exc:  # the server may come back by the next poll
        log.warning("mailbox %s: %s; trying again on the next poll", name, exc)
    finally:
        source.close()


def sweep(ctx: Context) -> int:
    """Queue a job for every item that is half-way and has no job waiting or running.

    An item whose job is running on a dead worker is left alone: that job is
    retried by ``retry_stalled_task``, and a second one would only wait behind it.
    """
    with db.transaction(ctx.db) as s:
        ids = s.scalars(sa.select(InboundItem.id).where(InboundItem.state.in_(UNFINISHED))).all()
        live = set(
            s.scalars(
                sa.text(
                    "SELECT lock FROM procrastinate_jobs "
                    "WHERE status IN ('todo', 'doing') AND lock LIKE 'item-%'"
                )
            )
        )
    orphans = [item_id for item_id in ids if item_lock(item_id) not in live]
    for item_id in orphans:
        defer_next(item_id)
    return len(orphans)


@app.periodic(cron="* * * * * */15")
@app.task(name="pismo.poll", queueing_lock="pismo.poll", retry=TRANSIENT)
def poll_task(timestamp: int) -> None:
    """Every 15 seconds: take new mail and files; the sweep catches items a crash orphaned."""
    ctx = context()
    with STAGE_LOCK:
        take_new(ctx)
    sweep(ctx)


@app.periodic(cron="* * * * * */15")
@app.task(name="pismo.retry_stalled", queueing_lock="pismo.retry_stalled", pass_context=True)
async def retry_stalled_task(job_context: procrastinate.JobContext, timestamp: int) -> None:
    """Jobs of workers that stopped sending heartbeats (killed, machine lost) run again."""
    manager = job_context.app.job_manager
    stalled_after = context().settings.worker.stalled_after
    for job in await manager.get_stalled_jobs(seconds_since_heartbeat=stalled_after):
        log.warning("retrying job %s of a stalled worker", job.id)
        try:
            await manager.retry_job(job)
        except procrastinate.exceptions.UniqueViolation:
            # The same stage is queued again already (by the sweep, before this
            # ran): that job does the work; this one is closed so it frees its lock.
            assert job.id is not None
            await manager.finish_job_by_id_async(job.id, Status.FAILED, delete_job=False)


def run_worker(ctx: Context, wait: bool = True) -> None:
    """``pismo worker``: process jobs until stopped (SIGTERM/SIGINT finish the current ones)."""
    use_context(ctx)
    options = ctx.settings.worker
    if not options.queues or OCR_QUEUE in options.queues:
        ctx.ocr_pool.start()  # before the first job, not during it
    with connected(ctx.db) as bound:
        bound.run_worker(
            queues=options.queues or None,
            concurrency=options.concurrency,
            wait=wait,
            install_signal_handlers=True,
            update_heartbeat_interval=options.heartbeat_interval,
            stalled_worker_timeout=options.stalled_after,
            delete_jobs="successful",
        )
