"""Where letters come from, each taken the same way inline and queued.

A source hands its new letters to the stages in one of two ways:

* ``take_inline``: every letter through all stages in this process, and out
  of the source (a file to ``done/``, a message to the done folder) only
  after its result is committed;
* ``take_queued``: every letter claimed in the store and its id handed to
  ``defer``, which queues its first stage; a file leaves its folder at once,
  as its bytes are in the store.  A mailbox is taken whole inside the job:
  the server-side move must wait for the registration's commit.

Each IMAP mailbox of the settings is a ``Mailbox`` of its own, read in its
own thread (``pismo run``) or job (``pismo worker``), so that one server
being down holds up no other source.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

from intake.sources import folder_files, maildir_path, put_away, read_file
from pismo.context import Context
from pismo.errors import InputError
from pismo.running.batch import ingest_files
from pismo.running.mailbox import ImapIntake
from pismo.settings_mail import MailboxSettings
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
    """One IMAP mailbox of the settings; one connection, kept between passes."""

    def __init__(
        self,
        ctx: Context,
        box: MailboxSettings | None = None,
        stop: threading.Event | None = None,
        stage_lock: contextlib.AbstractContextManager[object] | None = None,
        give_up: float | None = None,
    ) -> None:
        self.intake = ImapIntake(ctx, stop, box, stage_lock, give_up)

    @property
    def name(self) -> str:
        return self.intake.name

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


def mailboxes(ctx: Context, stop: threading.Event | None = None) -> list[Mailbox]:
    """A source for each IMAP mailbox of the settings."""
    return [Mailbox(ctx, box, stop) for box in ctx.settings.mailbox_list]


def folders(ctx: Context) -> list[Source]:
    """The drop folders: the local mail drop (when mail_url is one) and the scan folder."""
    mail_dir = maildir_path(ctx.settings.mail_url)
    local = [] if mail_dir is None else [DropFolder(mail_dir)]
    return [*local, DropFolder(ctx.settings.scan_folder)]


def sources_of(ctx: Context, stop: threading.Event | None = None) -> list[Source]:
    """The sources of the settings: every mailbox, then the drop folders."""
    return [*mailboxes(ctx, stop), *folders(ctx)]
