"""Add a set of labelled letters to tests/reading/: its letters and their labels.

    .venv/bin/python scripts/add_letters.py DIR [--split blind|tune|holdout] [--origin NAME]

DIR holds ``letters/*.txt`` and ``expected.json`` in the format of
``tests/reading/expected.json``; each entry keeps (or is given) its ``origin``,
the writer of the letter, and its ``split``.  A letter whose file name is
already in the set is refused: sets are numbered apart.
"""

from __future__ import annotations

import argparse
import json
import shutil
from pathlib import Path

READING = Path(__file__).resolve().parent.parent / "tests" / "reading"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("source", type=Path)
    parser.add_argument("--split", choices=("tune", "holdout", "blind"))
    parser.add_argument("--origin")
    args = parser.parse_args()
    labels = READING / "expected.json"
    entries = json.loads(labels.read_text(encoding="utf-8"))
    have = {e["file"] for e in entries}
    new = json.loads((args.source / "expected.json").read_text(encoding="utf-8"))
    for entry in new:
        if entry["file"] in have:
            raise SystemExit(f"{entry['file']} is in the set already")
        entry["split"] = args.split or entry["split"]
        entry["origin"] = args.origin or entry.get("origin") or args.source.name
        shutil.copy(args.source / "letters" / entry["file"], READING / "letters" / entry["file"])
    labels.write_text(json.dumps(entries + new, ensure_ascii=False, indent=1) + "\n", "utf-8")
    print(f"added {len(new)} letters; the set has {len(entries) + len(new)}")


if __name__ == "__main__":
    main()
