"""Corrections and the service layer: every proposal correctable, the terms and the
open letters following, one audit event per action with the old and the new value,
state errors as 409 with the reason."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from pypdf import PdfReader

from pismo.actions import corrections, replies
from pismo.context import Context
from pismo.errors import Invalid
from store.db import transaction
from store.models import Appeal, Draft, Event
from tests.helpers import PASSWORD, appeal, logged_in, make_user, open_draft, pismo
from tests.letters import appeal_eml

pytestmark = [
    pytest.mark.filterwarnings("ignore::DeprecationWarning"),
    pytest.mark.parametrize("db_url", ["sqlite"], indirect=True),
]


def words(path: str) -> str:
    return " ".join(" ".join(p.extract_text() for p in PdfReader(path).pages).split())


def live(ctx: Context, appeal_id: int) -> list[tuple[str, str | None, int]]:
    """The appeal's open letters: type, ground, version."""
    with transaction(ctx.db) as s:
        rows = s.scalars(
            sa.select(Draft).where(Draft.appeal_id == appeal_id, Draft.status == "draft")
        )
        return sorted((d.type, d.ground, d.version) for d in rows)


def events(ctx: Context, appeal_id: int, action: str) -> list[dict[str, object]]:
    with transaction(ctx.db) as s:
        rows = s.scalars(
            sa.select(Event).where(Event.appeal_id == appeal_id, Event.action == action)
        )
        return [{"actor": e.actor, "at": e.at, **e.detail} for e in rows]


def test_approval_is_one_step_and_a_state_error_is_409(ctx: Context) -> None:
    approver = make_user(ctx, "anna", "approver")
    draft = open_draft(ctx, appeal(ctx, 1))
    replies.approve_draft(ctx, draft.id, approver, send=False)
    with transaction(ctx.db) as s:
        row = s.get_one(Draft, draft.id)
        assert row.status == "approved" and row.approved_at is not None
        assert row.approved_by == "anna" and row.out_number
    client, csrf = logged_in(ctx, "anna")
    again = client.post(f"/api/drafts/{draft.id}/approve", headers={"X-CSRF-Token": csrf})
    assert again.status_code == 409 and "утверждён" in again.json()["detail"]
    page = client.post(f"/drafts/{draft.id}/approve", data={"csrf": csrf})
    assert page.status_code == 409 and "утверждён" in page.text


def test_kind_corrected_the_terms_and_the_letter_follow(ctx: Context) -> None:
    clerk = make_user(ctx, "kate", "clerk")
    appeal_id = appeal(ctx, 2)
    with transaction(ctx.db) as s:
        row = s.get_one(Appeal, appeal_id)
        assert row.kind == "claim" and row.regime == "telecom"
        row.findings = {**row.findings, "long_distance": True}  # 126-FZ Art. 55 p.8: 60 days
    corrections.correct_field(ctx, appeal_id, "department", "Отдел претензий", clerk)
    with transaction(ctx.db) as s:
        claim_terms = s.get_one(Appeal, appeal_id).answer_by
    client, csrf = logged_in(ctx, "kate")
    headers = {"X-CSRF-Token": csrf}
    done = client.post(
        f"/api/appeals/{appeal_id}/fields",
        json={"field": "kind", "value": "complaint"},
        headers=headers,
    )
    assert done.status_code == 200, done.text
    got = client.get(f"/api/appeals/{appeal_id}").json()
    assert got["kind"] == "complaint" and got["department"] == "Отдел претензий"
    with transaction(ctx.db) as s:
        row = s.get_one(Appeal, appeal_id)
        assert claim_terms is not None and row.answer_by is not None
        registered = row.registered_at.date()
        assert row.answer_by == ctx.calendar.calendar_term(registered, 30)  # not a claim's 60
        assert claim_terms == ctx.calendar.calendar_term(registered, 60)
    assert live(ctx, appeal_id) == [("acknowledgment", None, 3)]  # re-rendered twice
    text = words(open_draft(ctx, appeal_id).pdf_path)
    assert "О регистрации обращения" in text and "претензи" not in text.split("Уважаем")[0]
    [event] = events(ctx, appeal_id, "corrected")[1:]
    assert (event["actor"], event["field"], event["old"], event["new"]) == (
        "kate",
        "kind",
        "claim",
        "complaint",
    )
    bad = client.post(
        f"/api/appeals/{appeal_id}/fields",
        json={"field": "kind", "value": "жалоба"},
        headers=headers,
    )
    assert bad.status_code == 422 and "Жалоба" in bad.json()["detail"]


def test_a_wrong_ground_dismissed_brings_the_acknowledgment_back(ctx: Context) -> None:
    make_user(ctx, "kate", "clerk")
    appeal_id = appeal(ctx, 3)
    client, csrf = logged_in(ctx, "kate")
    headers = {"X-CSRF-Token": csrf}
    url = f"/api/appeals/{appeal_id}/grounds"
    added = client.post(
        url, json={"code": "abusive", "action": "add", "reason": "угрозы"}, headers=headers
    )
    assert added.status_code == 200, added.text
    assert live(ctx, appeal_id) == [("notice", "abusive", 1)]
    with transaction(ctx.db) as s:
        assert s.get_one(Appeal, appeal_id).notice_by is None  # abusive: no 7-day term
    no_reason = client.post(
        url, json={"code": "abusive", "action": "dismiss", "reason": " "}, headers=headers
    )
    assert no_reason.status_code == 422
    dismissed = client.post(
        url,
        json={"code": "abusive", "action": "dismiss", "reason": "цитата, не угроза"},
        headers=headers,
    )
    assert dismissed.status_code == 200
    assert live(ctx, appeal_id) == [("acknowledgment", None, 2)]
    with transaction(ctx.db) as s:
        row = s.get_one(Appeal, appeal_id)
        assert row.grounds == [] and row.findings["dismissed"][0]["reason"] == "цитата, не угроза"
    [event] = events(ctx, appeal_id, "ground_dismissed")
    assert (event["actor"], event["old"], event["new"]) == ("kate", ["abusive"], [])
    client.post(
        url, json={"code": "illegible", "action": "add", "reason": "не читается"}, headers=headers
    )
    with transaction(ctx.db) as s:
        assert s.get_one(Appeal, appeal_id).notice_by is not None  # 7 days from registration
    page = client.get(f"/appeals/{appeal_id}").text
    assert "Текст не читается" in page and "Отклонено: Оскорбления, угрозы" in page


def test_gender_and_letter_date_corrected(ctx: Context) -> None:
    clerk = make_user(ctx, "kate", "clerk")
    appeal_id = appeal(ctx, 4, surname="Шевчук", name="Саша", patronymic="")
    corrections.correct_field(ctx, appeal_id, "gender", "masc", clerk)
    assert "Шевчуку" in words(open_draft(ctx, appeal_id).pdf_path)
    corrections.correct_field(ctx, appeal_id, "gender", "femn", clerk)
    assert "Шевчук Саше" in words(open_draft(ctx, appeal_id).pdf_path)
    corrections.correct_field(ctx, appeal_id, "letter_date", "05.11.2026", clerk)
    client, _ = logged_in(ctx, "kate")
    got = client.get(f"/api/appeals/{appeal_id}").json()
    assert (got["gender"], got["letter_date"]) == ("femn", "2026-11-05")
    with pytest.raises(Invalid):
        corrections.correct_field(ctx, appeal_id, "letter_date", "5 ноября", clerk)


@pytest.mark.slow
def test_a_clerk_sees_no_approval_and_cli_corrects(
    ctx: Context, env: dict[str, str], tmp_path: Path
) -> None:
    letter = tmp_path / "letter.eml"
    letter.write_bytes(appeal_eml(5))
    reg = pismo(env, "ingest", str(letter)).stdout.split("registered ")[1].split()[0]
    users = {**env, "PISMO_USER_PASSWORD": PASSWORD}
    pismo(users, "user", "add", "kate", "--role", "clerk")
    out = pismo(env, "correct", reg, "category", "billing", "--as", "kate").stdout
    assert "category corrected" in out
    refused = pismo(env, "correct", reg, "--ground", "repeat", "--add", "--as", "kate", check=False)
    assert refused.returncode == 2 and "причину" in refused.stderr
    pismo(
        env,
        "correct",
        reg,
        "--ground",
        "repeat",
        "--add",
        "--reason",
        "уже отвечали",
        "--as",
        "kate",
    )
    shown = pismo(env, "show", reg).stdout
    assert '"repeat"' in shown and "уже отвечали" in shown
    refused = pismo(env, "appeal", "decide", reg, "founded", "--as", "kate", check=False)
    assert refused.returncode == 11
