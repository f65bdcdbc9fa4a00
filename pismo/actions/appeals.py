"""What staff do to appeals and drafts, as plain functions: the one door for the
web pages, the JSON API and the CLI.

Every action checks the actor's role, changes the store in one transaction
and writes an audit line with the actor's name.  PDFs are rendered outside
any transaction; the write that stores a new version checks that nobody made
another version meanwhile.

Draft versions: an edit or a re-render makes version n+1 (status ``draft``)
and marks version n ``superseded``, so the history of a letter stays whole.
Only the newest version can be approved.  The versions themselves are kept by
``pismo.actions.drafts``; these functions put the role checks in front of it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from intake.checks import ground, missing_sender_details
from letters.drafting import LetterInputs, plan_drafts
from pismo.actions import drafts, transcription
from pismo.actions.staff import Staff
from pismo.context import Context
from pismo.dispatch import Sent, dispatch_draft
from pismo.errors import Conflict, Forbidden, NotFound
from pismo.stages.draft import draft_many
from pismo.states import OPEN_DRAFTS, AppealStatus, DraftStatus, Role
from store.db import transaction
from store.deadlines import MAX_EXTENSION_DAYS
from store.models import Appeal, Draft, utcnow
from store.registration import audit

APPLICANT_FIELDS = ("surname", "name", "patronymic", "postcode", "postal_address", "email", "phone")
APPEAL_FIELDS = ("account", "contract")
EDITABLE_FIELDS = APPLICANT_FIELDS + APPEAL_FIELDS
DECISIONS = ("founded", "unfounded", "partly")


def require(actor: Staff, role: Role) -> None:
    if not actor.may(role):
        raise Forbidden(f"{actor.name} ({actor.role.value}) may not do this: needs {role.value}")


def _appeal(s: Session, appeal_id: int, lock: bool = False) -> Appeal:
    query = (
        sa.select(Appeal)
        .where(Appeal.id == appeal_id)
        .options(
            selectinload(Appeal.applicant), selectinload(Appeal.drafts), selectinload(Appeal.items)
        )
    )
    appeal = s.scalar(query.with_for_update(of=Appeal) if lock else query)
    if appeal is None:
        raise NotFound(f"no appeal with id {appeal_id}")
    return appeal


def _draft(s: Session, draft_id: int, lock: bool = False) -> Draft:
    draft = s.get(Draft, draft_id, with_for_update=lock)
    if draft is None:
        raise NotFound(f"no draft with id {draft_id}")
    return draft


def _latest(draft: Draft) -> bool:
    return all(d.version <= draft.version for d in draft.appeal.drafts if d.type == draft.type)


# --- drafts: the letters engine's versions, behind the role checks ----------------


def body_text(ctx: Context, draft_id: int) -> str:
    """Staff's own part of the letter (the statutory parts are not theirs to edit)."""
    with transaction(ctx.db) as s:
        return _draft(s, draft_id).body or ""


def rerender_draft(ctx: Context, draft_id: int, actor: Staff) -> int:
    """A new version from the appeal's current fields (after a correction); its id."""
    require(actor, Role.clerk)
    return drafts.edit_draft(ctx, draft_id, None, actor.name)


def edit_draft(ctx: Context, draft_id: int, new_text: str, actor: Staff) -> int:
    require(actor, Role.clerk)
    if not new_text.strip():
        raise Forbidden("a letter needs some text")
    return drafts.edit_draft(ctx, draft_id, new_text.replace("\r\n", "\n"), actor.name)


# --- approval --------------------------------------------------------------------


def approve_draft(ctx: Context, draft_id: int, actor: Staff, send: bool = True) -> Sent | None:
    """Approve the open version: its outgoing number and final PDF; an e-mail letter goes
    out at once (a failure is retried by ``pismo dispatch``), a paper one waits for the
    day's print batch."""
    require(actor, Role.approver)
    with transaction(ctx.db) as s:
        if not _latest(_draft(s, draft_id)):
            raise Forbidden(f"draft {draft_id} is not the newest version")
    drafts.approve_draft(ctx, draft_id, actor.name)  # audited there
    with transaction(ctx.db) as s:
        draft = _draft(s, draft_id, lock=True)
        draft.approved_at = utcnow()
        draft.comment = None
    return dispatch_draft(ctx, draft_id, actor.name) if send else None


def return_draft(ctx: Context, draft_id: int, comment: str, actor: Staff) -> None:
    require(actor, Role.approver)
    if not comment.strip():
        raise Forbidden("say why the draft goes back")
    with transaction(ctx.db) as s:
        draft = _draft(s, draft_id, lock=True)
        if draft.status != DraftStatus.draft:
            raise Forbidden(f"draft {draft_id} is {draft.status}")
        draft.status = DraftStatus.returned
        draft.comment = comment.strip()
        audit(s, "returned", actor=actor.name, appeal_id=draft.appeal_id, draft_id=draft_id)


# --- fields ------------------------------------------------------------------------


def _refresh_grounds(appeal: Appeal) -> list[str]:
    """Grounds that follow from the corrected fields (LAW.md, Art. 11 p.1)."""
    person = appeal.applicant
    missing = missing_sender_details(
        surname=person.surname,
        postal_address=person.postal_address,
        channel=appeal.channel,
        wants_paper_reply=appeal.wants_paper_reply,
    )
    wanted = {code: why is not None for code, why in missing.items()}
    grounds = [g for g in appeal.findings.get("grounds", []) if wanted.get(g["code"], True)]
    present = {g["code"] for g in grounds}
    for code, needed in wanted.items():
        if needed and code not in present:
            grounds.append(ground_record(code, "after a correction"))
    appeal.findings = {**appeal.findings, "grounds": grounds}
    return [g["code"] for g in grounds]


def correct_field(ctx: Context, appeal_id: int, field: str, value: str, actor: Staff) -> None:
    """Fix what reading got wrong; the grounds that depend on it follow, and a letter
    the new grounds call for is drafted (the old one is superseded)."""
    require(actor, Role.clerk)
    if field not in EDITABLE_FIELDS:
        raise Forbidden(f"{field} is not a correctable field")
    cleaned: str | None = " ".join(value.split()) or None
    with transaction(ctx.db) as s:
        appeal = _appeal(s, appeal_id, lock=True)
        target: Any = appeal.applicant if field in APPLICANT_FIELDS else appeal
        if getattr(target, field) == cleaned:
            return
        setattr(target, field, cleaned)
        before = appeal.grounds
        after = _refresh_grounds(appeal)
        wanted = {p.type for p in plan_drafts(appeal)}
        for d in appeal.drafts:
            if d.type not in wanted and d.status in OPEN_DRAFTS:
                d.status = DraftStatus.superseded
        # The value is personal data: the audit keeps the field's name only.
        audit(
            s,
            "corrected",
            actor=actor.name,
            appeal_id=appeal_id,
            field=field,
            grounds_before=before,
            grounds_after=after,
        )
    draft_many(ctx, [appeal_id])


# --- transcription (LAW.md: `illegible` from OCR alone is never final) -------------


def transcribe(
    ctx: Context, appeal_id: int, text: str, actor: Staff, illegible: bool = False
) -> None:
    """A person types the text of a scan OCR could not read, or confirms that it cannot
    be read; the appeal is then judged again on that text and drafted."""
    require(actor, Role.clerk)
    if not illegible and not text.strip():
        raise Forbidden("type the letter's text, or confirm that it cannot be read")
    with transaction(ctx.db) as s:
        reg_number = _appeal(s, appeal_id).reg_number
    try:
        transcription.transcribe(
            ctx, reg_number, None if illegible else text.replace("\r\n", "\n"), actor=actor.name
        )
    except Conflict as exc:
        raise Forbidden(str(exc)) from exc


def ground_record(code: str, evidence: str) -> dict[str, str]:
    found = ground(code, evidence)
    return {"code": found.code, "citation": found.citation, "evidence": found.evidence}


# --- the claim workflow (LAW.md, «Workflow of a claim») ---------------------------


def assign(ctx: Context, appeal_id: int, department: str, assignee: str, actor: Staff) -> None:
    require(actor, Role.approver)
    with transaction(ctx.db) as s:
        appeal = _appeal(s, appeal_id, lock=True)
        appeal.department = department.strip() or appeal.department
        appeal.assignee = assignee.strip() or None
        audit(
            s,
            "assigned",
            actor=actor.name,
            appeal_id=appeal_id,
            department=appeal.department,
            assignee=appeal.assignee,
        )


def decide(ctx: Context, appeal_id: int, decision: str, measures: str, actor: Staff) -> None:
    require(actor, Role.approver)
    if decision not in DECISIONS:
        raise Forbidden(f"decision must be one of {', '.join(DECISIONS)}")
    with transaction(ctx.db) as s:
        appeal = _appeal(s, appeal_id, lock=True)
        appeal.decision = decision
        appeal.measures = measures.strip() or None
        appeal.status = AppealStatus.decided
        audit(
            s,
            "decided",
            actor=actor.name,
            appeal_id=appeal_id,
            decision=decision,
            round=appeal.review_round,
        )


def dispute(ctx: Context, appeal_id: int, actor: Staff) -> None:
    """The sender disputes the decision: a second review, once."""
    require(actor, Role.clerk)
    with transaction(ctx.db) as s:
        appeal = _appeal(s, appeal_id, lock=True)
        if appeal.decision is None or appeal.review_round >= 2:
            raise Forbidden("a second review follows a first decision, and only once")
        audit(s, "disputed", actor=actor.name, appeal_id=appeal_id, previous=appeal.decision)
        appeal.review_round = 2
        appeal.decision = None
        appeal.status = AppealStatus.second_review


def extend(ctx: Context, appeal_id: int, days: int, reason: str, actor: Staff) -> int:
    """59-FZ Art. 12 p.2: once, by at most 30 days, with a notice to the sender (drafted
    here for approval like any letter); returns the notice's draft id."""
    require(actor, Role.approver)
    if not 0 < days <= MAX_EXTENSION_DAYS:
        raise Forbidden(f"an extension is 1 to {MAX_EXTENSION_DAYS} days")
    with transaction(ctx.db) as s:
        appeal = _appeal(s, appeal_id, lock=True)
        if appeal.extended_to is not None or appeal.answer_by is None:
            raise Forbidden("the answer term can be extended once")
        if appeal.regime == "telecom" and appeal.kind == "claim":
            # LAW.md: 59-FZ Art. 12 p.2 extends public-regime appeals; 126-FZ Art. 55
            # gives a claim its 30 (or 60) days and no extension, whatever a regulation says.
            raise Forbidden("a claim's answer term (126-FZ Art. 55) cannot be extended")
        new_term = ctx.calendar.calendar_term(appeal.answer_by, days)
        appeal.extended_to = new_term
        audit(
            s,
            "extended",
            actor=actor.name,
            appeal_id=appeal_id,
            days=days,
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
