"""OCR on aged scans, honestly: CER, pages routed to a person, and throughput.

    .venv/bin/python bench/ocr.py [--workers 0] [--per-grade 24]

The pages are bench/ocr_pages.py's: office scans and photocopy-grade pages
(speckle, drum streaks, faded lines and folds, dark bands, faint copies),
each with the text printed on it, made once and cached in bench/data/honest/.
In one run, on the same pages:

* ``pismo ingest --no-drafts`` on the office pages, the photocopies, and both
  as one mixed folder (fresh data folder each; the drafts are bench/letters.py's
  business), pages per minute by wall clock;
* the ``tesseract`` command with its default layout, one thread
  (``OMP_THREAD_LIMIT=1``), one page after another, and two at once;
* from the mixed run's export: CER per grade and part (tune: the pages the
  line filter and the quality threshold were chosen on; test: the others),
  which pages went to a person (status ``needs_transcription``) with their CER,
  the slowest page, and the acceptance lines of issue #21.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.ocr_pages import PER_GRADE, Page, made  # noqa: E402
from tests.scans import cer  # noqa: E402

WRONG = 0.10  # a page read with more of its letters wrong than this needs a person


@dataclass(frozen=True)
class Read:
    page: Page
    cer: float
    to_person: bool
    quality: float | None
    seconds: float | None


def run_pismo(pages: Sequence[Page], workers: int) -> tuple[float, list[dict[str, object]]]:
    """``pismo ingest --no-drafts`` on a folder of the pages: seconds, and the export."""
    with (
        tempfile.TemporaryDirectory(prefix="pismo-bench-") as data,
        tempfile.TemporaryDirectory(prefix="pismo-bench-in-") as folder,
    ):
        for page in pages:  # pismo takes no symbolic links
            shutil.copyfile(page.path, Path(folder) / page.path.name)
        env = {**os.environ, "PISMO_DATA_DIR": data, "PISMO_OCR__WORKERS": str(workers)}
        pismo = [sys.executable, str(REPO / "runner.py")]
        subprocess.run([*pismo, "db", "upgrade"], env=env, check=True, capture_output=True)
        start = time.perf_counter()
        subprocess.run(
            [*pismo, "ingest", "--no-drafts", folder], env=env, check=True, capture_output=True
        )
        elapsed = time.perf_counter() - start
        out = subprocess.run(
            [*pismo, "export"], env=env, check=True, capture_output=True, text=True
        ).stdout
    return elapsed, json.loads(out)


def run_tesseract(pages: Sequence[Page], processes: int) -> float:
    """The ``tesseract`` command, default layout, one thread each, ``processes`` at once."""

    def one(page: Page) -> None:
        subprocess.run(
            ["tesseract", str(page.path), "-", "-l", "rus"],
            env={**os.environ, "OMP_THREAD_LIMIT": "1"},
            check=True,
            capture_output=True,
        )

    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=processes) as pool:
        list(pool.map(one, pages))
    return time.perf_counter() - start


def reads(pages: Sequence[Page], export: list[dict[str, object]]) -> list[Read]:
    by_source = {Path(str(r["source"])).name: r for r in export}
    found = []
    for page in pages:
        record = by_source[page.path.name]
        ocr = record.get("ocr") or {}
        assert isinstance(ocr, dict)
        qualities, seconds = ocr.get("page_qualities") or [None], ocr.get("page_seconds") or [None]
        found.append(
            Read(
                page,
                cer(page.truth, str(record.get("text") or "")),
                # Not registered at all (nothing read) is a person's too.
                record.get("status") in ("needs_transcription", None),
                qualities[0],
                seconds[0],
            )
        )
    return found


def summary(label: str, found: Sequence[Read]) -> str:
    if not found:
        return f"{label}: no pages"
    routed = [r for r in found if r.to_person]
    wrong = [r for r in found if r.cer > WRONG]
    missed = [r for r in wrong if not r.to_person]
    caught = ", ".join(f"{r.page.seed}:{r.cer:.0%}" for r in routed) or "none"
    return (
        f"{label}: {len(found)} pages, CER {statistics.mean(r.cer for r in found):6.2%} "
        f"(median {statistics.median(r.cer for r in found):.2%}); to a person {len(routed)} "
        f"({caught}); CER>10% {len(wrong)}, of them not routed {len(missed)}"
        + (f" ({', '.join(f'{r.page.seed}:{r.cer:.0%}' for r in missed)})" if missed else "")
    )


def routing_figures(found: Sequence[Read]) -> str:
    """Precision and recall of routing, taking «CER over 10%» as the pages a person must read."""
    routed = [r for r in found if r.to_person]
    wrong = [r for r in found if r.cer > WRONG]
    hit = [r for r in routed if r.cer > WRONG]
    precision = len(hit) / len(routed) if routed else 1.0
    recall = len(hit) / len(wrong) if wrong else 1.0
    return f"routing precision {precision:.0%} ({len(hit)}/{len(routed)}), recall {recall:.0%}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--workers", type=int, default=0, help="settings.ocr.workers")
    parser.add_argument("--per-grade", type=int, default=PER_GRADE)
    args = parser.parse_args()

    pages = made(args.per_grade)
    cores = len(os.sched_getaffinity(0))
    print(f"cores available: {cores}, load average: {os.getloadavg()}")
    folders = {
        "office": [p for p in pages if p.grade == "office"],
        "photocopy": [p for p in pages if p.grade == "photocopy"],
        "mixed": pages,
    }
    exports: dict[str, list[dict[str, object]]] = {}
    for name, folder in folders.items():
        pismo_s, exports[name] = run_pismo(folder, args.workers)
        serial_s = run_tesseract(folder, 1)
        parallel_s = run_tesseract(folder, cores)
        n = len(folder)
        seconds = [r.seconds or 0.0 for r in reads(folder, exports[name])]
        print(
            f"{name:9} page seconds in the workers: mean {statistics.mean(seconds):.2f}, "
            f"max {max(seconds):.2f}"
        )
        print(
            f"{name:9} {n:2} pages: pismo {n / pismo_s * 60:5.1f} pages/min, tesseract serial "
            f"{n / serial_s * 60:5.1f}, {cores} at once {n / parallel_s * 60:5.1f}; "
            f"pismo {serial_s / pismo_s:.2f}x serial, {parallel_s / pismo_s:.2f}x {cores} at once"
        )
    found = reads(pages, exports["mixed"])
    for part in ("tune", "test"):
        for grade in ("office", "photocopy"):
            print(
                summary(
                    f"{part:4} {grade:9}",
                    [r for r in found if (r.page.part, r.page.grade) == (part, grade)],
                )
            )
        print(f"{part:4} both: " + routing_figures([r for r in found if r.page.part == part]))
    for grade in ("office", "photocopy"):
        print(summary(f"all  {grade:9}", [r for r in found if r.page.grade == grade]))
    slowest = max(found, key=lambda r: r.seconds or 0.0)
    print(f"slowest page: {slowest.page.path.name} {slowest.seconds} s")
    for r in found:
        print(
            f"  {r.page.part} {r.page.path.stem:28} CER {r.cer:6.1%} quality {r.quality} "
            f"{r.seconds} s{'  -> person' if r.to_person else ''}"
        )


if __name__ == "__main__":
    main()
