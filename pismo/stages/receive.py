"""Stage 1: an incoming file or message becomes an item, its bytes kept before any work."""

from __future__ import annotations

import logging

import sqlalchemy as sa

from intake.sources import Incoming
from pismo.context import Context
from pismo.states import ItemState
from store.db import transaction
from store.models import InboundItem
from store.registration import audit

log = logging.getLogger("pismo.stages")


def receive(ctx: Context, incoming: Incoming) -> tuple[int, bool]:
    """Record the item and keep its bytes; the same source key is the same item.

    An item quarantined before it was registered is tried again when it comes
    again (a file moved back from ``failed/``, a message moved back to the inbox):
    a raised limit or a mended installation may let it through now."""
    digest = ctx.blobs.put(incoming.data)
    with transaction(ctx.db) as s:
        existing = s.scalar(
            sa.select(InboundItem)
            .where(InboundItem.source_key == incoming.source_key)
            .with_for_update()
        )
        if existing is not None:
            if existing.state is ItemState.quarantined and existing.appeal_id is None:
                existing.state = ItemState.received  # read again from the start
                existing.not_registered_reason = None
                existing.text = None
                existing.meta = {}
                for attachment in existing.attachments:  # stored again when it is read
                    s.delete(attachment)
                audit(s, "retried", item_id=existing.id)
                return existing.id, True
            return existing.id, False
        item = InboundItem(
            source_key=incoming.source_key,
            source=incoming.source,
            channel=incoming.channel,
            content_hash=digest,
            size=len(incoming.data),
            filename=incoming.filename,
            received_at=incoming.received_at,
            state=ItemState.received,
            meta=dict(incoming.meta),
        )
        s.add(item)
        s.flush()
        audit(s, "received", item_id=item.id, channel=incoming.channel.value)
        return item.id, True


def quarantine(ctx: Context, item_id: int, reason: str) -> None:
    """The item cannot be processed: it stops, with the reason, until it comes again."""
    with transaction(ctx.db) as s:
        item = s.get_one(InboundItem, item_id, with_for_update=True)
        item.state = ItemState.quarantined
        item.not_registered_reason = f"quarantined: {reason}"
        audit(s, "quarantined", item_id=item_id, reason=reason)
    # The reason may name a file («Паспорт Смирновой.pdf»): it stays in the store.
    log.warning("item %s quarantined; `pismo export` gives the reason", item_id)
