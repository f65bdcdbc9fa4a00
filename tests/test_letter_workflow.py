"""Staff's side of letters on SQLite and PostgreSQL: versions, approval, numbers, journal."""

from __future__ import annotations

import email
import email.policy
import io
from pathlib import Path

import pytest
import sqlalchemy as sa
from pypdf import PdfReader

from intake.sources import read_file
from letters.drafting import LetterInputs
from letters.journal import journal_rows, to_csv, to_pdf
from pismo.actions.drafts import approve_draft, create_draft, edit_draft
from pismo.context import Context
from pismo.errors import DraftStateError
from pismo.running.chain import process
from store import db
from store.models import Appeal, Draft, Event
from store.search import search
from tests.letters import appeal_eml


def text_of(path: str) -> str:
    return " ".join(" ".join(p.extract_text() for p in PdfReader(path).pages).split())


def registered(ctx: Context, tmp_path: Path, n: int) -> int:
    path = tmp_path / f"{n}.eml"
    path.write_bytes(appeal_eml(n, surname="Смирнова", name="Анна", patronymic="Петровна"))
    process(ctx, read_file(path, 10**8))
    with db.transaction(ctx.db) as s:
        return s.scalars(sa.select(Draft.appeal_id).order_by(Draft.id.desc())).first() or 0


def test_edit_keeps_every_version_and_approval_numbers_letters(
    ctx: Context, tmp_path: Path
) -> None:
    appeal_id = registered(ctx, tmp_path, 1)
    inputs = LetterInputs(body="Первый текст.", outcome="partly", amount="150,00 руб.")
    first = create_draft(ctx, appeal_id, "answer", inputs=inputs, actor="petrova")
    second = edit_draft(ctx, first, "Второй текст.\n\nВторой абзац.", actor="petrova")
    with db.transaction(ctx.db) as s:
        old, new = s.get_one(Draft, first), s.get_one(Draft, second)
        assert (old.version, old.status, new.version, new.status) == (1, "superseded", 2, "draft")
        assert new.inputs["amount"] == "150,00 руб." and new.body.startswith("Второй")
        old_pdf, new_pdf = old.pdf_path, new.pdf_path
    assert "Первый текст." in text_of(old_pdf)
    new_text = text_of(new_pdf)
    assert "Второй текст. Второй абзац." in new_text and "удовлетворена частично" in new_text
    with pytest.raises(DraftStateError):
        edit_draft(ctx, first, "Поздно.", actor="petrova")

    year = ctx.today().year
    number = approve_draft(ctx, second, actor="ivanov")
    assert number == f"ИСХ-{year}-000001"
    with pytest.raises(DraftStateError):
        approve_draft(ctx, second, actor="ivanov")
    with db.transaction(ctx.db) as s:
        final = s.get_one(Draft, second)
        assert (final.status, final.out_number, final.approved_by) == ("approved", number, "ivanov")
        final_pdf = final.pdf_path
        actions = s.scalars(sa.select(Event.action).where(Event.appeal_id == appeal_id)).all()
    assert f"№ {number}" in text_of(final_pdf)
    assert {"draft_created", "draft_edited", "draft_approved"} <= set(actions)
    with db.transaction(ctx.db) as s:
        (hit,) = search(s, number)  # the outgoing number finds its appeal
        assert hit.reg_number == f"ВХ-{year}-000001"

    # A second letter takes the next number; the journal lists both directions.
    ack = next_draft_of(ctx, registered(ctx, tmp_path, 2))
    assert approve_draft(ctx, ack, actor="ivanov") == f"ИСХ-{year}-000002"
    with db.transaction(ctx.db) as s:
        incoming = journal_rows(s, "incoming", year, ctx.settings.org)
        outgoing = journal_rows(s, "outgoing", year, ctx.settings.org)
    assert [r.number for r in incoming] == [f"ВХ-{year}-000001", f"ВХ-{year}-000002"]
    assert [r.number for r in outgoing] == [number, f"ИСХ-{year}-000002"]
    csv_text = to_csv("outgoing", outgoing).decode("utf-8-sig")
    assert csv_text.splitlines()[0].startswith("Исх. №;Дата;На №")
    assert f"{number};{ctx.today():%d.%m.%Y};ВХ-{year}-000001;Смирнова Анна Петровна" in csv_text
    register = to_pdf(ctx.renderer, "incoming", incoming, year, ctx.settings.org)
    register_text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(register)).pages)
    assert "Журнал регистрации входящих документов" in register_text
    assert "Смирнова Анна Петровна" in register_text


def test_a_record_for_the_file_takes_no_number_and_the_journal_names_the_signatory(
    ctx: Context, tmp_path: Path
) -> None:
    appeal_id = registered(ctx, tmp_path, 3)
    record = create_draft(ctx, appeal_id, "no-answer", ground="no-surname", actor="petrova")
    assert approve_draft(ctx, record, actor="ivanov") == ""  # «В дело» is not outgoing
    ack = next(d for d in drafts_of(ctx, appeal_id) if d.type == "acknowledgment")
    number = approve_draft(ctx, ack.id, actor="ivanov")
    year = ctx.today().year
    assert number == f"ИСХ-{year}-000001"  # the record took none
    with db.transaction(ctx.db) as s:
        outgoing = journal_rows(s, "outgoing", year, ctx.settings.org)
        assert s.get_one(Draft, record).out_number is None
    org = ctx.settings.org
    assert [(r.number, r.approved_by) for r in outgoing] == [
        (number, f"{org.signatory_position} {org.signatory_name}")  # not the login «ivanov»
    ]
    record_pdf = next(d for d in drafts_of(ctx, appeal_id) if d.id == record).pdf_path
    assert "ИСХ-" not in text_of(record_pdf) and "В дело" in text_of(record_pdf)


def test_a_roaming_claim_has_sixty_days(ctx: Context, tmp_path: Path) -> None:
    path = tmp_path / "roaming.eml"
    msg = email.message_from_bytes(appeal_eml(4), policy=email.policy.default)
    body = msg.get_content().replace("за услугу,", "за звонки в роуминге,")  # type: ignore[attr-defined]
    msg.set_content(body)  # type: ignore[attr-defined]
    path.write_bytes(bytes(msg))
    process(ctx, read_file(path, 10**8))
    with db.transaction(ctx.db) as s:
        appeal = s.scalars(sa.select(Appeal).order_by(Appeal.id.desc())).first()
        assert appeal is not None and appeal.kind == "claim"
        assert appeal.findings["long_distance"] == "роуминге"
        registered_on = appeal.registered_at.date()
        assert appeal.answer_by == ctx.calendar.calendar_term(registered_on, 60)
        appeal_id = appeal.id
    ack = next(d for d in drafts_of(ctx, appeal_id) if d.type == "acknowledgment")
    assert "пунктом 8 статьи 55 Федерального закона" in text_of(ack.pdf_path)


def test_a_repeat_notice_names_the_earlier_answers(ctx: Context, tmp_path: Path) -> None:
    first = registered(ctx, tmp_path, 5)
    inputs = LetterInputs(body="Начисления пересчитаны.", outcome="satisfied")
    answer = create_draft(ctx, first, "answer", inputs=inputs, actor="petrova")
    number = approve_draft(ctx, answer, actor="ivanov")
    again = registered(ctx, tmp_path, 6)  # the same sender, the same question
    (notice,) = drafts_of(ctx, again)
    assert (notice.type, notice.ground) == ("notice", "repeat")
    named = f"от {ctx.today():%d.%m.%Y} № {number}"
    assert notice.inputs["earlier_answers"] == [named]
    assert named in text_of(notice.pdf_path)
    decided = LetterInputs(decision="от 24.11.2026 № 15")  # staff's version keeps them
    second = create_draft(ctx, again, "notice", ground="repeat", inputs=decided, actor="petrova")
    text = text_of(next(d for d in drafts_of(ctx, again) if d.id == second).pdf_path)
    assert named in text and "Решением руководителя от 24.11.2026 № 15" in text


def drafts_of(ctx: Context, appeal_id: int) -> list[Draft]:
    with db.transaction(ctx.db) as s:
        rows = s.scalars(sa.select(Draft).where(Draft.appeal_id == appeal_id)).all()
        s.expunge_all()
        return list(rows)


def next_draft_of(ctx: Context, appeal_id: int) -> int:
    with db.transaction(ctx.db) as s:
        return s.scalars(sa.select(Draft.id).where(Draft.appeal_id == appeal_id)).one()
