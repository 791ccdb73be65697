"""What a public channel accepts from outside: text is text, ids must be unguessable.

Rasa reads any message starting with "/" as an intent with entities ("/greet{...}"), which would
let anyone pick the answer and skip the danger net. Only the project's own button payloads (the
responses' buttons, read from data/responses/ at start-up, and the few channels send themselves,
data/public_input.yml) keep their meaning; any other "/" text loses its slashes and is read as
words. The rules and word lists are in data/public_input.yml.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from contract.intents import CONFIRM_PAYLOAD, DELETE_PAYLOAD
from contract.paths import DATA_DIR

RULES_FILE = DATA_DIR / "public_input.yml"
RESPONSES_DIR = DATA_DIR / "responses"
PAYLOAD_PREFIX = "/"  # rasa.shared.constants.INTENT_MESSAGE_PREFIX
_KEYWORD_END = re.compile(r"[\s.!]+$")
_SEPARATORS = re.compile(r"[\s_.:/-]+")


@dataclass(frozen=True)
class SenderIdRule:
    min_length: int
    min_distinct: int
    guessable_words: tuple[str, ...]

    def problem(self, sender: str) -> str | None:
        """Why a client-chosen conversation id could be someone else's too, or None when it is fine."""
        rest = _SEPARATORS.sub("", sender.lower())
        for word in sorted(self.guessable_words, key=len, reverse=True):
            rest = rest.replace(word, "")
        if len(sender) < self.min_length:
            return f"is too short (at least {self.min_length} characters)"
        if len(set(rest)) < self.min_distinct or len(rest) < self.min_length // 2:
            return "is too easy to guess"
        return None


@dataclass(frozen=True)
class PublicInput:
    payloads: frozenset[str]
    delete_now: frozenset[str]
    sender_id: SenderIdRule

    def as_text(self, text: str) -> str:
        """The text Rasa may see: an allowed payload as is, any other "/" text as plain words."""
        if not text.startswith(PAYLOAD_PREFIX) or text in self.payloads:
            return text
        return text.lstrip(PAYLOAD_PREFIX).strip()

    def deletes_at_once(self, text: str) -> bool:
        """True when the whole message is one of the exact deletion keywords."""
        return _KEYWORD_END.sub("", text.strip().casefold()) in self.delete_now


def button_payloads(directory: Path = RESPONSES_DIR) -> set[str]:
    """Every "/" payload of every button of every response in the domain's response files."""
    found: set[str] = set()
    for path in sorted(directory.glob("*.yml")):
        responses = (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("responses") or {}
        for variants in responses.values():
            for variant in variants or []:
                found |= {_payload(button) for button in (variant or {}).get("buttons") or []}
    return {payload for payload in found if payload.startswith(PAYLOAD_PREFIX)}


def _payload(button: Any) -> str:
    return str(button.get("payload") or "") if isinstance(button, dict) else ""


def load(path: Path = RULES_FILE, responses: Path = RESPONSES_DIR) -> PublicInput:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    ids = data.get("sender_id") or {}
    payloads = {*button_payloads(responses), *data.get("channel_payloads", []), DELETE_PAYLOAD, CONFIRM_PAYLOAD}
    return PublicInput(
        payloads=frozenset(payloads),
        delete_now=frozenset(str(k).casefold() for k in data.get("delete_now", [])),
        sender_id=SenderIdRule(
            min_length=int(ids.get("min_length", 16)),
            min_distinct=int(ids.get("min_distinct", 6)),
            guessable_words=tuple(str(w).lower() for w in ids.get("guessable_words", [])),
        ),
    )


@lru_cache(maxsize=1)
def public_input() -> PublicInput:
    """The rules of this process, read once (bot/server.py reads them at start-up)."""
    return load()
