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
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from intake.checks import NO_ANSWER
from letters.declension import dative, salutation
from letters.render import regulation_ablt, statutes
from letters.types import LetterType, letter_type, type_of_ground
from pismo.settings import OrgProfile
from pismo.states import AppealStatus
from store.models import Appeal

EXPLANATION = {
    "no-surname": "в обращении не указана фамилия гражданина, направившего обращение.",
    "no-postal-address": "в обращении не указан почтовый адрес, по которому должен быть "
    "направлен ответ.",
    "court-decision": "В обращении обжалуется судебное решение. Обращение возвращается Вам. "
    "Решение суда может быть обжаловано в порядке, установленном процессуальным "
    "законодательством: апелляционная, кассационная или надзорная жалоба подаётся через суд, "
    "вынесший решение, в сроки, указанные в решении.",
    "abusive": "Ваше обращение содержит нецензурные либо оскорбительные выражения или угрозы. "
    "Обращаем Ваше внимание на недопустимость злоупотребления правом.",
    "illegible": "Текст Вашего обращения не поддаётся прочтению, поэтому ответ на него "
    "не может быть дан.",
    "no-essence": "Текст Вашего обращения не позволяет определить суть предложения, "
    "заявления или жалобы, поэтому ответ на него не может быть дан.",
    "repeat": "Принято решение о безосновательности очередного обращения и прекращении "
    "переписки с Вами по данному вопросу.",
    "state-secret": "Ответ по существу поставленного в Вашем обращении вопроса не может быть "
    "дан в связи с недопустимостью разглашения сведений, составляющих охраняемую федеральным "
    "законом тайну связи.",
    "claim-late": "Претензия предъявлена по истечении шести месяцев со дня оказания услуги "
    "связи, отказа в её оказании или выставления счёта, то есть за пределами срока "
    "предъявления претензий, и поэтому отклоняется.",
}
OUTCOMES = {
    "satisfied": "удовлетворена",
    "partly": "удовлетворена частично",
    "refused": "оставлена без удовлетворения",
}


@dataclass(frozen=True)
class Noun:
    """An appeal's kind as the acknowledgment's sentences need it, in agreement."""

    yours: str
    genitive: str
    received: str
    registered: str
    will_be_considered: str
    considered: str


NOUNS = {
    "claim": Noun(
        "Ваша претензия",
        "претензии",
        "поступившая",
        "зарегистрирована",
        "будет рассмотрена",
        "рассмотрена",
    ),
    "complaint": Noun(
        "Ваша жалоба",
        "жалобы",
        "поступившая",
        "зарегистрирована",
        "будет рассмотрена",
        "рассмотрена",
    ),
    "statement": Noun(
        "Ваше заявление",
        "заявления",
        "поступившее",
        "зарегистрировано",
        "будет рассмотрено",
        "рассмотрено",
    ),
    "proposal": Noun(
        "Ваше предложение",
        "предложения",
        "поступившее",
        "зарегистрировано",
        "будет рассмотрено",
        "рассмотрено",
    ),
}
DEFECT_REQUESTS = {
    "no-contract-copy": "копию договора об оказании услуг связи или иного документа, "
    "удостоверяющего факт заключения договора (пункт 6 статьи 55 Федерального закона "
    "«О связи»)",
}


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
    pay_days: int = 10  # answer: term to pay, days (2300-1 Art. 31 p.1)
    forward_to: str | None = None  # forwarding: the competent body, in the dative case
    extended_to: dt.date | None = None  # extension: the new answer date
    reason: str | None = None  # extension: why
    attachments: tuple[str, ...] = ()  # «Приложение:» lines

    def as_dict(self) -> dict[str, Any]:
        data = dataclasses.asdict(self)
        data["extended_to"] = self.extended_to.isoformat() if self.extended_to else None
        data["attachments"] = list(self.attachments)
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> LetterInputs:
        known = {f.name for f in dataclasses.fields(cls)}
        values = {k: v for k, v in data.items() if k in known}
        if values.get("extended_to"):
            values["extended_to"] = dt.date.fromisoformat(values["extended_to"])
        values["attachments"] = tuple(values.get("attachments") or ())
        return cls(**values)


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
        if (kind := type_of_ground(code)) is not None:
            return [PlannedDraft(kind.type, kind.template, code)]
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
        name = org.regulation
        return {"citation": name, "citation_ablt": regulation_ablt(name), "text": None}
    entry = statutes()[kind.statute]
    return {**entry, "text": entry.get("text")}


def _term_basis(appeal: Appeal, org: OrgProfile) -> str:
    if org.regime == "telecom" and appeal.kind == "claim":
        return str(statutes()["126-fz-55-7"]["citation"])
    if org.regime == "telecom":
        return org.regulation
    return str(statutes()["59-fz-12-1"]["citation"])


def _their_ref(appeal: Appeal, tz: ZoneInfo) -> str:
    """«На № … от …»: the sender's own date if the letter bears one, with our number."""
    ours = f"{appeal.reg_number} от {russian_date(appeal.registered_at, tz)}"
    if appeal.letter_date:
        return f"{ours} (на обращение от {russian_date(appeal.letter_date, tz)})"
    return ours


def letter_context(
    appeal: Appeal,
    plan: PlannedDraft,
    org: OrgProfile,
    today: dt.date,
    inputs: LetterInputs | None = None,
    out_number: str | None = None,
) -> dict[str, Any]:
    inputs = inputs or LetterInputs()
    kind = letter_type(plan.type, plan.ground)
    tz = ZoneInfo(org.timezone)
    person = appeal.applicant
    args = (person.surname, person.name, person.patronymic, appeal.findings.get("gender"))
    address_lines = [person.postal_address] if person.postal_address else []
    if person.email and not appeal.wants_paper_reply:
        address_lines.append(person.email)
    noun = NOUNS.get(appeal.kind, NOUNS["statement"])
    heading = kind.heading_for(appeal.kind)
    return {
        "title": f"{heading} ({appeal.reg_number})",
        "org": org,
        "kind": kind,
        "ground": plan.ground,
        "letter_date": today.strftime("%d.%m.%Y"),
        "out_number": out_number,
        "their_ref": _their_ref(appeal, tz),
        "addressee_dative": dative(*args) or "Заявителю",
        "address_lines": address_lines,
        "salutation": salutation(*args),
        "heading": heading,
        "reg_number": appeal.reg_number,
        "received_date": russian_date(appeal.received_at, tz),
        "registered_date": russian_date(appeal.registered_at, tz),
        "answer_by": russian_date(appeal.answer_by, tz),
        "term_basis": _term_basis(appeal, org),
        "noun": noun,
        "is_claim": appeal.kind == "claim",
        "defects": [
            DEFECT_REQUESTS[d["code"]]
            for d in appeal.findings.get("defects", [])
            if d["code"] in DEFECT_REQUESTS
        ],
        "channel_text": "по электронной почте" if appeal.channel == "email" else "по почте",
        "statute": _basis(kind, org),
        "money_basis": statutes()["2300-1-31-1"]["citation_ablt"],
        "ground_explanation": EXPLANATION.get(plan.ground or "", ""),
        "outcome_text": OUTCOMES.get(inputs.outcome or "", ""),
        "inputs": inputs,
        "extended_to": russian_date(inputs.extended_to, tz),
        "staff_paragraphs": _paragraphs(inputs.body),
        "attachments": list(inputs.attachments),
    }
