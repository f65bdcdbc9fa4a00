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
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from playwright.sync_api import Browser, Page, expect, sync_playwright
from pypdf import PdfReader

from intake.sources import read_file
from pismo.actions import corrections, replies
from pismo.context import Context
from pismo.review import labels
from pismo.running.chain import process
from store.db import transaction
from store.models import Appeal, Draft
from tests.helpers import (
    PASSWORD,
    REPO,
    appeal,
    make_overdue,
    make_user,
    open_draft,
    serve,
    smtp_server,
    use_smtp,
    wait_for,
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


def logged_in_page(browser: Browser, base: str, name: str, width: int = 1400) -> Page:
    page = browser.new_page(viewport={"width": width, "height": 900}, locale="ru-RU")
    page.goto(base + "/login")
    page.fill("input[name=name]", name)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    expect(page).to_have_url(base + "/")
    return page


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_an_answer_written_previewed_approved_and_sent(
    ctx: Context, browser: Browser, shots: Path
) -> None:
    make_user(ctx, "anna", "approver")
    appeal_id = appeal(ctx, 5, headers={"Reply-To": "Иванов <home5@mail.example>"})
    with smtp_server() as (port, mailbox), serve(ctx) as base:
        use_smtp(ctx, port)
        page = logged_in_page(browser, base, "anna")
        page.goto(f"{base}/appeals/{appeal_id}")
        form = page.locator("#new-draft")
        form.locator("select[name=type]").select_option("answer")
        form.locator("select[name=outcome]").select_option("partly")
        form.locator("input[name=amount]").fill("300,00 руб.")
        form.locator("textarea[name=text]").fill("Начисление за услугу пересчитано.")
        form.locator("button").click()
        # The draft's page is the preview: the letter's pages and where it goes.
        expect(page.locator("h1")).to_contain_text("Ответ по существу")
        expect(page.locator("#recipient")).to_contain_text("home5@mail.example")
        expect(page.locator("img.page").first).to_be_visible()
        page.screenshot(path=shots / "review-answer.png", full_page=True)
        page.click("#approve")
        expect(page.locator("#draft-status")).to_have_text("Отправлен")
        page.close()
    [message] = mailbox.messages
    assert message["To"] == "home5@mail.example"
    [attached] = [
        p for p in message.iter_attachments() if p.get_content_type() == "application/pdf"
    ]
    text = pdf_text(attached.get_content())
    assert "Начисление за услугу пересчитано." in text and "300,00" in text


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_a_wrong_ground_dismissed_and_the_kind_corrected(ctx: Context, browser: Browser) -> None:
    make_user(ctx, "kate", "clerk")
    appeal_id = appeal(ctx, 6)
    with transaction(ctx.db) as s:  # a claim about roaming calls: 60 days (126-FZ Art. 55 p.8)
        row = s.get_one(Appeal, appeal_id)
        row.findings = {**row.findings, "long_distance": True}
        row.answer_by = ctx.calendar.calendar_term(row.registered_at.date(), 60)
    with serve(ctx) as base:
        page = logged_in_page(browser, base, "kate")
        page.goto(f"{base}/appeals/{appeal_id}")
        add = page.locator("#add-ground")
        add.locator("select[name=code]").select_option("abusive")
        add.locator("input[name=reason]").fill("угрозы в адрес сотрудника")
        add.locator("button").click()
        expect(page.locator("#ground-abusive")).to_contain_text("Оскорбления, угрозы")
        drafts = page.locator("ul.drafts")
        expect(drafts).to_contain_text("Уведомление, версия 1 — Черновик")
        page.locator("#ground-abusive input[name=reason]").fill("это цитата, не угроза")
        page.locator("#ground-abusive button").click()
        expect(page.locator("#ground-abusive")).to_have_count(0)
        expect(drafts).to_contain_text("Уведомление о регистрации, версия 2 — Черновик")
        expect(drafts).to_contain_text("Уведомление, версия 1 — Заменён новой версией")

        before = page.locator("#terms").inner_text()
        page.locator("#field-kind select").select_option("complaint")
        page.locator("#field-kind button").click()
        expect(page.locator("h1")).to_contain_text("Жалоба")
        expect(page.locator("#terms")).not_to_have_text(before)
        page.locator("ul.drafts a").last.click()
        expect(page.locator("#approve")).to_have_count(0)  # a clerk approves nothing
        page.close()


# Codes the store keeps that a page must show by name: statuses, kinds, categories,
# letter types and statuses, grounds, defects, roles, audit actions, decisions.
RAW_CODES = re.compile(
    r"(?<![\w@.-])(?:"
    + "|".join(
        sorted(
            {code for table in labels.ALL.values() for code in table} - {"email", "post"},
            key=len,
            reverse=True,
        )
    )
    + r")(?![\w@-])"
)
ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")


def unsure_scan(ctx: Context) -> int:
    """A scanned claim registered as if OCR had been unsure of it; its appeal's id."""
    ctx.settings.ocr.min_confidence = 101
    process(ctx, read_file(REPO / "pismo" / "samples" / "scans" / "01-claim.png", 10**8))
    ctx.settings.ocr.min_confidence = 0
    with transaction(ctx.db) as s:
        return s.scalars(sa.select(Appeal.id).where(Appeal.channel == "post")).one()


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_every_page_in_russian_and_at_390_px(ctx: Context, browser: Browser, shots: Path) -> None:
    admin = make_user(ctx, "anna", "admin")
    plain = appeal(ctx, 7)
    grounded = appeal(ctx, 8)
    corrections.correct_finding(ctx, grounded, "grounds", "abusive", "add", "угрозы", admin)
    corrections.correct_field(ctx, grounded, "letter_date", "05.11.2026", admin)
    replies.approve_draft(ctx, open_draft(ctx, plain).id, admin, send=False)  # no SMTP: waits
    scanned = unsure_scan(ctx)
    with transaction(ctx.db) as s:
        drafts = s.scalars(sa.select(Draft.id)).all()
    paths = ["/", "/?status=all", "/search?q=Иванов", "/users", "/reports"]
    paths += [f"/appeals/{a}" for a in (plain, grounded, scanned)]
    paths += [f"/drafts/{d}" for d in drafts]
    with serve(ctx) as base:
        wide = logged_in_page(browser, base, "anna")
        narrow = logged_in_page(browser, base, "anna", width=390)
        for path in paths:
            for page in (wide, narrow):
                page.goto(base + path)
                text = page.locator("main").inner_text()
                assert not ISO_DATE.search(text), (path, ISO_DATE.findall(text))
                assert not RAW_CODES.search(text), (path, RAW_CODES.findall(text))
            overflow = narrow.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            assert overflow <= 0, f"{path} is {overflow} px wider than a 390 px window"
        narrow.goto(f"{base}/appeals/{plain}")
        narrow.screenshot(path=shots / "review-phone.png", full_page=True)
        # An approved letter not yet sent says so.
        wide.goto(f"{base}/drafts/{drafts[0]}")
        expect(wide.locator("#dispatch")).to_contain_text("ещё не отправлен")

        # Transcription: the scan and the text box side by side.
        wide.goto(f"{base}/appeals/{scanned}")
        scan = wide.locator("#transcription img.scan").first.bounding_box()
        box = wide.locator("#transcribe textarea").bounding_box()
        assert scan is not None and box is not None
        assert scan["x"] + scan["width"] <= box["x"]  # left of the text box
        assert box["y"] < scan["y"] + scan["height"]  # and beside it, not below
        wide.screenshot(path=shots / "review-transcription.png")


def tab_to(page: Page, condition: str, most: int = 80) -> None:
    """Press Tab until the focused element meets ``condition`` (a JS expression of ``el``)."""
    for _ in range(most):
        page.keyboard.press("Tab")
        if page.evaluate(f"(el => Boolean({condition}))(document.activeElement)"):
            return
    raise AssertionError(f"Tab never reached {condition}")


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_a_letter_approved_by_keyboard_alone(ctx: Context, browser: Browser) -> None:
    make_user(ctx, "anna", "approver")
    appeal_id = appeal(ctx, 9)
    draft = open_draft(ctx, appeal_id)
    with serve(ctx) as base:
        page = browser.new_page(viewport={"width": 1400, "height": 900}, locale="ru-RU")
        page.goto(base + "/login")
        tab_to(page, "el.name === 'name'")
        page.keyboard.type("anna")
        page.keyboard.press("Tab")
        page.keyboard.type(PASSWORD)
        page.keyboard.press("Enter")
        expect(page).to_have_url(base + "/")
        tab_to(page, f"el.getAttribute('href') === '/appeals/{appeal_id}'")
        page.keyboard.press("Enter")
        expect(page).to_have_url(f"{base}/appeals/{appeal_id}")
        tab_to(page, f"el.getAttribute('href') === '/drafts/{draft.id}'")
        page.keyboard.press("Enter")
        expect(page).to_have_url(f"{base}/drafts/{draft.id}")
        tab_to(page, "el.id === 'approve'")
        page.keyboard.press("Enter")

        def approved() -> bool:  # the form's POST, then its redirect, take their time
            with transaction(ctx.db) as s:
                return s.get_one(Draft, draft.id).status in ("approved", "sent")

        wait_for(approved, "the letter approved", timeout=20)
