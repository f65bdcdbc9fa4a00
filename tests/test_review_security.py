"""The review app refuses what it must: no login, wrong role, missing CSRF token,
expired session; and shows a citizen's letter as text, never as markup."""

from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import quote

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient

from pismo.actions.staff import check_password
from pismo.context import Context
from pismo.errors import LockedOut
from pismo.review.app import create_app
from store.db import transaction
from store.models import Draft, Event
from store.users import WebSession
from tests.helpers import PASSWORD, appeal, logged_in, make_user, open_draft
from tests.letters import with_attachments

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.fixture
def draft_id(ctx: Context) -> int:
    make_user(ctx, "kate", "clerk")
    make_user(ctx, "anna", "approver")
    return open_draft(ctx, appeal(ctx, 1)).id


def status_of(ctx: Context, draft_id: int) -> str:
    with transaction(ctx.db) as s:
        return s.get_one(Draft, draft_id).status


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_nothing_without_login(ctx: Context, draft_id: int) -> None:
    client = TestClient(create_app(ctx))
    for path in ("/", "/appeals/1", f"/drafts/{draft_id}", f"/drafts/{draft_id}/pdf", "/users"):
        response = client.get(path, follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"] == "/login", path
    assert client.get("/api/appeals").status_code == 401
    assert client.post(f"/api/drafts/{draft_id}/approve").status_code == 401
    assert client.post(f"/drafts/{draft_id}/approve", data={"csrf": "x"}).status_code == 200
    assert status_of(ctx, draft_id) == "draft"  # the POST above only reached the login page


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_wrong_password_and_forged_login_are_refused(ctx: Context, draft_id: int) -> None:
    client = TestClient(create_app(ctx))
    form = client.get("/login").text
    token = re.search(r'name="csrf" value="([^"]+)"', form)
    assert token
    wrong = {"name": "anna", "password": "guess-guess", "csrf": token.group(1)}
    assert (
        "error=wrong"
        in client.post("/login", data=wrong, follow_redirects=False).headers["location"]
    )
    forged = {"name": "anna", "password": PASSWORD, "csrf": "0" * 64}
    assert (
        "error=expired"
        in client.post("/login", data=forged, follow_redirects=False).headers["location"]
    )
    assert client.get("/api/appeals").status_code == 401


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_password_guessing_locks_the_name_for_a_while(ctx: Context, draft_id: int) -> None:
    client = TestClient(create_app(ctx))

    def attempt(password: str) -> str:
        token = re.search(r'name="csrf" value="([^"]+)"', client.get("/login").text)
        assert token
        data = {"name": "anna", "password": password, "csrf": token.group(1)}
        return client.post("/login", data=data, follow_redirects=False).headers["location"]

    attempts = ctx.settings.review.login_attempts
    assert all("error=wrong" in attempt(f"guess-{n:04d}") for n in range(attempts))
    assert "error=locked" in attempt(PASSWORD)  # even the right password, for now
    assert "Слишком много" in client.get("/login?error=locked").text
    logged_in(ctx, "kate")  # another name is not locked
    with transaction(ctx.db) as s:  # the window passes
        s.execute(
            sa.update(Event)
            .where(Event.action == "login_failed")
            .values(at=sa.func.datetime("now", "-1 day"))
        )
    assert attempt(PASSWORD) == "/"


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_a_removed_user_is_logged_out_and_cannot_log_in(ctx: Context, draft_id: int) -> None:
    from pismo.actions.staff import deactivate_user

    client, _csrf = logged_in(ctx, "anna")
    assert client.get("/api/appeals").status_code == 200
    with transaction(ctx.db) as s:
        deactivate_user(s, "anna", actor="admin")
    assert client.get("/api/appeals").status_code == 401
    with pytest.raises(AssertionError):
        logged_in(ctx, "anna")


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_a_clerk_cannot_approve(ctx: Context, draft_id: int) -> None:
    client, csrf = logged_in(ctx, "kate")
    assert client.post(f"/drafts/{draft_id}/approve", data={"csrf": csrf}).status_code == 403
    api = client.post(f"/api/drafts/{draft_id}/approve", headers={"X-CSRF-Token": csrf})
    assert api.status_code == 403 and "согласующий" in api.json()["detail"]
    assert client.get("/users").status_code == 403
    assert status_of(ctx, draft_id) == "draft"
    # What a clerk may do: correct a field.
    fixed = client.post(
        "/appeals/1/fields", data={"csrf": csrf, "field": "patronymic", "value": "Семёнович"}
    )
    assert fixed.status_code == 200


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_csrf_is_required_on_every_unsafe_request(ctx: Context, draft_id: int) -> None:
    client, csrf = logged_in(ctx, "anna")
    assert client.post(f"/drafts/{draft_id}/approve", data={}).status_code == 403
    assert client.post(f"/drafts/{draft_id}/approve", data={"csrf": "f" * 64}).status_code == 403
    assert client.post(f"/api/drafts/{draft_id}/approve").status_code == 403
    assert client.post("/logout", data={}).status_code == 403
    _other, other_csrf = logged_in(ctx, "kate")  # a token of another session is no good
    assert client.post(f"/drafts/{draft_id}/approve", data={"csrf": other_csrf}).status_code == 403
    assert status_of(ctx, draft_id) == "draft"
    ok = client.post(f"/api/drafts/{draft_id}/approve", headers={"X-CSRF-Token": csrf})
    assert ok.status_code == 200 and status_of(ctx, draft_id) == "approved"


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_sessions_expire_and_logout_ends_them(ctx: Context, draft_id: int) -> None:
    client, csrf = logged_in(ctx, "anna")
    with transaction(ctx.db) as s:
        s.execute(sa.update(WebSession).values(expires_at=sa.func.current_timestamp()))
    assert client.get("/api/appeals").status_code == 401
    client, csrf = logged_in(ctx, "anna")
    assert client.post("/logout", data={"csrf": csrf}, follow_redirects=False).status_code == 303
    client.cookies.clear()
    assert client.get("/api/appeals").status_code == 401
    with transaction(ctx.db) as s:
        assert s.scalar(sa.select(sa.func.count()).select_from(WebSession)) == 0


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_html_in_a_letter_is_shown_escaped(ctx: Context) -> None:
    make_user(ctx, "anna", "approver")
    evil = "<script>alert('x')</script><img src=x onerror=alert(1)>"
    appeal_id = appeal(ctx, 2, name=evil)
    client, _ = logged_in(ctx, "anna")
    page = client.get(f"/appeals/{appeal_id}")
    assert page.status_code == 200
    assert "<script>alert" not in page.text and "<img src=x" not in page.text
    assert "&lt;script&gt;alert(" in page.text
    assert "script-src" not in page.headers["content-security-policy"]  # default-src 'self'
    assert "default-src 'self'" in page.headers["content-security-policy"]


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_an_attachment_with_a_cyrillic_name_downloads(ctx: Context) -> None:
    make_user(ctx, "anna", "approver")
    letter = with_attachments(3, ("Договор №1.txt", "text/plain", b"copy"))
    appeal_id = appeal(ctx, 3, data=letter)
    client, _ = logged_in(ctx, "anna")
    [link] = re.findall(r'href="(/attachments/\d+)"', client.get(f"/appeals/{appeal_id}").text)
    download = client.get(link)
    assert download.status_code == 200 and download.content == b"copy"
    disposition = download.headers["content-disposition"]
    assert disposition.startswith("attachment;")
    assert f"filename*=UTF-8''{quote('Договор №1.txt')}" in disposition


def test_forty_guesses_at_once_are_counted_one_by_one(ctx: Context) -> None:
    """On PostgreSQL as on SQLite: each guess sees the failures before it."""
    make_user(ctx, "anna", "approver")
    attempts = ctx.settings.review.login_attempts

    def guess(n: int) -> str:
        try:
            with transaction(ctx.db) as s:
                check_password(s, "anna", f"guess-{n}", attempts=attempts)
        except LockedOut:
            return "locked"
        return "wrong"

    with ThreadPoolExecutor(8) as pool:
        outcomes = list(pool.map(guess, range(40)))
    assert outcomes.count("wrong") == attempts and outcomes.count("locked") == 40 - attempts


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_one_address_guessing_many_names_is_refused(ctx: Context) -> None:
    ctx.settings.review.trusted_proxies = ["testclient"]  # the test client's own address
    ctx.settings.review.address_attempts = 3
    make_user(ctx, "anna", "approver")
    client = TestClient(create_app(ctx))

    def attempt(name: str, forwarded: str) -> str:
        token = re.search(r'name="csrf" value="([^"]+)"', client.get("/login").text)
        assert token
        data = {"name": name, "password": "guess", "csrf": token.group(1)}
        headers = {"X-Forwarded-For": f"198.51.100.1, {forwarded}"}
        response = client.post("/login", data=data, headers=headers, follow_redirects=False)
        return str(response.headers["location"])

    assert all("error=wrong" in attempt(f"user{n}", "203.0.113.9") for n in range(3))
    assert "error=locked" in attempt("user9", "203.0.113.9")
    assert "error=wrong" in attempt("user9", "203.0.113.10")  # another client, same proxy
