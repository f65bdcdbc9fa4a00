"""Operations: due dates, health, metrics, logs without personal data."""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import sqlalchemy as sa

from pismo.context import Context
from store import db
from store.models import Appeal
from tests.helpers import REPO, ingest, pismo
from tests.letters import appeal_eml
from tests.servers import free_port


def test_due_lists_overdue_and_due_soon_first(ctx: Context, tmp_path: Path) -> None:
    from pismo import ops

    for n in range(3):
        path = tmp_path / f"{n}.eml"
        path.write_bytes(appeal_eml(n))
        ingest(ctx, path)
    today = ctx.today()
    with db.transaction(ctx.db) as s:
        first, second, _ = s.scalars(sa.select(Appeal).order_by(Appeal.id)).all()
        first.answer_by = today - dt.timedelta(days=2)
        second.answer_by = today + dt.timedelta(days=1)
    due = ops.due_appeals(ctx.db, today, within_days=3)
    assert [(d.reg_number, d.days_left) for d in due] == [
        (first.reg_number, -2),
        (second.reg_number, 1),
    ]


def test_health_command(env: dict[str, str]) -> None:
    pismo(env, "db", "upgrade")
    out = pismo(env, "health").stdout
    assert "database: ok" in out and "migrations: ok" in out


def test_health_and_metrics_endpoint_and_json_logs(env: dict[str, str], tmp_path: Path) -> None:
    port = free_port()
    mail = Path(env["PISMO_DATA_DIR"]) / "mail"
    mail.mkdir(parents=True)
    (mail / "a.eml").write_bytes(appeal_eml(1, surname="Конфиденциальнов"))
    run_env = {**env, "PISMO_HTTP_PORT": str(port), "PISMO_LOG_FORMAT": "json",
               "PISMO_POLL_INTERVAL": "0.5"}  # fmt: skip
    proc = subprocess.Popen(
        [sys.executable, str(REPO / "runner.py"), "-v", "run"],
        env={**os.environ, **run_env}, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        body = ""
        for _ in range(100):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=2) as r:
                    body = r.read().decode()
                if 'state="drafted"' in body:
                    break
            except OSError:
                pass
            time.sleep(0.3)
        assert 'pismo_items{channel="email",state="drafted"} 1.0' in body
        assert 'pismo_appeals_due{when="overdue"} 0.0' in body
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=5) as r:
            assert json.loads(r.read())["ok"] is True
    finally:
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=60)
    assert proc.returncode == 0
    lines = [json.loads(line) for line in err.splitlines() if line.strip()]
    assert lines and all({"time", "level", "logger", "message"} <= set(e) for e in lines)
    assert "Конфиденциальнов" not in err
