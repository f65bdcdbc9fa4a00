"""Words of a letter as search terms: lemmas for words, compact keys for numbers.

Search has to find «претензия» when the letter says «претензию», and
«Смирнова» when it says «от Смирновой».  Documents and queries go through the
same function, so whatever pymorphy3 makes of a word, both sides agree: a word
becomes the set of normal forms of its likely parses (pymorphy3 gives a woman's
surname its masculine lemma, «Смирновой» → «смирнов», on both sides alike).
Prepositions, conjunctions, particles, interjections and pronouns carry no
meaning for a search and are dropped.

Registration numbers, accounts, contracts, phones and e-mail addresses are
spelt with hyphens, slashes and dots that text-search parsers split apart
(PostgreSQL turns «ВХ-2026-000001» into «вх», «-2026», «-000001»).  A token
with a digit or an «@» in it becomes a *key*: its letters and digits only,
lower-cased (``вх2026000001``), plus each part with a digit in it
(``2026``, ``000001``), so the full number, the number typed without
hyphens, and its sequence part all find the appeal.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from dataclasses import dataclass

import pymorphy3


@functools.cache
def morph() -> pymorphy3.MorphAnalyzer:
    """The store's own analyser (about 20 MB): the store knows nothing of intake's."""
    return pymorphy3.MorphAnalyzer()


# A token is a run of letters/digits, possibly joined by the punctuation that
# numbers and addresses use inside themselves (ВХ-2026-000001, 12/34, a@b.ru).
TOKEN = re.compile(r"\w+(?:[-./@_]\w+)*")
PART = re.compile(r"[^\W_]+")
KEYISH = re.compile(r"[\d@]")
MEANINGLESS = frozenset({"PREP", "CONJ", "PRCL", "INTJ", "NPRO"})
# Parses less likely than this are noise («стали» is «стать», not «сталь»).
MIN_SCORE = 0.05


@dataclass(frozen=True)
class Token:
    start: int
    end: int
    terms: frozenset[str]  # empty for a word that means nothing to search


def _fold(word: str) -> str:
    return word.lower().replace("ё", "е")


def is_key(token: str) -> bool:
    return KEYISH.search(token) is not None


def compact(token: str) -> str:
    return "".join(PART.findall(_fold(token)))


def key_terms(token: str) -> frozenset[str]:
    """The compact key of an identifier and of each of its parts with a digit in it."""
    parts = [p for p in PART.findall(_fold(token)) if any(ch.isdigit() for ch in p)]
    return frozenset([compact(token), *parts])


@functools.lru_cache(maxsize=200_000)
def word_terms(word: str) -> frozenset[str]:
    """Normal forms of a plain word (no digits), or nothing for a function word."""
    parses = morph().parse(_fold(word))
    if not parses or parses[0].tag.POS in MEANINGLESS:
        return frozenset()
    best = parses[0].score
    return frozenset(
        _fold(p.normal_form) for p in parses if p is parses[0] or p.score >= MIN_SCORE * best
    )


@functools.lru_cache(maxsize=200_000)
def token_terms(token: str) -> frozenset[str]:
    if is_key(token):
        return key_terms(token)
    terms: set[str] = set()
    for part in PART.findall(token):  # «Связь-Регион» is two words
        terms |= word_terms(part)
    return frozenset(terms)


def tokens(text: str) -> Iterator[Token]:
    for match in TOKEN.finditer(text):
        yield Token(match.start(), match.end(), token_terms(match.group()))


def document_terms(text: str) -> str:
    """Every term of a text (lemmas and keys) in text order, space-separated."""
    return " ".join(term for token in tokens(text) for term in sorted(token.terms))


@dataclass(frozen=True)
class Group:
    """One word of a query: the appeal must contain one of its terms."""

    word: str | None  # the word as typed, for PostgreSQL's own stemmer; None for a key
    terms: frozenset[str]  # its lemmas, or its compact key


@dataclass(frozen=True)
class Query:
    text: str
    groups: tuple[Group, ...]

    @property
    def empty(self) -> bool:
        return not self.groups

    @property
    def terms(self) -> frozenset[str]:
        return frozenset().union(*(g.terms for g in self.groups))


def parse_query(text: str) -> Query:
    """The query split the way documents are; every group must match."""
    groups: list[Group] = []
    for match in TOKEN.finditer(text):
        token = match.group()
        if is_key(token):
            groups.append(Group(None, frozenset([compact(token)])))
            continue
        for part in PART.findall(token):
            terms = word_terms(part)
            if terms:
                groups.append(Group(part, terms))
    return Query(text=text, groups=tuple(groups))
