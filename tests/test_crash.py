"""Processes killed with SIGKILL at random moments, restarted: every letter once.

On SQLite the one-process daemon (`pismo run`), on PostgreSQL two queued
workers (`pismo worker`).  Afterwards each letter is registered once, drafted
once, and nothing is left half-way or stuck in the queue.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import sqlalchemy as sa

from pismo.context import Context
from pismo.running import queued
from pismo.settings import load_settings
from pismo.states import ItemState
from store import db
from store.models import Appeal, Draft, Event, InboundItem
from tests.helpers import REPO, drafted, drop_letters, start, stopped_cleanly, wait_until

LETTERS = 80


def kill_and_restart(
    url: str, procs: list[subprocess.Popen[bytes]], env: dict[str, str], *args: str
) -> list[subprocess.Popen[bytes]]:
    """SIGKILL a random process three times, mid-run (after 15, 40 and 65 % of the letters)."""
    rng = random.Random(20261123)
    for share in (0.15, 0.40, 0.65):
        wait_until(url, int(LETTERS * share))
        time.sleep(rng.uniform(0, 0.5))  # anywhere inside a stage
        victim = rng.randrange(len(procs))
        procs[victim].send_signal(signal.SIGKILL)
        procs[victim].wait()
        assert drafted(url) < LETTERS, "the kill came too late to test anything"
        procs[victim] = start(env, *args)
    return procs


def assert_each_letter_once(url: str) -> None:
    with db.transaction(url) as s:
        count = lambda q: s.scalar(sa.select(sa.func.count()).select_from(q))  # noqa: E731
        assert count(InboundItem) == LETTERS
        assert count(Appeal) == LETTERS
        assert count(Draft) == LETTERS
        seqs = sorted(s.scalars(sa.select(Appeal.reg_seq)))
        assert seqs == list(range(1, LETTERS + 1))
        registered = s.scalar(sa.select(sa.func.count()).where(Event.action == "registered"))
        assert registered == LETTERS
        left = s.scalar(sa.select(sa.func.count()).where(InboundItem.state != ItemState.drafted))
        assert left == 0


@pytest.mark.slow
def test_killed_daemon_on_sqlite_loses_and_doubles_nothing(env: dict[str, str]) -> None:
    env = {**env, "PISMO_POLL_INTERVAL": "0.5"}
    drop_letters(Path(env["PISMO_DATA_DIR"]) / "mail", LETTERS)
    subprocess.run([sys.executable, str(REPO / "runner.py"), "db", "upgrade"],
                   env={**os.environ, **env}, check=True, capture_output=True)  # fmt: skip
    url = f"sqlite:///{Path(env['PISMO_DATA_DIR']) / 'pismo.db'}"
    procs = kill_and_restart(url, [start(env, "run")], env, "run")
    try:
        wait_until(url, LETTERS)
    finally:
        procs[0].send_signal(signal.SIGTERM)
    stopped_cleanly(procs[0], env)
    assert_each_letter_once(url)


@pytest.mark.slow
@pytest.mark.postgres
def test_killed_workers_on_postgresql_lose_and_double_nothing(
    env: dict[str, str], pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    env |= {
        "PISMO_DB_URL": pg_url,
        "PISMO_WORKER__HEARTBEAT_INTERVAL": "0.5",
        "PISMO_WORKER__STALLED_AFTER": "3",
    }
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    drop_letters(Path(env["PISMO_DATA_DIR"]) / "mail", LETTERS)
    subprocess.run([sys.executable, str(REPO / "runner.py"), "db", "upgrade"],
                   env={**os.environ, **env}, check=True, capture_output=True)  # fmt: skip
    ctx = Context(load_settings())
    queued.use_context(ctx)
    with queued.connected(pg_url) as app, app.open():
        assert queued.take_new(ctx) == LETTERS  # a backlog, queued before any worker
    workers = [start(env, "worker"), start(env, "worker")]
    procs = kill_and_restart(pg_url, workers, env, "worker")
    try:
        wait_until(pg_url, LETTERS)
    finally:
        for proc in procs:
            proc.send_signal(signal.SIGTERM)
        for proc in procs:
            stopped_cleanly(proc, env)
    assert_each_letter_once(pg_url)
    with db.transaction(pg_url) as s:
        stuck = s.execute(
            sa.text("SELECT count(*) FROM procrastinate_jobs WHERE status = 'doing'")
        ).scalar()
    assert stuck == 0


def descendants(pid: int) -> set[int]:
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError):
            continue
        children.setdefault(int(fields[1]), []).append(int(stat.parent.name))
    found, todo = set(), [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.add(child)
            todo.append(child)
    return found


def running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"


def test_a_killed_daemon_leaves_no_ocr_process_behind(env: dict[str, str], tmp_path: Path) -> None:
    """The OCR pool's forkserver, workers and resource tracker end with their owner."""
    from tests.helpers import SAMPLES, output, wait_for

    scans = Path(env["PISMO_DATA_DIR"]) / "scans"
    scans.mkdir(parents=True)
    (scans / "letter.png").write_bytes((SAMPLES / "scans" / "01-claim.png").read_bytes())
    proc = start({**env, "PISMO_SETTLE_SECONDS": "0", "PISMO_OCR__WORKERS": "2"}, "run")
    wait_for(lambda: "registered" in output(env), "the scan registered", timeout=120)
    pool = descendants(proc.pid)
    assert len(pool) >= 4  # forkserver, two workers, resource tracker
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    wait_for(lambda: not any(running(pid) for pid in pool), "the OCR processes ended", 20)
