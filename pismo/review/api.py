"""The JSON API behind the pages, for scripts and other tools.

Same session cookie as the pages; unsafe calls carry ``X-CSRF-Token`` (the
token ``GET /api/me`` returns).  Errors are ``{"detail": ...}`` with 401
(not logged in), 403 (the role forbids it), 404, 409 (the state forbids
it: the reason says why), 422 (wrong input) or 502 (SMTP failed).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

import sqlalchemy as sa
from fastapi import APIRouter, Depends
from pydantic import BaseModel, Field
from sqlalchemy.orm import selectinload

from pismo.actions import appeals, corrections, replies
from pismo.actions.replies import letter_inputs
from pismo.actions.staff import csrf_token
from pismo.errors import NotFound
from pismo.review.queue import Filters, queue
from pismo.review.web import Actor, App, Viewer
from store.db import transaction
from store.models import Appeal
from store.search import search

router = APIRouter(prefix="/api", tags=["review"])


class Correction(BaseModel):
    field: str = Field(
        description="One of the correctable fields: " + ", ".join(corrections.EDITABLE_FIELDS)
    )
    value: str


class FindingChange(BaseModel):
    code: str = Field(description="A ground code of LAW.md (or a defect code)")
    action: Literal["add", "dismiss"]
    reason: str


class NewDraft(BaseModel):
    type: str = Field(description="A letter type: " + ", ".join(replies.STAFF_TYPES))
    ground: str | None = None
    outcome: str | None = Field(None, description="answer: satisfied, partly or refused")
    text: str = ""
    amount: str | None = None


class Assignment(BaseModel):
    department: str = ""
    assignee: str = ""


class Extension(BaseModel):
    days: int
    reason: str = ""


class Transcription(BaseModel):
    text: str = ""
    illegible: bool = False


class Comment(BaseModel):
    comment: str


class NewText(BaseModel):
    text: str


class Decision(BaseModel):
    decision: str = Field(description="founded, unfounded or partly")
    measures: str = ""


@router.get("/me")
def me(staff: Viewer, app: App) -> dict[str, str]:
    return {
        "name": staff.name,
        "role": staff.role.value,
        "csrf": csrf_token(app.secret, staff.token),
    }


@router.get("/search")
def search_appeals(staff: Viewer, app: App, q: str, limit: int = 20) -> list[dict[str, Any]]:
    """Appeals matching every word of ``q`` in any form, best first (see ``pismo search``)."""
    with transaction(app.ctx.db) as s:
        return [hit.as_dict() for hit in search(s, q, min(limit, 100))]


@router.get("/appeals")
def list_appeals(
    staff: Viewer,
    app: App,
    filters: Annotated[Filters, Depends()],
) -> list[dict[str, Any]]:
    with transaction(app.ctx.db) as s:
        rows = queue(s, app.ctx.today(), filters)
    return [r.as_dict() for r in rows]


@router.get("/appeals/{appeal_id}")
def get_appeal(appeal_id: int, staff: Viewer, app: App) -> dict[str, Any]:
    with transaction(app.ctx.db) as s:
        appeal = s.scalar(
            sa.select(Appeal)
            .where(Appeal.id == appeal_id)
            .options(selectinload(Appeal.applicant), selectinload(Appeal.drafts))
        )
        if appeal is None:
            raise NotFound(f"обращения № {appeal_id} нет")
        person = appeal.applicant
        due = appeals.due_date(appeal)
        return {
            "id": appeal.id,
            "reg_number": appeal.reg_number,
            "status": appeal.status,
            "kind": appeal.kind,
            "category": appeal.category,
            "department": appeal.department,
            "letter_date": appeal.letter_date.isoformat() if appeal.letter_date else None,
            "gender": appeal.findings.get("gender"),
            "assignee": appeal.assignee,
            "decision": appeal.decision,
            "review_round": appeal.review_round,
            "due": due.isoformat() if due else None,
            "extended_to": appeal.extended_to.isoformat() if appeal.extended_to else None,
            "applicant": {f: getattr(person, f) for f in corrections.APPLICANT_FIELDS},
            "findings": appeal.findings,
            "drafts": [
                {
                    "id": d.id,
                    "type": d.type,
                    "version": d.version,
                    "status": d.status,
                    "sent_via": d.sent_via,
                    "attempts": d.attempts,
                    "last_error": d.last_error,
                }
                for d in appeal.drafts
            ],
        }


@router.post("/appeals/{appeal_id}/fields")
def correct(appeal_id: int, body: Correction, staff: Actor, app: App) -> dict[str, str]:
    corrections.correct_field(app.ctx, appeal_id, body.field, body.value, staff)
    return {"status": "corrected"}


@router.post("/appeals/{appeal_id}/grounds")
def change_ground(appeal_id: int, body: FindingChange, staff: Actor, app: App) -> dict[str, str]:
    corrections.correct_finding(
        app.ctx, appeal_id, "grounds", body.code, body.action, body.reason, staff
    )
    return {"status": "added" if body.action == "add" else "dismissed"}


@router.post("/appeals/{appeal_id}/defects")
def change_defect(appeal_id: int, body: FindingChange, staff: Actor, app: App) -> dict[str, str]:
    corrections.correct_finding(
        app.ctx, appeal_id, "defects", body.code, body.action, body.reason, staff
    )
    return {"status": "added" if body.action == "add" else "dismissed"}


@router.post("/appeals/{appeal_id}/drafts")
def new_draft(appeal_id: int, body: NewDraft, staff: Actor, app: App) -> dict[str, int]:
    """A letter staff write: any type the appeal can take (``pismo draft new``)."""
    inputs = letter_inputs(body.outcome, body.text, body.amount)
    draft_id = replies.new_draft(
        app.ctx, appeal_id, body.type, staff, ground=body.ground, inputs=inputs
    )
    return {"draft_id": draft_id}


@router.post("/appeals/{appeal_id}/assign")
def assign(appeal_id: int, body: Assignment, staff: Actor, app: App) -> dict[str, str]:
    appeals.assign(app.ctx, appeal_id, body.department, body.assignee, staff)
    return {"status": "assigned"}


@router.post("/appeals/{appeal_id}/dispute")
def dispute(appeal_id: int, staff: Actor, app: App) -> dict[str, str]:
    appeals.dispute(app.ctx, appeal_id, staff)
    return {"status": "disputed"}


@router.post("/appeals/{appeal_id}/extend")
def extend(appeal_id: int, body: Extension, staff: Actor, app: App) -> dict[str, int]:
    return {"draft_id": appeals.extend(app.ctx, appeal_id, body.days, body.reason, staff)}


@router.post("/appeals/{appeal_id}/transcribe")
def transcribe(appeal_id: int, body: Transcription, staff: Actor, app: App) -> dict[str, str]:
    corrections.transcribe(app.ctx, appeal_id, body.text, staff, illegible=body.illegible)
    return {"status": "transcribed"}


@router.post("/appeals/{appeal_id}/decide")
def decide(appeal_id: int, body: Decision, staff: Actor, app: App) -> dict[str, str]:
    appeals.decide(app.ctx, appeal_id, body.decision, body.measures, staff)
    return {"status": "decided"}


@router.post("/drafts/{draft_id}/text")
def edit(draft_id: int, body: NewText, staff: Actor, app: App) -> dict[str, int]:
    return {"draft_id": replies.edit_draft(app.ctx, draft_id, body.text, staff)}


@router.post("/drafts/{draft_id}/rerender")
def rerender(draft_id: int, staff: Actor, app: App) -> dict[str, int]:
    return {"draft_id": replies.rerender_draft(app.ctx, draft_id, staff)}


@router.post("/drafts/{draft_id}/approve")
def approve(draft_id: int, staff: Actor, app: App) -> dict[str, str]:
    sent = replies.approve_draft(app.ctx, draft_id, staff)
    return {
        "status": "approved",
        "dispatch": sent.outcome if sent else "",
        "detail": sent.detail if sent else "",
    }


@router.post("/drafts/{draft_id}/return")
def return_(draft_id: int, body: Comment, staff: Actor, app: App) -> dict[str, str]:
    replies.return_draft(app.ctx, draft_id, body.comment, staff)
    return {"status": "returned"}
