"""The `abusive` ground (59-FZ Art. 11 p.3): obscene or offensive words, and threats
to life, health or property, in any words.

The lexicon is data (``data/abusive.toml``): lemmas of insults and threats (so
«идиот» catches «идиотами»), obscene roots, masked words («б***»), threatening and
insulting phrases, and the lawful remedies that make a phrase no threat.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from intake.grounds import TOKEN, lemmas, vocabulary
from intake.letter_parts import sentences
from intake.names import morph


def _strings(data: dict[str, object], key: str) -> list[str]:
    values = data[key]
    assert isinstance(values, list) and all(isinstance(v, str) for v in values), key
    return values


@dataclass(frozen=True)
class _Abuse:
    words: frozenset[str]  # lemmas of insults and threats
    threats: frozenset[str]  # the lemmas of threats alone
    obscene: re.Pattern[str]
    masked: re.Pattern[str]
    phrases: tuple[re.Pattern[str], ...]  # threats in whole phrases
    insults: tuple[re.Pattern[str], ...]  # insults in whole phrases
    lawful: tuple[re.Pattern[str], ...]


@functools.cache
def _lexicon() -> _Abuse:
    data = vocabulary("abusive.toml")
    words = _strings(data, "insults") + _strings(data, "threats")
    masked = data["masked"]
    assert isinstance(masked, str)
    return _Abuse(
        words=frozenset(w.replace("ё", "е") for w in words),
        threats=frozenset(w.replace("ё", "е") for w in _strings(data, "threats")),
        obscene=re.compile(r"(?<![а-яё])(?:" + "|".join(_strings(data, "obscene")) + ")"),
        masked=re.compile(masked),
        phrases=tuple(re.compile(p) for p in _strings(data, "threat_phrases")),
        insults=tuple(re.compile(p) for p in _strings(data, "insult_phrases")),
        lawful=tuple(re.compile(r"(?<![а-яё])" + p) for p in _strings(data, "lawful")),
    )


def abusive(text: str) -> str | None:
    """The obscene, insulting or threatening words of the letter, as written: words of
    the lexicon in any form, masked words («б***»), and threatening phrases whose
    sentence names no lawful remedy («вы пожалеете» is no threat beside «подам в суд»)."""
    lexicon = _lexicon()
    lowered = text.lower()
    found = [
        m.group()
        for m in TOKEN.finditer(lowered)
        if lemmas(m.group()) & lexicon.words
        and not _a_surname(text[m.start() : m.end()])
        and not _a_report(m.group(), lexicon)
        and not _quoted(lowered, m.start())
    ]
    found += [
        _word_at(lowered, m.start())
        for m in lexicon.obscene.finditer(lowered)
        if not _quoted(lowered, m.start())
    ]
    found += [
        m.group() for m in lexicon.masked.finditer(lowered) if not _quoted(lowered, m.start())
    ]
    found += [
        m.group()
        for p in lexicon.insults
        for m in p.finditer(lowered)
        if not _quoted(lowered, m.start())
    ]
    for _, sentence in sentences(text):
        said = sentence.lower()
        for threat in lexicon.phrases:
            if (m := threat.search(said)) and not any(p.search(said) for p in lexicon.lawful):
                found.append(m.group())
    return ", ".join(dict.fromkeys(found)) if found else None


_SAID = re.compile(
    r"(?<![а-яё])(?:сказал\w*|заявил\w*|ответил\w*|назвал\w*|обозвал\w*|кричал\w*|"
    r"выразил\w*|послал\w*|написал\w*)(?![а-яё])[^.!?]*$"
)


def _quoted(text: str, start: int) -> bool:
    """Words inside quotes after «сказал», «заявил», «назвал»: the writer reports what
    someone else said to them, which is a complaint, not abuse."""
    before = text[max(0, start - 200) : start]
    opened = before.rfind("«") > before.rfind("»") or before.count('"') % 2 == 1
    return opened and _SAID.search(before) is not None


def _a_report(word: str, lexicon: _Abuse) -> bool:
    """«Спалили роутер», «прибили кабель», «зарезали скорость» tell what was done: a
    threat is of what is to come."""
    parses = [p for p in morph().parse(word) if p.normal_form.replace("ё", "е") in lexicon.threats]
    return bool(parses) and all("past" in p.tag for p in parses)


def _a_surname(written: str) -> bool:
    """«КОЗЛОВ», «Козлова» signing a letter are names, not the insult «козёл»."""
    return written[:1].isupper() and any("Surn" in p.tag for p in morph().parse(written)[:3])


def _word_at(text: str, start: int) -> str:
    match = TOKEN.match(text, start)
    return match.group() if match else text[start : start + 10]
