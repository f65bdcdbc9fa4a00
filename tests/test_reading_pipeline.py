"""Reading inside the pipeline: `repeat` from the store's earlier appeals, and the
reading's fields and evidence in the export, on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

from intake.sources import read_file
from pismo.context import Context
from pismo.running.chain import process
from store import db
from store.export import export_items
from store.models import Appeal
from tests.letters import appeal_eml


def _ingest(ctx: Context, path: Path, data: bytes) -> None:
    path.write_bytes(data)
    process(ctx, read_file(path, 10**8))


def test_repeat_of_an_answered_appeal_and_the_exported_reading(
    ctx: Context, tmp_path: Path
) -> None:
    _ingest(ctx, tmp_path / "1.eml", appeal_eml(1))
    _ingest(ctx, tmp_path / "2.eml", appeal_eml(2))  # same sender and question, not answered
    with db.transaction(ctx.db) as s:
        first = s.scalars(sa.select(Appeal).order_by(Appeal.id)).first()
        assert first is not None
        first.status = "answered"
    _ingest(ctx, tmp_path / "3.eml", appeal_eml(3))
    _ingest(ctx, tmp_path / "4.eml", appeal_eml(4, surname="Петров"))  # another sender
    with db.transaction(ctx.db) as s:
        records = export_items(s)
    assert [r["grounds"] for r in records] == [[], [], ["repeat"], []]
    third = records[2]
    finding = third["findings"]["grounds"][0]
    assert finding["citation"] == "59-FZ Art. 11 p.5" and "ВХ-" in finding["evidence"]
    assert finding["basis"] == ctx.settings.org.regulation  # telecom: its own regulation
    assert third["addressee"] == "Генеральному директору ООО «Связь-Регион»"
    assert third["amount"] == "300.00"
    assert third["demand"] == "Прошу вернуть 300 руб."
    assert third["department"] == "Расчётный отдел"
    assert third["findings"]["evidence"]["name"].startswith("Иванов")
