"""pismo's command line: ``pismo COMMAND`` or ``python runner.py COMMAND``."""

from __future__ import annotations

import argparse
import json
import logging
import shutil
import signal
import sys
import threading
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from types import FrameType

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

import settings as settings_module
from errors import ExitCode, InputError, NotFound, PismoError
from intake.sources import expand_paths, folder_files, maildir_path, read_file, settle
from pipeline import Context, Outcome, advance, process
from review import cli as review_cli
from store import db
from store.export import export_items, item_record
from store.models import Appeal, InboundItem, ItemState

SAMPLES = Path(__file__).resolve().parent / "samples"
log = logging.getLogger("pismo")


def _context(args: argparse.Namespace) -> Context:
    ctx = Context(settings_module.load_settings(args.config))
    db.ensure_migrated(ctx.db)
    return ctx


def _describe(outcome: Outcome) -> str:
    if outcome.reg_number and outcome.state is ItemState.not_registered:
        return f"duplicate of {outcome.reg_number}"
    if outcome.reg_number:
        note = " (awaits transcription)" if outcome.state is ItemState.needs_transcription else ""
        return f"registered {outcome.reg_number}{note}" + (
            "" if outcome.new else " (already ingested)"
        )
    return f"not registered: {outcome.reason}"


# --- ingest and run -------------------------------------------------------------


def ingest_files(
    ctx: Context, paths: Iterable[Path], drop_root: Path | None, report: Callable[[str], None]
) -> int:
    """Process files one by one; a bad file is reported (and, in a drop folder,
    moved to ``failed/``) and the next one goes on.  Returns how many failed."""
    failed = 0
    for path in paths:
        try:
            incoming = read_file(
                path, str(path), ctx.settings.limits.max_file_bytes, settle=drop_root is not None
            )
            outcome = process(ctx, incoming)
        except InputError as exc:
            failed += 1
            report(f"{path}\tfailed: {exc}")
            if drop_root is not None:
                settle(path, drop_root, ok=False, reason=str(exc))
            continue
        report(f"{path}\t{_describe(outcome)}")
        if outcome.state is ItemState.quarantined:
            failed += 1
        if drop_root is not None:
            quarantined = outcome.state is ItemState.quarantined
            settle(
                path, drop_root, ok=not quarantined, reason=outcome.reason if quarantined else None
            )
    return failed


def resume_unfinished(ctx: Context) -> None:
    """Items a crash left half-way: received, read, or registered without their drafts."""
    with db.transaction(ctx.db) as s:
        ids = s.scalars(
            sa.select(InboundItem.id).where(
                InboundItem.state.in_([ItemState.received, ItemState.read, ItemState.registered])
            )
        ).all()
    for item_id in ids:
        advance(ctx, item_id)


def run_once(ctx: Context, report: Callable[[str], None]) -> int:
    resume_unfinished(ctx)
    failed = 0
    mail_dir = maildir_path(ctx.settings.mail_url)
    if mail_dir is None:
        raise PismoError("IMAP sources are not implemented yet; use a maildir:// mail_url for now")
    for folder in (mail_dir, ctx.settings.scan_folder):
        folder.mkdir(parents=True, exist_ok=True)
        failed += ingest_files(ctx, folder_files(folder), folder, report)
    return failed


def cmd_ingest(args: argparse.Namespace) -> int:
    ctx = _context(args)
    failed = ingest_files(ctx, expand_paths(Path(p) for p in args.paths), None, print)
    return ExitCode.input if failed else ExitCode.ok


def cmd_run(args: argparse.Namespace) -> int:
    ctx = _context(args)
    if args.once:
        run_once(ctx, print)
        return ExitCode.ok
    stop = threading.Event()

    def on_signal(signum: int, _frame: FrameType | None) -> None:
        log.info("signal %s: finishing the current item, then stopping", signum)
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    while not stop.is_set():
        try:
            run_once(ctx, print)
        except PismoError:
            raise
        except Exception:  # the daemon outlives any one bad pass; the next pass retries
            log.exception("pass failed; retrying in %s s", ctx.settings.poll_interval)
        stop.wait(ctx.settings.poll_interval)
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


def cmd_db_upgrade(args: argparse.Namespace) -> int:
    url = settings_module.load_settings(args.config).db_url
    db.upgrade(url)
    print(f"database at revision {db.current_revision(url)}")
    return ExitCode.ok


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
    p = command(
        "run", cmd_run, "Poll the mail drop and the scan folder; keep running unless --once."
    )
    p.add_argument("--once", action="store_true", help="one pass over the sources, then exit")
    p = command("list", cmd_list, "List registered appeals.")
    p.add_argument("--status", help="only appeals in this status (drafted, needs_transcription)")
    p = command("show", cmd_show, "Show one appeal with its fields, findings and drafts.")
    p.add_argument("reg_number", metavar="REG")
    p = command("export", cmd_export, "Print every inbound item as JSON (the export contract).")
    p.add_argument("--format", choices=["json"], default="json")
    command(
        "demo", cmd_demo, "Copy the bundled sample letters into the drop folders and run one pass."
    )
    command("settings", cmd_settings, "Print every setting with its help text and current value.")
    p = sub.add_parser("db", help="Database maintenance.", description="Database maintenance.")
    db_sub = p.add_subparsers(dest="db_command", required=True, metavar="ACTION")
    up = db_sub.add_parser("upgrade", help="Apply migrations.", description="Apply migrations.")
    up.set_defaults(func=cmd_db_upgrade)
    review_cli.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    try:
        return int(args.func(args))
    except PismoError as exc:
        print(f"pismo: {exc}", file=sys.stderr)
        return int(exc.exit_code)


if __name__ == "__main__":
    sys.exit(main())
