"""Shared fixtures: a store on SQLite and on PostgreSQL, settings in a temp folder."""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from pismo.context import Context
from pismo.settings import Settings, load_settings
from store import schema
from tests.servers import Dovecot, create_database, dovecot_server, postgres_server

_db_numbers = itertools.count(1)


@pytest.fixture(scope="session")
def pg_admin_url() -> Iterator[str]:
    with postgres_server() as url:
        yield url


@pytest.fixture(scope="session")
def dovecot() -> Iterator[Dovecot]:
    with dovecot_server() as server:
        yield server


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'pismo.db'}"
    admin = request.getfixturevalue("pg_admin_url")
    return create_database(admin, f"pismo_test_{os.getpid()}_{next(_db_numbers)}")


@pytest.fixture
def pg_url(pg_admin_url: str) -> str:
    return create_database(pg_admin_url, f"pismo_test_{os.getpid()}_{next(_db_numbers)}")


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """PISMO_* variables pointing at a temp folder, for code and for subprocesses."""
    for key in list(os.environ):
        if key.startswith("PISMO_"):
            monkeypatch.delenv(key)
    # Some development machines set it; a fresh one does not, and pismo must not need it.
    monkeypatch.delenv("PYTHONUNBUFFERED", raising=False)
    monkeypatch.chdir(tmp_path)
    values = {"PISMO_DATA_DIR": str(tmp_path / "data")}
    for key, value in values.items():
        monkeypatch.setenv(key, value)
    return values


@pytest.fixture
def settings(env: dict[str, str], db_url: str, monkeypatch: pytest.MonkeyPatch) -> Settings:
    monkeypatch.setenv("PISMO_DB_URL", db_url)
    env["PISMO_DB_URL"] = db_url
    return load_settings()


@pytest.fixture
def ctx(settings: Settings) -> Context:
    schema.ensure_migrated(settings.db_url)
    return Context(settings)
