"""What every route shares: the app's state, the logged-in person, CSRF, templates.

Templates are autoescaped Jinja: everything on a page that came from a
citizen's letter (HTML mail included) is shown as text, never as markup.
Unsafe requests carry the CSRF token in a form field ``csrf`` or, from
scripts, the ``X-CSRF-Token`` header; a request without the right one is
refused before the route runs.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import jinja2
from fastapi import Depends, HTTPException, Request
from fastapi.responses import HTMLResponse

from letters.render import template_environment
from pismo.actions.staff import Staff, csrf_ok, csrf_token, staff_for
from pismo.context import Context
from pismo.states import Role
from store.db import transaction

TEMPLATES = Path(__file__).parent / "templates"
SESSION_COOKIE = "pismo_session"
LOGIN_COOKIE = "pismo_login"  # binds the login form's CSRF token before a session exists


@dataclass
class AppState:
    ctx: Context
    secret: bytes
    templates: jinja2.Environment


class LoginRequired(Exception):
    """No valid session: pages redirect to the login form, the API answers 401."""


def make_templates() -> jinja2.Environment:
    return template_environment(TEMPLATES)


def state(request: Request) -> AppState:
    result: AppState = request.app.state.review
    return result


def current_staff(request: Request) -> Staff:
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        raise LoginRequired()
    with transaction(state(request).ctx.db) as s:
        staff = staff_for(s, token)
    if staff is None:
        raise LoginRequired()
    return staff


async def checked_staff(request: Request) -> Staff:
    """The person behind an unsafe request, with its CSRF token verified."""
    staff = current_staff(request)
    given = request.headers.get("x-csrf-token")
    if given is None and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        value = (await request.form()).get("csrf")
        given = value if isinstance(value, str) else None
    if not csrf_ok(state(request).secret, staff.token, given):
        raise HTTPException(
            403, "форма устарела (нет CSRF-токена или он неверен): обновите страницу и повторите"
        )
    return staff


Viewer = Annotated[Staff, Depends(current_staff)]
Actor = Annotated[Staff, Depends(checked_staff)]
App = Annotated[AppState, Depends(state)]


def page(
    request: Request, name: str, staff: Staff | None, status: int = 200, **values: Any
) -> HTMLResponse:
    app = state(request)
    csrf = csrf_token(app.secret, staff.token) if staff else ""
    html = app.templates.get_template(name).render(
        staff=staff, csrf=csrf, Role=Role, org=app.ctx.settings.org, **values
    )
    return HTMLResponse(html, status_code=status)
