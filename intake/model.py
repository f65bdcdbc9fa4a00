"""A letter's kind and category by a linear model over its lemmas, with the evidence.

The weights are data (``data/classifier.json``), trained by
``scripts/train_classifier.py`` on the ``tune`` part of the labelled set
(scikit-learn's logistic regression over TF-IDF); reading a letter needs no
scikit-learn, only a sum of weights.  The features are the letter's own words,
what stands above the first quoted or forwarded part: lemmas (pymorphy3's first
normal form) and the heading word the writer chose.  Pairs of neighbouring
lemmas were tried: on letters of writers the model was not trained on they
scored lower (scripts/train_classifier.py --check).
"""

from __future__ import annotations

import functools
import json
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from intake.names import morph

WEIGHTS = Path(__file__).parent / "data" / "classifier.json"
_WORD = re.compile(r"[а-яё]+(?:-[а-яё]+)*|\d+")
_QUOTED = re.compile(
    r"^(?:>|-{2,}\s*(?:original message|исходное сообщение|пересылаемое сообщение)|"
    r"-----+\s*$|(?:from|от|отправлено|sent):\s.*@)",
    re.IGNORECASE,
)
_FUNCTION_WORDS = frozenset({"PREP", "CONJ", "PRCL", "NPRO", "INTJ"})
_HEADINGS = ("претензия", "жалоба", "заявление", "предложение", "обращение")


def own_text(text: str) -> str:
    """The writer's own words: what stands above the first quoted or forwarded part."""
    lines = []
    for line in text.splitlines():
        if _QUOTED.match(line.strip()):
            break
        lines.append(line)
    return "\n".join(lines)


@functools.lru_cache(maxsize=100_000)
def lemma(word: str) -> str | None:
    """The word's first normal form, or None for a word that carries no meaning."""
    if word.isdigit():
        return "<число>"
    parse = morph().parse(word)[0]
    if parse.tag.POS in _FUNCTION_WORDS or len(word) < 2:
        return None
    return str(parse.normal_form).replace("ё", "е")


def features(text: str, subject: str = "") -> set[str]:
    """The features of a letter: its lemmas and its heading."""
    own = own_text(text).lower()
    lemmas = (lemma(m.group()) for m in _WORD.finditer(f"{subject.lower()}\n{own}"))
    found = {w for w in lemmas if w is not None}
    for line in own.splitlines()[:30]:
        words = line.strip(" .:!\t").split()
        if words and len(line) < 80 and words[0].strip(".:!,") in _HEADINGS:
            found.add(f"заголовок:{words[0].strip('.:!,')}")
            break
    return found


@dataclass(frozen=True)
class Prediction:
    label: str
    probability: float
    runner_up: str
    runner_up_probability: float
    evidence: tuple[str, ...]  # the features that weigh most for the label

    @property
    def uncertain(self) -> bool:
        """The two best labels are close: a person should look."""
        return self.probability - self.runner_up_probability < UNCERTAIN_MARGIN


UNCERTAIN_MARGIN = 0.2


@dataclass(frozen=True)
class LinearModel:
    labels: tuple[str, ...]
    intercepts: tuple[float, ...]
    weights: dict[str, tuple[float, ...]]  # feature: one weight per label, times its idf
    idf: dict[str, float]  # every feature the model was trained with

    def predict(self, found: Iterable[str]) -> Prediction:
        # The training vectors are the features' idf, L2-normalised.
        norm = math.sqrt(sum(self.idf.get(f, 0.0) ** 2 for f in found)) or 1.0
        present = [f for f in found if f in self.weights]
        scores = list(self.intercepts)
        for f in present:
            for i, w in enumerate(self.weights[f]):
                scores[i] += w / norm
        top = max(scores)
        exps = [math.exp(s - top) for s in scores]
        total = sum(exps)
        ranked = sorted(range(len(scores)), key=lambda i: scores[i], reverse=True)
        best, second = ranked[0], ranked[1]
        evidence = sorted(
            present, key=lambda f: self.weights[f][best] - self.weights[f][second], reverse=True
        )
        return Prediction(
            label=self.labels[best],
            probability=exps[best] / total,
            runner_up=self.labels[second],
            runner_up_probability=exps[second] / total,
            evidence=tuple(f for f in evidence[:5] if self.weights[f][best] > 0),
        )


@functools.cache
def models() -> dict[str, LinearModel]:
    """The trained models, by what they predict (``kind``, ``category``)."""
    data = json.loads(WEIGHTS.read_text(encoding="utf-8"))
    return {
        target: LinearModel(
            labels=tuple(m["labels"]),
            intercepts=tuple(m["intercepts"]),
            weights={f: tuple(w) for f, w in m["weights"].items()},
            idf=data["idf"],
        )
        for target, m in data["models"].items()
    }
