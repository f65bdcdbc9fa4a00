"""The IMAP intake against a real Dovecot: shapes of Russian mail, noise, replies,
concurrency, crashes and server restarts.  Every appeal is registered once."""

from __future__ import annotations

import base64
import os
import subprocess
import sys
import textwrap
from email.message import EmailMessage
from pathlib import Path

import pytest

from pismo.context import Context
from pismo.running.inline import run_once
from pismo.settings import load_settings
from store import db, schema
from tests.helpers import (
    DONE,
    QUARANTINE,
    REPO,
    SAMPLES,
    ImapBox,
    all_at_once,
    exported,
    output,
    pismo,
    registered_once,
    start,
    stopped_cleanly,
    wait_for,
)
from tests.letters import PHRASE, appeal_eml, letter_text, raw_letter
from tests.servers import Dovecot


@pytest.fixture
def mailbox(dovecot: Dovecot) -> ImapBox:
    return ImapBox.new(dovecot)


@pytest.fixture
def imap_ctx(env: dict[str, str], mailbox: ImapBox, monkeypatch: pytest.MonkeyPatch) -> Context:
    env["PISMO_MAIL_URL"] = mailbox.url
    monkeypatch.setenv("PISMO_MAIL_URL", mailbox.url)
    settings = load_settings()
    schema.ensure_migrated(settings.db_url)
    return Context(settings)


def run(ctx: Context) -> list[str]:
    """One pass of ``pismo run --once``, in this process: the lines it reports."""
    lines: list[str] = []
    run_once(ctx, lines.append)
    return lines


# --- shapes of mail -------------------------------------------------------------------


def _html_only(n: int) -> bytes:
    msg = EmailMessage()
    msg["From"], msg["Subject"] = f"user{n}@mail.example", "Обращение"
    msg["Message-ID"] = f"<html-{n}@mail.example>"
    html = (
        "<html><head><style>p{color:red}</style><script>alert('x-script')</script></head>"
        f"<body><p>{letter_text(n)}</p><img src='http://tracker.example/p.gif'></body></html>"
    )
    msg.set_content(html, subtype="html", charset="koi8-r")
    return bytes(msg)


def _with_scan(n: int, name: str, data: bytes, ctype: str) -> bytes:
    msg = EmailMessage()
    msg["From"], msg["Subject"] = f"user{n}@mail.example", "Скан претензии"
    msg["Message-ID"] = f"<scan-{n}@mail.example>"
    msg.set_content("Претензия во вложении.")
    maintype, subtype = ctype.split("/")
    msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=name)
    return bytes(msg)


def _forwarded(n: int) -> bytes:
    inner = EmailMessage()
    inner["From"], inner["Subject"] = "mother@mail.example", "Претензия"
    inner.set_content(letter_text(n))
    outer = EmailMessage()
    outer["From"], outer["Subject"] = f"son{n}@mail.example", "Fwd: Претензия"
    outer["Message-ID"] = f"<fwd-{n}@mail.example>"
    outer.set_content("Пересылаю претензию мамы.")
    outer.add_attachment(inner)
    return bytes(outer)


def _scan_jpeg() -> bytes:
    from io import BytesIO

    from PIL import Image

    out = BytesIO()
    Image.open(SAMPLES / "scans" / "01-claim.png").convert("L").save(out, "JPEG", quality=90)
    return out.getvalue()


def shapes() -> dict[str, tuple[bytes, str]]:
    """Letter name → (raw bytes, a phrase its text must contain)."""
    subject_8bit = "Жалоба на связь".encode("cp1251")
    subject_koi8 = b"=?koi8-r?Q?=" + "Жалоба".encode("koi8_r").hex("=").upper().encode() + b"?="
    scan_pdf = (SAMPLES / "scans" / "02-complaint.pdf").read_bytes()
    return {
        "cp1251": (raw_letter(letter_text(1).encode("cp1251"), "text/plain; charset=windows-1251", n=1), PHRASE),  # noqa: E501
        "koi8-r": (raw_letter(letter_text(2).encode("koi8_r"), "text/plain; charset=koi8-r", subject=subject_koi8, n=2), PHRASE),  # noqa: E501
        "no charset cp1251": (raw_letter(letter_text(3).encode("cp1251"), "text/plain", subject=subject_8bit, n=3), PHRASE),  # noqa: E501
        "no charset cp866": (raw_letter(letter_text(4).encode("cp866"), "text/plain", n=4), PHRASE),
        "wrong charset": (raw_letter(letter_text(5).encode("cp1251"), "text/plain; charset=koi8-r", n=5), PHRASE),  # noqa: E501
        "html only": (_html_only(6), PHRASE),
        "pdf scan": (_with_scan(7, "скан.pdf", scan_pdf, "application/pdf"), "Претензия во вложении"),  # noqa: E501
        "jpeg scan": (_with_scan(8, "../../скан.jpg", _scan_jpeg(), "image/jpeg"), "Претензия"),
        "forwarded": (_forwarded(9), PHRASE),
    }  # fmt: skip


def test_every_shape_is_read_registered_and_moved(imap_ctx: Context, mailbox: ImapBox) -> None:
    letters = shapes()
    mailbox.append(raw for raw, _ in letters.values())
    run(imap_ctx)
    found = exported(imap_ctx)
    assert len(found) == len(letters)
    for (name, (_, phrase)), record in zip(letters.items(), found, strict=True):
        assert record["registered"], (name, record["not_registered_reason"])
        text = str(record["text"])
        assert phrase in " ".join(text.split()), (name, text[:300])
        assert "\ufffd" not in text and "x-script" not in text and "tracker" not in text, name
        assert str(record["source"]).startswith(f"imap://{mailbox.user}@127.0.0.1"), name
    by_name = dict(zip(letters, found, strict=True))
    assert by_name["pdf scan"]["ocr"] and by_name["jpeg scan"]["ocr"]
    assert "Шевчук" in str(by_name["pdf scan"]["text"])  # the scan's OCR text joined
    with db.transaction(imap_ctx.db) as s:
        from store.models import Attachment, InboundItem

        subjects = [i.meta["subject"] for i in s.query(InboundItem).order_by(InboundItem.id)]
        names = {a.filename for a in s.query(Attachment)}
    assert subjects[1] == "Жалоба" and subjects[2] == "Жалоба на связь"
    assert "скан.jpg" in names and not any("/" in n for n in names)
    assert mailbox.count("INBOX") == 0 and mailbox.count(DONE) == len(letters)
    assert run(imap_ctx) == []  # a second pass finds nothing to do
    assert len(exported(imap_ctx)) == len(letters)


# --- noise and replies ----------------------------------------------------------------------


def _bounce() -> bytes:
    msg = EmailMessage()
    msg["From"] = "MAILER-DAEMON@mx.example"
    msg["Subject"] = "Undelivered Mail Returned to Sender"
    msg["Message-ID"] = "<bounce-1@mx.example>"
    msg.set_content("This is the mail system. Delivery failed.")
    msg.add_attachment(
        "Reporting-MTA: dns; mx.example\n\nFinal-Recipient: rfc822; x@y\nAction: failed\n"
        "Status: 5.1.1\n",
        subtype="delivery-status",
    )
    msg.replace_header("Content-Type", msg["Content-Type"].replace("mixed", "report"))
    return bytes(msg)


NOISE = {
    "auto-submitted": (appeal_eml(31, headers={"Auto-Submitted": "auto-replied"}), "auto-reply"),
    "x-autoreply": (appeal_eml(32, headers={"X-Autoreply": "yes"}), "auto-reply"),
    "vacation": (appeal_eml(33, headers={"X-Original-Subject": "x"}), "auto-reply"),
    "bounce": (_bounce(), "bounce"),
    "precedence": (appeal_eml(34, headers={"Precedence": "bulk"}), "bulk"),
    "list-unsubscribe": (appeal_eml(35, headers={"List-Unsubscribe": "<mailto:u@l.example>"}), "bulk"),  # noqa: E501
}  # fmt: skip


def test_noise_is_recorded_never_registered(imap_ctx: Context, mailbox: ImapBox) -> None:
    vacation = NOISE["vacation"][0].replace(
        b"Subject: ", b"Subject: =?utf-8?B?" + base64.b64encode("Я в отпуске: ".encode()) + b"?= "
    )
    mailbox.append(
        [*(raw for raw, _ in NOISE.values() if raw is not NOISE["vacation"][0]), vacation]
    )
    run(imap_ctx)
    reasons = sorted(str(r["not_registered_reason"]) for r in exported(imap_ctx))
    assert reasons == sorted(reason for _, reason in NOISE.values())
    assert not any(r["registered"] or r["drafts"] for r in exported(imap_ctx))
    assert mailbox.count("INBOX") == 0 and mailbox.count(DONE) == len(NOISE)


def test_a_reply_joins_its_appeal(imap_ctx: Context, mailbox: ImapBox) -> None:
    mailbox.append([appeal_eml(41, message_id="<first@mail.example>")])
    run(imap_ctx)
    (first,) = exported(imap_ctx)
    number = str(first["reg_number"])
    by_reference = appeal_eml(
        42, headers={"In-Reply-To": "<first@mail.example>", "References": "<first@mail.example>"}
    )
    by_number = appeal_eml(43).replace(
        b"Subject: ", b"Subject: =?utf-8?B?" + base64.b64encode(f"Re: {number} ".encode()) + b"?= "
    )
    mailbox.append([by_reference, by_number])
    run(imap_ctx)
    _, one, two = exported(imap_ctx)
    assert one["not_registered_reason"] == two["not_registered_reason"] == f"reply-to {number}"
    registered_once(imap_ctx, 1)


# --- limits -----------------------------------------------------------------------------------


def test_over_the_limits_goes_to_quarantine_with_the_reason(
    imap_ctx: Context, mailbox: ImapBox, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PISMO_LIMITS__MAX_FILE_BYTES", "200000")
    monkeypatch.setenv("PISMO_LIMITS__MAX_ATTACHMENT_BYTES", "50000")
    ctx = Context(load_settings())
    big = _with_scan(51, "big.bin", os.urandom(300_000), "application/octet-stream")
    attachment = _with_scan(52, "mid.bin", os.urandom(60_000), "application/octet-stream")
    mailbox.append([big, attachment, appeal_eml(53)])
    run(ctx)
    big_r, attachment_r, ok = exported(ctx)
    assert "over the limit of 200000" in str(big_r["not_registered_reason"])
    assert "attachment mid.bin" in str(attachment_r["not_registered_reason"])
    assert ok["registered"]
    assert mailbox.count(QUARANTINE) == 2 and mailbox.count(DONE) == 1
    assert mailbox.count("INBOX") == 0


# --- exactly once under concurrency, crashes and restarts ---------------------------------------


def test_two_runs_at_once_register_each_letter_once(
    ctx: Context, env: dict[str, str], mailbox: ImapBox
) -> None:
    # ``ctx`` migrated the store first, as `pismo db upgrade` does before a deployment.
    mailbox.append(appeal_eml(n, surname="Петров") for n in range(1, 11))
    env = {**env, "PISMO_MAIL_URL": mailbox.url}
    all_at_once(env, ["run", "--once"], ["run", "--once"])
    ctx = Context(load_settings())
    assert len(exported(ctx)) == 10
    registered_once(ctx, 10)
    assert mailbox.count("INBOX") == 0 and mailbox.count(DONE) == 10


CRASHING_RUN = """
import os, sys
sys.path.insert(0, {repo!r})
from intake.imap import ImapMailbox
put_away, flush, calls = ImapMailbox.put_away, ImapMailbox.flush, []
def crash_on_third(self, uid, ok):
    calls.append(uid)
    if len(calls) == 3:
        os._exit(9)  # killed after the third letter is committed, before it is moved
    put_away(self, uid, ok)
    flush(self)  # the first two are moved
ImapMailbox.put_away = crash_on_third
from pismo.cli import main
sys.exit(main(["run", "--once"]))
"""


def _crash_run(env: dict[str, str]) -> None:
    script = CRASHING_RUN.format(repo=str(REPO))
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(script)],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 9, result.stderr


def test_a_crash_between_registration_and_move_registers_nothing_twice(
    env: dict[str, str], mailbox: ImapBox
) -> None:
    mailbox.append(appeal_eml(n) for n in range(1, 5))
    env = {**env, "PISMO_MAIL_URL": mailbox.url}
    _crash_run(env)
    assert mailbox.count(DONE) == 2 and mailbox.count("INBOX") == 2
    pismo(env, "run", "--once")
    ctx = Context(load_settings())
    assert len(exported(ctx)) == 4
    registered_once(ctx, 4)
    assert mailbox.count("INBOX") == 0 and mailbox.count(DONE) == 4


def test_a_uidvalidity_reset_after_a_crash_registers_nothing_twice(
    env: dict[str, str], mailbox: ImapBox, dovecot: Dovecot
) -> None:
    mailbox.append(appeal_eml(n) for n in range(1, 4))
    env = {**env, "PISMO_MAIL_URL": mailbox.url}
    _crash_run(env)  # the third letter is registered but still in INBOX
    before = mailbox.client().select_folder("INBOX")[b"UIDVALIDITY"]
    for uidlist in (dovecot.root / "mail" / mailbox.user).rglob("dovecot-uidlist"):
        uidlist.unlink()  # Dovecot renumbers the folder: a new UIDVALIDITY
    for index in (dovecot.root / "mail" / mailbox.user).rglob("dovecot.index*"):
        index.unlink()
    assert mailbox.client().select_folder("INBOX")[b"UIDVALIDITY"] != before
    pismo(env, "run", "--once")
    ctx = Context(load_settings())
    assert len(exported(ctx)) == 3
    registered_once(ctx, 3)
    assert mailbox.count("INBOX") == 0


def test_the_server_restarting_mid_run_loses_nothing(
    imap_ctx: Context, mailbox: ImapBox, dovecot: Dovecot
) -> None:
    from pismo.running.mailbox import ImapIntake

    mailbox.append(appeal_eml(n) for n in range(1, 7))
    intake = ImapIntake(imap_ctx)
    seen: list[str] = []

    def report(source: str, _outcome: object) -> None:
        seen.append(source)
        if len(seen) == 2:
            dovecot.restart()

    intake.run_pass(report)
    intake.close()
    registered_once(imap_ctx, 6)
    assert len(exported(imap_ctx)) == 6
    assert mailbox.count("INBOX") == 0 and mailbox.count(DONE) == 6


def test_the_daemon_wakes_on_new_mail_by_idle(env: dict[str, str], mailbox: ImapBox) -> None:
    env = {**env, "PISMO_MAIL_URL": mailbox.url, "PISMO_POLL_INTERVAL": "600"}
    daemon = start(env, "--verbose", "run")
    try:
        wait_for(lambda: "waiting for new mail" in output(env), "the daemon idling")
        mailbox.append([appeal_eml(61)])
        wait_for(lambda: mailbox.count(DONE) == 1, "the letter taken")
    finally:
        daemon.terminate()
    stopped_cleanly(daemon, env)
    assert "registered ВХ-" in output(env)
    assert mailbox.password not in output(env)


def test_idle_notices_a_dropped_connection_at_once(imap_ctx: Context, dovecot: Dovecot) -> None:
    import threading
    import time

    from pismo.running.mailbox import ImapIntake

    intake = ImapIntake(imap_ctx)
    intake.run_pass(lambda *_: None)  # connects; the mailbox is empty
    dropper = threading.Timer(1, dovecot.drop_clients)
    dropper.start()
    started, cpu = time.monotonic(), time.process_time()
    intake.wait_for_mail(60, threading.Event())
    dropper.join()
    # Not the whole timeout, and not spinning through it: the next pass reconnects.
    assert time.monotonic() - started < 10 and time.process_time() - cpu < 2
    assert intake.mailbox.client is None
    intake.close()


def test_a_stop_ends_the_reconnection_backoff(
    env: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """SIGTERM during an outage stops the daemon in seconds, not after ``reconnect_give_up``."""
    import threading
    import time

    from pismo.running.mailbox import ImapIntake
    from tests.servers import free_port

    monkeypatch.setenv("PISMO_MAIL_URL", f"imap://nobody:x@127.0.0.1:{free_port()}/INBOX")
    settings = load_settings()
    schema.ensure_migrated(settings.db_url)
    stop = threading.Event()
    intake = ImapIntake(Context(settings), stop)
    threading.Timer(2, stop.set).start()
    started = time.monotonic()
    assert intake.run_pass(lambda *_: None) == 0  # nothing taken, nothing lost
    assert time.monotonic() - started < 6
    intake.close()


# --- TLS and the password -------------------------------------------------------------------------


def test_starttls_with_a_private_ca(env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    from pismo.errors import MailServerError
    from tests.servers import dovecot_server

    with dovecot_server(tls=True) as server:
        box = ImapBox.new(server)
        url = box.url.replace(f":{box.password}@", "@")
        monkeypatch.setenv("PISMO_MAIL_URL", url)
        monkeypatch.setenv("PISMO_MAIL__PASSWORD", box.password)
        ctx = Context(load_settings())
        schema.ensure_migrated(ctx.db)
        with pytest.raises(MailServerError, match="certificate not trusted"):
            run(ctx)
        monkeypatch.setenv("PISMO_MAIL__CA_FILE", str(server.ca_file))
        ctx = Context(load_settings())
        assert run(ctx) == []


# --- CPython's own e-mail test corpus ---------------------------------------------------


def _corpus() -> list[Path]:
    import test

    return sorted((Path(test.__file__).parent / "test_email" / "data").glob("msg_*.txt"))


@pytest.mark.skipif(not _corpus(), reason="this Python was installed without its test package")
def test_cpython_email_corpus_never_stops_the_intake(imap_ctx: Context, mailbox: ImapBox) -> None:
    corpus = _corpus()
    mailbox.append(p.read_bytes() for p in corpus)
    run(imap_ctx)
    found = exported(imap_ctx)
    assert len(found) == len(corpus)
    for record in found:
        assert record["registered"] or record["not_registered_reason"], record["source"]
    assert mailbox.count("INBOX") == 0
