"""IMAP intake: every message of the mailbox recorded exactly once, then moved.

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

The IMAP source and the local folders share one code path after fetching:
an ``Incoming`` goes through ``stages.receive`` and ``chain.advance``.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

import sqlalchemy as sa

from intake.imap import ConnectionLost, Fetched, ImapMailbox, parse_mail_url
from intake.sources import Incoming
from pismo.context import Context
from pismo.errors import MailServerError, PismoError
from pismo.running.chain import Outcome, advance
from pismo.stages.receive import quarantine, receive
from pismo.states import Channel, ItemState
from store.db import transaction
from store.locks import try_lock
from store.models import InboundItem

log = logging.getLogger("pismo.imap")
Report = Callable[[str, Outcome], None]


class ImapIntake:
    """The mailbox of ``settings.mail_url``; one connection, kept between passes."""

    def __init__(self, ctx: Context, stop: threading.Event | None = None) -> None:
        self.ctx = ctx
        self.stop = stop or threading.Event()  # set by the daemon's SIGTERM: stop retrying
        settings = ctx.settings
        self.address = parse_mail_url(settings.mail_url, settings.mail)
        self.mailbox = ImapMailbox(self.address, settings.mail, settings.limits.max_file_bytes)

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
                if now - failing_since > self.ctx.settings.mail.reconnect_give_up:
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
