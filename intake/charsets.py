"""Decoding the text of Russian mail, whatever its headers claim.

Bodies arrive in windows-1251, KOI8-R, cp866 or UTF-8, often with no charset
declared or the wrong one.  A declared charset is believed only if the text
it yields reads like Russian; otherwise the candidates are scored and the
best one wins.  ``charset-normalizer`` covers everything that is not Cyrillic.
"""

from __future__ import annotations

import re

from charset_normalizer import from_bytes

CYRILLIC_8BIT = ("cp1251", "koi8_r", "cp866", "iso8859_5", "mac_cyrillic")
_CYRILLIC_BLOCK = re.compile(r"[\u0400-\u04ff]")
_RUSSIAN = set("абвгдеёжзийклмнопрстуфхцчшщъыьэюяАБВГДЕЁЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯ")
# The letters of ordinary Russian prose, most frequent first.
_COMMON = set("оеаинтсрвлкмдпуяыьгзбчй")
# Non-ASCII characters Russian text really uses besides letters.


_SYMBOL_IN_WORD = re.compile(
    r"(?<=[\u0400-\u04ff])[^\x00-\x7f\u0400-\u04ff«»—–№…“”„‘’\xa0]|"
    r"[^\x00-\x7f\u0400-\u04ff«»—–№…“”„‘’\xa0](?=[\u0400-\u04ff])"
)


def russian_score(text: str) -> float:
    """How much ``text`` looks like Russian prose: lowercase, common letters, few oddities.

    Text decoded with the wrong Cyrillic code page keeps its letter count but
    swaps case (KOI8-R against cp1251) or picks rare letters, so both fall.
    """
    cyrillic: list[str] = _CYRILLIC_BLOCK.findall(text)
    if not cyrillic:
        return 0.0
    letters = [ch for ch in cyrillic if ch in _RUSSIAN]
    foreign = (len(cyrillic) - len(letters)) / len(cyrillic)  # ћ, Ђ, ї: not Russian
    lower = sum(ch.islower() for ch in letters) / max(len(letters), 1)
    common = sum(ch.lower() in _COMMON for ch in letters) / max(len(letters), 1)
    odd = sum(ch == "\ufffd" or (ord(ch) < 32 and ch not in "\r\n\t") for ch in text)
    # A neighbouring code page (mac_cyrillic against cp1251) swaps a few letters
    # for symbols: «∆алоба» for «Жалоба».  Symbols inside words give it away.
    symbols = len(_SYMBOL_IN_WORD.findall(text)) / len(cyrillic)
    return lower + common - 5 * foreign - 5 * symbols - 10 * odd / max(len(text), 1)


def normalise_charset(name: str | None) -> str | None:
    if not name:
        return None
    import codecs

    try:
        return codecs.lookup(name.strip().strip('"')).name
    except LookupError:
        return None


def decode_text(raw: bytes, declared: str | None = None) -> str:
    """The text of a body part, decoded by the best evidence available."""
    if not raw:
        return ""
    charset = normalise_charset(declared)
    if raw.isascii():
        return raw.decode("ascii")
    try:
        utf8 = raw.decode("utf-8")
    except UnicodeDecodeError:
        utf8 = None
    if utf8 is not None and charset in (None, "utf-8"):
        return utf8
    candidates: dict[str, str] = {}
    if utf8 is not None:
        candidates["utf-8"] = utf8
    if charset is not None:
        candidates[charset] = raw.decode(charset, errors="replace")
    for name in CYRILLIC_8BIT:
        candidates.setdefault(name, raw.decode(name, errors="replace"))
    best = max(candidates, key=lambda name: russian_score(candidates[name]))
    if russian_score(candidates[best]) > 1.2:
        # A declared charset that reads as well as the best keeps its word.
        if charset in candidates and russian_score(candidates[charset]) >= russian_score(
            candidates[best]
        ):
            return candidates[charset]
        return candidates[best]
    if charset is not None:
        return candidates[charset]
    match = from_bytes(raw).best()
    return str(match) if match is not None else raw.decode("utf-8", errors="replace")
