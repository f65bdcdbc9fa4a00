"""The words letters need that depend on the appeal: its kind's noun, outcomes, defects.

A notice that gives no answer on the merits calls the appeal «обращение» in
any regime (a claim is an appeal too); the words of an acknowledgment and an
answer follow its kind, and in the public regime a «претензия» is not a kind
of 59-FZ at all: it is an «обращение» there.
"""

from __future__ import annotations

from dataclasses import dataclass

OUTCOMES = {
    "satisfied": "удовлетворена",
    "partly": "удовлетворена частично",
    "refused": "оставлена без удовлетворения",
}
REFUSALS = frozenset({"partly", "refused"})  # 126-FZ Art. 55 p.9: the customer may sue


@dataclass(frozen=True)
class Noun:
    """An appeal's kind as sentences need it, in agreement."""

    yours: str  # «Ваша претензия»
    yours_acc: str  # «Вашу претензию»
    noun: str  # «претензия»
    genitive: str  # «претензии»
    received: str  # «поступившая»
    registered: str  # «зарегистрирована»
    registered_acc: str  # «зарегистрированную»
    will_be_considered: str  # «будет рассмотрена»
    feminine: bool

    def outcome(self, key: str | None) -> str:
        text = OUTCOMES.get(key or "", "")
        return text if self.feminine else text.replace("удовлетворена", "удовлетворено")


def _feminine(noun: str, yours: str, yours_acc: str, genitive: str) -> Noun:
    return Noun(
        yours,
        yours_acc,
        noun,
        genitive,
        "поступившая",
        "зарегистрирована",
        "зарегистрированную",
        "будет рассмотрена",
        True,
    )


def _neuter(noun: str, yours: str, genitive: str) -> Noun:
    return Noun(
        yours,
        yours,
        noun,
        genitive,
        "поступившее",
        "зарегистрировано",
        "зарегистрированное",
        "будет рассмотрено",
        False,
    )


NOUNS = {
    "claim": _feminine("претензия", "Ваша претензия", "Вашу претензию", "претензии"),
    "complaint": _feminine("жалоба", "Ваша жалоба", "Вашу жалобу", "жалобы"),
    "statement": _neuter("заявление", "Ваше заявление", "заявления"),
    "proposal": _neuter("предложение", "Ваше предложение", "предложения"),
    "appeal": _neuter("обращение", "Ваше обращение", "обращения"),
}


def noun_of(kind: str, regime: str) -> Noun:
    if kind == "claim" and regime != "telecom":
        return NOUNS["appeal"]
    return NOUNS.get(kind, NOUNS["appeal"])


# Defects an acknowledgment asks the sender to make good, by regime: the contract
# copy is 126-FZ's requirement of a claim, an operator's only.
DEFECT_REQUESTS = {
    "telecom": {
        "no-contract-copy": "копию договора об оказании услуг связи или иного документа, "
        "удостоверяющего факт заключения договора (пункт 6 статьи 55 Федерального закона "
        "«О связи»)",
    },
    "public": {},
}

# The secret an answer would disclose (59-FZ Art. 11 p.6): for an operator, the
# secrecy of communications of 126-FZ Art. 63.
SECRET = {
    "public": "государственную или иную охраняемую федеральным законом тайну",
    "telecom": "тайну связи, охраняемую федеральным законом",
}

NO_ANSWER_REASON = {
    "no-surname": "в обращении не указана фамилия гражданина, направившего обращение.",
    "no-postal-address": "в обращении не указан почтовый адрес, по которому должен быть "
    "направлен ответ.",
}
