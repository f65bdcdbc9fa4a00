"""Train the kind and category models on the ``tune`` part of the labelled set.

    .venv/bin/python scripts/train_classifier.py [--check]

Logistic regression (scikit-learn) over ``intake.classify.letter_features``, binary and
L2-normalised, its strength chosen by cross-validation on the tune part alone:
the ``holdout`` and ``blind`` parts are never read here.  Writes
``intake/data/classifier.json`` (weights rounded, the negligible ones dropped);
``--check`` only prints the cross-validated accuracy.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import numpy as np
from sklearn.feature_extraction import DictVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import Normalizer

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from intake.classify import letter_features
from intake.model import WEIGHTS
from tests.reading.labelled import load

STRENGTHS = (1.0, 3.0, 10.0, 30.0, 100.0)
MIN_WEIGHT = 0.02  # smaller weights change no letter's class in the tune set
MIN_LETTERS = 2  # a feature of one letter only is that letter's, not its class's


def train(rows: list[set[str]], labels: list[str], check: bool) -> dict[str, object]:
    folds = StratifiedKFold(n_splits=5, shuffle=True, random_state=2026)
    best = None
    for c in STRENGTHS:
        pipe = make_pipeline(DictVectorizer(), Normalizer(), LogisticRegression(C=c, max_iter=5000))
        x = [dict.fromkeys(r, 1) for r in rows]
        score = float(np.mean(cross_val_score(pipe, x, labels, cv=folds)))
        print(f"  C={c:<6} cross-validated accuracy {score:.3f}")
        if best is None or score > best[0]:
            best = (score, c)
    assert best is not None
    vectorizer = DictVectorizer()
    x = Normalizer().fit_transform(vectorizer.fit_transform([dict.fromkeys(r, 1) for r in rows]))
    model = LogisticRegression(C=best[1], max_iter=5000).fit(x, labels)
    coef = model.coef_ if len(model.classes_) > 2 else np.vstack([-model.coef_, model.coef_])
    names = vectorizer.get_feature_names_out()
    weights = {
        str(name): [round(float(w), 3) for w in coef[:, i]]
        for i, name in enumerate(names)
        if np.abs(coef[:, i]).max() >= MIN_WEIGHT
    }
    intercepts = (
        model.intercept_ if len(model.classes_) > 2 else [-model.intercept_[0], model.intercept_[0]]
    )
    print(f"  chose C={best[1]}: {len(weights)} features")
    return {
        "labels": [str(c) for c in model.classes_],
        "intercepts": [round(float(b), 4) for b in intercepts],
        "strength": best[1],
        "cross_validated_accuracy": round(best[0], 3),
        "weights": weights,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="print the figures, write nothing")
    args = parser.parse_args()
    cases = [c for c in load() if c.split == "tune"]
    rows = [letter_features(c.letter.text, c.letter.subject) for c in cases]
    seen: dict[str, int] = {}
    for row in rows:
        for f in row:
            seen[f] = seen.get(f, 0) + 1
    rows = [{f for f in row if seen[f] >= MIN_LETTERS} for row in rows]
    result: dict[str, object] = {"trained_on": len(cases), "models": {}}
    for target in ("kind", "category"):
        print(f"{target} ({len(cases)} tune letters):")
        labels = [c.expected[target] for c in cases]
        result["models"][target] = train(rows, labels, args.check)  # type: ignore[index]
    if not args.check:
        WEIGHTS.write_text(json.dumps(result, ensure_ascii=False, sort_keys=True) + "\n")
        print(f"wrote {WEIGHTS} ({WEIGHTS.stat().st_size // 1024} KB)")


if __name__ == "__main__":
    main()
