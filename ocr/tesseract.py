"""The one place that runs Tesseract.

Tesseract runs inside this process, through tesserocr (the Cython binding; its
wheel bundles libtesseract 5.5 and Leptonica, and it reads the models Debian's
tesseract-ocr-<language> packages install).  Each process loads a model once and
keeps it: the ``tesseract`` command, which pytesseract runs, loads it again for
every page.  On the same pages, one thread each (bench/bindings.py, README «OCR»),
tesserocr read 39 pages a minute, pytesseract 25-28 and the ctypes binding to
Debian's libtesseract 5.3 that was here before 23-24.
Each process uses one OpenMP thread: on a small machine Tesseract's threads
fight each other and make it several times slower; parallelism comes from
running one process per core instead (ocr.pool).

A model is not thread-safe: threads of one process take turns (to read pages
in parallel, use the worker processes of ocr.pool).
"""

from __future__ import annotations

import atexit
import contextlib
import contextvars
import itertools
import os
import statistics
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Literal

from PIL import Image

from pismo.errors import OcrError, PageTimeout

# Read by libgomp when libtesseract is loaded, so set before that.
os.environ.setdefault("OMP_THREAD_LIMIT", "1")

PageLayout = Literal["letter", "auto"]
# Tesseract's page segmentation mode (--psm) for each layout.  A letter is one
# column of text: read as one block, line by line (6), an aged page took 15% less
# time than with Tesseract's own search for columns and blocks (3), and fewer
# errors (CER 0.89% against 1.36% on bench/ocr.py's pages; clean pages alike).
PAGE_SEGMENTATION: dict[PageLayout, int] = {"letter": 6, "auto": 3}
SINGLE_LINE = 7
ORIENTATION_ONLY = 0


@dataclass(frozen=True)
class Word:
    text: str
    confidence: float
    box: tuple[int, int, int, int]  # left, top, width, height in pixels
    line: tuple[int, int, int]  # block, paragraph, line
    reread: bool = False  # read again by the Latin pass and found well-formed


@dataclass(frozen=True)
class PageText:
    text: str
    mean_confidence: float | None  # None where the page had no words
    words: tuple[Word, ...]
    timed_out: bool = False  # reading it took longer than allowed: a person reads it
    dropped_lines: int = 0  # lines of noise read as letters, left out of words and text
    quality: float | None = None  # ocr.quality's score, 0-100; None where not judged
    seconds: float | None = None  # how long reading it took, from decoding to judging


_deadline: contextvars.ContextVar[float | None] = contextvars.ContextVar("deadline", default=None)


@contextlib.contextmanager
def time_limit(seconds: float | None) -> Iterator[None]:
    """Every Tesseract call inside shares ``seconds`` (None: no limit); one that would
    run past the limit stops there and raises ``PageTimeout``."""
    token = _deadline.set(None if seconds is None else time.monotonic() + seconds)
    try:
        yield
    finally:
        _deadline.reset(token)


def _time_left() -> float | None:
    deadline = _deadline.get()
    if deadline is None:
        return None
    left = deadline - time.monotonic()
    if left <= 0:
        raise PageTimeout("the page took longer than its time limit")
    return left


@dataclass(frozen=True)
class Model:
    """What a page is read as: its languages (as for ``-l``) and its layout."""

    languages: str = "rus"
    layout: PageLayout = "letter"


def recognise(image: Image.Image | str, model: Model) -> PageText:
    """A page's words: from an image, or from an image file Tesseract decodes itself
    (PNG, JPEG, TIFF, PGM), which saves decoding it here."""
    tsv = _engine(model.languages, PAGE_SEGMENTATION[model.layout]).read(image, tsv=True)
    words = []
    # The columns of Tesseract's TSV: level, page, block, paragraph, line, word,
    # left, top, width, height, confidence, text; level 5 rows are words.
    for row in tsv.splitlines():
        cells = row.split("\t")
        if len(cells) == 12 and cells[0] == "5" and cells[11].strip() and float(cells[10]) >= 0:
            block, paragraph, line = (int(c) for c in cells[2:5])
            left, top, width, height = (int(c) for c in cells[6:10])
            words.append(
                Word(
                    cells[11],
                    float(cells[10]),
                    (left, top, width, height),
                    (block, paragraph, line),
                )
            )
    return PageText(text=layout(words), mean_confidence=mean_confidence(words), words=tuple(words))


def mean_confidence(words: Sequence[Word]) -> float | None:
    return round(sum(w.confidence for w in words) / len(words), 1) if words else None


def recognise_line(image: Image.Image, languages: str) -> str:
    """The text of an image holding one line of text."""
    return _engine(languages, SINGLE_LINE).read(image, tsv=False)


def orientation(image: Image.Image) -> tuple[int, float] | None:
    """Degrees clockwise that turn the page upright, and Tesseract's confidence in
    that; None when it finds too few letters to tell."""
    return _engine("osd", ORIENTATION_ONLY).orientation(image)


# Debian's tesseract-ocr-<language> packages put the models here; TESSDATA_PREFIX,
# if set, says where else they are.
DEBIAN_TESSDATA = "/usr/share/tesseract-ocr/5/tessdata/"


def _tessdata() -> str:
    return os.environ.get("TESSDATA_PREFIX") or DEBIAN_TESSDATA


class _Engine:
    """One loaded model: languages and a page segmentation mode."""

    def __init__(self, languages: str, mode: int) -> None:
        try:
            import tesserocr
        except ImportError as exc:
            raise OcrError("tesserocr is not installed: run scripts/setup.sh") from exc
        self.lock = threading.Lock()
        try:
            self._api = tesserocr.PyTessBaseAPI(path=_tessdata(), lang=languages, psm=mode)
        except RuntimeError as exc:
            raise OcrError(
                f"Tesseract has no data for the languages {languages!r}: install "
                "tesseract-ocr-<language> (Debian), or change ocr.languages"
            ) from exc
        # Its progress and warnings would go to the caller's stderr.
        self._api.SetVariable("debug_file", os.devnull)

    def read(self, image: Image.Image | str, *, tsv: bool) -> str:
        """The text read, as Tesseract's TSV (words with their boxes and confidences)
        or as plain text."""
        with self.lock, self._image(image):
            left = _time_left()
            # Tesseract stops by itself at the deadline.
            done = self._api.Recognize(timeout=0 if left is None else max(1, int(left * 1000)))
            _time_left()
            if not done:
                raise OcrError("Tesseract could not read the page")
            text: str = self._api.GetTSVText(0) if tsv else self._api.GetUTF8Text()
            return text

    def orientation(self, image: Image.Image) -> tuple[int, float] | None:
        _time_left()  # this call takes no deadline: it is not started late
        with self.lock, self._image(image):
            found = self._api.DetectOrientationScript()
        if not found:
            return None
        # ``orient_deg`` is how the page is turned; the turn that makes it upright undoes it.
        return (360 - int(found["orient_deg"])) % 360, float(found["orient_conf"])

    @contextlib.contextmanager
    def _image(self, image: Image.Image | str) -> Iterator[None]:
        if isinstance(image, str):
            try:
                self._api.SetImageFile(image)
            except RuntimeError as exc:
                raise OcrError("Tesseract could not decode the image file") from exc
        else:
            grey = image.convert("L")
            self._api.SetImageBytes(grey.tobytes(), grey.width, grey.height, 1, grey.width)
        try:
            yield
        finally:
            self._api.Clear()

    def close(self) -> None:
        self._api.End()


_engines: dict[tuple[str, int], _Engine] = {}
_engines_lock = threading.Lock()


def _engine(languages: str, mode: int) -> _Engine:
    with _engines_lock:
        if (languages, mode) not in _engines:
            _engines[languages, mode] = _Engine(languages, mode)
        return _engines[languages, mode]


@atexit.register
def _close_engines() -> None:
    # Left open, libtesseract reports each model as a leak when the process ends.
    with _engines_lock:
        for engine in _engines.values():
            if engine.lock.acquire(blocking=False):  # not under a daemon thread's page
                engine.close()
        _engines.clear()


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
