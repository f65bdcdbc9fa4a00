"""Names in the dative against petrovich-eval (github.com/petrovich/petrovich-eval).

    .venv/bin/python bench/names.py EVAL [--errors N] [--module letters.declension]

EVAL is a checkout of petrovich-eval or its bare git directory (read with ``git show
HEAD:FILE``). The data is CC BY-SA 3.0 and is not kept in this repository. Prints, per
list and gender, the share of datives right with the gender given and without it:

* ``firstnames.tsv``: every first name's dative (OpenCorpora);
* ``firstnames.popular``: the popular first names (``firstnames.popular.gender.tsv``)
  that ``firstnames.tsv`` gives a dative for, and the gender inferred from them alone;
* ``*.misc.tsv``, ``people.tsv``: the hand-made hard cases, their dative rows;
* ``whole names``: for each gender, the i-th surname of ``surnames.gender.tsv``, first
  name of ``firstnames.tsv`` and patronymic of ``midnames.gender.tsv`` as one name. The
  lists with the surnames' and patronymics' datives (surnames.tsv, midnames.tsv) are over
  4 MiB and were not to be had, so those two datives are pymorphy3's dictionary's (the
  same OpenCorpora source), and names it does not know as Surn/Patr of that gender are
  left out: the surname and patronymic figures there measure the plumbing, not the rules;
  ``--rules`` hides the dictionary from the declension (not from the gender inferred) to
  measure petrovich's rules, as ``letters.name_rules`` applies them, on the same lists;
* ``people.gender.tsv``, ``midnames.gender.tsv``: the gender inferred (мр-жр: none).

``--module`` names the module whose ``dative(surname, name, patronymic, gender)`` is
measured (``infer_gender`` when it has one), so the code before a change can be measured
from its own checkout: ``PYTHONPATH=/work/main .venv/bin/python bench/names.py EVAL``.
"""

from __future__ import annotations

import argparse
import importlib
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

GENDERS = {"мр": "masc", "жр": "femn"}


def read_list(source: Path, name: str) -> list[list[str]]:
    """A petrovich-eval TSV's rows, header dropped."""
    if (source / name).exists():
        text = (source / name).read_text("utf-8-sig")
    else:
        shown = subprocess.run(
            ["git", "--git-dir", str(source), "show", f"HEAD:{name}"],
            capture_output=True,
            check=True,
        )
        text = shown.stdout.decode("utf-8-sig")
    return [line.split("\t") for line in text.splitlines()[1:] if line.strip()]


def same(a: str, b: str) -> bool:
    return a.lower().replace("ё", "е") == b.lower().replace("ё", "е")


@dataclass
class Score:
    right: int = 0
    total: int = 0
    errors: list[str] = field(default_factory=list)

    def add(self, ok: bool, error: str) -> None:
        self.total += 1
        self.right += ok
        if not ok:
            self.errors.append(error)

    def __str__(self) -> str:
        share = 100 * self.right / self.total if self.total else 0.0
        return f"{share:6.2f}% ({self.right}/{self.total})"


@dataclass(frozen=True)
class Case:
    """A name (surname, name, patronymic) and its expected dative, one gender."""

    parts: tuple[str, str, str]
    expected: tuple[str, str, str]
    gender: str  # masc or femn


def _title(word: str) -> str:
    return "-".join(p.capitalize() for p in word.split("-"))


def _dative_rows(rows: list[list[str]]) -> Iterator[tuple[str, str, str]]:
    for lemma, word, grammemes in rows:
        gender, _, case = grammemes.split(",")
        if case == "дт" and gender in GENDERS:
            yield lemma, word, GENDERS[gender]


def single_cases(rows: list[list[str]], slot: int) -> list[Case]:
    cases = []
    for lemma, word, gender in _dative_rows(rows):
        parts = ["", "", ""]
        expected = ["", "", ""]
        parts[slot], expected[slot] = _title(lemma), word
        cases.append(Case(tuple(parts), tuple(expected), gender))  # type: ignore[arg-type]
    return cases


def people_cases(rows: list[list[str]]) -> list[Case]:
    cases = []
    for *parts, s_exp, n_exp, p_exp, grammemes in rows:
        gender, _, case = grammemes.split(",")
        if case == "дт":
            cases.append(Case(tuple(parts), (s_exp, n_exp, p_exp), GENDERS[gender]))  # type: ignore[arg-type]
    return cases


def dictionary_dative(morph: Any, word: str, tag: str, gender: str) -> str | None:
    """The dative pymorphy3's dictionary alone gives a nominative ``tag`` of ``gender``."""
    found = set()
    for parse in morph.parse(word):
        t = parse.tag
        if parse.is_known and tag in t and "nomn" in t and "sing" in t and gender in t:
            inflected = parse.inflect({"datv"})
            if inflected:
                found.add(inflected.word)
    return found.pop() if len(found) == 1 else None


def whole_name_cases(source: Path, first: list[Case]) -> list[Case]:
    import pymorphy3

    morph = pymorphy3.MorphAnalyzer()
    cases = []
    for code, gender in GENDERS.items():
        surnames = [
            (_title(w), d)
            for w, g in read_list(source, "surnames.gender.tsv")
            if code in g.split("-") and (d := dictionary_dative(morph, w.lower(), "Surn", gender))
        ]
        patronymics = [
            (_title(w), d)
            for w, g in read_list(source, "midnames.gender.tsv")
            if g == code and (d := dictionary_dative(morph, w.lower(), "Patr", gender))
        ]
        names = [(c.parts[1], c.expected[1]) for c in first if c.gender == gender]
        for i, (surname, s_exp) in enumerate(surnames):
            name, n_exp = names[i % len(names)]
            patronymic, p_exp = patronymics[i % len(patronymics)]
            cases.append(Case((surname, name, patronymic), (s_exp, n_exp, p_exp), gender))
    return cases


def measure(
    dative: Callable[..., str], cases: list[Case], *, given: bool, drop_patronymic: bool = False
) -> dict[str, Score]:
    scores = {g: Score() for g in GENDERS.values()}
    for case in cases:
        parts = list(case.parts)
        expected = [e for e in case.expected if e]
        if drop_patronymic:
            parts[2] = ""
            expected = [e for e, p in zip(case.expected[:2], case.parts[:2], strict=True) if p]
        got = dative(*[p or None for p in parts], case.gender if given else None)
        want = " ".join(expected)
        scores[case.gender].add(
            same(got, want), f"{' '.join(p for p in parts if p)}: {got} ≠ {want}"
        )
    return scores


def gender_score(infer: Callable[..., str | None], rows: list[tuple[list[str], str]]) -> Score:
    score = Score()
    for parts, code in rows:
        want = GENDERS.get(code)
        got = infer(*[p or None for p in parts])
        score.add(got == want, f"{' '.join(p for p in parts if p)}: {got} ≠ {want}")
    return score


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("eval", type=Path, help="petrovich-eval: a checkout or its git dir")
    parser.add_argument("--module", default="letters.declension")
    parser.add_argument("--errors", type=int, default=0, help="print N errors per line")
    parser.add_argument("--rules", action="store_true", help="hide pymorphy3's dictionary")
    args = parser.parse_args()
    module = importlib.import_module(args.module)
    if args.rules:
        module._dictionary_dative = lambda *a: None  # type: ignore[attr-defined]
    dative = module.dative
    infer = getattr(module, "infer_gender", None)

    first = single_cases(read_list(args.eval, "firstnames.tsv"), 1)
    by_name = {c.parts[1].lower().replace("ё", "е"): c for c in first}
    popular = [
        by_name[n.lower().replace("ё", "е")]
        for n, _ in read_list(args.eval, "firstnames.popular.gender.tsv")
        if n.lower().replace("ё", "е") in by_name
    ]
    lists = [
        ("whole names", whole_name_cases(args.eval, first)),
        ("firstnames.tsv", first),
        ("firstnames.popular", popular),
        ("surnames.misc.tsv", single_cases(read_list(args.eval, "surnames.misc.tsv"), 0)),
        ("firstnames.misc.tsv", single_cases(read_list(args.eval, "firstnames.misc.tsv"), 1)),
        ("midnames.misc.tsv", single_cases(read_list(args.eval, "midnames.misc.tsv"), 2)),
        ("people.tsv", people_cases(read_list(args.eval, "people.tsv"))),
    ]
    print(f"{'list':22} {'gender':6} {'gender given':>22} {'no gender':>22}")
    for title, cases in lists:
        with_gender = measure(dative, cases, given=True)
        without = measure(dative, cases, given=False)
        for gender in GENDERS.values():
            if with_gender[gender].total:
                print(f"{title:22} {gender:6} {with_gender[gender]!s:>22} {without[gender]!s:>22}")
                for error in (with_gender[gender].errors + without[gender].errors)[: args.errors]:
                    print("    ", error)
        if title == "whole names":
            short = measure(dative, cases, given=False, drop_patronymic=True)
            for gender in GENDERS.values():
                print(f"{'  surname + name':22} {gender:6} {'':>22} {short[gender]!s:>22}")
                for error in short[gender].errors[: args.errors]:
                    print("    ", error)
    if infer is None:
        return
    genders = [
        ("people.gender.tsv", [(r[:3], r[3]) for r in read_list(args.eval, "people.gender.tsv")]),
        (
            "firstnames.popular",
            [(["", n, ""], g) for n, g in read_list(args.eval, "firstnames.popular.gender.tsv")],
        ),
        (
            "midnames.gender.tsv",
            [(["", "", _title(p)], g) for p, g in read_list(args.eval, "midnames.gender.tsv")],
        ),
    ]
    for title, rows in genders:
        score = gender_score(infer, rows)
        print(f"gender of {title:22} {score!s:>22}")
        for error in score.errors[: args.errors]:
            print("    ", error)


if __name__ == "__main__":
    # bench/letters.py would shadow the letters package; PYTHONPATH still comes first.
    sys.path[0:1] = []
    sys.path.append(str(Path(__file__).resolve().parents[1]))
    main()
