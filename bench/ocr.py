"""OCR throughput and accuracy on aged scans: ``pismo ingest`` against serial Tesseract.

    .venv/bin/python bench/ocr.py [--pages 30] [--workers 0]

Draws ``--pages`` one-page letters from known text (tests/scans.py), ages them
with augraphy (office-scanner damage: ink bleed, faded lines, paper texture,
noise, skew, JPEG), and caches them in bench/data/ (seeded, so every run and every
machine gets the same pages; the first run takes 5-7 s a page to make them).
Then, in the same run:

* pismo: ``pismo ingest`` on the folder, in a fresh data folder: OCR in the
  worker pool, reading, checks and registration, pages per minute by wall
  clock; once with ``--no-drafts`` (the intake: drafting is a stage of its own,
  benchmarked by bench/letters.py, as bench/mail.py leaves it out too) and
  once with the drafts rendered as well;
* baseline: the ``tesseract`` command, one page after another, each with
  ``OMP_THREAD_LIMIT=1`` (the fastest serial setting, NOTES.md);
* ceiling: the same, one bare ``tesseract`` per core at once: what the
  machine gives parallel OCR at the moment (on shared cores, far below 2x);
* the baseline again with ``--psm 6``, the page layout pismo reads letters in
  (``ocr.layout = "letter"``): what of pismo's lead is that setting alone;
* CER of both against the drawn text, and of pismo on the clean pages.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from ocr.document import OcrOptions, read_document  # noqa: E402
from tests.scans import (  # noqa: E402
    age_like_a_scanner,
    cer,
    drawn_text,
    make_letter,
    pages,
    save,
)

DATA = REPO / "bench" / "data"
SEED = 1000  # page n is letter SEED + n, aged with seed SEED + n


def make_page(n: int) -> Path:
    path = DATA / f"aged-{n:03d}.png"
    truth = path.with_suffix(".txt")
    if not path.exists() or not truth.exists():
        letter = make_letter(SEED + n)
        (page,) = pages(letter)
        path.write_bytes(save([age_like_a_scanner(page, SEED + n)], "PNG"))
        truth.write_text(drawn_text(letter), encoding="utf-8")
    return path


def aged_pages(count: int) -> list[Path]:
    DATA.mkdir(parents=True, exist_ok=True)
    with ProcessPoolExecutor() as pool:
        return list(pool.map(make_page, range(count)))


def run_pismo(folder: Path, workers: int, *options: str) -> tuple[float, dict[str, str]]:
    with tempfile.TemporaryDirectory(prefix="pismo-bench-") as tmp:
        env = {**os.environ, "PISMO_DATA_DIR": tmp, "PISMO_OCR__WORKERS": str(workers)}
        pismo = [sys.executable, str(REPO / "runner.py")]
        subprocess.run([*pismo, "db", "upgrade"], env=env, check=True, capture_output=True)
        start = time.perf_counter()
        subprocess.run(
            [*pismo, "ingest", *options, str(folder)], env=env, check=True, capture_output=True
        )
        elapsed = time.perf_counter() - start
        out = subprocess.run(
            [*pismo, "export"], env=env, check=True, capture_output=True, text=True
        ).stdout
    texts = {Path(r["source"]).name: r["text"] or "" for r in json.loads(out)}
    return elapsed, texts


def tesseract(path: Path, *options: str) -> str:
    return subprocess.run(
        ["tesseract", str(path), "-", "-l", "rus", *options],
        env={**os.environ, "OMP_THREAD_LIMIT": "1"},
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def run_tesseract(
    paths: list[Path], processes: int = 1, *options: str
) -> tuple[float, dict[str, str]]:
    """The ``tesseract`` command on every page, ``processes`` at a time."""
    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=processes) as pool:
        read = pool.map(lambda path: tesseract(path, *options), paths)
        texts = dict(zip((p.name for p in paths), read, strict=True))
    return time.perf_counter() - start, texts


def mean_cer(paths: list[Path], texts: dict[str, str]) -> float:
    scores = [cer(p.with_suffix(".txt").read_text("utf-8"), texts[p.name]) for p in paths]
    return sum(scores) / len(scores)


def clean_cer(count: int) -> float:
    scores = []
    for n in range(count):
        letter = make_letter(SEED + n)
        document = read_document(save(pages(letter), "PNG"), OcrOptions())
        scores.append(cer(drawn_text(letter), document.text))
    return sum(scores) / len(scores)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pages", type=int, default=30)
    parser.add_argument("--workers", type=int, default=0, help="settings.ocr.workers")
    parser.add_argument("--clean", type=int, default=5, help="clean pages to measure CER on")
    args = parser.parse_args()

    paths = aged_pages(args.pages)
    with tempfile.TemporaryDirectory(prefix="pismo-bench-in-") as tmp:
        folder = Path(tmp)
        for path in paths:
            (folder / path.name).symlink_to(path)
        pismo_s, pismo_texts = run_pismo(folder, args.workers, "--no-drafts")
        drafted_s, _texts = run_pismo(folder, args.workers)
    base_s, base_texts = run_tesseract(paths)
    cores = len(os.sched_getaffinity(0))
    # What this machine gives two bare tesseracts at once right now: the ceiling
    # for any parallel OCR while other work shares the cores.
    ceiling_s, _ = run_tesseract(paths, cores)
    block_s, block_texts = run_tesseract(paths, 1, "--psm", "6")
    n = len(paths)
    pismo_ppm, base_ppm = n / pismo_s * 60, n / base_s * 60
    print(f"cores available: {len(os.sched_getaffinity(0))}, load average: {os.getloadavg()}")
    print(f"pages: {n} aged one-page letters (augraphy, cached in {DATA.relative_to(REPO)})")
    print(f"pismo ingest --no-drafts: {pismo_s:6.1f} s  {pismo_ppm:6.1f} pages/min")
    print(f"pismo ingest, drafted:    {drafted_s:6.1f} s  {n / drafted_s * 60:6.1f} pages/min")
    print(f"tesseract, serial:        {base_s:6.1f} s  {base_ppm:6.1f} pages/min")
    print(
        f"tesseract, {cores} at once:      {ceiling_s:6.1f} s  {n / ceiling_s * 60:6.1f} pages/min"
    )
    print(f"tesseract --psm 6, serial: {block_s:6.1f} s  {n / block_s * 60:6.1f} pages/min")
    print(f"throughput ratio, intake: {pismo_ppm / base_ppm:.2f}x  (target >= 1.7x on 2 cores)")
    print(f"throughput ratio, drafted: {base_s / drafted_s:.2f}x")
    print(f"machine's ceiling:        {base_s / ceiling_s:.2f}x  (bare tesseract, {cores} at once)")
    print(f"intake against --psm 6:   {block_s / pismo_s:.2f}x  (the same layout, serial)")
    print(
        f"mean CER, aged:      pismo {mean_cer(paths, pismo_texts):.2%}  "
        f"tesseract {mean_cer(paths, base_texts):.2%}, with --psm 6 "
        f"{mean_cer(paths, block_texts):.2%}  (target <= 2%)"
    )
    if args.clean:
        print(f"mean CER, clean:     pismo {clean_cer(args.clean):.2%} on {args.clean} pages")


if __name__ == "__main__":
    main()
