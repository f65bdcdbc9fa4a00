"""The parts of a letter around its sender: whom it is addressed to, what it asks, how much.

The addressee is the block of dative lines at the head of a letter («Генеральному
директору ООО …»), the demand is the first sentence that asks or demands
(«Прошу …», «Требую …»), the amount is the sum of money that sentence names, or,
when it asks for money back without a figure, the first sum in the letter.
Sentences are split by rule, because the abbreviations of Russian letters («руб.»,
«г.», «ул.», initials) defeat a naive split on full stops.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from decimal import Decimal

from intake.names import is_dative_surname

_ADDRESSEE_START = re.compile(
    r"^(?:кому\s*:|уважаемому\s|уважаемой\s|генеральн\w*|директор\w*|руководител\w*|"
    r"начальник\w*|президент\w*|председател\w*|заместител\w*|глав[еы]\s|"
    r"в\s+(?:ооо|ао|пао|зао|оао|«|\"|компани|службу|отдел|администрац))",
    re.IGNORECASE,
)
_ADDRESSEE_CONTINUES = re.compile(r"^(?:[а-яё]|ООО|АО|ПАО|ЗАО|ОАО|[«\"])")
_SENDER_LINE = re.compile(r"^(?:от\b|от кого|абонент|заявител|ф\.?\s?и\.?\s?о)", re.IGNORECASE)
HEAD_LINES = 8
# +7 or 8, then ten digits in any grouping: «8 (4912) 55-66-77», «+7(921)7654321».
PHONE = re.compile(r"(?<![\d+])(?:\+7|8|7)((?:[\s\-()]{0,2}\d){10})(?!\d)")

_DEMAND_VERB = re.compile(
    r"(?<!\w)(?:прошу|просим|требую|требуем|предлагаю|предлагаем|настаиваю)(?!\w)", re.IGNORECASE
)
# A full stop after these does not end a sentence when the next word follows on the same line.
ADDRESS_ABBREVIATIONS = frozenset(
    ("г", "гор", "ул", "д", "кв", "пр", "просп", "пер", "обл", "р-н", "пос", "мкр", "наб", "корп",
     "стр", "ш", "б-р", "пл", "им", "с", "дер", "респ")
)  # fmt: skip
_ABBREVIATIONS = (ADDRESS_ABBREVIATIONS - {"с"}) | {"см", "тел", "n", "№"}
# A stop before a capital, a stop at a line's end, a blank line, or a new line that
# starts with a capital after a line not ending in a comma (headings, signatures).
_SENTENCE_END = re.compile(
    r"[.!?]+(?=[ \t]+[«\"(]?[А-ЯЁA-Z])"
    r"|[.!?]+[ \t]*(?=\n(?![ \t]*[a-zа-яё]))"
    r"|\n\s*\n"
    r"|(?<![,\-–:])\n(?=[ \t]*[«\"]?[А-ЯЁA-Z])"
)
_MONEY = re.compile(
    r"(?<![\d,.])(\d{1,3}(?:[ \u00a0]\d{3})+|\d+)(?:[,.](\d{1,2}))?\s*"
    r"(?:руб(?:\.|лей|ля|ль)?|р\.|₽)(?:\s*(\d{1,2})\s*коп)?",
    re.IGNORECASE,
)
_ENDS_WITH_ABBREVIATION = re.compile(r"(?<!\w)(?:руб|коп|г|гг|тыс|млн|км|т\.\s?[дп])\.$")
_MONEY_BACK = re.compile(r"верн|возвра|возмест|компенс|перерасч|перечисл|выплат", re.IGNORECASE)


@dataclass(frozen=True)
class Demand:
    sentence: str
    amount: Decimal | None
    amount_evidence: str | None


def addressee(text: str) -> str | None:
    """The addressee block at the head of the letter, its lines joined, «Кому:» dropped."""
    lines = [line.strip() for line in text.splitlines()[:HEAD_LINES]]
    for i, line in enumerate(lines):
        if not _ADDRESSEE_START.match(line):
            continue
        block = [re.sub(r"^кому\s*:\s*", "", line, flags=re.IGNORECASE)]
        for following in lines[i + 1 : i + 3]:
            if (
                not following
                or _SENDER_LINE.match(following)
                or not (_ADDRESSEE_CONTINUES.match(following) or _dative_name(following))
            ):
                break
            block.append(following)
        return " ".join(block)
    return None


def _dative_name(line: str) -> bool:
    """A line that names the addressee: «Соловьёву Андрею Викторовичу», «Иванову И. И.»."""
    first = line.split(maxsplit=1)[0] if line.split() else ""
    return first[:1].isupper() and is_dative_surname(first)


@functools.lru_cache(maxsize=256)
def sentences(text: str) -> tuple[tuple[int, str], ...]:
    """(start, sentence) of each sentence, abbreviations and initials kept inside;
    remembered, as every check of a letter walks its sentences."""
    found: list[tuple[int, str]] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        if match.group().startswith((".",)) and _is_abbreviation(text, match):
            continue
        found.append((start, text[start : match.end()]))
        start = match.end()
    found.append((start, text[start:]))
    return tuple((s + len(t) - len(t.lstrip()), " ".join(t.split())) for s, t in found if t.strip())


def _is_abbreviation(text: str, match: re.Match[str]) -> bool:
    gap = text[match.end() : match.end() + 3]
    if "\n" in gap[: len(gap) - len(gap.lstrip())]:
        return False  # a line break after the stop ends the sentence
    word = re.search(r"([\w№-]+)$", text[: match.start()])
    if word is None:
        return False
    token = word.group(1)
    return token.lower() in _ABBREVIATIONS or (len(token) == 1 and token.isupper())


def demand(text: str) -> Demand | None:
    """The first sentence that asks or demands, from its verb when a clause precedes it."""
    money_anywhere = _MONEY.search(text)
    for _, sentence in sentences(text):
        verb = _DEMAND_VERB.search(sentence)
        if verb is None or _is_reply_request(sentence):
            continue
        if sentence[: verb.start()].rstrip().endswith(","):
            sentence = sentence[verb.start() :]
        sentence = _without_stop(sentence)
        money = _MONEY.search(sentence)
        if money is None and _MONEY_BACK.search(sentence):
            money = money_anywhere
        return Demand(
            sentence=sentence,
            amount=_amount(money) if money else None,
            amount_evidence=money.group().strip() if money else None,
        )
    return None


def _without_stop(sentence: str) -> str:
    """The sentence without its closing stop, unless the stop ends an abbreviation."""
    sentence = sentence.rstrip(" !;")
    if _ENDS_WITH_ABBREVIATION.search(sentence):
        return sentence
    return sentence.rstrip(".")


def _is_reply_request(sentence: str) -> bool:
    """«Ответ прошу направить почтой» says how to answer, not what is asked."""
    return bool(
        re.match(r"(?:ответ\w*|прошу\s+ответ\w*)\b", sentence, re.IGNORECASE)
        and re.search(r"направ|выслат|дать|прислат|отправ", sentence, re.IGNORECASE)
    )


def _amount(match: re.Match[str]) -> Decimal:
    whole, fraction, kopecks = match.groups()
    cents = fraction or kopecks or "0"
    rubles = Decimal(re.sub(r"\D", "", whole)) + Decimal(cents.ljust(2, "0")) / 100
    return rubles.quantize(Decimal("0.01"))
