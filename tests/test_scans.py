"""Scanned letters end to end: every format, aged pages measured by CER, the
scan folder with good, bad and broken files, and the transcription of a page
OCR could not read.  Pages are drawn from text written here (tests/scans.py)."""

from __future__ import annotations

import datetime as dt
import functools
import json
import os
import signal
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Literal

import pytest
import sqlalchemy as sa
from PIL import Image, ImageFilter

from intake.sources import folder_files
from ocr.document import OcrOptions, read_document
from ocr.pool import OcrPool
from pismo import cli as runner
from pismo.context import Context
from pismo.running.inline import run_once
from store import db
from store.models import Appeal, Event
from tests.helpers import wait_for
from tests.scans import age_quickly, cer, drawn_text, make_letter, normalise, pages, save

SQLITE_ONLY = pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)


@functools.cache
def letter_pages(seed: int, paragraphs: int = 6) -> tuple[str, list[Image.Image]]:
    letter = make_letter(seed, paragraphs)
    return drawn_text(letter), [age_quickly(p, seed) for p in pages(letter)]


@functools.cache
def unreadable_page(seed: int) -> bytes:
    """A page so blurred that Tesseract's own confidence falls to about 25."""
    (page,) = pages(make_letter(seed))
    return save([age_quickly(page.filter(ImageFilter.GaussianBlur(6)), seed, noise=60)], "PNG")


@pytest.fixture(scope="module")
def pool() -> OcrPool:
    pool = OcrPool(2)
    yield pool  # type: ignore[misc]
    pool.close()


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "TIFF", "PDF"])
def test_every_format_reads_with_few_errors(pool: OcrPool, fmt: str) -> None:
    texts, images = zip(*(letter_pages(seed, 2) for seed in (1, 2)), strict=True)
    if fmt in ("PNG", "JPEG"):
        texts, images = texts[:1], images[:1]
    document = read_document(
        save([p for page in images for p in page], fmt), OcrOptions(), pool.read_pages
    )
    assert len(document.pages) == len(texts) and not document.from_text_layer
    for text, page in zip(texts, document.pages, strict=True):
        assert cer(text, page.text) < 0.02, page.text
        assert page.mean_confidence and page.mean_confidence > 80
        assert all(0 <= w.confidence <= 100 for w in page.words)


@pytest.mark.parametrize("degrees", [180, 90])
def test_an_upside_down_or_sideways_page_is_turned(pool: OcrPool, degrees: int) -> None:
    text, (page,) = letter_pages(3)
    turned = save([page.rotate(degrees, expand=True)], "JPEG")
    (read,) = read_document(turned, OcrOptions(), pool.read_pages).pages
    assert cer(text, read.text) < 0.02


def test_a_skewed_page_is_levelled(pool: OcrPool) -> None:
    """At 6° Tesseract alone loses over half the letters (with confidence ~90)."""
    text, (page,) = letter_pages(12)
    skewed = page.rotate(-6, Image.Resampling.BICUBIC, expand=True, fillcolor=235)
    (read,) = read_document(save([skewed], "PNG"), OcrOptions(), pool.read_pages).pages
    assert cer(text, read.text) < 0.02


@pytest.mark.parametrize("layout", ["letter", "auto"])
def test_paragraphs_are_kept(pool: OcrPool, layout: Literal["letter", "auto"]) -> None:
    """Read as one block ("letter"), Tesseract reports no paragraphs: they are found
    by their indented first lines."""
    letter = make_letter(7)
    scan = save([age_quickly(pages(letter)[0], 7)], "PNG")
    (page,) = read_document(scan, OcrOptions(layout=layout), pool.read_pages).pages
    paragraphs = [normalise(p) for p in page.text.split("\n\n")]
    for drawn in letter.paragraphs:
        assert any(p.startswith(" ".join(drawn.split()[:3])) for p in paragraphs), page.text
    assert cer(drawn_text(letter), page.text) < 0.02


def test_a_pdf_with_a_text_layer_is_not_ocred() -> None:
    from weasyprint import HTML

    text = "Прошу вернуть 300 руб. на лицевой счёт № 5550000001. " * 3
    pdf = HTML(string=f"<p>{text}</p><p style='page-break-before: always'>{text}</p>").write_pdf()
    document = read_document(pdf, OcrOptions())
    assert document.from_text_layer and len(document.pages) == 2
    assert cer(text, document.pages[1].text) == 0


def test_a_file_still_being_written_waits(tmp_path: Path) -> None:
    (tmp_path / "letter.pdf.part").write_bytes(b"%PDF-1.7 half")
    fresh = tmp_path / "fresh.png"
    fresh.write_bytes(b"still growing")
    assert folder_files(tmp_path, settle_seconds=5) == []
    old = time.time() - 10
    os.utime(fresh, (old, old))
    assert folder_files(tmp_path, settle_seconds=5) == [fresh]


@pytest.mark.slow
@SQLITE_ONLY
def test_scan_folder_with_good_bad_and_broken_files(ctx: Context, env: dict[str, str]) -> None:
    folder = ctx.settings.scan_folder
    folder.mkdir(parents=True)
    _, (page,) = letter_pages(4)
    good = save([page], "PNG")
    files = {
        "good.png": good,
        "good-again.png": good,  # the same scan dropped twice
        "two-pages.tiff": save(letter_pages(5, 2)[1] + letter_pages(6, 2)[1], "TIFF"),
        "upside-down.jpg": save([letter_pages(7)[1][0].rotate(180)], "JPEG"),
        "blurred.png": unreadable_page(8),
        "corrupt.pdf": b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer\n%%EOF",
        "empty.jpg": b"",
        "still-writing.pdf.part": b"%PDF-1.7",
    }
    for name, data in files.items():
        (folder / name).write_bytes(data)
    Image.new("1", (20000, 20000)).save(folder / "bomb.png")
    past = time.time() - 60
    for path in folder.iterdir():
        os.utime(path, (past, past))

    lines: list[str] = []
    run_once(ctx, lines.append)
    report = dict(line.split("\t") for line in lines)
    by_name = {Path(k).name: v for k, v in report.items()}
    assert set(by_name) == set(files) - {"still-writing.pdf.part"} | {"bomb.png"}
    first = by_name["good-again.png"]  # names are taken in sorted order
    assert first.startswith("registered ВХ-") and "awaits" not in first
    assert by_name["good.png"] == first + " (already ingested)"
    assert "awaits" not in by_name["two-pages.tiff"] + by_name["upside-down.jpg"]
    assert by_name["blurred.png"].endswith("(awaits transcription)")
    failed = folder / "failed"
    for name, reason in (
        ("corrupt.pdf", "broken PDF"),
        ("empty.jpg", "empty file"),
        ("bomb.png", "pixel limit"),
    ):
        assert (failed / name).exists()
        assert reason in (failed / f"{name}.reason.txt").read_text("utf-8")
    done = folder / "done" / dt.date.today().isoformat()
    assert sorted(p.name for p in done.iterdir()) == sorted(
        ["good.png", "good-again.png", "two-pages.tiff", "upside-down.jpg", "blurred.png"]
    )
    assert [p.name for p in folder.iterdir() if p.is_file()] == ["still-writing.pdf.part"]
    with db.transaction(ctx.db) as s:
        appeals = s.scalars(sa.select(Appeal).order_by(Appeal.id)).all()
        assert len(appeals) == 4
        tiff = next(a for a in appeals if a.items[0].filename == "two-pages.tiff")
        ocr = tiff.items[0].ocr
        assert ocr and ocr["pages"] == 2 and ocr["low_confidence_pages"] == []
        words = json.loads(ctx.blobs.get(ocr["words_blob"]))
        assert len(words) == 2 and all(0 <= w[1] <= 100 for page in words for w in page)
        upright = next(a for a in appeals if a.items[0].filename == "upside-down.jpg")
        assert cer(letter_pages(7)[0], upright.items[0].text or "") < 0.02
    lines.clear()
    run_once(ctx, lines.append)  # the next pass goes on, with nothing new to do
    assert lines == []


@SQLITE_ONLY
def test_a_page_ocr_cannot_read_waits_for_a_person(
    ctx: Context, env: dict[str, str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    scans = tmp_path / "scans"
    scans.mkdir()
    for n in (1, 2):
        (scans / f"blurred-{n}.png").write_bytes(unreadable_page(8 + n))
    assert runner.main(["ingest", str(scans)]) == 0
    assert capsys.readouterr().out.count("(awaits transcription)") == 2
    runner.main(["list", "--status", "needs_transcription"])
    typed_reg, unreadable_reg = [
        line.split()[0] for line in capsys.readouterr().out.splitlines()[1:]
    ]
    letter = tmp_path / "typed.txt"
    letter.write_text(drawn_text(make_letter(9)), encoding="utf-8")

    assert runner.main(["transcribe", typed_reg, str(letter), "--by", "clerk1"]) == 0
    assert runner.main(["transcribe", unreadable_reg, "--unreadable", "--by", "clerk2"]) == 0
    assert runner.main(["transcribe", typed_reg, "--unreadable"]) == 8  # already done
    capsys.readouterr()
    with db.transaction(ctx.db) as s:
        typed, unreadable = s.scalars(sa.select(Appeal).order_by(Appeal.id)).all()
        assert typed.status == unreadable.status == "drafted"
        assert typed.applicant.surname == make_letter(9).signer.split()[-1]
        assert "illegible" not in typed.grounds and len(typed.drafts) == 1
        assert typed.items[0].ocr and typed.items[0].ocr["machine_text"]
        assert "illegible" in unreadable.grounds and len(unreadable.drafts) == 1
        events = {(e.action, e.actor) for e in s.scalars(sa.select(Event))}
        assert {("transcribed", "clerk1"), ("confirmed_unreadable", "clerk2")} <= events
    assert runner.main(["export"]) == 0
    exported = json.loads(capsys.readouterr().out)
    assert "illegible" not in exported[0]["grounds"] and "illegible" in exported[1]["grounds"]


def test_an_email_address_is_read_in_latin(pool: OcrPool) -> None:
    """``rus`` alone reads «elena.vasileva28@rambler.ru» as Cyrillic garbage."""
    letter = make_letter(1, 2, email="elena.vasileva28@rambler.ru")
    scan = save([age_quickly(pages(letter)[0], 1)], "PNG")
    (page,) = read_document(scan, OcrOptions(), pool.read_pages).pages
    assert "elena.vasileva28@rambler.ru" in page.text
    assert cer(drawn_text(letter), page.text) < 0.03  # the «e-mail:» label stays Cyrillic


@pytest.mark.slow
def test_a_dead_ocr_worker_loses_no_document() -> None:
    """Tesseract runs inside the workers: one that dies takes every page in flight."""
    letters = {seed: letter_pages(seed) for seed in range(40, 46)}
    pool = OcrPool(2)
    pool.start()
    try:
        with ThreadPoolExecutor(len(letters)) as threads:
            read = {
                seed: threads.submit(
                    read_document, save(images, "PNG"), OcrOptions(), pool.read_pages
                )
                for seed, (_text, images) in letters.items()
            }
            # Both workers busy, more pages waiting: a page is in flight in the victim.
            executor = pool._executor
            assert executor is not None
            wait_for(lambda: len(executor._pending_work_items) > 2, "pages queued")
            victim = next(iter(executor._processes))
            os.kill(victim, signal.SIGKILL)
            for seed, (text, _images) in letters.items():
                assert cer(text, read[seed].result().text) < 0.02
    finally:
        pool.close()


def test_a_blank_back_side_does_not_call_a_person() -> None:
    from ocr.document import DocumentText
    from ocr.tesseract import PageText

    text, blank, poor = (PageText("x", c, ()) for c in (92.0, None, 40.0))
    assert DocumentText((text, blank), False).low_confidence_pages(60) == []
    assert DocumentText((text, poor), False).low_confidence_pages(60) == [2]
    assert DocumentText((blank, blank), False).low_confidence_pages(60) == [1, 2]
