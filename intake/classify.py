"""Kind of appeal and category (LAW.md), each with the words that decided it.

A trained model decides (``intake.model``); what the law makes explicit is a
rule over words that are data (``data/classify.toml``).
"""

from __future__ import annotations

import functools
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from intake.model import features, models, own_text

DATA = Path(__file__).parent / "data" / "classify.toml"
_HEADINGS = {"претензия": "claim", "жалоба": "complaint", "заявление": "statement",
             "предложение": "proposal"}  # fmt: skip


@dataclass(frozen=True)
class Classification:
    kind: str
    category: str
    evidence: dict[str, list[str]]
    confidence: dict[str, float] = field(default_factory=dict)
    uncertain: tuple[str, ...] = ()  # "kind", "category": the two best close, a person decides


@functools.cache
def _vocabulary() -> dict[str, tuple[re.Pattern[str], tuple[str, ...]]]:
    """Each section's words as one pattern matched at word starts, a named group per
    label: one pass over the letter per section, not one per label."""
    data = tomllib.loads(DATA.read_text(encoding="utf-8"))
    return {
        section: (
            re.compile(
                r"(?<!\w)(?:"
                + "|".join(
                    f"(?P<{label}>{'|'.join(patterns)})" for label, patterns in labels.items()
                )
                + ")"
            ),
            tuple(labels),
        )
        for section, labels in data.items()
    }


@functools.lru_cache(maxsize=256)
def _words_of(text: str) -> dict[str, dict[str, list[str]]]:
    """The vocabulary's words in a letter's own text, by section and label."""
    lowered = text.lower()
    found: dict[str, dict[str, list[str]]] = {}
    for section, (pattern, labels) in _vocabulary().items():
        hits: dict[str, list[str]] = {label: [] for label in labels}
        for match in pattern.finditer(lowered):
            hits[str(match.lastgroup)].append(match.group())
        found[section] = hits
    return found


def _heading_kind(text: str) -> str | None:
    """The kind the writer's heading names, a feature of the model."""
    for line in text.splitlines()[:40]:
        words = line.strip().strip(".:!").lower().split()
        first = words[0].rstrip(".:!,") if words else ""
        # «Жалоба», «ЖАЛОБА», «Жалоба на сотрудника …», a subject «Жалоба: тариф сменили»:
        # a heading, not a sentence.
        if (
            first in _HEADINGS
            and len(line) < 80
            and (len(words) == 1 or words[0].endswith(":") or words[1] in ("на", "о", "об", "по"))
        ):
            return _HEADINGS[first]
    return None


def own_topic_words(text: str, subject: str = "") -> int:
    """How many words of our own categories' vocabulary the letter has, at most for one
    category, and how many different words of our business: another body's question
    must outweigh them (``grounds.not_competent``)."""
    words = _words_of(own_text(f"{subject}\n{text}"))
    domain = {word for hits in words["domain"].values() for word in hits}
    return max(len(hits) for hits in words["category"].values()) + len(domain)


def letter_features(text: str, subject: str = "") -> set[str]:
    """What the models weigh: the letter's lemmas (``intake.model.features``) and, as
    features of their own, the vocabulary's verdicts: which kinds and categories its
    words point to, and the heading's kind."""
    found = features(text, subject)
    own = own_text(f"{subject}\n{text}")
    words = _words_of(own)
    for section in ("kind", "category"):
        for label, hit in words[section].items():
            hits = len(hit)
            if hits:
                found.add(f"словарь:{section}:{label}")
            if hits >= 3:
                found.add(f"словарь:{section}:{label}:много")
    if (heading := _heading_kind(own)) is not None:
        found.add(f"заголовок-вид:{heading}")
    return found


def classify(text: str, subject: str = "") -> Classification:
    """The kind and category by the trained model (``intake.model``), and the kind by
    LAW.md where it says which wins: a demand for money under the contract makes a
    claim whatever the heading.  The heading is only one of the model's features:
    made to win, it cost 1.5 points of kind on letters of writers the model was
    not trained on (LAW.md: the kind follows the substance, not the heading)."""
    own = own_text(f"{subject}\n{text}")
    found = letter_features(text, subject)
    predicted = models()
    kind, category = predicted["kind"].predict(found), predicted["category"].predict(found)
    evidence = {"kind": list(kind.evidence), "category": list(category.evidence)}
    uncertain = {t for t, p in (("kind", kind), ("category", category)) if p.uncertain}
    label = kind.label
    money = _words_of(own)["substance"]["claim"]
    if money:
        label, evidence["kind"] = "claim", money[:5]
        uncertain.discard("kind")
    return Classification(
        kind=label,
        category=category.label,
        evidence=evidence,
        confidence={"kind": round(kind.probability, 2), "category": round(category.probability, 2)},
        uncertain=tuple(t for t in ("kind", "category") if t in uncertain),
    )
