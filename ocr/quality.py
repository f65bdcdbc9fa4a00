"""What of a page's reading is text, and how far to trust it.

Reading a page as one block (``--psm 6``) makes Tesseract read every mark on
it as letters: on a photocopy, speckle, grey bands and blotches come back as
lines of 1-3 letter "words" at confidence 0-30, longer than the letter itself.
``keep_text_lines`` drops those lines by their confidence and their shape;
``page_quality`` then says, from what is left, whether a person must read the
page: the confidence Tesseract had in its words, by the share of them that are
Russian words pymorphy3 knows, less for lines lost (wide gaps, dark paper) and
for specks and streaks away from the words.  Both were tuned on aged pages with
known text (bench/ocr_pages.py's tune half) and are measured on the other half.
"""

from __future__ import annotations

import functools
import itertools
import re
import statistics
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from PIL import Image

from ocr.tesseract import PageText, Word, layout, mean_confidence

if TYPE_CHECKING:
    import pymorphy3

# A real text line reads at 85-97 on aged pages; a line read from noise at 0-35.
MIN_LINE_CONFIDENCE = 40.0
# Noise read as text is mostly non-letters or fragments of 1-3 letters; a real
# Russian line has words of 4 letters and more in it, and is mostly letters.
MIN_LETTER_SHARE = 0.5
MAX_FRAGMENT_SHARE = 0.75
FRAGMENT_LETTERS = 3
# A line of fragments is kept only if Tesseract was this sure of it: «д. 12, кв. 5».
SURE_LINE = 75.0

LETTERS = re.compile(r"[^\W\d_]", re.UNICODE)
RUSSIAN_WORD = re.compile(r"[А-Яа-яЁё]+(?:-[А-Яа-яЁё]+)?")


def _letters(text: str) -> int:
    return len(LETTERS.findall(text))


def _signs(text: str) -> int:
    """Letters and digits: «6125415692.» is no fragment."""
    return sum(c.isalnum() for c in text)


def is_text_line(line: Sequence[Word]) -> bool:
    """Whether a line Tesseract read is text rather than noise read as letters."""
    if any(w.reread for w in line):  # an address the Latin pass read and checked
        return True
    confidence = statistics.mean(w.confidence for w in line)
    if confidence < MIN_LINE_CONFIDENCE:
        return False
    chars = "".join(w.text for w in line)
    if _letters(chars) + sum(c.isdigit() for c in chars) < MIN_LETTER_SHARE * len(chars):
        return False
    fragments = sum(1 for w in line if _signs(w.text) <= FRAGMENT_LETTERS)
    return fragments <= MAX_FRAGMENT_SHARE * len(line) or confidence >= SURE_LINE


def keep_text_lines(words: Sequence[Word]) -> tuple[Word, ...]:
    """The words of the lines that are text, in reading order."""
    kept: list[Word] = []
    for _key, line in itertools.groupby(words, key=lambda w: w.line):
        line_words = list(line)
        if is_text_line(line_words):
            kept.extend(line_words)
    return tuple(kept)


def text_lines(page: PageText) -> PageText:
    """The page with only its text lines: what noise Tesseract read as letters is gone."""
    kept = keep_text_lines(page.words)
    if len(kept) == len(page.words):
        return page
    return PageText(
        text=layout(kept),
        mean_confidence=mean_confidence(kept),
        words=kept,
        timed_out=page.timed_out,
        dropped_lines=page.dropped_lines + _line_count(page.words) - _line_count(kept),
    )


def _line_count(words: Sequence[Word]) -> int:
    return len({w.line for w in words})


# A gap between two lines of more than this many line pitches is text that was lost
# (a dark band, a blotch): a letter's own blank lines make gaps of 2-3.
MAX_GAP = 3.5
# Paper darker than this share of the page's own paper is a band or blotch that may
# hide text: rows of it where no line was read count against the page.
DARK_PAPER = 0.7
ROW_SCALE = 8
EDGE_SCALE = 4


@dataclass(frozen=True)
class Quality:
    """A page's reading, judged."""

    known_words: float  # share of its Russian words of 3+ letters pymorphy3 knows
    confidence: float  # Tesseract's mean confidence in its words, by letters
    widest_gap: float  # the widest gap between two lines, in line pitches
    dark: float  # share of the page's rows whose paper is dark
    hidden: float  # share of the page's rows under dark paper where no line was read
    stray_edges: float  # specks and streaks: edges per pixel away from the words read
    words: int  # Russian words of 3+ letters

    @property
    def known(self) -> int:
        """Dictionary words read: of two readings of a page, the better has more."""
        return round(self.known_words * self.words)

    @property
    def score(self) -> float:
        """0-100: confidence by the share of known words, less for lines lost in
        gaps or under dark paper, and less for a page of specks and streaks."""
        gap = min(1.0, MAX_GAP / self.widest_gap) if self.widest_gap > 0 else 1.0
        # Lines under dark paper are at risk even where some of them were read: in
        # a band over five lines, two were lost, each leaving no wider a gap than
        # a paragraph does.  Rows under it where nothing was read count twice.
        dark = max(0.0, 1.0 - self.dark - 2 * self.hidden)
        noise = min(1.0, STRAY_EDGES / self.stray_edges) if self.stray_edges > 0 else 1.0
        return round(self.confidence * self.known_words * gap * dark * noise, 1)


@functools.cache
def _morphology() -> pymorphy3.MorphAnalyzer:
    import pymorphy3  # its dictionaries take 0.3 s: loaded where a page is judged

    return pymorphy3.MorphAnalyzer()


def _known(word: str) -> bool:
    return bool(_morphology().word_is_known(word.lower()))


def _russian(words: Sequence[Word]) -> list[str]:
    return [
        token
        for w in words
        for token in RUSSIAN_WORD.findall(w.text)
        if len(token) >= FRAGMENT_LETTERS
    ]


def known_share(words: Sequence[Word]) -> float:
    """The share of the Russian words of 3+ letters that pymorphy3 knows."""
    russian = _russian(words)
    return sum(1 for token in russian if _known(token)) / len(russian) if russian else 0.0


def page_quality(words: Sequence[Word], image: Image.Image) -> Quality:
    """How well a page was read, from its text lines and its image."""
    russian = _russian(words)
    known = sum(1 for token in russian if _known(token))
    dark = dark_rows(image)
    letters = [(max(1, _letters(w.text)), w.confidence) for w in words]
    weight = sum(n for n, _c in letters)
    return Quality(
        known_words=known / len(russian) if russian else 0.0,
        confidence=sum(n * c for n, c in letters) / weight if weight else 0.0,
        widest_gap=_widest_gap(words),
        dark=float(dark.mean()),
        hidden=_hidden(words, dark),
        stray_edges=_stray_edges(words, image),
        words=len(russian),
    )


def _widest_gap(words: Sequence[Word]) -> float:
    """The widest space between the baselines of two lines that follow each other,
    in the page's usual line pitch; 0 for a page of fewer than three lines."""
    lines = [list(line) for _key, line in itertools.groupby(words, key=lambda w: w.line)]
    if len(lines) < 3:
        return 0.0
    baselines = sorted(statistics.median(w.box[1] + w.box[3] for w in line) for line in lines)
    gaps = [b - a for a, b in itertools.pairwise(baselines)]
    pitch = statistics.median(gaps)
    return max(gaps) / pitch if pitch > 0 else 0.0


def dark_rows(image: Image.Image) -> np.ndarray:
    """For each row of a copy at 1/8 size, whether its paper is dark (a band, a
    fold's shadow, a blotch); the top and bottom edges, where a scanner leaves
    black, never are."""
    small = np.asarray(image.convert("L").reduce(ROW_SCALE), dtype=np.float64)
    height, width = small.shape
    paper = float(np.percentile(small, 90))
    rows = np.median(small[:, width // 10 : width - width // 10], axis=1)
    dark = rows < DARK_PAPER * paper
    margin = max(1, height * 3 // 100)
    dark[:margin] = dark[height - margin :] = False
    return dark


def _hidden(words: Sequence[Word], dark: np.ndarray) -> float:
    """The share of the page's rows under dark paper where no line of text was read."""
    hidden = dark.copy()
    for w in words:
        top, bottom = w.box[1] // ROW_SCALE, (w.box[1] + w.box[3]) // ROW_SCALE
        height = w.box[3] // ROW_SCALE
        hidden[max(0, top - height) : bottom + height + 1] = False
    return float(hidden.mean())


# Edges per pixel away from the words read: office scans 0-0.0072 (a scanner's
# black border), photocopies whose reading had CER over 10% 0.012-0.18.  A crisp
# clean page has many edges, all of them in its words.
STRAY_EDGES = 0.01


def _stray_edges(words: Sequence[Word], image: Image.Image) -> float:
    edges = _edges(image)
    away = np.ones_like(edges)
    for w in words:
        left, top, width, height = (v // EDGE_SCALE for v in w.box)
        away[
            max(0, top - height // 2) : top + height + height // 2 + 1,
            max(0, left - height) : left + width + height + 1,
        ] = False
    return float(edges[away].mean()) if away.any() else 0.0


def _edges(image: Image.Image) -> np.ndarray:
    """Steps of over 50 grey levels between neighbours, at 1/4 of the resolution."""
    small = np.asarray(image.convert("L").reduce(EDGE_SCALE), dtype=np.int16)
    return np.abs(np.diff(small, axis=1)) > 50


# Edges per pixel (steps of over 50 grey levels between neighbours, at a quarter
# of the resolution): office scans 0.036-0.049, photocopy speckle and drum streaks
# 0.06-0.19 (bench/ocr_pages.py's tune pages).  Read as one block, such a page took
# 3-17 s and gave lines of garbage; Tesseract's own layout analysis sets the noise
# aside as images and took 1-4 s.
NOISY_EDGES = 0.055


def edge_density(image: Image.Image) -> float:
    """How much of a page is sharp light-dark steps: text, and the specks and streaks
    of a worn copier; 8 ms a page."""
    return float(_edges(image).mean())


def is_noisy(image: Image.Image) -> bool:
    return edge_density(image) > NOISY_EDGES
