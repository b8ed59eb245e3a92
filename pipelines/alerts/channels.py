"""All alert network I/O behind one function: apprise delivers to any of its channels (email, webhooks, chat)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from urllib.parse import quote

import apprise

#: url, subject, body, headers -> delivered?
Notifier = Callable[[str, str, str, Mapping[str, str]], bool]


def with_headers(url: str, headers: Mapping[str, str]) -> str:
    """The apprise URL with extra headers as '+Name=value' arguments (email headers, HTTP headers for webhooks)."""
    if not headers:
        return url
    args = "&".join(f"+{quote(k)}={quote(v)}" for k, v in headers.items())
    return f"{url}{'&' if '?' in url else '?'}{args}"


def check_channel(url: str) -> None:
    """Raise ValueError when apprise does not understand the URL."""
    if apprise.Apprise.instantiate(url) is None:
        raise ValueError(f"not a channel URL apprise understands: {url!r} (e.g. mailto://…, json://…, tgram://…)")


def apprise_notify(url: str, subject: str, body: str, headers: Mapping[str, str]) -> bool:
    """Send one message through apprise; True when the channel accepted it."""
    sender = apprise.Apprise()
    if not sender.add(with_headers(url, headers)):
        raise ValueError(f"not a channel URL apprise understands: {url!r}")
    return bool(sender.notify(title=subject, body=body))
