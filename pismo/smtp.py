"""The SMTP connection approved letters go out through: TLS, then a password or OAuth 2.0.

``connected`` opens, upgrades and logs in; ``dispatch.send_email`` and
``pismo mail test`` both use it.  With ``smtp.oauth`` the login is SASL
XOAUTH2 or OAUTHBEARER with an access token refreshed at the provider; a
token the server refuses is refreshed once and tried again.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from intake.oauth import TokenSource, sasl_response
from pismo.settings_mail import SmtpSettings

log = logging.getLogger("pismo.smtp")


_sources: dict[tuple[str, ...], TokenSource] = {}
_sources_lock = threading.Lock()


def tokens_for(smtp: SmtpSettings) -> TokenSource | None:
    """One token source per SMTP login and process: one access token serves many letters."""
    oauth = smtp.oauth
    if oauth is None:
        return None
    secrets = (oauth.client_id, oauth.refresh_token, oauth.access_token)
    key = (smtp.host, str(smtp.port), smtp.user, oauth.token_url, oauth.mechanism,
           *(s.get_secret_value() if s else "" for s in secrets))  # fmt: skip
    with _sources_lock:
        if key not in _sources:
            _sources[key] = TokenSource(oauth, f"SMTP {smtp.host}")
        return _sources[key]


@contextmanager
def connected(smtp: SmtpSettings) -> Iterator[smtplib.SMTP]:
    """A logged-in SMTP client; raises ``OSError`` or ``smtplib.SMTPException``."""
    with smtplib.SMTP(smtp.host, smtp.port, timeout=smtp.timeout) as client:
        if smtp.starttls:
            client.starttls(context=ssl.create_default_context())
        tokens = tokens_for(smtp)
        if tokens is not None:
            _oauth_login(client, smtp, tokens)
        elif smtp.user:
            password = smtp.password.get_secret_value() if smtp.password else ""
            client.login(smtp.user, password)
        yield client


def _oauth_login(client: smtplib.SMTP, smtp: SmtpSettings, tokens: TokenSource) -> None:
    user = smtp.user or smtp.from_address
    for attempt in (1, 2):
        token = tokens.token()
        first = sasl_response(tokens.mechanism, user, token, smtp.host, smtp.port)

        def respond(challenge: bytes | None = None, first: str = first) -> str:
            # After a refusal the server sends its error as a challenge; an empty
            # reply (RFC 7628 §3.2.3) lets it end the exchange with its 535.
            return first if challenge is None else ""

        try:
            client.ehlo_or_helo_if_needed()
            client.auth(tokens.mechanism, respond, initial_response_ok=True)
            return
        except smtplib.SMTPAuthenticationError:
            if attempt == 2 or not tokens.invalidate(token):
                raise
            log.info("SMTP %s: access token refused; refreshing it", smtp.host)
