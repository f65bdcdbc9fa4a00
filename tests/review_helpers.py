"""Real servers and ready-made data for the review and dispatch tests.

``smtp_server``: aiosmtpd's Controller on 127.0.0.1 and a free port, keeping
every message it accepts.  ``serve``: the review app under uvicorn in a
thread.  ``appeal``: a letter ingested through the real pipeline.
"""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any

import sqlalchemy as sa
import uvicorn
from aiosmtpd.controller import Controller
from fastapi.testclient import TestClient

from intake.sources import Incoming
from pipeline import Context, process
from review.app import create_app
from review.auth import Staff, add_user
from review.models import Role, User
from store.db import transaction
from store.models import Appeal, Channel, Draft
from tests.letters import appeal_eml
from tests.servers import free_port

PASSWORD = "correct horse battery"


@dataclass
class Mailbox:
    messages: list[EmailMessage] = field(default_factory=list)
    envelopes: list[tuple[str, list[str]]] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        self.messages.append(message)
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 OK"


@contextmanager
def smtp_server() -> Iterator[tuple[int, Mailbox]]:
    mailbox = Mailbox()
    port = free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield port, mailbox
    finally:
        controller.stop()


def use_smtp(ctx: Context, port: int) -> None:
    ctx.settings.smtp.host = "127.0.0.1"
    ctx.settings.smtp.port = port
    ctx.settings.smtp.starttls = False
    ctx.settings.smtp.timeout = 5


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


def make_user(ctx: Context, name: str, role: str) -> Staff:
    with transaction(ctx.db) as s:
        add_user(s, name, role, PASSWORD, actor="test")
    with transaction(ctx.db) as s:
        user = s.scalars(sa.select(User).where(User.name == name)).one()
        return Staff(id=user.id, name=name, role=Role(role), token="")


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
    with transaction(ctx.db) as s:
        return s.scalars(
            sa.select(Appeal.id).where(Appeal.content_hash == incoming.content_hash)
        ).one()


def make_overdue(ctx: Context, appeal_id: int, days: int = 2) -> None:
    with transaction(ctx.db) as s:
        row = s.get_one(Appeal, appeal_id)
        row.answer_by = ctx.today() - dt.timedelta(days=days)


def open_draft(ctx: Context, appeal_id: int) -> Draft:
    with transaction(ctx.db) as s:
        return s.scalars(
            sa.select(Draft).where(Draft.appeal_id == appeal_id, Draft.status == "draft")
        ).one()


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
