"""What every command shares: the context made from ``--config``, the database migrated,
and the user a staff command acts as."""

from __future__ import annotations

import argparse
import getpass
import os
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa

from pismo import settings as settings_module
from pismo.actions.staff import Staff
from pismo.context import Context
from pismo.errors import NotFound
from pismo.states import Role
from store import schema
from store.db import transaction
from store.models import Appeal
from store.users import User

USER_ENV = "PISMO_USER"


def staff_named(ctx: Context, name: str) -> Staff:
    """The CLI acts as a named user, with that user's role (the actions check it)."""
    with transaction(ctx.db) as s:
        user = s.scalar(sa.select(User).where(User.name == name, User.active.is_(True)))
        if user is None:
            raise NotFound(f"нет активного пользователя {name!r}: pismo user add {name} --role …")
        return Staff(id=user.id, name=user.name, role=Role(user.role), token="")


def add_user_option(p: argparse.ArgumentParser) -> None:
    """``--as NAME`` (``--actor`` too): the pismo user who acts; ``PISMO_USER`` or the
    login name by default."""
    p.add_argument(
        "--as",
        "--actor",
        dest="user",
        default=os.environ.get(USER_ENV) or getpass.getuser(),
        help=f"the pismo user who acts (default: {USER_ENV} or your login name)",
    )


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


def appeal_numbered(ctx: Context, reg_number: str) -> int:
    """The id of the appeal numbered ``reg_number``."""
    with transaction(ctx.db) as s:
        found = s.scalar(sa.select(Appeal.id).where(Appeal.reg_number == reg_number))
    if found is None:
        raise NotFound(f"обращения {reg_number} нет; см. `pismo list`")
    return found
