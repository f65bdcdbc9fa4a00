"""``pismo correct …`` and ``pismo appeal …``: corrections and the claim workflow from
the command line, through the same actions the web app calls, as a named user."""

from __future__ import annotations

import argparse
from typing import Any

from pismo.actions import appeals, corrections
from pismo.cli.common import add_user_option, appeal_numbered, command, context, staff_named
from pismo.errors import ExitCode


def cmd_correct(args: argparse.Namespace) -> int:
    ctx = context(args)
    appeal_id, staff = appeal_numbered(ctx, args.reg_number), staff_named(ctx, args.user)
    finding = ("grounds", args.ground) if args.ground else ("defects", args.defect)
    if finding[1]:
        action = "add" if args.add else "dismiss"
        corrections.correct_finding(
            ctx, appeal_id, finding[0], finding[1], action, args.reason or "", staff
        )
        print(f"{args.reg_number}: {finding[1]} {action}")
    elif args.field:
        corrections.correct_field(ctx, appeal_id, args.field, args.value or "", staff)
        print(f"{args.reg_number}: {args.field} corrected")
    else:
        print("pismo correct: give FIELD VALUE, or --ground/--defect CODE with a reason")
        return ExitCode.usage
    return ExitCode.ok


def cmd_appeal(args: argparse.Namespace) -> int:
    ctx = context(args)
    appeal_id, staff = appeal_numbered(ctx, args.reg_number), staff_named(ctx, args.user)
    if args.appeal_command == "assign":
        appeals.assign(ctx, appeal_id, args.department or "", args.assignee or "", staff)
    elif args.appeal_command == "decide":
        appeals.decide(ctx, appeal_id, args.decision, args.measures or "", staff)
    elif args.appeal_command == "dispute":
        appeals.dispute(ctx, appeal_id, staff)
    else:
        draft_id = appeals.extend(ctx, appeal_id, args.days, args.reason or "", staff)
        print(f"draft {draft_id}: the extension notice")
    print(f"{args.reg_number}: {args.appeal_command} done")
    return ExitCode.ok


def add_commands(sub: Any) -> None:
    p = command(
        sub,
        "correct",
        cmd_correct,
        "Correct an appeal: a field (kind, category, department, letter_date, gender, "
        "the applicant's details), or a ground or defect added or dismissed with a reason; "
        "its terms and open letters follow.",
    )
    p.add_argument("reg_number", metavar="REG")
    p.add_argument(
        "field", nargs="?", choices=corrections.EDITABLE_FIELDS, help="the field to correct"
    )
    p.add_argument("value", nargs="?", help="its value; empty clears it (dates dd.mm.yyyy)")
    which = p.add_mutually_exclusive_group()
    which.add_argument("--ground", help="a ground code (LAW.md), e.g. no-postal-address")
    which.add_argument("--defect", help="a defect code, e.g. no-contract-copy")
    how = p.add_mutually_exclusive_group()
    how.add_argument("--add", action="store_true", help="add the ground or defect")
    how.add_argument("--dismiss", action="store_true", help="dismiss it (the default)")
    p.add_argument("--reason", help="why (required for a ground or defect)")
    add_user_option(p)

    p = sub.add_parser("appeal", help="The claim workflow: assign, decide, dispute, extend.")
    actions = p.add_subparsers(dest="appeal_command", required=True, metavar="ACTION")

    def act(name: str, help_text: str) -> argparse.ArgumentParser:
        a: argparse.ArgumentParser = actions.add_parser(name, help=help_text)
        a.add_argument("reg_number", metavar="REG")
        add_user_option(a)
        a.set_defaults(func=cmd_appeal)
        return a

    a = act("assign", "Give the appeal a department and an assignee.")
    a.add_argument("--department")
    a.add_argument("--assignee")
    a = act("decide", "Record the decision on the claim.")
    a.add_argument("decision", choices=sorted(appeals.DECISIONS))
    a.add_argument("--measures", help="the measures taken")
    act("dispute", "The sender disputes the decision: a second review.")
    a = act("extend", "Extend the answer term once (59-FZ Art. 12 p.2).")
    a.add_argument("days", type=int)
    a.add_argument("--reason")
