"""How the channel tests judge texts, from data/messaging.yml read here on its own (the same file
the code reads, so the list of telling words is reviewed in one place)."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import yaml

from bot.messaging.encoding import GSM_BASIC, GSM_EXTENDED

ROOT = Path(__file__).resolve().parents[2]
MESSAGING = ROOT / "data" / "messaging.yml"
EMERGENCY_OPENING = "If you are in danger now, call 999."
# What the brief says must never show on a lock screen, beside what the file held before.
MUST_BE_LISTED = ["LGBT+", "Galop", "Karma Nirvana", "Appendix VDA", "right to stay", "Victim Support",
                  "police", "Home Office", "visa", "deportation", "domestic abuse", "FGM"]  # fmt: skip


@lru_cache(maxsize=1)
def data() -> dict:
    return yaml.safe_load(MESSAGING.read_text(encoding="utf-8"))


@lru_cache(maxsize=1)
def telling() -> re.Pattern[str]:
    return re.compile(r"\b(?:" + "|".join(data()["lock_screen"]["telling"]) + ")", re.IGNORECASE)


def lock_screen(text: str) -> str:
    """The first characters of a text, plus the rest of a word cut there."""
    limit = data()["lock_screen"]["preview_chars"]
    head = text[:limit]
    if head and not head[-1].isspace():
        head += re.match(r"\S*", text[limit:]).group(0)  # type: ignore[union-attr]
    return " ".join(head.split())


def safe_on_lock_screen(text: str) -> bool:
    """Neutral, or the 999 line (the long or the short form) first."""
    opening = text.lstrip().startswith((EMERGENCY_OPENING, data()["texts"]["short_999"]))
    return opening or not telling().search(lock_screen(text))


def septets(text: str) -> int:
    return sum(2 if c in GSM_EXTENDED else 1 for c in text)


def assert_fits_sms(texts: list[str], max_texts: int = 3) -> None:
    assert 1 <= len(texts) <= max_texts, texts
    for text in texts:
        assert all(c in GSM_BASIC or c in GSM_EXTENDED for c in text), text
        assert septets(text) <= 160, (septets(text), text)
        assert safe_on_lock_screen(text), lock_screen(text)


def assert_fits_whatsapp(texts: list[str]) -> None:
    assert 1 <= len(texts) <= 3, texts
    for text in texts:
        assert len(text) <= 1600, len(text)
        assert safe_on_lock_screen(text), lock_screen(text)
