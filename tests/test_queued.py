"""The pipeline on Procrastinate workers over PostgreSQL."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import sqlalchemy as sa

from intake.sources import maildir_path
from pismo.context import Context
from pismo.running import queued
from pismo.settings import load_settings
from store import db, schema
from store.export import export_items
from store.models import Event
from tests.helpers import SAMPLES, all_at_once, drop_letters, start, wait_until

pytestmark = pytest.mark.postgres
BACKLOG = 40


@pytest.fixture
def queued_ctx(env: dict[str, str], pg_url: str, monkeypatch: pytest.MonkeyPatch) -> Context:
    monkeypatch.setenv("PISMO_DB_URL", pg_url)
    env["PISMO_DB_URL"] = pg_url
    ctx = Context(load_settings())
    schema.upgrade(ctx.db)
    queued.apply_schema(ctx.db)
    return ctx


def drop_samples(ctx: Context) -> None:
    mail = maildir_path(ctx.settings.mail_url)
    assert mail is not None
    for sub, target in (("mail", mail), ("scans", ctx.settings.scan_folder)):
        target.mkdir(parents=True, exist_ok=True)
        for sample in (SAMPLES / sub).iterdir():
            shutil.copy2(sample, target / sample.name)


def test_workers_register_and_draft_the_samples(queued_ctx: Context) -> None:
    drop_samples(queued_ctx)
    queued.use_context(queued_ctx)
    with queued.connected(queued_ctx.db) as app, app.open():
        assert queued.take_new(queued_ctx) == 8
    # wait=False stops a worker as soon as it finds the queue empty, which can be
    # the moment before a running job defers the next stage: run until all is done.
    for _ in range(10):
        queued.run_worker(queued_ctx, wait=False)
        with db.transaction(queued_ctx.db) as s:
            records = export_items(s)
        if all(r["drafts"] for r in records):
            break
    expected = {e["file"]: e for e in json.loads((SAMPLES / "expected.json").read_text("utf-8"))}
    assert len(records) == 8
    for record in records:
        name = Path(str(record["source"])).name
        (exp,) = [e for f, e in expected.items() if f.endswith(name)]
        assert record["registered"] and record["grounds"] == exp["grounds"]
        assert len(record["drafts"]) == 1  # type: ignore[arg-type]


@pytest.mark.parametrize("workers", [2, 3])
def test_each_letter_is_processed_by_exactly_one_worker(
    queued_ctx: Context, env: dict[str, str], workers: int
) -> None:
    drop_letters(Path(env["PISMO_DATA_DIR"]) / "mail", BACKLOG)
    queued.use_context(queued_ctx)
    with queued.connected(queued_ctx.db) as app, app.open():
        assert queued.take_new(queued_ctx) == BACKLOG
    procs = [start(env, "worker") for _ in range(workers)]
    try:
        wait_until(queued_ctx.db, BACKLOG)
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            proc.wait(timeout=60)
    with db.transaction(queued_ctx.db) as s:
        per_item = s.execute(
            sa.select(Event.action, sa.func.count(), sa.func.count(sa.distinct(Event.item_id)))
            .where(Event.action.in_(["read", "registered"]))
            .group_by(Event.action)
        ).all()
        drafted = s.execute(
            sa.select(sa.func.count(), sa.func.count(sa.distinct(Event.appeal_id))).where(
                Event.action == "drafted"
            )
        ).one()
    assert sorted(per_item) == [("read", BACKLOG, BACKLOG), ("registered", BACKLOG, BACKLOG)]
    assert tuple(drafted) == (BACKLOG, BACKLOG)


def test_processes_starting_at_once_on_a_fresh_database_all_start(
    env: dict[str, str], pg_url: str
) -> None:
    """Workers on several machines start together against an empty database: one
    applies the schemas, the others wait for it instead of failing on its tables."""
    all_at_once(
        {**env, "PISMO_DB_URL": pg_url}, ["db", "upgrade"], ["db", "upgrade"], ["list"], ["list"]
    )
    assert schema.current_revision(pg_url) == schema.head_revision()
