"""pismo's command line: ``pismo COMMAND`` or ``python runner.py COMMAND``."""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
import json
import logging
import os
import shutil
import signal
import sys
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from types import FrameType

import sqlalchemy as sa
from sqlalchemy.orm import selectinload
from tqdm import tqdm

import settings as settings_module
from batch import chunks, describe, ingest_files
from errors import ExitCode, MailServerError, NotFound, PismoError
from intake.imap_intake import ImapIntake
from intake.sources import expand_paths, folder_files, maildir_path
from letters import cli as letters_cli
from ops import configure_logging
from pipeline import Context, advance_many
from review import cli as review_cli
from store import db
from store.export import export_items, item_record
from store.models import UNFINISHED, Appeal, InboundItem
from store.reports import build_report, render_report
from store.search import reindex, search
from transcription import transcribe

SAMPLES = Path(__file__).resolve().parent / "samples"
RESUME_CHUNK = 100  # items registered, then drafted as one batch
log = logging.getLogger("pismo")


def _context(args: argparse.Namespace) -> Context:
    ctx = Context(settings_module.load_settings(args.config))
    db.ensure_migrated(ctx.db)
    return ctx


# --- ingest and run -------------------------------------------------------------


def resume_unfinished(ctx: Context) -> None:
    """Items a crash left half-way, or ``ingest --no-drafts`` left undrafted: received,
    read, or registered without their drafts.  Drafted a chunk at a time, as a batch."""
    with db.transaction(ctx.db) as s:
        ids = s.scalars(
            sa.select(InboundItem.id)
            .where(InboundItem.state.in_(UNFINISHED))
            .order_by(InboundItem.id)
        ).all()
    for chunk in chunks(ids, RESUME_CHUNK):
        advance_many(ctx, [(item_id, False) for item_id in chunk])


def run_once(ctx: Context, report: Callable[[str], None], mailbox: ImapIntake | None = None) -> int:
    """One pass over the sources; ``mailbox`` keeps an IMAP connection between passes."""
    resume_unfinished(ctx)
    failed = 0
    mail_dir = maildir_path(ctx.settings.mail_url)
    folders = (
        [ctx.settings.scan_folder] if mail_dir is None else [mail_dir, ctx.settings.scan_folder]
    )
    if mail_dir is None:
        imap = mailbox or ImapIntake(ctx)
        try:
            failed += imap.run_pass(lambda source, o: report(f"{source}\t{describe(o)}"))
        finally:
            if mailbox is None:
                imap.close()
    for folder in folders:
        folder.mkdir(parents=True, exist_ok=True)
        failed += ingest_files(
            ctx, folder_files(folder, ctx.settings.settle_seconds), folder, report
        )
    return failed


def cmd_ingest(args: argparse.Namespace) -> int:
    ctx = _context(args)
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


def cmd_run(args: argparse.Namespace) -> int:
    ctx = _context(args)
    _serve_http(ctx)
    if args.once:
        try:
            run_once(ctx, print)
        finally:
            ctx.close()
        return ExitCode.ok
    stop = threading.Event()

    def on_signal(signum: int, _frame: FrameType | None) -> None:
        log.info("signal %s: finishing the current item, then stopping", signum)
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    mailbox = ImapIntake(ctx, stop) if maildir_path(ctx.settings.mail_url) is None else None
    while not stop.is_set():
        try:
            run_once(ctx, print, mailbox)
        except MailServerError as exc:  # the server may come back; keep the scan folder going
            log.error("%s; retrying in %s s", exc, ctx.settings.poll_interval)
        except PismoError:
            raise
        except Exception:  # the daemon outlives any one bad pass; the next pass retries
            log.exception("pass failed; retrying in %s s", ctx.settings.poll_interval)
        if mailbox is not None:
            mailbox.wait_for_mail(ctx.settings.poll_interval, stop)
        else:
            stop.wait(ctx.settings.poll_interval)
    if mailbox is not None:
        mailbox.close()
    ctx.close()
    return ExitCode.ok


def cmd_demo(args: argparse.Namespace) -> int:
    ctx = _context(args)
    mail_dir = maildir_path(ctx.settings.mail_url)
    assert mail_dir is not None, "demo uses the local folders"
    for sub, target in (("mail", mail_dir), ("scans", ctx.settings.scan_folder)):
        target.mkdir(parents=True, exist_ok=True)
        for sample in sorted((SAMPLES / sub).iterdir()):
            shutil.copy2(sample, target / sample.name)
    print(f"copied the samples into {mail_dir} and {ctx.settings.scan_folder}")
    run_once(ctx, print)
    print("\nDrafted letters (PDF):")
    with db.transaction(ctx.db) as s:
        for appeal in s.scalars(
            sa.select(Appeal).options(selectinload(Appeal.drafts)).order_by(Appeal.id)
        ):
            for d in appeal.drafts:
                print(f"  {appeal.reg_number}\t{d.type}\t{d.pdf_path}")
    print(f"\nThe store: {ctx.db}\nTry: pismo list, pismo show NUMBER, pismo export --format json")
    return ExitCode.ok


# --- looking at the store ---------------------------------------------------------


def cmd_list(args: argparse.Namespace) -> int:
    ctx = _context(args)
    with db.transaction(ctx.db) as s:
        query = sa.select(Appeal).options(selectinload(Appeal.applicant)).order_by(Appeal.id)
        if args.status:
            query = query.where(Appeal.status == args.status)
        rows = [
            (
                a.reg_number,
                a.registered_at.date().isoformat(),
                a.kind,
                a.category,
                a.status,
                str(a.answer_by or "—"),
                ",".join(a.grounds) or "—",
                a.applicant.surname or "—",
            )
            for a in s.scalars(query)
        ]
    header = (
        "number",
        "registered",
        "kind",
        "category",
        "status",
        "answer by",
        "grounds",
        "surname",
    )
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]
    for row in [header, *rows]:
        print("  ".join(str(v).ljust(w) for v, w in zip(row, widths, strict=True)).rstrip())
    return ExitCode.ok


def cmd_show(args: argparse.Namespace) -> int:
    ctx = _context(args)
    with db.transaction(ctx.db) as s:
        appeal = s.scalar(sa.select(Appeal).where(Appeal.reg_number == args.reg_number))
        if appeal is None:
            raise NotFound(f"no appeal numbered {args.reg_number}; see `pismo list`")
        first = appeal.items[0]
        record = item_record(first)
        record["findings"] = appeal.findings
        record["status"] = appeal.status
        record["department"] = appeal.department
    print(json.dumps(record, ensure_ascii=False, indent=2))
    return ExitCode.ok


def cmd_export(args: argparse.Namespace) -> int:
    ctx = _context(args)
    with db.transaction(ctx.db) as s:
        records = export_items(s)
    json.dump(records, sys.stdout, ensure_ascii=False, indent=2)
    print()
    return ExitCode.ok


def cmd_search(args: argparse.Namespace) -> int:
    ctx = _context(args)
    with db.transaction(ctx.db) as s:
        if args.reindex:
            print(f"indexed {reindex(s.connection())} appeals", file=sys.stderr)
        hits = search(s, " ".join(args.query), args.limit)
    for hit in hits:
        print(hit.as_line())
    if args.query and not hits:
        print("no appeal matches every word of the query", file=sys.stderr)
    return ExitCode.ok


def cmd_report(args: argparse.Namespace) -> int:
    ctx = _context(args)
    end = args.end or ctx.today()
    start = args.start or end.replace(day=1)
    if end < start:
        print(f"pismo: --to {end} is before --from {start}", file=sys.stderr)
        return ExitCode.usage
    with db.transaction(ctx.db) as s:
        report = build_report(s, start, end, tz=ctx.settings.org.timezone, today=ctx.today())
    data = render_report(report, args.format)
    if args.output is None and args.format == "csv":
        sys.stdout.write(data.decode("utf-8-sig"))
        return ExitCode.ok
    path = Path(args.output or f"report-{start}-{end}.{args.format}")
    path.write_bytes(data)
    print(path)
    return ExitCode.ok


def cmd_transcribe(args: argparse.Namespace) -> int:
    ctx = _context(args)
    if args.unreadable == (args.text_file is not None):
        print(
            "pismo transcribe: give a text file (or - for stdin), or --unreadable", file=sys.stderr
        )
        return ExitCode.usage
    text = None
    if args.text_file == "-":
        text = sys.stdin.read()
    elif args.text_file is not None:
        text = Path(args.text_file).read_text(encoding="utf-8")
    done = transcribe(ctx, args.reg_number, text, actor=args.by)
    print(f"{done.reg_number}\tgrounds: {', '.join(done.grounds) or '—'}")
    for path in done.drafts:
        print(f"  drafted {path}")
    return ExitCode.ok


def cmd_db_upgrade(args: argparse.Namespace) -> int:
    url = settings_module.load_settings(args.config).db_url
    db.upgrade(url)
    print(f"database at revision {db.current_revision(url)}")
    if db.normalise_url(url).get_backend_name() == "postgresql":
        import executors

        executors.apply_schema(url)
        print("Procrastinate's job tables are in place")
    return ExitCode.ok


def _serve_http(ctx: Context) -> None:
    if ctx.settings.http_port:
        import ops

        ops.serve_http(ctx)


def cmd_due(args: argparse.Namespace) -> int:
    import ops

    ctx = _context(args)
    days = ctx.settings.due_soon_days if args.days is None else args.days
    for due in ops.due_appeals(ctx.db, ctx.today(), days):
        when = f"overdue {-due.days_left} d" if due.days_left < 0 else f"{due.days_left} d left"
        print(f"{due.reg_number}\t{due.term} by {due.due}\t{when}\t{due.status}\t{due.category}")
    return ExitCode.ok


def cmd_health(args: argparse.Namespace) -> int:
    import ops

    result = ops.health(settings_module.load_settings(args.config).db_url)
    for name, state in result.checks.items():
        print(f"{name}: {state}")
    return ExitCode.ok if result.ok else ExitCode.store


def cmd_worker(args: argparse.Namespace) -> int:
    import executors

    ctx = _context(args)
    _serve_http(ctx)
    if args.concurrency:
        ctx.settings.worker.concurrency = args.concurrency
    if args.queues:
        ctx.settings.worker.queues = args.queues.split(",")
    executors.apply_schema(ctx.db)
    try:
        executors.run_worker(ctx)
    finally:
        ctx.close()
    # The worker has finished or released its jobs. Leave without the interpreter's
    # teardown: with native libraries (pdfium, Pango) loaded in job threads it has
    # crashed a stopped worker now and then (SIGSEGV, SIGABRT) after its work was done.
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(ExitCode.ok)


def cmd_settings(args: argparse.Namespace) -> int:
    current = settings_module.load_settings(args.config).model_dump(mode="json")
    for name, help_text in settings_module.describe():
        value: object = current
        for part in name.split("."):
            value = value.get(part) if isinstance(value, dict) else None
        if isinstance(value, dict):
            print(f"[{name}] {help_text}")
        else:
            secret = name in ("db_url", "mail_url") and "@" in str(value)
            shown = "***" if secret or (name == "smtp.password" and value) else value
            print(f"  {name} = {json.dumps(shown, ensure_ascii=False)}\n      {help_text}")
    return ExitCode.ok


# --- the parser ---------------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="pismo",
        description="Registers written appeals and claims, checks them against the law, "
        "and drafts replies for a person to approve.",
    )
    parser.add_argument(
        "--config", help="pismo.toml to read (default: PISMO_CONFIG or ./pismo.toml)"
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress to stderr")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(
        name: str, func: Callable[[argparse.Namespace], int], help_text: str
    ) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text, description=help_text)
        p.set_defaults(func=func)
        return p

    p = command(
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
        "run", cmd_run, "Poll the mail drop and the scan folder; keep running unless --once."
    )
    p.add_argument("--once", action="store_true", help="one pass over the sources, then exit")
    p = command("list", cmd_list, "List registered appeals.")
    p.add_argument("--status", help="only appeals in this status (drafted, needs_transcription)")
    p = command("show", cmd_show, "Show one appeal with its fields, findings and drafts.")
    p.add_argument("reg_number", metavar="REG")
    p = command(
        "transcribe",
        cmd_transcribe,
        "Give the text of a scan OCR could not read well (status needs_transcription), "
        "or confirm it is unreadable; the appeal is then checked again and drafted.",
    )
    p.add_argument("reg_number", metavar="REG")
    p.add_argument(
        "text_file", nargs="?", metavar="FILE", help="UTF-8 text of the letter; - reads stdin"
    )
    p.add_argument(
        "--unreadable",
        action="store_true",
        help="confirm the letter cannot be read: proposes the `illegible` ground",
    )
    p.add_argument(
        "--by", default=getpass.getuser(), help="who transcribes, for the audit log (default: you)"
    )
    p = command("export", cmd_export, "Print every inbound item as JSON (the export contract).")
    p.add_argument("--format", choices=["json"], default="json")
    p = command("due", cmd_due, "List open appeals that are overdue or due soon.")
    p.add_argument("--days", type=int, help="due within this many days (default: due_soon_days)")
    command(
        "health", cmd_health, "Check the database, migrations and workers; exit 4 if unhealthy."
    )
    p = command(
        "worker",
        cmd_worker,
        "Run a queued worker on PostgreSQL: polls the sources, reads, registers, drafts.",
    )
    p.add_argument("--concurrency", type=int, help="jobs at once (default: worker.concurrency)")
    p.add_argument("--queues", help="comma-separated queues, e.g. ocr (default: all)")
    p = command("search", cmd_search, "Find appeals by words, names, numbers; best first.")
    p.add_argument("query", nargs="*", help="words in any form, a surname, a number")
    p.add_argument("--limit", type=int, default=20, help="at most this many hits (20)")
    p.add_argument("--reindex", action="store_true", help="rebuild the search index first")
    p = command("report", cmd_report, "Figures for appeals registered in a period.")
    p.add_argument(
        "--from",
        dest="start",
        type=dt.date.fromisoformat,
        help="first day (YYYY-MM-DD; default: the 1st of --to's month)",
    )
    p.add_argument(
        "--to", dest="end", type=dt.date.fromisoformat, help="last day, included (default: today)"
    )
    p.add_argument("--format", choices=["csv", "xlsx", "pdf", "html"], default="csv")
    p.add_argument(
        "--output",
        "-o",
        help="file to write (default: csv to stdout, others to report-FROM-TO.EXT)",
    )
    command(
        "demo", cmd_demo, "Copy the bundled sample letters into the drop folders and run one pass."
    )
    command("settings", cmd_settings, "Print every setting with its help text and current value.")
    letters_cli.add_commands(sub, _context)
    p = sub.add_parser("db", help="Database maintenance.", description="Database maintenance.")
    db_sub = p.add_subparsers(dest="db_command", required=True, metavar="ACTION")
    up = db_sub.add_parser("upgrade", help="Apply migrations.", description="Apply migrations.")
    up.set_defaults(func=cmd_db_upgrade)
    review_cli.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        json_logs = settings_module.load_settings(args.config).log_format == "json"
    except PismoError:
        json_logs = False  # the command itself reports the bad settings
    configure_logging(args.verbose, json_logs)
    try:
        return int(args.func(args))
    except PismoError as exc:
        print(f"pismo: {exc}", file=sys.stderr)
        return int(exc.exit_code)


if __name__ == "__main__":
    sys.exit(main())
