"""Throughput of the queued executor: 1 and 2 workers against PostgreSQL.

    .venv/bin/python bench/scale.py [--letters 30]

A backlog of OCR-bound letters (distinct copies of a scanned sample claim) is
processed by one `pismo worker` (concurrency 1), then by two; the same
backlog by `pismo run --once` on SQLite as the one-process baseline. Also the
queue's own overhead per job: a chain of empty jobs against direct calls.
Figures are printed; the speed-up is a ratio measured in the same run.
"""

from __future__ import annotations

import argparse
import io
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from PIL import Image  # noqa: E402

from tests.servers import create_database, postgres_server  # noqa: E402

SCAN = REPO / "pismo" / "samples" / "scans" / "01-claim.png"


def backlog(folder: Path, count: int) -> None:
    """Distinct files (a different dot in the margin), the same OCR work each."""
    folder.mkdir(parents=True, exist_ok=True)
    base = Image.open(SCAN).convert("L")
    for n in range(count):
        page = base.copy()
        page.putpixel((5 + n, 5), 0)
        buffer = io.BytesIO()
        page.save(buffer, format="PNG")
        (folder / f"{n:04d}.png").write_bytes(buffer.getvalue())


def pismo(env: dict[str, str], *args: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, str(REPO / "runner.py"), *args],
        env={**os.environ, **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def drafted(url: str) -> int:
    import sqlalchemy as sa

    from pismo.states import ItemState
    from store import db
    from store.models import InboundItem

    with db.transaction(url) as s:
        return int(
            s.scalar(sa.select(sa.func.count()).where(InboundItem.state == ItemState.drafted)) or 0
        )


def workers_ready(url: str) -> int:
    import sqlalchemy as sa

    from store import db

    with db.transaction(url) as s:
        return int(s.scalar(sa.text("SELECT count(*) FROM procrastinate_workers")) or 0)


def run_workers(admin: str, count: int, workers: int) -> float:
    """Seconds for ``workers`` running `pismo worker`s to process the backlog, timed from
    the moment it is queued: a worker's start (imports, connecting) is paid once per
    process, not per letter, and is not the throughput being compared."""
    url = create_database(admin, f"bench_scale_{workers}")
    data = Path(tempfile.mkdtemp(prefix="pismo-bench-"))
    env = {
        "PISMO_DB_URL": url,
        "PISMO_DATA_DIR": str(data),
        "PISMO_WORKER__CONCURRENCY": "1",
        "PISMO_OCR__WORKERS": "1",  # one Tesseract per worker process: workers are the scale
    }
    subprocess.run([sys.executable, str(REPO / "runner.py"), "db", "upgrade"],
                   env={**os.environ, **env}, check=True, capture_output=True)  # fmt: skip
    procs = [pismo(env, "worker") for _ in range(workers)]
    while workers_ready(url) < workers:
        time.sleep(0.1)
    from pismo.context import Context
    from pismo.running import queued
    from pismo.settings import Settings

    backlog(data / "scans", count)
    ctx = Context(Settings(db_url=url, data_dir=data, ocr={"workers": 1}))
    queued.use_context(ctx)
    start = time.perf_counter()
    with queued.connected(url) as app, app.open():
        queued.take_files(ctx)
    while drafted(url) < count:
        time.sleep(0.2)
    elapsed = time.perf_counter() - start
    for proc in procs:
        proc.terminate()
        proc.wait()
    return elapsed


def run_sqlite(count: int) -> float:
    data = Path(tempfile.mkdtemp(prefix="pismo-bench-"))
    url = f"sqlite:///{data / 'pismo.db'}"
    # The files are complete: no need to wait for them to settle.
    env = {"PISMO_DATA_DIR": str(data), "PISMO_DB_URL": url, "PISMO_SETTLE_SECONDS": "0"}
    backlog(data / "scans", count)
    start = time.perf_counter()
    subprocess.run([sys.executable, str(REPO / "runner.py"), "run", "--once"],
                   env={**os.environ, **env}, check=True, capture_output=True)  # fmt: skip
    elapsed = time.perf_counter() - start
    assert drafted(url) == count, f"only {drafted(url)} of {count} letters processed"
    return elapsed


def queue_overhead(admin: str, jobs: int) -> tuple[float, float]:
    """Seconds per job through Procrastinate, and per direct call, of an empty task."""
    from pismo.running import queued
    from store import schema

    url = create_database(admin, "bench_overhead")

    schema.upgrade(url)
    queued.apply_schema(url)

    def empty(n: int) -> None:
        return None

    task = queued.app.task(name="bench.empty", queue="bench")(empty)
    start = time.perf_counter()
    for n in range(jobs):
        empty(n)
    direct = (time.perf_counter() - start) / jobs
    with queued.connected(url) as app:
        with app.open():
            start = time.perf_counter()
            for n in range(jobs):
                task.defer(n=n)
        app.run_worker(queues=["bench"], wait=False, concurrency=1, install_signal_handlers=False)
        queued = (time.perf_counter() - start) / jobs
    return queued, direct


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--letters", type=int, default=30)
    parser.add_argument("--jobs", type=int, default=300)
    args = parser.parse_args()
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")
    with postgres_server() as admin:
        one = run_workers(admin, args.letters, 1)
        two = run_workers(admin, args.letters, 2)
        queued, direct = queue_overhead(admin, args.jobs)
    sqlite = run_sqlite(args.letters)
    per_min = lambda seconds: args.letters / seconds * 60  # noqa: E731
    print(f"backlog: {args.letters} scanned letters (OCR, register, draft); {os.cpu_count()} cores")
    print(f"  1 worker  (PostgreSQL): {per_min(one):6.1f} letters/min")
    print(f"  2 workers (PostgreSQL): {per_min(two):6.1f} letters/min   speed-up {one / two:.2f}x")
    print(f"  pismo run --once (SQLite): {per_min(sqlite):6.1f} letters/min")
    print(f"queue overhead per empty job: {queued * 1000:.2f} ms (direct call "
          f"{direct * 1e6:.2f} µs), over {args.jobs} jobs")  # fmt: skip


if __name__ == "__main__":
    main()
