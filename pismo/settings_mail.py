"""The mail part of the settings: the mailboxes read, how to log in to them, and SMTP.

Several mailboxes are ``[[mailboxes]]`` tables in pismo.toml; ``mail_url``
(with ``mail.password`` or ``mail.oauth``) stays the one-mailbox shorthand.
What every mailbox shares (TLS, timeouts, batches, IDLE) is ``[mail]``; a
mailbox's own table names its server, its login, its folders and what its
letters imply (a label, a default department).

Secrets are ``SecretStr``: they print as ``**********`` and are never logged.
Those of a ``[[mailboxes]]`` table may come from the environment instead of
the file: ``PISMO_MAILBOX_<NAME>_PASSWORD``, ``…_CLIENT_ID``,
``…_CLIENT_SECRET``, ``…_REFRESH_TOKEN`` (NAME upper-cased, ``-`` as ``_``).
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Literal
from urllib.parse import unquote, urlparse

from pydantic import BaseModel, Field, SecretStr

from pismo.errors import ConfigError, masked_url

OAuthMechanism = Literal["XOAUTH2", "OAUTHBEARER"]
SECRET_FIELDS = ("password", "client_id", "client_secret", "refresh_token")


class OAuthSettings(BaseModel):
    token_url: str = Field(
        "",
        description="The provider's token endpoint, where an access token is got for the "
        "refresh token (Microsoft: https://login.microsoftonline.com/TENANT/oauth2/v2.0/token; "
        "Google: https://oauth2.googleapis.com/token; Yandex: https://oauth.yandex.ru/token).",
    )
    client_id: SecretStr | None = Field(
        None, description="The application's client id registered with the provider."
    )
    client_secret: SecretStr | None = Field(
        None, description="The application's client secret (none for a public client)."
    )
    refresh_token: SecretStr | None = Field(
        None,
        description="The long-lived refresh token the mailbox owner's consent gave; "
        "never logged or printed.",
    )
    access_token: SecretStr | None = Field(
        None,
        description="An access token to start with (optional): refreshed when the server "
        "refuses it or expires_in says it has expired.",
    )
    scope: str = Field(
        "",
        description="Scopes asked for at refresh, space-separated (Microsoft: "
        "https://outlook.office365.com/IMAP.AccessAsUser.All offline_access); empty: none.",
    )
    mechanism: OAuthMechanism = Field(
        "XOAUTH2",
        description="SASL mechanism: XOAUTH2 (Microsoft, Google, Yandex, Mail.ru) or "
        "OAUTHBEARER (RFC 7628).",
    )
    timeout: float = Field(30.0, gt=0, description="Seconds to wait for the token endpoint.")


class MailSettings(BaseModel):
    password: SecretStr | None = Field(
        None,
        description="IMAP password when mail_url carries none (PISMO_MAIL__PASSWORD); "
        "never logged or printed.",
    )
    oauth: OAuthSettings | None = Field(
        None,
        description="OAuth 2.0 login for the mailbox of mail_url instead of a password "
        "(PISMO_MAIL__OAUTH__REFRESH_TOKEN, …).",
    )
    starttls: bool = Field(
        True, description="On imap:// URLs, upgrade to TLS with STARTTLS when the server offers it."
    )
    allow_plaintext: bool = Field(
        False,
        description="Allow logging in without TLS to a host other than loopback (not advised).",
    )
    ca_file: Path | None = Field(
        None, description="CA certificates to verify the IMAP server by; empty means the system's."
    )
    done_folder: str = Field(
        "pismo-done",
        description="IMAP folder a message moves to once recorded; empty means it stays and "
        "gets done_keyword.",
    )
    quarantine_folder: str = Field(
        "pismo-quarantine",
        description="IMAP folder for messages that could not be processed (reason in the store).",
    )
    done_keyword: str = Field(
        "$PismoDone",
        description="Keyword marking a processed message the server cannot MOVE; such "
        "messages are skipped.",
    )
    batch_messages: int = Field(
        50, gt=0, description="Most messages fetched from the server in one request."
    )
    batch_bytes: int = Field(
        20_000_000, gt=0, description="Most bytes of messages fetched from the server at once."
    )
    idle: bool = Field(
        True,
        description="In `pismo run`, wait for new mail with IMAP IDLE when the server has it "
        "(else poll every poll_interval).",
    )
    timeout: float = Field(
        60.0, gt=0, description="Seconds before a silent IMAP server is dropped."
    )
    reconnect_max_delay: float = Field(
        60.0, gt=0, description="Longest wait between reconnection attempts (backoff doubles)."
    )
    reconnect_give_up: float = Field(
        300.0,
        gt=0,
        description="Seconds of failed reconnections before a pass gives up with an error "
        "(the daemon then tries again on its next pass).",
    )


class MailboxSettings(BaseModel):
    """One ``[[mailboxes]]`` table."""

    name: str = Field(
        "",
        description="Short Latin name of the mailbox, for logs and for its environment "
        "variables (PISMO_MAILBOX_<NAME>_PASSWORD); empty means mailbox1, mailbox2, … by order.",
    )
    url: str = Field(description="imap[s]://user@host[:port]/FOLDER of the mailbox.")
    password: SecretStr | None = Field(
        None, description="Password or app password, when the URL carries none and no oauth."
    )
    oauth: OAuthSettings | None = Field(None, description="OAuth 2.0 login instead of a password.")
    done_folder: str | None = Field(None, description="As mail.done_folder, for this mailbox.")
    quarantine_folder: str | None = Field(
        None, description="As mail.quarantine_folder, for this mailbox."
    )
    label: str = Field(
        "",
        description="What letters from this mailbox are marked with (e.g. «Претензии», "
        "«Интернет-приёмная»); empty means the address.",
    )
    department: str = Field(
        "",
        description="Department that letters from this mailbox go to when their reading "
        "finds no category of its own (category 'other'); empty means departments.other.",
    )


class SmtpSettings(BaseModel):
    host: str = Field(
        "",
        description="SMTP server approved e-mail letters go out through; "
        "empty means e-mail dispatch is off and letters wait.",
    )
    port: int = Field(587, gt=0, lt=65536, description="SMTP server port.")
    starttls: bool = Field(True, description="Upgrade the SMTP connection with STARTTLS.")
    user: str = Field("", description="SMTP login; empty means no authentication.")
    password: SecretStr | None = Field(
        None, description="SMTP password (prefer PISMO_SMTP__PASSWORD); never printed."
    )
    oauth: OAuthSettings | None = Field(
        None,
        description="OAuth 2.0 login (XOAUTH2 or OAUTHBEARER) instead of the password "
        "(PISMO_SMTP__OAUTH__REFRESH_TOKEN, …).",
    )
    from_address: str = Field(
        "", description="From address of outgoing letters; empty means org.email."
    )
    timeout: float = Field(30.0, gt=0, description="Seconds to wait for the SMTP server.")
    max_attempts: int = Field(
        5, gt=0, description="Sending attempts per letter before it waits for a person."
    )


def _env_name(name: str, secret: str) -> str:
    return f"PISMO_MAILBOX_{re.sub(r'[^A-Za-z0-9]', '_', name).upper()}_{secret.upper()}"


def _from_env(box: MailboxSettings) -> MailboxSettings:
    """The mailbox with the secrets its table leaves out taken from the environment."""
    values = {k: os.environ.get(_env_name(box.name, k)) for k in SECRET_FIELDS}
    update: dict[str, object] = {}
    if box.password is None and values["password"]:
        update["password"] = SecretStr(values["password"])
    oauth_update = {
        k: SecretStr(v)
        for k, v in values.items()
        if k != "password" and v and (box.oauth is None or getattr(box.oauth, k) is None)
    }
    if oauth_update:
        if box.oauth is None:
            raise ConfigError(
                f"mailbox {box.name}: {', '.join(_env_name(box.name, k) for k in oauth_update)} "
                "set, but the mailbox has no [mailboxes.oauth] table (token_url is needed)"
            )
        update["oauth"] = box.oauth.model_copy(update=oauth_update)
    return box.model_copy(update=update) if update else box


def mailboxes_of(
    mailboxes: list[MailboxSettings], mail_url: str, mail: MailSettings
) -> list[MailboxSettings]:
    """Every IMAP mailbox to read, named, its secrets resolved; mail_url's as ``mail``."""
    boxes = [
        box if box.name else box.model_copy(update={"name": f"mailbox{n}"})
        for n, box in enumerate(mailboxes, 1)
    ]
    if urlparse(mail_url).scheme in ("imap", "imaps"):
        shorthand = MailboxSettings(
            name="mail", url=mail_url, password=mail.password, oauth=mail.oauth
        )
        boxes.insert(0, shorthand)
    seen: dict[str, str] = {}
    for box in boxes:
        where = mailbox_identity(box.url)
        if where in seen:
            raise ConfigError(
                f"mailboxes {seen[where]} and {box.name} are the same mailbox {where}"
            )
        if box.name in seen.values():
            raise ConfigError(f"two mailboxes are named {box.name!r}: give each its own name")
        seen[where] = box.name
    return [_from_env(box) for box in boxes]


def mailbox_identity(url: str) -> str:
    """``user@host/FOLDER`` of an IMAP URL, without its password."""
    parsed = urlparse(url)
    if parsed.scheme not in ("imap", "imaps") or not parsed.hostname:
        raise ConfigError(f"mailbox url: expected imap://user@host/FOLDER, got {masked_url(url)!r}")
    folder = unquote(parsed.path.lstrip("/")) or "INBOX"
    return f"{unquote(parsed.username or '')}@{parsed.hostname}/{folder}"


def for_mailbox(box: MailboxSettings, mail: MailSettings) -> MailSettings:
    """The shared ``[mail]`` settings with this mailbox's own folders."""
    own = {"done_folder": box.done_folder, "quarantine_folder": box.quarantine_folder}
    return mail.model_copy(update={k: v for k, v in own.items() if v is not None})
