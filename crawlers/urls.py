"""Canonical URLs: one spelling per article, so the same story never gets two ids."""

from __future__ import annotations

import courlan


def canonicalize(url: str) -> str:
    """Return the canonical form of an article URL (tracking parameters and fragment stripped)."""
    url = url.strip()
    if not url:
        raise ValueError("empty URL")
    try:
        # strict=True drops utm_*, fbclid, gidzl and other trackers, and the fragment.
        normalized = courlan.normalize_url(url, strict=True)
    except ValueError as exc:
        raise ValueError(f"invalid URL: {url!r}") from exc
    if normalized.endswith("/") and normalized.count("/") > 3:
        normalized = normalized.rstrip("/")
    return normalized
