"""``pismo mail test``: log in to every mailbox and the SMTP server and say what is there.

For setting up: it changes nothing on the servers (no folder is created, no
message moved or sent) and prints no secret.  Exit code 0 when every login
worked, the mail server's code otherwise.
"""

from __future__ import annotations

import argparse
import smtplib
from typing import Any

from intake.imap import ConnectionLost, ImapMailbox, address_of
from intake.imap_survey import survey
from pismo import settings as settings_module
from pismo.errors import ExitCode, PismoError, masked_url
from pismo.settings import Settings
from pismo.settings_mail import MailboxSettings, for_mailbox
from pismo.smtp import connected


def cmd_mail_test(args: argparse.Namespace) -> int:
    settings = settings_module.load_settings(args.config)
    boxes = settings.mailbox_list
    if not boxes:
        print(f"no IMAP mailbox: mail_url is {settings.mail_url} and there is no [[mailboxes]]")
    ok = all([_test_mailbox(settings, box) for box in boxes])
    ok = _test_smtp(settings) and ok
    return ExitCode.ok if ok else ExitCode.mail_server


def _test_mailbox(settings: Settings, box: MailboxSettings) -> bool:
    mail = for_mailbox(box, settings.mail)
    try:
        address = address_of(box)
        found = survey(ImapMailbox(address, mail, settings.limits.max_file_bytes))
    except PismoError as exc:
        print(f"mailbox {box.name}: FAILED: {exc}")
        return False
    except ConnectionLost as exc:
        print(f"mailbox {box.name}: FAILED: {masked_url(box.url)} unreachable: {exc}")
        return False
    department = box.department or settings.departments.get("other", "—")
    unmoved = "" if found.move else f" (processed mail is marked {mail.done_keyword})"
    print(f"mailbox {box.name}: {address.display}")
    print(f"  label: {box.label or '—'}; department for uncategorised letters: {department}")
    print(f"  login: {found.login}, ok; UIDVALIDITY {found.uidvalidity}")
    print(f"  IDLE: {_yes(found.idle)}; MOVE: {_yes(found.move)}{unmoved}")
    roles = {mail.quarantine_folder: "quarantine", mail.done_folder: "done", address.folder: "read"}
    for name, count in found.folders:
        shown = "not selectable" if count is None else f"{count} messages"
        role = f"  ({roles[name]})" if name in roles else ""
        print(f"  folder {name}: {shown}{role}")
    names = {name for name, _ in found.folders}
    for folder in (mail.done_folder, mail.quarantine_folder):
        if folder and folder not in names:
            print(f"  folder {folder}: not there yet (created on the first run)")
    return True


def _test_smtp(settings: Settings) -> bool:
    smtp = settings.smtp
    if not smtp.host:
        print("smtp: off (smtp.host is empty: e-mail letters wait)")
        return True
    login = smtp.oauth.mechanism if smtp.oauth else ("password" if smtp.user else "none")
    try:
        with connected(smtp) as client:
            features: dict[str, Any] = dict(client.esmtp_features)
    except (PismoError, OSError, smtplib.SMTPException) as exc:
        print(f"smtp {smtp.host}:{smtp.port}: FAILED: {type(exc).__name__}: {exc}")
        return False
    print(f"smtp {smtp.host}:{smtp.port}: login {login}, ok")
    secure = "yes" if smtp.starttls else "no (smtp.starttls is off)"
    print(f"  TLS: {secure}; AUTH: {features.get('auth', '—').strip() or '—'}; "
          f"SIZE: {features.get('size', '—') or '—'}")  # fmt: skip
    return True


def _yes(value: bool) -> str:
    return "yes" if value else "no"


def add_commands(sub: Any) -> None:
    p = sub.add_parser("mail", help="The mail servers: `pismo mail test`.")
    mail_sub = p.add_subparsers(dest="mail_command", required=True, metavar="SUBCOMMAND")
    help_text = (
        "Log in to every mailbox and the SMTP server and print what they have "
        "(folders, message counts, IDLE, MOVE); changes nothing."
    )
    t = mail_sub.add_parser("test", help=help_text, description=help_text)
    t.set_defaults(func=cmd_mail_test)
