"""An IMAP mailbox as a source of raw messages, with imapclient.

This module speaks IMAP and nothing else: it knows no store and no pipeline.
``ImapMailbox.messages`` yields the folder's unprocessed messages one at a
time, fetched in batches bounded by count and bytes (sizes are fetched
first, so an oversized message is never downloaded and memory stays flat
however large the mailbox).  ``put_away`` acts on the server and is called by
the caller only after its record of the message is committed.

Nothing is ever deleted or expunged by hand: a processed message is MOVEd to
a folder, or, on a server without MOVE, copied there (or left) and marked
with a keyword that the next search skips.  Searches use UIDs and flags only,
never text criteria (Cyrillic SEARCH breaks many servers).

A dropped connection raises ``ConnectionLost``; ``ImapMailbox.connect`` is
called again by the caller after a backoff (see ``pismo.running.mailbox``).

The login is a password (an app password) or OAuth 2.0 (XOAUTH2 or
OAUTHBEARER with a token from ``intake.oauth``); a refused token is refreshed
once and tried again on the same connection.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import imaplib
import ipaddress
import logging
import ssl
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote, urlparse

from imapclient import IMAPClient
from imapclient.exceptions import IMAPClientAbortError, IMAPClientError, LoginError

from intake.oauth import TokenSource
from pismo.errors import ConfigError, MailServerError
from pismo.settings_mail import MailboxSettings, MailSettings

log = logging.getLogger("pismo.imap")
# What a server going away looks like from imapclient and the socket underneath.
CONNECTION_ERRORS = (IMAPClientAbortError, imaplib.IMAP4.abort, OSError, EOFError)
IDLE_CHECK = 1.0  # seconds each look for IDLE news waits, so that ``stop`` is seen soon


class ConnectionLost(Exception):
    """The server dropped the connection or could not be reached; try again later."""


@dataclass(frozen=True)
class MailboxAddress:
    """Where the mailbox is and how to log in; the secrets are kept out of ``repr`` and logs."""

    tls: bool  # imaps:// (TLS from the first byte)
    host: str
    port: int
    user: str
    folder: str
    password: str = field(repr=False)
    oauth: TokenSource | None = field(default=None, repr=False, compare=False)

    @property
    def key_prefix(self) -> str:
        """The stable part of each message's source key: the server and folder."""
        return f"imap:{self.user}@{self.host}/{self.folder}"

    @property
    def display(self) -> str:
        scheme = "imaps" if self.tls else "imap"
        return f"{scheme}://{self.user}@{self.host}:{self.port}/{self.folder}"

    @property
    def is_loopback(self) -> bool:
        try:
            return ipaddress.ip_address(self.host).is_loopback
        except ValueError:
            return self.host == "localhost"


def parse_mail_url(url: str, settings: MailSettings) -> MailboxAddress:
    """``imap[s]://user[:password]@host[:port]/FOLDER``; the login may come from settings."""
    return address_of(MailboxSettings(url=url, password=settings.password, oauth=settings.oauth))


def address_of(box: MailboxSettings) -> MailboxAddress:
    """Where one mailbox is, and its login: the URL's password, else oauth, else password."""
    parsed = urlparse(box.url)
    what = "mail_url" if box.name in ("", "mail") else f"mailbox {box.name}"
    if parsed.scheme not in ("imap", "imaps") or not parsed.hostname:
        raise ConfigError(f"{what}: expected imap://user@host/FOLDER, got scheme {parsed.scheme}")
    if not parsed.username:
        raise ConfigError(f"{what}: the IMAP user is missing (imap://USER@host/FOLDER)")
    password = unquote(parsed.password or "")
    oauth = None
    if not password and box.oauth is not None:
        oauth = TokenSource(box.oauth, what)
    elif not password and box.password is not None:
        password = box.password.get_secret_value()
    if not password and oauth is None:
        raise ConfigError(
            f"{what}: no IMAP password and no oauth: put the password in the URL, or set "
            + (
                "mail.password / PISMO_MAIL__PASSWORD, or [mail.oauth]"
                if what == "mail_url"
                else f"its password (PISMO_MAILBOX_{box.name.upper()}_PASSWORD) or its oauth table"
            )
        )
    tls = parsed.scheme == "imaps"
    return MailboxAddress(
        tls=tls,
        host=parsed.hostname,
        port=parsed.port or (993 if tls else 143),
        user=unquote(parsed.username),
        folder=unquote(parsed.path.lstrip("/")) or "INBOX",
        password=password,
        oauth=oauth,
    )


@dataclass(frozen=True)
class Fetched:
    """One message as the server holds it; ``data`` is None when it was too large to fetch."""

    uidvalidity: int
    uid: int
    size: int
    internal_date: dt.datetime
    data: bytes | None
    header: bytes = b""


class ImapMailbox:
    """One connection to one folder."""

    def __init__(self, address: MailboxAddress, settings: MailSettings, max_bytes: int) -> None:
        self.address = address
        self.settings = settings
        self.max_bytes = max_bytes
        self.client: IMAPClient | None = None
        self.uidvalidity = 0
        self.can_move = False
        self._to_put_away: dict[bool, list[int]] = {}

    # --- the connection -----------------------------------------------------------

    def connect(self, prepare: bool = True) -> None:
        """Log in and select the folder; ``prepare`` also creates the done and quarantine ones."""
        a, s = self.address, self.settings
        context = ssl.create_default_context(cafile=str(s.ca_file) if s.ca_file else None)
        try:
            client = IMAPClient(a.host, a.port, ssl=a.tls, ssl_context=context, timeout=s.timeout)
            client.normalise_times = False  # keep INTERNALDATE's zone: it is the receipt time
            secure = a.tls
            if not secure and s.starttls and client.has_capability("STARTTLS"):
                client.starttls(context)
                secure = True
            if not secure and not (a.is_loopback or s.allow_plaintext):
                client.shutdown()
                raise ConfigError(
                    f"{a.display} offers no TLS: refusing to send the login in clear "
                    "(use imaps://, or set mail.allow_plaintext)"
                )
            if a.oauth is not None:
                self._oauth_login(client, a.oauth)
            else:
                client.login(a.user, a.password)
        except LoginError as exc:
            check = "the user and the app's IMAP permission" if a.oauth else "user and password"
            raise MailServerError(f"{a.display}: login refused; check {check}") from exc
        except ssl.SSLCertVerificationError as exc:
            raise MailServerError(f"{a.display}: certificate not trusted ({exc.verify_message}); "
                                  "set mail.ca_file") from exc  # fmt: skip
        except CONNECTION_ERRORS as exc:
            raise ConnectionLost(str(exc)) from exc  # the caller's message names the server
        self.client = client
        try:
            self.can_move = client.has_capability("MOVE")
            for folder in (s.done_folder, s.quarantine_folder) if prepare else ():
                self._ensure_folder(folder)
            selected = client.select_folder(a.folder)
        except CONNECTION_ERRORS as exc:
            self.close()
            raise ConnectionLost(f"{a.display}: {exc}") from exc
        except IMAPClientError as exc:
            self.close()
            raise MailServerError(f"{a.display}: cannot open folder {a.folder!r}: {exc}") from exc
        self.uidvalidity = int(selected[b"UIDVALIDITY"])
        log.info("connected to %s (UIDVALIDITY %s)", a.display, self.uidvalidity)

    def _oauth_login(self, client: IMAPClient, tokens: TokenSource) -> None:
        """Log in with the current access token; one refused is refreshed and tried again."""
        user = self.address.user
        for attempt in (1, 2):
            token = tokens.token()
            try:
                if tokens.mechanism == "OAUTHBEARER":
                    client.oauthbearer_login(user, token)
                else:
                    client.oauth2_login(user, token)
                return
            except LoginError:
                if attempt == 2 or not tokens.invalidate(token):
                    raise
                log.info("%s: access token refused; refreshing it", self.address.display)

    def _ensure_folder(self, folder: str) -> None:
        assert self.client is not None
        if not folder or self.client.folder_exists(folder):
            return
        try:
            self.client.create_folder(folder)
        except IMAPClientError:
            if not self.client.folder_exists(folder):  # else another process made it first
                raise

    def close(self) -> None:
        self._to_put_away = {}  # recorded in the store: the next pass finds and moves them
        client, self.client = self.client, None
        if client is None:
            return
        try:
            client.logout()
        except Exception:  # a dead connection cannot be logged out of; drop it
            with contextlib.suppress(Exception):  # the socket may be gone already
                client.shutdown()

    def _live(self) -> IMAPClient:
        if self.client is None:
            self.connect()
        assert self.client is not None
        return self.client

    # --- reading ------------------------------------------------------------------------

    def pending_uids(self) -> list[int]:
        """UIDs still to process: not deleted by someone else, not marked done by us."""
        criteria: list[Any] = ["UNDELETED"]
        if not self.can_move or not self.settings.done_folder:
            criteria += ["UNKEYWORD", self.settings.done_keyword]
        try:
            return sorted(int(uid) for uid in self._live().search(criteria))
        except CONNECTION_ERRORS as exc:
            raise ConnectionLost(str(exc)) from exc

    def messages(self, uids: Sequence[int]) -> Iterator[Fetched]:
        """The messages, fetched a batch at a time; a UID gone meanwhile is skipped."""
        s = self.settings
        for start in range(0, len(uids), s.batch_messages):
            chunk = list(uids[start : start + s.batch_messages])
            sizes = self._fetch(chunk, ["RFC822.SIZE", "INTERNALDATE"])
            group: list[int] = []
            group_bytes = 0
            for uid in chunk:
                if uid not in sizes:
                    continue  # moved or expunged by another process since the search
                size = int(sizes[uid].get(b"RFC822.SIZE", 0))
                if size > self.max_bytes:
                    yield self._oversized(uid, size, sizes[uid])
                    continue
                if group and group_bytes + size > s.batch_bytes:
                    yield from self._bodies(group, sizes)
                    group, group_bytes = [], 0
                group.append(uid)
                group_bytes += size
            if group:
                yield from self._bodies(group, sizes)

    def _fetch(self, uids: list[int], items: list[str]) -> dict[int, dict[bytes, Any]]:
        try:
            return {int(k): v for k, v in self._live().fetch(uids, items).items()}
        except CONNECTION_ERRORS as exc:
            raise ConnectionLost(str(exc)) from exc

    def _bodies(self, uids: list[int], sizes: dict[int, dict[bytes, Any]]) -> Iterator[Fetched]:
        bodies = self._fetch(uids, ["BODY.PEEK[]"])
        for uid in uids:
            data = bodies.pop(uid, {}).get(b"BODY[]")
            if data is None:
                continue
            yield Fetched(
                self.uidvalidity,
                uid,
                len(data),
                _internal_date(sizes[uid]),
                bytes(data),
            )

    def _oversized(self, uid: int, size: int, meta: dict[bytes, Any]) -> Fetched:
        """Only the header of a message over the size limit: enough to record it."""
        header = self._fetch([uid], ["BODY.PEEK[HEADER]"]).get(uid, {}).get(b"BODY[HEADER]", b"")
        return Fetched(self.uidvalidity, uid, size, _internal_date(meta), None, bytes(header))

    # --- acting on the server, after the store has committed -----------------------------

    def put_away(self, uid: int, ok: bool) -> None:
        """Queue the message to be moved out of the way; ``flush`` acts on the server.

        Moving a batch in one command saves a round trip per message; a crash
        before the flush only leaves committed messages in the folder, which
        the next pass finds recorded and moves.
        """
        self._to_put_away.setdefault(ok, []).append(uid)
        if sum(map(len, self._to_put_away.values())) >= self.settings.batch_messages:
            self.flush()

    def flush(self) -> None:
        """Move (never delete) the queued messages; a UID already gone is fine."""
        queued, self._to_put_away = self._to_put_away, {}
        s = self.settings
        for ok, uids in queued.items():
            target = s.done_folder if ok else s.quarantine_folder
            client = self._live()
            try:
                if target and self.can_move:
                    client.move(uids, target)
                    continue
                if target:
                    client.copy(uids, target)
                client.add_flags(uids, [s.done_keyword])
            except CONNECTION_ERRORS as exc:
                raise ConnectionLost(str(exc)) from exc
            except IMAPClientError as exc:
                # Another process moved them first (the UIDs are gone): the same outcome.
                log.info("UIDs %s not moved (%s); gone from %s", uids, exc, self.address.folder)

    # --- waiting for new mail ------------------------------------------------------------------

    def wait_for_mail(self, timeout: float, stop: threading.Event) -> None:
        """Return when new mail may have arrived, ``timeout`` passed, or ``stop`` was set."""
        client = self.client
        if client is None or not self.settings.idle or not client.has_capability("IDLE"):
            stop.wait(timeout)
            return
        deadline = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=timeout)
        empty_at_once = 0
        try:
            client.idle()
            log.info("%s: waiting for new mail (IDLE)", self.address.display)
            while not stop.is_set() and dt.datetime.now(dt.UTC) < deadline:
                asked = time.monotonic()
                responses = client.idle_check(timeout=IDLE_CHECK)
                if any(r[:1] == (b"BYE",) for r in responses):
                    raise ConnectionLost("the server is shutting down")
                # A socket at its end is always readable yet gives no line: imapclient then
                # returns nothing at once, and this loop would spin until the deadline.
                # (Once may be a TLS record half-received; twice running is the end.)
                quick = time.monotonic() - asked < IDLE_CHECK / 2
                empty_at_once = empty_at_once + 1 if quick and not responses else 0
                if empty_at_once == 2:
                    raise ConnectionLost("the server closed the connection")
                if any(len(r) > 1 and r[1] in (b"EXISTS", b"RECENT") for r in responses):
                    break
            client.idle_done()
        except (ConnectionLost, TimeoutError, *CONNECTION_ERRORS, IMAPClientError) as exc:
            log.info("IDLE ended by the server (%s); reconnecting on the next pass", exc)
            self.close()


def _internal_date(meta: dict[bytes, Any]) -> dt.datetime:
    value = meta.get(b"INTERNALDATE")
    if not isinstance(value, dt.datetime):
        return dt.datetime.now(dt.UTC)
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
