"""The schema: pismo's migrations, applied once however many processes start together."""

from __future__ import annotations

from pathlib import Path

from store.db import check_reachable, engine_for
from store.locks import lock

MIGRATIONS = Path(__file__).parent / "migrations"
SCHEMA_LOCK = "pismo.schema"  # held while a process changes the schema


def upgrade(url: str, revision: str = "head") -> None:
    """Apply pismo's migrations (``pismo db upgrade``)."""
    from alembic import command
    from alembic.config import Config

    check_reachable(url)
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    # Workers started together on an empty database would each create the tables.
    with lock(url, SCHEMA_LOCK), engine_for(url).connect() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, revision)
        conn.commit()


def current_revision(url: str) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine_for(url).connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def head_revision() -> str:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    head = ScriptDirectory.from_config(config).get_current_head()
    assert head is not None
    return head


def ensure_migrated(url: str) -> None:
    """A fresh or older database is brought to the current schema on first use."""
    check_reachable(url)
    if current_revision(url) != head_revision():
        upgrade(url)
