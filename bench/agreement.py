"""How far two careful people agree: a second labeller against the letters' writers.

    .venv/bin/python bench/agreement.py

``tests/reading/second_labels.json`` holds the kind, category and grounds a second
labeller gave 160 blind letters (sets O and U) from their text alone, having read
only LAW.md: neither the writers' labels nor the code.  The figures bound what a
reader can be asked to reach against one writer's labels.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.reading.labelled import GROUNDS, HERE, default_rules, load, read_all


def main() -> None:
    second = {e["file"]: e for e in json.loads((HERE / "second_labels.json").read_text("utf-8"))}
    cases = [c for c in load() if c.file in second]
    readings = read_all(cases, default_rules())
    # `repeat` needs the earlier letters, which the second labeller did not see.
    judged = set(GROUNDS) - {"repeat"}
    agree = {"second labeller": [0, 0], "pismo": [0, 0]}
    both = by_writer = by_second = 0
    for case in cases:
        writer, other = case.expected, second[case.file]
        read = readings[case.file].classification
        for who, kind, category in (
            ("second labeller", other["kind"], other["category"]),
            ("pismo", read.kind, read.category),
        ):
            agree[who][0] += kind == writer["kind"]
            agree[who][1] += category == writer["category"]
        mine, theirs = set(writer["grounds"]) & judged, set(other["grounds"]) & judged
        both, by_writer, by_second = (
            both + len(mine & theirs),
            by_writer + len(mine - theirs),
            by_second + len(theirs - mine),
        )
    n = len(cases)
    print(f"{n} blind letters, against their writers' labels:")
    for who, (kind, category) in agree.items():
        print(f"  {who:<16} kind {kind / n:6.1%}   category {category / n:6.1%}")
    print(
        f"  second labeller's grounds (repeat aside): precision {both / (both + by_second):.2f}, "
        f"recall {both / (both + by_writer):.2f}"
    )


if __name__ == "__main__":
    main()
