"""The shipped safety lines (data/safety.yml), loaded in one place for both processes.

Whatever breaks (Rasa, the action server, the directory), a person in danger still gets 999 and
a number where a person answers. Read once per process: if the database is down, this must not
need anything else.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from functools import lru_cache
from pathlib import Path

import yaml

from contract.danger import SUICIDE
from contract.nations import nation_label
from contract.paths import SAFETY_FILE


@dataclass(frozen=True)
class Helpline:
    name: str
    phone: str
    nation: str | None
    source: str = ""


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
    helplines: tuple[Helpline, ...]

    def helpline_text(self) -> str:
        lines = [f"- {h.name}: {h.phone}" for h in self.helplines]
        return "\n".join([self.human, *lines])

    def fallback(self, reason: str | None = None) -> str:
        """What to say when the assistant itself cannot answer."""
        head = [reason] if reason else []
        return "\n".join([*head, self.emergency, self.helpline_text()])

    def danger_first(self, kind: str | None) -> str:
        """The lines that must lead a reply to a message that shows danger."""
        return f"{self.emergency}\n{self.suicide}" if kind == SUICIDE else self.emergency

    def ordered(self, nation: str | None) -> list[Helpline]:
        """The helplines, the person's own nation first when known."""
        return sorted(self.helplines, key=lambda h: h.nation != nation)

    def short_numbers(self) -> list[str]:
        """ "England 0808 2000 247", one per nation, for the shortest form of the lines."""
        return [f"{nation_label(h.nation or '')} {h.phone}".strip() for h in self.helplines]

    def phones(self) -> set[str]:
        return {h.phone for h in self.helplines}


@lru_cache(maxsize=2)
def safety_lines(path: Path = SAFETY_FILE) -> SafetyLines:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    helplines = tuple(
        Helpline(str(h["name"]), str(h["phone"]), h.get("nation"), str(h.get("source", ""))) for h in data["helplines"]
    )
    names = {f.name for f in fields(SafetyLines)} - {"helplines"}
    return SafetyLines(**{k: str(data[k]) for k in names}, helplines=helplines)


def has_emergency_line(replies: list[dict]) -> bool:
    return any("999" in (reply.get("text") or "") for reply in replies)
