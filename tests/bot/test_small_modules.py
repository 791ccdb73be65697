"""Pseudonyms, rate limits, safety lines and settings."""

from __future__ import annotations

from pathlib import Path

from bot import settings as settings_module
from bot.pseudonyms import pseudonym
from bot.rate_limit import RateLimiter
from bot.safety import has_emergency_line, safety_lines


def test_pseudonym_is_keyed() -> None:
    assert pseudonym(b"a", "rest", "x") != pseudonym(b"b", "rest", "x")
    assert "07700" not in pseudonym(b"a", "twilio", "+447700900123")


def test_rate_limiter_window() -> None:
    limiter = RateLimiter(per_minute=2)
    assert limiter.allow("k", now=0) and limiter.allow("k", now=1)
    assert not limiter.allow("k", now=2)
    assert limiter.allow("k", now=61)
    assert limiter.allow("other", now=2)


def test_safety_lines_have_every_nation_and_999() -> None:
    lines = safety_lines()
    assert {h.nation for h in lines.helplines} == {"england", "wales", "scotland", "northern_ireland"}
    assert "999" in lines.emergency and "55" in lines.emergency
    assert "0800 027 1234" in lines.fallback()
    assert has_emergency_line([{"text": lines.fallback()}])


def test_secret_is_generated_into_env_once(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv(settings_module.SECRET_NAME, raising=False)
    env_file = tmp_path / ".env"
    settings_module.ensure_sender_secret(env_file)
    first = env_file.read_text()
    settings_module.ensure_sender_secret(env_file)
    assert first == env_file.read_text() and len(first.strip().split("=")[1]) == 64
