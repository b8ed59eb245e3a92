"""Passwords (argon2) and the role each dashboard action needs: pure, shared with `radar users`."""

from __future__ import annotations

import secrets
from functools import cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from warehouse.db import open_reader, open_writer
from warehouse.errors import WarehouseError
from warehouse.users import ROLES, Account, add_user, count_active_admins, get_account

# What each action needs; a role can do what every lower role can.
PERMISSIONS = {
    "read": "viewer",
    "feedback": "analyst",
    "subscriptions": "analyst",
    "save_query": "analyst",
    "units": "admin",
    "users": "admin",
    "sources": "admin",
}
MIN_PASSWORD = 8
_hasher = PasswordHasher()


def hash_password(password: str) -> str:
    """An argon2id hash of the password; ValueError when it is too short."""
    if len(password) < MIN_PASSWORD:
        raise ValueError(f"password too short: at least {MIN_PASSWORD} characters")
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """Whether the password matches the stored hash."""
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def can(role: str | None, action: str) -> bool:
    """Whether a user with `role` may do `action` (unknown roles and actions may do nothing)."""
    needed = PERMISSIONS.get(action)
    if role not in ROLES or needed is None:
        return False
    return ROLES.index(role) >= ROLES.index(needed)


def authenticate(db: Path | str, username: str, password: str) -> Account | None:
    """The account when the name and password match an enabled account, else None."""
    with open_reader(db) as con:
        account = get_account(con, username.strip().lower())
    # An unknown name is checked against a stand-in hash, so the time taken does not tell which names exist.
    matches = verify_password(account.password_hash if account else _stand_in(), password)
    if account is None or account.disabled or not matches:
        return None
    return account


@cache
def _stand_in() -> str:
    return _hasher.hash(secrets.token_urlsafe(12))


def generate_password() -> str:
    """A random password for a first admin account (16 URL-safe characters)."""
    return secrets.token_urlsafe(12)


def ensure_admin(db: Path | str, password: str | None, username: str = "admin") -> str | None:
    """Create an admin when the warehouse has no enabled admin; return the password used, None if none was needed."""
    with open_writer(db) as con:
        if count_active_admins(con) > 0:
            return None
        if get_account(con, username) is not None:
            raise WarehouseError(f"user {username!r} exists but is not an enabled admin: fix it with 'radar users'")
        chosen = password or generate_password()
        add_user(con, username, "Quản trị viên", hash_password(chosen), "admin")
    return chosen
