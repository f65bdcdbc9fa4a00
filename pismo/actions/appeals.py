"""The claim workflow (LAW.md, «Workflow of a claim»): assignment, decision, dispute,
extension.  The pages, the JSON API and the CLI call these, never the store.

Every action checks the actor's role, changes the store in one transaction
and writes an audit event with the actor, the old and the new value.
"""

from __future__ import annotations

import datetime as dt

from letters.drafting import LetterInputs
from pismo.actions import drafts
from pismo.actions.common import load_appeal, require
from pismo.actions.staff import Staff
from pismo.context import Context
from pismo.errors import Conflict, Invalid
from pismo.states import AppealStatus, DraftStatus, Role
from store.db import transaction
from store.deadlines import MAX_EXTENSION_DAYS
from store.models import Appeal
from store.registration import audit

DECISIONS = {"founded": "Обоснована", "unfounded": "Необоснована", "partly": "Обоснована частично"}


def assign(ctx: Context, appeal_id: int, department: str, assignee: str, actor: Staff) -> None:
    require(actor, Role.approver)
    with transaction(ctx.db) as s:
        appeal = load_appeal(s, appeal_id, lock=True)
        old = {"department": appeal.department, "assignee": appeal.assignee}
        appeal.department = department.strip() or appeal.department
        appeal.assignee = assignee.strip() or None
        audit(
            s,
            "assigned",
            actor=actor.name,
            appeal_id=appeal_id,
            old=old,
            new={"department": appeal.department, "assignee": appeal.assignee},
        )


def decide(ctx: Context, appeal_id: int, decision: str, measures: str, actor: Staff) -> None:
    require(actor, Role.approver)
    if decision not in DECISIONS:
        raise Invalid(f"решение: {', '.join(DECISIONS.values())}")
    with transaction(ctx.db) as s:
        appeal = load_appeal(s, appeal_id, lock=True)
        old = appeal.decision
        appeal.decision = decision
        appeal.measures = measures.strip() or None
        appeal.status = AppealStatus.decided
        audit(
            s,
            "decided",
            actor=actor.name,
            appeal_id=appeal_id,
            old=old,
            new=decision,
            round=appeal.review_round,
        )


def dispute(ctx: Context, appeal_id: int, actor: Staff) -> None:
    """The sender disputes the decision: a second review, once."""
    require(actor, Role.clerk)
    with transaction(ctx.db) as s:
        appeal = load_appeal(s, appeal_id, lock=True)
        if appeal.decision is None or appeal.review_round >= 2:
            raise Conflict("повторное рассмотрение — после первого решения и только один раз")
        audit(
            s,
            "disputed",
            actor=actor.name,
            appeal_id=appeal_id,
            old=appeal.decision,
            new=None,
            previous=appeal.decision,
        )
        appeal.review_round = 2
        appeal.decision = None
        appeal.status = AppealStatus.second_review


def extend(ctx: Context, appeal_id: int, days: int, reason: str, actor: Staff) -> int:
    """59-FZ Art. 12 p.2: once, by at most 30 days, with a notice to the sender (drafted
    here for approval like any letter); returns the notice's draft id."""
    require(actor, Role.approver)
    if not 0 < days <= MAX_EXTENSION_DAYS:
        raise Invalid(f"срок продлевается на 1–{MAX_EXTENSION_DAYS} дней")
    with transaction(ctx.db) as s:
        appeal = load_appeal(s, appeal_id, lock=True)
        if appeal.extended_to is not None or appeal.answer_by is None:
            raise Conflict("срок ответа продлевается только один раз")
        if appeal.regime == "telecom" and appeal.kind == "claim":
            # LAW.md: 59-FZ Art. 12 p.2 extends public-regime appeals; 126-FZ Art. 55
            # gives a claim its 30 (or 60) days and no extension, whatever a regulation says.
            raise Conflict("срок ответа на претензию (ст. 55 126-ФЗ) не продлевается")
        new_term = ctx.calendar.calendar_term(appeal.answer_by, days)
        appeal.extended_to = new_term
        audit(
            s,
            "extended",
            actor=actor.name,
            appeal_id=appeal_id,
            days=days,
            old=appeal.answer_by.isoformat(),
            new=new_term.isoformat(),
            until=new_term.isoformat(),
        )
    inputs = LetterInputs(extended_to=new_term, reason=reason.strip() or None)
    return drafts.create_draft(ctx, appeal_id, "extension", inputs=inputs, actor=actor.name)


def due_date(appeal: Appeal) -> dt.date | None:
    """The nearest legal term still running: a notice's, else the (extended) answer's."""
    if appeal.notice_by and any(
        d.type == "notice" and d.status != DraftStatus.sent for d in appeal.drafts
    ):
        return appeal.notice_by
    return appeal.extended_to or appeal.answer_by
