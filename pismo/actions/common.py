"""What every staff action starts with: the role check and the rows it acts on."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from pismo.actions.staff import Staff
from pismo.errors import Forbidden, NotFound
from pismo.states import Role
from store.models import Appeal, Draft

ROLE_NAMES = {Role.clerk: "исполнитель", Role.approver: "согласующий", Role.admin: "администратор"}


def require(actor: Staff, role: Role) -> None:
    if not actor.may(role):
        raise Forbidden(
            f"{actor.name} ({ROLE_NAMES[actor.role]}) не может этого сделать: "
            f"нужна роль «{ROLE_NAMES[role]}»"
        )


def load_appeal(s: Session, appeal_id: int, lock: bool = False) -> Appeal:
    query = (
        sa.select(Appeal)
        .where(Appeal.id == appeal_id)
        .options(
            selectinload(Appeal.applicant), selectinload(Appeal.drafts), selectinload(Appeal.items)
        )
    )
    appeal = s.scalar(query.with_for_update(of=Appeal) if lock else query)
    if appeal is None:
        raise NotFound(f"обращения № {appeal_id} нет")
    return appeal


def load_draft(s: Session, draft_id: int, lock: bool = False) -> Draft:
    draft = s.get(Draft, draft_id, with_for_update=lock)
    if draft is None:
        raise NotFound(f"проекта письма № {draft_id} нет")
    return draft
