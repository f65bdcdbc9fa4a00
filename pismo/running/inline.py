"""The stages inline, in this process: a pass of ``pismo run`` over the sources.

What a crash left half-way is finished first, then each source hands over its
new letters (``Source.take_inline``); the daemon repeats passes until stopped.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence

import sqlalchemy as sa

from pismo.context import Context
from pismo.errors import MailServerError, PismoError
from pismo.running.batch import chunks
from pismo.running.chain import advance_many
from pismo.running.sources import Report, Source, sources_of
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
        advance_many(ctx, [(item_id, False) for item_id in chunk])


def run_once(ctx: Context, report: Report, sources: Sequence[Source] | None = None) -> int:
    """One pass: what was left half-way, then every source's new letters (those of the
    settings unless given).  Returns how many failed."""
    resume_unfinished(ctx)
    own = sources_of(ctx) if sources is None else []
    try:
        return sum(source.take_inline(ctx, report) for source in sources or own)
    finally:
        for source in own:
            source.close()


def run_daemon(ctx: Context, report: Report, stop: threading.Event) -> None:
    """``pismo run``: passes until ``stop`` is set, waiting for new mail between them."""
    sources = sources_of(ctx, stop)
    try:
        while not stop.is_set():
            try:
                run_once(ctx, report, sources)
            except MailServerError as exc:  # the server may come back; keep the folders going
                log.error("%s; retrying in %s s", exc, ctx.settings.poll_interval)
            except PismoError:
                raise
            except Exception:  # the daemon outlives any one bad pass; the next pass retries
                log.exception("pass failed; retrying in %s s", ctx.settings.poll_interval)
            sources[0].wait(ctx.settings.poll_interval, stop)
    finally:
        for source in sources:
            source.close()
