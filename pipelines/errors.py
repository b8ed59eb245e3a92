"""Errors a user can cause; the CLI prints them as one line and exits non-zero."""


class UserError(Exception):
    """Bad input or configuration from the user (message is shown as is)."""
