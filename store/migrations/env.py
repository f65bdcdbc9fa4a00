"""Alembic environment: pismo passes its own connection (see store.schema.upgrade)."""

from __future__ import annotations

from alembic import context

from store.models import Base


def run_migrations() -> None:
    connection = context.config.attributes.get("connection")
    if connection is None:
        from pismo.settings import load_settings
        from store.db import engine_for

        connection = engine_for(load_settings().db_url).connect()
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations()
