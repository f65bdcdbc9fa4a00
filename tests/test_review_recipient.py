"""Where an e-mail reply goes (LAW.md: the address named for the reply, else Reply-To,
else From), shown before approval and fixed with each version of the letter."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from pismo.actions import corrections, replies
from pismo.context import Context
from pismo.errors import Conflict
from store.db import transaction
from store.models import Draft
from tests.helpers import appeal, exported, logged_in, make_user, open_draft

pytestmark = [
    pytest.mark.filterwarnings("ignore::DeprecationWarning"),
    pytest.mark.parametrize("db_url", ["sqlite"], indirect=True),
]


def test_reply_to_is_the_recipient_and_a_new_address_needs_a_new_approval(
    ctx: Context,
) -> None:
    clerk = make_user(ctx, "kate", "clerk")
    approver = make_user(ctx, "anna", "approver")
    appeal_id = appeal(ctx, 1, headers={"Reply-To": "Иванов <home@mail.example>"})
    first = open_draft(ctx, appeal_id)
    assert first.recipient == "home@mail.example"
    client, _ = logged_in(ctx, "kate")
    page = client.get(f"/drafts/{first.id}").text
    assert "Кому: <strong>home@mail.example</strong>, электронной почтой" in page
    [record] = exported(ctx)
    assert [d["to"] for d in record["drafts"]] == ["home@mail.example"]  # type: ignore[index]

    corrections.correct_field(ctx, appeal_id, "email", "new@mail.example", clerk)
    second = open_draft(ctx, appeal_id)
    assert (second.version, second.recipient) == (2, "new@mail.example")
    with transaction(ctx.db) as s:
        assert s.get_one(Draft, first.id).status == "superseded"
    replies.approve_draft(ctx, second.id, approver, send=False)
    with pytest.raises(Conflict, match="согласующий"):
        corrections.correct_field(ctx, appeal_id, "email", "third@mail.example", clerk)
    corrections.correct_field(ctx, appeal_id, "email", "third@mail.example", approver)
    with transaction(ctx.db) as s:
        approved = s.get_one(Draft, second.id)
        assert (approved.status, approved.recipient) == ("approved", "third@mail.example")
        actions = s.scalars(sa.select(sa.text("action FROM events"))).all()
        assert "readdressed" in actions
