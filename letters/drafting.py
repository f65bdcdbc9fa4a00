"""Which letters an appeal calls for, and what goes into each.

A valid appeal gets an acknowledgment.  A ground from LAW.md gets its notice
to the sender, quoting the statute; where the law says no answer is given at
all (no surname, no postal address), the draft is a record for the file
instead, which the approver signs off.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from intake.checks import NO_ANSWER
from letters.declension import dative, salutation
from letters.render import statutes
from settings import OrgProfile
from store.models import Appeal

STATUTE_OF_GROUND = {
    "no-surname": "59-fz-11-1",
    "no-postal-address": "59-fz-11-1",
    "court-decision": "59-fz-11-2",
    "abusive": "59-fz-11-3",
    "illegible": "59-fz-11-4",
    "no-essence": "59-fz-11-4.1",
    "repeat": "59-fz-11-5",
}
EXPLANATION = {
    "no-surname": "в обращении не указана фамилия гражданина, направившего обращение.",
    "no-postal-address": "в обращении не указан почтовый адрес, по которому должен быть "
    "направлен ответ.",
    "court-decision": "в обращении обжалуется судебное решение. Решение суда может быть "
    "обжаловано в порядке, установленном процессуальным законодательством, путём подачи "
    "жалобы через суд, вынесший решение.",
    "abusive": "Обращаем Ваше внимание на недопустимость злоупотребления правом.",
    "illegible": "Текст Вашего обращения не поддаётся прочтению, поэтому ответ на него "
    "не может быть дан.",
    "no-essence": "Текст Вашего обращения не позволяет определить суть предложения, "
    "заявления или жалобы, поэтому ответ на него не может быть дан.",
    "repeat": "Принято решение о безосновательности очередного обращения и прекращении "
    "переписки с Вами по данному вопросу.",
}
HEADINGS = {
    "acknowledgment": "О регистрации обращения",
    "notice": "О результатах рассмотрения обращения",
    "no-answer": "Заключение об оставлении обращения без ответа",
}


@dataclass(frozen=True)
class Noun:
    """An appeal's kind as the acknowledgment's sentences need it, in agreement."""

    yours: str
    genitive: str
    received: str
    registered: str
    will_be_considered: str


NOUNS = {
    "claim": Noun(
        "Ваша претензия", "претензии", "поступившая", "зарегистрирована", "будет рассмотрена"
    ),
    "complaint": Noun(
        "Ваша жалоба", "жалобы", "поступившая", "зарегистрирована", "будет рассмотрена"
    ),
    "statement": Noun(
        "Ваше заявление", "заявления", "поступившее", "зарегистрировано", "будет рассмотрено"
    ),
    "proposal": Noun(
        "Ваше предложение", "предложения", "поступившее", "зарегистрировано", "будет рассмотрено"
    ),
}
DEFECT_REQUESTS = {
    "no-contract-copy": "копию договора об оказании услуг связи или иного документа, "
    "удостоверяющего факт заключения договора (пункт 6 статьи 55 Федерального закона "
    "«О связи»)",
}


@dataclass(frozen=True)
class PlannedDraft:
    type: str  # "acknowledgment", "notice" or "no-answer"
    template: str
    ground: str | None = None


def plan_drafts(appeal: Appeal) -> list[PlannedDraft]:
    """The drafts an appeal needs; none while its text waits for a person."""
    if appeal.status == "needs_transcription":
        return []
    grounds = appeal.grounds
    for code in grounds:
        if code in NO_ANSWER:
            return [PlannedDraft("no-answer", "no-answer", code)]
    notices = [g for g in grounds if g in STATUTE_OF_GROUND]
    if notices:
        return [PlannedDraft("notice", "notice", notices[0])]
    return [PlannedDraft("acknowledgment", "acknowledgment")]


def _date(value: dt.date | dt.datetime | None, tz: ZoneInfo) -> str:
    if value is None:
        return "—"
    if isinstance(value, dt.datetime):
        value = value.astimezone(tz).date()
    return value.strftime("%d.%m.%Y")


def letter_context(
    appeal: Appeal, plan: PlannedDraft, org: OrgProfile, today: dt.date
) -> dict[str, Any]:
    tz = ZoneInfo(org.timezone)
    person = appeal.applicant
    args = (person.surname, person.name, person.patronymic, appeal.findings.get("gender"))
    address_lines = [person.postal_address] if person.postal_address else []
    if person.email and not appeal.wants_paper_reply:
        address_lines.append(person.email)
    statute = statutes()[STATUTE_OF_GROUND[plan.ground]] if plan.ground else None
    if org.regime == "telecom" and appeal.kind == "claim":
        term_basis = statutes()["126-fz-55-7"]["citation"]
    elif org.regime == "telecom":
        term_basis = org.regulation
    else:
        term_basis = statutes()["59-fz-12-1"]["citation"]
    return {
        "title": f"{HEADINGS[plan.type]} {appeal.reg_number}",
        "org": org,
        "letter_date": today.strftime("%d.%m.%Y"),
        "out_number": None,  # given when the letter is approved and sent
        "their_ref": f"{appeal.reg_number} от {_date(appeal.registered_at, tz)}",
        "addressee_dative": dative(*args) or "Заявителю",
        "address_lines": address_lines,
        "salutation": salutation(*args),
        "heading": HEADINGS[plan.type],
        "reg_number": appeal.reg_number,
        "received_date": _date(appeal.received_at, tz),
        "registered_date": _date(appeal.registered_at, tz),
        "answer_by": _date(appeal.answer_by, tz),
        "term_basis": term_basis,
        "noun": NOUNS.get(appeal.kind, NOUNS["statement"]),
        "defects": [
            DEFECT_REQUESTS[d["code"]]
            for d in appeal.findings.get("defects", [])
            if d["code"] in DEFECT_REQUESTS
        ],
        "channel_text": "по электронной почте" if appeal.channel == "email" else "по почте",
        "statute": statute,
        "ground_explanation": EXPLANATION.get(plan.ground or "", ""),
    }
