"""Letters per second and peak memory: pismo's batch engine against plain WeasyPrint.

    .venv/bin/python bench/letters.py [--count 500] [--chunk 25]

Each measurement runs in its own process pinned to one core, on the same
letters (a mix of every letter type, men and women, both regimes, answers of
one to twelve paragraphs so some run to several pages):

* baseline — plain WeasyPrint: ``HTML(string=…).write_pdf(path)`` per letter,
  on the letter's standalone HTML (stylesheet inlined), with the fonts subsetted
  by HarfBuzz (libharfbuzz-subset0, which scripts/setup.sh installs);
* fonttools — the same, with the fonts subsetted by fontTools, which WeasyPrint
  uses where libharfbuzz-subset0 is missing: the ``write_pdf()`` of about 90 ms
  NOTES.md measured, and the baseline the issue's target was set against;
* pismo — ``Renderer.pdfs``: each letter laid out on its own, ``--chunk`` of
  them written as one PDF/A-2b and split per letter with pikepdf;
* pismo at a fifth of the count, to show peak memory does not grow with it.

The machine is shared, so besides wall-clock letters/s the table gives
letters per CPU-second of the one pinned process, which other load disturbs
far less.  Only HTML → PDF files is timed (the Jinja step is the same for both and is
reported apart).  Afterwards every file pismo wrote is checked on its own:
fonts embedded, its own title and PDF/A identification, and its own page
numbers («2 из 2») on multi-page letters.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from letters.drafting import letter_context
from letters.pdf import LetterDoc
from letters.render import TEMPLATES, Renderer
from letters.specimens import MAN, WOMAN, appeal_for, inputs_for, plans
from pismo.settings import OrgProfile

TODAY = dt.date(2026, 11, 23)
CREATED = dt.datetime(2026, 11, 23, 12, 0, tzinfo=dt.UTC)
PARAGRAPHS = (1, 2, 4, 12)  # answers' staff text: the last one runs to two pages


def make_letters(renderer: Renderer, count: int) -> list[tuple[LetterDoc, str]]:
    """``count`` letters of mixed types: (batch HTML, standalone HTML) each."""
    kinds = {regime: plans(regime) for regime in ("public", "telecom")}
    out = []
    for n in range(count):
        regime = ("public", "telecom")[(n // len(kinds["public"])) % 2]
        kind, plan = kinds[regime][n % len(kinds[regime])]
        person = (MAN, WOMAN)[n % 2]
        inputs = inputs_for(kind, PARAGRAPHS[(n // 3) % len(PARAGRAPHS)])
        context = letter_context(
            appeal_for(kind, person, regime, n + 1), plan, OrgProfile(regime=regime), TODAY, inputs
        )
        letter = renderer.letter(plan.template, regime, context)
        out.append((letter, renderer.html(plan.template, regime, context, inline_css=True)))
    return out


def run_baseline(letters: list[tuple[LetterDoc, str]], folder: Path) -> None:
    from weasyprint import HTML

    for n, (_letter, html) in enumerate(letters):
        HTML(string=html, base_url=str(TEMPLATES)).write_pdf(folder / f"{n:05d}.pdf")


def run_pismo(
    renderer: Renderer, letters: list[tuple[LetterDoc, str]], folder: Path, created: dt.datetime
) -> None:
    docs = [letter for letter, _html in letters]
    for n, pdf in enumerate(renderer.pdfs(docs, created)):
        (folder / f"{n:05d}.pdf").write_bytes(pdf)


def check(letters: list[tuple[LetterDoc, str]], folder: Path) -> list[str]:
    """What is wrong with any file pismo wrote, judged on that file alone."""
    import pikepdf
    from pypdf import PdfReader

    problems = []
    multi = 0
    for n, (letter, _html) in enumerate(letters):
        data = (folder / f"{n:05d}.pdf").read_bytes()
        with pikepdf.open(io.BytesIO(data)) as pdf:
            for page in pdf.pages:
                for font in page.Resources.Font.values():
                    descriptor = font.DescendantFonts[0].FontDescriptor
                    if "/FontFile2" not in descriptor and "/FontFile3" not in descriptor:
                        problems.append(f"{n}: font not embedded")
            if str(pdf.docinfo.Title) != letter.title:
                problems.append(f"{n}: title {pdf.docinfo.Title!r}")
            meta = pdf.open_metadata()
            if meta.get("pdfaid:part") != "2" or meta.get("dc:title") != letter.title:
                problems.append(f"{n}: XMP metadata")
            pages = len(pdf.pages)
        if pages > 1:
            multi += 1
            # GOST R 7.0.97-2016: the page's number alone, at the top (its own count).
            last = PdfReader(io.BytesIO(data)).pages[-1].extract_text().split()
            if str(pages) not in last:
                problems.append(f"{n}: page number on its last page")
    if not multi:
        problems.append("no multi-page letter in the mix")
    return problems


def worker(mode: str, count: int, chunk: int) -> dict[str, object]:
    os.sched_setaffinity(0, {max(os.sched_getaffinity(0))})
    if mode == "fonttools":
        import weasyprint.pdf.fonts

        weasyprint.pdf.fonts.harfbuzz_subset = None  # WeasyPrint's fallback subsetter
    renderer = Renderer()
    renderer.engine.chunk = chunk
    started = time.perf_counter()
    letters = make_letters(renderer, count)
    jinja = time.perf_counter() - started
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        started, cpu_started = time.perf_counter(), time.process_time()
        if mode in ("baseline", "fonttools"):
            run_baseline(letters, folder)
        else:
            run_pismo(renderer, letters, folder, CREATED)
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
        problems = check(letters, folder) if mode == "pismo" else []
        size = sum(p.stat().st_size for p in folder.iterdir()) / count
    return {
        "mode": mode,
        "count": count,
        "letters_per_s": count / elapsed,
        "letters_per_cpu_s": count / cpu,
        "jinja_ms_per_letter": 1000 * jinja / count,
        "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "kib_per_file": size / 1024,
        "problems": problems,
    }


def measure(mode: str, count: int, chunk: int) -> dict[str, object]:
    out = subprocess.run(
        [sys.executable, __file__, "--worker", mode, "--count", str(count), "--chunk", str(chunk)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    result: dict[str, object] = json.loads(out)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, default=500)
    parser.add_argument("--chunk", type=int, default=25, help="letters per written PDF")
    parser.add_argument(
        "--worker", choices=["baseline", "fonttools", "pismo"], help=argparse.SUPPRESS
    )
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(args.worker, args.count, args.chunk)))
        return
    runs = [
        measure("baseline", args.count, args.chunk),
        measure("fonttools", args.count // 5, args.chunk),  # slow: a fifth of the letters
        measure("pismo", args.count // 5, args.chunk),
        measure("pismo", args.count, args.chunk),
    ]
    print(
        f"{'run':<10}{'letters':>8}{'letters/s':>11}{'per CPU-s':>11}{'peak MiB':>10}"
        f"{'KiB/file':>10}"
    )
    for r in runs:
        print(
            f"{r['mode']:<10}{r['count']:>8}{r['letters_per_s']:>11.1f}"
            f"{r['letters_per_cpu_s']:>11.1f}{r['peak_rss_mib']:>10.0f}{r['kib_per_file']:>10.1f}"
        )
    base, fonttools, small, full = runs
    for key, label in (("letters_per_s", "wall clock"), ("letters_per_cpu_s", "CPU time")):
        for baseline, subsetter in ((base, "HarfBuzz"), (fonttools, "fontTools")):
            ratio = float(full[key]) / float(baseline[key])  # type: ignore[arg-type]
            print(
                f"speed-up over plain WeasyPrint, {subsetter} subsetting ({label}): "
                f"{ratio:.2f}x (chunk {args.chunk})"
            )
    print(
        f"peak memory {small['count']} → {full['count']} letters: "
        f"{small['peak_rss_mib']:.0f} → {full['peak_rss_mib']:.0f} MiB"
    )
    print(f"Jinja HTML per letter (both): {full['jinja_ms_per_letter']:.1f} ms")
    problems = full["problems"]
    print("every file complete on its own:", problems or "yes")


if __name__ == "__main__":
    main()
