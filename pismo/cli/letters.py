"""``pismo draft …`` and ``pismo journal …``: the letters' commands, added to runner's parser."""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import sqlalchemy as sa

from letters.drafting import OUTCOMES, LetterInputs, letter_context
from letters.journal import journal_rows, to_csv, to_pdf
from letters.specimens import MAN, WOMAN, appeal_for, inputs_for, plans
from letters.types import TYPES
from pismo.actions import replies
from pismo.cli.common import add_user_option, appeal_numbered, staff_named
from pismo.context import Context
from pismo.errors import ExitCode
from store.db import transaction
from store.models import Draft

ContextFactory = Callable[[argparse.Namespace], Context]


def _text(path: str | None) -> str:
    if path is None:
        return ""
    return sys.stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8")


def cmd_draft_list(ctx: Context, args: argparse.Namespace) -> int:
    appeal_id = appeal_numbered(ctx, args.reg_number)
    with transaction(ctx.db) as s:
        rows = s.scalars(sa.select(Draft).where(Draft.appeal_id == appeal_id).order_by(Draft.id))
        for d in rows:
            print(
                f"{d.id}\t{d.type}\t{d.ground or '—'}\tv{d.version}\t{d.status}\t"
                f"{d.out_number or '—'}\t{d.pdf_path}"
            )
    return ExitCode.ok


def cmd_draft_new(ctx: Context, args: argparse.Namespace) -> int:
    inputs = LetterInputs(
        body=_text(args.text_file),
        outcome=args.outcome,
        amount=args.amount,
        forward_to=args.forward_to,
        forward_address=args.forward_address,
        pay_by=args.pay_by,
        decision=args.decision,
        answer_url=args.answer_url,
        extended_to=args.extend_to,
        reason=args.reason,
        attachments=tuple(args.attach or ()),
    )
    draft_id = replies.new_draft(
        ctx,
        appeal_numbered(ctx, args.reg_number),
        args.type,
        staff_named(ctx, args.user),
        ground=args.ground,
        inputs=inputs,
    )
    print(f"draft {draft_id} created")
    return ExitCode.ok


def cmd_draft_edit(ctx: Context, args: argparse.Namespace) -> int:
    new_id = replies.edit_draft(
        ctx, args.draft_id, _text(args.text_file), staff_named(ctx, args.user)
    )
    print(f"draft {new_id} is the new version of draft {args.draft_id}")
    return ExitCode.ok


def cmd_draft_approve(ctx: Context, args: argparse.Namespace) -> int:
    """Approve only, as ``pismo approve --no-send`` does: `pismo dispatch` sends."""
    replies.approve_draft(ctx, args.draft_id, staff_named(ctx, args.user), send=False)
    with transaction(ctx.db) as s:
        print(s.get_one(Draft, args.draft_id).out_number or "")
    return ExitCode.ok


def cmd_journal(ctx: Context, args: argparse.Namespace) -> int:
    org = ctx.settings.org
    with transaction(ctx.db) as s:
        rows = journal_rows(s, args.direction, args.year, org)
    if args.format == "csv":
        data = to_csv(args.direction, rows)
    else:
        data = to_pdf(ctx.renderer, args.direction, rows, args.year, org)
    if args.output in (None, "-"):
        sys.stdout.buffer.write(data)
    else:
        Path(args.output).write_bytes(data)
    return ExitCode.ok


def cmd_draft_specimens(ctx: Context, args: argparse.Namespace) -> int:
    """Every letter type for a man and a woman in both regimes, for a person to look at."""
    out = Path(args.folder)
    out.mkdir(parents=True, exist_ok=True)
    names, letters = [], []
    for regime in ("public", "telecom"):
        org = ctx.settings.org.model_copy(update={"regime": regime})
        for person in (MAN, WOMAN):
            for n, (kind, plan) in enumerate(plans(regime), start=1):
                context = letter_context(
                    appeal_for(kind, person, regime, n), plan, org, ctx.today(), inputs_for(kind)
                )
                letters.append(ctx.renderer.letter(plan.template, regime, context))
                names.append(f"{regime}-{person.gender}-{kind.type}-{kind.ground or 'any'}")
    for name, pdf in zip(names, ctx.renderer.pdfs(letters), strict=True):
        path = out / f"{name}.pdf"
        path.write_bytes(pdf)
        if args.png and shutil.which("pdftoppm"):
            subprocess.run(
                ["pdftoppm", "-r", "60", "-png", path, out / name],
                check=True,
            )
    print(f"{len(names)} specimen letters in {out}")
    return ExitCode.ok


def add_commands(sub: argparse._SubParsersAction, context: ContextFactory) -> None:  # type: ignore[type-arg]
    """Add ``draft`` and ``journal`` to runner's subcommands."""

    def bind(func: Callable[[Context, argparse.Namespace], int]) -> Callable[..., int]:
        return lambda args: func(context(args), args)

    p = sub.add_parser("draft", help="Letters: create, edit, approve drafts.")
    draft = p.add_subparsers(dest="draft_command", required=True, metavar="ACTION")
    a = draft.add_parser("list", help="The drafts of an appeal, every version.")
    a.add_argument("reg_number", metavar="REG")
    a.set_defaults(func=bind(cmd_draft_list))
    a = draft.add_parser("new", help="Start a letter for an appeal (an answer, an extension, …).")
    a.add_argument("reg_number", metavar="REG")
    a.add_argument("type", choices=sorted({t.type for t in TYPES}))
    a.add_argument("--ground", help="the ground code, for notice and no-answer letters")
    a.add_argument("--outcome", choices=sorted(OUTCOMES), help="answer: the decision")
    a.add_argument("--amount", help="answer: money to return, e.g. '300,00 руб.'")
    a.add_argument("--text-file", help="staff's own text (UTF-8; '-' for stdin)")
    a.add_argument("--forward-to", help="forwarding, cover: the competent body's name")
    a.add_argument("--forward-address", help="cover: the competent body's address")
    a.add_argument("--pay-by", type=dt.date.fromisoformat, help="answer: money paid by YYYY-MM-DD")
    a.add_argument("--decision", help="repeat: the head's decision, 'от 05.12.2026 № 15'")
    a.add_argument("--answer-url", help="published-answer: the page with the answer")
    a.add_argument("--extend-to", type=dt.date.fromisoformat, help="extension: YYYY-MM-DD")
    a.add_argument("--reason", help="extension: why the term is extended")
    a.add_argument("--attach", action="append", help="an «Приложение:» line (repeatable)")
    add_user_option(a)
    a.set_defaults(func=bind(cmd_draft_new))
    a = draft.add_parser("edit", help="Replace a draft's text: a new version, re-rendered.")
    a.add_argument("draft_id", type=int)
    a.add_argument("--text-file", required=True, help="the new text (UTF-8; '-' for stdin)")
    add_user_option(a)
    a.set_defaults(func=bind(cmd_draft_edit))
    a = draft.add_parser("specimens", help="Render every letter type as specimens to review.")
    a.add_argument("folder")
    a.add_argument("--png", action="store_true", help="also a PNG of every page (pdftoppm)")
    a.set_defaults(func=bind(cmd_draft_specimens))
    a = draft.add_parser("approve", help="Give a draft its outgoing number; final PDF.")
    a.add_argument("draft_id", type=int)
    add_user_option(a)
    a.set_defaults(func=bind(cmd_draft_approve))

    p = sub.add_parser("journal", help="The registration journal as CSV or a PDF register.")
    p.add_argument("direction", choices=["incoming", "outgoing"])
    p.add_argument("--year", type=int, default=dt.date.today().year)
    p.add_argument("--format", choices=["csv", "pdf"], default="csv")
    p.add_argument("-o", "--output", help="file to write (default: stdout)")
    p.set_defaults(func=bind(cmd_journal))
