"""``pismo list``, ``show``, ``export``, ``search``, ``report``, ``transcribe``, ``due``,
``health``, ``settings``, ``db upgrade``: the store, looked at and kept."""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
import json
import sys
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from pismo import ops
from pismo import settings as settings_module
from pismo.actions.transcription import transcribe
from pismo.cli.common import command, context
from pismo.errors import ExitCode, NotFound, masked_url
from store import db, schema
from store.export import export_items, item_record
from store.models import Appeal
from store.reports import build_report
from store.search import reindex, search


def cmd_list(args: argparse.Namespace) -> int:
    ctx = context(args)
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
    ctx = context(args)
    with db.transaction(ctx.db) as s:
        appeal = s.scalar(sa.select(Appeal).where(Appeal.reg_number == args.reg_number))
        if appeal is None:
            raise NotFound(f"no appeal numbered {args.reg_number}; see `pismo list`")
        first = appeal.items[0]
        record = item_record(first)
        record["findings"] = appeal.findings
        record["status"] = appeal.status
        record["department"] = appeal.department
        record["mailbox"] = first.meta.get("mailbox_label")
    print(json.dumps(record, ensure_ascii=False, indent=2))
    return ExitCode.ok


def cmd_export(args: argparse.Namespace) -> int:
    ctx = context(args)
    with db.transaction(ctx.db) as s:
        records = export_items(s)
    json.dump(records, sys.stdout, ensure_ascii=False, indent=2)
    print()
    return ExitCode.ok


def cmd_search(args: argparse.Namespace) -> int:
    ctx = context(args)
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
    ctx = context(args)
    end = args.end or ctx.today()
    start = args.start or end.replace(day=1)
    if end < start:
        print(f"pismo: --to {end} is before --from {start}", file=sys.stderr)
        return ExitCode.usage
    with db.transaction(ctx.db) as s:
        report = build_report(s, start, end, tz=ctx.settings.org.timezone, today=ctx.today())
    from pismo.reports import render_report  # matplotlib and openpyxl: slow to load

    data = render_report(report, args.format)
    if args.output is None and args.format == "csv":
        sys.stdout.write(data.decode("utf-8-sig"))
        return ExitCode.ok
    path = Path(args.output or f"report-{start}-{end}.{args.format}")
    path.write_bytes(data)
    print(path)
    return ExitCode.ok


def cmd_db_upgrade(args: argparse.Namespace) -> int:
    url = settings_module.load_settings(args.config).db_url
    schema.upgrade(url)
    print(f"database at revision {schema.current_revision(url)}")
    if db.normalise_url(url).get_backend_name() == "postgresql":
        from pismo.running import queued

        queued.apply_schema(url)
        print("Procrastinate's job tables are in place")
    return ExitCode.ok


def cmd_due(args: argparse.Namespace) -> int:

    ctx = context(args)
    days = ctx.settings.due_soon_days if args.days is None else args.days
    for due in ops.due_appeals(ctx.db, ctx.today(), days):
        when = f"overdue {-due.days_left} d" if due.days_left < 0 else f"{due.days_left} d left"
        print(f"{due.reg_number}\t{due.term} by {due.due}\t{when}\t{due.status}\t{due.category}")
    return ExitCode.ok


def cmd_health(args: argparse.Namespace) -> int:

    result = ops.health(settings_module.load_settings(args.config).db_url)
    for name, state in result.checks.items():
        print(f"{name}: {state}")
    return ExitCode.ok if result.ok else ExitCode.store


def cmd_settings(args: argparse.Namespace) -> int:
    current = settings_module.load_settings(args.config).model_dump(mode="json")
    for name, help_text in settings_module.describe():
        if "[]." in name:  # a key of each table of the list above
            print(f"    {name}: {help_text}")
            continue
        value: object = current
        for part in name.split("."):
            value = value.get(part) if isinstance(value, dict) else None
        if isinstance(value, dict):
            print(f"[{name}] {help_text}")
        else:
            shown = json.dumps(masked(name, value), ensure_ascii=False)
            print(f"  {name} = {shown}\n      {help_text}")
    return ExitCode.ok


def masked(name: str, value: object) -> object:
    """A setting as ``pismo settings`` shows it: passwords in URLs and every secret hidden
    (SecretStr fields dump as ``**********`` already)."""
    if isinstance(value, str) and "://" in value:
        return masked_url(value)
    if isinstance(value, list) and name == "mailboxes":
        return [{**box, "url": masked_url(box["url"])} for box in value if isinstance(box, dict)]
    if value and name.rpartition(".")[2] in ("password", "secret", "token"):
        return "***"
    return value


def cmd_transcribe(args: argparse.Namespace) -> int:
    ctx = context(args)
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


def add_commands(sub: Any) -> None:
    p = command(sub, "list", cmd_list, "List registered appeals.")
    p.add_argument("--status", help="only appeals in this status (drafted, needs_transcription)")
    p = command(sub, "show", cmd_show, "Show one appeal with its fields, findings and drafts.")
    p.add_argument("reg_number", metavar="REG")
    p = command(
        sub,
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
    p = command(
        sub, "export", cmd_export, "Print every inbound item as JSON (the export contract)."
    )
    p.add_argument("--format", choices=["json"], default="json")
    p = command(sub, "due", cmd_due, "List open appeals that are overdue or due soon.")
    p.add_argument("--days", type=int, help="due within this many days (default: due_soon_days)")
    command(
        sub,
        "health",
        cmd_health,
        "Check the database, migrations and workers; exit 4 if unhealthy.",
    )
    p = command(sub, "search", cmd_search, "Find appeals by words, names, numbers; best first.")
    p.add_argument("query", nargs="*", help="words in any form, a surname, a number")
    p.add_argument("--limit", type=int, default=20, help="at most this many hits (20)")
    p.add_argument("--reindex", action="store_true", help="rebuild the search index first")
    p = command(sub, "report", cmd_report, "Figures for appeals registered in a period.")
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
        sub, "settings", cmd_settings, "Print every setting with its help text and current value."
    )
    p = sub.add_parser("db", help="Database maintenance.", description="Database maintenance.")
    db_sub = p.add_subparsers(dest="db_command", required=True, metavar="ACTION")
    command(db_sub, "upgrade", cmd_db_upgrade, "Apply migrations.")
