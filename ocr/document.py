"""A scanned document's bytes to its text, page by page.

PDF pages that already carry a text layer are read from it; other pages are
rasterised (pypdfium2) and read by Tesseract.  Images are checked against the
pixel limit before they are decoded, so a decompression bomb costs nothing.

Reading is split in two so that pages can be read in parallel: ``survey``
(cheap, in the calling process) checks the whole file, takes a text layer
and counts the pages; ``read_page`` (the expensive part, in a worker
process) decodes one page and runs Tesseract on it.  ``read_document`` puts
the two together with any ``PageMapper``: serially here, or the process pool
of ``ocr.pool``.
"""

from __future__ import annotations

import dataclasses
import io
import json
import threading
import time
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import pypdfium2 as pdfium
from PIL import Image, ImageFile, ImageSequence, UnidentifiedImageError

from ocr.page import read_image
from ocr.tesseract import Model, PageLayout, PageText, time_limit
from pismo.errors import InputError, PageTimeout, TooLarge, UnsupportedFile

# A page with fewer letters than this in its text layer is treated as a scan.
MIN_TEXT_LAYER_CHARS = 40


@dataclass(frozen=True)
class OcrOptions:
    languages: str = "rus"
    dpi: int = 300
    max_pixels: int = 100_000_000
    max_pages: int = 50
    max_item_pixels: int = 500_000_000
    layout: PageLayout = "letter"
    page_seconds: float | None = 15.0
    min_quality: float = 85.0  # a page under it is read again, its paper made even

    @property
    def model(self) -> Model:
        return Model(self.languages, self.layout)


@dataclass(frozen=True)
class DocumentText:
    pages: tuple[PageText, ...]
    from_text_layer: bool

    @property
    def text(self) -> str:
        return "\n\n".join(page.text for page in self.pages).strip()

    @property
    def mean_confidence(self) -> float | None:
        scores = [p.mean_confidence for p in self.pages if p.mean_confidence is not None]
        return round(sum(scores) / len(scores), 1) if scores else None

    def words_json(self) -> bytes:
        """Every page's words with their confidence and box, for review and audit."""
        # Each word as [text, confidence, [box], [line]]; astuple's deep copies took
        # longer than the rest of storing a page.
        return json.dumps(
            [[(w.text, w.confidence, w.box, w.line) for w in page.words] for page in self.pages],
            ensure_ascii=False,
        ).encode()

    def low_confidence_pages(self, threshold: float) -> list[int]:
        """Page numbers (from 1) whose mean word confidence is under ``threshold``.

        A page with no words at all is a blank back side when other pages have
        text, and counts as unread only when no page has any."""
        if self.from_text_layer:
            return []
        if all(p.mean_confidence is None for p in self.pages):
            return list(range(1, len(self.pages) + 1))
        return [
            n
            for n, p in enumerate(self.pages, 1)
            if p.mean_confidence is not None and p.mean_confidence < threshold
        ]

    def low_quality_pages(self, threshold: float) -> list[int]:
        """Page numbers (from 1) whose reading scores under ``threshold``
        (``PageText.quality``); a page with no words, as for ``low_confidence_pages``."""
        if self.from_text_layer:
            return []
        if all(not p.words and not p.timed_out for p in self.pages):
            return list(range(1, len(self.pages) + 1))
        return [
            n
            for n, p in enumerate(self.pages, 1)
            if p.quality is not None and p.quality < threshold
        ]


# Reads pages 0..count-1 of one document: serially, or spread over worker processes.
PageMapper = Callable[[bytes, int, OcrOptions], list[PageText]]


def read_pages_serially(data: bytes, count: int, options: OcrOptions) -> list[PageText]:
    return [read_page(data, n, options) for n in range(count)]


def is_pdf(data: bytes) -> bool:
    return data[:1024].lstrip().startswith(b"%PDF")


@dataclass
class Budget:
    """Pages and pixels that one inbound item may still cost, over all its documents:
    an e-mail with six 20-page PDFs is read up to the limit, not six times it."""

    pages: int
    pixels: int

    @classmethod
    def of(cls, options: OcrOptions) -> Budget:
        return cls(options.max_pages, options.max_item_pixels)

    def spend(self, pages: int, pixels: int) -> None:
        if pages > self.pages:
            raise TooLarge(f"{pages} pages, over the {self.pages} left of the item's page limit")
        if pixels > self.pixels:
            raise TooLarge(
                f"{pixels} pixels, over the {self.pixels} left of the item's pixel limit"
            )
        self.pages -= pages
        self.pixels -= pixels


# A scanned page is larger than this on both sides even at 100 dpi; logos and
# signature images in mail are smaller.
MIN_PAGE_SIDE = 500


def looks_like_page(data: bytes) -> bool:
    """An image big enough to be a scanned or photographed page (its header only read)."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            return min(image.size) >= MIN_PAGE_SIDE
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        return True  # reading it will say what is wrong


def read_document(
    data: bytes,
    options: OcrOptions,
    read_pages: PageMapper = read_pages_serially,
    budget: Budget | None = None,
) -> DocumentText:
    layer, count, pixels = survey(data, options)
    if layer is not None:
        return layer
    (budget or Budget.of(options)).spend(count, pixels)
    return DocumentText(pages=tuple(read_pages(data, count, options)), from_text_layer=False)


def survey(data: bytes, options: OcrOptions) -> tuple[DocumentText | None, int, int]:
    """Check a whole document without decoding its pages: its text layer, if every
    page has one, its page count and the pixels its pages decode to.  Raises the
    ``InputError`` that quarantines it."""
    if not data:
        raise InputError("empty file")
    if is_pdf(data):
        with _pdf(data) as pdf:
            if len(pdf) == 0:
                raise InputError("PDF has no pages")
            if len(pdf) > options.max_pages:
                raise TooLarge(f"PDF has {len(pdf)} pages, over the limit of {options.max_pages}")
            pixels = sum(_pdf_page_pixels(pdf[n], n, options) for n in range(len(pdf)))
            layer = [_text_layer(pdf[n]) for n in range(len(pdf))]
            if all(len(text) >= MIN_TEXT_LAYER_CHARS for text in layer):
                pages = tuple(PageText(text=t, mean_confidence=None, words=()) for t in layer)
                return DocumentText(pages=pages, from_text_layer=True), len(pdf), 0
            return None, len(pdf), pixels
    # Frames are counted and sized from their headers; decoding waits for the workers.
    sizes = [frame.size for frame in _frames(data, options)]
    return None, len(sizes), sum(width * height for width, height in sizes)


def read_page(data: bytes, index: int, options: OcrOptions) -> PageText:
    """One page's text lines, judged (``PageText.quality``): the expensive step, run
    in a worker process (ocr.page says how).

    A page that takes longer than ``options.page_seconds`` comes back empty and
    ``timed_out``: a person reads it.  The page is decoded here, once, and given to
    Tesseract as pixels: how noisy it is decides how it is read."""
    start = time.monotonic()
    with time_limit(options.page_seconds):
        try:
            page = read_image(_decode(data, index, options), options.model, options.min_quality)
        except PageTimeout:
            page = PageText("", 0.0, (), timed_out=True, quality=0.0)
    return dataclasses.replace(page, seconds=round(time.monotonic() - start, 2))


def _decode(data: bytes, index: int, options: OcrOptions) -> Image.Image:
    """Page ``index`` as a greyscale image."""
    if is_pdf(data):
        with _pdf(data) as pdf:
            bitmap = pdf[index].render(scale=options.dpi / 72, grayscale=True)
            image: Image.Image = bitmap.to_pil()
            return image
    for n, frame in enumerate(_frames(data, options, decode=index)):
        if n == index:
            return frame.convert("L")
    raise InputError(f"page {index + 1} vanished from the image")


# PDFium is not thread-safe; worker jobs and web requests run in threads.
PDFIUM_LOCK = threading.RLock()


@contextmanager
def _pdf(data: bytes) -> Iterator[pdfium.PdfDocument]:
    with PDFIUM_LOCK:
        try:
            pdf = pdfium.PdfDocument(data)
        except pdfium.PdfiumError as exc:
            raise InputError(f"broken PDF: {exc}") from exc
        try:
            yield pdf
        except pdfium.PdfiumError as exc:  # a page or its text that PDFium cannot load
            raise InputError(f"broken PDF: {exc}") from exc
        finally:
            pdf.close()


def _pdf_page_pixels(page: pdfium.PdfPage, n: int, options: OcrOptions) -> int:
    width, height = page.get_size()
    scale = options.dpi / 72
    pixels = int(width * scale * height * scale)
    if pixels > options.max_pixels:
        raise TooLarge(f"PDF page {n + 1} at {options.dpi} dpi is over the pixel limit")
    return pixels


def _frames(data: bytes, options: OcrOptions, decode: int | None = None) -> Iterator[Image.Image]:
    """The frames of an image file, each checked against the limits; frame ``decode``
    is decoded too, so that a truncated page fails here with a reason."""
    Image.MAX_IMAGE_PIXELS = options.max_pixels
    # WeasyPrint turns this on at import; a truncated scan must fail here, not be half read.
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    try:
        with warnings.catch_warnings():
            # Over the limit but under twice it, Pillow only warns: a bomb all the same.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
        with image:
            for n, frame in enumerate(ImageSequence.Iterator(image)):
                if n >= options.max_pages:
                    raise TooLarge(f"more than {options.max_pages} pages")
                width, height = frame.size
                if width * height > options.max_pixels:
                    raise TooLarge(
                        f"page {n + 1} is {width}x{height} pixels, over the pixel limit of "
                        f"{options.max_pixels}"
                    )
                if n == decode:
                    frame.load()  # decodes here, so a truncated page fails inside this try
                yield frame
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise TooLarge(f"image over the pixel limit: {exc}") from exc
    except UnidentifiedImageError as exc:
        raise UnsupportedFile("not an image pismo can read (PDF, PNG, JPEG, TIFF)") from exc
    except (OSError, SyntaxError, ValueError, TypeError) as exc:  # truncated or corrupt data
        # Pillow's TIFF reader raises TypeError («Missing dimensions») on a damaged IFD.
        raise InputError(f"broken image: {exc}") from exc


def _text_layer(page: pdfium.PdfPage) -> str:
    textpage = page.get_textpage()
    try:
        return str(textpage.get_text_range()).replace("\r\n", "\n").strip()
    finally:
        textpage.close()
