"""The stages inline, in this process: a pass of ``pismo run`` over the sources.

What a crash left half-way is finished first, then each source hands over its
new letters (``Source.take_inline``); the daemon repeats passes until stopped.

Each mailbox is read in a thread of its own, so that a server that is down
(its reconnection backoff, its timeouts) holds up neither the other
mailboxes nor the folders; the stages themselves still run one at a time
(``STAGE_LOCK``).  In the daemon each mailbox thread waits for its own new
mail (IMAP IDLE) and the folders are looked at every poll_interval.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence

import sqlalchemy as sa

from pismo.context import Context
from pismo.errors import MailServerError, PismoError
from pismo.running.batch import chunks
from pismo.running.chain import advance_many
from pismo.running.mailbox import STAGE_LOCK
from pismo.running.sources import Mailbox, Report, Source, sources_of
from pismo.states import UNFINISHED
from store.db import transaction
from store.models import InboundItem

log = logging.getLogger("pismo")
RESUME_CHUNK = 100  # items registered, then drafted as one batch


def resume_unfinished(ctx: Context) -> None:
    """Items a crash left half-way, or ``ingest --no-drafts`` left undrafted: received,
    read, or registered without their drafts.  Drafted a chunk at a time, as a batch."""
    with transaction(ctx.db) as s:
        ids = s.scalars(
            sa.select(InboundItem.id)
            .where(InboundItem.state.in_(UNFINISHED))
            .order_by(InboundItem.id)
        ).all()
    for chunk in chunks(ids, RESUME_CHUNK):
        with STAGE_LOCK:
            advance_many(ctx, [(item_id, False) for item_id in chunk])


def run_once(ctx: Context, report: Report, sources: Sequence[Source] | None = None) -> int:
    """One pass: what was left half-way, then every source's new letters (those of the
    settings unless given).  Returns how many failed; a mailbox that could not be
    read raises ``MailServerError`` once the other sources are done."""
    resume_unfinished(ctx)
    own = sources_of(ctx) if sources is None else []
    try:
        return take_all(ctx, sources or own, report)
    finally:
        for source in own:
            source.close()


def take_all(ctx: Context, sources: Sequence[Source], report: Report) -> int:
    """Every source's new letters: the mailboxes at once, each in its thread."""
    failed: list[int] = []
    errors: list[Exception] = []

    def take(source: Source) -> None:
        try:
            failed.append(source.take_inline(ctx, report))
        except Exception as exc:  # raised below, in this thread, once all are done
            errors.append(exc)

    threads = [
        threading.Thread(target=take, args=(m,), name=f"mailbox-{m.name}", daemon=True)
        for m in sources
        if isinstance(m, Mailbox)
    ]
    for thread in threads:
        thread.start()
    for source in sources:
        if not isinstance(source, Mailbox):
            with STAGE_LOCK:
                take(source)
    for thread in threads:
        thread.join()
    if errors:
        _raise_first(errors)
    return sum(failed)


def _raise_first(errors: list[Exception]) -> None:
    """A bug or a store failure first; else every mailbox that failed, in one error."""
    for exc in errors:
        if not isinstance(exc, MailServerError):
            raise exc
    if len(errors) == 1:
        raise errors[0]
    raise MailServerError("; ".join(map(str, errors))) from errors[0]


def run_daemon(ctx: Context, report: Report, stop: threading.Event) -> None:
    """``pismo run``: passes until ``stop`` is set; each mailbox in a thread of its own."""
    sources = sources_of(ctx, stop)
    readers = [
        threading.Thread(
            target=_keep_reading, args=(ctx, m, report, stop), name=f"mailbox-{m.name}"
        )
        for m in sources
        if isinstance(m, Mailbox)
    ]
    folders = [s for s in sources if not isinstance(s, Mailbox)]
    for reader in readers:
        reader.start()
    try:
        while not stop.is_set():
            _guarded(ctx, lambda: run_once(ctx, report, folders))
            stop.wait(ctx.settings.poll_interval)
    finally:
        stop.set()  # this daemon is ending, normally or not: its readers end with it
        for reader in readers:
            reader.join()
        for source in sources:
            source.close()


def _keep_reading(ctx: Context, mailbox: Mailbox, report: Report, stop: threading.Event) -> None:
    """One mailbox's passes, each after its new mail (or poll_interval), until ``stop``."""
    while not stop.is_set():
        try:
            _guarded(ctx, lambda: mailbox.take_inline(ctx, report))
        except PismoError as exc:  # its own trouble; the other sources go on
            log.error(
                "mailbox %s: %s; retrying in %s s", mailbox.name, exc, ctx.settings.poll_interval
            )
        mailbox.wait(ctx.settings.poll_interval, stop)


def _guarded(ctx: Context, work: Callable[[], object]) -> None:
    """Run one pass; what the next pass may mend is logged, not raised."""
    try:
        work()
    except MailServerError as exc:  # the server may come back; keep the folders going
        log.error("%s; retrying in %s s", exc, ctx.settings.poll_interval)
    except PismoError:
        raise
    except Exception:  # the daemon outlives any one bad pass; the next pass retries
        log.exception("pass failed; retrying in %s s", ctx.settings.poll_interval)
