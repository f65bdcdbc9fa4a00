"""Real servers for the tests, started on loopback when none is given.

PostgreSQL: ``PISMO_TEST_PG_URL`` if set, else a server already listening on
localhost:5432 that accepts the ``postgres`` user, else a throwaway cluster
made with Debian's ``postgresql`` binaries in a temporary folder.

Dovecot: a throwaway server of its own config; with ``oauth`` it also takes
XOAUTH2 and OAUTHBEARER logins, checking each token at the introspection
endpoint of a ``TokenServer`` (a loopback OAuth 2.0 provider in a thread).

SMTP with OAuth: aiosmtpd that takes XOAUTH2 and OAUTHBEARER (tokens checked
with the same ``TokenServer``) and PLAIN/LOGIN with a password, and refuses
to relay for a client that has not logged in.
"""

from __future__ import annotations

import contextlib
import glob
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs

import psycopg
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _reachable(url: str) -> bool:
    try:
        with psycopg.connect(url, connect_timeout=2):
            return True
    except psycopg.Error:
        return False


def _pg_bin(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    if not found:
        raise RuntimeError(
            "PostgreSQL server binaries not found: run scripts/setup.sh (apt package postgresql)"
        )
    return found[-1]


def _as_postgres(argv: list[str]) -> list[str]:
    """PostgreSQL refuses to run as root; drop to the ``postgres`` user when we are root."""
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *argv]
    return argv


@contextmanager
def postgres_server() -> Iterator[str]:
    """A PostgreSQL admin URL, from the environment, a running server, or a new cluster."""
    if url := os.environ.get("PISMO_TEST_PG_URL"):
        yield url
        return
    local = "postgresql://postgres@127.0.0.1:5432/postgres"
    if _reachable(local):
        yield local
        return
    # Not under pytest's tmp_path: that is private to root, and the server runs as postgres.
    workdir = Path(tempfile.mkdtemp(prefix="pismo-pg-"))
    data = workdir / "pgdata"
    data.mkdir()
    if os.geteuid() == 0:
        shutil.chown(workdir, "postgres")
        shutil.chown(data, "postgres")
    subprocess.run(
        _as_postgres(
            [_pg_bin("initdb"), "-D", str(data), "-U", "postgres", "-A", "trust", "-E", "UTF8",
             "--locale=C.UTF-8", "--no-sync"]
        ),
        check=True,
        capture_output=True,
    )  # fmt: skip
    port = free_port()
    options = (
        f"-c listen_addresses=127.0.0.1 -c port={port} -c unix_socket_directories={data} "
        "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
    )
    subprocess.run(
        _as_postgres([_pg_bin("pg_ctl"), "-D", str(data), "-o", options, "-w", "-l",
                      str(data / "server.log"), "start"]),
        check=True,
        capture_output=True,
    )  # fmt: skip
    url = f"postgresql://postgres@127.0.0.1:{port}/postgres"
    try:
        deadline = time.monotonic() + 30
        while not _reachable(url):
            if time.monotonic() > deadline:
                raise RuntimeError((data / "server.log").read_text())
            time.sleep(0.2)
        yield url
    finally:
        subprocess.run(
            _as_postgres([_pg_bin("pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]),
            capture_output=True,
        )
        shutil.rmtree(workdir, ignore_errors=True)


def create_database(admin_url: str, name: str) -> str:
    """A fresh, empty database on the server; its URL as a user would write it."""
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    base, _, _ = admin_url.rpartition("/")
    return f"{base}/{name}"


# --- Dovecot -------------------------------------------------------------------------

DOVECOT_CONF = """\
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
info_log_path = {root}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = {ssl}
{ssl_files}
disable_plaintext_auth = no
auth_failure_delay = 0
auth_mechanisms = plain login{oauth_mechanisms}
mail_location = maildir:{root}/mail/%u
mail_uid = {uid}
mail_gid = {gid}
first_valid_uid = {uid}
last_valid_uid = {uid}
first_valid_gid = {gid}
default_login_user = nobody
default_internal_user = nobody
default_internal_group = nogroup
{oauth_passdb}passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/users
}}
userdb {{
  driver = passwd-file
  args = username_format=%u {root}/users
  default_fields = uid={uid} gid={gid} home={root}/mail/%u
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service anvil {{
  chroot =
}}
service pop3-login {{
  inet_listener pop3 {{
    port = 0
  }}
}}
"""


OAUTH_PASSDB = """\
passdb {{
  driver = oauth2
  mechanisms = xoauth2 oauthbearer
  args = {root}/dovecot-oauth2.conf.ext
}}
"""
OAUTH_CONF = """\
introspection_url = {url}
introspection_mode = post
force_introspection = yes
username_attribute = username
active_attribute = active
active_value = true
"""


# --- an OAuth 2.0 provider ----------------------------------------------------------------


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
        import base64

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


@dataclass(frozen=True)
class Dovecot:
    """A running throwaway Dovecot: where it listens and how to add mailboxes."""

    root: Path
    port: int
    config: Path
    ca_file: Path | None

    def user(self, n: int) -> tuple[str, str]:
        """The name and password of one of the users made at start (``userN``)."""
        return f"user{n}", f"secret{n}"

    def stop(self) -> None:
        """Stop the server, dropping every client; ``start`` brings it back on the same port."""
        _doveadm_stop(self.config)

    def start(self) -> None:
        _start_dovecot(self.config, self.root, self.port)

    def restart(self) -> None:
        self.stop()
        self.start()

    def drop_clients(self) -> None:
        """Kill the imap processes: their connections end at once, without a BYE."""
        master = _master_pid(self.config)
        for pid in _session_pids(master) if master else []:
            with contextlib.suppress(OSError):  # gone meanwhile
                if Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")[0] == b"dovecot/imap":
                    os.kill(pid, signal.SIGKILL)


def _nobody() -> tuple[int, int]:
    import pwd

    entry = pwd.getpwnam("nobody")
    return entry.pw_uid, entry.pw_gid


def _chown_nobody(path: Path) -> None:
    if os.geteuid() == 0:
        uid, gid = _nobody()
        os.chown(path, uid, gid)


def _port_open(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex(("127.0.0.1", port)) == 0


def _start_dovecot(config: Path, root: Path, port: int) -> None:
    # Not capture_output: the daemon would inherit the pipes and run() would wait forever.
    with (root / "start.log").open("ab") as out:
        subprocess.run(["dovecot", "-c", str(config)], check=True, stdout=out, stderr=out)
    deadline = time.monotonic() + 20
    while not _port_open(port):
        if time.monotonic() > deadline:
            log = root / "dovecot.log"
            raise RuntimeError(log.read_text() if log.exists() else "dovecot did not start")
        time.sleep(0.05)


def _master_pid(config: Path) -> int | None:
    """The running master of this server (its pid file may outlive a crash)."""
    try:
        pid = int((config.parent / "run" / "master.pid").read_text().split()[0])
        command = Path(f"/proc/{pid}/cmdline").read_bytes()
    except (OSError, ValueError, IndexError):
        return None
    return pid if str(config).encode() in command else None


def _doveadm_stop(config: Path) -> None:
    pid_file = config.parent / "run" / "master.pid"
    master = _master_pid(config)
    subprocess.run(["doveadm", "-c", str(config), "stop"], capture_output=True)
    # doveadm returns before the listener is gone; wait so a restart can bind again.
    deadline = time.monotonic() + 10
    while pid_file.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    if master is not None:
        _end_session(master)


def _session_pids(sid: int) -> list[int]:
    """Live processes of the session ``sid`` (Linux /proc), other than this one."""
    pids = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rpartition(")")[2].split()
        except OSError:
            continue  # gone meanwhile
        pid = int(stat.parent.name)
        if int(fields[3]) == sid and fields[0] != "Z" and pid != os.getpid():
            pids.append(pid)
    return pids


def _end_session(master: int) -> None:
    """End what the stopped master left running: the server is then really gone.

    Dovecot's master starts a session of its own; its imap processes outlive it
    (``shutdown_clients`` notwithstanding, as of 2.3.19) and go on serving the
    connections they have, IDLE included, so a stop would drop no client.
    """
    for sig in (signal.SIGTERM, signal.SIGKILL):
        for pid in _session_pids(master):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, sig)
        deadline = time.monotonic() + 5
        while _session_pids(master) and time.monotonic() < deadline:
            time.sleep(0.05)
        if not _session_pids(master):
            return


def _self_signed(root: Path) -> tuple[Path, Path]:
    cert, key = root / "cert.pem", root / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
         "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
         "-keyout", str(key), "-out", str(cert)],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return cert, key


@contextmanager
def dovecot_server(
    tls: bool = False, users: int = 1000, oauth: TokenServer | None = None
) -> Iterator[Dovecot]:
    """Dovecot on 127.0.0.1 and a free port, with its own config, users and Maildirs.

    With ``tls`` it offers STARTTLS with a self-signed certificate (``ca_file``);
    with ``oauth`` it also takes XOAUTH2 and OAUTHBEARER, asking that provider
    whether each token is live (the passwords keep working too).
    """
    if shutil.which("dovecot") is None:
        raise RuntimeError("dovecot not found: run scripts/setup.sh --test (dovecot-imapd)")
    root = Path(tempfile.mkdtemp(prefix="pismo-dovecot-"))
    os.chmod(root, 0o755)  # the mail processes run as nobody and must reach the Maildirs
    for sub in ("run", "state", "mail"):
        (root / sub).mkdir()
    _chown_nobody(root / "mail")
    # All users up front: Dovecot does not always see a passwd-file change made
    # within the same second, and their Maildirs appear on first login.
    (root / "users").write_text(
        "".join(f"user{n}:{{PLAIN}}secret{n}::::::\n" for n in range(1, users + 1))
    )
    uid, gid = _nobody() if os.geteuid() == 0 else (os.getuid(), os.getgid())
    ca_file = None
    ssl_files = ""
    if tls:
        ca_file, key = _self_signed(root)
        ssl_files = f"ssl_cert = <{ca_file}\nssl_key = <{key}"
    oauth_passdb = oauth_mechanisms = ""
    if oauth is not None:
        (root / "dovecot-oauth2.conf.ext").write_text(
            OAUTH_CONF.format(url=oauth.introspection_url)
        )
        oauth_passdb = OAUTH_PASSDB.format(root=root)
        oauth_mechanisms = " xoauth2 oauthbearer"
    port = free_port()
    config = root / "dovecot.conf"
    config.write_text(
        DOVECOT_CONF.format(
            root=root, port=port, uid=uid, gid=gid, ssl="yes" if tls else "no",
            ssl_files=ssl_files, oauth_passdb=oauth_passdb, oauth_mechanisms=oauth_mechanisms,
        )
    )  # fmt: skip
    _start_dovecot(config, root, port)
    try:
        yield Dovecot(root=root, port=port, config=config, ca_file=ca_file)
    finally:
        _doveadm_stop(config)
        shutil.rmtree(root, ignore_errors=True)
