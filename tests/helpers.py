"""What tests share, in one module (test modules import nothing from each other):

* pismo as a user runs it: ``pismo`` (a command to its end), ``start`` (a
  process left running), ``all_at_once``, ``stopped_cleanly``;
* the store looked into: ``exported``, ``registered_once``, ``drafted``,
  ``wait_until``; letters put in: ``ingest``, ``appeal``, ``drop_letters``;
* people: ``make_user``, ``logged_in``, ``serve`` (the review app under uvicorn);
* mail: ``ImapBox`` (a fresh mailbox on the test Dovecot), ``smtp_server``
  (aiosmtpd keeping every message it accepts), ``use_smtp``.

The servers themselves (PostgreSQL, Dovecot) are started by ``tests.servers``.
"""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import itertools
import os
import re
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import sqlalchemy as sa
import uvicorn
from aiosmtpd.controller import Controller
from fastapi.testclient import TestClient
from imapclient import IMAPClient

from intake.sources import Incoming, read_file
from pismo.actions.staff import Staff, add_user
from pismo.context import Context
from pismo.review.app import create_app
from pismo.running.chain import process
from pismo.states import Channel, DraftStatus, ItemState, Role
from store import db
from store.export import export_items
from store.models import Appeal, Draft, InboundItem
from store.users import User
from tests.letters import appeal_eml
from tests.servers import Dovecot, free_port

REPO = Path(__file__).resolve().parent.parent
SAMPLES = REPO / "pismo" / "samples"
PISMO = [sys.executable, str(REPO / "runner.py")]
PASSWORD = "correct horse battery"
DONE, QUARANTINE = "pismo-done", "pismo-quarantine"  # the IMAP folders pismo moves mail to


# --- pismo as a user runs it ------------------------------------------------------


def pismo(env: dict[str, str], *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [*PISMO, *args], env={**os.environ, **env}, capture_output=True, text=True, timeout=600
    )
    if check and result.returncode != 0:
        raise AssertionError(f"pismo {args} exited {result.returncode}:\n{result.stderr}")
    return result


def start(env: dict[str, str], *args: str) -> subprocess.Popen[bytes]:
    """A pismo process left running; its output goes to ``output(env)``."""
    data = Path(env["PISMO_DATA_DIR"])
    data.mkdir(parents=True, exist_ok=True)
    log = (data / "output.log").open("ab")
    return subprocess.Popen(
        [*PISMO, *args], env={**os.environ, **env}, stdout=log, stderr=subprocess.STDOUT
    )


def output(env: dict[str, str]) -> str:
    """What the processes ``start`` started have printed so far."""
    return (Path(env["PISMO_DATA_DIR"]) / "output.log").read_text(errors="replace")


def wait_for(condition: Callable[[], bool], what: str, timeout: float = 60) -> None:
    """Poll until ``condition`` holds; fail naming ``what`` did not happen in time."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not within {timeout} s")
        time.sleep(0.05)


def stopped_cleanly(proc: subprocess.Popen[bytes], env: dict[str, str]) -> None:
    code = proc.wait(timeout=120)
    assert code == 0, f"exit {code} after SIGTERM:\n{output(env)[-4000:]}"


def all_at_once(env: dict[str, str], *commands: list[str]) -> None:
    """Start every ``pismo`` command at the same moment; each must succeed."""
    procs = [
        subprocess.Popen(
            [*PISMO, *args],
            env={**os.environ, **env},
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for args in commands
    ]
    for proc in procs:
        _, err = proc.communicate(timeout=600)
        assert proc.returncode == 0, err


# --- the store ----------------------------------------------------------------------


def exported(ctx: Context) -> list[dict[str, object]]:
    with db.transaction(ctx.db) as s:
        return export_items(s)


def registered_once(ctx: Context, count: int) -> None:
    """``count`` appeals, each registered by exactly one item, numbers gapless."""
    numbers = [r["reg_number"] for r in exported(ctx) if r["registered"]]
    assert len(numbers) == len(set(numbers)) == count
    assert sorted(int(str(n)[-6:]) for n in numbers) == list(range(1, count + 1))


def drafted(url: str) -> int:
    with db.transaction(url) as s:
        return int(
            s.scalar(sa.select(sa.func.count()).where(InboundItem.state == ItemState.drafted)) or 0
        )


def wait_until(url: str, count: int, timeout: float = 300) -> None:
    """Until ``count`` letters are drafted."""
    wait_for(lambda: drafted(url) >= count, f"{count} letters drafted", timeout)


def ingest(ctx: Context, path: Path) -> ItemState:
    return process(ctx, read_file(path, 10**8)).state


def appeal(ctx: Context, n: int, data: bytes | None = None, **kwargs: Any) -> int:
    """Ingest a letter (an e-mail claim by default); the id of its appeal."""
    incoming = Incoming(
        source=f"test:{n}",
        source_key=f"test:{n}",
        channel=Channel.email,
        data=data or appeal_eml(n, **kwargs),
        filename=f"{n}.eml",
        received_at=dt.datetime(2026, 11, 2, 10, 0, tzinfo=dt.UTC),
    )
    process(ctx, incoming)
    with db.transaction(ctx.db) as s:
        return s.scalars(
            sa.select(Appeal.id).where(Appeal.content_hash == incoming.content_hash)
        ).one()


def drop_letters(folder: Path, count: int) -> None:
    """``count`` e-mail letters in a drop folder, complete (no pass waits for them)."""
    folder.mkdir(parents=True, exist_ok=True)
    a_minute_ago = time.time() - 60
    for n in range(count):
        path = folder / f"{n:04d}.eml"
        path.write_bytes(appeal_eml(n))
        os.utime(path, (a_minute_ago, a_minute_ago))


def make_overdue(ctx: Context, appeal_id: int, days: int = 2) -> None:
    with db.transaction(ctx.db) as s:
        row = s.get_one(Appeal, appeal_id)
        row.answer_by = ctx.today() - dt.timedelta(days=days)


def open_draft(ctx: Context, appeal_id: int) -> Draft:
    with db.transaction(ctx.db) as s:
        return s.scalars(
            sa.select(Draft).where(Draft.appeal_id == appeal_id, Draft.status == DraftStatus.draft)
        ).one()


# --- people -------------------------------------------------------------------------


def make_user(ctx: Context, name: str, role: str) -> Staff:
    with db.transaction(ctx.db) as s:
        add_user(s, name, role, PASSWORD, actor="test")
    with db.transaction(ctx.db) as s:
        user = s.scalars(sa.select(User).where(User.name == name)).one()
        return Staff(id=user.id, name=name, role=Role(role), token="")


def logged_in(ctx: Context, name: str) -> tuple[TestClient, str]:
    """A client with a session for ``name``, and that session's CSRF token."""
    client = TestClient(create_app(ctx))
    form = client.get("/login").text
    token = re.search(r'name="csrf" value="([^"]+)"', form)
    assert token is not None
    response = client.post(
        "/login",
        data={"name": name, "password": PASSWORD, "csrf": token.group(1)},
        follow_redirects=False,
    )
    assert response.headers["location"] == "/", response.headers
    csrf = client.get("/api/me").json()["csrf"]
    return client, csrf


@contextmanager
def serve(ctx: Context) -> Iterator[str]:
    """The app under a real uvicorn on loopback; yields its base URL."""
    port = free_port()
    config = uvicorn.Config(create_app(ctx), host="127.0.0.1", port=port, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)


# --- mail ---------------------------------------------------------------------------

_imap_users = itertools.count(1)


@dataclass(frozen=True)
class ImapBox:
    """A fresh mailbox on the test Dovecot (``ImapBox.new``), and ways to look into it."""

    server: Dovecot
    user: str
    password: str

    @classmethod
    def new(cls, server: Dovecot) -> ImapBox:
        return cls(server, *server.user(next(_imap_users)))

    @property
    def url(self) -> str:
        return f"imap://{self.user}:{self.password}@127.0.0.1:{self.server.port}/INBOX"

    def client(self) -> IMAPClient:
        client = IMAPClient("127.0.0.1", self.server.port, ssl=False, timeout=30)
        client.login(self.user, self.password)
        return client

    def append(self, letters: Iterable[bytes], folder: str = "INBOX") -> None:
        client = self.client()
        try:
            for raw in letters:
                client.append(folder, raw)
        finally:
            client.logout()

    def count(self, folder: str) -> int:
        client = self.client()
        try:
            if not client.folder_exists(folder):
                return 0
            return int(client.folder_status(folder, [b"MESSAGES"])[b"MESSAGES"])
        finally:
            client.logout()


@dataclass
class SmtpBox:
    """What the test SMTP server accepted."""

    messages: list[EmailMessage] = field(default_factory=list)
    envelopes: list[tuple[str, list[str]]] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        self.messages.append(message)
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 OK"


@contextmanager
def smtp_server() -> Iterator[tuple[int, SmtpBox]]:
    box = SmtpBox()
    port = free_port()
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield port, box
    finally:
        controller.stop()


def use_smtp(ctx: Context, port: int) -> None:
    ctx.settings.smtp.host = "127.0.0.1"
    ctx.settings.smtp.port = port
    ctx.settings.smtp.starttls = False
    ctx.settings.smtp.timeout = 5


# --- where text sits on a PDF page ---------------------------------------------------


@dataclass(frozen=True)
class Placed:
    """A run of text on a page, at its baseline's start, in points from bottom left."""

    text: str
    x: float
    y: float


@dataclass(frozen=True)
class PlacedPage:
    width: float
    height: float
    runs: list[Placed]

    def find(self, text: str) -> Placed | None:
        return next((r for r in self.runs if text in r.text), None)


def placed_text(pdf: bytes) -> list[PlacedPage]:
    """Every page's text runs with their positions (the text matrix times the CTM)."""
    import io

    from pypdf import PdfReader

    def runs_of(page: Any) -> list[Placed]:
        runs: list[Placed] = []

        def visit(text: str, cm: list[float], tm: list[float], *_: object) -> None:
            if text.strip():
                x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
                y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
                runs.append(Placed(" ".join(text.split()), x, y))

        page.extract_text(visitor_text=visit)
        return runs

    return [
        PlacedPage(float(p.mediabox.width), float(p.mediabox.height), runs_of(p))
        for p in PdfReader(io.BytesIO(pdf)).pages
    ]
