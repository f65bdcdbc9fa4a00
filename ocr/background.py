"""A page's paper made even: grey bands, folds and a copier's shading divided out.

Tesseract thresholds a page with one global level (Otsu).  Under a grey band or
the shadow of a fold that level takes the whole band for ink, and the lines in
it are lost.  Dividing the page by an estimate of its paper (the brightest
pixels around each point, text removed by a maximum filter) makes the paper
one grey again.  It is a second reading, tried on pages that read badly:
on bench/ocr_pages.py's tune pages it took a page with bands from CER 22% to
2-7% and one with bands and folds from 77% to 35%, and made streaked pages
read worse by 5-7 points (so the reading with more dictionary words wins).
"""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageFilter

SCALE = 4  # the paper is estimated on a quarter-size copy: 0.5 s a page, not 5
# Wider than a letter's stroke at a quarter size, so text is taken out of the estimate.
PAPER_WINDOW = 7
# The estimate is kept above this share of the page's paper: divided by a black
# scanner border, the border turns into grey snow that Tesseract reads as letters.
FLOOR = 0.35
WHITE = 235


def flattened(image: Image.Image) -> Image.Image:
    grey = image.convert("L")
    small = grey.reduce(SCALE).filter(ImageFilter.MaxFilter(PAPER_WINDOW))
    small = small.filter(ImageFilter.GaussianBlur(3))
    paper = np.asarray(small.resize(grey.size, Image.Resampling.BILINEAR), dtype=np.float32)
    paper = np.maximum(paper, FLOOR * float(np.percentile(paper, 90)))
    even = np.asarray(grey, dtype=np.float32) / paper * WHITE
    return Image.fromarray(np.clip(even, 0, 255).astype(np.uint8))
