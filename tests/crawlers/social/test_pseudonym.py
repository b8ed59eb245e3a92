"""Author pseudonyms: keyed, stable, unlinkable across platforms; no key means no run unless opted out."""

from __future__ import annotations

import pytest

from crawlers.social.errors import ConfigError
from crawlers.social.pseudonym import KEY_ENV, from_env


def test_keyed_stable_and_platform_specific() -> None:
    one = from_env({KEY_ENV: "k" * 32})
    other = from_env({KEY_ENV: "j" * 32})
    assert one("reddit", "nguyenvana") == one("reddit", "nguyenvana")
    assert one("reddit", "nguyenvana") != one("xenforo", "nguyenvana")
    assert one("reddit", "nguyenvana") != other("reddit", "nguyenvana")
    assert "nguyenvana" not in (one("reddit", "nguyenvana") or "")
    assert one("reddit", None) is None


def test_no_key_refuses_unless_opted_out() -> None:
    with pytest.raises(ConfigError, match=KEY_ENV):
        from_env({})
    with pytest.raises(ConfigError, match="too short"):
        from_env({KEY_ENV: "short"})
    assert from_env({}, allow_without_key=True)("reddit", "nguyenvana") is None
