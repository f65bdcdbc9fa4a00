"""OAuth 2.0 access tokens for IMAP and SMTP logins, refreshed at the provider.

A provider (Microsoft 365, Google, Yandex 360, Mail.ru) gives an access token
for an hour or so in exchange for the long-lived refresh token of the mailbox
owner's consent (RFC 6749 §6).  ``TokenSource.token`` returns the current one,
fetching a new one when it has none, when ``expires_in`` says it has run out,
or after ``invalidate`` (the server refused it).  Tokens and secrets are never
put in a log line or an exception message.

The SASL strings: XOAUTH2 (Google's and Microsoft's) and OAUTHBEARER (RFC 7628).
"""

from __future__ import annotations

import json
import logging
import threading
import time
import urllib.error
import urllib.request
from urllib.parse import urlencode

from pismo.errors import ConfigError, MailServerError
from pismo.settings_mail import OAuthSettings

log = logging.getLogger("pismo.oauth")
EARLY = 60.0  # seconds before its stated expiry a token is taken as expired (clock skew)


class TokenSource:
    """The access token of one login, refreshed as needed; safe to share between threads."""

    def __init__(self, settings: OAuthSettings, who: str) -> None:
        if not settings.token_url and settings.access_token is None:
            raise ConfigError(f"{who}: oauth needs token_url (the provider's token endpoint)")
        if settings.token_url and settings.refresh_token is None and settings.access_token is None:
            raise ConfigError(f"{who}: oauth needs a refresh_token (or an access_token)")
        self.settings = settings
        self.who = who  # named in messages: the mailbox or SMTP server, never a secret
        self.mechanism = settings.mechanism
        self._lock = threading.Lock()
        self._token = settings.access_token.get_secret_value() if settings.access_token else ""
        self._expires_at = float("inf")  # a given token lives until the server says no
        self._refresh_token = (
            settings.refresh_token.get_secret_value() if settings.refresh_token else ""
        )
        self.refreshes = 0

    def __repr__(self) -> str:
        return f"TokenSource({self.who!r}, {self.mechanism})"

    @property
    def can_refresh(self) -> bool:
        return bool(self.settings.token_url and self._refresh_token)

    def token(self) -> str:
        with self._lock:
            if not self._token or time.monotonic() >= self._expires_at:
                self._refresh()
            return self._token

    def invalidate(self, token: str) -> bool:
        """The server refused ``token``: forget it; False if no new one can be got."""
        with self._lock:
            if self._token == token:
                self._token = ""
        return self.can_refresh

    def _refresh(self) -> None:
        s = self.settings
        if not self.can_refresh:
            raise MailServerError(
                f"{self.who}: the access token was refused or has expired, and no "
                "refresh_token and token_url are set to get a new one"
            )
        form = {"grant_type": "refresh_token", "refresh_token": self._refresh_token}
        if s.client_id is not None:
            form["client_id"] = s.client_id.get_secret_value()
        if s.client_secret is not None:
            form["client_secret"] = s.client_secret.get_secret_value()
        if s.scope:
            form["scope"] = s.scope
        request = urllib.request.Request(
            s.token_url,
            data=urlencode(form).encode(),
            headers={"Accept": "application/json"},  # the form's type is urllib's default
        )
        try:
            with urllib.request.urlopen(request, timeout=s.timeout) as response:
                answer = json.loads(response.read())
        except urllib.error.HTTPError as exc:
            raise MailServerError(
                f"{self.who}: the token endpoint refused the refresh ({_oauth_error(exc)}); "
                "the refresh token may be revoked: get a new one with the owner's consent"
            ) from None
        except (OSError, ValueError) as exc:
            raise MailServerError(
                f"{self.who}: token endpoint {s.token_url} unreachable or not JSON "
                f"({type(exc).__name__})"
            ) from None
        token = answer.get("access_token") if isinstance(answer, dict) else None
        if not isinstance(token, str) or not token:
            raise MailServerError(f"{self.who}: the token endpoint gave no access_token")
        self._token = token
        try:
            lifetime: float | None = float(answer["expires_in"])
        except (KeyError, TypeError, ValueError):
            lifetime = None  # unsaid: the token lives until the server refuses it
        self._expires_at = (
            float("inf")
            if lifetime is None
            else time.monotonic() + lifetime - min(EARLY, lifetime / 2)
        )
        # Some providers (Microsoft) rotate the refresh token: the new one is used from now on.
        rotated = answer.get("refresh_token")
        if isinstance(rotated, str) and rotated:
            self._refresh_token = rotated
        self.refreshes += 1
        log.info("%s: access token refreshed (valid %s s)", self.who, lifetime or "?")


def _oauth_error(exc: urllib.error.HTTPError) -> str:
    """The RFC 6749 error code of a refusal (``invalid_grant``), never its body's secrets."""
    try:
        code = json.loads(exc.read()).get("error")
    except (OSError, ValueError, AttributeError):
        code = None
    return f"HTTP {exc.code}" + (f", {code}" if isinstance(code, str) and code.isascii() else "")


def sasl_response(mechanism: str, user: str, token: str, host: str, port: int) -> str:
    """The client's first (and only) SASL message for ``mechanism``."""
    if mechanism == "OAUTHBEARER":
        identity = user.replace("=", "=3D").replace(",", "=2C")
        return f"n,a={identity},\x01host={host}\x01port={port}\x01auth=Bearer {token}\x01\x01"
    return f"user={user}\x01auth=Bearer {token}\x01\x01"
