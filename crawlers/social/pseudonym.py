"""Author pseudonyms: HMAC-SHA256 of platform and user id under a key only the operator holds."""

from __future__ import annotations

import hashlib
import hmac
import os
from collections.abc import Mapping
from dataclasses import dataclass

from crawlers.social.errors import ConfigError

KEY_ENV = "RADAR_PSEUDONYM_KEY"
MIN_KEY_BYTES = 16


@dataclass(frozen=True)
class Pseudonymizer:
    """Turns a platform user id into a stable pseudonym; without a key, authors are not stored at all."""

    key: bytes | None

    def __call__(self, platform: str, user_id: str | None) -> str | None:
        """`platform:hex` pseudonym of a user id, or None when there is no id or no key."""
        if not user_id or self.key is None:
            return None
        # The platform is part of the message so the same handle on two platforms stays unlinked.
        digest = hmac.new(self.key, f"{platform}\x00{user_id}".encode(), hashlib.sha256).hexdigest()
        return f"{platform}:{digest[:20]}"


def from_env(environ: Mapping[str, str] | None = None, *, allow_without_key: bool = False) -> Pseudonymizer:
    """The pseudonymizer for this run; refuses to start without a key unless the operator opted out."""
    env = os.environ if environ is None else environ
    key = env.get(KEY_ENV, "")
    if key:
        if len(key.encode()) < MIN_KEY_BYTES:
            raise ConfigError(f"{KEY_ENV} is too short: use at least {MIN_KEY_BYTES} random characters")
        return Pseudonymizer(key.encode())
    if allow_without_key:
        return Pseudonymizer(None)
    raise ConfigError(
        f"{KEY_ENV} is not set: set it to a long random secret (e.g. `openssl rand -hex 32`) so author ids "
        "are pseudonymised, or pass --no-authors to collect without any author identifier"
    )
