"""Many files through the pipeline at once: OCR in parallel, registration in order.

Files are taken in chunks of a few per OCR worker.  For each chunk, every
file is claimed (stage 1) one by one; then the read stage runs for the whole
chunk at once, so the pages of all its scans keep every OCR worker busy;
then registration and drafting run one file at a time in this process, in
the order the files were named, so registration numbers follow that order.
A chunk bounds how many documents are held in memory at once.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from errors import InputError
from intake.sources import read_file, settle
from pipeline import Context, Outcome, advance, read_many, receive
from store.models import ItemState

DOCUMENTS_PER_WORKER = 4


@dataclass(frozen=True)
class Claimed:
    path: Path
    item_id: int
    new: bool


def chunks(paths: Iterable[Path], size: int) -> Iterator[list[Path]]:
    iterator = iter(paths)
    while chunk := list(itertools.islice(iterator, size)):
        yield chunk


def describe(outcome: Outcome) -> str:
    if outcome.reg_number and outcome.state is ItemState.not_registered:
        return f"duplicate of {outcome.reg_number}"
    if outcome.reg_number:
        note = " (awaits transcription)" if outcome.state is ItemState.needs_transcription else ""
        return f"registered {outcome.reg_number}{note}" + (
            "" if outcome.new else " (already ingested)"
        )
    return f"not registered: {outcome.reason}"


def ingest_files(
    ctx: Context, paths: Iterable[Path], drop_root: Path | None, report: Callable[[str], None]
) -> int:
    """Process files; a bad file is reported (and, in a drop folder, moved to
    ``failed/`` with its reason) and the others go on.  Returns how many failed."""
    failed = 0
    size = DOCUMENTS_PER_WORKER * ctx.ocr_pool.workers
    for chunk in chunks(paths, size):
        claimed: list[Claimed] = []
        for path in chunk:
            try:
                incoming = read_file(
                    path, str(path), ctx.settings.limits.max_file_bytes, drop_root is not None
                )
                claimed.append(Claimed(path, *receive(ctx, incoming)))
            except InputError as exc:
                failed += 1
                report(f"{path}\tfailed: {exc}")
                if drop_root is not None:
                    settle(path, drop_root, ok=False, reason=str(exc))
        read_many(ctx, [c.item_id for c in claimed])
        for c in claimed:
            outcome = advance(ctx, c.item_id, c.new)
            report(f"{c.path}\t{describe(outcome)}")
            quarantined = outcome.state is ItemState.quarantined
            failed += quarantined
            if drop_root is not None:
                settle(
                    c.path,
                    drop_root,
                    ok=not quarantined,
                    reason=outcome.reason if quarantined else None,
                )
    return failed
