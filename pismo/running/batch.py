"""Many files through the stages at once: OCR in parallel, registration in order.

Files are taken in chunks of a few per OCR worker.  Every file of a chunk is
claimed (stage 1) one by one, and each is then read in the background, so the
pages of all the scans of two chunks keep every OCR worker busy.  Meanwhile
this thread registers the earliest chunk's items in the order the files were
named (so the registration numbers follow that order, and only this thread
writes to the store), each as soon as its reading is in, then renders all
their drafts as one batch.  Chunks bound how many documents are held in
memory at once.
"""

from __future__ import annotations

import itertools
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from intake.sources import SCAN_SUFFIXES, put_away, read_file, shown_name
from pismo.context import Context
from pismo.errors import InputError
from pismo.running.chain import advance_many
from pismo.stages.read import ReadResult, text_of, unread
from pismo.stages.receive import receive
from pismo.states import ItemState

T = TypeVar("T")
DOCUMENTS_PER_WORKER = 4
READ_AHEAD = 2  # chunks being read while an earlier one is finished


@dataclass(frozen=True)
class Claimed:
    path: Path
    item_id: int
    new: bool
    version: tuple[int, int] | None


def chunks(items: Iterable[T], size: int) -> Iterator[list[T]]:
    iterator = iter(items)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk


@dataclass
class Batch:
    """Files through the stages, one chunk's OCR overlapping the last chunk's registration."""

    ctx: Context
    drop_root: Path | None  # put files away there; None for files named on the command line
    report: Callable[[str], None]
    drafts: bool = True  # False: registered items wait for the next run to draft them
    failed: int = 0

    def claim(self, chunk: list[Path]) -> Iterator[Claimed]:
        """Stage 1 for each file, one by one; a file that cannot even be read fails here."""
        for path in chunk:
            try:
                incoming = read_file(path, self.ctx.settings.limits.max_file_bytes)
                yield Claimed(path, *receive(self.ctx, incoming), incoming.version)
            except InputError as exc:
                self.failed += 1
                self.report(f"{shown_name(str(path))}\tfailed: {exc}")
                if self.drop_root is not None:
                    put_away(path, self.drop_root, ok=False, reason=str(exc))

    def finish(self, claimed: list[Claimed], texts: dict[int, Future[ReadResult]]) -> None:
        """Register a chunk's items in order, each as soon as its reading is in (while
        the workers read the rest), then draft them all at once."""
        items = [(c.item_id, c.new) for c in claimed]
        outcomes = advance_many(self.ctx, items, drafts=self.drafts, texts=texts)
        for c, outcome in zip(claimed, outcomes, strict=True):
            self.report(f"{shown_name(str(c.path))}\t{outcome.describe()}")
            quarantined = outcome.state is ItemState.quarantined
            self.failed += quarantined
            if self.drop_root is not None and outcome.state is not ItemState.received:
                reason = outcome.reason if quarantined else None
                put_away(c.path, self.drop_root, not quarantined, reason, c.version)


def ingest_files(
    ctx: Context,
    paths: Iterable[Path],
    drop_root: Path | None,
    report: Callable[[str], None],
    *,
    drafts: bool = True,
) -> int:
    """Process files; a bad file is reported (and, in a drop folder, moved to
    ``failed/`` with its reason) and the others go on.  Returns how many failed."""
    batch = Batch(ctx, drop_root, report, drafts)
    pending: deque[tuple[list[Claimed], dict[int, Future[ReadResult]]]] = deque()
    chunk_size = DOCUMENTS_PER_WORKER * ctx.ocr_pool.workers
    # Items of two chunks are read while an earlier chunk is registered and drafted:
    # the OCR workers always have pages queued, however long the main thread takes.
    # A thread per item only waits for the worker processes.
    readers = ThreadPoolExecutor(
        max_workers=(READ_AHEAD + 1) * chunk_size, thread_name_prefix="pismo-read"
    )
    with readers:
        for n, chunk in enumerate(chunks(paths, chunk_size)):
            if n == 0 and any(p.suffix.lower() in SCAN_SUFFIXES for p in chunk):
                readers.submit(ctx.ocr_pool.start)  # the workers boot while files are claimed
            in_flight = {item_id for _claimed, waiting in pending for item_id in waiting}
            claimed: list[Claimed] = []
            texts: dict[int, Future[ReadResult]] = {}
            for c in batch.claim(chunk):  # each read as soon as it is claimed
                claimed.append(c)
                if c.item_id not in in_flight and c.item_id not in texts:
                    for u in unread(ctx, [c.item_id]):
                        texts[u.item_id] = readers.submit(text_of, ctx, u)
            pending.append((claimed, texts))
            if len(pending) > READ_AHEAD:
                batch.finish(*pending.popleft())
        while pending:
            batch.finish(*pending.popleft())
    return batch.failed
