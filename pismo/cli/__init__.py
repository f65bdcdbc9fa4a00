"""pismo's command line: ``pismo COMMAND``, ``python -m pismo`` or ``python runner.py``.

Each module adds its commands: ``run`` (letters through the stages),
``records`` (the store looked at and kept), ``letters`` (drafts and the
<<<<<<< HEAD
journal), ``review`` (the web app, users, approval and dispatch), ``mail``
(the mail servers checked).
=======
journal), ``review`` (the web app, users, approval and dispatch), ``corrections``
(``pismo correct``, ``pismo appeal``: corrections and the claim workflow).
>>>>>>> review
"""

from __future__ import annotations

import argparse
import io
import os
import sys
from collections.abc import Sequence

from pismo import settings as settings_module
from pismo.cli import corrections, letters, mail, records, review, run
from pismo.cli.common import context
from pismo.errors import PismoError
from pismo.ops import configure_logging


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
    run.add_commands(sub)
    records.add_commands(sub)
    letters.add_commands(sub, context)
    review.register(sub)
    mail.add_commands(sub)
    corrections.add_commands(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    # The store, the scans, the drafts and the print batches hold personal data:
    # nothing pismo creates is readable by other users of the machine.
    os.umask(0o077)
    # A daemon's report lines reach a log (journald, a file) as they happen, not when a
    # block buffer fills: stdout is a pipe or a file there, not a terminal.
    if isinstance(sys.stdout, io.TextIOWrapper):
        sys.stdout.reconfigure(line_buffering=True)
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
