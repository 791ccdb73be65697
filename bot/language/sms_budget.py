"""Whether a translated SMS text fits the SMS profile's budget (data/messaging.yml): GSM-7 when
every character is in the GSM alphabet, otherwise UCS-2 (70 a text, 67 a part). The counting is
bot/messaging/encoding.py's; this only asks it about one whole text."""

from __future__ import annotations

from bot.messaging.encoding import GSM7, UCS2, is_gsm
from bot.messaging.encoding import parts as encoded_parts
from bot.messaging.wording import profile

__all__ = ["fits", "is_gsm", "max_texts", "parts"]


def max_texts() -> int:
    return profile("sms").max_texts


def parts(text: str) -> int:
    """SMS parts the text takes when sent as one concatenated message."""
    encoding = GSM7 if is_gsm(text) else UCS2
    budget = profile("sms").budgets["gsm7" if encoding == GSM7 else "ucs2"]
    return encoded_parts(text, encoding, budget.single, budget.part)


def fits(text: str, budget: int | None = None) -> bool:
    return parts(text) <= (budget or max_texts())
