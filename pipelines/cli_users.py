"""`radar users …`: dashboard accounts (add, list, disable)."""

from __future__ import annotations

import getpass
import json
import sys
from enum import StrEnum
from typing import Annotated

import typer

from pipelines.cli_alerts import DbOption, Format, _db
from pipelines.errors import UserError

users_app = typer.Typer(help="Tài khoản / Dashboard accounts and roles (viewer, analyst, admin).",
                        no_args_is_help=True)


class Role(StrEnum):
    """Dashboard roles, each allowed what the ones before it are."""

    viewer = "viewer"
    analyst = "analyst"
    admin = "admin"


def _read_password(from_stdin: bool) -> str:
    """The new password: first line of stdin, or typed twice at a prompt."""
    if from_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        if not sys.stdin.isatty():
            raise UserError("no terminal to prompt for a password: pipe it in with --password-stdin")
        password = getpass.getpass("Mật khẩu / Password: ")
        if getpass.getpass("Nhập lại / Repeat: ") != password:
            raise UserError("the two passwords differ")
    if not password:
        raise UserError("empty password")
    return password


@users_app.command("add")
def add(
    username: Annotated[str, typer.Argument(help="Login name: 2-32 characters a-z 0-9 . _ -.")],
    role: Annotated[Role, typer.Option("--role", help="viewer reads; analyst also gives feedback and manages "
                                                      "subscriptions; admin also manages users, sources, units.")],
    name: Annotated[str | None, typer.Option("--name", help="Display name (default: the username).")] = None,
    password_stdin: Annotated[bool, typer.Option("--password-stdin", help="Read the password from stdin.")] = False,
    db: DbOption = None,
) -> None:
    """Thêm tài khoản / Add a dashboard account (the password is prompted for unless --password-stdin)."""
    from dashboard.auth import hash_password
    from warehouse.db import open_writer
    from warehouse.users import add_user, check_username

    check_username(username)
    password_hash = hash_password(_read_password(password_stdin))
    with open_writer(_db(db)) as con:
        add_user(con, username, name or username, password_hash, role.value)
    print(f"user {username} added ({role.value})")


@users_app.command("list")
def list_cmd(db: DbOption = None, fmt: Annotated[Format, typer.Option("--format")] = Format.table) -> None:
    """Danh sách tài khoản / List accounts (never their passwords)."""
    from warehouse.db import open_reader
    from warehouse.users import list_users

    with open_reader(_db(db)) as con:
        frame = list_users(con)
    if fmt is Format.json:
        for record in frame.to_dict(orient="records"):
            print(json.dumps(record, ensure_ascii=False, default=str))
    elif frame.empty:
        print("no users: add one with 'radar users add NAME --role admin'")
    else:
        print(frame.to_string(index=False))


@users_app.command("disable")
def disable(
    username: Annotated[str, typer.Argument(help="Login name.")],
    enable: Annotated[bool, typer.Option("--enable", help="Re-enable instead.")] = False,
    db: DbOption = None,
) -> None:
    """Khóa tài khoản / Disable an account (it can no longer log in; --enable undoes it)."""
    from warehouse.db import open_writer
    from warehouse.users import get_account, set_disabled

    with open_writer(_db(db)) as con:
        set_disabled(con, username, not enable)
        account = get_account(con, username)
    print(f"user {username} {'enabled' if enable else 'disabled'}"
          + (f" ({account.role})" if account is not None else ""))
