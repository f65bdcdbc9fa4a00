"""The one place that runs Tesseract.

Each call runs one ``tesseract`` process limited to one OpenMP thread: on a
small machine its threads fight each other and make it several times slower;
parallelism comes from running one process per core instead.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass

import pytesseract
from PIL import Image

from errors import OcrError

os.environ.setdefault("OMP_THREAD_LIMIT", "1")


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


def recognise(image: Image.Image, languages: str) -> PageText:
    with image_file(image) as path:
        return recognise_file(path, languages)


def recognise_file(path: str, languages: str) -> PageText:
    """The page in an image file Tesseract reads itself (PGM, PNG, JPEG, TIFF)."""
    try:
        data = pytesseract.image_to_data(path, lang=languages, output_type=pytesseract.Output.DICT)
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
    lines: list[str] = []
    previous: tuple[int, int, int] | None = None
    for word in words:
        if previous is not None and word.line[:2] != previous[:2]:
            lines.append("\n\n")
        elif previous is not None and word.line != previous:
            lines.append("\n")
        elif previous is not None:
            lines.append(" ")
        lines.append(word.text)
        previous = word.line
    return "".join(lines)
