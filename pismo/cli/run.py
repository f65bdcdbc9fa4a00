"""``pismo ingest``, ``run``, ``demo``, ``worker``: letters through the stages."""

from __future__ import annotations

import argparse
import logging
import os
import shutil
import signal
import sys
import threading
from importlib import resources
from pathlib import Path
from types import FrameType
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import selectinload
from tqdm import tqdm

from intake.sources import SCAN_SUFFIXES, expand_paths, maildir_path
from pismo.cli.common import command, context
from pismo.context import Context
from pismo.errors import ExitCode
from pismo.running.batch import ingest_files
from pismo.running.inline import run_daemon, run_once
from store import db
from store.models import Appeal

log = logging.getLogger("pismo")
SAMPLE_SUFFIXES = SCAN_SUFFIXES | {".eml"}


def cmd_ingest(args: argparse.Namespace) -> int:
    ctx = context(args)
    paths = list(expand_paths(Path(p) for p in args.paths))
    # A progress bar for a person at a terminal; scripts read the result lines on stdout.
    with tqdm(total=len(paths), unit="file", disable=not sys.stderr.isatty()) as bar:

        def report(line: str) -> None:
            bar.write(line, file=sys.stdout)
            bar.update()

        try:
            failed = ingest_files(ctx, paths, None, report, drafts=args.drafts)
        finally:
            ctx.close()
    return ExitCode.input if failed else ExitCode.ok


def _once(ctx: Context) -> None:
    try:
        run_once(ctx, print)
    finally:
        ctx.close()


def cmd_run(args: argparse.Namespace) -> int:
    ctx = context(args)
    _serve_http(ctx)
    if args.once:
        _once(ctx)
        return ExitCode.ok
    stop = threading.Event()

    def on_signal(signum: int, _frame: FrameType | None) -> None:
        log.info("signal %s: finishing the current item, then stopping", signum)
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    try:
        run_daemon(ctx, print, stop)
    finally:
        ctx.close()
    return ExitCode.ok


def cmd_demo(args: argparse.Namespace) -> int:
    ctx = context(args)
    mail_dir = maildir_path(ctx.settings.mail_url)
    assert mail_dir is not None, "demo uses the local folders"
    with resources.as_file(resources.files("pismo") / "samples") as samples:
        for sub, target in (("mail", mail_dir), ("scans", ctx.settings.scan_folder)):
            target.mkdir(parents=True, exist_ok=True)
            for sample in sorted((samples / sub).iterdir()):
                if sample.suffix.lower() in SAMPLE_SUFFIXES:
                    shutil.copy(sample, target / sample.name)
    print(f"copied the samples into {mail_dir} and {ctx.settings.scan_folder}")
    ctx.settings.settle_seconds = 0  # copied whole just now: no scanner is still writing them
    _once(ctx)
    print("\nDrafted letters (PDF):")
    with db.transaction(ctx.db) as s:
        for appeal in s.scalars(
            sa.select(Appeal).options(selectinload(Appeal.drafts)).order_by(Appeal.id)
        ):
            for d in appeal.drafts:
                print(f"  {appeal.reg_number}\t{d.type}\t{d.pdf_path}")
    print(f"\nThe store: {ctx.db}\nTry: pismo list, pismo show NUMBER, pismo export --format json")
    return ExitCode.ok


def _serve_http(ctx: Context) -> None:
    if ctx.settings.http_port:
        from pismo import ops

        ops.serve_http(ctx)


def cmd_worker(args: argparse.Namespace) -> int:
    from pismo.running import queued

    ctx = context(args)
    _serve_http(ctx)
    if args.concurrency:
        ctx.settings.worker.concurrency = args.concurrency
    if args.queues:
        ctx.settings.worker.queues = args.queues.split(",")
    queued.apply_schema(ctx.db)
    try:
        queued.run_worker(ctx)
    finally:
        ctx.close()
    # The worker has finished or released its jobs. Leave without the interpreter's
    # teardown: with native libraries (pdfium, Pango) loaded in job threads it has
    # crashed a stopped worker now and then (SIGSEGV, SIGABRT) after its work was done.
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(ExitCode.ok)


def add_commands(sub: Any) -> None:
    p = command(
        sub,
        "ingest",
        cmd_ingest,
        "Register letter files (.eml, PDF, PNG, JPEG, TIFF) or folders of them now.",
    )
    p.add_argument("paths", nargs="+", metavar="PATH")
    p.add_argument(
        "--no-drafts",
        dest="drafts",
        action="store_false",
        help="register only (a backlog of scans, fast); the next `pismo run` drafts them",
    )
    p = command(
        sub, "run", cmd_run, "Poll the mail drop and the scan folder; keep running unless --once."
    )
    p.add_argument("--once", action="store_true", help="one pass over the sources, then exit")
    p = command(
        sub,
        "worker",
        cmd_worker,
        "Run a queued worker on PostgreSQL: polls the sources, reads, registers, drafts.",
    )
    p.add_argument("--concurrency", type=int, help="jobs at once (default: worker.concurrency)")
    p.add_argument("--queues", help="comma-separated queues, e.g. ocr (default: all)")
    command(
        sub,
        "demo",
        cmd_demo,
        "Copy the bundled sample letters into the drop folders and run one pass.",
    )
