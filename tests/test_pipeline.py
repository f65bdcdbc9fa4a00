"""The whole flow on the bundled samples and on bad input, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pypdf import PdfReader

from intake.sources import MAIL_SUFFIXES, SCAN_SUFFIXES
from pismo.context import Context
from pismo.states import ItemState
from tests.helpers import SAMPLES, exported, ingest
from tests.letters import appeal_eml

EXPECTED = {e["file"]: e for e in json.loads((SAMPLES / "expected.json").read_text("utf-8"))}
CONTRACT_KEYS = {
    "source", "message_id", "channel", "registered", "not_registered_reason", "reg_number",
    "registered_at", "kind", "category", "applicant", "account", "contract", "letter_date",
    "signed", "grounds", "deadlines", "ocr", "text", "drafts",
    "department", "addressee", "amount", "demand", "findings", "status",
}  # fmt: skip
APPLICANT_KEYS = {"surname", "name", "patronymic", "postcode", "postal_address", "email", "phone"}


def pdf_words(path: str) -> str:
    """A PDF's text read back, with line breaks folded into spaces."""
    return " ".join(" ".join(p.extract_text() for p in PdfReader(path).pages).split())


def test_samples_are_read_registered_and_drafted(ctx: Context) -> None:
    files = sorted(p for p in SAMPLES.glob("*/*") if p.suffix in MAIL_SUFFIXES | SCAN_SUFFIXES)
    for path in files:
        ingest(ctx, path)
    records = exported(ctx)
    assert len(records) == len(EXPECTED)
    numbers = [r["reg_number"] for r in records]
    year = records[0]["registered_at"][:4]  # type: ignore[index]
    assert numbers == [f"ВХ-{year}-{n:06d}" for n in range(1, len(files) + 1)]
    for record in records:
        assert set(record) == CONTRACT_KEYS
        expected = EXPECTED[str(Path(str(record["source"])).relative_to(SAMPLES))]
        for key in ("channel", "kind", "category", "account", "contract", "letter_date", "grounds"):
            assert record[key] == expected[key], (record["source"], key)
        applicant = record["applicant"]
        assert isinstance(applicant, dict) and set(applicant) == APPLICANT_KEYS
        assert applicant == expected["applicant"], record["source"]
        deadlines = record["deadlines"]
        assert isinstance(deadlines, dict) and deadlines["answer_by"] and deadlines["control"]
        drafts = record["drafts"]
        assert isinstance(drafts, list) and len(drafts) == 1
        pdf_text = pdf_words(drafts[0]["pdf"])
        assert str(record["reg_number"]) in pdf_text
        if record["grounds"]:
            # The refusal names its basis: in the (default) telecom regime the operator's
            # own regulation for 59-FZ-style grounds (LAW.md), 126-FZ for a late claim.
            assert "Положение о порядке рассмотрения" in pdf_text or "126-ФЗ" in pdf_text
        else:
            assert "Уважаем" in pdf_text
        if record["channel"] == "post":
            ocr = record["ocr"]
            assert isinstance(ocr, dict) and ocr["pages"] >= 1 and ocr["mean_confidence"] > 80


def test_same_file_twice_is_one_item(ctx: Context, tmp_path: Path) -> None:
    path = tmp_path / "a.eml"
    path.write_bytes(appeal_eml(1))
    copy = tmp_path / "copy-of-a.eml"
    copy.write_bytes(path.read_bytes())
    assert ingest(ctx, path) is ItemState.drafted
    assert ingest(ctx, path) is ItemState.drafted
    assert ingest(ctx, copy) is ItemState.drafted
    records = exported(ctx)
    assert len(records) == 1 and len(records[0]["drafts"]) == 1  # type: ignore[arg-type]


def test_same_message_id_again_is_a_duplicate(ctx: Context, tmp_path: Path) -> None:
    first, again = tmp_path / "1.eml", tmp_path / "2.eml"
    first.write_bytes(appeal_eml(1, message_id="<same@x>"))
    again.write_bytes(appeal_eml(1, message_id="<same@x>", headers={"X-Resent": "yes"}))
    ingest(ctx, first)
    ingest(ctx, again)
    one, two = exported(ctx)
    assert one["registered"] and not two["registered"]
    assert two["not_registered_reason"] == "duplicate"


@pytest.mark.parametrize(
    ("headers", "reason"),
    [
        ({"Auto-Submitted": "auto-replied"}, "auto-reply"),
        ({"X-Autoreply": "yes"}, "auto-reply"),
        ({"Precedence": "bulk"}, "bulk"),
        ({"List-Unsubscribe": "<mailto:unsubscribe@news.example>"}, "bulk"),
        ({"Return-Path": "<>"}, "bounce"),
    ],
)
def test_noise_is_recorded_not_registered(
    ctx: Context, tmp_path: Path, headers: dict[str, str], reason: str
) -> None:
    path = tmp_path / "noise.eml"
    path.write_bytes(appeal_eml(7, headers=headers))
    assert ingest(ctx, path) is ItemState.not_registered
    (record,) = exported(ctx)
    assert record["not_registered_reason"] == reason and record["drafts"] == []


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        (
            "broken.pdf",
            b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer\n%%EOF",
            "broken PDF",
        ),
        ("empty.png", b"", "empty file"),
        ("random.jpg", b"\xff\xd8\xff\xe0" + b"\x00garbage" * 100, "not an image"),
        ("truncated.png", (SAMPLES / "scans" / "01-claim.png").read_bytes()[:5000], "broken image"),
    ],
)
def test_broken_scans_are_quarantined_with_a_reason(
    ctx: Context, tmp_path: Path, name: str, content: bytes, reason: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    assert ingest(ctx, path) is ItemState.quarantined
    (record,) = exported(ctx)
    assert str(record["not_registered_reason"]).startswith(f"quarantined: {reason}")


def test_image_over_the_pixel_limit_is_quarantined(ctx: Context, tmp_path: Path) -> None:
    from PIL import Image

    path = tmp_path / "bomb.png"
    Image.new("1", (20000, 20000)).save(path)  # 400 Mpx of white: a few KB on disk
    assert ingest(ctx, path) is ItemState.quarantined
    (record,) = exported(ctx)
    assert "pixel limit" in str(record["not_registered_reason"])
