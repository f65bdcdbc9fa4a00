"""Who may do what: passwords, roles, login sessions and CSRF tokens.

Passwords are hashed with Argon2id (argon2-cffi's defaults); a login that
names no user still pays for one hash, so timing does not tell which names
exist.  Roles are cumulative: an approver can do what a clerk can, an admin
what an approver can.  A CSRF token is the HMAC of the session token under
the app's secret key: it is tied to one login and never stored.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerifyMismatchError
from sqlalchemy.orm import Session

from pismo.errors import AuthError, ConfigError, LockedOut, NotFound
from pismo.states import Role
from store.locks import serialise
from store.models import Event, utcnow
from store.registration import audit
from store.users import User, WebSession

RANK = {Role.clerk: 1, Role.approver: 2, Role.admin: 3}
MIN_PASSWORD = 8
_hasher = PasswordHasher()


@functools.cache
def _dummy_hash() -> str:
    """Checked against when the user does not exist, so that takes as long as a wrong
    password; made on first use (hashing costs 0.1 s, every CLI command paid it)."""
    return _hasher.hash("not a password of anyone")


@dataclass(frozen=True)
class Staff:
    """The logged-in person as the routes see it."""

    id: int
    name: str
    role: Role
    token: str

    def may(self, role: Role) -> bool:
        return RANK[self.role] >= RANK[role]


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD:
        raise AuthError(f"a password needs at least {MIN_PASSWORD} characters")
    return _hasher.hash(password)


def add_user(session: Session, name: str, role: str, password: str, actor: str) -> User:
    try:
        chosen = Role(role)
    except ValueError as exc:
        raise AuthError(f"role must be one of {', '.join(r.value for r in Role)}") from exc
    if not name.strip() or len(name) > 128:
        raise AuthError("a user name is 1 to 128 characters")
    existing = session.scalar(sa.select(User).where(User.name == name))
    if existing is not None:
        existing.password_hash = hash_password(password)
        existing.role = chosen
        existing.active = True
        audit(session, "user_updated", actor=actor, user=name, role=chosen.value)
        return existing
    user = User(name=name, role=chosen, password_hash=hash_password(password), active=True)
    session.add(user)
    audit(session, "user_added", actor=actor, user=name, role=chosen.value)
    return user


def check_password(
    session: Session,
    name: str,
    password: str,
    *,
    attempts: int = 5,
    minutes: int = 15,
    address: str | None = None,
    address_attempts: int = 20,
) -> User | None:
    """The active user ``name`` if ``password`` is theirs.  Each failure is recorded;
    after ``attempts`` of them within ``minutes`` the name is locked (``LockedOut``)
    until the oldest falls out of that window, whatever password comes; so is a
    client ``address`` after ``address_attempts`` failures over all names.

    Logins of one name (and one address) take turns, so forty guesses at once are
    counted one after another, not all against the same count."""
    since = utcnow() - dt.timedelta(minutes=minutes)
    serialise(session, f"login:{name}")
    if address is not None:
        serialise(session, f"login-from:{address}")
        if _failures(session, "login_failed_from", address, since) >= address_attempts:
            raise LockedOut(f"{address}: too many failed logins in {minutes} minutes")
    failures = _failures(session, "login_failed", name, since)
    if failures >= attempts:
        raise LockedOut(f"{name!r}: {failures} failed logins in {minutes} minutes")
    user = session.scalar(sa.select(User).where(User.name == name, User.active.is_(True)))
    try:
        _hasher.verify(user.password_hash if user else _dummy_hash(), password)
    except (VerifyMismatchError, InvalidHashError):
        audit(session, "login_failed", actor=name[:128])
        if address is not None:
            audit(session, "login_failed_from", actor=address[:128])
        return None
    return user


def _failures(session: Session, action: str, actor: str, since: dt.datetime) -> int:
    return (
        session.scalar(
            sa.select(sa.func.count())
            .select_from(Event)
            .where(Event.action == action, Event.actor == actor[:128], Event.at > since)
        )
        or 0
    )


def deactivate_user(session: Session, name: str, actor: str) -> None:
    """The user can no longer log in, and their open sessions end now."""
    user = session.scalar(sa.select(User).where(User.name == name))
    if user is None:
        raise NotFound(f"no user {name!r}")
    user.active = False
    session.execute(sa.delete(WebSession).where(WebSession.user_id == user.id))
    audit(session, "user_deactivated", actor=actor, user=name)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def open_session(session: Session, user: User, minutes: int) -> str:
    """A new login for ``user``; returns the cookie token."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    session.execute(sa.delete(WebSession).where(WebSession.expires_at < now))
    session.add(
        WebSession(
            token_hash=_digest(token),
            user_id=user.id,
            created_at=now,
            expires_at=now + dt.timedelta(minutes=minutes),
        )
    )
    audit(session, "login", actor=user.name)
    return token


def staff_for(session: Session, token: str) -> Staff | None:
    row = session.scalar(sa.select(WebSession).where(WebSession.token_hash == _digest(token)))
    if row is None or row.expires_at <= utcnow() or not row.user.active:
        return None
    return Staff(id=row.user.id, name=row.user.name, role=Role(row.user.role), token=token)


def close_session(session: Session, token: str) -> None:
    session.execute(sa.delete(WebSession).where(WebSession.token_hash == _digest(token)))


def load_secret(path: Path) -> bytes:
    """The CSRF key; made on first start, readable by the owner only."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process made it a moment ago
        return path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"cannot create review.secret_key_file {path}: {exc}") from exc
    key = secrets.token_bytes(32)
    with os.fdopen(fd, "wb") as f:
        f.write(key)
    return key


def csrf_token(secret: bytes, bound_to: str) -> str:
    return hmac.new(secret, bound_to.encode(), hashlib.sha256).hexdigest()


def csrf_ok(secret: bytes, bound_to: str, given: str | None) -> bool:
    return given is not None and hmac.compare_digest(csrf_token(secret, bound_to), given)
