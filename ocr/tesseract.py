"""The one place that runs Tesseract.

Each call runs one ``tesseract`` process limited to one OpenMP thread: on a
small machine its threads fight each other and make it several times slower;
parallelism comes from running one process per core instead.
"""

from __future__ import annotations

import itertools
import os
import statistics
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Literal

import pytesseract
from PIL import Image

from errors import OcrError

os.environ.setdefault("OMP_THREAD_LIMIT", "1")

PageLayout = Literal["letter", "auto"]
# Tesseract's page segmentation mode (--psm) for each layout.  A letter is one
# column of text: read as one block, line by line (6), an aged page took 15% less
# time than with Tesseract's own search for columns and blocks (3), and fewer
# errors (CER 0.89% against 1.36% on bench/ocr.py's pages; clean pages alike).
PAGE_SEGMENTATION: dict[PageLayout, int] = {"letter": 6, "auto": 3}


@dataclass(frozen=True)
class Word:
    text: str
    confidence: float
    box: tuple[int, int, int, int]  # left, top, width, height in pixels
    line: tuple[int, int, int]  # block, paragraph, line


@dataclass(frozen=True)
class PageText:
    text: str
    mean_confidence: float | None  # None where the page had no words
    words: tuple[Word, ...]


@contextmanager
def image_file(image: Image.Image) -> Iterator[str]:
    """The page as an uncompressed PGM file for the ``tesseract`` process to read.

    pytesseract would save a PNG, and PNG compression of a noisy 300-dpi page
    takes longer than Tesseract takes to read it (measured: 0.5-7 s against
    0.07 s for PGM)."""
    with tempfile.NamedTemporaryFile(prefix="pismo-page-", suffix=".pgm") as f:
        image.convert("L").save(f, format="PPM")
        f.flush()
        yield f.name


@dataclass(frozen=True)
class Model:
    """What a page is read as: its languages (as for ``-l``) and its layout."""

    languages: str = "rus"
    layout: PageLayout = "letter"


def recognise(image: Image.Image, model: Model) -> PageText:
    with image_file(image) as path:
        return recognise_file(path, model)


def recognise_file(path: str, model: Model) -> PageText:
    """The page in an image file Tesseract reads itself (PGM, PNG, JPEG, TIFF)."""
    try:
        data = pytesseract.image_to_data(
            path,
            lang=model.languages,
            config=f"--psm {PAGE_SEGMENTATION[model.layout]}",
            output_type=pytesseract.Output.DICT,
        )
    except (pytesseract.TesseractError, pytesseract.TesseractNotFoundError, OSError) as exc:
        raise OcrError(f"Tesseract failed: {exc}") from exc
    words = [
        Word(
            text=text,
            confidence=float(conf),
            box=(data["left"][i], data["top"][i], data["width"][i], data["height"][i]),
            line=(data["block_num"][i], data["par_num"][i], data["line_num"][i]),
        )
        for i, (text, conf) in enumerate(zip(data["text"], data["conf"], strict=True))
        if text.strip() and float(conf) >= 0
    ]
    return PageText(
        text=layout(words),
        mean_confidence=(
            round(sum(w.confidence for w in words) / len(words), 1) if words else None
        ),
        words=tuple(words),
    )


def layout(words: Sequence[Word]) -> str:
    """Words joined into Tesseract's lines, paragraphs separated by a blank line."""
    lines = [list(line) for _key, line in itertools.groupby(words, key=lambda w: w.line)]
    starts = _paragraph_starts(lines)
    return "".join(
        ("\n\n" if n in starts else "\n" if n else "") + " ".join(w.text for w in line)
        for n, line in enumerate(lines)
    )


def _paragraph_starts(lines: Sequence[Sequence[Word]]) -> set[int]:
    """The lines that begin a paragraph: Tesseract's own paragraphs, and where the
    page shows one that Tesseract does not report (reading a page as one block, it
    reports none): a gap of about a blank line, or an indented first line."""
    if len(lines) < 2:
        return set()
    tops = [min(w.box[1] for w in line) for line in lines]
    lefts = [min(w.box[0] for w in line) for line in lines]
    pitch = statistics.median(b - a for a, b in itertools.pairwise(tops))
    height = statistics.median(w.box[3] for line in lines for w in line)
    return {
        n
        for n in range(1, len(lines))
        if lines[n][0].line[:2] != lines[n - 1][0].line[:2]
        or tops[n] - tops[n - 1] > 1.5 * pitch
        or lefts[n] - lefts[n - 1] > 2 * height
    }
