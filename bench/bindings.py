"""Three ways to run Tesseract from Python, on the same pages, one thread each.

    .venv/bin/pip install tesserocr pytesseract   # not pismo's dependencies
    .venv/bin/python bench/bindings.py [--pages 8]

* ocr.tesseract: pismo's own module, the model loaded once (up to commit 7266dd0
  a ctypes binding to Debian's libtesseract 5.3; since, tesserocr);
* tesserocr: the Cython binding; its PyPI wheel bundles its own libtesseract
  (5.5) and Leptonica, and reads Debian's ``rus`` model, loaded once;
* pytesseract: runs the ``tesseract`` command for every page (the model loaded
  every time) and parses its TSV.

Each reads the page file as one block (``--psm 6``), words with boxes and
confidences; CER is of the text lines ocr.quality keeps.  Pages alternate
office and photocopy grade, from bench/ocr_pages.py's test half.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

os.environ["OMP_THREAD_LIMIT"] = "1"
REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.ocr_pages import Page, made  # noqa: E402
from ocr.quality import keep_text_lines  # noqa: E402
from ocr.tesseract import Model, Word, layout, recognise  # noqa: E402
from tests.scans import cer  # noqa: E402

TESSDATA = "/usr/share/tesseract-ocr/5/tessdata/"


def words_of_tsv(tsv: str) -> list[Word]:
    words = []
    for row in tsv.splitlines():
        cells = row.split("\t")
        if len(cells) == 12 and cells[0] == "5" and cells[11].strip() and float(cells[10]) >= 0:
            left, top, width, height = (int(c) for c in cells[6:10])
            line = (int(cells[2]), int(cells[3]), int(cells[4]))
            words.append(Word(cells[11], float(cells[10]), (left, top, width, height), line))
    return words


def by_pismo() -> Callable[[Path], list[Word]]:
    return lambda path: list(recognise(str(path), Model("rus", "letter")).words)


def by_tesserocr() -> Callable[[Path], list[Word]]:
    import tesserocr

    api = tesserocr.PyTessBaseAPI(path=TESSDATA, lang="rus", psm=tesserocr.PSM.SINGLE_BLOCK)

    def read(path: Path) -> list[Word]:
        api.SetImageFile(str(path))
        api.Recognize()
        return words_of_tsv(api.GetTSVText(0))

    return read


def by_pytesseract() -> Callable[[Path], list[Word]]:
    import pytesseract

    def read(path: Path) -> list[Word]:
        tsv = pytesseract.image_to_data(str(path), lang="rus", config="--psm 6")
        # pytesseract's TSV has a header row and the same 12 columns.
        return words_of_tsv(tsv)

    return read


def measure(name: str, read: Callable[[Path], list[Word]], pages: list[Page]) -> None:
    read(pages[0].path)  # the model loaded, as in a worker that has read a page
    start = time.perf_counter()
    scores = [cer(page.truth, layout(keep_text_lines(read(page.path)))) for page in pages]
    elapsed = time.perf_counter() - start
    office = [s for s, p in zip(scores, pages, strict=True) if p.grade == "office"]
    copies = [s for s, p in zip(scores, pages, strict=True) if p.grade == "photocopy"]
    print(
        f"{name:13} {len(pages) / elapsed * 60:6.1f} pages/min  CER office "
        f"{statistics.mean(office):.2%}, photocopy {statistics.mean(copies):.2%}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=8)
    args = parser.parse_args()
    test = [p for p in made() if p.part == "test"]
    office = [p for p in test if p.grade == "office"]
    copies = [p for p in test if p.grade == "photocopy"]
    pages = [p for pair in zip(office, copies, strict=False) for p in pair][: args.pages]
    print(f"{len(pages)} pages, one thread each, load average {os.getloadavg()}")
    makers = [
        ("ocr.tesseract", by_pismo),
        ("tesserocr", by_tesserocr),
        ("pytesseract", by_pytesseract),
    ]
    # Each binding twice, in turn and then in reverse, so a change in the machine's
    # load during the run falls on all of them.
    for name, make in makers + makers[::-1]:
        try:
            read = make()
        except ImportError as exc:
            print(f"{name:13} not installed ({exc})")
            continue
        measure(name, read, pages)


if __name__ == "__main__":
    main()
