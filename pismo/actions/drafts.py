"""A draft's versions after the stages: staff create, edit and approve letters.

The engine under the role-checked actions (``pismo.actions.appeals``) and the CLI:

* ``create_draft`` — a letter staff start themselves (an answer on the merits,
  an extension, a request to supplement, or any type again);
* ``edit_draft`` — new text (and optionally new inputs): a NEW version row, the
  old one marked ``superseded``; every version and its PDF stay in the store;
* ``approve_draft`` — gives the letter its outgoing number and date
  (``assign_outgoing_number``) and renders the final PDF, in one transaction,
  so a failed render takes its number back and numbers stay gapless.

Every step writes an audit event with the actor.  Rendering is cheap enough
(one letter, tens of milliseconds) to re-render on every edit.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from letters.drafting import LetterInputs, PlannedDraft, letter_context
from letters.types import letter_type
from pismo.context import Context
from pismo.errors import DraftStateError, NotFound
from pismo.settings import OrgProfile
from pismo.stages.draft import draft_path, recipient
from pismo.stages.history import earlier_answers
from pismo.states import DRAFT_STATUSES, OPEN_DRAFTS, DraftStatus
from store.db import transaction
from store.models import Appeal, Draft, utcnow
from store.registration import OUTGOING, audit, next_number
from store.search import index_appeal

SIGNATORY = "signatory"  # key in Draft.inputs: who signed the approved letter


def _appeal(s: Session, appeal_id: int) -> Appeal:
    return s.scalars(
        sa.select(Appeal)
        .where(Appeal.id == appeal_id)
        .options(selectinload(Appeal.applicant), selectinload(Appeal.drafts))
    ).one()


def _render(
    ctx: Context,
    appeal: Appeal,
    plan: PlannedDraft,
    inputs: LetterInputs,
    *,
    today: dt.date,
    out_number: str | None = None,
) -> bytes:
    context = letter_context(
        appeal, plan, ctx.settings.org, today, inputs, out_number, calendar=ctx.calendar
    )
    letter = ctx.renderer.letter(plan.template, appeal.regime, context)
    return ctx.renderer.pdfs([letter])[0]


def _store_pdf(ctx: Context, appeal: Appeal, row: Draft, pdf: bytes, suffix: str = "") -> None:
    path = draft_path(ctx, appeal.reg_number, row.type, row.version)
    if suffix:
        path = path.with_name(f"{path.stem}-{suffix}.pdf")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(pdf)
    row.pdf_path = str(path)
    row.pdf_hash = ctx.blobs.put(pdf)


def _audit(s: Session, action: str, row: Draft, actor: str, **detail: str | int) -> None:
    audit(s, action, actor=actor, item_id=None, appeal_id=row.appeal_id, draft_id=row.id, **detail)


def _plan(row_type: str, ground: str | None) -> PlannedDraft:
    kind = letter_type(row_type, ground)
    return PlannedDraft(kind.type, kind.template, kind.ground)


def create_draft(
    ctx: Context,
    appeal_id: int,
    type_: str,
    *,
    ground: str | None = None,
    inputs: LetterInputs | None = None,
    actor: str,
) -> int:
    """Start a letter of any type for an appeal; its next version if one exists."""
    inputs = inputs or LetterInputs()
    plan = _plan(type_, ground)
    with transaction(ctx.db) as s:
        appeal = _appeal(s, appeal_id)
        if plan.ground == "repeat" and not inputs.earlier_answers:
            inputs = replace(inputs, earlier_answers=earlier_answers(s, appeal))
        same = [d for d in appeal.drafts if d.type == plan.type]
        for old in same:
            if old.status == DraftStatus.draft:
                old.status = DraftStatus.superseded
        row = Draft(
            appeal_id=appeal_id,
            type=plan.type,
            ground=plan.ground,
            version=max((d.version for d in same), default=0) + 1,
            status=DraftStatus.draft,
            body=inputs.body,
            inputs=inputs.as_dict(),
            recipient=recipient(appeal),
        )
        _store_pdf(ctx, appeal, row, _render(ctx, appeal, plan, inputs, today=ctx.today()))
        s.add(row)
        s.flush()
        _audit(s, "draft_created", row, actor, type=type_)
        return row.id


def edit_draft(
    ctx: Context,
    draft_id: int,
    new_text: str | None,
    actor: str,
    inputs: LetterInputs | None = None,
) -> int:
    """Store staff's new text as the next version, re-rendered; returns the new draft's id.

    ``new_text=None`` keeps the text: a re-render after the appeal's fields were corrected.
    """
    with transaction(ctx.db) as s:
        old = s.get(Draft, draft_id, with_for_update=True)
        if old is None:
            raise NotFound(f"проекта письма № {draft_id} нет")
        if old.status not in OPEN_DRAFTS:
            raise DraftStateError(
                f"письмо № {draft_id}: {DRAFT_STATUSES[old.status].lower()}; "
                "исправляйте его последнюю версию"
            )
        appeal = _appeal(s, old.appeal_id)
        base = inputs or LetterInputs.from_dict(old.inputs)
        new_text = base.body if new_text is None else new_text
        new_inputs = replace(base, body=new_text)
        plan = _plan(old.type, old.ground)
        row = Draft(
            appeal_id=old.appeal_id,
            type=old.type,
            ground=old.ground,
            version=max(d.version for d in appeal.drafts if d.type == old.type) + 1,
            status=DraftStatus.draft,
            body=new_text,
            inputs=new_inputs.as_dict(),
            recipient=recipient(appeal),
        )
        _store_pdf(ctx, appeal, row, _render(ctx, appeal, plan, new_inputs, today=ctx.today()))
        old.status = DraftStatus.superseded
        s.add(row)
        s.flush()
        _audit(s, "draft_edited", row, actor, previous=draft_id, version=row.version)
        return row.id


def assign_outgoing_number(session: Session, org: OrgProfile, day: dt.date) -> str:
    """The next outgoing number of the year, inside the caller's transaction (gapless)."""
    seq = next_number(session, OUTGOING, day.year)
    return f"{org.out_prefix}{day.year}-{seq:06d}"


def approve_draft(ctx: Context, draft_id: int, actor: str) -> str:
    """Finalise a letter: outgoing number and date, final PDF; returns the number.

    A record for the file («В дело») is not an outgoing letter: it is dated and
    signed but takes no number, and the returned string is empty.  The letter's
    signatory is kept with it, for the journal's «Подписал»."""
    today = ctx.today()
    with transaction(ctx.db) as s:
        row = s.get(Draft, draft_id, with_for_update=True)
        if row is None:
            raise NotFound(f"проекта письма № {draft_id} нет")
        if row.status != DraftStatus.draft:
            raise DraftStateError(
                f"письмо № {draft_id} не утвердить: {DRAFT_STATUSES[row.status].lower()}"
            )
        appeal = _appeal(s, row.appeal_id)
        if any(d.type == row.type and d.version > row.version for d in appeal.drafts):
            raise DraftStateError(f"письмо № {draft_id} — не последняя версия")
        org = ctx.settings.org
        numbered = letter_type(row.type, row.ground).numbered
        number = assign_outgoing_number(s, org, today) if numbered else None
        inputs = LetterInputs.from_dict(row.inputs)
        pdf = _render(
            ctx, appeal, _plan(row.type, row.ground), inputs, today=today, out_number=number
        )
        _store_pdf(ctx, appeal, row, pdf, suffix="approved")
        row.out_number, row.out_date, row.approved_by = number, today, actor
        row.approved_at, row.comment = utcnow(), None
        row.inputs = {**row.inputs, SIGNATORY: f"{org.signatory_position} {org.signatory_name}"}
        row.status = DraftStatus.approved
        _audit(s, "draft_approved", row, actor, out_number=number or "")
        index_appeal(s, appeal)  # the outgoing number is searchable from now on
        return number or ""
