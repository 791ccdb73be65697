"""After the emergency answer, the other topic the message raises, offered as the next step.

"He's locked me in and my boss has my passport, I work for no money" is danger first, and modern
slavery next: the emergency answer replaces the topic's answer (the NLU safety net sets the intent),
so the topic the NLU ranked next is offered as one button, which a tap (or the number on SMS)
turns into that topic's question. The gateway reads the parse from the conversation after Rasa has
answered; nothing here sees the message text.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from bot.danger.flag import LINES_FILE
from contract.intents import DANGER
from contract.paths import DATA_DIR

TITLES_FILE = DATA_DIR / "fallback_choice.yml"


@dataclass(frozen=True)
class NextStep:
    text: str
    topics: tuple[str, ...]  # the intents that may be offered, whatever the NLU ranks
    titles: dict[str, str]  # intent -> button title (data/fallback_choice.yml `topics`)
    min_confidence: float

    def topic(self, parse: dict[str, Any]) -> str | None:
        """The first offerable topic of the parse: sentence-level `concerns`, then the ranking."""
        for item in _ranked(parse):
            name, confidence = str(item.get("intent") or item.get("name") or ""), item.get("confidence") or 0.0
            if name != DANGER and name in self.topics and name in self.titles and confidence >= self.min_confidence:
                return name
        return None

    def offer(self, parse: dict[str, Any]) -> list[dict[str, Any]]:
        """The reply that offers the next topic, or nothing."""
        topic = self.topic(parse)
        if topic is None:
            return []
        return [{"text": self.text, "buttons": [{"title": self.titles[topic], "payload": f"/{topic}"}]}]


def _ranked(parse: dict[str, Any]) -> Iterable[dict[str, Any]]:
    yield from parse.get("concerns") or []
    yield from parse.get("intent_ranking") or []


@lru_cache(maxsize=2)
def next_step(lines: Path = LINES_FILE, titles: Path = TITLES_FILE) -> NextStep:
    data = yaml.safe_load(lines.read_text(encoding="utf-8"))["next_step"]
    topics = yaml.safe_load(titles.read_text(encoding="utf-8"))["topics"]
    return NextStep(
        text=str(data["text"]),
        topics=tuple(str(t) for t in data["topics"]),
        titles={str(k): str(v) for k, v in topics.items()},
        min_confidence=float(data.get("min_confidence", 0.1)),
    )
