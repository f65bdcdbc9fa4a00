"""The stages chained for given items, from wherever each stopped, in this process."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from concurrent.futures import Future
from dataclasses import dataclass

from intake.sources import Incoming
from pismo.context import Context
from pismo.stages.draft import draft_many
from pismo.stages.read import ReadResult, read, store_text
from pismo.stages.receive import receive
from pismo.stages.register import register
from pismo.states import ItemState
from store.db import transaction
from store.models import InboundItem


@dataclass(frozen=True)
class Outcome:
    item_id: int
    new: bool
    state: ItemState
    reg_number: str | None
    reason: str | None
    drafts: tuple[str, ...]

    def describe(self) -> str:
        """The line a person reads for this item."""
        if self.state is ItemState.received:
            return "not read yet: tried again on the next pass"
        if self.reg_number and self.state is ItemState.not_registered:
            if self.reason != "duplicate":
                return f"not registered: {self.reason}"  # a reply joining its appeal
            return f"duplicate of {self.reg_number}"
        if self.reg_number:
            note = " (awaits transcription)" if self.state is ItemState.needs_transcription else ""
            return f"registered {self.reg_number}{note}" + (
                "" if self.new else " (already ingested)"
            )
        return f"not registered: {self.reason}"


def process(ctx: Context, incoming: Incoming) -> Outcome:
    """All stages, inline, for one incoming file."""
    item_id, new = receive(ctx, incoming)
    return advance(ctx, item_id, new)


def advance(ctx: Context, item_id: int, new: bool = False) -> Outcome:
    """Run whatever stages an item still needs, from wherever it stopped."""
    return advance_many(ctx, [(item_id, new)])[0]


def advance_many(
    ctx: Context,
    items: Sequence[tuple[int, bool]],
    *,
    drafts: bool = True,
    texts: Mapping[int, Future[ReadResult]] | None = None,
) -> list[Outcome]:
    """``advance`` for many (item id, new) at once: each registered in turn, in this
    order, then the drafts of all of them rendered as one batch (unless ``drafts`` is
    off: then they stay ``registered``, and the next ``pismo run`` drafts them).

    ``texts`` are items being read elsewhere (``inline.Batch``): each is waited for
    only when its item's turn comes, while the others are still being read."""
    texts = texts or {}
    # The others still unread are read here, all at once: their pages share the OCR pool.
    read(ctx, [item_id for item_id, _new in items if item_id not in texts])
    drafting: dict[int, int] = {}  # appeal id: the item it was registered from
    for item_id, _new in items:
        if item_id in texts:
            store_text(ctx, item_id, texts[item_id].result())
        appeal_id = register(ctx, item_id)
        if appeal_id is not None and _state(ctx, item_id) is ItemState.registered:
            drafting[appeal_id] = item_id
    drafted = draft_many(ctx, list(drafting)) if drafting and drafts else {}
    drafts_of = {drafting[appeal_id]: paths for appeal_id, paths in drafted.items()}
    outcomes = []
    with transaction(ctx.db) as s:
        for item_id, new in items:
            item = s.get_one(InboundItem, item_id)
            outcomes.append(
                Outcome(
                    item_id=item_id,
                    new=new,
                    state=item.state,
                    reg_number=item.appeal.reg_number if item.appeal else None,
                    reason=item.not_registered_reason,
                    drafts=tuple(drafts_of.get(item_id, ())),
                )
            )
    return outcomes


def _state(ctx: Context, item_id: int) -> ItemState:
    with transaction(ctx.db) as s:
        return s.get_one(InboundItem, item_id).state
