"""The formal checks of the law (LAW.md, «Grounds» and formal requirements).

A ground is a proposal to the person who approves the reply, never a final
decision; each carries its stable code, its citation and the evidence.
Defects are shortcomings that are not grounds to refuse (a claim without a
contract copy, an unsigned paper letter): noted, and asked for.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from intake.fields import Fields

CITATIONS = {
    "no-surname": "59-FZ Art. 11 p.1",
    "no-postal-address": "59-FZ Art. 11 p.1",
    "court-decision": "59-FZ Art. 11 p.2",
    "abusive": "59-FZ Art. 11 p.3",
    "illegible": "59-FZ Art. 11 p.4",
    "no-essence": "59-FZ Art. 11 p.4.1",
    "repeat": "59-FZ Art. 11 p.5",
    "claim-late": "126-FZ Art. 55 p.5",
    "not-competent": "59-FZ Art. 8 p.3",
    "state-secret": "59-FZ Art. 11 p.6",
}
# Grounds under which no answer at all is given to the sender.
NO_ANSWER = frozenset({"no-surname", "no-postal-address"})


@dataclass(frozen=True)
class Finding:
    code: str
    citation: str
    evidence: str
    # What the organisation's letter cites as the basis, when not the statute itself:
    # an operator applies 59-FZ's checks as its own regulation (LAW.md, «telecom»).
    basis: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Findings:
    grounds: tuple[Finding, ...]
    defects: tuple[Finding, ...]

    @property
    def codes(self) -> list[str]:
        return [g.code for g in self.grounds]

    def as_dict(self) -> dict[str, Any]:
        return {
            "grounds": [g.as_dict() for g in self.grounds],
            "defects": [d.as_dict() for d in self.defects],
        }


def ground(code: str, evidence: str) -> Finding:
    return Finding(code=code, citation=CITATIONS[code], evidence=evidence)


def missing_sender_details(
    *, surname: str | None, postal_address: str | None, channel: str, wants_paper_reply: bool
) -> dict[str, str | None]:
    """59-FZ Art. 11 p.1: each of its grounds with the evidence if it holds, else None.
    Reading uses it, and so does a person's correction of the fields."""
    paper = channel == "post" or wants_paper_reply
    why = "бумажное письмо" if channel == "post" else "просит ответ на бумаге"
    return {
        "no-surname": None if surname else "фамилии нет ни в письме, ни у отправителя",
        "no-postal-address": (
            f"{why} без почтового адреса" if paper and not postal_address else None
        ),
    }


def check(fields: Fields, *, channel: str, kind: str, attachment_count: int = 0) -> Findings:
    missing = missing_sender_details(
        surname=fields.surname,
        postal_address=fields.postal_address,
        channel=channel,
        wants_paper_reply=fields.wants_paper_reply,
    )
    defects: list[Finding] = []
    # LAW.md: these grounds only when nothing of the kind is there; what pismo could not
    # read is for a person to check, never a refusal.
    for code, defect, what, seen in (
        ("no-postal-address", "address-unrecognised", "адрес не распознан", fields.address_seen),
        ("no-surname", "surname-unrecognised", "фамилия не распознана", fields.surname_seen),
    ):
        if missing[code] and seen:
            missing[code] = None
            defects.append(Finding(defect, "59-FZ Art. 7 p.1", f"{what}: «{seen}»"))
    grounds = [ground(code, why) for code, why in missing.items() if why is not None]
    if channel == "post" and fields.signed is None:
        defects.append(Finding("unsigned", "59-FZ Art. 7 p.1", "подписи не найдено"))
    if kind == "claim" and attachment_count == 0:
        defects.append(
            Finding("no-contract-copy", "126-FZ Art. 55 p.6", "к претензии ничего не приложено")
        )
    return Findings(grounds=tuple(grounds), defects=tuple(defects))
