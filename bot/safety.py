"""The shipped safety lines (data/safety.yml) and the rule that every reply keeps them.

Whatever breaks (Rasa, the action server, the directory), a person in danger still gets 999 and
a number where a person answers, on every channel.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

SAFETY_FILE = Path(__file__).resolve().parent.parent / "data" / "safety.yml"


@dataclass(frozen=True)
class SafetyLines:
    emergency: str
    footer: str
    suicide: str
    human: str
    unavailable: str
    empty: str
    too_long: str
    rate_limited: str
    personal_data: str
    delete_failed: str
    helplines: tuple[dict, ...]

    def helpline_text(self) -> str:
        lines = [f"- {h['name']}: {h['phone']}" for h in self.helplines]
        return "\n".join([self.human, *lines])

    def fallback(self, reason: str | None = None) -> str:
        """What to say when the assistant itself cannot answer."""
        head = [reason] if reason else []
        return "\n".join([*head, self.emergency, self.helpline_text()])

    def danger_first(self, kind: str | None) -> str:
        """The lines that must lead a reply to a message that shows danger."""
        return f"{self.emergency}\n{self.suicide}" if kind == "suicide" else self.emergency


@lru_cache(maxsize=1)
def safety_lines(path: Path = SAFETY_FILE) -> SafetyLines:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    fields = SafetyLines.__dataclass_fields__
    return SafetyLines(**{k: (tuple(v) if k == "helplines" else v) for k, v in data.items() if k in fields})


def has_emergency_line(replies: list[dict]) -> bool:
    return any("999" in (reply.get("text") or "") for reply in replies)
