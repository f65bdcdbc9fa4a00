"""Which letters an appeal calls for, and what goes into each.

A valid appeal gets an acknowledgment.  A ground from LAW.md gets its letter
(``letters.types``): a notice to the sender quoting the statute, a forwarding
notice for ``not-competent``; where the law says no answer is given at all
(no surname, no postal address), the draft is a record for the file instead,
which the approver signs off.  Answers on the merits, extensions and requests
to supplement are started by staff with their own text (``LetterInputs``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from intake.checks import NO_ANSWER
from letters.declension import dative, salutation
from letters.render import regulation_ablt, statutes
from letters.types import LetterType, letter_type, types_of_ground
from letters.wording import (
    DEFECT_REQUESTS,
    NO_ANSWER_REASON,
    OUTCOMES,
    REFUSALS,
    SECRET,
    Noun,
    noun_of,
)
from pismo.errors import Forbidden
from pismo.settings import OrgProfile
from pismo.states import AppealStatus
from store.deadlines import PAYMENT_DAYS, ProductionCalendar
from store.models import Appeal

__all__ = ["OUTCOMES", "LetterInputs", "PlannedDraft", "letter_context", "plan_drafts"]


@dataclass(frozen=True)
class PlannedDraft:
    type: str  # a LetterType's type: "acknowledgment", "notice", "no-answer", ...
    template: str
    ground: str | None = None


@dataclass(frozen=True)
class LetterInputs:
    """What a staff member adds to a letter; the rest comes from the appeal and the law."""

    body: str = ""  # their own text, paragraphs separated by blank lines
    outcome: str | None = None  # answer: a key of OUTCOMES
    amount: str | None = None  # answer: money to pay or recalculate, e.g. "300,00 руб."
    pay_days: int = PAYMENT_DAYS  # answer: term to pay, days (2300-1 Art. 31 p.1)
    pay_by: dt.date | None = None  # answer: the date money is paid by, if staff set one
    forward_to: str | None = None  # forwarding: the competent body's name (nominative)
    forward_address: str | None = None  # forwarding: its address, for the cover letter
    extended_to: dt.date | None = None  # extension: the new answer date
    reason: str | None = None  # extension: why
    decision: str | None = None  # repeat: the head's decision, «от 05.12.2026 № 15»
    earlier_answers: tuple[str, ...] = ()  # repeat: «от 03.11.2026 № ИСХ-2026-000005»
    answer_url: str | None = None  # published-answer: the page where the answer is
    attachments: tuple[str, ...] = ()  # «Приложение:» lines; empty: the type's own

    def as_dict(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        for key in _DATES:
            data[key] = data[key].isoformat() if data[key] else None
        for key in _TUPLES:
            data[key] = list(data[key])
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> LetterInputs:
        known = {f.name for f in dataclasses.fields(cls)}
        values = {k: v for k, v in data.items() if k in known}
        for key in _DATES:
            if values.get(key):
                values[key] = dt.date.fromisoformat(values[key])
        for key in _TUPLES:
            values[key] = tuple(values.get(key) or ())
        return cls(**values)


_DATES = ("pay_by", "extended_to")
_TUPLES = ("earlier_answers", "attachments")


def plan_drafts(appeal: Appeal) -> list[PlannedDraft]:
    """The drafts an appeal calls for on registration; none while its text waits for a person.

    Answers, extensions and requests to supplement are started by staff
    (``pismo.actions.drafts.create_draft``), not planned here.
    """
    if appeal.status == AppealStatus.needs_transcription:
        return []
    for code in appeal.grounds:
        if code in NO_ANSWER:
            return [PlannedDraft("no-answer", "no-answer", code)]
    for code in appeal.grounds:
        if kinds := types_of_ground(code, appeal.regime):
            return [PlannedDraft(k.type, k.template, code) for k in kinds]
    return [PlannedDraft("acknowledgment", "acknowledgment")]


def russian_date(value: dt.date | dt.datetime | None, tz: ZoneInfo, empty: str = "—") -> str:
    """«23.11.2026»; a moment is dated by the organisation's calendar day."""
    if value is None:
        return empty
    if isinstance(value, dt.datetime):
        value = value.astimezone(tz).date()
    return value.strftime("%d.%m.%Y")


def _paragraphs(text: str) -> list[str]:
    return [" ".join(p.split()) for p in text.replace("\r\n", "\n").split("\n\n") if p.strip()]


def _basis(kind: LetterType, org: OrgProfile) -> dict[str, Any]:
    """The provision the letter rests on: the statute, or in the telecom regime the regulation."""
    if org.regime == "telecom" and not kind.operator_bound:
        return _regulation(org)
    entry = statutes()[kind.statute]
    return {**entry, "text": entry.get("text")}


def _regulation(org: OrgProfile) -> dict[str, Any]:
    name = org.regulation
    return {"citation": name, "citation_ablt": regulation_ablt(name), "text": None}


def _statute(key: str, org: OrgProfile, *, operator_bound: bool = False) -> dict[str, Any]:
    """A provision a letter also names (not its basis): the regulation where 59-FZ
    binds an operator only as its own policy."""
    if org.regime == "telecom" and not operator_bound:
        return _regulation(org)
    return statutes()[key]


def _term_basis(appeal: Appeal, org: OrgProfile) -> dict[str, Any]:
    """What sets the answer term: 126-FZ Art. 55 p.7 for a claim to an operator, p.8
    for one about long-distance, international or roaming calls."""
    if org.regime == "telecom" and appeal.kind == "claim":
        key = "126-fz-55-8" if appeal.findings.get("long_distance") else "126-fz-55-7"
        return statutes()[key]
    return _statute("59-fz-12-1", org)


def _appeal_date(appeal: Appeal, tz: ZoneInfo) -> str:
    """The appeal's own date (the one it bears), else the day it was received: the
    header's «На №» and every body name the same date."""
    return russian_date(appeal.letter_date or appeal.received_at, tz)


def _their_ref(appeal: Appeal, tz: ZoneInfo, noun: Noun) -> str:
    """«На № … от …»: our number and date, with the sender's own date if the letter bears one."""
    ours = f"{appeal.reg_number} от {russian_date(appeal.registered_at, tz)}"
    if appeal.letter_date:
        what = noun.yours_acc.split(" ", 1)[1]  # «на претензию», «на обращение»
        return f"{ours} (на {what} от {russian_date(appeal.letter_date, tz)})"
    return ours


@functools.cache
def _calendar() -> ProductionCalendar:
    return ProductionCalendar()


def pay_by(
    appeal: Appeal, inputs: LetterInputs, today: dt.date, calendar: ProductionCalendar, tz: ZoneInfo
) -> tuple[dt.date, bool]:
    """The date money owed under an accepted claim is paid by, and whether it is the
    statutory one (2300-1 Art. 31 p.1: ten days from the demand).  LAW.md: a letter
    never promises a term already run out; it names a date still ahead."""
    if inputs.pay_by:
        return inputs.pay_by, False
    presented = appeal.received_at.astimezone(tz).date()
    legal = calendar.calendar_term(presented, inputs.pay_days)
    if legal >= today:
        return legal, True
    return calendar.calendar_term(today, inputs.pay_days), False


def _forward_to(appeal: Appeal, inputs: LetterInputs) -> str | None:
    """The competent body: staff's, else the one the reading named in its finding."""
    if inputs.forward_to:
        return inputs.forward_to
    for found in appeal.findings.get("grounds", []):
        if found.get("code") == "not-competent" and found.get("evidence"):
            return str(found["evidence"]).split(":", 1)[0].strip() or None
    return None


def _full_name(appeal: Appeal) -> str:
    p = appeal.applicant
    return " ".join(x for x in (p.surname, p.name, p.patronymic) if x)


def _attachments(kind: LetterType, inputs: LetterInputs, appeal_ref: str) -> list[str]:
    """Staff's list, else what the type returns or sends with it (the appeal itself)."""
    if inputs.attachments:
        return list(inputs.attachments)
    if (kind.type, kind.ground) == ("notice", "court-decision") or kind.type == "cover":
        return [f"обращение {appeal_ref} с приложенными к нему документами"]
    return []


def letter_context(
    appeal: Appeal,
    plan: PlannedDraft,
    org: OrgProfile,
    today: dt.date,
    inputs: LetterInputs | None = None,
    out_number: str | None = None,
    calendar: ProductionCalendar | None = None,
) -> dict[str, Any]:
    inputs = inputs or LetterInputs()
    kind = letter_type(plan.type, plan.ground)
    regime = org.regime
    if regime not in kind.regimes:
        raise Forbidden(f"a {kind.type} letter on {kind.ground} is not one of the {regime} regime")
    if kind.type == "extension" and regime == "telecom" and appeal.kind == "claim":
        raise Forbidden("126-FZ gives a claim no extension of its answer term")
    tz = ZoneInfo(org.timezone)
    person = appeal.applicant
    args = (person.surname, person.name, person.patronymic, appeal.findings.get("gender"))
    address_lines = [person.postal_address] if person.postal_address else []
    if person.email and not appeal.wants_paper_reply:
        address_lines.append(person.email)
    noun = noun_of(appeal.kind, regime)
    heading = kind.heading_for(appeal.kind, regime)
    appeal_date = _appeal_date(appeal, tz)
    appeal_ref = f"от {appeal_date} (рег. № {appeal.reg_number})"
    is_claim = regime == "telecom" and appeal.kind == "claim"
    money_by, money_statutory = pay_by(appeal, inputs, today, calendar or _calendar(), tz)
    refused = inputs.outcome in REFUSALS if kind.type == "answer" else plan.ground == "claim-late"
    return {
        "title": f"{heading} ({appeal.reg_number})",
        "org": org,
        "kind": kind,
        "ground": plan.ground,
        "letter_date": today.strftime("%d.%m.%Y"),
        "out_number": out_number if kind.numbered else None,
        "their_ref": _their_ref(appeal, tz, noun),
        "addressee_dative": dative(*args) or "Заявителю",
        "address_lines": address_lines,
        "salutation": salutation(*args),
        "applicant_name": _full_name(appeal) or "фамилия не указана",
        "applicant_address": person.postal_address or person.email or "",
        "heading": heading,
        "reg_number": appeal.reg_number,
        "appeal_date": appeal_date,
        "received_date": russian_date(appeal.received_at, tz),
        "registered_date": russian_date(appeal.registered_at, tz),
        "answer_by": russian_date(appeal.answer_by, tz),
        "term_basis": _term_basis(appeal, org),
        "noun": noun,
        "is_claim": is_claim,
        "defects": [
            DEFECT_REQUESTS[regime][d["code"]]
            for d in appeal.findings.get("defects", [])
            if d["code"] in DEFECT_REQUESTS[regime]
        ],
        "channel_text": "по электронной почте" if appeal.channel == "email" else "по почте",
        "statute": _basis(kind, org),
        "again_basis": _statute("59-fz-11-7", org),
        "secret": SECRET[regime],
        "secrecy_basis": statutes()["126-fz-63"],
        "money_basis": statutes()["2300-1-31-1"]["citation_ablt"],
        "pay_by": money_by.strftime("%d.%m.%Y"),
        "pay_statutory": money_statutory,
        "may_sue": is_claim and refused,
        "sue_basis": statutes()["126-fz-55-9"],
        "no_answer_reason": NO_ANSWER_REASON.get(plan.ground or "", ""),
        "outcome_text": noun.outcome(inputs.outcome),
        "inputs": inputs,
        "forward_to": _forward_to(appeal, inputs),
        "website": inputs.answer_url or org.website,
        "extended_to": russian_date(inputs.extended_to, tz),
        "staff_paragraphs": _paragraphs(inputs.body),
        "attachments": _attachments(kind, inputs, appeal_ref),
    }
