"""Stage 4: the letters an appeal calls for, rendered as PDF drafts for a person to approve."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from letters.drafting import LetterInputs, PlannedDraft, letter_context, plan_drafts
from letters.pdf import LetterDoc
from pismo.context import Context
from pismo.stages.history import earlier_answers
from pismo.states import APPEAL_STATUS_OF, DraftStatus, ItemState
from store.db import transaction
from store.models import Appeal, Draft, InboundItem
from store.registration import audit


def draft(ctx: Context, appeal_id: int) -> list[str]:
    """Render the drafts the appeal calls for that it does not have yet; their PDF paths."""
    return draft_many(ctx, [appeal_id])[appeal_id]


@dataclass(frozen=True)
class _Planned:
    appeal_id: int
    reg_number: str
    plan: PlannedDraft
    inputs: LetterInputs
    letter: LetterDoc


def draft_many(ctx: Context, appeal_ids: Sequence[int]) -> dict[int, list[str]]:
    """``draft`` for many appeals at once: the engine lays out all their letters and
    writes them as one PDF, then splits it (letters.pdf), which costs far less per
    letter than one document each."""
    today = ctx.today()
    planned: list[_Planned] = []
    with transaction(ctx.db) as s:
        appeals = s.scalars(
            sa.select(Appeal)
            .where(Appeal.id.in_(appeal_ids))
            .options(selectinload(Appeal.applicant), selectinload(Appeal.drafts))
        ).all()
        for appeal in appeals:
            # A superseded letter is no letter: a correction may call for it again.
            have = {d.type for d in appeal.drafts if d.status != DraftStatus.superseded}
            for plan in plan_drafts(appeal):
                if plan.type not in have:
                    inputs = _inputs(s, appeal, plan)
                    context = letter_context(
                        appeal, plan, ctx.settings.org, today, inputs, calendar=ctx.calendar
                    )
                    letter = ctx.renderer.letter(plan.template, appeal.regime, context)
                    planned.append(_Planned(appeal.id, appeal.reg_number, plan, inputs, letter))
    rendered: dict[int, list[tuple[_Planned, bytes]]] = {appeal_id: [] for appeal_id in appeal_ids}
    for p, pdf in zip(planned, ctx.renderer.pdfs([p.letter for p in planned]), strict=True):
        rendered[p.appeal_id].append((p, pdf))
    return {appeal_id: _store_drafts(ctx, appeal_id, r) for appeal_id, r in rendered.items()}


def _inputs(s: Session, appeal: Appeal, plan: PlannedDraft) -> LetterInputs:
    """What the store knows that the letter names, kept with the draft so that an
    edit or the approval renders the same: a repeat notice's earlier answers."""
    if plan.ground == "repeat":
        return LetterInputs(earlier_answers=earlier_answers(s, appeal))
    return LetterInputs()


def _store_drafts(
    ctx: Context, appeal_id: int, rendered: list[tuple[_Planned, bytes]]
) -> list[str]:
    """One appeal's new drafts, and its state moved on to ``drafted``, in one transaction."""
    paths = []
    with transaction(ctx.db) as s:
        # The appeal's row lock makes the check below and the insert one step
        # for concurrent processes on PostgreSQL (SQLite serialises writers anyway).
        s.get_one(Appeal, appeal_id, with_for_update=True)
        for planned, pdf in rendered:
            plan = planned.plan
            versions = s.execute(
                sa.select(Draft.version, Draft.status).where(
                    Draft.appeal_id == appeal_id, Draft.type == plan.type
                )
            ).all()
            if any(status != DraftStatus.superseded for _, status in versions):
                continue  # another process drafted it meanwhile
            version = max((v for v, _ in versions), default=0) + 1
            path = draft_path(ctx, planned.reg_number, plan.type, version)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(pdf)
            row = Draft(
                appeal_id=appeal_id,
                type=plan.type,
                ground=plan.ground,
                version=version,
                status=DraftStatus.draft,
                pdf_path=str(path),
                pdf_hash=ctx.blobs.put(pdf),
                inputs=planned.inputs.as_dict(),
                recipient=recipient(s.get_one(Appeal, appeal_id)),
            )
            s.add(row)
            s.flush()
            audit(s, "drafted", appeal_id=appeal_id, draft_id=row.id, type=plan.type)
            paths.append(str(path))
        s.execute(
            sa.update(InboundItem)
            .where(InboundItem.appeal_id == appeal_id, InboundItem.state == ItemState.registered)
            .values(state=ItemState.drafted)
        )
        s.execute(
            sa.update(Appeal)
            .where(Appeal.id == appeal_id, Appeal.status == APPEAL_STATUS_OF[ItemState.registered])
            .values(status=APPEAL_STATUS_OF[ItemState.drafted])
        )
    return paths


def recipient(appeal: Appeal) -> str | None:
    """The e-mail address a reply goes to: the applicant's (reading chose it by LAW.md's
    rule, a person may correct it) for an e-mail appeal that asks for no paper reply."""
    email = appeal.applicant.email
    if appeal.channel == "email" and email and not appeal.wants_paper_reply:
        return email
    return None


def draft_path(ctx: Context, reg_number: str, kind: str, version: int = 1) -> Path:
    safe = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in reg_number)
    return ctx.settings.drafts_dir / safe / f"{kind}-v{version}.pdf"
