"""Figures for review and dispatch: e-mail letters sent per second, and the queue page.

    .venv/bin/python bench/review.py [N]

Registers N letters (default 40) in a temporary SQLite store, approves their
drafts, then measures in the same run:
  * dispatch_pending to a local aiosmtpd server, against a baseline of
    smtplib sending the same messages (one connection each, as pismo does):
    the ratio is pismo's own cost per letter (store, Message-ID, PDF read);
  * GET / (the queue page, logged in) against the bare queue() query.
"""

from __future__ import annotations

import os
import smtplib
import sys
import tempfile
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
warnings.filterwarnings("ignore", category=DeprecationWarning)

import sqlalchemy as sa  # noqa: E402

from pismo.actions import appeals as actions  # noqa: E402
from pismo.context import Context  # noqa: E402
from pismo.dispatch import build_email, dispatch_pending  # noqa: E402
from pismo.review.queue import Filters, queue  # noqa: E402
from pismo.settings import load_settings  # noqa: E402
from store import db, schema  # noqa: E402
from store.models import Draft  # noqa: E402
from tests.helpers import appeal, logged_in, make_user, smtp_server, use_smtp  # noqa: E402


def timed(fn: object, repeat: int) -> float:
    start = time.perf_counter()
    for _ in range(repeat):
        fn()  # type: ignore[operator]
    return (time.perf_counter() - start) / repeat


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 40
    with tempfile.TemporaryDirectory() as tmp:
        os.environ["PISMO_DATA_DIR"] = tmp
        ctx = Context(load_settings())
        schema.ensure_migrated(ctx.db)
        approver = make_user(ctx, "bench", "approver")
        start = time.perf_counter()
        for i in range(n):
            appeal(ctx, i + 1)
        print(f"registered and drafted {n} letters in {time.perf_counter() - start:.1f} s")
        with db.transaction(ctx.db) as s:
            ids = s.scalars(sa.select(Draft.id).order_by(Draft.id)).all()
        for draft_id in ids:
            actions.approve_draft(ctx, draft_id, approver, send=False)
        with smtp_server() as (port, mailbox):
            use_smtp(ctx, port)
            with db.transaction(ctx.db) as s:
                drafts = s.scalars(sa.select(Draft)).all()
                messages = []
                for d in drafts:
                    d.message_id = f"<bench.{d.id}@pismo.invalid>"
                    messages.append(
                        build_email(ctx.settings, d.appeal, d, ctx.blobs.get(d.pdf_hash))
                    )
                s.rollback()
            start = time.perf_counter()
            for message in messages:
                with smtplib.SMTP("127.0.0.1", port) as client:
                    client.send_message(message)
            raw = time.perf_counter() - start
            start = time.perf_counter()
            results = dispatch_pending(ctx)
            ours = time.perf_counter() - start
            assert [r.outcome for r in results] == ["sent"] * n and len(mailbox.messages) == 2 * n
        print(
            f"dispatch: {n / ours:.1f} letters/s; raw smtplib baseline {n / raw:.1f}/s; "
            f"ratio {ours / raw:.2f}x"
        )
        client, _ = logged_in(ctx, "bench")
        with db.transaction(ctx.db) as s:
            query = timed(lambda: queue(s, ctx.today(), Filters(status="all")), 20)
        page = timed(lambda: client.get("/?status=all").raise_for_status(), 20)
        print(
            f"queue of {n}: page {page * 1000:.1f} ms, query alone {query * 1000:.1f} ms, "
            f"ratio {page / query:.2f}x"
        )


if __name__ == "__main__":
    main()
