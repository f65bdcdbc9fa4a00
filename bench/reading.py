"""Reading accuracy and speed on the labelled set (tests/reading).

    .venv/bin/python bench/reading.py [--errors] [--split tune|holdout|blind|all] [--origin NAME]

Prints per-field accuracy, per-ground precision and recall, category and kind
accuracy for each part of the set, and the median time to read one letter's text
(no OCR), warm, with the first letter's cold start (dictionaries loading) apart.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from intake.reading import read_letter
from tests.reading.labelled import SPLITS, Scores, default_rules, load, median_ms, read_all, score


def show(title: str, s: Scores, errors: bool) -> None:
    print(f"\n== {title}: {s.letters} letters")
    print(f"{'field':<16}accuracy")
    for key, value in s.field_accuracy.items():
        print(f"{key:<16}{value:6.1%}")
    print(f"{'category':<16}{s.category_accuracy:6.1%}")
    print(f"{'kind':<16}{s.kind_accuracy:6.1%}")
    print(f"\n{'ground':<20}{'precision':>10}{'recall':>8}{'expected':>10}")
    for code, (p, r, e) in s.ground_pr.items():
        print(f"{code:<20}{p:10.2f}{r:8.2f}{e:10d}")
    p, r = s.grounds_micro
    print(f"{'all grounds (micro)':<20}{p:10.2f}{r:8.2f}")
    if errors:
        print("\n".join(["", *s.errors]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--errors", action="store_true", help="list every wrong value")
    parser.add_argument("--split", choices=(*SPLITS, "all"), default="all")
    parser.add_argument("--origin", help="only the letters of this writer (e.g. blind-subagent-F)")
    args = parser.parse_args()
    cases = [c for c in load() if args.origin in (None, c.origin)]
    rules = default_rules()
    start = time.perf_counter()
    read_letter(cases[0].letter, rules)
    cold = (time.perf_counter() - start) * 1000
    readings = read_all(cases, rules)
    for split in SPLITS if args.split == "all" else (args.split,):
        part = [c for c in cases if c.split == split]
        show(split, score(part, readings), args.errors)
    show("all", score(cases, readings), False)
    print(f"\nfirst letter (cold: dictionaries load): {cold:.0f} ms")
    print(f"median per letter (warm, text only, {len(cases)} letters x 5): "
          f"{median_ms(cases, rules):.1f} ms")  # fmt: skip


if __name__ == "__main__":
    main()
