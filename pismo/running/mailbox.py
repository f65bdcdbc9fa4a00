"""IMAP intake: every message of a mailbox recorded exactly once, then moved.

For each message the order is fixed, so a crash anywhere loses nothing and
doubles nothing:

1. the message is claimed in the store under its source key
   ``imap:USER@HOST/FOLDER;UIDVALIDITY=V;UID=U`` (``stages.receive``, one
   transaction, before any work: a second process that fetched the same
   message finds the claim and only helps finish it);
2. the stages run (``chain.advance``, each guarded by the item's state);
3. only then is the message moved on the server (``ImapMailbox.put_away``).

One process takes a mailbox at a time (``store.locks``): a second one
started meanwhile skips it, because two concurrent MOVEs of one message
leave two copies in the target folder.

A crash between 2 and 3 leaves the message in the folder: the next pass
finds its key already claimed and just moves it.  After a UIDVALIDITY reset
the key is new, so the store is asked for the same content from this folder
under an older UIDVALIDITY; a letter that really came twice gets its own item
and registration records it as a duplicate (same Message-ID or content).

The mailbox is part of the key, so each mailbox is its own series of
UIDs.  The same letter sent to two mailboxes (обращения@ and претензии@ in
one To:) is two items, each moved out of its own mailbox; registration finds
the second one's Message-ID taken and records it as a duplicate of the first
one's appeal: registered once, both copies kept and linked.

The IMAP source and the local folders share one code path after fetching:
an ``Incoming`` goes through ``stages.receive`` and ``chain.advance``; it
carries the mailbox's name, label and default department into the item.
Stages of one process run one at a time (``stage_lock``): several
mailboxes are read at once, each in its thread, but only fetching and the
server's replies overlap.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Callable

import sqlalchemy as sa

from intake.imap import ConnectionLost, Fetched, ImapMailbox, address_of
from intake.sources import Incoming
from pismo.context import Context
from pismo.errors import MailServerError, PismoError
from pismo.running.chain import Outcome, advance
from pismo.settings_mail import MailboxSettings, for_mailbox, mailbox_identity
from pismo.stages.receive import quarantine, receive
from pismo.states import Channel, ItemState
from store.db import transaction
from store.locks import try_lock
from store.models import InboundItem

log = logging.getLogger("pismo.imap")
Report = Callable[[str, Outcome], None]
# One stage at a time in this process, whichever mailbox or folder its letter came from.
STAGE_LOCK = threading.Lock()


class ImapIntake:
    """One mailbox (the first of the settings unless given); one connection, kept
    between passes."""

    def __init__(
        self,
        ctx: Context,
        stop: threading.Event | None = None,
        box: MailboxSettings | None = None,
        stage_lock: contextlib.AbstractContextManager[object] | None = None,
        give_up: float | None = None,
    ) -> None:
        self.ctx = ctx
        # Seconds of reconnecting before a pass gives up; a queued job gives up sooner
        # (the next poll is its retry), so that a dead server holds no worker thread.
        self.give_up = ctx.settings.mail.reconnect_give_up if give_up is None else give_up
        self.stop = stop or threading.Event()  # set by the daemon's SIGTERM: stop retrying
        settings = ctx.settings
        self.box = box or settings.mailbox_list[0]
        self.stage_lock = stage_lock or STAGE_LOCK
        self.address = address_of(self.box)
        self.mailbox = ImapMailbox(
            self.address, for_mailbox(self.box, settings.mail), settings.limits.max_file_bytes
        )
        self.meta = {
            "mailbox": self.box.name,
            "mailbox_label": self.box.label or mailbox_identity(self.box.url),
        }
        if self.box.department:
            self.meta["mailbox_department"] = self.box.department

    @property
    def name(self) -> str:
        return self.box.name

    def close(self) -> None:
        self.mailbox.close()

    def wait_for_mail(self, timeout: float, stop: threading.Event) -> None:
        self.mailbox.wait_for_mail(timeout, stop)

    def run_pass(self, report: Report) -> int:
        """Take every pending message, unless another process is taking this mailbox.

        Returns how many messages were quarantined.
        """
        with try_lock(self.ctx.db, self.address.key_prefix) as mine:
            if not mine:
                log.info("%s: another pismo is taking this mailbox; skipped", self.address.display)
                return 0
            return self._pass_reconnecting(report)

    def _pass_reconnecting(self, report: Report) -> int:
        """A pass; when the server goes away, reconnect with backoff and start over."""
        delay = 0.5
        failing_since: float | None = None
        while True:
            try:
                return self._pass(report)
            except ConnectionLost as exc:
                self.mailbox.close()
                now = time.monotonic()
                failing_since = failing_since or now
                if now - failing_since > self.give_up:
                    raise MailServerError(
                        f"{self.address.display} unreachable: {exc}; giving up this pass"
                    ) from exc
                log.warning("%s: %s; reconnecting in %.1f s", self.address.display, exc, delay)
                if self.stop.wait(delay):
                    return 0  # stopping: what was not taken stays on the server for next time
                delay = min(delay * 2, self.ctx.settings.mail.reconnect_max_delay)

    def _pass(self, report: Report) -> int:
        quarantined = 0
        for fetched in self.mailbox.messages(self.mailbox.pending_uids()):
            with self.stage_lock:
                outcome = self._take_or_quarantine(fetched)
            self.mailbox.put_away(fetched.uid, ok=outcome.state is not ItemState.quarantined)
            report(f"{self.address.display};UID={fetched.uid}", outcome)
            quarantined += outcome.state is ItemState.quarantined
        self.mailbox.flush()
        return quarantined

    # --- one message, into the store ---------------------------------------------------

    def source_key(self, uidvalidity: int, uid: int) -> str:
        return f"{self.address.key_prefix};UIDVALIDITY={uidvalidity};UID={uid}"

    def _take_or_quarantine(self, fetched: Fetched) -> Outcome:
        """``take``, but a bug met by one message quarantines it instead of stopping the pass.

        Store and server failures still propagate: they are not the message's fault,
        and the message stays on the server for the next pass.
        """
        try:
            return self.take(fetched)
        except (ConnectionLost, sa.exc.DBAPIError, PismoError):
            raise
        except Exception as exc:
            log.exception("UID %s: unexpected error; quarantining it", fetched.uid)
            item_id, new = receive(self.ctx, self._incoming(fetched))
            quarantine(self.ctx, item_id, f"internal error: {type(exc).__name__}: {exc}")
            return advance(self.ctx, item_id, new)

    def take(self, fetched: Fetched) -> Outcome:
        """Record the message (or find its record) and run the stages it still needs."""
        incoming = self._incoming(fetched)
        earlier = self._seen_before_reset(fetched.uidvalidity, incoming.content_hash)
        if earlier is not None:
            return advance(self.ctx, earlier)
        item_id, new = receive(self.ctx, incoming)
        if new and fetched.data is None:
            limit = self.ctx.settings.limits.max_file_bytes
            quarantine(
                self.ctx, item_id, f"message of {fetched.size} bytes, over the limit of {limit}"
            )
        return advance(self.ctx, item_id, new)

    def _incoming(self, fetched: Fetched) -> Incoming:
        # An oversized message is recorded by its header alone: enough to find it
        # in the quarantine folder and to tell the sender why.
        data = fetched.data if fetched.data is not None else fetched.header
        return Incoming(
            source=f"{self.address.display};UIDVALIDITY={fetched.uidvalidity};UID={fetched.uid}",
            source_key=self.source_key(fetched.uidvalidity, fetched.uid),
            channel=Channel.email,
            data=data,
            filename=f"{fetched.uid}.eml",
            received_at=fetched.internal_date,
            meta=self.meta,
        )

    def _seen_before_reset(self, uidvalidity: int, content_hash: str) -> int | None:
        """The item this very message became under an earlier UIDVALIDITY of the folder."""
        prefix = f"{self.address.key_prefix};UIDVALIDITY="
        with transaction(self.ctx.db) as s:
            return s.scalar(
                sa.select(InboundItem.id)
                .where(
                    InboundItem.content_hash == content_hash,
                    InboundItem.source_key.startswith(prefix, autoescape=True),
                    ~InboundItem.source_key.startswith(f"{prefix}{uidvalidity};", autoescape=True),
                )
                .order_by(InboundItem.id)
                .limit(1)
            )
