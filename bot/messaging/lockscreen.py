"""What a lock screen shows of a text, and whether that gives the topic away.

Why: on a shared or checked phone, the preview of a text can put the person at risk. Every text
the messaging channels send opens neutrally (data/messaging.yml lists the telling words), except
for the 999 line (long or short form), which a person in danger must see first.
"""

from __future__ import annotations

import re
from functools import lru_cache

from bot.messaging.wording import wording
from contract.safety_lines import safety_lines

_WORD = re.compile(r"\S*")


@lru_cache(maxsize=1)
def telling_words() -> re.Pattern[str]:
    return re.compile(r"\b(?:" + "|".join(wording().telling) + ")", re.IGNORECASE)


def preview(text: str) -> str:
    """The first characters a lock screen shows, plus the rest of a word cut there."""
    limit = wording().preview_chars
    head = text[:limit]
    if head and not head[-1].isspace():
        head += _WORD.match(text, limit).group(0)  # type: ignore[union-attr]
    return head


def emergency_opening() -> str:
    return safety_lines().emergency.split(".")[0] + "."


def is_neutral(text: str) -> bool:
    """True when the preview of `text` reveals nothing about its topic (the emergency line may lead)."""
    text = text.lstrip()
    if text.startswith((emergency_opening(), wording().texts["short_999"])):
        return True  # the 999 line, long or short, is what must show first
    return not telling_words().search(" ".join(preview(text).split()))


def lead_for(text: str) -> str:
    """The shortest neutral line that makes `text` safe to preview ("" when it already is)."""
    if is_neutral(text):
        return ""
    leads = wording().leads
    return next((lead for lead in leads if is_neutral(f"{lead}\n{text}")), leads[-1])
