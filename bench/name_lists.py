"""Writes tests/data/names/pymorphy3-names.tsv.gz: the names pymorphy3 knows, with their dative.

    .venv/bin/python bench/name_lists.py   # about 2 minutes: it walks the whole dictionary

The equivalent of petrovich-eval's lists (whose data is not kept here) generated from
pymorphy3-dicts-ru, i.e. OpenCorpora, the source petrovich-eval's own lists were made
from (CC BY-SA 3.0). Rows: kind (lastname, firstname, middlename), gender (masc, femn),
nominative, dative; one row per lexeme and gender, in the dictionary's order. A name
whose nominative or dative the paradigm gives twice is left out.
"""

from __future__ import annotations

import gzip
from pathlib import Path

import pymorphy3

OUT = Path(__file__).resolve().parents[1] / "tests" / "data" / "names" / "pymorphy3-names.tsv.gz"
KINDS = {"Surn": "lastname", "Name": "firstname", "Patr": "middlename"}


def form(lexeme: list[pymorphy3.analyzer.Parse], gender: str, case: str) -> str | None:
    words = {
        p.word
        for p in lexeme
        if {gender, case, "sing"} <= p.tag.grammemes or ({"ms-f", case, "sing"} <= p.tag.grammemes)
    }
    return words.pop() if len(words) == 1 else None


def main() -> None:
    morph = pymorphy3.MorphAnalyzer()
    seen: set[tuple[str, str]] = set()
    rows: list[str] = []
    for word, tag, normal, paradigm, index in morph.dictionary.iter_known_words():
        kind = next((KINDS[t] for t in KINDS if t in tag), None)
        if kind is None or index != 0 or (normal, kind) in seen:
            continue
        seen.add((normal, kind))
        parse = next(p for p in morph.parse(word) if p.methods_stack[0][2:4] == (paradigm, index))
        lexeme = parse.lexeme
        for gender in ("masc", "femn"):
            nominative, dative = form(lexeme, gender, "nomn"), form(lexeme, gender, "datv")
            if nominative and dative:
                rows.append(f"{kind}\t{gender}\t{nominative}\t{dative}")
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with gzip.open(OUT, "wt", encoding="utf-8", compresslevel=9) as out:
        out.write("kind\tgender\tnominative\tdative\n")
        out.write("\n".join(rows) + "\n")
    print(f"{len(rows)} names → {OUT}")


if __name__ == "__main__":
    main()
