"""Every letter pismo drafts: its template, its heading, and the provision it rests on.

A letter type is a ``(type, ground)`` pair as the store keeps it in
``Draft.type`` / ``Draft.ground``: ``("notice", "abusive")``,
``("answer", None)``.  The statutory text itself is data
(``data/statutes.toml``), never template text, so a quote is fixed in one
place.

A type exists in the regimes whose law it applies (``regimes``): 126-FZ's
claim letters are an operator's, 59-FZ Art. 11 p.5.1 a public body's.
In the telecom regime the formal checks of 59-FZ are the operator's own
policy (LAW.md): a letter on such a ground cites the organisation's
regulation, not 59-FZ.  Provisions that bind an operator directly (126-FZ
Art. 55, 2300-1) are cited in both regimes.
"""

from __future__ import annotations

from dataclasses import dataclass

from pismo.errors import NotFound


@dataclass(frozen=True)
class LetterType:
    type: str
    ground: str | None
    template: str
    heading: str
    statute: str  # key in statutes.toml
    operator_bound: bool = False  # binds an operator itself: cited in the telecom regime too
    to_sender: bool = True  # False: not to the sender (a record for the file, a cover letter)
    regimes: tuple[str, ...] = ("public", "telecom")  # where the law behind it applies
    numbered: bool = True  # False: an internal record, which takes no outgoing number

    def heading_for(self, appeal_kind: str, regime: str = "telecom") -> str:
        # 126-FZ's «претензия» is an operator's word; a public body answers an «обращение».
        if appeal_kind == "claim" and regime == "telecom":
            return _CLAIM_HEADINGS.get(self.type, self.heading)
        return self.heading


_CLAIM_HEADINGS = {
    "answer": "О результатах рассмотрения претензии",
    "acknowledgment": "О регистрации претензии",
}


NO_ANSWER_HEADING = "О невозможности дать ответ по существу обращения"
PUBLIC, TELECOM = ("public",), ("telecom",)
TYPES: tuple[LetterType, ...] = (
    LetterType("acknowledgment", None, "acknowledgment", "О регистрации обращения", "59-fz-12-1"),
    LetterType("answer", None, "answer", "О результатах рассмотрения обращения", "59-fz-12-1"),
    LetterType(
        "no-answer",
        "no-surname",
        "no-answer",
        "Заключение",
        "59-fz-11-1",
        to_sender=False,
        numbered=False,
    ),
    LetterType(
        "no-answer",
        "no-postal-address",
        "no-answer",
        "Заключение",
        "59-fz-11-1",
        to_sender=False,
        numbered=False,
    ),
    LetterType("notice", "court-decision", "notice", "О возврате обращения", "59-fz-11-2"),
    LetterType(
        "notice", "abusive", "notice", "О недопустимости злоупотребления правом", "59-fz-11-3"
    ),
    LetterType("notice", "illegible", "notice", NO_ANSWER_HEADING, "59-fz-11-4"),
    LetterType("notice", "no-essence", "notice", NO_ANSWER_HEADING, "59-fz-11-4.1"),
    LetterType("notice", "repeat", "notice", "О прекращении переписки", "59-fz-11-5"),
    LetterType(
        "notice",
        "published-answer",
        "notice",
        "О размещении ответа на официальном сайте",
        "59-fz-11-5.1",
        regimes=PUBLIC,
    ),
    LetterType("notice", "state-secret", "notice", NO_ANSWER_HEADING, "59-fz-11-6"),
    LetterType(
        "notice",
        "claim-late",
        "notice",
        "Об отклонении претензии",
        "126-fz-55-5",
        operator_bound=True,
        regimes=TELECOM,
    ),
    LetterType(
        "forwarding", "not-competent", "forwarding", "О переадресации обращения", "59-fz-8-3"
    ),
    # The letter that goes to the competent body with the appeal (59-FZ Art. 8 p.3).
    LetterType(
        "cover",
        "not-competent",
        "cover",
        "О направлении обращения по компетенции",
        "59-fz-8-3",
        to_sender=False,
    ),
    LetterType("extension", None, "extension", "О продлении срока рассмотрения", "59-fz-12-2"),
    LetterType(
        "supplement",
        "no-contract-copy",
        "supplement",
        "О представлении документов",
        "126-fz-55-6",
        operator_bound=True,
        regimes=TELECOM,
    ),
)
_BY_KEY = {(t.type, t.ground): t for t in TYPES}
# The ground a staff-initiated letter takes when none is given.
_DEFAULT_GROUND = {
    "forwarding": "not-competent",
    "cover": "not-competent",
    "supplement": "no-contract-copy",
}


def letter_type(type_: str, ground: str | None = None) -> LetterType:
    found = _BY_KEY.get((type_, ground)) or _BY_KEY.get((type_, _DEFAULT_GROUND.get(type_)))
    if found is None:
        known = ", ".join(sorted({f"{t.type}:{t.ground}" if t.ground else t.type for t in TYPES}))
        raise NotFound(f"no letter type {type_!r} with ground {ground!r}; known: {known}")
    return found


def types_of_ground(ground: str, regime: str) -> list[LetterType]:
    """The letters a ground of LAW.md calls for in the regime (a forwarding: two)."""
    return [t for t in TYPES if t.ground == ground and regime in t.regimes]
