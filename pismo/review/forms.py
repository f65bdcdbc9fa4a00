"""The forms staff submit: each one calls one function of ``review.actions``
and goes back to the page it came from."""

from __future__ import annotations

from typing import Annotated

import sqlalchemy as sa
from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse

from pismo.actions import appeals, common, corrections, replies
from pismo.actions.staff import add_user
from pismo.review.web import Actor, App, Viewer, page
from pismo.states import Role
from store.db import transaction
from store.users import User

router = APIRouter(include_in_schema=False)
Text = Annotated[str, Form()]


def back(path: str) -> Response:
    return RedirectResponse(path, status_code=303)


@router.post("/appeals/{appeal_id}/fields")
def correct(appeal_id: int, staff: Actor, app: App, field: Text, value: Text = "") -> Response:
    corrections.correct_field(app.ctx, appeal_id, field, value, staff)
    return back(f"/appeals/{appeal_id}")


@router.post("/appeals/{appeal_id}/grounds")
def change_ground(
    appeal_id: int, staff: Actor, app: App, code: Text, action: Text, reason: Text = ""
) -> Response:
    corrections.correct_finding(app.ctx, appeal_id, "grounds", code, action, reason, staff)
    return back(f"/appeals/{appeal_id}")


@router.post("/appeals/{appeal_id}/defects")
def change_defect(
    appeal_id: int, staff: Actor, app: App, code: Text, action: Text, reason: Text = ""
) -> Response:
    corrections.correct_finding(app.ctx, appeal_id, "defects", code, action, reason, staff)
    return back(f"/appeals/{appeal_id}")


@router.post("/appeals/{appeal_id}/drafts")
def new_draft(
    appeal_id: int,
    staff: Actor,
    app: App,
    type: Text,
    outcome: Text = "",
    amount: Text = "",
    text: Text = "",
) -> Response:
    """A letter staff write; its page is the preview before approval."""
    inputs = replies.letter_inputs(outcome or None, text, amount)
    return back(f"/drafts/{replies.new_draft(app.ctx, appeal_id, type, staff, inputs=inputs)}")


@router.post("/appeals/{appeal_id}/transcribe")
def transcribe(
    appeal_id: int, staff: Actor, app: App, text: Text = "", illegible: Text = ""
) -> Response:
    corrections.transcribe(app.ctx, appeal_id, text, staff, illegible=bool(illegible))
    return back(f"/appeals/{appeal_id}")


@router.post("/appeals/{appeal_id}/assign")
def assign(
    appeal_id: int, staff: Actor, app: App, department: Text = "", assignee: Text = ""
) -> Response:
    appeals.assign(app.ctx, appeal_id, department, assignee, staff)
    return back(f"/appeals/{appeal_id}")


@router.post("/appeals/{appeal_id}/decide")
def decide(appeal_id: int, staff: Actor, app: App, decision: Text, measures: Text = "") -> Response:
    appeals.decide(app.ctx, appeal_id, decision, measures, staff)
    return back(f"/appeals/{appeal_id}")


@router.post("/appeals/{appeal_id}/dispute")
def dispute(appeal_id: int, staff: Actor, app: App) -> Response:
    appeals.dispute(app.ctx, appeal_id, staff)
    return back(f"/appeals/{appeal_id}")


@router.post("/appeals/{appeal_id}/extend")
def extend(
    appeal_id: int, staff: Actor, app: App, days: Annotated[int, Form()], reason: Text = ""
) -> Response:
    draft_id = appeals.extend(app.ctx, appeal_id, days, reason, staff)
    return back(f"/drafts/{draft_id}")


@router.post("/drafts/{draft_id}/text")
def edit(draft_id: int, staff: Actor, app: App, text: Text) -> Response:
    return back(f"/drafts/{replies.edit_draft(app.ctx, draft_id, text, staff)}")


@router.post("/drafts/{draft_id}/rerender")
def rerender(draft_id: int, staff: Actor, app: App) -> Response:
    return back(f"/drafts/{replies.rerender_draft(app.ctx, draft_id, staff)}")


@router.post("/drafts/{draft_id}/approve")
def approve(draft_id: int, staff: Actor, app: App) -> Response:
    replies.approve_draft(app.ctx, draft_id, staff)
    return back(f"/drafts/{draft_id}")


@router.post("/drafts/{draft_id}/return")
def return_(draft_id: int, staff: Actor, app: App, comment: Text) -> Response:
    replies.return_draft(app.ctx, draft_id, comment, staff)
    return back(f"/drafts/{draft_id}")


# --- users (admin) -------------------------------------------------------------------


@router.get("/users")
def users_page(request: Request, staff: Viewer, app: App) -> HTMLResponse:
    common.require(staff, Role.admin)
    with transaction(app.ctx.db) as s:
        users = s.scalars(sa.select(User).order_by(User.name)).all()
    return page(request, "users.html", staff, users=users, roles=list(Role))


@router.post("/users")
def add(staff: Actor, app: App, name: Text, role: Text, password: Text) -> Response:
    common.require(staff, Role.admin)
    with transaction(app.ctx.db) as s:
        add_user(s, name, role, password, staff.name)
    return back("/users")
