"""Several mailboxes and OAuth 2.0 logins, against real Dovecot and aiosmtpd servers.

The OAuth provider is ``tests.servers.TokenServer`` on loopback: Dovecot's
oauth2 passdb asks its introspection endpoint whether a token is live, and
pismo gets its access tokens from its token endpoint for a refresh token.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path

import pytest
import sqlalchemy as sa
from pydantic import SecretStr

from intake.oauth import TokenSource
from pismo.context import Context
from pismo.dispatch import send_email
from pismo.errors import ConfigError, DispatchError, MailServerError
from pismo.running.inline import run_once
from pismo.running.mailbox import ImapIntake
from pismo.settings import load_settings
from pismo.settings_mail import OAuthSettings, SmtpSettings
from store import db, schema
from store.models import Appeal, InboundItem
from tests.helpers import (
    DONE,
    ImapBox,
    output,
    pismo,
    registered_once,
    start,
    stopped_cleanly,
    wait_for,
)
from tests.letters import appeal_eml
from tests.oauth_servers import TokenServer, oauth_smtp_server, token_server
from tests.servers import Dovecot, dovecot_server, free_port

pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")

QUESTION = """Здравствуйте!

Подскажите, пожалуйста, в какие часы работает ваш офис на улице Советской
и можно ли прийти туда в субботу.

Смирнова Анна Петровна
"""


@pytest.fixture(scope="module")
def provider() -> Iterator[tuple[TokenServer, Dovecot]]:
    """An OAuth 2.0 provider and a Dovecot that checks its tokens."""
    with token_server() as tokens, dovecot_server(users=40, oauth=tokens) as server:
        yield tokens, server


def _ctx() -> Context:
    settings = load_settings()
    schema.ensure_migrated(settings.db_url)
    return Context(settings)


def _oauth_env(
    tokens: TokenServer, user: str, prefix: str = "PISMO_MAIL__OAUTH__"
) -> dict[str, str]:
    return {
        f"{prefix}TOKEN_URL": tokens.token_url,
        f"{prefix}CLIENT_ID": tokens.client_id,
        f"{prefix}CLIENT_SECRET": tokens.client_secret,
        f"{prefix}REFRESH_TOKEN": tokens.grant(user),
    }


def _setenv(env: dict[str, str], monkeypatch: pytest.MonkeyPatch, values: dict[str, str]) -> None:
    env.update(values)
    for key, value in values.items():
        monkeypatch.setenv(key, value)


def _question(n: int, message_id: str | None = None) -> bytes:
    msg = EmailMessage()
    msg["From"] = f"Анна Смирнова <anna{n}@mail.example>"
    msg["To"] = "reception@svyaz-region.example"
    msg["Subject"] = "Вопрос о работе офиса"
    msg["Message-ID"] = message_id or f"<question-{n}@mail.example>"
    msg.set_content(QUESTION)
    return bytes(msg)


def _items(ctx: Context) -> list[InboundItem]:
    with db.transaction(ctx.db) as s:
        items = list(s.scalars(sa.select(InboundItem).order_by(InboundItem.id)))
        s.expunge_all()
        return items


def _no_password(url: str) -> str:
    scheme, _, rest = url.partition("://")
    user_password, _, where = rest.partition("@")
    return f"{scheme}://{user_password.partition(':')[0]}@{where}"


# --- the settings ----------------------------------------------------------------------------


def test_several_mailboxes_in_the_settings_secrets_masked(
    env: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "pismo.toml"
    config.write_text(
        'mail_url = "imap://appeals:pw-shorthand@mail.example/INBOX"\n'
        "[[mailboxes]]\n"
        'name = "claims"\n'
        'url = "imaps://claims@outlook.office365.com/INBOX"\n'
        'label = "Претензии"\n'
        'department = "Отдел претензионной работы"\n'
        'done_folder = "Обработано"\n'
        "[mailboxes.oauth]\n"
        'token_url = "https://login.microsoftonline.com/t/oauth2/v2.0/token"\n'
        'client_id = "client-id-1"\n'
        "[[mailboxes]]\n"
        'url = "imap://reception:pw-in-url@mail.example/INBOX"\n',
        encoding="utf-8",
    )
    _setenv(env, monkeypatch, {"PISMO_MAILBOX_CLAIMS_REFRESH_TOKEN": "rt-from-env",
                               "PISMO_MAILBOX_CLAIMS_CLIENT_SECRET": "cs-from-env"})  # fmt: skip
    settings = load_settings()
    boxes = settings.mailbox_list
    assert [b.name for b in boxes] == ["mail", "claims", "mailbox2"]
    claims = boxes[1]
    assert claims.oauth is not None and claims.oauth.refresh_token is not None
    assert claims.oauth.refresh_token.get_secret_value() == "rt-from-env"
    assert claims.done_folder == "Обработано" and claims.quarantine_folder is None

    shown = pismo(env, "settings").stdout
    assert "mailboxes[].oauth.refresh_token" in shown and "Отдел претензионной работы" in shown
    for secret in ("pw-shorthand", "pw-in-url", "client-id-1", "rt-from-env", "cs-from-env"):
        assert secret not in shown

    config.write_text(
        config.read_text(encoding="utf-8")
        + '[[mailboxes]]\nurl = "imap://reception@mail.example/INBOX"\n',
        encoding="utf-8",
    )
    with pytest.raises(ConfigError, match="same mailbox"):
        load_settings()


# --- several mailboxes at once -----------------------------------------------------------------


@pytest.mark.slow
def test_two_mailboxes_one_stopped_for_a_while(env: dict[str, str], dovecot: Dovecot) -> None:
    """The daemon reads both; while one server is down the other's mail goes on coming in."""
    with dovecot_server(users=3) as other:
        # The shared server's users come from a counter; this one has users 1-3, and
        # the same user on the same host would be the same mailbox to pismo (its key
        # leaves out the port, so that moving a server to another port re-reads nothing).
        first = ImapBox.new(dovecot)
        second = ImapBox(other, *other.user(2 if first.user == "user1" else 1))
        env.update(
            {
                "PISMO_MAIL_URL": first.url,
                "PISMO_MAILBOXES": json.dumps(
                    [{"name": "reception", "url": second.url, "label": "Интернет-приёмная"}]
                ),
                "PISMO_POLL_INTERVAL": "1",
                "PISMO_MAIL__RECONNECT_MAX_DELAY": "1",
                "PISMO_MAIL__RECONNECT_GIVE_UP": "3",
            }
        )
        first.append([appeal_eml(201)])
        second.append([appeal_eml(202)])
        daemon = start(env, "--verbose", "run")
        try:
            wait_for(lambda: first.count(DONE) == 1 and second.count(DONE) == 1, "both read")
            other.stop()
            first.append([appeal_eml(203), appeal_eml(204)])
            started = time.monotonic()
            wait_for(lambda: first.count(DONE) == 3, "the first mailbox read", timeout=20)
            taken_in = time.monotonic() - started
            wait_for(lambda: "unreachable" in output(env), "the second one given up", timeout=30)
            first.append([appeal_eml(205)])
            wait_for(lambda: first.count(DONE) == 4, "read while the other is down", timeout=20)
            other.start()
            second.append([appeal_eml(206)])
            wait_for(lambda: second.count(DONE) == 2, "the second one back", timeout=30)
        finally:
            daemon.terminate()
        stopped_cleanly(daemon, env)
    assert taken_in < 10, f"the first mailbox waited {taken_in:.1f} s for the stopped one"
    ctx = _ctx()
    registered_once(ctx, 6)
    labels = [item.meta.get("mailbox_label") for item in _items(ctx)]
    assert labels.count("Интернет-приёмная") == 2
    assert first.password not in output(env) and second.password not in output(env)


def test_the_same_letter_in_two_mailboxes_is_registered_once(
    env: dict[str, str], dovecot: Dovecot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Сopies of one letter sent to обращения@ and претензии@: one appeal, both copies
    recorded (the second as its duplicate), both moved out of their mailboxes."""
    appeals, claims = ImapBox.new(dovecot), ImapBox.new(dovecot)
    _setenv(env, monkeypatch, {
        "PISMO_MAIL_URL": appeals.url,
        "PISMO_MAILBOXES": json.dumps([{"name": "claims", "url": claims.url,
                                        "label": "Претензии"}]),
    })  # fmt: skip
    letter = appeal_eml(210, message_id="<both-210@mail.example>")
    appeals.append([b"Delivered-To: appeals@svyaz-region.example\r\n" + letter])
    claims.append([b"Delivered-To: claims@svyaz-region.example\r\n" + letter])
    ctx = _ctx()
    run_once(ctx, lambda _: None)
    registered_once(ctx, 1)
    items = _items(ctx)
    assert len(items) == 2 and items[0].appeal_id == items[1].appeal_id is not None
    assert {i.not_registered_reason for i in items} == {None, "duplicate"}
    assert appeals.count("INBOX") == claims.count("INBOX") == 0
    assert appeals.count(DONE) == claims.count(DONE) == 1


def test_a_mailbox_department_applies_to_letters_of_no_category(
    env: dict[str, str], dovecot: Dovecot, monkeypatch: pytest.MonkeyPatch
) -> None:
    box = ImapBox.new(dovecot)
    _setenv(env, monkeypatch, {
        "PISMO_MAIL_URL": "",
        "PISMO_MAILBOXES": json.dumps([{
            "name": "reception", "url": box.url, "label": "Интернет-приёмная",
            "department": "Отдел интернет-приёмной", "done_folder": "Принято",
        }]),
    })  # fmt: skip
    box.append([_question(220), appeal_eml(221)])
    ctx = _ctx()
    run_once(ctx, lambda _: None)
    with db.transaction(ctx.db) as s:
        got = {a.category: a.department for a in s.scalars(sa.select(Appeal))}
    assert got == {"other": "Отдел интернет-приёмной", "billing": "Расчётный отдел"}
    assert box.count("Принято") == 2 and box.count(DONE) == 0
    with db.transaction(ctx.db) as s:
        reg = s.scalar(sa.select(Appeal.reg_number).where(Appeal.category == "other"))
    shown = json.loads(pismo(env, "show", str(reg)).stdout)
    assert shown["mailbox"] == "Интернет-приёмная"


# --- OAuth 2.0 for IMAP ----------------------------------------------------------------------


def test_oauth_login_and_an_expired_token_refreshed(
    env: dict[str, str],
    provider: tuple[TokenServer, Dovecot],
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    tokens, server = provider
    box = ImapBox.new(server)
    expired = tokens.access_token(box.user, lifetime=-1)
    _setenv(env, monkeypatch, {
        "PISMO_MAIL_URL": _no_password(box.url),
        **_oauth_env(tokens, box.user),
        "PISMO_MAIL__OAUTH__ACCESS_TOKEN": expired,
    })  # fmt: skip
    box.append([appeal_eml(230), appeal_eml(231)])
    caplog.set_level(logging.DEBUG)
    before = tokens.refreshes.count(box.user)
    intake = ImapIntake(_ctx())
    intake.run_pass(lambda *_: None)
    assert tokens.refreshes.count(box.user) - before == 1  # the given token refused, refreshed
    assert box.count(DONE) == 2

    tokens.expire_all()  # an hour later: the server refuses the token pismo holds
    server.drop_clients()
    box.append([appeal_eml(232)])
    intake.run_pass(lambda *_: None)
    intake.close()
    assert tokens.refreshes.count(box.user) - before == 2
    assert box.count(DONE) == 3
    registered_once(intake.ctx, 3)
    secrets = [expired, tokens.client_secret, *tokens._refresh, *tokens._access]
    assert not [s for s in secrets if s in caplog.text]


def test_oauthbearer_and_a_revoked_refresh_token(
    env: dict[str, str], provider: tuple[TokenServer, Dovecot], monkeypatch: pytest.MonkeyPatch
) -> None:
    tokens, server = provider
    box = ImapBox.new(server)
    refresh = tokens.grant(box.user)
    oauth = {"token_url": tokens.token_url, "client_id": tokens.client_id,
             "client_secret": tokens.client_secret, "refresh_token": refresh,
             "mechanism": "OAUTHBEARER"}  # fmt: skip
    _setenv(env, monkeypatch, {
        "PISMO_MAIL_URL": "",
        "PISMO_MAILBOXES": json.dumps([{"url": _no_password(box.url), "oauth": oauth}]),
    })  # fmt: skip
    box.append([appeal_eml(240)])
    ctx = _ctx()
    run_once(ctx, lambda _: None)
    assert box.count(DONE) == 1

    tokens.revoke(refresh)
    tokens.expire_all()
    box.append([appeal_eml(241)])
    with pytest.raises(MailServerError, match="invalid_grant") as raised:
        run_once(ctx, lambda _: None)
    assert refresh not in str(raised.value) and tokens.client_secret not in str(raised.value)
    assert box.count("INBOX") == 1  # left for when a new refresh token is given


def test_a_token_is_refreshed_before_it_expires(provider: tuple[TokenServer, Dovecot]) -> None:
    tokens, _ = provider
    tokens.lifetime = 1.0
    try:
        source = TokenSource(
            OAuthSettings(
                token_url=tokens.token_url,
                client_id=tokens.client_id,  # type: ignore[arg-type]  # pydantic makes it secret
                client_secret=tokens.client_secret,  # type: ignore[arg-type]
                refresh_token=tokens.grant("user1"),  # type: ignore[arg-type]
            ),
            "test",
        )
        first = source.token()
        assert source.token() == first and source.refreshes == 1
        time.sleep(0.6)  # past half its life: taken as expired (the clocks may differ)
        assert source.token() != first and source.refreshes == 2
        assert "rt-" not in repr(source)
    finally:
        tokens.lifetime = 3600.0


# --- OAuth 2.0 for SMTP ----------------------------------------------------------------------


def _letter() -> EmailMessage:
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = "appeals@svyaz-region.example", "a@b.example", "Ответ"
    msg.set_content("Ответ на обращение.")
    return msg


@pytest.mark.parametrize("mechanism", ["XOAUTH2", "OAUTHBEARER"])
def test_smtp_with_oauth_refreshes_an_expired_token(
    provider: tuple[TokenServer, Dovecot], mechanism: str
) -> None:
    tokens, _ = provider
    user = f"sender-{mechanism.lower()}@svyaz-region.example"
    with oauth_smtp_server(tokens) as (port, server):
        smtp = SmtpSettings(
            host="127.0.0.1",
            port=port,
            starttls=False,
            user=user,
            oauth=OAuthSettings(
                token_url=tokens.token_url,
                client_id=tokens.client_id,  # type: ignore[arg-type]
                client_secret=tokens.client_secret,  # type: ignore[arg-type]
                refresh_token=tokens.grant(user),  # type: ignore[arg-type]
                access_token=tokens.access_token(user, lifetime=-1),  # type: ignore[arg-type]
                mechanism=mechanism,  # type: ignore[arg-type]
            ),
        )
        before = tokens.refreshes.count(user)
        send_email(smtp, _letter())
        send_email(smtp, _letter())
        assert len(server.messages) == 2
        assert server.refused == 1 and server.logins == [(mechanism, user)] * 2
        assert tokens.refreshes.count(user) - before == 1  # one token for both letters


def test_smtp_app_password_and_a_refused_login(provider: tuple[TokenServer, Dovecot]) -> None:
    tokens, _ = provider
    user = "sender@svyaz-region.example"
    with oauth_smtp_server(tokens, {user: "app-password-1"}) as (port, server):
        smtp = SmtpSettings(host="127.0.0.1", port=port, starttls=False, user=user,
                            password="app-password-1")  # type: ignore[arg-type]  # fmt: skip
        send_email(smtp, _letter())
        assert server.logins == [("PLAIN", user)]
        wrong = smtp.model_copy(update={"password": SecretStr("nope")})
        with pytest.raises(DispatchError, match="535") as raised:
            send_email(wrong, _letter())
        assert "nope" not in str(raised.value)


# --- pismo mail test ---------------------------------------------------------------------------


def test_pismo_mail_test_prints_what_it_found(
    env: dict[str, str], dovecot: Dovecot, provider: tuple[TokenServer, Dovecot]
) -> None:
    tokens, server = provider
    plain, oauth = ImapBox.new(dovecot), ImapBox.new(server)
    plain.append([appeal_eml(250), appeal_eml(251)])
    sender = "sender-test@svyaz-region.example"
    oauth_table = {"token_url": tokens.token_url, "client_id": tokens.client_id,
                   "refresh_token": tokens.grant(oauth.user)}  # fmt: skip
    with oauth_smtp_server(tokens) as (port, _):
        env.update({
            "PISMO_MAIL_URL": plain.url,
            "PISMO_MAILBOXES": json.dumps([{"name": "claims", "url": _no_password(oauth.url),
                                            "oauth": oauth_table, "label": "Претензии"}]),
            "PISMO_MAILBOX_CLAIMS_CLIENT_SECRET": tokens.client_secret,
            "PISMO_SMTP__HOST": "127.0.0.1", "PISMO_SMTP__PORT": str(port),
            "PISMO_SMTP__STARTTLS": "false", "PISMO_SMTP__USER": sender,
            **_oauth_env(tokens, sender, "PISMO_SMTP__OAUTH__"),
        })  # fmt: skip
        done = pismo(env, "mail", "test")
        out = done.stdout
        assert "mailbox mail: imap://" in out and "mailbox claims: imap://" in out
        assert "login: password, ok" in out and "login: XOAUTH2, ok" in out
        assert "IDLE: yes; MOVE: yes" in out
        assert "folder INBOX: 2 messages  (read)" in out
        assert "folder pismo-done: not there yet" in out
        assert f"smtp 127.0.0.1:{port}: login XOAUTH2, ok" in out
        for secret in (plain.password, tokens.client_secret, *tokens._refresh, *tokens._access):
            assert secret not in out + done.stderr
        assert plain.count(DONE) == 0  # it changed nothing

        env["PISMO_MAIL_URL"] = plain.url.replace(plain.password, "wrong")
        failed = pismo(env, "mail", "test", check=False)
        assert failed.returncode != 0 and "mailbox mail: FAILED: " in failed.stdout
        assert "login: XOAUTH2, ok" in failed.stdout  # the other one is still tried


# --- workers --------------------------------------------------------------------------------


@pytest.mark.postgres
def test_workers_take_each_mailbox_in_a_job_of_its_own_one_down(
    env: dict[str, str], dovecot: Dovecot, pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from pismo.running import queued

    first, second = ImapBox.new(dovecot), ImapBox.new(dovecot)
    _setenv(env, monkeypatch, {
        "PISMO_DB_URL": pg_url,
        "PISMO_MAIL_URL": first.url,
        "PISMO_MAILBOXES": json.dumps([
            {"name": "claims", "url": second.url},
            {"name": "down", "url": f"imap://nobody:x@127.0.0.1:{free_port()}/INBOX"},
        ]),
    })  # fmt: skip
    first.append([appeal_eml(260), appeal_eml(261)])
    second.append([appeal_eml(262)])
    ctx = Context(load_settings())
    schema.upgrade(ctx.db)
    queued.apply_schema(ctx.db)
    queued.use_context(ctx)
    with queued.connected(ctx.db) as app, app.open():
        queued.take_new(ctx)
        queued.take_new(ctx)  # the jobs still wait: queued once each
        with db.engine_for(ctx.db).connect() as conn:
            jobs = conn.execute(
                sa.text("SELECT count(*) FROM procrastinate_jobs WHERE task_name = :t"),
                {"t": "pismo.take_mailbox"},
            ).scalar()
        assert jobs == 3
    for _ in range(10):  # the job of the mailbox that is down ends at once, and no other waits
        queued.run_worker(ctx, wait=False)
        if first.count(DONE) == 2 and second.count(DONE) == 1:
            break
    registered_once(ctx, 3)
    assert first.count(DONE) == 2 and second.count(DONE) == 1
