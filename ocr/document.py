"""A scanned document's bytes to its text, page by page.

PDF pages that already carry a text layer are read from it; other pages are
rasterised (pypdfium2) and read by Tesseract.  Images are checked against the
pixel limit before they are decoded, so a decompression bomb costs nothing.
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Iterator
from dataclasses import dataclass

import pypdfium2 as pdfium
from PIL import Image, ImageFile, ImageSequence, UnidentifiedImageError

from errors import InputError, TooLarge, UnsupportedFile
from ocr.tesseract import PageText, recognise

# A page with fewer letters than this in its text layer is treated as a scan.
MIN_TEXT_LAYER_CHARS = 40


@dataclass(frozen=True)
class OcrOptions:
    languages: str = "rus"
    dpi: int = 300
    max_pixels: int = 200_000_000
    max_pages: int = 100


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


def is_pdf(data: bytes) -> bool:
    return data[:1024].lstrip().startswith(b"%PDF")


def read_document(data: bytes, options: OcrOptions) -> DocumentText:
    if not data:
        raise InputError("empty file")
    if is_pdf(data):
        return _read_pdf(data, options)
    pages = tuple(recognise(image, options.languages) for image in _images(data, options))
    return DocumentText(pages=pages, from_text_layer=False)


def _images(data: bytes, options: OcrOptions) -> Iterator[Image.Image]:
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
                yield frame.convert("L")
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise TooLarge(f"image over the pixel limit: {exc}") from exc
    except UnidentifiedImageError as exc:
        raise UnsupportedFile("not an image pismo can read (PDF, PNG, JPEG, TIFF)") from exc
    except (OSError, SyntaxError, ValueError) as exc:  # truncated or corrupt image data
        raise InputError(f"broken image: {exc}") from exc


def _read_pdf(data: bytes, options: OcrOptions) -> DocumentText:
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        raise InputError(f"broken PDF: {exc}") from exc
    try:
        if len(pdf) == 0:
            raise InputError("PDF has no pages")
        if len(pdf) > options.max_pages:
            raise TooLarge(f"PDF has {len(pdf)} pages, over the limit of {options.max_pages}")
        layer = [_text_layer(pdf[i]) for i in range(len(pdf))]
        if all(len(text) >= MIN_TEXT_LAYER_CHARS for text in layer):
            pages = tuple(PageText(text=t, mean_confidence=None, words=()) for t in layer)
            return DocumentText(pages=pages, from_text_layer=True)
        return DocumentText(
            pages=tuple(_ocr_pdf_page(pdf[i], n, options) for n, i in enumerate(range(len(pdf)))),
            from_text_layer=False,
        )
    finally:
        pdf.close()


def _text_layer(page: pdfium.PdfPage) -> str:
    textpage = page.get_textpage()
    try:
        return str(textpage.get_text_range()).replace("\r\n", "\n").strip()
    finally:
        textpage.close()


def _ocr_pdf_page(page: pdfium.PdfPage, n: int, options: OcrOptions) -> PageText:
    width, height = page.get_size()
    scale = options.dpi / 72
    if width * scale * height * scale > options.max_pixels:
        raise TooLarge(f"PDF page {n + 1} at {options.dpi} dpi is over the pixel limit")
    bitmap = page.render(scale=scale, grayscale=True)
    return recognise(bitmap.to_pil(), options.languages)
