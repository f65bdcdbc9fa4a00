"""The labelled set of letters (``letters/*.txt`` + ``expected.json``) and its scoring.

Shared by ``tests/test_reading.py`` (asserts the targets on the holdout part) and
``bench/reading.py`` (prints the whole table and the time per letter).
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from intake.fields import Fields
from intake.grounds import EarlierAppeal, OtherBody
from intake.reading import Letter, LetterReading, Rules, read_letter
from pismo.settings import Settings

HERE = Path(__file__).parent
LETTERS = HERE / "letters"
APPLICANT_FIELDS = ("surname", "name", "patronymic", "postcode", "postal_address", "email",
                    "phone")  # fmt: skip
OTHER_FIELDS = ("account", "contract", "letter_date", "signed", "addressee", "amount", "demand")
GROUNDS = ("no-surname", "no-postal-address", "court-decision", "abusive", "no-essence",
           "repeat", "claim-late", "not-competent", "state-secret")  # fmt: skip
# Grounds no reading of the text may propose: `illegible` comes only from a person's
# confirmation (LAW.md), `published-answer` only in the public regime.
NOT_READ = frozenset({"illegible", "published-answer"})
# tune: the rules were written against these; holdout: the team's, never tuned on;
# blind: written by someone who read only LAW.md, never looked at while tuning.
SPLITS = ("tune", "holdout", "blind")
# The organisation of the letters (the foundation's default profile).
ORG_POSTCODES = frozenset({"123100"})
ORG_EMAILS = frozenset({"appeals@svyaz-region.example"})


@dataclass(frozen=True)
class Case:
    file: str
    split: str
    origin: str  # who wrote the letter: the team, or a writer who read only LAW.md
    letter: Letter
    earlier: tuple[tuple[str, bool], ...]
    expected: dict[str, Any]


def load() -> list[Case]:
    cases = []
    for entry in json.loads((HERE / "expected.json").read_text(encoding="utf-8")):
        sent_at = dt.datetime.fromisoformat(entry["sent_at"]) if entry["sent_at"] else None
        letter = Letter(
            text=(LETTERS / entry["file"]).read_text(encoding="utf-8"),
            channel=entry["channel"],
            sender_email=entry["sender_email"],
            sender_name=entry["sender_name"],
            sent_at=sent_at,
            attachment_count=entry["attachments"],
        )
        earlier = tuple((e["file"], e["answered"]) for e in entry["earlier"])
        cases.append(
            Case(entry["file"], entry["split"], entry["origin"], letter, earlier, entry["expected"])
        )
    return cases


def default_rules() -> Rules:
    from intake.fields import Known

    settings = Settings()
    bodies = tuple(OtherBody(b.name, tuple(b.topics)) for b in settings.other_bodies)
    known = Known(postcodes=ORG_POSTCODES, emails=ORG_EMAILS)
    return Rules(regime=settings.org.regime, other_bodies=bodies, known=known)


def earlier_appeal(file: str, reading: LetterReading, answered: bool) -> EarlierAppeal:
    registered = reading.fields.letter_date or dt.date(2000, 1, 1)
    return EarlierAppeal(
        reg_number=file,
        registered=registered,
        sender=reading.sender,
        category=reading.classification.category,
        words=reading.words,
        answered=answered,
    )


def read_all(cases: list[Case], rules: Rules) -> dict[str, LetterReading]:
    """Every case read; a case's earlier appeals are the earlier letters read first."""
    by_file = {c.file: c for c in cases}
    plain = {c.file: read_letter(c.letter, rules) for c in cases}
    readings = dict(plain)
    for case in cases:
        if case.earlier:
            earlier = [
                earlier_appeal(f, plain[f], answered)
                for f, answered in case.earlier
                if f in by_file
            ]
            readings[case.file] = read_letter(case.letter, rules, earlier)
    return readings


def predicted(reading: LetterReading) -> dict[str, Any]:
    f: Fields = reading.fields
    values: dict[str, Any] = {k: getattr(f, k) for k in APPLICANT_FIELDS + OTHER_FIELDS}
    values["letter_date"] = f.letter_date.isoformat() if f.letter_date else None
    values["amount"] = f"{f.amount:.2f}" if f.amount is not None else None
    values["kind"] = reading.classification.kind
    values["category"] = reading.classification.category
    values["grounds"] = sorted(reading.findings.codes)
    return values


def _same(key: str, got: Any, want: Any) -> bool:
    if isinstance(got, str) and isinstance(want, str):
        got, want = (" ".join(v.split()).strip(" .!;") for v in (got, want))
    if key == "amount" and got is not None and want is not None:
        return Decimal(got) == Decimal(want)
    return bool(got == want)


@dataclass
class Scores:
    letters: int
    field_accuracy: dict[str, float]
    ground_pr: dict[str, tuple[float, float, int]]  # precision, recall, positives expected
    grounds_micro: tuple[float, float]
    category_accuracy: float
    kind_accuracy: float
    errors: list[str]


def score(cases: Iterable[Case], readings: dict[str, LetterReading]) -> Scores:
    cases = list(cases)
    errors: list[str] = []
    right = dict.fromkeys((*APPLICANT_FIELDS, *OTHER_FIELDS, "kind", "category"), 0)
    counts = {g: [0, 0, 0] for g in GROUNDS}  # true positives, predicted, expected
    for case in cases:
        got = predicted(readings[case.file])
        for key in right:
            if _same(key, got[key], case.expected[key]):
                right[key] += 1
            else:
                errors.append(f"{case.file}: {key} = {got[key]!r}, expected {case.expected[key]!r}")
        want, have = set(case.expected["grounds"]) - NOT_READ, set(got["grounds"])
        for code in GROUNDS:
            counts[code][0] += code in want and code in have
            counts[code][1] += code in have
            counts[code][2] += code in want
        if want != have:
            errors.append(f"{case.file}: grounds {sorted(have)}, expected {sorted(want)}")
    n = len(cases)
    pr = {
        code: (tp / p if p else 1.0, tp / e if e else 1.0, e) for code, (tp, p, e) in counts.items()
    }
    tp, p, e = (sum(c[i] for c in counts.values()) for i in range(3))
    return Scores(
        letters=n,
        field_accuracy={k: right[k] / n for k in (*APPLICANT_FIELDS, *OTHER_FIELDS)},
        ground_pr=pr,
        grounds_micro=(tp / p if p else 1.0, tp / e if e else 1.0),
        category_accuracy=right["category"] / n,
        kind_accuracy=right["kind"] / n,
        errors=errors,
    )


def median_ms(cases: list[Case], rules: Rules, rounds: int = 5) -> float:
    """Median wall time of ``read_letter`` per letter, in milliseconds (warm)."""
    times = []
    for _ in range(rounds):
        for case in cases:
            start = time.perf_counter()
            read_letter(case.letter, rules)
            times.append((time.perf_counter() - start) * 1000)
    times.sort()
    return times[len(times) // 2]
