"""The grounds of LAW.md that the text of a letter shows: each a pure function of the
text (and what was read from it) that returns the evidence, or None.

Vocabularies are data (``data/grounds.toml``); the functions here only apply them.
`abusive`, with a lexicon of its own, is in ``intake.abusive``.  ``repeat`` compares the letter
with the sender's earlier appeals, which the caller loads from the store: this
module never touches storage.
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
import itertools
import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from intake.dates import dates_in
from intake.fields import Fields
from intake.letter_parts import sentences
from intake.names import morph

DATA = Path(__file__).parent / "data"
TOKEN = re.compile(r"[а-яёa-z]+(?:-[а-яёa-z]+)*")
_FUNCTION_WORDS = frozenset({"PREP", "CONJ", "PRCL", "NPRO", "INTJ", "NUMR", "PRED"})
_PROPER = ("Name", "Surn", "Patr", "Geox", "Orgn")


@functools.cache
def vocabulary(name: str) -> dict[str, object]:
    """A data file of words (``data/NAME``), read once."""
    return tomllib.loads((DATA / name).read_text(encoding="utf-8"))


@functools.cache
def _pattern(section: str, key: str) -> re.Pattern[str]:
    """The words of ``key`` as one pattern: one search instead of one per word."""
    table = vocabulary("grounds.toml")[section]
    assert isinstance(table, dict)
    return re.compile(r"(?<!\w)(?:" + "|".join(table[key]) + ")")


@functools.lru_cache(maxsize=50_000)
def lemmas(word: str) -> frozenset[str]:
    """Every normal form pymorphy3 offers for ``word``, «ё» as «е»."""
    return frozenset(p.normal_form.replace("ё", "е") for p in morph().parse(word))


@functools.lru_cache(maxsize=50_000)
def _is_content(word: str) -> bool:
    parse = morph().parse(word)[0]
    return (
        len(word) > 2
        and parse.tag.POS not in _FUNCTION_WORDS
        and not any(g in parse.tag for g in _PROPER)
    )


# --- court-decision ------------------------------------------------------------


def court_decision(text: str) -> str | None:
    """A sentence that names a court's decision and disagrees with it."""
    decision, challenge = (_pattern("court-decision", k) for k in ("decision", "challenge"))
    for _, sentence in sentences(text):
        if decision.search(said := sentence.lower()) and challenge.search(said):
            return sentence
    return None


# --- a text that cannot be read ------------------------------------------------

_CYRILLIC_WORD = re.compile(r"[а-яё]+")
_SHORT_WORDS = frozenset({"PREP", "CONJ", "PRCL", "NPRO"})
_UNREAD_MARK = re.compile(r"\[(?:неразборчиво|нрзб\.?|неразб\w*)\]", re.IGNORECASE)
# Letters written to be read keep at most 28% of their words unknown (OCR noise,
# names, abbreviations); a page OCR could not read has 45% and more.
UNREADABLE_SHARE = 0.4


@functools.lru_cache(maxsize=50_000)
def _a_word(token: str) -> bool:
    if len(token) <= 2:
        return morph().parse(token)[0].tag.POS in _SHORT_WORDS
    return bool(morph().word_is_known(token))


def unreadable(text: str) -> str | None:
    """Why the text cannot be read, when most of its words are no words (OCR
    fragments «..ен..», «р0ш»): then what it lacks cannot be told from it, and only
    a person can find it illegible (LAW.md)."""
    # A transcriber's «[неразборчиво]» is a word that could not be read.
    unread = len(_UNREAD_MARK.findall(text))
    tokens = _CYRILLIC_WORD.findall(_UNREAD_MARK.sub(" ", text).lower())
    if not tokens and not unread:
        signs = sum(not c.isspace() for c in text)
        return f"{signs} знаков, ни одного русского слова" if signs >= 20 else None
    unknown = unread + sum(not _a_word(t) for t in tokens)
    if unknown / (unread + len(tokens)) < UNREADABLE_SHARE:
        return None
    return f"{unknown} из {unread + len(tokens)} слов не читаются"


# --- no-essence -----------------------------------------------------------------


# What a mail program writes, not the writer: addresses, and a forwarded message's
# header lines («От: …», «Дата: …», «Тема: …»).
_HEADERS = re.compile(
    r"\S+@\S+|https?://\S+|^[ \t>]*(?:от|дата|тема|кому|from|date|sent|to|subject|cc):[^\n]*",
    re.MULTILINE,
)


def content_lemmas(text: str, fields: Fields) -> frozenset[str]:
    """The lemmas that carry the letter's matter: not names, places, the address, the
    addressee, greetings and formulas, nor function words."""
    table = vocabulary("grounds.toml")["no-essence"]
    assert isinstance(table, dict)
    empty = frozenset(table["empty"])
    skip = " ".join(filter(None, [fields.postal_address, fields.addressee])).lower()
    skipped = frozenset(TOKEN.findall(skip))
    found = set()
    for match in TOKEN.finditer(_HEADERS.sub(" ", text.lower())):
        word = match.group()
        if word in skipped or not _is_content(word):
            continue
        forms = lemmas(word)
        if not forms & empty and word not in empty:
            found.add(min(forms))
    return frozenset(found)


def no_essence(text: str, fields: Fields, attachment_count: int) -> str | None:
    """A letter whose words, formulas and names aside, say nothing; an attachment
    nobody read may hold the essence, so such a letter goes to a person instead."""
    table = vocabulary("grounds.toml")["no-essence"]
    assert isinstance(table, dict)
    words = content_lemmas(text, fields)
    if len(words) >= int(table["min_words"]) or attachment_count:
        return None
    shown = ", ".join(sorted(words)) or "none"
    return f"{len(words)} words of substance ({shown}); the text: «{' '.join(text.split())[:120]}»"


# --- claim-late -----------------------------------------------------------------

_MONTH_STEMS = ("январ", "феврал", "март", "апрел", "ма", "июн", "июл", "август", "сентябр",
                "октябр", "ноябр", "декабр")  # fmt: skip
_MONTH_YEAR = re.compile(
    r"(?<![а-яё])(январ[ьяе]|феврал[ьяе]|март[ае]?|апрел[ьяе]|ма[йяе]|июн[ьяе]|июл[ьяе]|"
    r"август[ае]?|сентябр[ьяе]|октябр[ьяе]|ноябр[ьяе]|декабр[ьяе])\s+(\d{4})"
)


def add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    last = (dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)).day
    return dt.date(year, month, min(day.day, last))


def _month_end(year: int, month: int) -> dt.date:
    return add_months(dt.date(year, month, 1), 1) - dt.timedelta(days=1)


def service_dates(text: str, letter_date: dt.date) -> list[tuple[dt.date, str]]:
    """Dates of services and bills in the text: not the letter's own date, not later,
    not a contract's or a court's; a month («за февраль 2026 г.») counts as its last day."""
    lowered = text.lower()
    not_service, documents = (_pattern("claim-late", k) for k in ("not_service", "documents"))
    found: list[tuple[dt.date, int, str]] = []
    taken: list[tuple[int, int]] = []
    for written in dates_in(text):
        taken.append((written.start, written.end))
        found.append((written.date, written.start, written.words))
    for match in _MONTH_YEAR.finditer(lowered):
        if not any(a <= match.start() < b for a, b in taken):
            month = next(i for i, stem in enumerate(_MONTH_STEMS, 1) if match[1].startswith(stem))
            found.append((_month_end(int(match[2]), month), match.start(), match.group()))
    dates = []
    for date, start, words in found:
        # The clause the date stands in: «по договору № 5 от 01.02.2020» is not a service.
        before = lowered[max(0, start - 60) : start]
        clause = re.split(r"[,;:\n.]", before)[-1]
        if date < letter_date and not (not_service.search(clause) or documents.search(before)):
            dates.append((date, words))
    return dates


def claim_late(text: str, *, kind: str, letter_date: dt.date | None, regime: str) -> str | None:
    """A telecom claim filed more than 6 months after the latest service or bill it names."""
    if kind != "claim" or regime != "telecom" or letter_date is None:
        return None
    dates = service_dates(text, letter_date)
    if not dates:
        return None
    latest, words = max(dates)
    if letter_date <= add_months(latest, 6):
        return None
    return (
        f"the latest service or bill named, «{words}» ({latest:%d.%m.%Y}), is more than "
        f"6 months before the claim's date {letter_date:%d.%m.%Y}"
    )


# --- state-secret -----------------------------------------------------------------


def state_secret(text: str) -> str | None:
    """A request for what the secrecy of communications protects: whether a line is
    under surveillance, or another person's calls, messages, location or identity
    (whose may be said in the next sentence: «… с номера …. Номер принадлежит мужу»)."""
    said = [sentence.lower() for _, sentence in sentences(text)]

    def has(key: str, sentence: str) -> bool:
        return _pattern("state-secret", key).search(sentence) is not None

    for i, sentence in enumerate(said):
        if has("action", sentence) or not (
            has("request", sentence) or (i and has("request", said[i - 1]))
        ):
            continue
        near = " ".join(said[i : i + 2])
        if has("surveillance", sentence) or (has("asked", sentence) and has("whose", near)):
            return sentences(text)[i][1]
    return None


# --- not-competent ---------------------------------------------------------------


@dataclass(frozen=True)
class OtherBody:
    """A body that answers questions the organisation does not: its name and topics."""

    name: str
    topics: tuple[str, ...]


@functools.lru_cache(maxsize=64)
def _topics(topics: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile("|".join(f"(?<!\\w)(?:{t})" for t in topics))


_ASKS = re.compile(
    r"(?<![а-яё])(?:прошу|просим|требую|требуем|помогите|подскажите|объясните|разъясните|"
    r"верните|заставьте|найдите|отмените|восстановите|сообщите|скажите)(?![а-яё])|\?"
)


def not_competent(text: str, own_hits: int, bodies: Sequence[OtherBody]) -> str | None:
    """The other body whose topics the letter asks about, when they outweigh our own: a
    topic in a sentence that asks counts twice, and one only mentioned («я на пенсии»,
    «обращусь в полицию») asks that body nothing."""
    escalation = _pattern("not-competent", "escalation")
    said = [s.lower() for _, s in sentences(text)]
    said = [s for s in said if not escalation.search(s)]
    # The kept sentences as one text, each with where it starts and whether it asks:
    # one search per body, not one per body and sentence.
    joined = "\n".join(said)
    starts = list(itertools.accumulate((len(s) + 1 for s in said[:-1]), initial=0))
    asks = [_ASKS.search(s) is not None for s in said]
    best: tuple[int, OtherBody, list[str]] | None = None
    for body in bodies:
        hits, weight = [], 0
        for m in _topics(body.topics).finditer(joined):
            hits.append(m.group())
            weight += 2 if asks[bisect.bisect_right(starts, m.start()) - 1] else 1
        if hits and (best is None or weight > best[0]):
            best = (weight, body, hits)
    # One mention in a sentence that asks nothing is not enough.
    if best is None or best[0] <= own_hits or best[0] < 2:
        return None
    return f"{best[1].name}: {', '.join(dict.fromkeys(best[2]))}"


# --- repeat ------------------------------------------------------------------------


@dataclass(frozen=True)
class Sender:
    """What identifies a sender across letters."""

    email: str | None = None
    account: str | None = None
    full_name: tuple[str, str, str] | None = None

    @classmethod
    def of(cls, fields: Fields) -> Sender:
        full = (fields.surname, fields.name, fields.patronymic)
        return cls.named(fields.email, fields.account, full)

    @classmethod
    def named(
        cls, email: str | None, account: str | None, full: tuple[str | None, str | None, str | None]
    ) -> Sender:
        surname, name, patronymic = (p.lower().replace("ё", "е") if p else None for p in full)
        complete = (surname, name, patronymic) if surname and name and patronymic else None
        return cls(email.lower() if email else None, account, complete)

    def same_as(self, other: Sender) -> str | None:
        for what in ("email", "account", "full_name"):
            mine = getattr(self, what)
            if mine is not None and mine == getattr(other, what):
                return what.replace("_", " ")
        return None


@dataclass(frozen=True)
class EarlierAppeal:
    """One of the sender's earlier appeals, as the store knows it."""

    reg_number: str
    registered: dt.date
    sender: Sender
    category: str
    words: frozenset[str]  # content_lemmas of its text
    answered: bool  # answered on the merits


REPEAT_SHARE = 0.6  # of the earlier letter's words the new one repeats, at least
NEW_SHARE = 0.25  # of the new letter's words the earlier one lacked, at most
SAID_AGAIN_SHARE = 0.15  # the share that is enough when the letter says it writes again


def repeat(
    sender: Sender,
    category: str,
    words: frozenset[str],
    earlier: Sequence[EarlierAppeal],
    text: str = "",
) -> str | None:
    """The earlier appeal, answered on the merits, from the same sender, on the same
    question, that this letter repeats without new arguments: most of its words again,
    or a letter that says it writes again («повторно», «я уже писал») and brings
    nothing new («новые документы», «прилагаю»)."""
    lowered = text.lower()
    again = _pattern("repeat", "again").search(lowered)
    said_again = again.group() if again else None
    if said_again and _pattern("repeat", "new_arguments").search(lowered):
        said_again = None
    for old in sorted(earlier, key=lambda e: e.registered, reverse=True):
        how = sender.same_as(old.sender)
        # A letter that says it writes again may be read into another category than the
        # first: its own words say the question is the same.
        same_question = old.category == category or said_again
        if not (how and old.answered and same_question and old.words and words):
            continue
        repeated = len(words & old.words) / len(old.words)
        new = len(words - old.words) / len(words)
        if (repeated >= REPEAT_SHARE and new <= NEW_SHARE) or (
            said_again and repeated >= SAID_AGAIN_SHARE
        ):
            because = f"«{said_again}», " if said_again else ""
            return (
                f"same {how} as {old.reg_number} of {old.registered:%d.%m.%Y}, answered on the "
                f"merits; {because}{repeated:.0%} of its words repeated, {new:.0%} new"
            )
    return None
