"""Dashboard accounts and saved SQL queries: storage only (hashing is the caller's, see dashboard/auth.py)."""

from __future__ import annotations

import re
from dataclasses import dataclass

import duckdb
import pandas as pd

from warehouse.errors import WarehouseError

ROLES = ("viewer", "analyst", "admin")
USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{1,31}$")
PUBLIC_COLUMNS = "username, display_name, role, disabled, created_at"


class AccountError(WarehouseError):
    """A bad account request: unknown user, taken name, invalid role or name."""


@dataclass(frozen=True)
class Account:
    """One dashboard account as stored."""

    username: str
    display_name: str
    role: str
    disabled: bool
    password_hash: str


def check_username(username: str) -> str:
    """The username if valid (2-32 of a-z 0-9 . _ -, starting with a letter or digit); AccountError otherwise."""
    if not USERNAME_RE.match(username):
        raise AccountError(f"invalid username {username!r}: use 2-32 characters a-z 0-9 . _ - (lower case)")
    return username


def check_role(role: str) -> str:
    """The role if known; AccountError listing the valid roles otherwise."""
    if role not in ROLES:
        raise AccountError(f"role must be one of {', '.join(ROLES)}, not {role!r}")
    return role


def _has_table(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    # A warehouse written before migration 0400 and opened read-only has no accounts yet.
    row = con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = ?", [name]).fetchone()
    return bool(row and row[0])


def add_user(con: duckdb.DuckDBPyConnection, username: str, display_name: str, password_hash: str,
             role: str) -> None:
    """Create an account; AccountError when the name is taken or invalid."""
    check_username(username)
    check_role(role)
    if get_account(con, username) is not None:
        raise AccountError(f"user {username!r} already exists")
    con.execute("INSERT INTO users (username, display_name, password_hash, role) VALUES (?, ?, ?, ?)",
                [username, display_name or username, password_hash, role])


def _update(con: duckdb.DuckDBPyConnection, username: str, column: str, value: object) -> None:
    found = con.execute(f"UPDATE users SET {column} = ? WHERE username = ? RETURNING username",
                        [value, username]).fetchall()
    if not found:
        raise AccountError(f"no user {username!r}")


def set_disabled(con: duckdb.DuckDBPyConnection, username: str, disabled: bool = True) -> None:
    """Disable (or re-enable) an account; AccountError for an unknown user."""
    _update(con, username, "disabled", disabled)


def set_role(con: duckdb.DuckDBPyConnection, username: str, role: str) -> None:
    """Change an account's role; AccountError for an unknown user or role."""
    _update(con, username, "role", check_role(role))


def set_password_hash(con: duckdb.DuckDBPyConnection, username: str, password_hash: str) -> None:
    """Replace an account's password hash; AccountError for an unknown user."""
    _update(con, username, "password_hash", password_hash)


def get_account(con: duckdb.DuckDBPyConnection, username: str) -> Account | None:
    """The stored account, hash included, or None."""
    if not _has_table(con, "users"):
        return None
    row = con.execute("SELECT username, display_name, role, disabled, password_hash FROM users "
                      "WHERE username = ?", [username]).fetchone()
    return None if row is None else Account(str(row[0]), str(row[1]), str(row[2]), bool(row[3]), str(row[4]))


def list_users(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every account without its hash: username, display_name, role, disabled, created_at."""
    if not _has_table(con, "users"):
        return pd.DataFrame(columns=PUBLIC_COLUMNS.split(", "))
    return con.execute(f"SELECT {PUBLIC_COLUMNS} FROM users ORDER BY username").df()


def count_active_admins(con: duckdb.DuckDBPyConnection) -> int:
    """Enabled admin accounts (the last one may not be disabled or demoted)."""
    if not _has_table(con, "users"):
        return 0
    row = con.execute("SELECT count(*) FROM users WHERE role = 'admin' AND NOT disabled").fetchone()
    return int(row[0]) if row else 0


def saved_queries(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every saved SQL query: username, name, sql, saved_at (newest first)."""
    if not _has_table(con, "saved_queries"):
        return pd.DataFrame(columns=["username", "name", "sql", "saved_at"])
    return con.execute("SELECT username, name, sql, saved_at FROM saved_queries ORDER BY saved_at DESC").df()


def save_query(con: duckdb.DuckDBPyConnection, username: str, name: str, sql: str) -> None:
    """Save (or overwrite) one of a user's named queries."""
    if not name.strip() or not sql.strip():
        raise AccountError("a saved query needs a name and a query")
    con.execute("INSERT OR REPLACE INTO saved_queries (username, name, sql, saved_at) "
                "VALUES (?, ?, ?, current_timestamp)", [username, name.strip(), sql])
