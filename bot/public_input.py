"""What a public channel accepts from outside: text is text, ids must be unguessable.

Rasa reads any message starting with "/" as an intent with entities ("/greet{...}"), which would
let anyone pick the answer and skip the danger net. Only the project's own button payloads keep
their meaning: the responses' buttons (data/responses/), the referral action's (data/questions.yml),
read at start-up, and the few the channels send themselves (data/public_input.yml). Any other "/"
text loses its slashes and is read as words. The rules and word lists are in data/public_input.yml.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from contract.intents import CONFIRM_PAYLOAD, DELETE_PAYLOAD
from contract.paths import DATA_DIR

RULES_FILE = DATA_DIR / "public_input.yml"
RESPONSES_DIR = DATA_DIR / "responses"
QUESTIONS_FILE = DATA_DIR / "questions.yml"
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


def button_payloads(files: Iterable[Path] | None = None) -> set[str]:
    """Every "/" payload of every button in the responses (data/responses/) and in the questions
    the referral action asks (data/questions.yml: the nation buttons, with their entity)."""
    found: set[str] = set()
    for path in sorted(files if files is not None else BUTTON_FILES()):
        found |= set(_payloads_in(yaml.safe_load(path.read_text(encoding="utf-8"))))
    return {payload for payload in found if payload.startswith(PAYLOAD_PREFIX)}


def BUTTON_FILES() -> list[Path]:  # noqa: N802 - a constant that must be read when called
    return [*RESPONSES_DIR.glob("*.yml"), QUESTIONS_FILE]


def _payloads_in(node: Any) -> Iterator[str]:
    """The payloads of every `buttons` list anywhere in a YAML document."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "buttons" and isinstance(value, list):
                yield from (str(b["payload"]) for b in value if isinstance(b, dict) and b.get("payload"))
            else:
                yield from _payloads_in(value)
    elif isinstance(node, list):
        for item in node:
            yield from _payloads_in(item)


def load(path: Path = RULES_FILE, button_files: Iterable[Path] | None = None) -> PublicInput:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    ids = data.get("sender_id") or {}
    payloads = {*button_payloads(button_files), *data.get("channel_payloads", []), DELETE_PAYLOAD, CONFIRM_PAYLOAD}
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
