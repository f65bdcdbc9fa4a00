"""``pismo review``, ``pismo user add``, ``pismo approve``, ``pismo dispatch``: the
review actions for scripts, through the same functions the web app calls."""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
import os
import sys
from typing import Any

from pismo.actions import replies
from pismo.actions.staff import add_user, deactivate_user
from pismo.cli.common import context, staff_named
from pismo.dispatch import confirm_posted, dispatch_pending, print_batch
from pismo.errors import AuthError, ExitCode
from pismo.states import Role
from store.db import transaction

PASSWORD_ENV = "PISMO_USER_PASSWORD"


def _password() -> str:
    if value := os.environ.get(PASSWORD_ENV):
        return value
    if sys.stdin.isatty():
        first = getpass.getpass("password: ")
        if getpass.getpass("again: ") != first:
            raise AuthError("the passwords differ")
        return first
    return sys.stdin.readline().rstrip("\n")


def cmd_user_add(args: argparse.Namespace) -> int:
    ctx = context(args)
    with transaction(ctx.db) as s:
        add_user(s, args.name, args.role, _password(), actor=getpass.getuser())
    print(f"user {args.name} ({args.role}) can log in")
    return ExitCode.ok


def cmd_user_remove(args: argparse.Namespace) -> int:
    ctx = context(args)
    with transaction(ctx.db) as s:
        deactivate_user(s, args.name, actor=getpass.getuser())
    print(f"user {args.name} can no longer log in; their sessions are closed")
    return ExitCode.ok


def cmd_approve(args: argparse.Namespace) -> int:
    ctx = context(args)
    staff = staff_named(ctx, args.user)
    sent = replies.approve_draft(ctx, args.draft_id, staff, send=not args.no_send)
    print(f"draft {args.draft_id} approved" + (f"; {sent.outcome} {sent.detail}" if sent else ""))
    return ExitCode.dispatch if sent and sent.outcome == "failed" else ExitCode.ok


def cmd_dispatch(args: argparse.Namespace) -> int:
    ctx = context(args)
    failed = 0
    for sent in dispatch_pending(ctx):
        if sent.outcome != "skipped" or args.verbose_skips:
            print(f"draft {sent.draft_id}\t{sent.outcome}\t{sent.detail}")
        failed += sent.outcome == "failed"
    if args.print_batch:
        day = dt.date.fromisoformat(args.day) if args.day else ctx.today()
        batch = print_batch(ctx, day)
        if batch:
            print(
                f"print batch {batch.pdf} ({len(batch.draft_ids)} letters), "
                f"register {batch.register_csv} and {batch.register_pdf}"
            )
    if args.posted:
        count = confirm_posted(ctx, args.posted, staff_named(ctx, args.user).name)
        print(f"{count} paper letters marked sent")
    return ExitCode.dispatch if failed else ExitCode.ok


def cmd_review(args: argparse.Namespace) -> int:
    import uvicorn

    from pismo.review.app import create_app

    ctx = context(args)
    print(f"pismo review on http://{args.host}:{args.port}/ (Ctrl+C stops)")
    uvicorn.run(
        create_app(ctx), host=args.host, port=args.port, log_level="warning", access_log=False
    )  # the access log would carry URLs with reg numbers only
    return ExitCode.ok


def register(sub: Any) -> None:
    """Add the review commands to the ``pismo`` parser's subcommands."""
    p = sub.add_parser(
        "review",
        help="Serve the review web app.",
        description="Serve the review web app (log in as a user from `pismo user add`).",
    )
    p.add_argument("--host", default="127.0.0.1", help="address to listen on")
    p.add_argument("--port", type=int, default=8000, help="port to listen on")
    p.set_defaults(func=cmd_review)

    p = sub.add_parser("user", help="Manage review app users.", description="Manage users.")
    users = p.add_subparsers(dest="user_command", required=True, metavar="ACTION")
    add = users.add_parser(
        "add",
        help="Add a user or reset one's password and role.",
        description=f"Add a user; the password is read from {PASSWORD_ENV} or standard input.",
    )
    add.add_argument("name")
    add.add_argument("--role", required=True, choices=[r.value for r in Role])
    add.set_defaults(func=cmd_user_add)
    remove = users.add_parser(
        "remove",
        help="Stop a user logging in (kept for the audit log); ends their sessions.",
        description="Deactivate a user: no login, open sessions closed; `add` restores them.",
    )
    remove.add_argument("name")
    remove.set_defaults(func=cmd_user_remove)

    p = sub.add_parser(
        "approve",
        help="Approve a draft and send it.",
        description="Approve a draft as a user with the approver role; an "
        "e-mail letter is sent at once.",
    )
    p.add_argument("draft_id", type=int)
    p.add_argument("--as", dest="user", required=True, help="the approving user's name")
    p.add_argument("--no-send", action="store_true", help="approve only; `pismo dispatch` sends")
    p.set_defaults(func=cmd_approve)

    p = sub.add_parser(
        "dispatch",
        help="Send approved letters; make the day's print batch.",
        description="Send approved e-mail letters (retrying failed ones), and "
        "with --print-batch collect paper letters into one PDF with a postal "
        "register.",
    )
    p.add_argument("--print-batch", action="store_true", help="also make the print batch")
    p.add_argument("--day", help="the batch's day, YYYY-MM-DD (default: today)")
    p.add_argument(
        "--posted",
        type=int,
        nargs="+",
        metavar="DRAFT",
        help="mark these printed letters as handed to the post",
    )
    p.add_argument("--as", dest="user", default="", help="who confirms --posted")
    p.add_argument("--verbose-skips", action="store_true", help="also list letters that wait")
    p.set_defaults(func=cmd_dispatch)
