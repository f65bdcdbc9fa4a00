"""Every error pismo raises on purpose, and the exit code each one gives the CLI.

The tree::

    PismoError
    ├── ConfigError              bad pismo.toml or PISMO_* variable
    ├── StoreError               the database cannot be reached or is not migrated
    │   └── RegistrationError    a number could not be given out
    ├── InputError               one inbound item cannot be processed; it goes to quarantine
    │   ├── MalformedMessage     mail that cannot be parsed
    │   ├── UnsupportedFile      a file type pismo does not read
    │   ├── TooLarge             over a size or pixel limit from settings
    │   └── OcrError             Tesseract failed on a page
    │       └── PageTimeout      a page took longer than ocr.page_seconds (caught in
    │                            ocr: the page goes to a person instead)
    ├── RenderError              a letter could not be rendered to PDF
    ├── Conflict                 the item is not in a state the command applies to
    │   └── DraftStateError      a draft cannot be edited or approved in its state
    ├── DispatchError            an approved letter could not be sent (it stays approved)
    ├── Forbidden                the person's role may not do this
    ├── Invalid                  a staff action's input is wrong (an empty text, an unknown code)
    ├── AuthError                a wrong name or password, or a user that cannot be made
    │   └── LockedOut            too many failed logins of this name lately
    ├── NotFound                 a registration number or item that does not exist
    └── MailServerError          the IMAP server cannot be reached or refuses the login

An ``InputError`` is about one item: the caller quarantines that item with the
message as the reason and carries on with the next one.  Anything else stops
the command with the exit code below and a message that says what to do.
"""

from __future__ import annotations

import enum
import errno
from urllib.parse import parse_qsl, urlsplit, urlunsplit


class ExitCode(enum.IntEnum):
    ok = 0
    usage = 2
    config = 3
    store = 4
    input = 5
    render = 6
    not_found = 7
    conflict = 8
    mail_server = 9
    dispatch = 10
    forbidden = 11
    internal = 15


class PismoError(Exception):
    exit_code = ExitCode.internal


class ConfigError(PismoError):
    exit_code = ExitCode.config


class StoreError(PismoError):
    exit_code = ExitCode.store


class RegistrationError(StoreError):
    pass


class InputError(PismoError):
    """One inbound item is unusable; its message is the quarantine reason."""

    exit_code = ExitCode.input


class MalformedMessage(InputError):
    pass


class UnsupportedFile(InputError):
    pass


class TooLarge(InputError):
    pass


class OcrError(InputError):
    pass


class PageTimeout(OcrError):
    pass


class RenderError(PismoError):
    exit_code = ExitCode.render


class Conflict(PismoError):
    exit_code = ExitCode.conflict


class DraftStateError(Conflict):
    """The draft was approved or superseded already: act on its latest version."""


class NotFound(PismoError):
    exit_code = ExitCode.not_found


class MailServerError(PismoError):
    exit_code = ExitCode.mail_server


class DispatchError(PismoError):
    exit_code = ExitCode.dispatch


class Forbidden(PismoError):
    """Not allowed: a role below the one an action needs (a state that forbids an
    action is a ``Conflict``)."""

    exit_code = ExitCode.forbidden


class Invalid(PismoError):
    """A staff action asked with input it cannot take; the message says what is wrong."""

    exit_code = ExitCode.usage


class AuthError(PismoError):
    """A wrong name or password, or a user that cannot be made as asked."""

    exit_code = ExitCode.forbidden


class LockedOut(AuthError):
    """Too many failed logins of this name lately; the password is not even checked."""


def describe(exc: BaseException) -> str:
    """An unexpected exception as a reason a person reads: its type and its message."""
    message = " ".join(str(exc).split())[:300]
    return f"{type(exc).__name__}: {message}" if message else type(exc).__name__


_PASSING_ERRNOS = frozenset({errno.ENOSPC, errno.ENOMEM, errno.EMFILE, errno.ENFILE, errno.EAGAIN})


def is_transient(exc: BaseException) -> bool:
    """A failure that says nothing about the item: the same bytes may go through later."""
    if isinstance(exc, MemoryError | TimeoutError | ConnectionError):
        return True
    return isinstance(exc, OSError) and exc.errno in _PASSING_ERRNOS


_SECRET_PARAMS = frozenset({"password", "pass", "passwd", "pwd", "secret", "token", "access_token"})


def masked_url(url: str) -> str:
    """A URL safe to print in a message: its password, and any secret in its query, as ***."""
    parts = urlsplit(url)
    netloc = parts.netloc
    if "@" in netloc:
        userinfo, _, host = netloc.rpartition("@")
        user, colon, _password = userinfo.partition(":")
        netloc = f"{user}{':***' if colon else ''}@{host}"
    query = "&".join(
        f"{key}=***" if key.lower() in _SECRET_PARAMS else f"{key}={value}"
        for key, value in parse_qsl(parts.query, keep_blank_values=True)
    )
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))
