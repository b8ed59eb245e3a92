"""Typed errors of the social connectors; the CLI turns them into one-line messages."""

from __future__ import annotations


class SocialError(Exception):
    """A social source cannot be collected (the message says why and what to do)."""


class ConfigError(SocialError):
    """The social registry, a mapping file or the environment is missing something."""


class AuthError(SocialError):
    """The platform refused the credentials (missing, wrong or expired key or token)."""


class QuotaExceeded(SocialError):
    """The platform's quota for the key is spent; collection must wait for the reset."""


class RateLimited(SocialError):
    """The platform keeps asking us to slow down longer than we are willing to wait."""


class Unreachable(SocialError):
    """The platform did not answer (network error or server errors after retries)."""
