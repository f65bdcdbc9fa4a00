"""Reading one letter: its fields, its kind and category, and the checks of the law.

``read_letter`` is pure — text and metadata in, a ``LetterReading`` out — so the
pipeline, the labelled-set test and the benchmark run the very same code.  What
needs the store (the sender's earlier appeals, for ``repeat``) is passed in by
the caller: as a list, or as a function of the fields that looks them up, so
that a letter is read once even when who sent it is only known from its text.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from intake import grounds as g
from intake.abusive import abusive
from intake.checks import CITATIONS, Finding, Findings, check, ground
from intake.classify import Classification, classify, own_topic_words
from intake.fields import Fields, Known, extract_fields
from intake.terms import long_distance


@dataclass(frozen=True)
class Letter:
    text: str
    channel: str  # "email" or "post"
    subject: str = ""
    sender_email: str | None = None
    sender_name: str | None = None
    sent_at: dt.datetime | None = None
    attachment_count: int = 0
    reply_to: str | None = None  # the Reply-To header's address


@dataclass(frozen=True)
class Rules:
    """The organisation's side of the checks (from settings)."""

    regime: str = "telecom"
    regulation: str = ""  # the operator's own regulation, cited for 59-FZ checks
    other_bodies: tuple[g.OtherBody, ...] = ()
    known: Known = field(default_factory=Known)


@dataclass(frozen=True)
class LetterReading:
    fields: Fields
    classification: Classification
    findings: Findings
    sender: g.Sender
    words: frozenset[str]  # the content lemmas, kept for later repeat checks
    # 126-FZ Art. 55 p.8: the words that make a claim a long-distance one (60 days).
    long_distance: str | None = None


# Latin letters OCR puts into Russian words («ЖAЛOБA», «ПPETEНЗИЯ»).
_LOOKALIKES = str.maketrans("AaBEeKMHOoPpCcTyXx", "АаВЕеКМНОоРрСсТуХх")
_MIXED_WORD = re.compile(r"\b(?=\w*[А-ЯЁа-яё])(?=\w*[A-Za-z])\w+\b")


def cyrillic_words(text: str) -> str:
    """``text`` with the Latin look-alikes inside Cyrillic words made Cyrillic; words
    wholly in Latin (e-mail addresses, «SMS») are left alone."""
    return _MIXED_WORD.sub(lambda m: m.group().translate(_LOOKALIKES), text)


def _with_basis(finding: Finding, rules: Rules) -> Finding:
    """An operator cites its own regulation where a public body would cite 59-FZ."""
    if rules.regime == "telecom" and rules.regulation and finding.citation.startswith("59-FZ"):
        return dataclasses.replace(finding, basis=rules.regulation)
    return finding


# Grounds of something missing: a text that cannot be read shows no absence.
ABSENCE_GROUNDS = frozenset({"no-surname", "no-postal-address"})


def _unreadable(formal: Findings, why: str) -> Findings:
    """A text that cannot be read shows no absence: its surname, address or essence
    may be there unread.  A person reads it, and only a person may find it illegible."""
    kept = tuple(f for f in formal.grounds if f.code not in ABSENCE_GROUNDS)
    defect = Finding("text-unreadable", CITATIONS["illegible"], f"текст не читается: {why}")
    return Findings(grounds=kept, defects=(*formal.defects, defect))


History = Sequence[g.EarlierAppeal] | Callable[[Fields], Sequence[g.EarlierAppeal]]


def read_letter(letter: Letter, rules: Rules, earlier: History = ()) -> LetterReading:
    text = cyrillic_words(letter.text)
    letter = dataclasses.replace(letter, text=text)
    fields = extract_fields(
        letter.text,
        channel=letter.channel,
        sender_email=letter.sender_email,
        reply_to=letter.reply_to,
        sender_name=letter.sender_name,
        sent_at=letter.sent_at,
        known=rules.known,
    )
    classification = classify(letter.text, letter.subject)
    formal = check(
        fields,
        channel=letter.channel,
        kind=classification.kind,
        attachment_count=letter.attachment_count,
    )
    words = g.content_lemmas(letter.text, fields)
    sender = g.Sender.of(fields)
    if callable(earlier):
        earlier = earlier(fields)
    own_hits = own_topic_words(letter.text, letter.subject)
    unreadable = g.unreadable(letter.text)
    if unreadable:
        formal = _unreadable(formal, unreadable)
    found = {
        "court-decision": g.court_decision(letter.text),
        "abusive": abusive(letter.text),
        "no-essence": (
            None if unreadable else g.no_essence(letter.text, fields, letter.attachment_count)
        ),
        "repeat": g.repeat(sender, classification.category, words, earlier, letter.text),
        "claim-late": g.claim_late(
            letter.text,
            kind=classification.kind,
            letter_date=fields.letter_date,
            regime=rules.regime,
        ),
        "state-secret": g.state_secret(letter.text),
    }
    # A question on what the secrecy of communications protects is asked of us, and a
    # court's decision appealed goes back to the sender, not to another body.
    found["not-competent"] = (
        None
        if found["state-secret"] or found["court-decision"]
        else g.not_competent(letter.text, own_hits, rules.other_bodies)
    )
    content: list[Finding] = [ground(code, why) for code, why in found.items() if why]
    grounds = tuple(_with_basis(f, rules) for f in formal.grounds + tuple(content))
    if found["not-competent"]:
        # Another body's question belongs to none of our departments' categories.
        evidence = {**classification.evidence, "category": [found["not-competent"]]}
        classification = dataclasses.replace(classification, category="other", evidence=evidence)
    findings = Findings(grounds=grounds, defects=formal.defects)
    return LetterReading(
        fields,
        classification,
        findings,
        sender,
        words,
        long_distance=long_distance(letter.text, classification.kind),
    )
