"""The pages staff read: login, the queue, an appeal, a draft, and the files they show."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Annotated
from urllib.parse import quote

import sqlalchemy as sa
from fastapi import APIRouter, Depends, Form, Request, Response
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy.orm import selectinload

from intake.checks import CITATIONS
from pismo.actions import appeals, corrections, replies
from pismo.actions.staff import (
    check_password,
    close_session,
    csrf_ok,
    csrf_token,
    open_session,
)
from pismo.dispatch import delivery
from pismo.errors import LockedOut, NotFound
from pismo.review import forms, labels, lookup
from pismo.review.queue import Filters, queue
from pismo.review.scans import page_count, page_png
from pismo.review.web import LOGIN_COOKIE, SESSION_COOKIE, Actor, App, AppState, Viewer, page, state
from pismo.stages.history import sender_appeals
from store.db import transaction
from store.models import Appeal, Attachment, Draft, Event, InboundItem
from store.reports import CATEGORIES, KINDS
from store.users import User

STATIC = Path(__file__).parent / "static"
router = APIRouter(include_in_schema=False)
router.include_router(forms.router)
router.include_router(lookup.router)


# --- login ---------------------------------------------------------------------


@router.get("/login")
def login_form(request: Request, app: App, error: str = "") -> HTMLResponse:
    nonce = secrets.token_urlsafe(16)
    response = page(
        request, "login.html", None, login_csrf=csrf_token(app.secret, nonce), error=error
    )
    response.set_cookie(
        LOGIN_COOKIE,
        nonce,
        httponly=True,
        samesite="strict",
        secure=app.ctx.settings.review.secure_cookies,
    )
    return response


@router.post("/login")
def login(
    request: Request,
    app: App,
    name: Annotated[str, Form()],
    password: Annotated[str, Form()],
    csrf: Annotated[str, Form()] = "",
) -> Response:
    nonce = request.cookies.get(LOGIN_COOKIE, "")
    if not nonce or not csrf_ok(app.secret, nonce, csrf):
        return RedirectResponse("/login?error=expired", status_code=303)
    settings = app.ctx.settings
    try:
        with transaction(app.ctx.db) as s:
            user = check_password(
                s,
                name,
                password,
                attempts=settings.review.login_attempts,
                minutes=settings.review.lockout_minutes,
                address=client_address(request, settings.review.trusted_proxies),
                address_attempts=settings.review.address_attempts,
            )
            token = open_session(s, user, settings.review.session_minutes) if user else None
    except LockedOut:
        return RedirectResponse("/login?error=locked", status_code=303)
    if token is None:
        return RedirectResponse("/login?error=wrong", status_code=303)
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(LOGIN_COOKIE)
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=settings.review.session_minutes * 60,
        httponly=True,
        samesite="lax",
        secure=settings.review.secure_cookies,
    )
    return response


@router.post("/logout")
def logout(staff: Actor, app: App) -> Response:
    with transaction(app.ctx.db) as s:
        close_session(s, staff.token)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE)
    return response


# --- reading -----------------------------------------------------------------------


@router.get("/")
def queue_page(
    request: Request,
    staff: Viewer,
    app: App,
    filters: Annotated[Filters, Depends()],
) -> HTMLResponse:
    with transaction(app.ctx.db) as s:
        rows = queue(s, app.ctx.today(), filters)
    return page(
        request,
        "queue.html",
        staff,
        rows=rows,
        filters=filters,
        departments=sorted(set(app.ctx.settings.departments.values())),
        categories=sorted(app.ctx.settings.departments),
    )


@router.get("/appeals/{appeal_id}")
def appeal_page(request: Request, appeal_id: int, staff: Viewer, app: App) -> HTMLResponse:
    with transaction(app.ctx.db) as s:
        appeal = s.scalar(
            sa.select(Appeal)
            .where(Appeal.id == appeal_id)
            .options(
                selectinload(Appeal.applicant),
                selectinload(Appeal.drafts),
                selectinload(Appeal.items).selectinload(InboundItem.attachments),
            )
        )
        if appeal is None:
            raise NotFound(f"обращения № {appeal_id} нет")
        history = s.scalars(
            sa.select(Event).where(Event.appeal_id == appeal_id).order_by(Event.id)
        ).all()
        item = appeal.items[0]
        pages = page_count(app.ctx.blobs.get(item.content_hash)) if item.channel == "post" else 0
        others = sender_appeals(s, appeal)
        active = sa.select(User.name).where(User.active.is_(True)).order_by(User.name)
        assignees = list(s.scalars(active))
    return page(
        request,
        "appeal.html",
        staff,
        appeal=appeal,
        item=item,
        others=others,
        assignees=assignees,
        pages=pages,
        history=history,
        due=appeals.due_date(appeal),
        fields=corrections.EDITABLE_FIELDS,
        values={f: corrections.field_text(appeal, f) for f in corrections.EDITABLE_FIELDS},
        choices={"kind": KINDS, "category": CATEGORIES, "gender": corrections.GENDERS},
        addable={
            what: [c for c in known if c not in {f["code"] for f in appeal.findings.get(what, [])}]
            for what, known in (("grounds", CITATIONS), ("defects", corrections.DEFECTS))
        },
        letter_types=replies.STAFF_TYPES,
        evidence=labels.shown_evidence(appeal.findings),
        decisions=appeals.DECISIONS,
    )


@router.get("/drafts/{draft_id}")
def draft_page(request: Request, draft_id: int, staff: Viewer, app: App) -> HTMLResponse:
    text = replies.body_text(app.ctx, draft_id)
    with transaction(app.ctx.db) as s:
        draft = s.get(Draft, draft_id)
        if draft is None:
            raise NotFound(f"проекта письма № {draft_id} нет")
        appeal = draft.appeal
        versions = [d for d in appeal.drafts if d.type == draft.type]
        latest = max(d.version for d in versions)
        via = delivery(appeal, draft)  # loads the applicant the page names
    pages = page_count(app.ctx.blobs.get(draft.pdf_hash))
    return page(
        request,
        "draft.html",
        staff,
        draft=draft,
        appeal=appeal,
        text=text,
        pages=pages,
        versions=versions,
        latest=draft.version == latest,
        via=via,
    )


def _pdf_hash(app: AppState, draft_id: int) -> str:
    with transaction(app.ctx.db) as s:
        draft = s.get(Draft, draft_id)
        if draft is None:
            raise NotFound(f"проекта письма № {draft_id} нет")
        return draft.pdf_hash


@router.get("/drafts/{draft_id}/pdf")
def draft_pdf(draft_id: int, staff: Viewer, app: App) -> Response:
    digest = _pdf_hash(app, draft_id)
    return Response(
        app.ctx.blobs.get(digest),
        media_type="application/pdf",
        headers={"Content-Disposition": f'inline; filename="draft-{draft_id}.pdf"'},
    )


@router.get("/drafts/{draft_id}/pages/{n}")
def draft_page_image(draft_id: int, n: int, staff: Viewer, app: App) -> Response:
    """The letter's pages as images, for browsers that show no PDF inline."""
    digest = _pdf_hash(app, draft_id)
    png = page_png(app.ctx.blobs.get(digest), n, app.ctx.ocr_options)
    return Response(png, media_type="image/png")


@router.get("/items/{item_id}/pages/{n}")
def scan_page(item_id: int, n: int, staff: Viewer, app: App) -> Response:
    with transaction(app.ctx.db) as s:
        item = s.get(InboundItem, item_id)
        if item is None or item.channel != "post":
            raise NotFound(f"скана № {item_id} нет")
        digest = item.content_hash
    png = page_png(app.ctx.blobs.get(digest), n, app.ctx.ocr_options)
    return Response(png, media_type="image/png")


@router.get("/attachments/{attachment_id}")
def attachment(attachment_id: int, staff: Viewer, app: App) -> Response:
    """Always a download, never shown inline: an attachment may be HTML or script."""
    with transaction(app.ctx.db) as s:
        row = s.get(Attachment, attachment_id)
        if row is None:
            raise NotFound(f"вложения № {attachment_id} нет")
        digest, name = row.content_hash, row.filename
    return Response(
        app.ctx.blobs.get(digest),
        media_type="application/octet-stream",
        headers={"Content-Disposition": download_as(name)},
    )


def client_address(request: Request, trusted_proxies: list[str]) -> str:
    """The address the request came from; behind a trusted proxy, the nearest address
    in X-Forwarded-For that is not one of the proxies (the rest could be forged)."""
    peer = request.client.host if request.client else "unknown"
    if peer not in trusted_proxies:
        return peer
    hops = [h.strip() for h in request.headers.get("x-forwarded-for", "").split(",")]
    for hop in reversed(hops):
        if hop and hop not in trusted_proxies:
            return hop
    return peer


def download_as(name: str) -> str:
    """A Content-Disposition any name fits in: HTTP headers are Latin-1, so the name
    goes as RFC 5987's ``filename*`` in UTF-8, with an ASCII ``filename`` for old clients."""
    plain = "".join(ch if ch.isascii() and (ch.isalnum() or ch in "._-") else "_" for ch in name)
    return f"attachment; filename=\"{plain or 'attachment'}\"; filename*=UTF-8''{quote(name)}"


__all__ = ["STATIC", "router", "state"]
