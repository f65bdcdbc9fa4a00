"""A second, Latin pass over the words of a Russian page that are e-mail addresses or URLs.

``rus`` cannot read Latin: «elena.vasileva28@rambler.ru» comes out as
«@епа.уазЙеуа28@гат ег.ги», and ``rus+eng`` for the whole page turns Cyrillic
words into Latin look-alikes instead (NOTES.md).  So the page is read with
the configured languages, and only the tokens that must be Latin, found by
their '@', ``http`` or ``www``, are cropped by their boxes from
``image_to_data`` and read again with ``eng`` as one line.  The Latin reading
replaces the Russian one only when it is a well-formed address.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Iterator, Sequence

from PIL import Image

from ocr.tesseract import PageText, Word, layout, recognise_line
from pismo.errors import OcrError

EMAIL = re.compile(r"^[\w.+-]+@[\w-]+(\.[\w-]+)*\.[a-z]{2,}$", re.ASCII | re.IGNORECASE)
URL = re.compile(r"^(https?://|www\.)[\w.-]+\.[a-z]{2,}(/\S*)?$", re.ASCII | re.IGNORECASE)
LATIN_MARKS = ("@", "http", "www", "://")
PADDING = 12  # pixels around the crop, so the first and last letters are whole


def reread_latin(image: Callable[[], Image.Image], page: PageText) -> PageText:
    """The page with its e-mail addresses and URLs read by the Latin model; ``image``
    gives the page's image, needed only when there is such a word."""
    words: list[Word] = []
    changed = False
    for token, latin in _tokens(page.words):
        text = _read_latin(image(), token) if latin else None
        if text is None:
            words.extend(token)
        else:
            confidence = min(w.confidence for w in token)
            words.append(Word(text, confidence, _union(token), token[0].line, reread=True))
            changed = True
    if not changed:
        return page
    return dataclasses.replace(page, text=layout(words), words=tuple(words))


def _tokens(words: Sequence[Word]) -> Iterator[tuple[Sequence[Word], bool]]:
    """Runs of words on one line with no real space between them, and whether the
    run carries a mark of an address or URL."""
    start = 0
    for end in range(1, len(words) + 1):
        if end < len(words) and _touching(words[end - 1], words[end]):
            continue
        text = "".join(w.text for w in words[start:end]).lower()
        yield words[start:end], any(mark in text for mark in LATIN_MARKS)
        start = end


def _touching(left: Word, right: Word) -> bool:
    """Whether two words may be one token Tesseract split because it could not read it.

    Generous on purpose (a misread address often splits at a space-wide gap): a
    run that takes in a Russian word too fails the address check and is left alone.
    A label's colon or a comma ends a run: «e-mail: x@y.ru»."""
    if left.line != right.line or left.text.endswith((":", ",", ";")):
        return False
    gap = right.box[0] - (left.box[0] + left.box[2])
    return gap < 0.9 * max(left.box[3], right.box[3])


def _union(words: Sequence[Word]) -> tuple[int, int, int, int]:
    left = min(w.box[0] for w in words)
    top = min(w.box[1] for w in words)
    right = max(w.box[0] + w.box[2] for w in words)
    bottom = max(w.box[1] + w.box[3] for w in words)
    return left, top, right - left, bottom - top


def _read_latin(image: Image.Image, words: Sequence[Word]) -> str | None:
    left, top, width, height = _union(words)
    crop = image.crop(
        (
            max(0, left - PADDING),
            max(0, top - PADDING),
            min(image.width, left + width + PADDING),
            min(image.height, top + height + PADDING),
        )
    )
    try:
        text = recognise_line(crop, "eng")
    except OcrError:
        return None
    text = "".join(text.split()).rstrip(".,;")
    return text if EMAIL.match(text) or URL.match(text) else None
