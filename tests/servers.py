"""Real servers for the tests, started on loopback when none is given.

PostgreSQL: ``PISMO_TEST_PG_URL`` if set, else a server already listening on
localhost:5432 that accepts the ``postgres`` user, else a throwaway cluster
made with Debian's ``postgresql`` binaries in a temporary folder.

Dovecot: a throwaway server of its own config; with ``oauth`` it also takes
XOAUTH2 and OAUTHBEARER logins, checking each token at the introspection
endpoint of a ``tests.oauth_servers.TokenServer``.
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import psycopg

if TYPE_CHECKING:
    from tests.oauth_servers import TokenServer


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
