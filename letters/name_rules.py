"""petrovich's ending rules for names the dictionary does not know, applied as its rules mean.

The rules and exception tables are petrovich's own (the ``petrovich`` package's
rules.json); petrovich 2.0.1's applier gets them wrong, so they are applied here:
a rule marked androgynous holds for either gender (masculine names in -а/-я
live there: Никита, Кузьма, Илья); "." means the word stays as it is, not "add
a dot" (Шота, Николь); a rule tagged ``first_word`` («Бонч», «Тер») holds only for
the first part of a hyphenated name; and endings are matched whatever the
letters' case.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from importlib import resources
from typing import Literal

Kind = Literal["lastname", "firstname", "middlename"]
DATIVE = 1  # the column of petrovich's mods, which run gent, datv, accs, ablt, loct

_PETROVICH_GENDER = {"masc": "male", "femn": "female"}
_CONSONANTS = frozenset("бвгджзйклмнпрстфхцчшщъь")


@dataclass(frozen=True)
class _Rule:
    gender: str
    tests: tuple[str, ...]
    mod: str
    first_word: bool


@functools.cache
def _rules() -> dict[tuple[Kind, str], tuple[_Rule, ...]]:
    text = resources.files("petrovich").joinpath("rules", "rules.json").read_text("utf-8")
    data = json.loads(text)
    return {
        (kind, part): tuple(
            _Rule(
                gender=r["gender"],
                tests=tuple(t.lower() for t in r["test"]),
                mod=r["mods"][DATIVE],
                first_word="first_word" in r.get("tags", ()),
            )
            for r in data[kind][part]
        )
        for kind in ("lastname", "firstname", "middlename")
        for part in ("exceptions", "suffixes")
    }


# Endings petrovich's tables miss, measured on the names pymorphy3's dictionary knows;
# checked before its own suffix rules. Women's first names in -ь the dictionary does not
# know are foreign and stay as written (Абигейль, Авиталь; Любовь and Нинель it knows);
# names in -иа/-еа/-уа stay too (Андреа, Бенуа); men's in -ш/-щ take -у (Абуш, Агададаш).
_SUPPLEMENT: dict[Kind, tuple[_Rule, ...]] = {
    "firstname": (
        _Rule("female", ("ь",), ".", False),
        _Rule("androgynous", ("иа", "еа", "уа", "оа"), ".", False),
        _Rule("male", ("ш", "щ"), "у", False),
    ),
    "lastname": (),
    "middlename": (),
}
_VOWELS = frozenset("аеёиоуыэюя")


def _applies(rule: _Rule, gender: str, first_word: bool) -> bool:
    if rule.first_word and not first_word:
        return False
    return rule.gender in ("androgynous", _PETROVICH_GENDER[gender])


def _apply(mod: str, word: str) -> str:
    if mod == ".":
        return word
    cut = mod.count("-")
    return (word[:-cut] if cut else word) + mod.replace("-", "")


def rule_dative(word: str, kind: Kind, gender: str, *, first_word: bool = False) -> str:
    """One word (no hyphen) in the dative by petrovich's rules; ``gender`` masc or femn.

    The answer is in lower case; the caller puts the word's own letter case back.
    """
    lower = word.lower()
    if kind == "lastname" and gender == "femn" and lower[-1:] in _CONSONANTS:
        # A woman's surname ending in a consonant does not decline (Шевчук, Цой,
        # Воробей), whatever the exception tables say for the man's.
        return lower
    rules = _rules()
    for rule in rules[(kind, "exceptions")]:
        if _applies(rule, gender, first_word) and lower in rule.tests:
            return _apply(rule.mod, lower)
    for rule in (*_SUPPLEMENT[kind], *rules[(kind, "suffixes")]):
        if _applies(rule, gender, first_word) and lower.endswith(rule.tests):
            if rule.mod.startswith("--") and sum(c in _VOWELS for c in lower) == 1:
                # A word of one syllable keeps its vowel: Блок → Блоку, Швец → Швецу.
                return lower + rule.mod.replace("-", "")[-1:]
            return _apply(rule.mod, lower)
    return lower


@functools.cache
def _gender_suffixes() -> dict[str, dict[str, tuple[str, ...]]]:
    text = resources.files("petrovich").joinpath("rules", "gender.json").read_text("utf-8")
    return {
        kind: {g: tuple(s.lower() for s in suffixes) for g, suffixes in by_gender.items()}
        for kind, by_gender in json.loads(text)["gender"].items()
    }


def rule_gender(word: str, kind: Kind) -> str | None:
    """masc or femn by petrovich's gender endings (the longest that matches), or None."""
    lower = word.lower()
    best, gender = 0, None
    for name, suffixes in _gender_suffixes()[kind].items():
        for suffix in suffixes:
            if len(suffix) > best and lower.endswith(suffix):
                best, gender = len(suffix), name
    return {"male": "masc", "female": "femn"}.get(gender or "")
