"""The work queue: appeals waiting for a person, the most urgent first.

An appeal waits while it has a letter not yet out (open, returned, approved
or printed) or its scan waits for transcription.  Sorting is by the nearest
running legal term, so overdue ones come first, then those due soon; the
days left are counted in the organisation's calendar days.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from pismo.actions.appeals import due_date
from pismo.states import OPEN_DRAFTS, AppealStatus, DraftStatus
from store.models import Appeal

WAITING_DRAFTS = OPEN_DRAFTS | {DraftStatus.approved, DraftStatus.printed}
DUE_SOON_DAYS = 3


@dataclass(frozen=True)
class Filters:
    """The queue's filters; also the query parameters of the pages and the API."""

    status: str = "waiting"  # "waiting", "all", or one appeal status
    category: str = ""
    department: str = ""
    deadline: str = ""  # "", "overdue", "soon"


@dataclass(frozen=True)
class Row:
    appeal_id: int
    reg_number: str
    registered: str
    kind: str
    category: str
    department: str | None
    status: str
    assignee: str | None
    surname: str | None
    due: str | None
    days_left: int | None
    open_drafts: int

    @property
    def urgency(self) -> str:
        if self.days_left is None:
            return ""
        return (
            "overdue" if self.days_left < 0 else "soon" if self.days_left <= DUE_SOON_DAYS else ""
        )

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "urgency": self.urgency}


def _waiting(appeal: Appeal) -> bool:
    return appeal.status == AppealStatus.needs_transcription or any(
        d.status in WAITING_DRAFTS for d in appeal.drafts
    )


def _row(appeal: Appeal, today: dt.date) -> Row:
    due = due_date(appeal)
    return Row(
        appeal_id=appeal.id,
        reg_number=appeal.reg_number,
        registered=appeal.registered_at.date().isoformat(),
        kind=appeal.kind,
        category=appeal.category,
        department=appeal.department,
        status=appeal.status,
        assignee=appeal.assignee,
        surname=appeal.applicant.surname,
        due=due.isoformat() if due else None,
        days_left=(due - today).days if due else None,
        open_drafts=sum(d.status in OPEN_DRAFTS for d in appeal.drafts),
    )


def queue(session: Session, today: dt.date, filters: Filters) -> list[Row]:
    query = sa.select(Appeal).options(selectinload(Appeal.applicant), selectinload(Appeal.drafts))
    if filters.status not in ("waiting", "all", ""):
        query = query.where(Appeal.status == filters.status)
    if filters.category:
        query = query.where(Appeal.category == filters.category)
    if filters.department:
        query = query.where(Appeal.department == filters.department)
    appeals = session.scalars(query).all()
    if filters.status == "waiting":
        appeals = [a for a in appeals if _waiting(a)]
    rows = [_row(a, today) for a in appeals]
    if filters.deadline:
        rows = [r for r in rows if r.urgency == filters.deadline]
    far = dt.date.max.isoformat()
    return sorted(rows, key=lambda r: (r.due or far, r.reg_number))
