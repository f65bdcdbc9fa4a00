"""The one place that runs Tesseract.

Tesseract runs inside this process, through the C API of libtesseract (the
library the ``tesseract`` command is built on, from the same Debian package).
Each process loads a model once and keeps it: the command loads it again for
every page, and a page read in-process took 6-12% less time than the same
page read by the command (bench/ocr.py's aged pages, ``--psm 6``, 2026-11-24).
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
import ctypes
import functools
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


def _load(*names: str) -> ctypes.CDLL:
    for name in names:
        with contextlib.suppress(OSError):
            return ctypes.CDLL(name)
    raise OcrError(f"{names[0]} is not installed: run scripts/setup.sh (tesseract-ocr)")


@functools.cache
def _libraries() -> tuple[ctypes.CDLL, ctypes.CDLL]:
    tesseract = _load("libtesseract.so.5", "libtesseract.so")
    # Leptonica's library took the name libleptonica with its version 1.83.
    leptonica = _load("liblept.so.5", "libleptonica.so.6", "libleptonica.so", "liblept.so")
    api = text = pix = monitor = ctypes.c_void_p
    integer, number, string = ctypes.c_int, ctypes.c_float, ctypes.c_char_p
    for name, restype, argtypes in [
        ("TessBaseAPICreate", api, []),
        ("TessBaseAPIDelete", None, [api]),
        ("TessBaseAPISetVariable", integer, [api, string, string]),
        ("TessBaseAPIInit3", integer, [api, string, string]),
        ("TessBaseAPISetPageSegMode", None, [api, integer]),
        ("TessBaseAPISetImage", None, [api, string, integer, integer, integer, integer]),
        ("TessBaseAPISetImage2", None, [api, pix]),
        ("TessBaseAPIRecognize", integer, [api, ctypes.c_void_p]),
        ("TessBaseAPIGetTsvText", text, [api, integer]),
        ("TessBaseAPIGetUTF8Text", text, [api]),
        ("TessBaseAPIClear", None, [api]),
        ("TessMonitorCreate", monitor, []),
        ("TessMonitorDelete", None, [monitor]),
        ("TessMonitorSetDeadlineMSecs", None, [monitor, integer]),
        ("TessDeleteText", None, [text]),
        (
            "TessBaseAPIDetectOrientationScript",
            integer,
            [api, *(ctypes.POINTER(t) for t in (integer, number, string, number))],
        ),
    ]:
        function = getattr(tesseract, name)
        function.restype, function.argtypes = restype, argtypes
    leptonica.pixRead.restype, leptonica.pixRead.argtypes = pix, [ctypes.c_char_p]
    leptonica.pixDestroy.restype, leptonica.pixDestroy.argtypes = None, [ctypes.POINTER(pix)]
    return tesseract, leptonica


class _Engine:
    """One loaded model: languages and a page segmentation mode."""

    def __init__(self, languages: str, mode: int) -> None:
        self.lock = threading.Lock()
        self._lib, self._leptonica = _libraries()
        self._api = self._lib.TessBaseAPICreate()
        # Its progress and warnings would go to the caller's stderr.
        self._lib.TessBaseAPISetVariable(self._api, b"debug_file", os.devnull.encode())
        if self._lib.TessBaseAPIInit3(self._api, None, languages.encode()) != 0:
            self.close()
            raise OcrError(
                f"Tesseract has no data for the languages {languages!r}: install "
                "tesseract-ocr-<language> (Debian), or change ocr.languages"
            )
        self._lib.TessBaseAPISetPageSegMode(self._api, mode)

    def read(self, image: Image.Image | str, *, tsv: bool) -> str:
        """The text read, as Tesseract's TSV (words with their boxes and confidences)
        or as plain text."""
        with self.lock, self._image(image):
            left = _time_left()
            monitor = None
            if left is not None:  # Tesseract stops by itself at the deadline
                monitor = self._lib.TessMonitorCreate()
                self._lib.TessMonitorSetDeadlineMSecs(monitor, max(1, int(left * 1000)))
            try:
                failed = self._lib.TessBaseAPIRecognize(self._api, monitor) != 0
            finally:
                if monitor is not None:
                    self._lib.TessMonitorDelete(monitor)
            _time_left()
            if failed:
                raise OcrError("Tesseract could not read the page")
            if tsv:
                pointer = self._lib.TessBaseAPIGetTsvText(self._api, 0)
            else:
                pointer = self._lib.TessBaseAPIGetUTF8Text(self._api)
            try:
                return ctypes.string_at(pointer).decode("utf-8", "replace") if pointer else ""
            finally:
                self._lib.TessDeleteText(pointer)

    def orientation(self, image: Image.Image) -> tuple[int, float] | None:
        degrees, confidence = ctypes.c_int(), ctypes.c_float()
        script, script_confidence = ctypes.c_char_p(), ctypes.c_float()
        _time_left()  # this call takes no deadline: it is not started late
        with self.lock, self._image(image):
            found = self._lib.TessBaseAPIDetectOrientationScript(
                self._api,
                ctypes.byref(degrees),
                ctypes.byref(confidence),
                ctypes.byref(script),
                ctypes.byref(script_confidence),
            )
        # ``degrees`` is how the page is turned; the turn that makes it upright undoes it.
        return ((360 - degrees.value) % 360, confidence.value) if found else None

    @contextlib.contextmanager
    def _image(self, image: Image.Image | str) -> Iterator[None]:
        if isinstance(image, str):
            pix = self._leptonica.pixRead(image.encode())
            if not pix:
                raise OcrError("Tesseract could not decode the image file")
            self._lib.TessBaseAPISetImage2(self._api, pix)
            self._leptonica.pixDestroy(ctypes.byref(ctypes.c_void_p(pix)))  # SetImage2 copied it
        else:
            grey = image.convert("L")
            self._lib.TessBaseAPISetImage(
                self._api, grey.tobytes(), grey.width, grey.height, 1, grey.width
            )
        try:
            yield
        finally:
            self._lib.TessBaseAPIClear(self._api)

    def close(self) -> None:
        self._lib.TessBaseAPIDelete(self._api)


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
