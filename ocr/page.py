"""One page image to its text lines, judged: the reading strategy, by evidence.

1. A page of specks or streaks (``quality.is_noisy``) is read with Tesseract's
   layout analysis, which sets the noise aside; any other letter as one block,
   which reads office scans best (bench/ocr.py, README «OCR»).
2. Lines of noise read as letters are dropped (``quality.text_lines``); a page
   that still reads badly is checked for a turn or skew (``orientation``).
3. A page whose quality is under ``min_quality`` (it would go to a person) and
   whose paper is dark in places is read once more with its paper made even
   (``background.flattened``); the reading with more dictionary words is kept.
"""

from __future__ import annotations

import contextlib
import dataclasses

from PIL import Image

from ocr.background import flattened
from ocr.latin import reread_latin
from ocr.orientation import reads_well, recognise_upright
from ocr.quality import Quality, is_noisy, page_quality, text_lines
from ocr.tesseract import Model, PageText, recognise
from pismo.errors import PageTimeout

# Pages with more than this share of their rows under dark paper, and no specks or
# streaks, are read again with the paper made even.  On the tune pages that second
# reading helped only such pages (bands, folds: CER 22% to 7%, 77% to 38%); on
# speckle, streaks and faded lines it changed 0-2 points at twice the time.
UNEVEN = 0.05


def read_image(image: Image.Image, model: Model, min_quality: float) -> PageText:
    """The page's text lines, with their quality; a ``PageTimeout`` raised during
    the second reading keeps the first."""
    if model.layout == "letter" and is_noisy(image):
        model = dataclasses.replace(model, layout="auto")
    page, upright = _upright(image, model)
    quality = _judged(page, upright)
    if (
        quality is not None
        and quality.score < min_quality
        and quality.dark > UNEVEN
        and model.layout == "letter"  # a page of streaks: darkened, but no band to even out
    ):
        with contextlib.suppress(PageTimeout):
            even = flattened(upright)
            second = reread_latin(lambda: even, text_lines(recognise(even, model)))
            # Judged on the page as it came: the dark paper that hid lines is still there.
            second_quality = _judged(second, upright)
            if second_quality is not None and second_quality.known > quality.known:
                page, quality = second, second_quality
    return dataclasses.replace(page, quality=None if quality is None else quality.score)


def _upright(image: Image.Image, model: Model) -> tuple[PageText, Image.Image]:
    first = text_lines(recognise(image, model))
    if reads_well(first):
        return reread_latin(lambda: image, first), image
    page, upright = recognise_upright(image, model, first)
    return reread_latin(lambda: upright, page), upright


def _judged(page: PageText, image: Image.Image) -> Quality | None:
    return page_quality(page.words, image) if page.words else None
