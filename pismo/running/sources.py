"""Where letters come from, each taken the same way inline and queued.

A source hands its new letters to the stages in one of two ways:

* ``take_inline``: every letter through all stages in this process, and out
  of the source (a file to ``done/``, a message to the done folder) only
  after its result is committed;
* ``take_queued``: every letter claimed in the store and its id handed to
  ``defer``, which queues its first stage; a file leaves its folder at once,
  as its bytes are in the store.  A mailbox is taken whole inside the job:
  the server-side move must wait for the registration's commit.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

from intake.sources import folder_files, maildir_path, put_away, read_file
from pismo.context import Context
from pismo.errors import InputError
from pismo.running.batch import ingest_files
from pismo.running.mailbox import ImapIntake
from pismo.stages.receive import receive

Report = Callable[[str], None]
Defer = Callable[[int], None]


class Source(Protocol):
    def take_inline(self, ctx: Context, report: Report) -> int:
        """Every new letter through the stages; returns how many failed."""
        ...

    def take_queued(self, ctx: Context, defer: Defer) -> int:
        """Every new letter claimed and deferred; returns how many were taken."""
        ...

    def wait(self, timeout: float, stop: threading.Event) -> None:
        """Until new letters may be there, ``timeout`` passes, or ``stop`` is set."""
        ...

    def close(self) -> None: ...


class DropFolder:
    """A folder files are dropped into: the scan folder, or the local mail drop."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def take_inline(self, ctx: Context, report: Report) -> int:
        self.folder.mkdir(parents=True, exist_ok=True)
        files = folder_files(self.folder, ctx.settings.settle_seconds)
        return ingest_files(ctx, files, self.folder, report)

    def take_queued(self, ctx: Context, defer: Defer) -> int:
        taken = 0
        for path in folder_files(self.folder, ctx.settings.settle_seconds):
            try:
                incoming = read_file(path, ctx.settings.limits.max_file_bytes)
            except InputError as exc:
                put_away(path, self.folder, ok=False, reason=str(exc))
                continue
            item_id, _ = receive(ctx, incoming)
            put_away(path, self.folder, ok=True)
            defer(item_id)
            taken += 1
        return taken

    def wait(self, timeout: float, stop: threading.Event) -> None:
        stop.wait(timeout)

    def close(self) -> None:
        pass


class Mailbox:
    """The IMAP mailbox of ``mail_url``; one connection, kept between passes."""

    def __init__(self, ctx: Context, stop: threading.Event | None = None) -> None:
        self.intake = ImapIntake(ctx, stop)

    def take_inline(self, ctx: Context, report: Report) -> int:
        return self.intake.run_pass(lambda source, o: report(f"{source}\t{o.describe()}"))

    def take_queued(self, ctx: Context, defer: Defer) -> int:
        taken: list[object] = []
        self.intake.run_pass(lambda source, outcome: taken.append(outcome))
        return len(taken)

    def wait(self, timeout: float, stop: threading.Event) -> None:
        self.intake.wait_for_mail(timeout, stop)  # IMAP IDLE: back as soon as mail comes

    def close(self) -> None:
        self.intake.close()


def sources_of(ctx: Context, stop: threading.Event | None = None) -> list[Source]:
    """The sources of the settings, the mail first (it is the one worth waiting on)."""
    mail_dir = maildir_path(ctx.settings.mail_url)
    mail: Source = Mailbox(ctx, stop) if mail_dir is None else DropFolder(mail_dir)
    return [mail, DropFolder(ctx.settings.scan_folder)]
