"""Named locks that outlive no process: one worker per mailbox, one schema upgrade.

Two processes taking the same IMAP folder at once would both MOVE each
message, and a server implements MOVE as copy-then-expunge: the done folder
would get two copies.  So a pass over a mailbox holds a lock named after it.
PostgreSQL gives a session advisory lock (any number of machines); SQLite,
which lives on one machine, a ``flock`` on a file beside the database.  Both
vanish with the process that held them, so a crash never leaves a mailbox
locked.  Processes starting together on a fresh database take the schema
lock in turn: the first applies the migrations, the others find them done.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.orm import Session

from store.db import engine_for, normalise_url


def _key(name: str) -> int:
    """A signed 64-bit key for pg_try_advisory_lock."""
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)


@contextmanager
def try_lock(db_url: str, name: str) -> Iterator[bool]:
    """Yields True while this process holds the lock ``name``, False if another does."""
    with _held(db_url, name, wait=False) as got:
        yield got


@contextmanager
def lock(db_url: str, name: str) -> Iterator[None]:
    """Holds the lock ``name``, waiting for whichever process holds it now."""
    with _held(db_url, name, wait=True):
        yield


@contextmanager
def _held(db_url: str, name: str, *, wait: bool) -> Iterator[bool]:
    url = normalise_url(db_url)
    if url.get_backend_name() == "postgresql":
        take = "pg_advisory_lock" if wait else "pg_try_advisory_lock"
        with engine_for(db_url).connect() as conn:
            result = conn.exec_driver_sql(f"SELECT {take}({_key(name)})").scalar()
            got = wait or bool(result)
            try:
                yield got
            finally:
                if got:
                    conn.exec_driver_sql(f"SELECT pg_advisory_unlock({_key(name)})")
                conn.commit()
        return
    if not url.database or url.database == ":memory:":
        yield True  # a private database: no other process can share it
        return
    digest = hashlib.sha256(name.encode()).hexdigest()[:16]
    path = Path(f"{url.database}.{digest}.lock")
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def serialise(session: Session, name: str) -> None:
    """Hold ``name`` until the session's transaction ends: transactions that count
    and then write (failed logins) take turns.  SQLite's ``BEGIN IMMEDIATE``
    already makes every writing transaction take its turn."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": _key(name)})
