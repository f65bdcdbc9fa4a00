"""An OAuth 2.0 provider and an SMTP server that takes OAuth logins, on loopback, for the tests.

``TokenServer``: the token endpoint pismo refreshes its access tokens at, and
the introspection endpoint (RFC 7662) the test Dovecot's oauth2 passdb asks
(``tests.servers.dovecot_server(oauth=...)``).  ``oauth_smtp_server``:
aiosmtpd taking XOAUTH2 and OAUTHBEARER against the same tokens, and PLAIN or
LOGIN with a password; it relays nothing for a client that has not logged in.
"""

from __future__ import annotations

import base64
import json
import secrets
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session

from tests.servers import free_port

# --- the provider ----------------------------------------------------------------


@dataclass
class TokenServer:
    """Token and introspection endpoints on loopback, as a provider has them.

    ``POST /token`` with ``grant_type=refresh_token`` gives a fresh access token
    that lives ``lifetime`` seconds; ``POST /introspect`` (RFC 7662) says whether
    a token is live and whose it is.  Refresh tokens are made by ``grant``.
    """

    port: int = 0
    client_id: str = "pismo-test"
    client_secret: str = field(default_factory=lambda: secrets.token_urlsafe(12))
    lifetime: float = 3600.0
    refreshes: list[str] = field(default_factory=list)  # the user of each refresh
    introspections: int = 0
    _refresh: dict[str, str] = field(default_factory=dict)  # refresh token -> user
    _access: dict[str, tuple[str, float]] = field(default_factory=dict)  # -> (user, until)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def token_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/token"

    @property
    def introspection_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/introspect"

    def grant(self, user: str) -> str:
        """A refresh token for ``user``, as the provider's consent screen would give."""
        token = "rt-" + secrets.token_urlsafe(16)
        with self._lock:
            self._refresh[token] = user
        return token

    def access_token(self, user: str, lifetime: float | None = None) -> str:
        token = "at-" + secrets.token_urlsafe(16)
        until = time.time() + (self.lifetime if lifetime is None else lifetime)
        with self._lock:
            self._access[token] = (user, until)
        return token

    def expire_all(self) -> None:
        """Every access token given so far stops working, as after its hour."""
        with self._lock:
            self._access = {t: (user, 0.0) for t, (user, _) in self._access.items()}

    def revoke(self, refresh_token: str) -> None:
        with self._lock:
            self._refresh.pop(refresh_token, None)

    def token_response(self, form: dict[str, str]) -> tuple[int, dict[str, object]]:
        if (form.get("client_id"), form.get("client_secret")) != (
            self.client_id,
            self.client_secret,
        ):
            return 401, {"error": "invalid_client"}
        if form.get("grant_type") != "refresh_token":
            return 400, {"error": "unsupported_grant_type"}
        with self._lock:
            user = self._refresh.get(form.get("refresh_token", ""))
        if user is None:
            return 400, {"error": "invalid_grant", "error_description": "token revoked"}
        self.refreshes.append(user)
        token = self.access_token(user)
        return 200, {"access_token": token, "token_type": "Bearer", "expires_in": self.lifetime}

    def introspection(self, form: dict[str, str]) -> dict[str, object]:
        self.introspections += 1
        with self._lock:
            user, until = self._access.get(form.get("token", ""), ("", 0.0))
        if time.time() >= until:
            return {"active": "false"}
        return {"active": "true", "username": user}


def _handler(tokens: TokenServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length).decode()
            form = {k: v[0] for k, v in parse_qs(body).items()}
            if self.path.startswith("/token"):
                status, answer = tokens.token_response(form)
            elif self.path.startswith("/introspect"):
                status, answer = 200, tokens.introspection(form)
            else:
                status, answer = 404, {"error": "not_found"}
            data = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: object) -> None:
            pass  # quiet: the tests read their own output

    return Handler


@contextmanager
def token_server(lifetime: float = 3600.0) -> Iterator[TokenServer]:
    tokens = TokenServer(lifetime=lifetime)
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(tokens))
    tokens.port = int(httpd.server_address[1])
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield tokens
    finally:
        httpd.shutdown()
        httpd.server_close()


# --- SMTP that takes OAuth 2.0 -----------------------------------------------------------


@dataclass
class OAuthSmtp:
    """An aiosmtpd handler: XOAUTH2/OAUTHBEARER against ``tokens``, PLAIN against ``passwords``."""

    tokens: TokenServer
    passwords: dict[str, str] = field(default_factory=dict)
    logins: list[tuple[str, str]] = field(default_factory=list)  # (mechanism, user) accepted
    refused: int = 0
    messages: list[bytes] = field(default_factory=list)

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        assert isinstance(envelope.content, bytes)
        self.messages.append(envelope.content)
        return "250 OK"

    def _bearer(self, mechanism: str, message: bytes) -> str | None:
        """The user whose live token ``message`` carries, else None."""
        fields = dict(part.split("=", 1) for part in message.decode().split("\x01") if "=" in part)
        if mechanism == "OAUTHBEARER":
            gs2 = message.decode().split("\x01", 1)[0]
            user = next((p[2:] for p in gs2.split(",") if p.startswith("a=")), "")
        else:
            user = fields.get("user", "")
        token = fields.get("auth", "").removeprefix("Bearer ")
        answer = self.tokens.introspection({"token": token})
        return user if answer.get("active") == "true" and answer.get("username") == user else None

    async def _oauth(self, server: SMTP, args: list[str], mechanism: str) -> AuthResult:
        if len(args) > 1:
            message = base64.b64decode(args[1])
        else:
            answer = await server.challenge_auth("")
            if not isinstance(answer, bytes):
                return AuthResult(success=False, handled=True)
            message = answer
        user = self._bearer(mechanism, message)
        if user is None:
            self.refused += 1
            # RFC 7628 §3.2.2: the error as a challenge, the client's empty reply, then 535.
            await server.challenge_auth(json.dumps({"status": "invalid_token"}))
            return AuthResult(success=False, handled=False)  # not handled: the 535 is sent
        self.logins.append((mechanism, user))
        return AuthResult(success=True, auth_data=user)

    async def auth_XOAUTH2(self, server: SMTP, args: list[str]) -> AuthResult:
        return await self._oauth(server, args, "XOAUTH2")

    async def auth_OAUTHBEARER(self, server: SMTP, args: list[str]) -> AuthResult:
        return await self._oauth(server, args, "OAUTHBEARER")

    def authenticator(
        self, server: SMTP, session: Session, envelope: Envelope, mechanism: str, data: object
    ) -> AuthResult:
        ok = (
            isinstance(data, LoginPassword)
            and self.passwords.get(data.login.decode()) == data.password.decode()
        )
        if ok:
            assert isinstance(data, LoginPassword)
            self.logins.append((mechanism, data.login.decode()))
        return AuthResult(success=ok, handled=False)


@contextmanager
def oauth_smtp_server(
    tokens: TokenServer, passwords: dict[str, str] | None = None
) -> Iterator[tuple[int, OAuthSmtp]]:
    """aiosmtpd on loopback that needs a login (no TLS: the tests' loopback only)."""
    handler = OAuthSmtp(tokens, dict(passwords or {}))
    port = free_port()
    controller = Controller(
        handler,
        hostname="127.0.0.1",
        port=port,
        authenticator=handler.authenticator,
        auth_required=True,
        auth_require_tls=False,
    )
    controller.start()
    try:
        yield port, handler
    finally:
        controller.stop()
