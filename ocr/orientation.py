"""Upside-down, sideways and skewed pages, found only when they cost something.

Tesseract's orientation detection (OSD, ``--psm 0``) is a second Tesseract
run per page.  Most pages are upright, so paying for OSD on every page would
slow the queue for nothing.  An upside-down page, though, reads as garbage
with a low mean confidence; so the page is read as it is first, and only a
page whose confidence is under ``RETRY_BELOW`` is checked with OSD, turned,
deskewed (a projection profile, for skew over ``MIN_SKEW``), and read
again.  The better of the two readings wins, so a page that was merely hard
to read loses nothing.
"""

from __future__ import annotations

import numpy as np
from PIL import Image

from ocr.quality import known_share, text_lines
from ocr.tesseract import Model, PageText, orientation, recognise
from pismo.errors import OcrError

# Upright office scans read at 85-95; an upside-down page reads at 30-50.
RETRY_BELOW = 70.0
# A word read with less confidence than this is more likely noise than a word.
LIKELY_WORD = 60.0
# A page with this share of its words in the dictionary is read the right way up.
UPRIGHT_WORDS = 0.5
# OSD's own confidence in its answer; below this it is guessing.
MIN_OSD_CONFIDENCE = 1.5
# Tesseract reads up to about 3 degrees of skew unharmed; at 5 it loses half the
# letters (measured on our test pages: CER 0.7% level, 1.2% at 3°, 50-60% at 5°).
MIN_SKEW = 2.5  # degrees; below it a re-read costs more than it gains
MAX_SKEW = 10
# A page with this many level lines of three words or more is level: its skew is
# not estimated again.
LEVEL_LINES = 8
PROFILE_WIDTH = 600  # pixels: enough to see lines of 12-pt text at 300 dpi
# Ink is what is darker than the paper by this share of the paper's brightness: a
# fixed threshold (128) found no ink at all on a faint copy and gave -11° from nothing.
INK_CONTRAST = 0.25
# Fewer ink pixels than this share of the page: too little text to measure a skew on.
MIN_INK = 0.003
# The best angle must make the rows this much more unequal than the page as it is,
# or the profile is flat (noise, a blank page) and the page is left level.
MIN_GAIN = 1.1


def reads_well(page: PageText) -> bool:
    """Read with confidence into dictionary words, its lines level: no second look
    would do better.  (A sideways page, its noise lines dropped, once left one word
    read at confidence 81.)"""
    return _confident(page) and _in_words(page) and abs(line_slope(page)) < MIN_SKEW


def _in_words(page: PageText) -> bool:
    return known_share(page.words) >= UPRIGHT_WORDS


def _confident(page: PageText) -> bool:
    return page.mean_confidence is not None and page.mean_confidence >= RETRY_BELOW


def recognise_upright(
    image: Image.Image, model: Model, first: PageText | None = None
) -> tuple[PageText, Image.Image]:
    """The page's text, and the page turned the way it was read (the words' boxes
    are on that image).  ``first`` is a reading of the page as it is, if there is one."""
    first = first or text_lines(recognise(image, model))
    if reads_well(first):
        return first, image
    # Only a page that reads badly may be upside down or sideways; a skewed one
    # can read at high confidence, and OSD on it sometimes guesses a quarter turn.
    # A page read into dictionary words is upright, however unsure Tesseract was:
    # a photocopy read at confidence 50-70 had 64-91% of its words known and took
    # 0.5-0.9 s more for OSD to say so.
    may_be_turned = not _in_words(first)
    turned = image
    if may_be_turned and (turn := rotation_needed(image)):
        # OSD's "Rotate" is clockwise; Pillow's rotate() turns counter-clockwise.
        turned = image.rotate(-turn, expand=True)
    # Lines read level say the page is level; the profile (0.2-0.4 s) is for pages
    # where too few lines were read to tell.
    level = turned is image and _level_lines(first) >= LEVEL_LINES
    angle = 0.0 if level else skew_angle(turned)
    if abs(angle) >= MIN_SKEW:
        # Filled with the paper's own grey: a white border on a grey page makes
        # Tesseract's global threshold take the whole sheet for ink.
        paper = int(np.median(np.asarray(turned.convert("L").reduce(8))))
        turned = turned.rotate(angle, Image.Resampling.BICUBIC, expand=True, fillcolor=paper)
    if turned is image:
        return first, image
    second = text_lines(recognise(turned, model))
    return (second, turned) if _evidence(second) > _evidence(first) else (first, image)


def _evidence(page: PageText) -> float:
    """How much a reading found: the sum of the confidences of its likely words.
    The mean alone can favour a reading that lost most of the page but is sure of
    what is left; the sum of all words, a sideways page read as one block, which
    yields hundreds of fragments at confidence 30-40."""
    return sum(w.confidence for w in page.words if w.confidence >= LIKELY_WORD)


def _level_lines(page: PageText) -> int:
    """How many lines of three words or more lie within ``MIN_SKEW`` of level."""
    return sum(1 for slope in _slopes(page) if abs(slope) < MIN_SKEW)


def line_slope(page: PageText) -> float:
    """The median slope, in degrees, of the text lines Tesseract found: free to
    compute, and a skewed page shows it even where the confidence stays high
    (a page at 5° read at confidence 80-90 with half its words lost)."""
    slopes = _slopes(page)
    return float(np.median(slopes)) if slopes else 0.0


def _slopes(page: PageText) -> list[float]:
    """The slope, in degrees, of each line of three words or more."""
    lines: dict[tuple[int, int, int], list[tuple[float, float]]] = {}
    for w in page.words:
        left, top, width, height = w.box
        lines.setdefault(w.line, []).append((left + width / 2, top + height))
    slopes = []
    for points in lines.values():
        if len(points) >= 3:
            xs, ys = np.array(points).T
            if np.ptp(xs) > 0:
                slopes.append(float(np.degrees(np.arctan(np.polyfit(xs, ys, 1)[0]))))
    return slopes


def skew_angle(image: Image.Image) -> float:
    """Degrees counter-clockwise that level the text lines: the angle at which the
    rows of a small, thresholded copy are most unequal (lines and gaps apart);
    0 where the page has too little ink, or no angle stands out."""
    small = image.convert("L").reduce(max(1, image.width // PROFILE_WIDTH))
    paper = float(np.percentile(np.asarray(small), 90))
    ink = small.point(lambda v: 255 if v < paper * (1 - INK_CONTRAST) else 0)
    if np.asarray(ink).mean() / 255 < MIN_INK:
        return 0.0

    def sharpness(angle: float) -> float:
        rows = np.asarray(ink.rotate(angle, Image.Resampling.BILINEAR), dtype=np.float64).sum(1)
        return float(np.square(np.diff(rows)).sum())

    coarse = max(np.arange(-MAX_SKEW, MAX_SKEW + 0.5, 1.0), key=sharpness)
    fine = max(np.arange(coarse - 1.0, coarse + 1.01, 0.1), key=sharpness)
    if sharpness(fine) < MIN_GAIN * sharpness(0.0):
        return 0.0
    return round(float(fine), 1)


def rotation_needed(image: Image.Image) -> int:
    """Degrees clockwise that make the page upright per OSD; 0 when unsure."""
    try:
        found = orientation(image)
    except OcrError:
        return 0  # OSD data missing: keep the page as it is
    if found is None or found[1] < MIN_OSD_CONFIDENCE:
        return 0  # too few letters to tell, or a guess
    return found[0]
