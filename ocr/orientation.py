"""Upside-down and sideways pages, found only when they cost something.

Tesseract's orientation detection (OSD, ``--psm 0``) is a second Tesseract
run per page.  Most pages are upright, so paying for OSD on every page would
slow the queue for nothing.  An upside-down page, though, reads as garbage
with a low mean confidence; so the page is read as it is first, and only a
page whose confidence is under ``RETRY_BELOW`` is checked with OSD, turned,
and read again.  The better of the two readings wins, so a page that was
merely hard to read loses nothing.
"""

from __future__ import annotations

import re

import pytesseract
from PIL import Image

from ocr.tesseract import PageText, image_file, recognise

# Upright office scans read at 85-95; an upside-down page reads at 30-50.
RETRY_BELOW = 70.0
# OSD's own confidence in its answer; below this it is guessing.
MIN_OSD_CONFIDENCE = 1.5
_ROTATE = re.compile(r"Rotate:\s*(\d+)")
_CONFIDENCE = re.compile(r"Orientation confidence:\s*([\d.]+)")


def recognise_upright(image: Image.Image, languages: str) -> tuple[PageText, Image.Image]:
    """The page's text, and the page turned the way it was read (the words' boxes
    are on that image)."""
    first = recognise(image, languages)
    if first.mean_confidence is not None and first.mean_confidence >= RETRY_BELOW:
        return first, image
    turn = rotation_needed(image)
    if not turn:
        return first, image
    # OSD's "Rotate" is clockwise; Pillow's rotate() turns counter-clockwise.
    turned = image.rotate(-turn, expand=True)
    second = recognise(turned, languages)
    if (second.mean_confidence or 0.0) > (first.mean_confidence or 0.0):
        return second, turned
    return first, image


def rotation_needed(image: Image.Image) -> int:
    """Degrees clockwise that make the page upright per OSD; 0 when unsure."""
    try:
        with image_file(image) as path:
            osd = pytesseract.image_to_osd(path, config="--psm 0")
    except (pytesseract.TesseractError, OSError):
        return 0  # too few letters to tell, or OSD data missing: keep the page as it is
    rotate, confidence = _ROTATE.search(osd), _CONFIDENCE.search(osd)
    if rotate is None or confidence is None or float(confidence.group(1)) < MIN_OSD_CONFIDENCE:
        return 0
    return int(rotate.group(1)) % 360
