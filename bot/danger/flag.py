"""What every reply to a message that shows danger carries, whatever Rasa said or failed to say.

- a machine-readable flag, `{"custom": {"danger": "<kind>"}}`, second in the reply list (so the
  999 text stays first for clients that show only text), on REST and socket.io alike: the widget
  puts its emergency card (a one-tap call to 999 and what pressing 55 does) at the start of the
  answer; SMS has no use for it and skips it;
- when the message is in another language, the 999 / 55 lines (and for suicide the Samaritans
  line first) in that language (data/danger_lines.yml), numbers unchanged, before the English.
Called once by the gateway after the safety net (bot/gateway.py), so it also holds when the
action server or Rasa is down.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from bot.danger.detector import shared_detector
from contract.danger import SUICIDE
from contract.paths import DATA_DIR

LINES_FILE = DATA_DIR / "danger_lines.yml"
FLAG_KEY = "danger"


def danger_flag(kind: str) -> dict[str, Any]:
    """The reply element that tells a client the message showed danger of this kind."""
    return {"custom": {FLAG_KEY: kind}}


def is_danger_flag(reply: dict[str, Any]) -> bool:
    custom = reply.get("custom")
    return isinstance(custom, dict) and FLAG_KEY in custom


@dataclass(frozen=True)
class TranslatedLines:
    lines: dict[str, dict[str, str]]  # language tag -> {"emergency": ..., "suicide": ...}

    def for_kind(self, language: str, kind: str) -> str | None:
        """The lines to lead with in `language`, or None for English or an unknown language."""
        found = self.lines.get(language) or self.lines.get(language.split("-")[0])
        if not found:
            return None
        ordered = [found["suicide"], found["emergency"]] if kind == SUICIDE else [found["emergency"]]
        return "\n".join(ordered)


@lru_cache(maxsize=2)
def translated_lines(path: Path = LINES_FILE) -> TranslatedLines:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return TranslatedLines({str(k): {n: str(t) for n, t in v.items()} for k, v in data["lines"].items()})


def emergency_card(path: Path = LINES_FILE) -> dict[str, str]:
    """The texts of the widget's emergency card (title, call button, what pressing 55 does)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return {str(k): str(v) for k, v in data["card"].items()}


def flag_replies(replies: list[dict[str, Any]], kind: str | None, text: str) -> list[dict[str, Any]]:
    """The replies with, for another language, its emergency lines first, and the danger flag second.
    Unchanged when `kind` is None."""
    if not kind:
        return replies
    out = [r for r in replies if not is_danger_flag(r)]
    language = shared_detector().assess(text).language if text else "en"
    lines = translated_lines().for_kind(language, kind)
    if lines:
        out.insert(0, {"text": lines})
    return [*out[:1], danger_flag(kind), *out[1:]]
