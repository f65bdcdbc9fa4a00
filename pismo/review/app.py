"""The review web app: ``create_app(ctx)`` for uvicorn (``pismo review``) and tests.

Pages (``review.pages``) and the JSON API under ``/api`` (``review.api``,
OpenAPI at ``/api/openapi.json``) call the same functions in
``pismo.actions``.  Every response carries a strict Content-Security-Policy:
the pages load nothing from elsewhere and run no inline script.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from fastapi import FastAPI, Request, Response
from fastapi.exceptions import HTTPException
from fastapi.responses import JSONResponse, RedirectResponse
from fastapi.staticfiles import StaticFiles

from pismo.actions.staff import load_secret
from pismo.context import Context
from pismo.errors import (
    AuthError,
    Conflict,
    DispatchError,
    Forbidden,
    Invalid,
    NotFound,
    PismoError,
)
from pismo.review import api, labels, pages
from pismo.review.web import AppState, LoginRequired, make_templates, page

log = logging.getLogger("pismo.review")
SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; img-src 'self' data:; object-src 'self'; "
    "frame-src 'self'; frame-ancestors 'self'; form-action 'self'; base-uri 'none'",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "SAMEORIGIN",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}
# A state that forbids the action (a draft approved meanwhile) is 409 with the reason.
STATUS = {
    NotFound: 404,
    Forbidden: 403,
    AuthError: 403,
    Conflict: 409,
    Invalid: 422,
    DispatchError: 502,
}


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def _error(request: Request, status: int, message: str) -> Response:
    if _wants_json(request):
        return JSONResponse({"detail": message}, status_code=status)
    return page(request, "error.html", None, status=status, message=message)


def create_app(ctx: Context) -> FastAPI:
    app = FastAPI(
        title="pismo review",
        version="1",
        docs_url=None,  # Swagger UI would load scripts from a CDN
        redoc_url=None,
        openapi_url="/api/openapi.json",
    )
    templates = make_templates()
    labels.install(templates, ctx.settings.org.timezone)
    app.state.review = AppState(
        ctx=ctx, secret=load_secret(ctx.settings.secret_key_path), templates=templates
    )
    app.include_router(pages.router)
    app.include_router(api.router)
    app.mount("/static", StaticFiles(directory=pages.STATIC), name="static")

    @app.middleware("http")
    async def security_headers(
        request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        response = await call_next(request)
        for key, value in SECURITY_HEADERS.items():
            response.headers.setdefault(key, value)
        return response

    @app.exception_handler(LoginRequired)
    async def login_required(request: Request, exc: LoginRequired) -> Response:
        if _wants_json(request):
            return JSONResponse({"detail": "войдите в систему"}, status_code=401)
        return RedirectResponse("/login", status_code=303)

    @app.exception_handler(PismoError)
    async def pismo_error(request: Request, exc: PismoError) -> Response:
        status = next((code for cls, code in STATUS.items() if isinstance(exc, cls)), 500)
        if status == 500:
            log.error("request failed: %s", type(exc).__name__)
        return _error(request, status, str(exc))

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        return _error(request, exc.status_code, str(exc.detail))

    return app
