"""Approved letters going out: SMTP to a real aiosmtpd server, retries, automatic
addresses, the print batch and postal register; on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import datetime as dt
import io
from concurrent.futures import ThreadPoolExecutor

import pytest
import sqlalchemy as sa
from pypdf import PdfReader

from pismo.actions import appeals, corrections, replies
from pismo.context import Context
from pismo.dispatch import (
    confirm_posted,
    dispatch_draft,
    dispatch_pending,
    is_automatic_address,
    print_batch,
)
from pismo.errors import Conflict, Forbidden
from store.db import transaction
from store.models import Appeal, Draft, Event, utcnow
from tests.helpers import appeal, make_user, open_draft, smtp_server, use_smtp
from tests.letters import appeal_eml
from tests.servers import free_port


def draft_row(ctx: Context, draft_id: int) -> Draft:
    with transaction(ctx.db) as s:
        return s.get_one(Draft, draft_id)


def test_approved_letter_goes_out_threaded_with_its_pdf(ctx: Context) -> None:
    approver = make_user(ctx, "anna", "approver")
    appeal_id = appeal(ctx, 1, message_id="<orig-1@mail.example>")
    draft = open_draft(ctx, appeal_id)
    with smtp_server() as (port, mailbox):
        use_smtp(ctx, port)
        sent = replies.approve_draft(ctx, draft.id, approver)
    assert sent is not None and sent.outcome == "sent"
    [message] = mailbox.messages
    assert mailbox.envelopes[0][1] == ["user1@mail.example"]
    assert message["In-Reply-To"] == "<orig-1@mail.example>"
    assert message["References"] == "<orig-1@mail.example>"
    assert message["Auto-Submitted"] == "auto-replied"  # an acknowledgment is automatic
    [pdf] = [p for p in message.iter_attachments() if p.get_content_type() == "application/pdf"]
    text = PdfReader(io.BytesIO(pdf.get_content())).pages[0].extract_text()
    assert "Иванов" in text or "Пётр" in text
    row = draft_row(ctx, draft.id)
    assert row.status == "sent" and row.sent_via == "email" and row.sent_at is not None
    assert row.message_id == message["Message-ID"] and row.approved_by == "anna"
    with transaction(ctx.db) as s:
        actions_logged = s.scalars(
            sa.select(Event.action).where(Event.draft_id == draft.id).order_by(Event.id)
        ).all()
        details = " ".join(str(e.detail) for e in s.scalars(sa.select(Event)))
    assert actions_logged == ["drafted", "draft_approved", "sent"]
    assert "Иванов" not in details and "user1@mail.example" not in details


def test_a_failed_send_stays_approved_and_is_retried_with_the_same_id(
    ctx: Context, caplog: pytest.LogCaptureFixture
) -> None:
    approver = make_user(ctx, "anna", "approver")
    draft = open_draft(ctx, appeal(ctx, 2))
    use_smtp(ctx, free_port())  # nothing listens there
    sent = replies.approve_draft(ctx, draft.id, approver)
    assert sent is not None and sent.outcome == "failed"
    row = draft_row(ctx, draft.id)
    assert row.status == "approved" and row.attempts == 1 and row.last_error
    assert "sending failed" in caplog.text and "user2@" not in caplog.text  # no personal data
    first_id = row.message_id
    with smtp_server() as (port, mailbox):
        use_smtp(ctx, port)
        [waiting] = dispatch_pending(ctx)  # the next attempt waits a minute
        assert waiting.outcome == "skipped" and "not before" in waiting.detail
        with transaction(ctx.db) as s:
            s.get_one(Draft, draft.id).not_before = utcnow() - dt.timedelta(seconds=1)
        assert [r.outcome for r in dispatch_pending(ctx)] == ["sent"]
    row = draft_row(ctx, draft.id)
    assert row.status == "sent" and row.attempts == 2 and row.last_error is None
    assert mailbox.messages[0]["Message-ID"] == first_id


def test_two_dispatches_at_once_send_a_letter_once(ctx: Context) -> None:
    approver = make_user(ctx, "anna", "approver")
    draft = open_draft(ctx, appeal(ctx, 6))
    replies.approve_draft(ctx, draft.id, approver)  # no SMTP yet: it waits approved
    with smtp_server() as (port, mailbox):
        use_smtp(ctx, port)
        with ThreadPoolExecutor(4) as pool:
            outcomes = sorted(
                r.outcome for r in pool.map(dispatch_draft, [ctx] * 4, [draft.id] * 4)
            )
    assert outcomes == ["sent", "skipped", "skipped", "skipped"]
    assert len(mailbox.messages) == 1


def test_no_automatic_letter_to_an_automatic_address(ctx: Context) -> None:
    approver = make_user(ctx, "anna", "approver")
    data = appeal_eml(3).replace(b"user3@mail.example", b"noreply@mail.example")
    draft = open_draft(ctx, appeal(ctx, 3, data=data))
    with smtp_server() as (port, mailbox):
        use_smtp(ctx, port)
        sent = replies.approve_draft(ctx, draft.id, approver)
    assert sent is not None and sent.outcome == "suppressed" and mailbox.messages == []
    assert draft_row(ctx, draft.id).status == "suppressed"
    assert is_automatic_address("MAILER-DAEMON@x.example") and not is_automatic_address("a@b.c")


def test_paper_letters_go_into_the_print_batch_with_a_register(ctx: Context) -> None:
    approver = make_user(ctx, "anna", "approver")
    ids = [appeal(ctx, n) for n in (4, 5)]
    with transaction(ctx.db) as s:
        for appeal_id in ids:
            s.get_one(Appeal, appeal_id).wants_paper_reply = True
            for d in s.get_one(Appeal, appeal_id).drafts:
                d.recipient = None  # as if drafted for the paper reply asked for
    drafts = [open_draft(ctx, a) for a in ids]
    for d in drafts:
        assert replies.approve_draft(ctx, d.id, approver).outcome == "skipped"  # type: ignore[union-attr]
    batch = print_batch(ctx, dt.date(2026, 11, 23))
    assert batch is not None and batch.draft_ids == tuple(d.id for d in drafts)
    assert len(PdfReader(batch.pdf).pages) == 2
    rows = list(csv.DictReader(batch.register_csv.open(encoding="utf-8")))
    assert [r["addressee"] for r in rows] == ["Иванов Пётр Сергеевич"] * 2
    assert "реестр" in PdfReader(batch.register_pdf).pages[0].extract_text().lower()
    assert {draft_row(ctx, d.id).status for d in drafts} == {"printed"}
    assert print_batch(ctx, dt.date(2026, 11, 23)) is None  # nothing left to print
    assert confirm_posted(ctx, [d.id for d in drafts], "anna") == 2
    assert {draft_row(ctx, d.id).status for d in drafts} == {"sent"}


def test_the_claim_workflow(ctx: Context) -> None:
    approver = make_user(ctx, "anna", "approver")
    clerk = make_user(ctx, "kate", "clerk")
    appeal_id = appeal(ctx, 6)
    appeals.assign(ctx, appeal_id, "Расчётный отдел", "kate", approver)
    with pytest.raises(Forbidden):
        appeals.decide(ctx, appeal_id, "founded", "", clerk)
    appeals.decide(ctx, appeal_id, "partly", "перерасчёт 300 руб.", approver)
    appeals.dispute(ctx, appeal_id, clerk)
    with pytest.raises(Conflict):
        appeals.dispute(ctx, appeal_id, clerk)  # no decision in the second round yet
    appeals.decide(ctx, appeal_id, "founded", "возврат 300 руб.", approver)
    with pytest.raises(Conflict):
        appeals.dispute(ctx, appeal_id, clerk)  # a second review happens once
    with pytest.raises(Conflict):  # 126-FZ Art. 55 gives a claim no extension
        appeals.extend(ctx, appeal_id, 30, "Запрошены сведения у биллинга.", approver)
    with transaction(ctx.db) as s:  # an operator extends a complaint under its regulation
        s.get_one(Appeal, appeal_id).kind = "complaint"
    notice_id = appeals.extend(ctx, appeal_id, 30, "Запрошены сведения у биллинга.", approver)
    with pytest.raises(Conflict):
        appeals.extend(ctx, appeal_id, 10, "ещё", approver)
    with transaction(ctx.db) as s:
        row = s.get_one(Appeal, appeal_id)
        assert (row.assignee, row.decision, row.review_round) == ("kate", "founded", 2)
        assert row.answer_by is not None and row.extended_to is not None
        assert row.extended_to >= row.answer_by + dt.timedelta(days=30)
        assert appeals.due_date(row) == row.extended_to
    text = " ".join(PdfReader(draft_row(ctx, notice_id).pdf_path).pages[0].extract_text().split())
    # An operator's letters rest on its own regulation (LAW.md), not on 59-FZ.
    assert "продлён до" in text and ctx.settings.org.regulation in text


def test_correcting_the_surname_lifts_the_no_surname_ground(ctx: Context) -> None:
    clerk = make_user(ctx, "kate", "clerk")
    appeal_id = appeal(ctx, 7, surname="", name="", patronymic="")
    with transaction(ctx.db) as s:
        assert s.get_one(Appeal, appeal_id).grounds == ["no-surname"]
    corrections.correct_field(ctx, appeal_id, "surname", "Сидорова", clerk)
    with transaction(ctx.db) as s:
        row = s.get_one(Appeal, appeal_id)
        assert row.grounds == [] and row.applicant.surname == "Сидорова"
        statuses = {(d.type, d.status) for d in row.drafts}
    assert statuses == {("no-answer", "superseded"), ("acknowledgment", "draft")}


def test_a_second_batch_of_the_day_keeps_the_first(ctx: Context) -> None:
    approver = make_user(ctx, "anna", "approver")
    batches = []
    for n in (7, 8):
        appeal_id = appeal(ctx, n)
        with transaction(ctx.db) as s:
            row = s.get_one(Appeal, appeal_id)
            row.wants_paper_reply = True
            for d in row.drafts:
                d.recipient = None  # as if drafted for the paper reply asked for
            row.applicant.surname = '=HYPERLINK("http://evil.example")'  # as a reader may find it
        replies.approve_draft(ctx, open_draft(ctx, appeal_id).id, approver)
        batches.append(print_batch(ctx, dt.date(2026, 11, 24)))
    first, second = batches
    assert first is not None and second is not None
    assert first.pdf != second.pdf and first.pdf.exists() and second.pdf.exists()
    assert first.pdf.parent.name == "1" and second.pdf.parent.name == "2"
    [row] = list(csv.DictReader(second.register_csv.open(encoding="utf-8")))
    assert row["addressee"].startswith("'=HYPERLINK")  # shown as text, never run
