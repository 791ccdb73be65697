"""Keywords (STOP, START, HELP, DELETE, MORE) and numbered-option replies.

Why whole messages only: "please stop him" or "help me he hits me" must reach the assistant,
never switch replies off.
"""

from __future__ import annotations

import re

from bot.messaging.wording import wording

STOP, START, HELP, DELETE, MORE = "stop", "start", "help", "delete", "more"
_DIGIT_REPLY = re.compile(r"\s*#?\s*(\d)\s*[.)]?\s*")


def keyword_of(text: str | None) -> str | None:
    """The keyword when it (or a usual synonym) is the whole message, any case, else None."""
    text = text or ""
    if len(text) > wording().keyword_max_chars:
        return None
    return wording().keywords.get(re.sub(r"[^a-z]", "", text.lower()))


def option_choice(text: str | None, payloads: list[str] | None) -> str | None:
    """The payload a digit reply picks from the last options, or None."""
    match = _DIGIT_REPLY.fullmatch(text or "")
    if not match or not payloads:
        return None
    index = int(match.group(1)) - 1
    return payloads[index] if 0 <= index < len(payloads) else None
