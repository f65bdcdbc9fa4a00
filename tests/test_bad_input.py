"""Files and messages that once broke a pass: each costs its own item, nothing else.

Every input under tests/regressions/ broke pismo once; its README says how.
"""

from __future__ import annotations

import base64
import json
import os
from email.message import EmailMessage
from pathlib import Path

import pytest

from pismo.context import Context
from pismo.stages.read import READ_ATTEMPTS, Transient, store_text
from pismo.states import ItemState
from store.db import transaction
from store.models import InboundItem
from tests.helpers import SAMPLES, exported, pismo
from tests.letters import appeal_eml, with_attachments
from tests.scans import make_letter, pages, save

REGRESSIONS = Path(__file__).parent / "regressions"


def folders(env: dict[str, str]) -> tuple[Path, Path]:
    data = Path(env["PISMO_DATA_DIR"])
    (data / "scans").mkdir(parents=True)
    (data / "mail").mkdir(parents=True)
    return data / "scans", data / "mail"


def reasons(folder: Path) -> dict[str, str]:
    return {
        p.name.removesuffix(".reason.txt"): p.read_text(encoding="utf-8").strip()
        for p in (folder / "failed").glob("*.reason.txt")
    }


def test_damaged_files_and_odd_names_fail_alone(env: dict[str, str], tmp_path: Path) -> None:
    scans, _mail = folders(env)
    for regression in REGRESSIONS.glob("*.*"):
        if regression.suffix != ".md":
            (scans / regression.name).write_bytes(regression.read_bytes())
    long_name = "п" * 20 + "x" * 200 + ".pdf"  # 240 bytes: no room for «.reason.txt»
    (scans / long_name).write_bytes(b"%PDF-1.4 broken")
    cp1251 = os.fsdecode("письмо".encode("cp1251") + b".png")
    (scans / cp1251).write_bytes(save(pages(make_letter(3)), "PNG"))
    secret = tmp_path / "private.pdf"
    secret.write_bytes((SAMPLES / "scans" / "02-complaint.pdf").read_bytes())
    (scans / "link.pdf").symlink_to(secret)
    (scans / "zero.tiff").symlink_to("/dev/zero")
    os.mkfifo(scans / "pipe.pdf")

    result = pismo({**env, "PISMO_SETTLE_SECONDS": "0"}, "run", "--once", check=False)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    failed = reasons(scans)
    assert "broken PDF: Failed to load page" in failed["page-cannot-load.pdf"]
    assert "broken image: Missing dimensions" in failed["missing-dimensions.tiff"]
    assert "symbolic link" in failed["link.pdf"] and "symbolic link" in failed["zero.tiff"]
    assert "not a regular file" in failed["pipe.pdf"]
    assert any(len(os.fsencode(name)) < 240 and name.endswith(".pdf") for name in failed)
    assert secret.exists() and (scans / "failed" / "link.pdf").is_symlink()
    [registered] = [line for line in result.stdout.splitlines() if "\tregistered" in line]
    assert registered.startswith(str(scans / "\\xef\\xe8\\xf1\\xfc\\xec\\xee.png"))
    records = json.loads(pismo(env, "export", "--format", "json").stdout)
    assert sum(1 for r in records if r["reg_number"]) == 1
    blobs = Path(env["PISMO_DATA_DIR"]) / "blobs"
    assert secret.read_bytes() not in (b.read_bytes() for b in blobs.rglob("*") if b.is_file())


def test_a_file_still_being_written_is_not_quarantined(ctx: Context, tmp_path: Path) -> None:
    """A scanner that pauses longer than ``settle_seconds``: half a PNG is broken, but
    the file has grown since it was read, so it stays to be read whole next time."""
    from pismo.running.batch import ingest_files

    scans = tmp_path / "scans"
    scans.mkdir()
    letter = save(pages(make_letter(4)), "PNG")
    slow = scans / "slow.png"
    slow.write_bytes(letter[: len(letter) // 2])

    def scanner_resumes(line: str) -> None:  # called after reading, before putting away
        slow.write_bytes(letter)

    assert ingest_files(ctx, [slow], scans, scanner_resumes) == 1
    assert slow.exists() and not (scans / "failed").exists()
    assert ingest_files(ctx, [slow], scans, print) == 0
    assert not slow.exists() and list((scans / "done").rglob("slow.png"))


def test_one_bad_attachment_leaves_the_letter(ctx: Context, tmp_path: Path) -> None:
    from tests.helpers import ingest

    broken = (REGRESSIONS / "page-cannot-load.pdf").read_bytes()
    logo = save([pages(make_letter(1))[0].resize((120, 40))], "PNG")
    path = tmp_path / "attached.eml"
    path.write_bytes(
        with_attachments(
            1,
            ("договор.pdf", "application/pdf", broken),
            ("logo.png", "image/png", logo),
            ("photo.heic", "image/heic", b"\x00\x00\x00\x18ftypheic" + b"\x00" * 100),
        )
    )
    assert ingest(ctx, path) is ItemState.drafted
    with transaction(ctx.db) as s:
        item = s.query(InboundItem).one()
        assert item.meta["unread_attachments"] == [
            "договор.pdf: broken PDF: Failed to load page.",
            "photo.heic: not an image pismo can read (PDF, PNG, JPEG, TIFF)",
        ]
        assert "[Вложение не прочитано: договор.pdf]" in (item.text or "")
        assert len(item.attachments) == 3  # all kept, none lost


def test_pages_are_counted_over_all_attachments(ctx: Context, tmp_path: Path) -> None:
    from tests.helpers import ingest

    ctx.settings.limits.max_pages = 2
    ctx.__dict__.pop("ocr_options", None)
    scan = save(pages(make_letter(2)), "PNG")
    parts = [(f"скан-{n}.png", "image/png", scan) for n in range(3)]
    path = tmp_path / "many.eml"
    path.write_bytes(with_attachments(2, *parts))
    ingest(ctx, path)
    with transaction(ctx.db) as s:
        item = s.query(InboundItem).one()
        assert len(item.meta["unread_attachments"]) == 1
        assert "page limit" in item.meta["unread_attachments"][0]
        assert item.ocr is not None and item.ocr["pages"] == 2


def test_a_passing_failure_is_tried_again_then_quarantined(ctx: Context, tmp_path: Path) -> None:
    from intake.sources import read_file
    from pismo.stages.receive import receive

    path = tmp_path / "letter.eml"
    path.write_bytes(appeal_eml(5))
    item_id, _ = receive(ctx, read_file(path, 10**8))
    for attempt in range(1, READ_ATTEMPTS + 1):
        store_text(ctx, item_id, Transient("MemoryError"))
        with transaction(ctx.db) as s:
            state = s.get_one(InboundItem, item_id).state
        expected = ItemState.quarantined if attempt == READ_ATTEMPTS else ItemState.received
        assert state is expected
    (record,) = exported(ctx)
    assert record["not_registered_reason"] == "quarantined: failed 3 times: MemoryError"


def test_control_characters_in_headers_never_reach_a_reply(ctx: Context) -> None:
    from pismo.actions import replies
    from tests.helpers import appeal, make_user, open_draft, smtp_server, use_smtp

    crlf = "=?utf-8?b?" + base64.b64encode("Жалоба\r\nBcc: victim@evil.example".encode()).decode()
    data = appeal_eml(8).replace(b"Subject: ", f"Subject: {crlf}?=\nX-Old: ".encode(), 1)
    data = data.replace(b"<test-8@pismo.example>", b"<id\x01-8@mail.example>")
    approver = make_user(ctx, "anna", "approver")
    appeal_id = appeal(ctx, 8, data=data)
    with smtp_server() as (port, mailbox):
        use_smtp(ctx, port)
        sent = replies.approve_draft(ctx, open_draft(ctx, appeal_id).id, approver)
    assert sent is not None and sent.outcome == "sent"
    [message] = mailbox.messages
    assert message["Subject"].startswith("Re: Жалоба Bcc: victim@evil.example [ВХ-")
    assert message["Bcc"] is None and mailbox.envelopes[0][1] == ["user8@mail.example"]
    assert message["In-Reply-To"] in (None, "<id-8@mail.example>")  # no control character


@pytest.mark.parametrize(
    ("sender", "subject", "report"),
    [
        ("noreply@mail.example", "Undelivered Mail Returned to Sender", False),
        ("postmaster@mail.example", "Delivery Status Notification (Failure)", False),
        ("robot@mail.example", "Returned mail", True),
    ],
)
def test_delivery_reports_are_not_appeals(
    ctx: Context, tmp_path: Path, sender: str, subject: str, report: bool
) -> None:
    from tests.helpers import ingest

    msg = EmailMessage()
    msg["From"], msg["Subject"] = sender, subject
    msg["Message-ID"] = f"<dsn-{abs(hash(sender))}@mail.example>"
    msg.set_content("This is the mail system. Your message could not be delivered:\n" + "x" * 80)
    data = bytes(msg)
    if report:  # a delivery-status part, as RFC 3464 has it, but without multipart/report
        data = (
            data.replace(
                b"Content-Type: text/plain", b'Content-Type: multipart/mixed; boundary="b"'
            ).replace(b"\n\nThis is", b"\n\n--b\nContent-Type: text/plain\n\nThis is")
            + b"--b\nContent-Type: message/delivery-status\n\nStatus: 5.1.1\n\n--b--\n"
        )
    path = tmp_path / "dsn.eml"
    path.write_bytes(data)
    assert ingest(ctx, path) is ItemState.not_registered
    (record,) = exported(ctx)
    assert record["not_registered_reason"] == "bounce"


def test_secrets_are_masked_wherever_a_url_is_printed(env: dict[str, str]) -> None:
    from pismo.errors import masked_url

    url = "postgresql://pismo:hunter2@db.example/pismo?sslmode=require&password=hunter3"
    assert masked_url(url) == "postgresql://pismo:***@db.example/pismo?sslmode=require&password=***"
    shown = pismo(
        {
            **env,
            "PISMO_DB_URL": url,
            "PISMO_MAIL_URL": "imaps://a:hunter4@mail.example/INBOX",
            "PISMO_SMTP__PASSWORD": "hunter5",
        },
        "settings",
    ).stdout
    assert "db.example" in shown and not any(f"hunter{n}" in shown for n in range(2, 6))
    broken = pismo({**env, "PISMO_DB_URL": "nosuch://u:hunter6@x"}, "list", check=False)
    assert broken.returncode != 0 and "hunter6" not in broken.stderr


def test_what_pismo_writes_is_its_own_and_its_logs_name_nobody(env: dict[str, str]) -> None:
    """A whole run over the samples, logging at -v: no name, phone, e-mail, account or
    address of the samples in its output, no attachment name; every file owner-only."""
    scans, mail = folders(env)
    for path in (SAMPLES / "mail").glob("*.eml"):
        (mail / path.name).write_bytes(path.read_bytes())
    for path in (SAMPLES / "scans").glob("*"):
        (scans / path.name).write_bytes(path.read_bytes())
    attached = with_attachments(9, ("Паспорт 4510 123456.pdf", "application/pdf", b"%PDF-1."))
    (mail / "passport.eml").write_bytes(attached)
    result = pismo({**env, "PISMO_SETTLE_SECONDS": "0"}, "-v", "run", "--once")
    logged = result.stderr + "\n".join(
        line.split("\t", 1)[1] for line in result.stdout.splitlines()
    )
    assert "quarantined" in logged or "registered" in logged
    private = {"4510 123456"}
    for sample in json.loads((SAMPLES / "expected.json").read_text(encoding="utf-8")):
        person = sample["applicant"]
        private |= {str(v) for k, v in person.items() if v and k != "postcode"}
        private |= {str(sample[k]) for k in ("account", "contract") if sample.get(k)}
    assert [p for p in private if p in logged] == []
    data = Path(env["PISMO_DATA_DIR"])
    made = [p for p in data.rglob("*") if p.stat().st_uid == os.getuid()]
    loose = [
        p
        for p in made
        if p.stat().st_mode & 0o077 and not p.is_relative_to(scans) and not p.is_relative_to(mail)
    ]
    assert (data / "pismo.db").exists() and loose == []


def test_a_page_over_its_time_limit_goes_to_a_person(ctx: Context, tmp_path: Path) -> None:
    import time

    from ocr.document import OcrOptions, read_document
    from tests.helpers import ingest

    scan = (SAMPLES / "scans" / "01-claim.png").read_bytes()
    started = time.monotonic()
    (page,) = read_document(scan, OcrOptions(page_seconds=0.3)).pages
    assert page.timed_out and page.text == "" and time.monotonic() - started < 2
    ctx.settings.ocr.page_seconds = 0.3
    ctx.__dict__.pop("ocr_options", None)
    path = tmp_path / "slow.png"
    path.write_bytes(scan)
    assert ingest(ctx, path) is ItemState.needs_transcription
    with transaction(ctx.db) as s:
        assert s.query(InboundItem).one().ocr["timed_out_pages"] == [1]  # type: ignore[index]
