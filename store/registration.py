"""Registration numbers and the audit log.

Numbers come from a counter row per (sequence, year), incremented inside the
transaction that inserts the appeal.  The row lock (PostgreSQL) or the
immediate write lock (SQLite) serialises registrations, and a transaction
that rolls back takes its increment with it: numbers are unique and gapless
within a year, however many processes register at once.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from store.models import Counter, Event

INCOMING = "incoming"
OUTGOING = "outgoing"


def next_number(session: Session, sequence: str, year: int) -> int:
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    session.execute(
        insert(Counter).values(name=sequence, year=year, value=0).on_conflict_do_nothing()
    )
    value: int = session.execute(
        sa.update(Counter)
        .where(Counter.name == sequence, Counter.year == year)
        .values(value=Counter.value + 1)
        .returning(Counter.value)
    ).scalar_one()
    return value


def format_number(template: str, prefix: str, year: int, seq: int) -> str:
    return template.format(prefix=prefix, year=year, seq=seq)


def audit(
    session: Session,
    action: str,
    *,
    actor: str = "pismo",
    item_id: int | None = None,
    appeal_id: int | None = None,
    draft_id: int | None = None,
    **detail: Any,
) -> None:
    """One line of the audit log; ``detail`` holds codes and ids, never personal data."""
    session.add(
        Event(
            actor=actor,
            action=action,
            item_id=item_id,
            appeal_id=appeal_id,
            draft_id=draft_id,
            detail=detail,
        )
    )
