"""Train the kind and category models on the ``tune`` part of the labelled set.

    .venv/bin/python scripts/train_classifier.py [--check]

Logistic regression (scikit-learn, classes balanced) over the TF-IDF of
``intake.classify.letter_features``, L2-normalised.  Its strength is chosen by
leaving out one writer at a time (the ``origin`` of tune letters): a model must
read letters whose author it never saw, and folds that mix a writer's letters
into both sides scored it 5-8 points above what it did on another writer.  The
``holdout`` and ``blind`` parts are never read here.  Writes
``intake/data/classifier.json`` (weights rounded, the negligible ones dropped);
``--check`` only prints the cross-validated accuracy.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

import numpy as np
from sklearn.feature_extraction import DictVectorizer
from sklearn.feature_extraction.text import TfidfTransformer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import LeaveOneGroupOut, cross_val_score
from sklearn.pipeline import Pipeline

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from intake.classify import letter_features
from intake.model import WEIGHTS
from tests.reading.labelled import load

STRENGTHS = (3.0, 10.0, 30.0, 100.0)
MIN_WEIGHT = 0.02  # smaller weights change no letter's class in the tune set
MIN_LETTERS = 2  # a feature of one letter only is that letter's, not its class's


def pipeline(strength: float) -> Pipeline:
    return Pipeline(
        [
            ("features", DictVectorizer()),
            ("tfidf", TfidfTransformer()),
            ("model", LogisticRegression(C=strength, class_weight="balanced", max_iter=5000)),
        ]
    )


def train(x: list[dict[str, int]], labels: list[str], writers: list[str]) -> dict[str, object]:
    best = None
    for c in STRENGTHS:
        scores = cross_val_score(pipeline(c), x, labels, groups=writers, cv=LeaveOneGroupOut())
        # Each writer counts by its letters, as a letter of the blind set does.
        counts = Counter(writers)
        score = sum(s * counts[w] for s, w in zip(scores, sorted(counts), strict=True)) / len(x)
        print(f"  C={c:<6} accuracy on writers left out {score:.3f}")
        if best is None or score > best[0]:
            best = (score, c)
    assert best is not None
    fitted = pipeline(best[1]).fit(x, labels)
    names = fitted["features"].get_feature_names_out()
    idf, model = fitted["tfidf"].idf_, fitted["model"]
    coef = model.coef_ if len(model.classes_) > 2 else np.vstack([-model.coef_, model.coef_])
    coef = coef * idf  # a present feature's value is its idf
    intercepts = (
        model.intercept_ if len(model.classes_) > 2 else [-model.intercept_[0], model.intercept_[0]]
    )
    weights = {
        str(name): [round(float(w), 3) for w in coef[:, i]]
        for i, name in enumerate(names)
        if np.abs(coef[:, i]).max() >= MIN_WEIGHT
    }
    print(f"  chose C={best[1]}: {len(weights)} features")
    return {
        "labels": [str(c) for c in model.classes_],
        "intercepts": [round(float(b), 4) for b in intercepts],
        "strength": best[1],
        "accuracy_on_writers_left_out": round(best[0], 3),
        "weights": weights,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="print the figures, write nothing")
    args = parser.parse_args()
    cases = [c for c in load() if c.split == "tune"]
    rows = [letter_features(c.letter.text, c.letter.subject) for c in cases]
    seen = Counter(f for row in rows for f in row)
    x = [{f: 1 for f in row if seen[f] >= MIN_LETTERS} for row in rows]
    writers = [c.origin for c in cases]
    vocabulary = DictVectorizer().fit(x)
    idf = TfidfTransformer().fit(vocabulary.transform(x)).idf_
    result: dict[str, object] = {
        "trained_on": len(cases),
        "idf": {
            str(f): round(float(v), 3)
            for f, v in zip(vocabulary.get_feature_names_out(), idf, strict=True)
        },
        "models": {},
    }
    for target in ("kind", "category"):
        print(f"{target} ({len(cases)} tune letters by {len(set(writers))} writers):")
        labels = [c.expected[target] for c in cases]
        result["models"][target] = train(x, labels, writers)  # type: ignore[index]
    if not args.check:
        WEIGHTS.write_text(json.dumps(result, ensure_ascii=False, sort_keys=True) + "\n")
        print(f"wrote {WEIGHTS} ({WEIGHTS.stat().st_size // 1024} KB)")


if __name__ == "__main__":
    main()
