"""What every command shares: the context made from ``--config``, the database migrated."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from pismo import settings as settings_module
from pismo.context import Context
from store import schema


def context(args: argparse.Namespace) -> Context:
    ctx = Context(settings_module.load_settings(args.config))
    schema.ensure_migrated(ctx.db)
    return ctx


def command(
    sub: Any, name: str, func: Callable[[argparse.Namespace], int], help_text: str
) -> argparse.ArgumentParser:
    """A subcommand whose ``--help`` says what its line in ``pismo --help`` says."""
    p: argparse.ArgumentParser = sub.add_parser(name, help=help_text, description=help_text)
    p.set_defaults(func=func)
    return p
