"""Staff actions beyond approval: editing a letter's text, transcribing a scan, the
CLI for scripts, and the API's OpenAPI document."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
import sqlalchemy as sa
from pypdf import PdfReader

from intake.sources import read_file
from pismo.actions import corrections, replies
from pismo.context import Context
from pismo.errors import Conflict
from pismo.running.chain import process
from store.db import transaction
from store.models import Appeal, Draft, Event
from tests.helpers import (
    PISMO,
    SAMPLES,
    appeal,
    logged_in,
    make_user,
    open_draft,
    pismo,
    smtp_server,
)
from tests.letters import appeal_eml

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


def words(path: str) -> str:
    return " ".join(" ".join(p.extract_text() for p in PdfReader(path).pages).split())


def test_edited_text_makes_a_new_version_and_only_it_can_be_approved(ctx: Context) -> None:
    clerk = make_user(ctx, "kate", "clerk")
    approver = make_user(ctx, "anna", "approver")
    first = open_draft(ctx, appeal(ctx, 1))
    # Staff write only their own part; the statutory text of the letter is not theirs.
    assert replies.body_text(ctx, first.id) == ""
    new_id = replies.edit_draft(ctx, first.id, "Дополнительно сообщаем: всё решим.", clerk)
    with transaction(ctx.db) as s:
        old, new = s.get_one(Draft, first.id), s.get_one(Draft, new_id)
        assert (old.status, new.status, new.version) == ("superseded", "draft", 2)
    assert "Дополнительно сообщаем: всё решим." in words(new.pdf_path)
    assert "зарегистрирована" in words(new.pdf_path)
    with pytest.raises(Conflict):
        replies.approve_draft(ctx, first.id, approver, send=False)
    replies.return_draft(ctx, new_id, "уточните сумму", approver)
    third = replies.rerender_draft(ctx, new_id, clerk)  # a returned draft is reworked
    assert "всё решим" in words(open_draft(ctx, first.appeal_id).pdf_path)
    replies.approve_draft(ctx, third, approver, send=False)
    with transaction(ctx.db) as s:
        assert s.get_one(Draft, third).status == "approved"
        logged = s.scalars(sa.select(Event.action).where(Event.appeal_id == first.appeal_id))
        assert {"draft_edited", "returned", "draft_approved"} <= set(logged)


def unsure_scan(ctx: Context) -> str | None:
    """A scanned claim registered as if OCR had been unsure of it; its number."""
    ctx.settings.ocr.min_confidence = 101  # every scan goes to a person
    scan = SAMPLES / "scans" / "01-claim.png"
    return process(ctx, read_file(scan, 10**8)).reg_number


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_a_clerk_transcribes_an_unreadable_scan(ctx: Context) -> None:
    clerk = make_user(ctx, "kate", "clerk")
    number = unsure_scan(ctx)
    with transaction(ctx.db) as s:
        row = s.scalars(sa.select(Appeal)).one()
        assert row.status == "needs_transcription" and row.drafts == []
        appeal_id, ocr_text = row.id, row.items[0].text or ""
    assert number == row.reg_number
    client, _ = logged_in(ctx, "kate")
    assert 'id="transcribe"' in client.get(f"/appeals/{appeal_id}").text
    typed = ocr_text.replace("Смирнова", "Смирнова")  # the person confirms what they read
    corrections.transcribe(ctx, appeal_id, typed, clerk)
    with transaction(ctx.db) as s:
        row = s.get_one(Appeal, appeal_id)
        assert row.status == "drafted" and [d.type for d in row.drafts] == ["acknowledgment"]
        assert row.applicant.surname
    with pytest.raises(Conflict):
        corrections.transcribe(ctx, appeal_id, "again", clerk)


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_confirmed_illegible_scan_gets_the_illegible_notice(ctx: Context) -> None:
    clerk = make_user(ctx, "kate", "clerk")
    unsure_scan(ctx)
    with transaction(ctx.db) as s:
        appeal_id = s.scalars(sa.select(Appeal.id)).one()
    corrections.transcribe(ctx, appeal_id, "", clerk, illegible=True)
    with transaction(ctx.db) as s:
        row = s.get_one(Appeal, appeal_id)
        assert "illegible" in row.grounds and row.notice_by is not None
        assert [(d.type, d.ground) for d in row.drafts if d.status == "draft"] == [
            ("notice", "illegible")
        ]


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_openapi_document_lists_the_api(ctx: Context) -> None:
    make_user(ctx, "anna", "approver")
    client, _ = logged_in(ctx, "anna")
    paths = client.get("/api/openapi.json").json()["paths"]
    assert {"/api/appeals", "/api/drafts/{draft_id}/approve", "/api/me"} <= set(paths)
    assert not any(p.startswith("/drafts") for p in paths)  # pages are not the API


def test_cli_user_approve_and_dispatch(env: dict[str, str], tmp_path: Path) -> None:
    letter = tmp_path / "letter.eml"
    letter.write_bytes(appeal_eml(9, message_id="<cli-9@mail.example>"))
    pismo(env, "ingest", str(letter))
    result = subprocess.run(
        [*PISMO, "user", "add", "anna", "--role", "approver"],
        input="long enough password\n",
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=True,
    )
    assert "can log in" in result.stdout
    assert "approved" in pismo(env, "approve", "1", "--as", "anna", "--no-send").stdout
    with smtp_server() as (port, mailbox):
        smtp = {"PISMO_SMTP__HOST": "127.0.0.1", "PISMO_SMTP__PORT": str(port),
                "PISMO_SMTP__STARTTLS": "false"}  # fmt: skip
        out = pismo({**env, **smtp}, "dispatch").stdout
    assert "sent" in out
    assert mailbox.messages[0]["In-Reply-To"] == "<cli-9@mail.example>"


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_the_appeal_page_shows_the_senders_history_and_the_queue_who_waits(ctx: Context) -> None:
    anna = make_user(ctx, "anna", "approver")
    make_user(ctx, "kate", "clerk")
    first = appeal(ctx, 1)
    answer = replies.new_draft(
        ctx,
        first,
        "answer",
        anna,
        inputs=replies.letter_inputs("satisfied", "Деньги вернём.", None),
    )
    replies.approve_draft(ctx, answer, anna, send=False)
    letter = appeal_eml(2).replace(b"user2@", b"user1@")  # the same sender
    second = appeal(ctx, 2, data=letter)
    assert appeal(ctx, 3, data=letter) == second  # the same letter once more joins it
    client, _ = logged_in(ctx, "anna")
    page = client.get(f"/appeals/{second}").text
    with transaction(ctx.db) as s:
        reg_first, out_number = s.execute(
            sa.select(Appeal.reg_number, Draft.out_number)
            .join(Draft.appeal)
            .where(Draft.id == answer)
        ).one()
    assert f'href="/appeals/{first}">{reg_first}</a>' in page and out_number in page
    assert "получено 2 раза" in page and "то же письмо ещё раз" in page
    assert "<option>kate</option>" in page and "<option>anna</option>" in page  # pick an assignee
    queue = client.get("/?status=all").text
    assert "утверждения писем" in queue
