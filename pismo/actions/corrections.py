"""A person's corrections of what reading proposed: fields, kind, category, department,
letter date, the applicant's gender, grounds and defects.

Each correction is one transaction with an audit event (who, when, the old and
the new value; for the applicant's personal details the field's name only,
since the audit log keeps no personal data).  The terms and the letters
follow: the deadlines are counted again from the corrected kind and grounds;
a planned letter the appeal no longer calls for is superseded, one it now
calls for is drafted, and the open ones it keeps are re-rendered (a corrected
gender changes the dative, a corrected kind the terms).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from intake.checks import CITATIONS, Finding, ground, missing_sender_details
from letters.drafting import plan_drafts
from pismo.actions import drafts, transcription
from pismo.actions.common import load_appeal, require
from pismo.actions.staff import Staff
from pismo.context import Context
from pismo.errors import Conflict, Invalid
from pismo.stages.draft import draft_many
from pismo.states import OPEN_DRAFTS, DraftStatus, Role
from store.db import transaction
from store.deadlines import compute_deadlines
from store.models import Appeal
from store.registration import audit
from store.reports import CATEGORIES, KINDS

APPLICANT_FIELDS = ("surname", "name", "patronymic", "postcode", "postal_address", "email", "phone")
APPEAL_FIELDS = ("account", "contract")
CODED_FIELDS = ("kind", "category", "department", "letter_date", "gender")
EDITABLE_FIELDS = APPLICANT_FIELDS + APPEAL_FIELDS + CODED_FIELDS
GENDERS = {"masc": "мужской", "femn": "женский"}
DEFECTS = {
    "address-unrecognised": "59-FZ Art. 7 p.1",
    "surname-unrecognised": "59-FZ Art. 7 p.1",
    "unsigned": "59-FZ Art. 7 p.1",
    "no-contract-copy": "126-FZ Art. 55 p.6",
    "text-unreadable": "59-FZ Art. 11 p.4",
}
# The letters drafting plans by itself (letters.drafting.plan_drafts); staff's own
# (an answer, an extension, a request to supplement) are never superseded by a correction.
PLANNED_TYPES = frozenset({"acknowledgment", "no-answer", "notice", "forwarding", "cover"})


def correct_field(ctx: Context, appeal_id: int, field: str, value: str, actor: Staff) -> None:
    """Fix what reading got wrong; the grounds, terms and letters that depend on it follow."""
    require(actor, Role.clerk)
    if field not in EDITABLE_FIELDS:
        raise Invalid(f"поле «{field}» не исправляется")
    cleaned = _cleaned(ctx, field, value)
    with transaction(ctx.db) as s:
        appeal = load_appeal(s, appeal_id, lock=True)
        old = _value(appeal, field)
        if old == cleaned:
            return
        if field == "email":
            _readdress_approved(s, appeal, cleaned, actor)
        _set(ctx, appeal, field, cleaned)
        before = appeal.grounds
        after = _refresh_grounds(appeal)
        _recount(ctx, appeal)
        detail: dict[str, Any] = {"field": field, "grounds_before": before, "grounds_after": after}
        if field not in APPLICANT_FIELDS:
            detail |= {"old": _shown(old), "new": _shown(cleaned)}
        audit(s, "corrected", actor=actor.name, appeal_id=appeal_id, **detail)
    redraft(ctx, appeal_id, actor)


def correct_finding(
    ctx: Context, appeal_id: int, what: str, code: str, action: str, reason: str, actor: Staff
) -> None:
    """A ground (``what="grounds"``) or a defect (``"defects"``) added or dismissed,
    with the person's reason; the terms and letters follow."""
    require(actor, Role.clerk)
    known = CITATIONS if what == "grounds" else DEFECTS
    if what not in ("grounds", "defects") or code not in known:
        raise Invalid(f"неизвестный код: {code}")
    if action not in ("add", "dismiss"):
        raise Invalid("действие: add (добавить) или dismiss (отклонить)")
    if not reason.strip():
        raise Invalid("укажите причину")
    reason = " ".join(reason.split())
    with transaction(ctx.db) as s:
        appeal = load_appeal(s, appeal_id, lock=True)
        findings = dict(appeal.findings)
        present = list(findings.get(what, []))
        codes = [f["code"] for f in present]
        dismissed = list(findings.get("dismissed", []))
        if action == "add":
            if code in codes:
                raise Invalid(f"{code} уже есть")
            evidence = f"добавлено: {actor.name}: {reason}"
            found = ground(code, evidence) if what == "grounds" else Finding(code, known[code], "")
            present.append({**dataclasses.asdict(found), "evidence": evidence})
            dismissed = [d for d in dismissed if d["code"] != code]
        else:
            if code not in codes:
                raise Invalid(f"{code} не предложено")
            present = [f for f in present if f["code"] != code]
            dismissed.append({"code": code, "what": what, "by": actor.name, "reason": reason})
        appeal.findings = {**findings, what: present, "dismissed": dismissed}
        _recount(ctx, appeal)
        audit(
            s,
            f"{what[:-1]}_{'added' if action == 'add' else 'dismissed'}",
            actor=actor.name,
            appeal_id=appeal_id,
            code=code,
            reason=reason,
            old=codes,
            new=[f["code"] for f in present],
        )
    redraft(ctx, appeal_id, actor)


def redraft(ctx: Context, appeal_id: int, actor: Staff) -> None:
    """The open letters after a correction: a planned one the appeal no longer calls
    for superseded, the others re-rendered as a new version (their text kept, their
    recipient the current one: a new address needs a new approval), the newly
    called-for drafted."""
    with transaction(ctx.db) as s:
        appeal = load_appeal(s, appeal_id, lock=True)
        wanted = {(p.type, p.ground) for p in plan_drafts(appeal)}
        kept = []
        for d in appeal.drafts:
            if d.status not in OPEN_DRAFTS:
                continue
            if d.type not in PLANNED_TYPES or (d.type, d.ground) in wanted:
                kept.append(d.id)
            else:
                d.status = DraftStatus.superseded
                audit(s, "superseded", actor=actor.name, appeal_id=appeal_id, draft_id=d.id)
    for draft_id in kept:
        drafts.edit_draft(ctx, draft_id, None, actor.name)
    draft_many(ctx, [appeal_id])


def transcribe(
    ctx: Context, appeal_id: int, text: str, actor: Staff, illegible: bool = False
) -> None:
    """A person types the text of a scan OCR could not read, or confirms that it cannot
    be read; the appeal is then judged again on that text and drafted."""
    require(actor, Role.clerk)
    if not illegible and not text.strip():
        raise Invalid("наберите текст письма или подтвердите, что его нельзя прочитать")
    with transaction(ctx.db) as s:
        reg_number = load_appeal(s, appeal_id).reg_number
    transcription.transcribe(
        ctx, reg_number, None if illegible else text.replace("\r\n", "\n"), actor=actor.name
    )


def ground_record(code: str, evidence: str) -> dict[str, str | None]:
    return dataclasses.asdict(ground(code, evidence))


def _readdress_approved(s: Session, appeal: Appeal, address: str | None, actor: Staff) -> None:
    """An approved e-mail letter not yet sent keeps the address it was approved for:
    only an approver may change it, and that change is audited on the letter."""
    waiting = [d for d in appeal.drafts if d.status == DraftStatus.approved and d.recipient]
    if not waiting:
        return
    if not actor.may(Role.approver):
        raise Conflict(
            f"письмо № {waiting[0].id} уже утверждено и ждёт отправки на прежний адрес: "
            "адрес утверждённого письма меняет согласующий"
        )
    for d in waiting:
        d.recipient = address
        audit(s, "readdressed", actor=actor.name, appeal_id=appeal.id, draft_id=d.id)


def field_text(appeal: Appeal, field: str) -> str:
    """A field's value as a form shows it (a date as dd.mm.yyyy)."""
    value = _value(appeal, field)
    if isinstance(value, dt.date):
        return value.strftime("%d.%m.%Y")
    return "" if value is None else str(value)


def _cleaned(ctx: Context, field: str, value: str) -> Any:
    text: str | None = " ".join(value.split()) or None
    if field == "kind" and text not in KINDS:
        raise Invalid(f"вид обращения: {', '.join(KINDS.values())}")
    if field == "category" and text not in CATEGORIES:
        raise Invalid(f"категория: {', '.join(CATEGORIES.values())}")
    if field == "gender" and text is not None and text not in GENDERS:
        raise Invalid("пол: masc (мужской), femn (женский) или пусто (не известен)")
    if field == "letter_date" and text is not None:
        return _date(text)
    return text


def _date(text: str) -> dt.date:
    for form in ("%d.%m.%Y", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(text, form).date()
        except ValueError:
            continue
    raise Invalid(f"дата письма — дд.мм.гггг, а не «{text}»")


def _value(appeal: Appeal, field: str) -> Any:
    if field == "gender":
        return appeal.findings.get("gender")
    return getattr(appeal.applicant if field in APPLICANT_FIELDS else appeal, field)


def _set(ctx: Context, appeal: Appeal, field: str, value: Any) -> None:
    if field == "gender":
        appeal.findings = {**appeal.findings, "gender": value}
        return
    setattr(appeal.applicant if field in APPLICANT_FIELDS else appeal, field, value)
    if field == "category":  # each category routes to the department that owns it
        appeal.department = ctx.settings.departments.get(value, appeal.department)


def _shown(value: Any) -> Any:
    return value.isoformat() if isinstance(value, dt.date) else value


def _refresh_grounds(appeal: Appeal) -> list[str]:
    """Grounds that follow from the corrected fields (LAW.md, Art. 11 p.1); one a
    person dismissed stays dismissed."""
    person = appeal.applicant
    missing = missing_sender_details(
        surname=person.surname,
        postal_address=person.postal_address,
        channel=appeal.channel,
        wants_paper_reply=appeal.wants_paper_reply,
    )
    dismissed = {d["code"] for d in appeal.findings.get("dismissed", [])}
    wanted = {code: why is not None for code, why in missing.items()}
    grounds = [g for g in appeal.findings.get("grounds", []) if wanted.get(g["code"], True)]
    present = {g["code"] for g in grounds}
    for code, needed in wanted.items():
        if needed and code not in present and code not in dismissed:
            grounds.append(ground_record(code, "после исправления полей"))
    appeal.findings = {**appeal.findings, "grounds": grounds}
    return [g["code"] for g in grounds]


def _recount(ctx: Context, appeal: Appeal) -> None:
    """The terms from the appeal's kind and grounds as they now stand (an extension kept)."""
    tz = ZoneInfo(ctx.settings.org.timezone)
    terms = compute_deadlines(
        ctx.calendar,
        regime=appeal.regime,
        kind=appeal.kind,
        received=appeal.received_at.astimezone(tz).date(),
        registered=appeal.registered_at.astimezone(tz).date(),
        grounds=appeal.grounds,
        long_distance=bool(appeal.findings.get("long_distance")),
    )
    for name, value in dataclasses.asdict(terms).items():
        setattr(appeal, name, value)
