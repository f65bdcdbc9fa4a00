"""Pages of a scanned letter as PNG images for the browser.

Rendered on request at screen resolution under the same pixel and page
limits as the OCR stage, so a hostile file cannot exhaust memory here either.
"""

from __future__ import annotations

import io

import pypdfium2 as pdfium
from PIL import Image, ImageSequence

from ocr.document import PDFIUM_LOCK, OcrOptions, is_pdf
from pismo.errors import NotFound

SCREEN_DPI = 110


def page_count(data: bytes) -> int:
    if is_pdf(data):
        with PDFIUM_LOCK:
            return len(pdfium.PdfDocument(data))
    with Image.open(io.BytesIO(data)) as image:
        return int(getattr(image, "n_frames", 1))


def page_png(data: bytes, n: int, options: OcrOptions) -> bytes:
    if n < 0 or n >= min(page_count(data), options.max_pages):
        raise NotFound(f"страницы {n + 1} нет")
    Image.MAX_IMAGE_PIXELS = options.max_pixels
    if is_pdf(data):
        with PDFIUM_LOCK:
            image = pdfium.PdfDocument(data)[n].render(scale=SCREEN_DPI / 72).to_pil()
    else:
        with Image.open(io.BytesIO(data)) as source:
            frame = next(f for i, f in enumerate(ImageSequence.Iterator(source)) if i == n)
            image = frame.convert("L")
    image.thumbnail((1400, 2000))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()
