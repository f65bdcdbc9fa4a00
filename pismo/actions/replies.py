"""Staff's letters, behind the role checks: new, edited, re-rendered, approved, returned.

The versions themselves are kept by ``pismo.actions.drafts``: an edit or a
re-render makes version n+1 (status ``draft``) and marks version n
``superseded``, so the history of a letter stays whole; only the newest
version can be approved.  PDFs are rendered outside any transaction's lock
on the appeal; an approval is one transaction (number, final PDF, who and
when), and an e-mail letter is sent after it commits.
"""

from __future__ import annotations

from letters.drafting import OUTCOMES, LetterInputs
from letters.types import TYPES, letter_type
from pismo.actions import drafts
from pismo.actions.common import load_appeal, load_draft, require
from pismo.actions.staff import Staff
from pismo.context import Context
from pismo.dispatch import Sent, dispatch_draft
from pismo.errors import DraftStateError, Invalid, NotFound
from pismo.states import DraftStatus, Role
from store.db import transaction
from store.registration import audit

STAFF_TYPES = tuple(sorted({t.type for t in TYPES}))


def body_text(ctx: Context, draft_id: int) -> str:
    """Staff's own part of the letter (the statutory parts are not theirs to edit)."""
    with transaction(ctx.db) as s:
        return load_draft(s, draft_id).body or ""


def new_draft(
    ctx: Context,
    appeal_id: int,
    type_: str,
    actor: Staff,
    *,
    ground: str | None = None,
    inputs: LetterInputs | None = None,
) -> int:
    """A letter staff start (an answer on the merits, a request to supplement, …); its id."""
    require(actor, Role.clerk)
    try:
        letter_type(type_, ground)
    except NotFound as exc:
        raise Invalid(f"нет такого вида письма: {type_} {ground or ''}".strip()) from exc
    with transaction(ctx.db) as s:
        load_appeal(s, appeal_id)
    return drafts.create_draft(
        ctx, appeal_id, type_, ground=ground, inputs=inputs, actor=actor.name
    )


def letter_inputs(outcome: str | None, text: str, amount: str | None) -> LetterInputs:
    """A staff letter's inputs from a form or an API call, checked."""
    if outcome is not None and outcome not in OUTCOMES:
        raise Invalid(f"итог: {', '.join(sorted(OUTCOMES))}")
    return LetterInputs(
        body=text.replace("\r\n", "\n").strip(),
        outcome=outcome or None,
        amount=(amount or "").strip() or None,
    )


def rerender_draft(ctx: Context, draft_id: int, actor: Staff) -> int:
    """A new version from the appeal's current fields (after a correction); its id."""
    require(actor, Role.clerk)
    return drafts.edit_draft(ctx, draft_id, None, actor.name)


def edit_draft(ctx: Context, draft_id: int, new_text: str, actor: Staff) -> int:
    require(actor, Role.clerk)
    if not new_text.strip():
        raise Invalid("в письме должен быть текст")
    return drafts.edit_draft(ctx, draft_id, new_text.replace("\r\n", "\n"), actor.name)


def approve_draft(ctx: Context, draft_id: int, actor: Staff, send: bool = True) -> Sent | None:
    """Approve the open version: its outgoing number and final PDF; an e-mail letter goes
    out at once (a failure is retried by ``pismo dispatch``), a paper one waits for the
    day's print batch."""
    require(actor, Role.approver)
    drafts.approve_draft(ctx, draft_id, actor.name)  # one transaction, audited there
    return dispatch_draft(ctx, draft_id, actor.name) if send else None


def return_draft(ctx: Context, draft_id: int, comment: str, actor: Staff) -> None:
    require(actor, Role.approver)
    if not comment.strip():
        raise Invalid("напишите, почему письмо возвращается")
    with transaction(ctx.db) as s:
        draft = load_draft(s, draft_id, lock=True)
        if draft.status != DraftStatus.draft:
            raise DraftStateError(f"проект письма № {draft_id} уже не черновик ({draft.status})")
        draft.status = DraftStatus.returned
        draft.comment = comment.strip()
        audit(
            s,
            "returned",
            actor=actor.name,
            appeal_id=draft.appeal_id,
            draft_id=draft_id,
            old=DraftStatus.draft.value,
            new=DraftStatus.returned.value,
        )
