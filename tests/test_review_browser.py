"""The review app in a real browser: Debian's Chromium driven by Playwright.

Log in, find the overdue appeal, correct the surname reading got wrong (the
acknowledgment follows), re-render it once more, approve it, and see it arrive at a real SMTP
server (aiosmtpd) threaded to the original, with the PDF attached.  The
screenshots of the main pages go to a temporary folder; the README's in docs/
are refreshed with ``PISMO_SCREENSHOTS=docs``, so that a test run leaves the
checkout as it was.
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, expect, sync_playwright
from pypdf import PdfReader

from pismo.context import Context
from tests.helpers import (
    PASSWORD,
    REPO,
    appeal,
    make_overdue,
    make_user,
    serve,
    smtp_server,
    use_smtp,
)

CHROMIUM = "/usr/bin/chromium"
SCREENSHOTS = os.environ.get("PISMO_SCREENSHOTS")
pytestmark = [
    pytest.mark.skipif(
        not Path(CHROMIUM).exists(), reason="apt package chromium (setup.sh --test)"
    ),
    pytest.mark.filterwarnings("ignore::DeprecationWarning"),
]


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield browser
        browser.close()


def pdf_text(data: bytes) -> str:
    return " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages).split())


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    folder = REPO / SCREENSHOTS if SCREENSHOTS else tmp_path
    folder.mkdir(exist_ok=True)
    return folder


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_approve_an_overdue_appeal_and_see_it_sent(
    ctx: Context, browser: Browser, shots: Path
) -> None:
    make_user(ctx, "anna", "approver")
    for n in (2, 3):
        appeal(ctx, n, surname="Петров")
    late = appeal(ctx, 1, surname="Ивонов", message_id="<orig-77@mail.example>")
    make_overdue(ctx, late, days=2)
    with smtp_server() as (port, mailbox), serve(ctx) as base:
        use_smtp(ctx, port)
        page = browser.new_page(viewport={"width": 1400, "height": 900}, locale="ru-RU")
        page.goto(base + "/")
        expect(page).to_have_url(base + "/login")
        page.fill("input[name=name]", "anna")
        page.fill("input[name=password]", PASSWORD)
        page.click("button[type=submit]")
        expect(page.locator("table.queue tbody tr")).to_have_count(3)
        first = page.locator("table.queue tbody tr").first
        expect(first).to_have_class("overdue")
        expect(first.locator(".days")).to_have_text("просрочено на 2")
        page.screenshot(path=shots / "review-queue.png", full_page=True)

        first.locator("a").click()
        surname = page.locator("#field-surname input[name=value]")
        expect(surname).to_have_value("Ивонов")
        surname.fill("Иванов")
        page.locator("#field-surname button").click()
        expect(page.locator("#field-surname input[name=value]")).to_have_value("Иванов")
        expect(page.locator(".history")).to_contain_text("Исправлено поле")
        page.screenshot(path=shots / "review-appeal.png", full_page=True)

        # The correction re-rendered the open acknowledgment already (version 2).
        page.locator("ul.drafts a").last.click()
        expect(page.locator("h1")).to_contain_text("версия 2")
        page.click("#rerender")
        expect(page.locator("h1")).to_contain_text("версия 3")
        pdf = page.request.get(page.url + "/pdf").body()
        assert "Иванову" in pdf_text(pdf)
        page.screenshot(path=shots / "review-draft.png", full_page=True)

        page.click("#approve")
        expect(page.locator("#draft-status")).to_have_text("Отправлен")
        page.close()
    [message] = mailbox.messages
    assert message["In-Reply-To"] == "<orig-77@mail.example>"
    assert message["References"] == "<orig-77@mail.example>"
    assert message["To"] == "user1@mail.example"
    [attached] = [
        p for p in message.iter_attachments() if p.get_content_type() == "application/pdf"
    ]
    assert "Иванову" in pdf_text(attached.get_content())
    for name in ("review-queue.png", "review-appeal.png", "review-draft.png"):
        assert (shots / name).stat().st_size > 10_000
