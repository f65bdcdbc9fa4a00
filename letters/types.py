"""Every letter pismo drafts: its template, its heading, and the provision it rests on.

A letter type is a ``(type, ground)`` pair as the store keeps it in
``Draft.type`` / ``Draft.ground``: ``("notice", "abusive")``,
``("answer", None)``.  The statutory text itself is data
(``data/statutes.toml``), never template text, so a quote is fixed in one
place.

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
    to_sender: bool = True  # False: a record for the file, not sent (no answer is given)

    def heading_for(self, appeal_kind: str) -> str:
        if self.type == "answer" and appeal_kind == "claim":
            return "О результатах рассмотрения претензии"
        return self.heading


NOTICE_HEADING = "О результатах рассмотрения обращения"
TYPES: tuple[LetterType, ...] = (
    LetterType("acknowledgment", None, "acknowledgment", "О регистрации обращения", "59-fz-12-1"),
    LetterType("answer", None, "answer", "О результатах рассмотрения обращения", "59-fz-12-1"),
    LetterType("no-answer", "no-surname", "no-answer", "Заключение", "59-fz-11-1", to_sender=False),
    LetterType(
        "no-answer", "no-postal-address", "no-answer", "Заключение", "59-fz-11-1", to_sender=False
    ),
    LetterType("notice", "court-decision", "notice", "О возврате обращения", "59-fz-11-2"),
    LetterType(
        "notice", "abusive", "notice", "О недопустимости злоупотребления правом", "59-fz-11-3"
    ),
    LetterType("notice", "illegible", "notice", NOTICE_HEADING, "59-fz-11-4"),
    LetterType("notice", "no-essence", "notice", NOTICE_HEADING, "59-fz-11-4.1"),
    LetterType("notice", "repeat", "notice", "О прекращении переписки", "59-fz-11-5"),
    LetterType("notice", "state-secret", "notice", NOTICE_HEADING, "59-fz-11-6"),
    LetterType(
        "notice",
        "claim-late",
        "notice",
        "Об отказе в удовлетворении претензии",
        "126-fz-55-5",
        operator_bound=True,
    ),
    LetterType(
        "forwarding", "not-competent", "forwarding", "О переадресации обращения", "59-fz-8-3"
    ),
    LetterType("extension", None, "extension", "О продлении срока рассмотрения", "59-fz-12-2"),
    LetterType(
        "supplement",
        "no-contract-copy",
        "supplement",
        "О представлении документов",
        "126-fz-55-6",
        operator_bound=True,
    ),
)
_BY_KEY = {(t.type, t.ground): t for t in TYPES}
# The ground a staff-initiated letter takes when none is given.
_DEFAULT_GROUND = {"forwarding": "not-competent", "supplement": "no-contract-copy"}


def letter_type(type_: str, ground: str | None = None) -> LetterType:
    found = _BY_KEY.get((type_, ground)) or _BY_KEY.get((type_, _DEFAULT_GROUND.get(type_)))
    if found is None:
        known = ", ".join(sorted({f"{t.type}:{t.ground}" if t.ground else t.type for t in TYPES}))
        raise NotFound(f"no letter type {type_!r} with ground {ground!r}; known: {known}")
    return found


def type_of_ground(ground: str) -> LetterType | None:
    """The letter a ground of LAW.md calls for, if it calls for one."""
    return next((t for t in TYPES if t.ground == ground), None)
